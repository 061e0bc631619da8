"""What an XOR / parity run stores: the ``Tables`` that ``experiment.run`` returns, the page and the
figures read, and ``measure`` grades from."""

from __future__ import annotations

from typing import TypedDict

XOR_TRUTH = [0, 1, 1, 0]  # XOR of the inputs (0,0), (0,1), (1,0), (1,1), in that order


class Rule(TypedDict):
    """The perceptron rule on XOR: ``runs`` random starts, each watched for ``epochs_watched``."""

    runs: int
    epochs_watched: int
    converged: int  # runs that reached an epoch without a mistake
    cycling: int  # runs whose weights at the start of an epoch repeated an earlier epoch's
    cycling_unconverged: int  # runs that cycled without ever converging (the claim)
    max_abs_weight: float
    period_counts: dict[str, int]  # cycle length (epochs) -> runs
    example_trajectory: list[list[float]]  # the first run's weights (w1, w2, bias), 12 epochs


class ParityRow(TypedDict):
    n: int  # bits
    feasible_by_k: list[bool]  # k = 1..n: parity is a threshold of masks of support <= k
    order: int  # the smallest such k


class Tables(TypedDict):
    farkas_certificate: list[str] | None  # exact fractions: XOR is not linearly separable
    best_single_unit: float  # best accuracy of any single threshold unit on the four inputs
    rule: Rule
    parity_order: list[ParityRow]  # n = 2 .. max_parity_bits
    two_layer_outputs: list[float]  # the constructed 2-2-1 threshold net on the four inputs
