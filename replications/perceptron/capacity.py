"""Claim (c): how many random dichotomies the rule can learn (Cover 1965).

Cover (1965, Theorem 1): of the 2^P labellings of P points in general position in R^N,
C(P, N) = 2 sum_{k=0}^{N-1} binom(P - 1, k) are separable by a hyperplane through the
origin. The separable fraction C(P, N) / 2^P is 1 up to P = N, exactly 1/2 at P = 2N, and
falls to 0 after: the perceptron's capacity is two patterns per weight.
"""

from __future__ import annotations

import functools
from math import comb

import jax
import jax.numpy as jnp
import numpy as np
from jax import Array
from scipy.optimize import linprog
from tqdm import tqdm

from replications.perceptron.model import train_perceptron


def cover_fraction(p: int, n: int) -> float:
    """C(P, N) / 2^P, computed exactly in integers."""
    return 2 * sum(comb(p - 1, k) for k in range(n)) / 2**p


def separable_by_lp(x: np.ndarray, y: np.ndarray) -> bool:
    """Is there w with y_i w . x_i > 0 for all i? Decided by linear programming (HiGHS).

    Solved as the bounded problem: maximise t subject to y_i w . x_i >= t, |w_j| <= 1,
    t <= 1. It is always feasible and bounded (w = 0, t = 0), which keeps the solver
    steady where the plain feasibility problem can end in an unknown status; the points
    are separable exactly when the optimum t is positive.
    """
    m, d = x.shape
    a_ub = np.hstack([-y[:, None] * x, np.ones((m, 1))])
    cost = np.zeros(d + 1)
    cost[-1] = -1.0
    result = linprog(
        cost, A_ub=a_ub, b_ub=np.zeros(m), bounds=[(-1, 1)] * d + [(None, 1)], method="highs"
    )
    if result.status != 0:
        raise RuntimeError(f"LP solver failed: {result.message}")
    return bool(-result.fun > 1e-7)


@functools.partial(jax.jit, static_argnames=("p_max", "n", "trials", "max_epochs"))
def random_dichotomies(
    key: Array, p: Array, *, p_max: int, n: int, trials: int, max_epochs: int
) -> dict[str, Array]:
    """``trials`` random problems of ``p`` points (Gaussian points, fair-coin labels), the
    rule run on each. Arrays are padded to ``p_max`` rows, so one program serves every P."""
    points = jax.random.normal(jax.random.fold_in(key, 0), (trials, p_max, n))
    labels = jnp.where(
        jax.random.bernoulli(jax.random.fold_in(key, 1), 0.5, (trials, p_max)), 1.0, -1.0
    )
    valid = jnp.arange(p_max) < p
    keys = jax.random.split(jax.random.fold_in(key, 2), trials)
    run = jax.vmap(lambda x, y, k: train_perceptron(x, y, valid, key=k, max_epochs=max_epochs))
    out = run(points, labels, keys)
    return {
        "points": points,
        "labels": labels,
        "converged": out["converged"],
        "epochs": out["epochs"],
    }


def capacity_curve(
    key: Array, n: int, sizes: list[int], trials: int, max_epochs: int
) -> list[dict]:
    """For each P: Cover's fraction, the LP-separable fraction, and the fraction the rule
    learned."""
    rows = []
    for p in tqdm(sizes, desc="capacity: P"):
        out = jax.device_get(
            random_dichotomies(
                jax.random.fold_in(key, p),
                p,
                p_max=max(sizes),
                n=n,
                trials=trials,
                max_epochs=max_epochs,
            )
        )
        learned = out["converged"]
        # The rule converging proves separability; the LP decides the rest.
        separable = learned | np.array(
            [
                not done and separable_by_lp(x[:p], y[:p])
                for x, y, done in zip(out["points"], out["labels"], learned, strict=True)
            ]
        )
        rows.append(
            {
                "P": p,
                "cover": cover_fraction(p, n),
                "separable": float(separable.mean()),
                "learned": float(learned.mean()),
                "mean_epochs_learned": float(out["epochs"][learned].mean())
                if learned.any()
                else None,
            }
        )
    return rows
