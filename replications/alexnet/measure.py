"""The AlexNet claims, measured from the run's tables alone."""

from __future__ import annotations

import numpy as np

from replications.alexnet.tables import STAGE_CLAIMS, Fig1, Tables, Variant
from shared.claims import Measurement

NOT_IN_PROFILE = "stage not part of this profile"
NO_PAIR = "in every seed one of the nets compared diverged or stalled at chance (see the tables)"
NONE_TRAINED = "every run diverged or stalled at chance (see the tables)"


def _mean_std(values: list[float]) -> tuple[float, float | None]:
    array = np.asarray(values, float)
    return float(array.mean()), (float(array.std(ddof=1)) if len(array) > 1 else None)


def trained_seeds(*variants: Variant) -> list[int]:
    """The seeds in which every one of ``variants`` trained: a run that diverged or stalled at
    chance (given up, ``train.py``) has no error to compare and no convergence to time."""
    seeds = range(len(variants[0]["diverged"]))
    return [s for s in seeds if not any(v["diverged"][s] for v in variants)]


def left_out(variants: tuple[Variant, ...], seeds: list[int]) -> str:
    """The note of a measurement made over ``seeds`` only ("" when no seed was left out)."""
    total = len(variants[0]["diverged"])
    if len(seeds) == total:
        return ""
    out = [s for s in range(total) if s not in seeds]
    return (
        f"over {len(seeds)} of {total} seeds: {'seeds' if len(out) > 1 else 'seed'} "
        f"{', '.join(map(str, out))} diverged or stalled at chance (see the tables)"
    )


def paired(a: Variant, b: Variant, field: str, scale: float = 1.0) -> Measurement:
    """Mean and std of ``a[field] - b[field]`` over the seeds where both nets trained (same
    seed: same init and data order); the note names any seed left out."""
    seeds = trained_seeds(a, b)
    if not seeds:
        return Measurement(None, note=NO_PAIR, inconclusive=True)
    diffs = [scale * (a[field][s] - b[field][s]) for s in seeds]  # type: ignore[operator]
    mean, std = _mean_std(diffs)
    return Measurement(mean, std, len(seeds), left_out((a, b), seeds))


def fig1(table: Fig1) -> dict[str, Measurement]:
    """Fig. 1: how many times fewer epochs ReLU needs than tanh to reach the target."""
    epochs = table["epochs"]
    seeds = len(epochs["relu"])
    if None in epochs["relu"]:
        missed = Measurement(
            None, note="a ReLU run did not reach the target within the budget", inconclusive=True
        )
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
    seeds = trained_seeds(lrn)
    with_lrn = (
        Measurement(
            *_mean_std([100 * lrn["test_error"][s] for s in seeds]),  # type: ignore[operator]
            len(seeds),
            left_out((lrn,), seeds),
        )
        if seeds
        else Measurement(None, note=NONE_TRAINED, inconclusive=True)
    )
    return {
        "AX-lrn-cifar": paired(plain, lrn, "test_error", 100),
        "AX-lrn-cifar-with": with_lrn,
        "AX-overlap-pool": paired(pool2, plain, "test_error", 100),
        "AX-overlap-overfit": paired(pool2, plain, "gap", 100),
    }


def dropout(rows: dict[str, Variant]) -> dict[str, Measurement]:
    """§4.2: the train-test gap dropout closes, and how much longer it takes to converge."""
    with_, without = rows["dropout"], rows["no_dropout"]
    seeds = trained_seeds(with_, without)
    if not seeds:
        stalled = Measurement(None, note=NO_PAIR, inconclusive=True)
        return {"AX-dropout-gap": stalled, "AX-dropout": stalled}
    ratios = [with_["converge"][s] / without["converge"][s] for s in seeds]  # type: ignore[operator]
    mean_with = np.mean([with_["converge"][s] for s in seeds])  # type: ignore[arg-type]
    mean_without = np.mean([without["converge"][s] for s in seeds])  # type: ignore[arg-type]
    note = "ratio of mean epochs to converge; std over per-seed ratios"
    return {
        "AX-dropout-gap": paired(without, with_, "gap", 100),
        "AX-dropout": Measurement(
            float(mean_with / mean_without),
            _mean_std(ratios)[1],
            len(ratios),
            "; ".join(filter(None, (note, left_out((with_, without), seeds)))),
        ),
    }


STAGES = {  # table -> (its stage, how it is measured, the claims it gives)
    "fig1": ("fig1", fig1, STAGE_CLAIMS["fig1"]),
    "four_layer": ("lrn_pool", lrn_pool, STAGE_CLAIMS["lrn_pool"]),
    "small_alexnet": ("dropout", dropout, STAGE_CLAIMS["dropout"]),
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
