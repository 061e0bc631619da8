"""The no-silver-bullet claims, measured from the run's tables alone: who is best where, computed,
not chosen."""

from __future__ import annotations

import numpy as np

from replications.no_silver_bullet.tables import METHOD_NAMES, Tables, best_methods
from shared.claims import Measurement

TREES = ("forest", "adaboost")


def _missing(note: str = "not in this profile") -> Measurement:
    return Measurement(None, note=note)


def _in_order(by_method: dict[str, float]) -> dict[str, float]:
    """``by_method`` in the experiment's order of the methods (``METHOD_NAMES``)."""
    return {m: by_method[m] for m in METHOD_NAMES if m in by_method}


def measure(tables: Tables) -> dict[str, Measurement]:
    """Every claim of ``claims.toml`` from ``tables`` (see ``tables.Tables``)."""
    cells = tables["matrix"]["cells"]
    values: dict[str, Measurement] = {}
    best = {p: best_methods(c) for p, c in cells.items()}
    n = len(next(iter(next(iter(cells.values())).values()))["errors"])  # seeds

    def cell(problem: str, method: str) -> dict | None:
        return cells.get(problem, {}).get(method)

    xor = cell("xor", "perceptron")
    values["NSB-xor-perceptron"] = Measurement(xor["mean"], xor["std"], n) if xor else _missing()
    if "xor" in cells:
        others = _in_order({m: c["mean"] for m, c in cells["xor"].items() if m != "perceptron"})
        values["NSB-xor-others"] = Measurement(
            all(v == 0.0 for v in others.values()),
            n=n,
            note=", ".join(f"{m} {v:g}%" for m, v in others.items()),
        )
    else:
        values["NSB-xor-others"] = _missing()
    parity = cell("parity", "svm")
    values["NSB-parity-svm"] = (
        Measurement(parity["mean"], parity["std"], n) if parity else _missing()
    )

    def change(method: str, problem: str) -> Measurement:
        base, other = cell("mnist", method), cell(problem, method)
        if not (base and other):
            return _missing()
        diffs = np.subtract(other["errors"], base["errors"])
        return Measurement(
            float(diffs.mean()),
            float(diffs.std(ddof=1)) if len(diffs) > 1 else None,
            n,
            note=f"{base['mean']:.2f}% -> {other['mean']:.2f}%",
        )

    values["NSB-permuted-svm"] = change("svm", "permuted_mnist")
    values["NSB-permuted-forest"] = change("forest", "permuted_mnist")
    values["NSB-permuted-cnn"] = change("cnn", "permuted_mnist")
    if "shifted_mnist" in cells and "mnist" in cells:
        rise = _in_order(
            {
                m: cells["shifted_mnist"][m]["mean"] - cells["mnist"][m]["mean"]
                for m in cells["shifted_mnist"]
            }
        )
        smallest = min(rise, key=rise.get)
        values["NSB-shift-cnn"] = Measurement(
            smallest == "cnn",
            n=n,
            note="rise in error: "
            + ", ".join(f"{m} {v:+.2f} pp" for m, v in sorted(rise.items(), key=lambda kv: kv[1])),
        )
    else:
        values["NSB-shift-cnn"] = _missing()

    methods = tables["matrix"]["methods"]
    everywhere = [m for m in METHOD_NAMES if m in methods and all(m in b for b in best.values())]
    values["NSB-no-winner"] = Measurement(
        not everywhere,
        n=n,
        note="best on every problem: "
        + (", ".join(everywhere) if everywhere else "none")
        + f" ({len(best)} problems)",
    )
    tabular = [p for p in ("sonar", "letters") if p in best]
    values["NSB-trees-tabular"] = (
        Measurement(
            all(set(best[p]) & set(TREES) for p in tabular),
            n=n,
            note="; ".join(f"{p}: {', '.join(best[p])}" for p in tabular),
        )
        if tabular
        else _missing()
    )
    for problem in ("mnist", "cifar10"):
        values[f"NSB-cnn-{problem}"] = (
            Measurement("cnn" in best[problem], n=n, note=f"best: {', '.join(best[problem])}")
            if problem in best
            else _missing()
        )

    curve = tables["curves"].get("mnist", {})
    if "cnn" in curve and curve["cnn"]:
        smallest = min(map(int, curve["cnn"]))
        at_small = _in_order(
            {m: c[str(smallest)]["mean"] for m, c in curve.items() if str(smallest) in c}
        )
        winner = min(at_small, key=at_small.get)
        values["NSB-small-data"] = Measurement(
            winner != "cnn",
            n=n,
            note=f"at {smallest:,} digits: "
            + ", ".join(f"{m} {v:.1f}%" for m, v in sorted(at_small.items(), key=lambda kv: kv[1])),
        )
    else:
        values["NSB-small-data"] = _missing()
    return values
