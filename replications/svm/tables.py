"""What an SVM run stores: the ``Tables`` that ``experiment.run`` returns, the page and the figures
read, and ``measure`` grades from; with the paper's printed numbers they are set beside.

Errors are test-set error rates in percent; each degree has ten one-vs-rest machines.
"""

from __future__ import annotations

from typing import NotRequired, TypedDict

# Cortes & Vapnik 1995, Table 2 (USPS), by polynomial degree: raw error %, mean #SV per machine,
# and the feature-space dimensionality as printed
PAPER_ERROR = {1: 12.0, 2: 4.7, 3: 4.4, 4: 4.3, 5: 4.3, 6: 4.2, 7: 4.3}
PAPER_SV = {1: 200, 2: 127, 3: 148, 4: 165, 5: 175, 6: 185, 7: 190}
PAPER_DIMS = {1: 256, 2: 33_000, 3: 1e6, 4: 1e9, 5: 1e12, 6: 1e14, 7: 1e16}
# Table 3 (NIST, degree 4), digits 0-9: support vectors, training and test errors per machine
PAPER_T3_SV = [1379, 989, 1958, 1900, 1224, 2024, 1527, 2064, 2332, 2765]
PAPER_T3_TRAIN = [7, 16, 8, 11, 2, 4, 8, 16, 4, 1]
PAPER_T3_TEST = [19, 14, 35, 35, 36, 49, 32, 43, 48, 63]
LENET1 = 5.1  # Table 1: LeNet1's raw error on USPS, %


class Machines(TypedDict):
    """The ten machines of one degree (``experiment.summary``)."""

    C: float  # chosen on the training set only
    test_error: float  # the combined ten-class classifier
    binary_test_errors: list[int]  # test mistakes of each one-vs-rest machine
    support_vectors: list[int]  # per machine
    train_errors: list[int]  # per machine
    paper_form_C: list[float | None]  # the same machines in the paper's (sum xi)^2 functional
    kkt_gap: float
    rounds: int
    iterations: int
    dual_objective: list[float]
    fit_seconds: float


class Dims(TypedDict):
    up_to_d: int  # exact dimension of the (u . v + 1)^d feature space
    exactly_d: int  # monomials of degree exactly d


class UspsDegree(Machines):
    cv_error: dict[str, float]  # cross-validated error per C of the grid
    dims: Dims


class Permutation(TypedDict):
    """§6.2.2's quote: a fixed random permutation of the pixels changes nothing."""

    degree: int
    C: float
    agreement: float  # share of test predictions unchanged
    error_plain: float
    error_permuted: float


class Usps(TypedDict):
    degrees: dict[str, UspsDegree]  # "1" .. "7"
    n_train: int
    n_test: int
    scale: float
    grid: list[float]  # the C values tried
    folds: int
    fold_runs: int
    permutation: NotRequired[Permutation]


class Mnist(Machines):
    """§6.2.2 / Table 3: the degree-4 machines on MNIST (our stand-in for the NIST set)."""

    validation_error: dict[str, float]
    n_train: int
    n_test: int
    scale: float
    grid: list[float]
    select: int  # training digits held out to choose C
    support_union: int


class Tables(TypedDict):
    usps: Usps  # Table 2
    mnist: NotRequired[Mnist]  # Table 3, when the profile runs it
