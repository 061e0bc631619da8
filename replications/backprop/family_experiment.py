"""The family-tree experiment (Nature, Figs. 2-4): many runs, each with its own 4 held-out
triples."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax import Array

from replications.backprop import analysis
from replications.backprop.delta_rule import init_glorot, init_uniform
from replications.backprop.family_trees import (
    BRANCH,
    GENERATION,
    NATIONALITY,
    family_cases,
    family_net,
)
from replications.backprop.training import Adam, Momentum, Schedule, run_keys, train_runs

HELD_OUT = 4  # "trained on 100 of the 104 possible triples" (Nature, p. 534)
FEATURE_R = 0.8  # a unit "encodes" a feature when |r| between its weights and the feature >= 0.8


def variant(name: str, adam_learning_rate: float) -> tuple[Any, Any, str]:
    """(optimizer, init, description) of a family-tree variant.

    ``paper``: Fig. 4 caption, ε = 0.005, α = 0.5 for 20 sweeps then ε = 0.01, α = 0.9
    (one transcription reads the later ε as 0.001: ``eps_late_0.001``); ``eps_late_0.1``
    is ten times the stated ε, a sensitivity check of ours; ``adam_glorot`` is beyond the
    paper. All keep the letter's 0.2% weight decay, margins and 1,500 sweeps.
    """
    late = {"paper": 0.01, "eps_late_0.001": 0.001, "eps_late_0.1": 0.1}
    if name in late:
        return (
            Momentum(eps=late[name], alpha=0.9, eps_early=0.005, alpha_early=0.5, early_sweeps=20),
            init_uniform,
            f"1986 procedure, ε = 0.005 then {late[name]:g}",
        )
    if name == "adam_glorot":
        return (
            Adam(adam_learning_rate),
            init_glorot,
            f"Adam (lr {adam_learning_rate:g}) + Glorot init",
        )
    raise ValueError(f"unknown family-tree variant {name!r}")


def held_out_masks(key: Array, runs: int, cases: int) -> Array:
    """(runs, cases) 0/1: each run leaves out its own 4 triples, drawn uniformly."""

    def one(k: Array) -> Array:
        held = jax.random.choice(k, cases, (HELD_OUT,), replace=False)
        return jnp.ones(cases).at[held].set(0.0)

    return jax.vmap(one)(run_keys(key, runs))


def train_family(
    opt: Any, init: Any, sched: Schedule, runs: int, *, key: Array
) -> tuple[dict, np.ndarray]:
    """Train ``runs`` family-tree nets (each with its own weights and 4 held-out triples):
    (per-run outputs as numpy arrays, (runs, 104) 0/1 mask of the training triples)."""
    data = family_cases()
    masks = held_out_masks(jax.random.fold_in(key, 1), runs, len(data.queries))
    inputs = {"person1": data.person1, "relationship": data.relationship}
    out = train_runs(
        family_net(), opt, sched, init, inputs, data.person2, run_keys(key, runs), masks
    )
    return jax.tree.map(np.asarray, out), np.asarray(masks)


def family_measures(out: dict, masks: np.ndarray) -> dict:
    """Per run: training and held-out triples right, and the person units' |r| with each
    feature of Fig. 4 (nationality, generation, branch)."""
    scores = analysis.family_scores(out["states"]["out"], family_cases().person2, masks)
    features = analysis.feature_correlations(
        out["params"]["person_code"]["w"]["person1"],
        {"nationality": NATIONALITY, "generation": GENERATION, "branch": BRANCH},
    )
    return {
        **scores,
        "features": features,
        "all_features": np.all([v >= FEATURE_R for v in features.values()], axis=0),
    }


def run_family(
    name: str, runs: int, sweeps: int, adam_learning_rate: float, curve_every: int, *, key: Array
) -> dict:
    """Train ``runs`` family-tree nets of one variant; return per-run scores and a summary."""
    opt, init, description = variant(name, adam_learning_rate)
    # The paper's schedule: weight decay 0.2% per weight change, error zero beyond 0.2 / 0.8.
    sched = Schedule(max_sweeps=sweeps, tol=None, margin=0.2, decay=0.998, curve_every=curve_every)
    out, masks = train_family(opt, init, sched, runs, key=key)
    m = family_measures(out, masks)
    w_person = out["params"]["person_code"]["w"]["person1"]
    features = m["features"]
    test, train = m["test_right"], m["train_right"]
    all_train = train == m["train_total"]
    summary = {
        "variant": name,
        "description": description,
        "n": runs,
        "sweeps": sweeps,
        "test_right_counts": np.bincount(test, minlength=HELD_OUT + 1).tolist(),
        "test_all_fraction": float(np.mean(test == HELD_OUT)),
        "test_3plus_fraction": float(np.mean(test >= HELD_OUT - 1)),
        "test_mean": float(test.mean()),
        "test_std": float(test.std(ddof=1)) if runs > 1 else 0.0,
        "train_all_fraction": float(np.mean(all_train)),
        "train_all_ci95": list(analysis.wilson(int(all_train.sum()), runs)),
        "train_mean": float(train.mean()),
        "final_error_median": float(np.median(out["final_error"])),
        "feature_r_median": {k: float(np.median(v)) for k, v in features.items()},
        "feature_found_fraction": {k: float(np.mean(v >= FEATURE_R)) for k, v in features.items()},
        "all_features_fraction": float(np.mean(m["all_features"])),
        "curve": analysis.log_curve(out["curve"], curve_every, points=80),
        # Run 0's person-code weights, for a Fig. 4-style diagram (the first run, not a chosen one).
        "run0_person_weights": w_person[0].tolist(),
        "run0_test_right": int(test[0]),
    }
    return summary
