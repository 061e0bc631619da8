"""Breiman (2001), Tables 2 and 5: every data set x repeat, in parallel.

``run(config, key=jax.random.key(S))`` loads every data set first (one that cannot be had stops
the run before any forest is grown), runs every repeat with joblib (each repeat seeded from
(S, data set, repeat), so the numbers do not depend on ``n_jobs``), and returns the Table 2 /
Table 5 errors in percent; ``measure.measure`` grades them.
"""

from __future__ import annotations

import math

import jax
import numpy as np
from joblib import Parallel, delayed
from tqdm import tqdm

from replications.random_forest.config import LARGE_SETS, NOISE_SETS, SYNTHETIC_SETS, Config
from replications.random_forest.protocol import Task, run_repeat
from replications.random_forest.synthetic import sample
from replications.random_forest.tables import COLUMNS, KEYS, NOISE, NoiseRow, Table2Row, Tables
from shared.datasets import load_usps
from shared.datasets.uci import SMALL, load_split, load_table
from shared.record import stage
from shared.seeds import base_seed

ALL_SETS = SMALL + LARGE_SETS + SYNTHETIC_SETS  # positions are part of every seed: append only


def datasets(config: Config) -> tuple[str, ...]:
    """Every UCI set of the profile, and USPS for Breiman's zip-code row."""
    return tuple(
        "usps" if name == "zip-code" else f"uci:{name}"
        for name in (*config.small_sets, *config.large_sets)
    )


def _load(name: str) -> tuple[np.ndarray, ...]:
    """(x, y, x_test, y_test); empty test arrays for a small set."""
    if name in SMALL:
        table = load_table(name)
        return table.x, table.y, np.empty((0, table.x.shape[1])), np.empty(0, np.int32)
    data = load_usps() if name == "zip-code" else load_split(name)
    flat = [a.reshape(len(a), -1).astype(np.float64) for a in (data.x_train, data.x_test)]
    return flat[0], data.y_train.astype(np.int32), flat[1], data.y_test.astype(np.int32)


def _synthetic_data(task: Task, config: Config, seed: int) -> tuple[np.ndarray, ...]:
    """A fresh training and test set for every repeat of a synthetic set (§4).

    Drawn in the parent process: JAX is not safe to start inside joblib's worker processes
    (it failed there intermittently), and the draws are cheap next to the forests.
    """
    key = jax.random.fold_in(jax.random.fold_in(jax.random.key(seed), task.index), task.repeat)
    k_train, k_test = jax.random.split(key)
    return (
        *sample(task.name, key=k_train, n=config.synthetic_train),
        *sample(task.name, key=k_test, n=config.synthetic_test),
    )


def _stats(values: list[float]) -> dict[str, float | int | None]:
    n = len(values)
    sd = float(np.std(values, ddof=1)) if n > 1 else None
    return {
        "mean": float(np.mean(values)),
        "sd": sd,
        "se": sd / math.sqrt(n) if sd is not None else None,
        "n": n,
    }


def _noise_row(rows: list[dict]) -> dict:
    """§8, Table 5: % increase of the mean test error when 5% of training labels are changed."""
    out: dict = {"repeats": len(rows)}
    for column in NOISE:
        clean = np.array([r[column] for r in rows])
        noisy = np.array([r[f"noisy_{column}"] for r in rows])
        base = clean.mean()
        increase = 100 * (noisy.mean() - base) / base if base > 0 else None
        sd = (
            100 * float(np.std(noisy - clean, ddof=1)) / base
            if base > 0 and len(rows) > 1
            else None
        )
        out[column] = {
            "clean": float(base),
            "noisy": float(noisy.mean()),
            "increase": increase,
            "sd": sd,
        }
    return out


def run(config: Config, *, key: jax.Array) -> Tables:
    """Table 2 (and Table 5, Forest-RC, synthetic sets) of Breiman (2001) at ``config``'s scale.

    ``key`` is ``jax.random.key(S)``: scikit-learn's seeds and the synthetic sets' keys derive
    from the base seed S, as they always have."""
    seed = base_seed(key)
    data: dict[str, tuple[np.ndarray, ...]] = {}
    with stage("load data"):
        for name in (*config.small_sets, *config.large_sets):
            data[name] = _load(name)
    tasks = []
    for name in (*config.large_sets, *config.small_sets, *config.synthetic_sets):  # longest first
        kind = "large" if name in LARGE_SETS else "synthetic" if name in SYNTHETIC_SETS else "small"
        repeats = {"large": config.large_repeats, "synthetic": config.synthetic_repeats}.get(
            kind, config.seeds
        )
        noise = name in config.noise_sets
        tasks += [
            Task(name, ALL_SETS.index(name), r, kind, noise and r < config.noise_repeats)
            for r in range(repeats)
        ]
    with stage("forests and Adaboost"):
        inputs = [
            _synthetic_data(task, config, seed) if task.kind == "synthetic" else data[task.name]
            for task in tasks
        ]
        jobs = Parallel(n_jobs=config.n_jobs, return_as="generator")(
            delayed(run_repeat)(task, *arrays, config=config, base_seed=seed)
            for task, arrays in zip(tasks, inputs, strict=True)
        )
        rows = list(tqdm(jobs, total=len(tasks), desc="data sets x repeats", unit="repeat"))

    table2: list[Table2Row] = []
    noise_rows: list[NoiseRow] = []
    for name in ALL_SETS:
        mine = [r for r in rows if r["set"] == name]
        entry: dict = {"set": name, "key": KEYS.get(name, name), "repeats": len(mine)}
        if not mine:
            entry["note"] = "not in this profile"
        else:
            for column in (*COLUMNS, "oob"):
                entry[column] = _stats([r[column] for r in mine])
            entry["n_test"] = int(mine[0]["n_test"])
            entry["features_chosen"] = sorted({int(r["features"]) for r in mine})
            if any("rc" in r for r in mine):
                entry["rc"] = _stats([r["rc"] for r in mine if "rc" in r])
        table2.append(entry)  # type: ignore[arg-type]
        if name in NOISE_SETS:
            noisy = [r for r in mine if "noisy_adaboost" in r]
            noise_rows.append(
                {  # type: ignore[typeddict-item]
                    "set": name,
                    "key": KEYS[name],
                    **(
                        _noise_row(noisy)
                        if noisy
                        else {"note": entry.get("note", "not in this profile")}
                    ),
                }
            )
    return {
        "table2": table2,
        "noise": noise_rows,
        "protocol": {
            "trees": config.trees,
            "boost_rounds": config.boost_rounds,
            "small_repeats": config.seeds,
            "noise_repeats": config.noise_repeats,
            "large_repeats": config.large_repeats,
            "synthetic_repeats": config.synthetic_repeats,
        },
    }
