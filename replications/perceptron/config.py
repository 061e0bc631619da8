"""Profiles of the perceptron replication."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Config:
    seeds: int  # presentation orders per task (claim a) and random A-unit wirings (claim b)
    digit_pairs: str  # "all" 45 pairs of scikit-learn's 8x8 digits, or "a-b,c-d"
    mnist_pairs: str  # MNIST digit pairs ("" = none: the smoke profile needs no download)
    max_epochs: int  # cap for the rule on separable tasks
    photo_source: (
        str  # claim b: "mnist" (the paper profile) or "digits" (scikit-learn's, no download)
    )
    a_units: tuple[int, ...]  # claim b: sizes of the A-layer (0 = R-units on the retina directly)
    photo_train: int  # claim b: MNIST training digits
    photo_test: int
    photo_epochs: int
    excitatory: int  # links per A-unit
    inhibitory: int
    threshold: float  # an A-unit fires when (excitatory - inhibitory active inputs) >= threshold
    capacity_dim: int  # claim c: N
    capacity_sizes: tuple[int, ...]  # claim c: the values of P
    capacity_trials: int
    capacity_max_epochs: int


def paper() -> Config:
    """The paper's scale: 100 presentation orders on every separable pair of scikit-learn's
    digits and on two MNIST pairs (0/1, 6/9, full training set); a 20x20-retina
    photo-perceptron from 25 to 1,600 A-units (the Mark I had 512) on 10,000 MNIST digits over
    100 random wirings; Cover's curve at N = 20 with 1,000 dichotomies per P.

    Rosenblatt and Novikoff report no error rates: the claims are the convergence theorem,
    the bound, learning by random A-units, and capacity. Measured: 19 min on a 2-core CPU
    shared with other jobs (MNIST pairs 5 min, photo-perceptron 10 min, capacity 5 min);
    no GPU timing yet. ``nox -s replicate-perceptron``.
    """
    return Config(
        seeds=100,
        digit_pairs="all",
        mnist_pairs="0-1,6-9",
        max_epochs=1000,
        photo_source="mnist",
        a_units=(0, 25, 50, 100, 200, 400, 512, 800, 1600),
        photo_train=10_000,
        photo_test=10_000,
        photo_epochs=5,
        excitatory=5,
        inhibitory=5,
        threshold=1.0,
        capacity_dim=20,
        capacity_sizes=tuple(range(4, 81, 4)),
        capacity_trials=1000,
        capacity_max_epochs=1000,
    )


def smoke() -> Config:
    """Seconds on a CPU, no download: three digit pairs, the photo-perceptron on scikit-learn's
    digits blown up to the 20x20 retina, Cover's curve at N = 5."""
    return Config(
        seeds=6,
        digit_pairs="0-1,3-8,4-9",
        mnist_pairs="",
        max_epochs=500,
        photo_source="digits",
        a_units=(0, 50, 400),
        photo_train=1000,
        photo_test=797,
        photo_epochs=3,
        excitatory=5,
        inhibitory=5,
        threshold=1.0,
        capacity_dim=5,
        capacity_sizes=(4, 10, 16),
        capacity_trials=64,
        capacity_max_epochs=500,
    )


PROFILES = {"paper": paper, "smoke": smoke}
