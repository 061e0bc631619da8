"""The AlexNet claims, measured from the run's tables alone."""

from __future__ import annotations

import numpy as np

from replications.alexnet.tables import Fig1, Tables, Variant
from shared.claims import Measurement

NOT_IN_PROFILE = "stage not part of this profile"
STALLED = "a run diverged or stalled at chance (see the tables)"


def _mean_std(values: list[float]) -> tuple[float, float | None]:
    array = np.asarray(values, float)
    return float(array.mean()), (float(array.std(ddof=1)) if len(array) > 1 else None)


def paired(a: list, b: list, scale: float = 1.0) -> Measurement:
    """Mean and std over seeds of ``a - b`` (same seed: same init and data order)."""
    if None in a or None in b:
        return Measurement(None, note=STALLED)
    mean, std = _mean_std([scale * (x - y) for x, y in zip(a, b, strict=True)])
    return Measurement(mean, std, len(a))


def fig1(table: Fig1) -> dict[str, Measurement]:
    """Fig. 1: how many times fewer epochs ReLU needs than tanh to reach the target."""
    epochs = table["epochs"]
    seeds = len(epochs["relu"])
    if None in epochs["relu"]:
        missed = Measurement(None, note="a ReLU run did not reach the target within the budget")
        return {"AX-relu-fig1": missed, "AX-relu-faster": missed}
    budget = float(table["budget"])
    relu = [float(e) for e in epochs["relu"]]  # type: ignore[arg-type]
    tanh = [e if e is not None else budget for e in epochs["tanh"]]
    ratios = [t / r for t, r in zip(tanh, relu, strict=True)]
    note = (
        f"tanh never reached {table['target_error']:.0%} within {table['budget']} "
        f"epochs in {epochs['tanh'].count(None)} of {seeds} seeds: the ratio is a lower bound"
        if None in epochs["tanh"]
        else "ratio of mean epochs; std over per-seed ratios"
    )
    return {
        "AX-relu-fig1": Measurement(
            float(np.mean(tanh) / np.mean(relu)), _mean_std(ratios)[1], seeds, note
        ),
        "AX-relu-faster": Measurement(
            all(r > 1 for r in ratios), n=seeds, note="ReLU reached the target first in every seed"
        ),
    }


def lrn_pool(rows: dict[str, Variant]) -> dict[str, Measurement]:
    """§3.3 (LRN) and §3.4 (overlapping pooling), in percentage points of test error."""
    plain, lrn, pool2 = rows["plain"], rows["lrn"], rows["pool2"]
    mean_lrn, std_lrn = (
        _mean_std([100 * e for e in lrn["test_error"]])  # type: ignore[operator]
        if None not in lrn["test_error"]
        else (None, None)
    )
    return {
        "AX-lrn-cifar": paired(plain["test_error"], lrn["test_error"], 100),
        "AX-lrn-cifar-with": Measurement(mean_lrn, std_lrn, len(lrn["test_error"])),
        "AX-overlap-pool": paired(pool2["test_error"], plain["test_error"], 100),
        "AX-overlap-overfit": paired(pool2["gap"], plain["gap"], 100),
    }


def dropout(rows: dict[str, Variant]) -> dict[str, Measurement]:
    """§4.2: the train-test gap dropout closes, and how much longer it takes to converge."""
    with_, without = rows["dropout"], rows["no_dropout"]
    gap = paired(without["gap"], with_["gap"], 100)
    if None in with_["converge"] or None in without["converge"]:
        return {"AX-dropout-gap": gap, "AX-dropout": Measurement(None, note=STALLED)}
    ratios = [a / b for a, b in zip(with_["converge"], without["converge"], strict=True)]  # type: ignore[operator]
    return {
        "AX-dropout-gap": gap,
        "AX-dropout": Measurement(
            float(np.mean(with_["converge"]) / np.mean(without["converge"])),  # type: ignore[arg-type]
            _mean_std(ratios)[1],
            len(ratios),
            "ratio of mean epochs to converge; std over per-seed ratios",
        ),
    }


STAGES = {  # table -> (its stage, how it is measured, the claims it gives)
    "fig1": ("fig1", fig1, ("AX-relu-fig1", "AX-relu-faster")),
    "four_layer": (
        "lrn_pool",
        lrn_pool,
        ("AX-lrn-cifar", "AX-lrn-cifar-with", "AX-overlap-pool", "AX-overlap-overfit"),
    ),
    "small_alexnet": ("dropout", dropout, ("AX-dropout-gap", "AX-dropout")),
}


def not_yet(pending: dict[str, int]) -> str:
    """The note of a claim whose stage is still running."""
    note = f"not run yet: {pending['done']} of {pending['total']} jobs done"
    if pending.get("unclean"):
        note += f" ({pending['unclean']} from a modified tree, to be re-run)"
    return note


def measure(tables: Tables) -> dict[str, Measurement]:
    """Every claim of ``claims.toml`` from ``tables`` (see ``tables.Tables``); the claims of a
    stage still running say how many of its jobs are done; those of a stage the profile does
    not run say so."""
    count = tables["parameters"]
    values = {"AX-size": Measurement(count / 1e6, n=1, note=f"{count:,} parameters")}
    pending = tables.get("pending", {})
    for name, (stage, measure_stage, ids) in STAGES.items():
        if name in tables:
            values.update(measure_stage(tables[name]))  # type: ignore[operator, literal-required]
        else:
            note = not_yet(pending[stage]) if stage in pending else NOT_IN_PROFILE
            values.update({i: Measurement(None, note=note) for i in ids})
    return values
