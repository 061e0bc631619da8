"""Cortes & Vapnik 1995, §6.2: USPS Table 2 (degrees 1-7) and the NIST degree-4 machine (Table 3).

``run(config, key=jax.random.key(S))`` trains ten one-vs-rest polynomial machines per degree
with the JAX solver of ``solver.py``, C chosen on the training set only (``protocol.py``), and
returns the tables that ``measure.measure`` grades against ``claims.toml``.
"""

from __future__ import annotations

import math
import time

import jax
import numpy as np
from tqdm import tqdm

from replications.svm.config import Config
from replications.svm.protocol import (
    choose_c,
    choose_c_holdout,
    errors,
    one_vs_rest,
    scale_inputs,
    smooth,
)
from replications.svm.solver import Machines, fit
from replications.svm.tables import Mnist, Tables, Usps
from shared.datasets import load_mnist, load_usps
from shared.record import stage
from shared.seeds import base_seed


def datasets(config: Config) -> tuple[str, ...]:
    """USPS always (Table 2); MNIST when the profile runs the NIST machine (§6.2.2)."""
    return ("usps", "mnist") if config.mnist else ("usps",)


def summary(
    machines: Machines, x_test: np.ndarray, y_train: np.ndarray, y_test: np.ndarray, C: float
) -> dict:
    """The per-degree row: errors, support vectors and training errors of each machine."""
    test = errors(machines, x_test, y_test)
    targets = one_vs_rest(y_train)
    margin = targets * machines.train_output.T
    slack = np.maximum(0.0, 1.0 - margin).sum(1)
    return {
        "C": C,
        "test_error": 100 * test["combined"],
        "binary_test_errors": test["binary"],
        "support_vectors": (machines.alpha > 0).sum(1).tolist(),
        "train_errors": (margin < 0).sum(1).tolist(),
        # the paper's k = 2 functional C (sum xi)^2 gives these same machines for
        # C_k2 = C / (2 sum xi)
        "paper_form_C": [C / (2 * s) if s > 0 else None for s in slack],
        "kkt_gap": float(machines.gap.max()),
        "rounds": machines.rounds,
        "iterations": machines.iterations,
        "dual_objective": machines.dual_objective.tolist(),
    }


def feature_dims(inputs: int, degree: int) -> dict:
    """Exact dimension of the feature space of (u . v + 1)^d: monomials of degree <= d."""
    return {
        "up_to_d": math.comb(inputs + degree, degree),
        "exactly_d": math.comb(inputs + degree - 1, degree),
    }


def usps(config: Config, seed: int) -> Usps:
    data = load_usps()
    n_train = config.usps_train or len(data.x_train)
    n_test = config.usps_test or len(data.x_test)
    with stage("usps_prepare"):
        x_train, x_test, scale = scale_inputs(
            smooth(data.x_train[:n_train], config.usps_sigma),
            smooth(data.x_test[:n_test], config.usps_sigma),
        )
    y_train, y_test = data.y_train[:n_train], data.y_test[:n_test]
    options = {
        "tol": config.tol,
        "chunk": config.chunk,
        "add": config.add,
        "squared_slacks": config.squared_slacks,
    }
    rows = {}
    for degree in tqdm(config.degrees, desc="USPS degrees"):
        with stage("usps_select_C"):
            C, cv = choose_c(
                x_train,
                y_train,
                degree,
                config.usps_grid,
                config.usps_folds,
                seed,
                runs=config.usps_fold_runs,
                **options,
            )
        with stage("usps_fit"):
            start = time.perf_counter()
            machines = fit(x_train, one_vs_rest(y_train), degree, C, seed=seed, **options)
            seconds = time.perf_counter() - start
        rows[str(degree)] = {
            **summary(machines, x_test, y_train, y_test, C),
            "cv_error": cv,
            "fit_seconds": seconds,
            "dims": feature_dims(x_train.shape[1], degree),
        }
    extra: dict = {
        "n_train": n_train,
        "n_test": n_test,
        "scale": scale,
        "grid": list(config.usps_grid),
        "folds": config.usps_folds,
        "fold_runs": config.usps_fold_runs,
    }
    if config.permutation_degree:
        with stage("usps_permutation"):
            extra["permutation"] = permutation_check(data, n_train, n_test, config, seed, options)
    return {"degrees": rows, **extra}  # type: ignore[typeddict-item]


def permutation_check(
    data, n_train: int, n_test: int, config: Config, seed: int, options: dict
) -> dict:
    """§6.2.2 quotes Bottou et al.: the machine "would do as well if the image pixels were
    encrypted e.g. by a fixed, random permutation". Raw pixels (smoothing uses the geometry)."""
    x_train, x_test, _ = scale_inputs(data.x_train[:n_train], data.x_test[:n_test])
    perm = np.random.default_rng(seed).permutation(x_train.shape[1])
    C = float(np.median(config.usps_grid))
    targets = one_vs_rest(data.y_train[:n_train])
    plain = fit(x_train, targets, config.permutation_degree, C, **options)
    mixed = fit(x_train[:, perm], targets, config.permutation_degree, C, **options)
    a, b = plain.predict(x_test), mixed.predict(x_test[:, perm])
    y = data.y_test[:n_test]
    return {
        "degree": config.permutation_degree,
        "C": C,
        "agreement": float((a == b).mean()),
        "error_plain": 100 * float((a != y).mean()),
        "error_permuted": 100 * float((b != y).mean()),
    }


def mnist(config: Config, seed: int) -> Mnist:
    """§6.2.2: "a polynomial of degree 4 ... no preprocessing" on 60,000 / 10,000 digits."""
    data = load_mnist()
    n_train, n_test = config.mnist_train, config.mnist_test
    x_train, x_test, scale = scale_inputs(
        data.x_train[:n_train] / np.float32(255), data.x_test[:n_test] / np.float32(255)
    )
    y_train, y_test = data.y_train[:n_train], data.y_test[:n_test]
    options = {
        "tol": config.tol,
        "chunk": config.chunk,
        "add": config.add,
        "squared_slacks": config.squared_slacks,
    }
    with stage("mnist_select_C"):
        C, valid = choose_c_holdout(
            x_train,
            y_train,
            config.mnist_degree,
            config.mnist_grid,
            config.mnist_select,
            seed,
            **options,
        )
    with stage("mnist_fit"):
        start = time.perf_counter()
        machines = fit(x_train, one_vs_rest(y_train), config.mnist_degree, C, seed=seed, **options)
        seconds = time.perf_counter() - start
    row = {
        **summary(machines, x_test, y_train, y_test, C),
        "validation_error": valid,
        "fit_seconds": seconds,
        "n_train": n_train,
        "n_test": n_test,
        "scale": scale,
        "grid": list(config.mnist_grid),
        "select": config.mnist_select,
        "support_union": len(machines.sv),
    }
    return row  # type: ignore[return-value]


def run(config: Config, *, key: jax.Array) -> Tables:
    """Table 2 (USPS) and Table 3 / §6.2.2 (NIST) of Cortes & Vapnik 1995.

    ``key`` is ``jax.random.key(S)``: the folds, the shuffles of the solver and the pixel
    permutation take the base seed S, as they always have."""
    seed = base_seed(key)
    tables: Tables = {"usps": usps(config, seed)}
    if config.mnist:
        tables["mnist"] = mnist(config, seed)
    return tables
