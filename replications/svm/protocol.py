"""The protocol around the solver: input preparation, scaling, and the choice of C.

Everything here is fixed before any test error is looked at (Cortes & Vapnik 1995 give
neither the input scaling nor C): inputs are scaled by one number so that the mean
squared norm of the *training* images is 1, and C is the grid value with the lowest
validation error on the training set only (ties: the smaller C).
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import gaussian_filter

from replications.svm.solver import Machines, fit


def smooth(images: np.ndarray, sigma: float) -> np.ndarray:
    """§6.2.1: "smoothing with a Gaussian kernel of width sigma = 0.75" (USPS pixels in [-1, 1];
    outside the image is background, -1)."""
    if sigma <= 0:
        return images
    return np.stack([gaussian_filter(im, sigma, mode="constant", cval=-1.0) for im in images])


def scale_inputs(train: np.ndarray, test: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Flatten and divide by s = sqrt(mean ||x||^2) over the training set, so u . v is O(1)."""
    train = train.reshape(len(train), -1).astype(np.float32)
    test = test.reshape(len(test), -1).astype(np.float32)
    s = float(np.sqrt((train.astype(np.float64) ** 2).sum(1).mean()))
    return train / s, test / s, s


def one_vs_rest(labels: np.ndarray, classes: int = 10) -> np.ndarray:
    """Labels -> (classes, n) targets in {-1, +1}: machine c separates digit c from the rest."""
    return np.where(labels[None, :] == np.arange(classes)[:, None], 1.0, -1.0).astype(np.float32)


def errors(machines: Machines, x: np.ndarray, labels: np.ndarray) -> dict:
    """Combined error (argmax of the ten outputs) and each machine's binary errors."""
    out = machines.decision(x)
    targets = one_vs_rest(labels, out.shape[1])
    return {
        "combined": float((out.argmax(1) != labels).mean()),
        "binary": ((np.sign(out.T) != targets).sum(1)).tolist(),
    }


def fit_path(
    x: np.ndarray, labels: np.ndarray, degree: int, grid: tuple[float, ...], **options
) -> list[Machines]:
    """Machines for increasing C, each warm-started from the last (a feasible point: the box
    grows)."""
    path, alpha = [], None
    for C in sorted(grid):
        warm = alpha if not options.get("squared_slacks") else None
        machines = fit(x, one_vs_rest(labels), degree, C, alpha0=warm, **options)
        alpha = machines.alpha
        path.append(machines)
    return path


def choose_c(
    x: np.ndarray,
    labels: np.ndarray,
    degree: int,
    grid: tuple[float, ...],
    folds: int,
    seed: int,
    runs: int | None = None,
    **options,
) -> tuple[float, list[float]]:
    """Cross-validation on the training set: mean validation error for each C over the first
    ``runs`` of ``folds`` folds (runs = 1: a hold-out of a random 1/folds of the training set)."""
    order = np.random.default_rng(seed).permutation(len(x))
    parts = np.array_split(order, folds)
    runs = folds if runs is None else runs
    err = np.zeros(len(grid))
    for k in range(runs):
        valid = np.sort(parts[k])
        train = np.sort(np.concatenate([p for i, p in enumerate(parts) if i != k]))
        path = fit_path(x[train], labels[train], degree, grid, **options)
        for i, machines in enumerate(path):
            err[i] += errors(machines, x[valid], labels[valid])["combined"] / runs
    best = int(np.argmin(err))  # argmin takes the first: the smallest C among ties
    return sorted(grid)[best], err.tolist()


def choose_c_holdout(
    x: np.ndarray,
    labels: np.ndarray,
    degree: int,
    grid: tuple[float, ...],
    size: int,
    seed: int,
    **options,
) -> tuple[float, list[float]]:
    """Hold-out inside the training set: train on ``size`` random digits, validate on another
    ``size``."""
    order = np.random.default_rng(seed).permutation(len(x))
    train, valid = np.sort(order[:size]), np.sort(order[size : 2 * size])
    path = fit_path(x[train], labels[train], degree, grid, seed=seed, **options)
    err = [errors(m, x[valid], labels[valid])["combined"] for m in path]
    return sorted(grid)[int(np.argmin(err))], err
