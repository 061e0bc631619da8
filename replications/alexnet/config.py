"""Profiles of the AlexNet replication: ``paper`` (the paper's recipe on CIFAR-10) and ``smoke``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Config:
    """What to train and how long.

    Attributes:
        seeds: independent runs (init, data order, dropout masks) of every compared net.
        n_train / n_val / n_test: images used; the validation images are the last ``n_val`` of
            the 50,000 training images (the paper's learning-rate schedule watches a validation
            error).
        batch_size: 128 (§5).
        fig1_learning_rates: the sweep, per activation, "to make training as fast as possible".
        fig1_target_error: the training error whose first crossing Fig. 1 compares (0.25).
        fig1_max_epochs: budget of a Fig. 1 run; a run that has not reached the target by then
            (or diverges, or stalls: still at >= 85% training error through its third epoch or a
            later one) counts as never reaching it. The order of the rates only decides how much
            compute the pruned sweep spends, not which rate wins: the likely winners go first
            (an independent PyTorch check of this net put ReLU at 0.001 near 25% after 6 epochs,
            0.01 at 68% after 5, 0.02 stalled and 0.05 diverged), so their epochs cap the rest.
        learning_rate / weight_decay / patience / lr_drops / max_epochs: the §5 recipe for the
            LRN, pooling and dropout comparisons (0.01, 5e-4, divide by 10 on plateaus, 3 times).
        converged_within: "iterations to converge" = first epoch whose validation error is within
            this of the run's best (§4.2's "roughly doubles the number of iterations").
        stages: which comparisons to run ("fig1", "lrn_pool", "dropout").
        checkpoint: keep the run's state (finished jobs, a checkpoint after every epoch) in
            ``state/alexnet/<profile>-seed<S>/`` and continue from it (``shared.jobs``); False
            keeps nothing.
    """

    seeds: int = 3
    n_train: int = 45_000
    n_val: int = 5_000
    n_test: int = 10_000
    batch_size: int = 128
    fig1_learning_rates: tuple[float, ...] = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05)
    fig1_target_error: float = 0.25
    fig1_max_epochs: int = 100
    learning_rate: float = 0.01
    weight_decay: float = 5e-4
    patience: int = 5
    lr_drops: int = 3
    max_epochs: int = 120
    converged_within: float = 0.005
    stages: tuple[str, ...] = ("fig1", "lrn_pool", "dropout")
    checkpoint: bool = True


def paper() -> Config:
    """The paper's recipe on CIFAR-10 (Krizhevsky et al. 2012 §5; Fig. 1; §3.3; §3.4; §4.2).

    Paper: ReLU net reaches 25% training error six times faster than tanh (Fig. 1); LRN takes a
    four-layer net from 13% to 11% test error (§3.3); overlapping pooling -0.4% top-1 on ImageNet
    (§3.4); dropout "roughly doubles" the iterations to converge and curbs overfitting (§4.2).

    Size: about 1,900 epochs of 45,000 images (Fig. 1 ~400 with the pruned sweep; 9 plateau
    runs of the four-layer net and 6 of the small AlexNet, ~2.4x the cost per epoch, at up to
    120 epochs): days on a laptop CPU, hours on a GPU. ``nox -s bench -- alexnet`` measures a
    machine's images per second; every finished job's time is in the run's state and the
    results file. It keeps its state in ``state/alexnet/paper-seed0/`` and continues from it:
    ``nox -s replicate-alexnet -- --stop-after 2h``, then the same command again.
    """
    return Config()


def smoke() -> Config:
    """Seconds of training on a CPU (compiling six nets dominates), for the tests: 256 images, two
    epochs."""
    return Config(
        seeds=2,
        n_train=256,
        n_val=128,
        n_test=128,
        batch_size=64,
        fig1_learning_rates=(0.01,),
        fig1_target_error=0.85,
        fig1_max_epochs=2,
        patience=1,
        lr_drops=1,
        max_epochs=2,
        checkpoint=False,
    )


PROFILES = {"paper": paper, "smoke": smoke}
