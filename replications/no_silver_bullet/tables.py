"""What a no-silver-bullet run stores: the ``Tables`` that ``experiment.run`` returns, the page and
the figures read, and ``measure`` grades from; with the readings of them that more than one of
those needs (who is best, where two curves cross, the methods by year).

Errors are test-set error rates in percent, one per seed.
"""

from __future__ import annotations

import math
from typing import TypedDict

import numpy as np

# Every method, in the order the experiment trains them (``methods.METHODS``): notes list them so.
METHOD_NAMES = ("perceptron", "mlp", "svm", "forest", "adaboost", "cnn")
TIE = 1e-9  # equal means (e.g. several methods at 0% on XOR) share "best"


class Cell(TypedDict):
    """One method on one problem over the seeds."""

    errors: list[float]  # one per seed
    mean: float
    std: float
    seconds: float  # mean wall time of one fit


class MethodInfo(TypedDict):
    title: str
    year: int  # when its bandwagon came


class Matrix(TypedDict):
    problems: list[str]  # in the page's order
    titles: dict[str, str]  # problem -> title
    notes: dict[str, str]  # problem -> how it is made
    methods: dict[str, MethodInfo]
    cells: dict[str, dict[str, Cell]]  # problem -> method -> cell (a method may not apply)
    scored_on: dict[str, str]  # problem -> the test set it is scored on
    best: dict[str, list[str]]  # problem -> the methods with the lowest mean (``best_methods``)


class Point(TypedDict):
    mean: float
    std: float
    errors: list[float]


class Crossover(TypedDict):
    below: str  # the method that wins with fewer examples
    above: str
    at: float  # training-set size where the mean curves cross (log-linear interpolation)


class Tables(TypedDict):
    matrix: Matrix
    curves: dict[str, dict[str, dict[str, Point]]]  # problem -> method -> size -> point
    crossovers: dict[str, list[Crossover]]  # problem -> every crossing pair (``crossovers``)


def by_year(methods: dict[str, MethodInfo]) -> list[str]:
    """The methods in the order their bandwagons came."""
    return sorted(methods, key=lambda name: (methods[name]["year"], name))


def best_methods(cells: dict[str, dict]) -> list[str]:
    """The methods with the lowest mean error on one problem (ties shared)."""
    low = min(c["mean"] for c in cells.values())
    return sorted(m for m, c in cells.items() if c["mean"] <= low + TIE)


def crossover(sizes: list[int], a: list[float], b: list[float]) -> float | None:
    """The training-set size at which curve ``a`` stops beating curve ``b`` (or starts), by
    linear interpolation of the error difference in log(size); None if the sign never changes."""
    diff = np.asarray(a) - np.asarray(b)
    for i in range(len(sizes) - 1):
        if diff[i] == 0 or np.sign(diff[i]) != np.sign(diff[i + 1]):
            if diff[i] == 0:
                return float(sizes[i])
            t = diff[i] / (diff[i] - diff[i + 1])
            return float(
                math.exp(math.log(sizes[i]) + t * (math.log(sizes[i + 1]) - math.log(sizes[i])))
            )
    return None


def crossovers(curve: dict[str, dict[str, dict]]) -> list[dict]:
    """Every pair of methods whose mean curves cross, with who wins below and above."""
    rows, names = [], sorted(curve)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            sizes = sorted(set(map(int, curve[a])) & set(map(int, curve[b])))
            if len(sizes) < 2:
                continue
            ea = [curve[a][str(s)]["mean"] for s in sizes]
            eb = [curve[b][str(s)]["mean"] for s in sizes]
            at = crossover(sizes, ea, eb)
            if at is not None:
                small_winner = a if ea[0] < eb[0] else b
                rows.append(
                    {"below": small_winner, "above": b if small_winner == a else a, "at": at}
                )
    return sorted(rows, key=lambda r: r["at"])
