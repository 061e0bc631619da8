"""Extra page tables, generated from the results file: Szegedy et al. Tables 1-4 (ours beside
the paper's), Goodfellow et al.'s FGSM table, and the transfer to an SVM and a random forest.
"""

from __future__ import annotations

from typing import Any

from replications.adversarial.claims_map import NOISE2, NOISE4, SLUG
from replications.adversarial.szegedy import TABLE1, TABLE3
from shared.report import fmt


def _paper(results: dict[str, Any]) -> dict[str, Any]:
    return {row["id"]: row for row in results["claims"]}


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{fmt(value, 3)}%"


def _ours_vs(claims: dict[str, Any], claim_id: str, ours: float | None, percent: bool = True) -> str:
    """``ours (paper)``, the paper's value in italics where it is recalled (uncertain)."""
    row = claims.get(claim_id)
    text = _pct(ours) if percent else fmt(ours, 2)
    if row is None:
        return text
    paper = _pct(row["paper"]) if percent else fmt(row["paper"], 2)
    paper = f"*{paper}*" if row["confidence"] == "uncertain" else paper
    return f"{text} ({paper})"


def table1(results: dict[str, Any]) -> str:
    claims, t1 = _paper(results), results["tables"]["table1"]
    lines = ["| model | test error | train error | mean min. distortion | attack success |",
             "| --- | --- | --- | --- | --- |"]
    for m in TABLE1:
        s, r = SLUG[m], t1[m]
        lines.append(f"| {m} | {_ours_vs(claims, f'SZ-T1-{s}-test', r['test_error'])} | "
                     f"{_ours_vs(claims, f'SZ-T1-{s}-train', r['train_error'])} | "
                     f"{_ours_vs(claims, f'SZ-T1-{s}-dist', r['distortion'], percent=False)} | {_pct(r['success'])} |")
    n = results["tables"]["sizes"]["n_attack"]
    return "\n".join(lines) + f"\n\nOurs (Szegedy et al.). Distortion: RMS per pixel, pixels in [0, 1], over {n:,} training images attacked with random target labels.\n"


def _matrix(results: dict[str, Any], table: str, models: tuple[str, ...], rows: list[str], prefix: str,
            slug: dict[str, str]) -> str:
    claims, t = _paper(results), results["tables"][table]
    lines = ["| examples made for | " + " | ".join(SLUG[c] for c in models) + " | distortion |",
             "| --- |" + " --- |" * (len(models) + 1)]
    for row in rows:
        cells = [_ours_vs(claims, f"{prefix}-{slug[row]}-on-{SLUG[c]}", t[row]["errors"][c]) for c in models]
        lines.append(f"| {row} | " + " | ".join(cells) + f" | {fmt(t[row]['distortion'], 2)} |")
    return "\n".join(lines) + "\n"


def table2(results: dict[str, Any]) -> str:
    slug = {**SLUG, **NOISE2}
    text = _matrix(results, "table2", TABLE1, [*TABLE1, *NOISE2], "SZ-T2", slug)
    return text + ("\nError (%) of the column model; ours (Szegedy et al.; *italic*: recalled, uncertain). "
                   "Gaussian noise is clipped to [0, 1], so its measured RMS is below sigma.\n")


def table4(results: dict[str, Any]) -> str:
    claims, t3 = _paper(results), results["tables"]["table3"]
    head = ["| model | train error (own half) | test error |", "| --- | --- | --- |"]
    for m in TABLE3:
        head.append(f"| {m} | {_ours_vs(claims, f'SZ-T3-{SLUG[m]}-train', t3[m]['train_error'])} | "
                    f"{_ours_vs(claims, f'SZ-T3-{SLUG[m]}-test', t3[m]['test_error'])} |")
    slug = {**SLUG, **NOISE4, **{f"{m}, magnified": f"{SLUG[m]}-x0.1" for m in TABLE3}}
    rows = [*TABLE3, *(f"{m}, magnified" for m in TABLE3), *NOISE4]
    return ("\n".join(head) + "\n\nTable 3: ours (Szegedy et al., recalled).\n\n"
            + _matrix(results, "table4", TABLE3, rows, "SZ-T4", slug)
            + "\nTable 4: error (%) of the column model on test images; \"magnified\" rows scale each "
              "perturbation to RMS 0.1 (then clip). Ours (Szegedy et al.).\n")


def fgsm(results: dict[str, Any]) -> str:
    claims, fg = _paper(results), results["tables"]["fgsm"]
    ids = {"softmax": (None, "GSS-softmax-error", "GSS-softmax-conf"),
           "maxout": ("GSS-0.94", "GSS-maxout-error", "GSS-maxout-conf"),
           "maxout, adversarially trained": ("GSS-0.84", "GSS-advrobust", "GSS-advrobust-conf")}
    lines = ["| model | clean test error | FGSM error (eps 0.25) | confidence on the errors |",
             "| --- | --- | --- | --- |"]
    for name, (clean, err, conf) in ids.items():
        r = fg[name]
        clean_text = _ours_vs(claims, clean, r["clean_error"]) if clean else _pct(r["clean_error"])
        lines.append(f"| {name} | {clean_text} | {_ours_vs(claims, err, r['error'])} | "
                     f"{_ours_vs(claims, conf, r['confidence'])} |")
    tr = fg["transfer"]
    lines += ["", "| transfer | error |", "| --- | --- |",
              f"| adversarially trained maxout on the original maxout's FGSM images | "
              f"{_ours_vs(claims, 'GSS-transfer-19.6', tr['robust_on_base_examples'])} |",
              f"| original maxout on the adversarially trained maxout's FGSM images | "
              f"{_ours_vs(claims, 'GSS-transfer-40.9', tr['base_on_robust_examples'])} |"]
    n = results["tables"]["sizes"]["n_test"]
    return ("\n".join(lines) + f"\n\nOurs (Goodfellow et al.), on the {n:,} MNIST test images, FGSM clipped to [0, 1].\n"
            + cifar(results))


def cifar(results: dict[str, Any]) -> str:
    """The CIFAR-10 row (Goodfellow et al. Sec. 4, epsilon 0.1), with what its number rests on."""
    claims, c = _paper(results), results["tables"].get("cifar") or {}
    if c.get("error") is None:
        return f"\nCIFAR-10 (epsilon 0.1): not run ({c.get('note', 'no CIFAR-10 stage in this run')}).\n"
    data = ("the **JPEG-degraded** offline copy of CIFAR-10 (not the original pixels; see the AlexNet page)"
            if c.get("data_note") else "the genuine CIFAR-10")
    return ("\n| CIFAR-10 net | clean test error | FGSM error (eps 0.1) | confidence on the errors |\n"
            "| --- | --- | --- | --- |\n"
            f"| four-layer convnet, {c['epochs']} epochs | {_pct(c['clean_error'])} | "
            f"{_ours_vs(claims, 'GSS-cifar', c['error'])} | {_ours_vs(claims, 'GSS-cifar-conf', c['confidence'])} |\n\n"
            f"Ours (in brackets: Goodfellow et al.'s convolutional maxout net on the genuine data), on the "
            f"{c['n_test']:,} test images of {data}, pixels in [0, 1], FGSM clipped to [0, 1]. The net is the "
            f"AlexNet replication's four-layer convnet trained for only {c['epochs']} epochs on "
            f"{c['n_train']:,} images, far from converged (chance is 90% error).\n")


def beyond(results: dict[str, Any]) -> str:
    b = results["tables"]["beyond"]
    table = b["errors"]
    classifiers = list(next(iter(table.values())))
    lines = ["| images | " + " | ".join(classifiers) + " |", "| --- |" + " --- |" * len(classifiers)]
    order = ("clean", "FGSM eps 0.25 vs softmax", "FGSM eps 0.25 vs maxout", "FGSM eps 0.25 vs linear SVM",
             "Gaussian", "clean (L-BFGS subset)", "L-BFGS")
    rank = lambda name: next((i for i, p in enumerate(order) if name == p or (p in ("Gaussian", "L-BFGS")  # noqa: E731
                                                                           and name.startswith(p))), len(order))
    for source in sorted(table, key=rank):
        lines.append(f"| {source} | " + " | ".join(_pct(table[source][c]) for c in classifiers) + " |")
    return ("\n".join(lines) + f"\n\nError (%) on the first {b['n_eval']:,} MNIST test images (L-BFGS rows: "
            f"{b['n_lbfgs']:,} test images). The SVMs are trained on {b['n_svm_train']:,} training images, "
            f"the forest on all {results['tables']['sizes']['n_train']:,}.\n")


def fragments(results: dict[str, Any]) -> dict[str, str]:
    """``site/docs/_generated/adversarial/<key>.md`` for each extra table of the page."""
    return {"table1": table1(results), "table2": table2(results), "table34": table4(results),
            "fgsm": fgsm(results), "beyond": beyond(results)}
