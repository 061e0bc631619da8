"""The order of a predicate, checked by linear programming (Minsky & Papert 1969, ch. 1-3).

A predicate psi on a retina of n points has order k when k is the smallest support size
such that psi(X) = [sum_S alpha_S phi_S(X) > theta] with every partial predicate phi_S
looking at no more than k points. Any predicate of k points is a linear combination of
the masks phi_S(X) = [S subset of X] with |S| <= k, so "order <= k" is the feasibility of
a linear program over the masks of support <= k, on all 2^n inputs.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
from scipy.optimize import linprog
from tqdm import tqdm

from replications.perceptron import separable_by_lp


def all_inputs(n: int) -> np.ndarray:
    """Every X on a retina of n points, as rows of 0/1."""
    return np.array(list(itertools.product((0, 1), repeat=n)), dtype=np.float64)


def masks(x: np.ndarray, k: int) -> np.ndarray:
    """phi_S(X) = [S subset of X] for every S with 1 <= |S| <= k, as columns."""
    n = x.shape[1]
    columns = [
        x[:, list(s)].prod(axis=1)
        for size in range(1, k + 1)
        for s in itertools.combinations(range(n), size)
    ]
    return np.stack(columns, axis=1)


def threshold_feasible(features: np.ndarray, labels: np.ndarray) -> bool:
    """Is there (alpha, theta) with y (alpha . phi - theta) > 0 on every row?

    The threshold is one more weight on a constant input of -1, so this is the linear
    separability LP of the perceptron replication (bounded, always solvable).
    """
    y = np.where(labels > 0, 1.0, -1.0)
    return separable_by_lp(np.hstack([features, -np.ones((len(y), 1))]), y)


def parity_order_table(max_bits: int) -> list[dict]:
    """For n = 2..max_bits and k = 1..n: can parity of n bits be computed with masks of support
    <= k? One linear program per (n, k), counted on a progress bar (the n = 10 ones take most of
    a paper run)."""
    rows = []
    bar = tqdm(total=sum(range(2, max_bits + 1)), desc="parity order: linear programs")
    for n in range(2, max_bits + 1):
        x = all_inputs(n)
        parity = x.sum(axis=1) % 2
        feasible = []
        for k in range(1, n + 1):
            feasible.append(threshold_feasible(masks(x, k), parity))
            bar.update()
        order = next(k for k, ok in enumerate(feasible, start=1) if ok) if any(feasible) else None
        rows.append({"n": n, "feasible_by_k": feasible, "order": order})
    bar.close()
    return rows


def farkas_certificate(x: np.ndarray, labels: np.ndarray) -> list[Fraction] | None:
    """Nonnegative weights lambda, summing to 1, with sum lambda_i y_i (x_i, 1) = 0.

    By Farkas' lemma such lambda exists exactly when no (w, b) has y_i (w . x_i + b) > 0 for
    all i: a proof that no single threshold unit computes the labelling. The LP's answer is
    turned into exact fractions and checked in exact arithmetic before it is returned.
    """
    y = np.where(labels > 0, 1.0, -1.0)
    rows = (y[:, None] * np.hstack([x, np.ones((len(y), 1))])).T  # (d + 1, m)
    a_eq = np.vstack([rows, np.ones((1, len(y)))])
    b_eq = np.concatenate([np.zeros(rows.shape[0]), [1.0]])
    result = linprog(np.zeros(len(y)), A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
    if result.status != 0:
        return None
    lam = [Fraction(v).limit_denominator(1000) for v in result.x]
    total = sum(lam)
    lam = [v / total for v in lam]
    exact_rows = [[Fraction(int(v)) for v in row] for row in rows]
    if all(v >= 0 for v in lam) and all(
        sum(r * v for r, v in zip(row, lam, strict=True)) == 0 for row in exact_rows
    ):
        return lam
    return None


def best_single_unit_accuracy(x: np.ndarray, labels: np.ndarray) -> float:
    """The largest fraction of the inputs any one threshold unit gets right (exhaustive over
    subsets)."""
    m = len(labels)
    for size in range(m, 0, -1):
        for subset in itertools.combinations(range(m), size):
            if threshold_feasible(x[list(subset)], labels[list(subset)]):
                return size / m
    return 0.0
