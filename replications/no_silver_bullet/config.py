"""Profiles of the no-silver-bullet matrix: every era's method on every era's problem."""

from __future__ import annotations

from dataclasses import dataclass

from replications.no_silver_bullet.problems import ORDER


@dataclass(frozen=True)
class Config:
    """One recipe per method for every problem, fixed before the run (no per-problem tuning).

    The recipes are the replications' own where they have one (the CNN's SGD recipe, Breiman's
    forest and boosting sizes, Cortes & Vapnik's degree 4 for digits); the rest is ours and
    stated here: the perceptron's epoch cap, the MLP's 100 hidden units and step size, the SVM's
    fixed C = 10 (replications/svm picked C by cross-validation per data set; one C for all is
    the fair, untuned choice here).
    """

    seeds: int = 3  # every cell: mean and spread over this many seeds (draws, splits, inits)
    problems: tuple[str, ...] = ORDER
    # training images of every image problem (MNIST, USPS, CIFAR-10), drawn from the full set
    image_train: int = 2_000
    image_test: int = 10_000  # test images scored (MNIST and CIFAR-10 have 10,000)
    parity_bits: int = 8
    perceptron_epochs: int = 100
    mlp_hidden: int = 100
    mlp_batch_size: int = 32
    mlp_epochs: int = 30
    mlp_min_updates: int = (
        20_000  # small sets: at least this many weight changes (PDP ch. 8 ran thousands)
    )
    # step on the case-averaged gradient (best of 4 settings on 4,000 MNIST digits, before the
    # run)
    mlp_learning_rate: float = 1.0
    mlp_momentum: float = (
        0.5  # the Nature letter used 0.9 on 64 cases; 0.9 stalled on mini-batches of MNIST
    )
    svm_degree: int = 4
    svm_C: float = 10.0
    forest_trees: int = 100
    boost_rounds: int = 50
    # The CNN: replications/alexnet's four-layer ReLU net, trained with Adam. Its own recipe (SGD,
    # momentum 0.9, weight decay 5e-4, cuda-convnet's small initial weights) starts too slowly for
    # a CPU budget: 16% MNIST error after 150 steps at learning rate 0.003, divergence at 0.01;
    # Adam (1e-3, batches of 32, 10 epochs) reached 5.6% on 2,000 digits. Checked on MNIST before
    # the run.
    cnn_optimiser: str = "adam"  # or "sgd": replications/alexnet's paper_sgd
    cnn_learning_rate: float = 1e-3
    cnn_batch_size: int = 32
    cnn_epochs: int = 10
    cnn_min_updates: int = 50  # small training sets: at least this many steps
    # Data-requirement curves: test error vs training-set size, the same seeds.
    curve_mnist: tuple[int, ...] = (100, 300, 1_000, 2_000)
    # letters training cases drawn from the 15,000 (the SVM's 26 machines on all 15,000 took over
    # 10 min)
    letters_train: int = 5_000
    curve_tabular: tuple[int, ...] = (100, 300, 1_000, 5_000)  # letters
    curve_methods: tuple[str, ...] = ("perceptron", "mlp", "svm", "forest", "adaboost", "cnn")


def paper() -> Config:
    """The thesis matrix at the largest scale a 2-core CPU runs in about an hour (what the
    published run took is in its results file and in ``nox -l``).

    Deviation, stated on the page: every image problem trains on 2,000 images drawn from its
    full training set (test sets are complete), and the MNIST curve stops there, because the
    CNN trains at about 200 images/s on this CPU; letters trains on 5,000 of its 15,000 cases
    (the SVM's 26 one-vs-rest machines on all 15,000 ran past 10 minutes per fit).
    Command: ``nox -s replicate-no-silver-bullet``.
    """
    return Config()


def smoke() -> Config:
    """Seconds on a CPU, for the tests: small training sets, one seed, short schedules."""
    return Config(
        seeds=1,
        problems=("xor", "parity", "sonar", "mnist", "permuted_mnist", "shifted_mnist"),
        image_train=300,
        image_test=500,
        parity_bits=6,
        perceptron_epochs=20,
        mlp_epochs=5,
        mlp_min_updates=2_000,
        forest_trees=20,
        boost_rounds=20,
        cnn_epochs=2,
        cnn_min_updates=20,
        curve_mnist=(100, 300),
        curve_tabular=(),
        curve_methods=("perceptron", "forest"),
    )


PROFILES = {"paper": paper, "smoke": smoke}
