"""What a perceptron run stores: the ``Tables`` that ``experiment.run`` returns, the page and the
figures read, and ``measure`` grades from."""

from __future__ import annotations

from typing import TypedDict


class NovikoffRow(TypedDict):
    """One linearly separable two-class task, ``seeds`` presentation orders of the rule."""

    task: str  # "digits 3 vs 8", "MNIST 0 vs 1"
    n: int  # examples
    dim: int  # inputs
    gamma: float  # margin of the LP's maximum-margin separator (inputs scaled to [0, 1])
    radius: float  # R = largest input norm
    bound: float  # Novikoff's (R / gamma)^2
    converged: float  # share of orders that converged
    mistakes_mean: float
    mistakes_max: int
    epochs_mean: float
    within_bound: float  # share of orders with mistakes <= floor(bound)
    worst_ratio: float  # largest mistakes / bound


class PhotoRow(TypedDict):
    """The photo-perceptron with ``a_units`` random A-units (0: retina straight to R-units)."""

    a_units: int
    accuracy_mean: float  # test accuracy, mean over ``seeds`` random wirings
    accuracy_std: float
    accuracies: list[float]  # one per wiring


class CapacityRow(TypedDict):
    P: int  # random points in general position
    cover: float  # Cover's (1965) fraction of separable dichotomies
    separable: float  # fraction found separable by linear programming
    learned: float  # fraction the rule learned within ``max_epochs``
    mean_epochs_learned: float | None


class Capacity(TypedDict):
    N: int  # input dimension
    trials: int  # random dichotomies per P
    max_epochs: int
    rows: list[CapacityRow]


class Tables(TypedDict):
    seeds: int  # runs per Novikoff task (orders) and per A-unit count (wirings)
    novikoff: list[NovikoffRow]  # claim (a): Rosenblatt's convergence, Novikoff's bound
    novikoff_not_separable: list[str]  # tasks skipped: not linearly separable
    photo: list[PhotoRow]  # claim (b): the photo-perceptron learns digits
    capacity: Capacity  # claim (c): Cover's capacity 2N
