"""The adversarial claims, measured from the run's tables alone: which number of the tables
measures which claim of ``claims.toml``.

Claim ids follow the two papers (SZ-* Szegedy et al., GSS-* Goodfellow
et al.), one id per table cell: ``SZ-T2-FC100-on-AE400`` is the error induced on AE400-10
by the examples made for FC100-100-10 (Table 2, row FC100-100-10, column AE400-10).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from replications.adversarial.tables import (
    NOISE2,
    NOISE4,
    SLUG,
    TABLE1,
    TABLE3,
    Tables,
    not_yet,
    stages_of,
)
from shared.claims import Measurement

Getter = Callable[[dict[str, Any]], tuple[float | bool | None, str]]


def _cell(*path: str) -> Getter:
    def get(tables: dict[str, Any]) -> tuple[float | bool | None, str]:
        value: Any = tables
        for part in path:
            value = value[part]
        return value, ""

    return get


def _transfer_beats_noise(tables: dict[str, Any]) -> tuple[bool, str]:
    """Szegedy Table 2: made-for-another-model examples hurt more than sigma-0.1 noise
    (off-diagonal means)."""
    t2 = tables["table2"]
    off = [t2[row]["errors"][col] for row in TABLE1 for col in TABLE1 if col != row]
    noise = list(t2["Gaussian noise, sigma 0.1"]["errors"].values())
    mean_off, mean_noise = sum(off) / len(off), sum(noise) / len(noise)
    return (
        mean_off > mean_noise,
        f"mean off-diagonal error {mean_off:.1f}% vs sigma-0.1 noise {mean_noise:.1f}%",
    )


def _adversarial_training_halves(tables: dict[str, Any]) -> tuple[bool, str]:
    fg = tables["fgsm"]
    before, after = fg["maxout"]["error"], fg["maxout, adversarially trained"]["error"]
    return after < before / 2, f"FGSM error {before:.1f}% -> {after:.1f}%"


def getters() -> dict[str, Getter]:
    """Claim id -> how to read its measurement from the tables."""
    g: dict[str, Getter] = {}
    for model in TABLE1:
        s = SLUG[model]
        g[f"SZ-T1-{s}-test"] = _cell("table1", model, "test_error")
        g[f"SZ-T1-{s}-train"] = _cell("table1", model, "train_error")
        g[f"SZ-T1-{s}-dist"] = _cell("table1", model, "distortion")
    for row in [*TABLE1, *NOISE2]:
        for col in TABLE1:
            g[f"SZ-T2-{SLUG.get(row) or NOISE2[row]}-on-{SLUG[col]}"] = _cell(
                "table2", row, "errors", col
            )
    g["SZ-T2-transfer"] = _transfer_beats_noise
    for model in TABLE3:
        g[f"SZ-T3-{SLUG[model]}-test"] = _cell("table3", model, "test_error")
        g[f"SZ-T3-{SLUG[model]}-train"] = _cell("table3", model, "train_error")
        g[f"SZ-T4-{SLUG[model]}-dist"] = _cell("table4", model, "distortion")
    for row in TABLE3:
        for col in TABLE3:
            if col != row:
                g[f"SZ-T4-{SLUG[row]}-on-{SLUG[col]}"] = _cell("table4", row, "errors", col)
                g[f"SZ-T4-{SLUG[row]}-x0.1-on-{SLUG[col]}"] = _cell(
                    "table4", f"{row}, magnified", "errors", col
                )
    for row, s in NOISE4.items():
        for col in TABLE3:
            g[f"SZ-T4-{s}-on-{SLUG[col]}"] = _cell("table4", row, "errors", col)
    g["SZ-self"] = lambda t: (
        all(
            t[k][m]["success"] == 100.0
            for k, ms in (("table2", TABLE1), ("table4", TABLE3))
            for m in ms
        ),
        "every model, its own L-BFGS examples",
    )
    g["GSS-softmax-error"] = _cell("fgsm", "softmax", "error")
    g["GSS-softmax-conf"] = _cell("fgsm", "softmax", "confidence")
    g["GSS-maxout-error"] = _cell("fgsm", "maxout", "error")
    g["GSS-maxout-conf"] = _cell("fgsm", "maxout", "confidence")
    g["GSS-0.94"] = _cell("fgsm", "maxout", "clean_error")
    g["GSS-0.84"] = _cell("fgsm", "maxout, adversarially trained", "clean_error")
    g["GSS-advrobust"] = _cell("fgsm", "maxout, adversarially trained", "error")
    g["GSS-advrobust-conf"] = _cell("fgsm", "maxout, adversarially trained", "confidence")
    g["GSS-advtrain-helps"] = _adversarial_training_halves
    g["GSS-transfer-19.6"] = _cell("fgsm", "transfer", "robust_on_base_examples")
    g["GSS-transfer-40.9"] = _cell("fgsm", "transfer", "base_on_robust_examples")
    fgsm_eps = "FGSM eps 0.25"
    g["BEYOND-svm"] = _cell("beyond", "errors", f"{fgsm_eps} vs maxout", "SVM, polynomial kernel")
    g["BEYOND-forest"] = _cell("beyond", "errors", f"{fgsm_eps} vs maxout", "random forest")
    g["BEYOND-linsvm"] = _cell("beyond", "errors", f"{fgsm_eps} vs linear SVM", "linear SVM")
    return g


def _cifar_note(cifar: dict[str, Any]) -> str:
    """What the CIFAR-10 number rests on: the data (JPEG-degraded copy or not) and the net's clean
    error."""
    data = cifar.get("data_note") or "genuine CIFAR-10"
    return (
        f"{data}; {cifar['model']} after {cifar['epochs']} epochs, clean test error "
        f"{cifar['clean_error']:.1f}%"
    )


def measure(tables: Tables) -> dict[str, Measurement]:
    """Every claim of ``claims.toml`` from ``tables`` (see ``tables.Tables``); the claims of a
    stage still training say how many of its models are trained; the CIFAR-10 ones are "not
    run" when that stage was off."""
    out = {}
    pending = tables.get("pending", {})
    for claim_id, get in getters().items():
        waiting = [pending[s] for s in stages_of(claim_id) if s in pending]
        if waiting:
            out[claim_id] = Measurement(None, note=not_yet(waiting[0]))
            continue
        value, note = get(tables)  # type: ignore[arg-type]
        out[claim_id] = Measurement(value, note=note)
    return {**out, **cifar_measurements(tables.get("cifar") or {})}  # type: ignore[arg-type]


def cifar_measurements(cifar: dict[str, Any]) -> dict[str, Measurement]:
    """GSS-cifar (FGSM error) and GSS-cifar-conf from the CIFAR-10 stage's table; "not run" when it
    was off."""
    if cifar.get("error") is None:
        reason = cifar.get("note", "not run")
        return {
            "GSS-cifar": Measurement(None, note=reason),
            "GSS-cifar-conf": Measurement(None, note=reason),
        }
    note = _cifar_note(cifar)
    return {
        "GSS-cifar": Measurement(cifar["error"], note=note),
        "GSS-cifar-conf": Measurement(cifar["confidence"], note=note),
    }
