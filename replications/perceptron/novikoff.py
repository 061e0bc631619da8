"""Claim (a): the rule converges on separable data within Novikoff's (R / gamma)^2 mistakes.

Novikoff (1962): if ||x_i|| <= R and a unit vector u separates the data with margin
y_i u . x_i >= gamma > 0, the rule started at w = 0 makes at most (R / gamma)^2 mistakes,
whatever the order of presentation. We take u from the maximum-margin separator (the
hard-margin SVM without intercept on inputs augmented with a constant 1, which is the
bias input the perceptron sees), so gamma is as large as it can be and the bound is as
tight as the theorem allows.
"""

from __future__ import annotations

import numpy as np
from sklearn.svm import LinearSVC


def max_margin(x: np.ndarray, y: np.ndarray) -> tuple[float, bool]:
    """Geometric margin of the maximum-margin separator through the origin, and whether
    the data are separable (liblinear's dual solver, C large enough that no slack is used).

    When every functional margin is >= 1 - 1e-3 the soft-margin solution *is* the
    hard-margin one, so the margin returned is the maximum margin (to solver tolerance).
    """
    svm = LinearSVC(fit_intercept=False, loss="hinge", C=1e3, tol=1e-7, max_iter=200_000, dual=True)
    svm.fit(x, y)
    w = svm.coef_[0]
    functional = y * (x @ w)
    separable = bool(functional.min() >= 1 - 1e-3)
    return float(functional.min() / np.linalg.norm(w)), separable


def augment(x: np.ndarray) -> np.ndarray:
    """Append the constant bias input."""
    return np.hstack([x, np.ones((x.shape[0], 1), x.dtype)])


def pair_task(
    images: np.ndarray, labels: np.ndarray, a: int, b: int, scale: float
) -> tuple[np.ndarray, np.ndarray]:
    """Digits ``a`` (label +1) and ``b`` (label -1), pixels scaled to [0, 1], bias appended."""
    keep = (labels == a) | (labels == b)
    x = augment(images[keep].reshape(keep.sum(), -1).astype(np.float64) / scale)
    return x, np.where(labels[keep] == a, 1.0, -1.0)


def radius_of(x: np.ndarray) -> float:
    """R: the length of the longest input."""
    return float(np.sqrt((x**2).sum(axis=1).max()))


def bound_of(x: np.ndarray, gamma: float) -> float:
    """Novikoff's bound (R / gamma)^2 on the number of mistakes."""
    return (radius_of(x) / gamma) ** 2


def check_task(name: str, x: np.ndarray, y: np.ndarray) -> dict | None:
    """Margin, radius and Novikoff bound of one task; None if it is not separable (the
    theorem says nothing there, so such a task is listed, not run)."""
    gamma, separable = max_margin(x, y)
    if not separable:
        return None
    return {
        "task": name,
        "n": int(len(y)),
        "dim": int(x.shape[1]),
        "gamma": gamma,
        "radius": radius_of(x),
        "bound": bound_of(x, gamma),
    }
