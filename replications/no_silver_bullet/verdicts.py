"""From the matrix and the curves to the graded claims: who is best where, computed, not chosen."""

from __future__ import annotations

import math

import numpy as np

from replications.no_silver_bullet.config import Config
from shared.claims import Measurement, Measurements

TIE = 1e-9  # equal means (e.g. several methods at 0% on XOR) share "best"
TREES = ("forest", "adaboost")


def best_methods(cells: dict[str, dict]) -> list[str]:
    """The methods with the lowest mean error on one problem (ties shared)."""
    low = min(c["mean"] for c in cells.values())
    return sorted(m for m, c in cells.items() if c["mean"] <= low + TIE)


def crossover(sizes: list[int], a: list[float], b: list[float]) -> float | None:
    """The training-set size at which curve ``a`` stops beating curve ``b`` (or starts), by
    linear interpolation of the error difference in log(size); None if the sign never changes."""
    diff = np.asarray(a) - np.asarray(b)
    for i in range(len(sizes) - 1):
        if diff[i] == 0 or np.sign(diff[i]) != np.sign(diff[i + 1]):
            if diff[i] == 0:
                return float(sizes[i])
            t = diff[i] / (diff[i] - diff[i + 1])
            return float(
                math.exp(math.log(sizes[i]) + t * (math.log(sizes[i + 1]) - math.log(sizes[i])))
            )
    return None


def crossovers(curve: dict[str, dict[str, dict]]) -> list[dict]:
    """Every pair of methods whose mean curves cross, with who wins below and above."""
    rows, names = [], sorted(curve)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            sizes = sorted(set(map(int, curve[a])) & set(map(int, curve[b])))
            if len(sizes) < 2:
                continue
            ea = [curve[a][str(s)]["mean"] for s in sizes]
            eb = [curve[b][str(s)]["mean"] for s in sizes]
            at = crossover(sizes, ea, eb)
            if at is not None:
                small_winner = a if ea[0] < eb[0] else b
                rows.append(
                    {"below": small_winner, "above": b if small_winner == a else a, "at": at}
                )
    return sorted(rows, key=lambda r: r["at"])


def _missing(note: str = "not in this profile") -> Measurement:
    return Measurement(None, note=note)


def measure_claims(measured: Measurements, config: Config) -> None:
    """Fill ``measured.values`` from ``measured.tables`` (matrix and curves)."""
    cells = measured.tables["matrix"]["cells"]
    values = measured.values
    best = {p: best_methods(c) for p, c in cells.items()}
    measured.tables["matrix"]["best"] = best
    n = config.seeds

    def cell(problem: str, method: str) -> dict | None:
        return cells.get(problem, {}).get(method)

    xor = cell("xor", "perceptron")
    values["NSB-xor-perceptron"] = Measurement(xor["mean"], xor["std"], n) if xor else _missing()
    if "xor" in cells:
        others = {m: c["mean"] for m, c in cells["xor"].items() if m != "perceptron"}
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
        rise = {
            m: cells["shifted_mnist"][m]["mean"] - cells["mnist"][m]["mean"]
            for m in cells["shifted_mnist"]
        }
        smallest = min(rise, key=rise.get)
        values["NSB-shift-cnn"] = Measurement(
            smallest == "cnn",
            n=n,
            note="rise in error: "
            + ", ".join(f"{m} {v:+.2f} pp" for m, v in sorted(rise.items(), key=lambda kv: kv[1])),
        )
    else:
        values["NSB-shift-cnn"] = _missing()

    everywhere = [
        m for m in measured.tables["matrix"]["methods"] if all(m in b for b in best.values())
    ]
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

    curve = measured.tables["curves"].get("mnist", {})
    measured.tables["crossovers"] = {p: crossovers(c) for p, c in measured.tables["curves"].items()}
    if "cnn" in curve and curve["cnn"]:
        smallest = min(map(int, curve["cnn"]))
        at_small = {m: c[str(smallest)]["mean"] for m, c in curve.items() if str(smallest) in c}
        winner = min(at_small, key=at_small.get)
        values["NSB-small-data"] = Measurement(
            winner != "cnn",
            n=n,
            note=f"at {smallest:,} digits: "
            + ", ".join(f"{m} {v:.1f}%" for m, v in sorted(at_small.items(), key=lambda kv: kv[1])),
        )
    else:
        values["NSB-small-data"] = _missing()
