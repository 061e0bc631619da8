"""One repeat of Breiman's (2001) protocol on one data set: a pure function of its inputs and seeds.

Each repeat gets its own seeds (derived from the base seed, the data set's index and the
repeat number), so a run gives the same numbers whatever the number of joblib workers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from replications.random_forest.forests import (
    adaboost,
    default_features,
    flip_labels,
    forest_rc,
    forest_ri,
    impute_median,
)


@dataclass(frozen=True)
class Task:
    """One repeat: the data set, where its data comes from, and which experiments run."""

    name: str
    index: int  # stable position of the data set in experiment.ALL_SETS: part of every seed
    repeat: int
    kind: str  # "small" (random 10% held out), "large" (fixed test set), "synthetic" (fresh draw)
    noise: bool  # also run the label-noise experiment (§8) on this repeat


def seeds_for(base: int, index: int, repeat: int, count: int = 12) -> list[int]:
    """Independent seeds for one repeat, from numpy's SeedSequence over (base, set, repeat)."""
    return [int(s) for s in np.random.SeedSequence([base, index, repeat]).generate_state(count)]


def hold_out(n: int, fraction: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """§4: "a random 10% of the data was set aside"; returns (train rows, test rows)."""
    order = rng.permutation(n)
    cut = round(fraction * n)
    return np.sort(order[cut:]), np.sort(order[:cut])


def forest_ri_selection(
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_test: np.ndarray,
    y_test: np.ndarray,
    *,
    trees: int,
    seeds: tuple[int, int],
) -> dict[str, float]:
    """§4: forests with F = 1 and F = int(log2 M + 1); "the test set error selected corresponded
    to the lower value of the out-of-bag estimate" (ties: F = 1). Errors in percent."""
    settings = sorted({1, default_features(x_train.shape[1])})
    runs = [
        forest_ri(x_train, y_train, x_test, y_test, features=f, trees=trees, random_state=s)
        for f, s in zip(settings, seeds, strict=False)
    ]
    best = min(range(len(runs)), key=lambda i: runs[i].oob_error)
    return {
        "selection": 100 * runs[best].test_error,
        "single": 100 * runs[0].test_error,
        "one_tree": 100 * runs[best].tree_oob_error,
        "oob": 100 * runs[best].oob_error,
        "features": float(settings[best]),
    }


def forest_rc_selection(
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_test: np.ndarray,
    y_test: np.ndarray,
    *,
    trees: int,
    features: tuple[int, ...],
    combine: int,
    pool: int,
    seeds: tuple[int, ...],
) -> dict[str, float]:
    """§5: Forest-RC with F = 2 and F = 8, the run with the lower OOB estimate selected."""
    runs = [
        forest_rc(
            x_train,
            y_train,
            x_test,
            y_test,
            features=f,
            trees=trees,
            random_state=s,
            combine=combine,
            pool=pool,
        )
        for f, s in zip(features, seeds, strict=False)
    ]
    best = min(range(len(runs)), key=lambda i: runs[i].oob_error)
    return {"rc": 100 * runs[best].test_error, "rc_oob": 100 * runs[best].oob_error}


def run_repeat(
    task: Task,
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_test: np.ndarray,
    y_test: np.ndarray,
    config: object,
    base_seed: int,
) -> dict[str, float | int | str]:
    """Table 2 columns for one repeat (and, if ``task.noise``, the §8 noise runs), in percent.

    ``x_train``/``y_train`` are the whole data set for a small set (split here), the
    training set otherwise. ``config`` is the replication's Config.
    """
    s = seeds_for(base_seed, task.index, task.repeat)
    rng = np.random.default_rng(s[0])
    if task.kind == "small":
        train, test = hold_out(len(y_train), config.holdout, rng)  # type: ignore[attr-defined]
        x_train, x_test, y_train, y_test = (
            x_train[train],
            x_train[test],
            y_train[train],
            y_train[test],
        )
    x_train, x_test = impute_median(x_train, x_test)
    trees, rounds = config.trees, config.boost_rounds  # type: ignore[attr-defined]
    row: dict[str, float | int | str] = {
        "set": task.name,
        "repeat": task.repeat,
        "n_test": len(y_test),
    }
    row.update(
        forest_ri_selection(x_train, y_train, x_test, y_test, trees=trees, seeds=(s[1], s[2]))
    )
    row["adaboost"] = 100 * adaboost(
        x_train, y_train, x_test, y_test, trees=rounds, random_state=s[3]
    )
    if not task.noise:
        return row
    rc = {
        "trees": trees,
        "features": config.rc_features,
        "combine": config.rc_inputs,  # type: ignore[attr-defined]
        "pool": config.rc_pool,
    }  # type: ignore[attr-defined]
    row.update(forest_rc_selection(x_train, y_train, x_test, y_test, **rc, seeds=(s[4], s[5])))
    # §8: the same split with 5% of the training labels changed; the test set is unchanged.
    classes = int(max(y_train.max(), y_test.max())) + 1
    noisy = flip_labels(
        y_train,
        fraction=config.noise_fraction,
        classes=classes,  # type: ignore[attr-defined]
        rng=np.random.default_rng(s[6]),
    )
    ri = forest_ri_selection(x_train, noisy, x_test, y_test, trees=trees, seeds=(s[7], s[8]))
    row["noisy_selection"] = ri["selection"]
    row["noisy_adaboost"] = 100 * adaboost(
        x_train, noisy, x_test, y_test, trees=rounds, random_state=s[9]
    )
    row["noisy_rc"] = forest_rc_selection(
        x_train, noisy, x_test, y_test, **rc, seeds=(s[10], s[11])
    )["rc"]
    return row
