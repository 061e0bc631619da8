"""Breiman (2001), Tables 2 and 5: every data set x repeat, in parallel, then the claims.

``run(config, seed=S)`` loads every data set first (one that cannot be had stops the run
before any forest is grown), runs every repeat with joblib (each repeat seeded
from (S, data set, repeat), so the numbers do not depend on ``n_jobs``), and returns the
Table 2 / Table 5 measurements in percent.
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
from shared.claims import Measurement, Measurements
from shared.datasets import load_usps
from shared.datasets.uci import SMALL, load_split, load_table
from shared.stages import StageClock

ALL_SETS = SMALL + LARGE_SETS + SYNTHETIC_SETS  # positions are part of every seed: append only
KEYS = {
    "glass": "glass",
    "breast cancer": "breast",
    "diabetes": "diabetes",
    "sonar": "sonar",
    "vowel": "vowel",
    "ionosphere": "ionosphere",
    "vehicle": "vehicle",
    "soybean": "soybean",
    "German credit": "german",
    "image": "image",
    "ecoli": "ecoli",
    "votes": "votes",
    "liver": "liver",
    "letters": "letters",
    "sat-images": "sat",
    "zip-code": "zip",
}
COLUMNS = {"adaboost": "ada", "selection": "sel", "single": "single", "one_tree": "onetree"}
NOISE = {"adaboost": "ada", "selection": "ri", "rc": "rc"}


def datasets(config: Config) -> tuple[str, ...]:
    """Every UCI set of the profile, and USPS for Breiman's zip-code row."""
    return tuple(
        "usps" if name == "zip-code" else f"uci:{name}"
        for name in (*config.small_sets, *config.large_sets)
    )


def _load(name: str) -> tuple[tuple[np.ndarray, ...], dict[str, str]]:
    """(x, y, x_test, y_test) and the sha256 of each file; empty test arrays for a small set."""
    if name in SMALL:
        table = load_table(name)
        return (
            table.x,
            table.y,
            np.empty((0, table.x.shape[1])),
            np.empty(0, np.int32),
        ), table.sha256
    data = load_usps() if name == "zip-code" else load_split(name)
    flat = [a.reshape(len(a), -1).astype(np.float64) for a in (data.x_train, data.x_test)]
    return (
        flat[0],
        data.y_train.astype(np.int32),
        flat[1],
        data.y_test.astype(np.int32),
    ), data.sha256


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


def _measure(stats: dict) -> Measurement:
    return Measurement(stats["mean"], stats["sd"], stats["n"])


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


def run(config: Config, *, seed: int) -> Measurements:
    """Table 2 (and Table 5, Forest-RC, synthetic sets) of Breiman (2001) at ``config``'s scale."""
    clock = StageClock()
    measured = Measurements()
    data: dict[str, tuple[np.ndarray, ...]] = {}
    with clock.stage("load data"):
        for name in (*config.small_sets, *config.large_sets):
            data[name], hashes = _load(name)
            measured.datasets.update(hashes)
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
    with clock.stage("forests and Adaboost"):
        inputs = [
            _synthetic_data(task, config, seed) if task.kind == "synthetic" else data[task.name]
            for task in tasks
        ]
        jobs = Parallel(n_jobs=config.n_jobs, return_as="generator")(
            delayed(run_repeat)(task, *arrays, config=config, base_seed=seed)
            for task, arrays in zip(tasks, inputs, strict=True)
        )
        rows = list(tqdm(jobs, total=len(tasks), desc="data sets x repeats", unit="repeat"))

    table2, noise_rows, oob_gaps = [], [], []
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
            if name in SMALL:
                oob_gaps.append(abs(entry["oob"]["mean"] - entry["selection"]["mean"]))
            if any("rc" in r for r in mine):
                entry["rc"] = _stats([r["rc"] for r in mine if "rc" in r])
        table2.append(entry)
        if name in KEYS:
            for column, suffix in COLUMNS.items():
                claim = f"RF-T2-{KEYS[name]}-{suffix}"
                measured.values[claim] = (
                    _measure(entry[column])
                    if column in entry
                    else Measurement(None, note=entry["note"])
                )
        if name in NOISE_SETS:
            noisy = [r for r in mine if "noisy_adaboost" in r]
            row = {
                "set": name,
                "key": KEYS[name],
                **(
                    _noise_row(noisy)
                    if noisy
                    else {"note": entry.get("note", "not in this profile")}
                ),
            }
            noise_rows.append(row)
            for column, suffix in NOISE.items():
                claim = f"RF-T5-{KEYS[name]}-{suffix}"
                if column in row and row[column]["increase"] is not None:
                    measured.values[claim] = Measurement(
                        row[column]["increase"], row[column]["sd"], row["repeats"]
                    )
                else:
                    measured.values[claim] = Measurement(
                        None, note=row.get("note", "no errors on clean data")
                    )

    measured.values["RF-T5-headline"] = _headline(noise_rows)
    measured.values["RF-oob"] = (
        Measurement(float(np.mean(oob_gaps)), float(np.std(oob_gaps)), len(oob_gaps))
        if oob_gaps
        else Measurement(None, note="no small set run")
    )
    measured.tables = {
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
    measured.stages = clock.seconds
    return measured


def _headline(noise_rows: list[dict]) -> Measurement:
    """§8 headline: ratio of Adaboost's mean % increase to Forest-RI's (the latter floored at
    1%)."""
    done = [
        r
        for r in noise_rows
        if "adaboost" in r
        and r["adaboost"]["increase"] is not None
        and r["selection"]["increase"] is not None
    ]
    if not done:
        return Measurement(None, note="no noise experiment run")
    ada = float(np.mean([r["adaboost"]["increase"] for r in done]))
    ri = float(np.mean([r["selection"]["increase"] for r in done]))
    wins = sum(r["adaboost"]["increase"] > r["selection"]["increase"] for r in done)
    note = (
        f"mean increase over {len(done)} sets: Adaboost {ada:.1f}%, Forest-RI {ri:.1f}%; "
        f"Adaboost hurt more on {wins} of {len(done)}"
    )
    return Measurement(ada / max(ri, 1.0), None, len(done), note=note)
