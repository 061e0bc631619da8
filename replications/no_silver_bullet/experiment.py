"""Every era's method on every era's problem, and how much data each needs.

The matrix: each applicable (problem, method) cell trained and scored once per seed; the
same trained MNIST models are scored again on test digits shifted by one pixel. The
curves: test error against training-set size on MNIST and on letters, from the same seeds'
draws (the largest size of each curve is the matrix's own cell, not trained twice).
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Iterator

import jax
import numpy as np
from tqdm import tqdm

from replications.no_silver_bullet import problems as P
from replications.no_silver_bullet.config import Config
from replications.no_silver_bullet.methods import METHODS, Method
from replications.no_silver_bullet.tables import Tables, best_methods, crossovers
from shared.record import stage
from shared.seeds import base_seed

IMAGES = {"usps", "mnist", "permuted_mnist", "cifar10"}


def planned_fits(config: Config) -> int:
    """How many models one run trains (for the progress bar's ETA)."""
    trained = [p for p in config.problems if p != "shifted_mnist"]
    if "mnist" not in trained and "shifted_mnist" in config.problems:
        trained.append("mnist")
    per_seed = sum(len(METHODS) if p in IMAGES else len(METHODS) - 1 for p in trained)
    if "mnist" in trained:
        per_seed += len(config.curve_methods) * sum(
            s < config.image_train for s in config.curve_mnist
        )
    if "letters" in trained:
        per_seed += len(set(config.curve_methods) - {"cnn"}) * sum(
            s < config.letters_train for s in config.curve_tabular
        )
    return per_seed * config.seeds


def generator(seed: int, repeat: int, purpose: str) -> np.random.Generator:
    """One independent stream per (base seed, repeat, purpose), so no draw depends on another's
    position: adding a curve size does not change the MNIST draw or the permutation."""
    return np.random.default_rng([seed, repeat, zlib.crc32(purpose.encode())])


def problems_for_seed(config: Config, seed: int, repeat: int) -> Iterator[P.Problem]:
    """The problems of one repeat, in the page's order."""
    rng = lambda purpose: generator(seed, repeat, purpose)  # noqa: E731
    wanted = set(config.problems)
    if "xor" in wanted:
        yield P.xor()
    if "parity" in wanted:
        yield P.parity(config.parity_bits)
    if "symmetry" in wanted:
        yield P.symmetry()
    if "sonar" in wanted:
        yield P.sonar(rng("sonar split"))
    if "letters" in wanted:
        yield P.letters(config.letters_train, rng("letters draw"))
    if "usps" in wanted:
        yield P.usps(config.image_train, rng("usps draw"))
    if wanted & {"mnist", "permuted_mnist", "shifted_mnist"}:
        digits = P.mnist(config.image_train, rng("mnist draw")).with_test(config.image_test)
        yield digits  # the shifted-test score rides on these models
        if "permuted_mnist" in wanted:
            yield P.permuted(digits, rng("pixel permutation"))
    if "cifar10" in wanted:
        yield P.cifar10(config.image_train, rng("cifar10 draw")).with_test(config.image_test)


def fit_and_score(
    method: Method,
    problem: P.Problem,
    config: Config,
    seed: int,
    extra_tests: dict[str, tuple[np.ndarray, np.ndarray]],
) -> dict[str, float]:
    """Train once; test error in % on the problem's test set and on each extra test set."""
    start = time.perf_counter()
    score = method.fit(problem, config, seed)
    seconds = time.perf_counter() - start
    out = {problem.name: 100.0 * score(problem.x_test, problem.y_test)}
    out.update({name: 100.0 * score(x, y) for name, (x, y) in extra_tests.items()})
    return out | {"seconds": seconds}


def cell_summary(errors: list[float], seconds: list[float]) -> dict:
    return {
        "errors": errors,
        "mean": float(np.mean(errors)),
        "std": float(np.std(errors, ddof=1)) if len(errors) > 1 else 0.0,
        "seconds": float(np.mean(seconds)),
    }


def curve_sizes(config: Config, problem: str) -> tuple[int, ...]:
    return config.curve_mnist if problem == "mnist" else config.curve_tabular


def curve_tables(curves: dict[tuple[str, str, int], list[float]], methods: tuple[str, ...]) -> dict:
    """``{problem: {method: {size: {mean, std, errors}}}}`` for the methods drawn as curves."""
    tables: dict = {}
    for (problem, method, size), errs in sorted(curves.items()):
        if method in methods:
            std = float(np.std(errs, ddof=1)) if len(errs) > 1 else 0.0
            tables.setdefault(problem, {}).setdefault(method, {})[str(size)] = {
                "mean": float(np.mean(errs)),
                "std": std,
                "errors": errs,
            }
    return tables


def datasets(config: Config) -> tuple[str, ...]:
    """What the profile's problems and data-requirement curves load."""
    needs = {
        "sonar": "uci:sonar",
        "letters": "uci:letters",
        "usps": "usps",
        "mnist": "mnist",
        "permuted_mnist": "mnist",
        "shifted_mnist": "mnist",
        "cifar10": "cifar10",
    }
    names = [needs[p] for p in config.problems if p in needs]
    names += ["mnist"] * bool(config.curve_mnist) + ["uci:letters"] * bool(config.curve_tabular)
    return tuple(dict.fromkeys(names))


def run(config: Config, *, key: jax.Array) -> Tables:
    """The matrix and the data-requirement curves from one key, ``jax.random.key(S)``: the
    draws and the methods' seeds derive from the base seed S, as they always have."""
    seed = base_seed(key)
    P.check_names(config.problems)
    errors: dict[tuple[str, str], list[float]] = {}
    seconds: dict[tuple[str, str], list[float]] = {}
    curves: dict[tuple[str, str, int], list[float]] = {}
    titles, notes, scored_on = {}, {}, {}
    bar = tqdm(total=planned_fits(config), desc="no silver bullet", unit="fit", mininterval=5)
    for s in range(config.seeds):
        method_seed = seed * 1_000 + s
        for problem in problems_for_seed(config, seed, s):
            titles[problem.name], notes[problem.name] = problem.title, problem.note
            scored_on[problem.name] = problem.scored_on
            extra = {}
            if problem.name == "mnist" and "shifted_mnist" in config.problems:
                extra["shifted_mnist"] = (
                    P.shift_one_pixel(problem.x_test, generator(seed, s, "shifts")),
                    problem.y_test,
                )
                titles["shifted_mnist"] = "MNIST, test digits shifted 1 px"
                notes["shifted_mnist"] = (
                    "the MNIST models, scored on test digits each moved one pixel"
                )
                scored_on["shifted_mnist"] = problem.scored_on
            for method in METHODS.values():
                if not method.applies(problem):
                    continue
                bar.set_postfix_str(f"seed {s}: {method.name} on {problem.name}")
                with stage("matrix"):
                    out = fit_and_score(method, problem, config, method_seed, extra)
                bar.update()
                for name in (problem.name, *extra):
                    if name in config.problems:
                        errors.setdefault((name, method.name), []).append(out[name])
                        seconds.setdefault((name, method.name), []).append(out["seconds"])
                if problem.name in ("mnist", "letters"):
                    curves.setdefault((problem.name, method.name, len(problem.y_train)), []).append(
                        out[problem.name]
                    )
                if problem.name in ("mnist", "letters") and method.name in config.curve_methods:
                    with stage("curves"):
                        for size in curve_sizes(config, problem.name):
                            if size >= len(problem.y_train):
                                continue
                            small = problem.subset(
                                size, generator(seed, s, f"{problem.name} subset {size}")
                            )
                            bar.set_postfix_str(
                                f"seed {s}: {method.name} on {size:,} {problem.name}"
                            )
                            out = fit_and_score(method, small, config, method_seed, {})
                            bar.update()
                            curves.setdefault((problem.name, method.name, size), []).append(
                                out[problem.name]
                            )
    bar.close()
    cells = {}
    for (problem, method), errs in errors.items():
        cells.setdefault(problem, {})[method] = cell_summary(errs, seconds[(problem, method)])
    matrix = {
        "problems": [p for p in config.problems if p in cells],
        "titles": titles,
        "notes": notes,
        "methods": {m.name: {"title": m.title, "year": m.year} for m in METHODS.values()},
        "cells": cells,
        "scored_on": {name: scored_on[name] for name in cells},
        "best": {p: best_methods(c) for p, c in cells.items()},
    }
    curve = curve_tables(curves, config.curve_methods)
    return {
        "matrix": matrix,  # type: ignore[typeddict-item]
        "curves": curve,
        "crossovers": {p: crossovers(c) for p, c in curve.items()},
    }
