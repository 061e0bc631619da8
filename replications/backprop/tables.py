"""What a backprop run stores: the ``Tables`` that ``experiment.run`` returns, the page and the
figures read, and ``measure`` grades from; with the names of the tasks and family-tree variants in
the page's order, and the rule by which Fig. 4 "appears"."""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

SMALL_TASKS = ("xor_211", "xor_221_eta05", "xor_221_eta025", "symmetry", "encoder", "parity4")
FAMILY_VARIANTS = ("paper", "eps_late_0.001", "eps_late_0.1", "adam_glorot")
FEATURES = ("nationality", "generation", "branch")  # Fig. 4's person features, in its order
FIG4_SHARE = 0.5  # Fig. 4 "appears" when at least half the runs show it (``fig4_appears``)


class TaskInfo(TypedDict):
    title: str
    eps: float  # learning rate of eq. 9
    alpha: float  # momentum
    source: str  # where the papers give it


class Sweeps(TypedDict):
    """Sweeps to converge over ``n`` runs (``analysis.sweep_summary``); stuck runs hit ``cap``."""

    n: int
    cap: int
    converged: int
    stuck: int
    stuck_fraction: float
    stuck_ci95: list[float]  # Wilson 95% interval of the stuck fraction
    paper: int | None  # the paper's single run, sweeps
    # Over the converged runs (absent when none converged):
    p5: NotRequired[float]
    p25: NotRequired[float]
    p50: NotRequired[float]
    p75: NotRequired[float]
    p95: NotRequired[float]
    mean: NotRequired[float]
    std: NotRequired[float]
    paper_in_band: NotRequired[bool]  # p5 <= the paper's run <= p95: the sweep claims' rule
    paper_rank: NotRequired[float]  # share of our converged runs faster than the paper's
    loose: dict[str, Any]  # the same with the looser "within 0.4" rule
    seeds_per_second: float
    stuck_runs: dict[str, float | None]  # stuck: local minimum or slow (``stuck_diagnosis``)


class Symmetry(TypedDict):
    """Fig. 1's solution over the ``converged`` mirror-symmetry runs: counts of runs."""

    converged: int
    antisymmetric: int  # weights opposite about the middle (RHW-sym-solution)
    mirrored_units: int  # the two hidden units mirror each other (RHW-sym-units)
    ratio_124: int  # weights in the ratio 1:2:4 (RHW-sym-ratio)
    ratio2: list[float]
    ratio4: list[float]
    antisymmetric_runs: list[bool]
    example: dict[str, Any] | None  # the first converged run's weights, drawn like Fig. 1


class Encoder(TypedDict):
    """The 8-3-8 encoder's hidden codes over the ``converged`` runs."""

    converged: int
    distinct: int  # runs with eight distinct codes (PDP-encoder)
    near_binary: int
    binary_share_median: float
    example: list[list[float]] | None


class Tables(TypedDict):
    tasks: dict[str, TaskInfo]  # the small tasks run, by name (``SMALL_TASKS``)
    sweeps: dict[str, Sweeps]  # the papers' procedure, by task
    raw_sweeps: dict[str, list[int]]  # sweeps to converge of every run (-1: stuck), by task
    curves: dict[str, dict[str, list[float]]]  # error curves: median and 10th/90th percentile
    modern: dict[str, dict[str, Sweeps]]  # task -> Adam variant -> the same summary
    symmetry: NotRequired[Symmetry]
    encoder: NotRequired[Encoder]
    family_cases: int  # (person, relationship) queries derived from the two trees: 104
    family: dict[str, dict[str, Any]]  # family-tree variant -> ``run_family``'s summary
    family_hypotheses: NotRequired[dict[str, Any]]  # measured, not graded: rows, fig4_share


def fig4_appears(row: dict[str, Any], share: float = FIG4_SHARE) -> bool:
    """Most runs learn all 100 triples and have a person unit for each Fig. 4 feature."""
    return row["train_all_fraction"] >= share and row["all_features_fraction"] >= share


def smallest_change(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The row of ``family_hypotheses`` with the fewest changes from the letter in which Fig. 4
    appears (ties: the one where more runs learn); None if it appears in no row."""
    found = [r for r in rows if fig4_appears(r)]
    if not found:
        return None
    return min(found, key=lambda r: (len(r["changes"]), -r["train_all_fraction"]))
