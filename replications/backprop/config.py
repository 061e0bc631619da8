"""Profiles of the backprop replication: ``paper`` (the papers' scale) and ``smoke`` (tests)."""

from __future__ import annotations

from dataclasses import dataclass

from replications.backprop.family_hypotheses import HYPOTHESIS_NAMES
from replications.backprop.tables import FAMILY_VARIANTS, SMALL_TASKS


@dataclass(frozen=True)
class Config:
    """Scale of a run. The procedure itself (ε, α, init, schedules) is the papers' and
    lives in ``tasks.py`` / ``family_trees.py``, not here.

    ``seeds``: runs per small task and for the family trees' main variants (each run has
    its own initial weights; each family-tree run also its own 4 held-out triples).
    Sensitivity variants of the family trees use ``seeds // 5`` runs.
    ``caps``: sweeps after which a run that has not converged counts as stuck.
    ``hypothesis_runs``: runs per family-tree hypothesis (``family_hypotheses.py``);
    ``hypothesis_sweeps_cap`` shortens every hypothesis' training (smoke profile only).
    """

    seeds: int = 1000
    tasks: tuple[str, ...] = SMALL_TASKS
    caps: tuple[tuple[str, int], ...] = (
        ("xor_211", 10_000),
        ("xor_221_eta05", 10_000),
        ("xor_221_eta025", 10_000),
        ("symmetry", 20_000),
        ("encoder", 20_000),
        ("parity4", 20_000),
    )
    tol: float = 0.1  # converged: every output within 0.1 of its target
    loose_tol: float = 0.4  # also recorded: the looser "within 0.4" rule
    modern_tasks: tuple[str, ...] = ("xor_211", "xor_221_eta05", "symmetry", "encoder", "parity4")
    adam_learning_rate: float = 0.01
    family_variants: tuple[str, ...] = FAMILY_VARIANTS
    family_sweeps: int = 1500
    family_seeds: int | None = None  # runs of the main family-tree variants; None: ``seeds``
    curve_every: int = 10
    family_hypotheses: tuple[str, ...] = HYPOTHESIS_NAMES
    hypothesis_runs: int = 100  # 0 of 100 has a 95% Wilson upper bound of 3.7%
    hypothesis_sweeps_cap: int | None = None

    def cap(self, task: str) -> int:
        return dict(self.caps)[task]


def paper() -> Config:
    """The papers' scale: 1,000 runs per small task and 1,000 family-tree runs.

    The papers report one run each: XOR 2-1-1 in 558 sweeps, mirror symmetry in 1,425,
    4-bit parity in 2,825; the family-tree net generalised to 4 of 4 held-out triples.
    The family-tree net (1,500 sweeps x 104 cases), the 20,000-sweep caps and the family-tree
    hypotheses stage (16 hypotheses x 100 runs) take most of the time; none of its rows needs a
    GPU. About an hour on a 2-core CPU; what the published run took, and on which CPU, is in
    its results file and in ``nox -l``.
    Run: ``nox -s replicate-backprop``.
    """
    return Config()


def smoke() -> Config:
    """Under a minute of CPU: XOR (2-1-1) and mirror symmetry with 64 runs, 8 family-tree runs.

    Enough to check that XOR is learned, that symmetry solutions have the opposite-sign
    pattern, and that every stage runs end to end. Run:
    ``nox -s replicate-backprop -- --profile smoke``.
    """
    return Config(
        seeds=64,
        tasks=("xor_211", "symmetry"),
        caps=(("xor_211", 3_000), ("symmetry", 6_000)),
        modern_tasks=(),
        family_variants=("paper",),
        family_seeds=8,
        hypothesis_runs=4,
        hypothesis_sweeps_cap=20,  # every hypothesis, too short to learn: checks the stage runs
    )


PROFILES = {"paper": paper, "smoke": smoke}
