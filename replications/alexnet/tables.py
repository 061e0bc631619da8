"""What an AlexNet run stores: the ``Tables`` that ``experiment.run`` returns, the page and the
figures read, and ``measure`` grades from. Errors are fractions in [0, 1]; every list has one
entry per seed (None where a run diverged or never reached its target)."""

from __future__ import annotations

from typing import NotRequired, TypedDict


class SweepRow(TypedDict):
    """One learning rate of Fig. 1's sweep (seed 0)."""

    activation: str  # "relu" | "tanh"
    lr: float
    epochs: float | None  # epochs to the target training error; None: not within ``budget``
    budget: int  # epochs allowed (shrinks to the best so far: a slower rate cannot win)
    diverged: bool  # a non-finite loss, or stalled at chance
    stalled: NotRequired[bool]  # stalled at chance (the stall rule); absent in older files


class Fig1(TypedDict):
    """§3.1, Fig. 1: epochs to 25% training error, ReLU vs tanh, each at its fastest rate."""

    sweep: list[SweepRow]
    chosen_lr: dict[str, float]  # activation -> the rate every seed then runs at
    epochs: dict[str, list[float | None]]  # activation -> epochs to the target, per seed
    budget: int  # epochs allowed per seed
    target_error: float
    curves: dict[str, list[list[float]]]  # "relu-s0" -> [[epoch, running train error], ...]


class Variant(TypedDict):
    """One net trained with the §5 recipe, once per seed (``experiment._summaries``)."""

    test_error: list[float | None]
    train_error: list[float | None]
    gap: list[float | None]  # test - train error (None: diverged)
    diverged: list[bool]  # diverged (a non-finite loss) or stalled at chance: no error to compare
    stalled: NotRequired[list[bool]]  # of those, the runs the stall rule gave up (train.py)
    epochs: list[int]
    converge: list[int | None]  # first epoch within ``converged_within`` of the best
    val_error: list[list[float]]  # per epoch


# The claims each stage gives (a stage's jobs: ``provenance.jobs[stage]``). AX-size is in none:
# it counts the ImageNet net's parameters and trains nothing.
STAGE_CLAIMS: dict[str, tuple[str, ...]] = {
    "fig1": ("AX-relu-fig1", "AX-relu-faster"),
    "lrn_pool": ("AX-lrn-cifar", "AX-lrn-cifar-with", "AX-overlap-pool", "AX-overlap-overfit"),
    "dropout": ("AX-dropout-gap", "AX-dropout"),
}


def job_stages(claim_id: str) -> tuple[str, ...]:
    """The stages whose jobs a claim is measured from (its citation names their commits)."""
    return tuple(stage for stage, ids in STAGE_CLAIMS.items() if claim_id in ids)


class Pending(TypedDict):
    """A stage whose jobs are not all finished (the run stopped first, ``--stop-after``)."""

    done: int
    total: int
    unclean: int  # finished from a modified tree: a published stage needs none


class Signal(TypedDict):
    """A net's logits at the paper's initialisation (``experiment.init_signal``)."""

    spread: float  # std over images, mean over the classes: the part that depends on the image
    offset: float  # |mean over images|, mean over the classes: the constant part
    images: int


class Tables(TypedDict):
    data_note: str  # "" for the genuine CIFAR-10, else what the JPEG-degraded copy is
    parameters: int  # the ImageNet AlexNet, built and counted
    devices: int
    init_signal: NotRequired[dict[str, Signal]]  # "four_layer", "small_alexnet"
    fig1: NotRequired[Fig1]  # stage "fig1"
    four_layer: NotRequired[dict[str, Variant]]  # stage "lrn_pool": plain, lrn, pool2
    small_alexnet: NotRequired[dict[str, Variant]]  # stage "dropout": dropout, no_dropout
    pending: NotRequired[dict[str, Pending]]  # stage name -> its jobs done so far
