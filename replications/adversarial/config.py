"""Profiles of the adversarial-examples replication: ``paper`` (the papers' recipes), ``cpu``
(a shortened run for a laptop CPU) and ``smoke`` (seconds, for the tests).

The site shows the ``cpu`` run, under that name, until a ``paper`` run is published
(``STAND_IN``, read by ``shared.profiles``): the recipes' run takes many CPU hours, carried
across sessions, and its CIFAR-10 stage needs a GPU (see ``paper``).

Threat model: pixels in [0, 1], any normalisation inside the model, epsilon and the
RMS distortion in those units.

A :class:`Recipe` says how one model is trained, as data: optimiser, learning-rate and
momentum schedules, max-norm constraint, stopping rule and retraining stage. Epochs are
counted from 1. ``train.fit`` reads it; nothing about training is decided elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

# Goodfellow et al. 2013 ("Maxout networks") Sec. 5.1 constrain "the norm of each weight
# vector"; the bound is the authors' released config (pylearn2 scripts/papers/maxout/
# mnist_pi.yaml: max_col_norm 1.9365 on both maxout layers and the softmax).
MAXOUT_NORM = 1.9365


@dataclass(frozen=True)
class Recipe:
    """How one model is trained.

    Optimiser ``"adam"`` (Kingma & Ba 2015) or ``"momentum"``: ``v <- mu v - rate g; w <- w + v``
    (pylearn2's Momentum rule, the maxout paper's code). Learning rate per update
    (``learning_rate_schedule``): ``"constant"``; ``"cosine"`` to 0 over ``max_epochs``;
    ``"exponential"``, divided by ``learning_rate_decay`` after every update, never below
    ``min_learning_rate`` (pylearn2 ExponentialDecay); ``"linear"`` per epoch, from
    ``learning_rate`` at epoch 1 to ``learning_rate * learning_rate_decay`` at epoch
    ``learning_rate_saturate``, constant after (pylearn2 LinearDecayOverEpoch). Momentum per
    epoch: linear from ``momentum`` at epoch 1 to ``final_momentum`` at ``momentum_saturate``
    (pylearn2 MomentumAdjustor).

    Stopping: ``monitor`` is ``"none"`` (train ``max_epochs``), ``"train_objective"`` (the
    objective on the whole training set), ``"valid_error"`` or ``"adversarial_valid_error"``
    (on the last ``n_valid`` training images, held out). Training stops after ``patience``
    epochs without a relative decrease of at least ``min_decrease`` of the monitored value
    (pylearn2 MonitorBased's ``N`` and ``prop_decrease``), or at ``max_epochs``; the weights of
    the best epoch are kept. ``retrain`` then trains on all the data: ``"continue"`` from the
    best weights until the held-out images' loss falls to the training loss of the best epoch
    (Goodfellow et al. 2013 Sec. 5.1), ``"same_epochs"`` from the initial weights for the best
    epoch's count (Goodfellow et al. 2014 Sec. 6).
    """

    optimiser: str = "adam"
    batch_size: int = 128
    learning_rate: float = 1e-3
    learning_rate_schedule: str = "cosine"
    learning_rate_decay: float = 1.0
    learning_rate_saturate: int = 1
    min_learning_rate: float = 0.0
    learning_rate_scale: tuple[
        tuple[str, float], ...
    ] = ()  # layer name -> multiplier (pylearn2 W_lr_scale)
    momentum: float = 0.0
    final_momentum: float = 0.0
    momentum_saturate: int = 1
    max_norm: tuple[tuple[str, float], ...] = ()  # layer name -> bound on each unit's weight norm
    max_epochs: int = 30
    monitor: str = "none"
    patience: int = 0
    min_decrease: float = 0.0
    n_valid: int = 0
    retrain: str = "none"

    def __post_init__(self) -> None:
        allowed = {
            "optimiser": ("adam", "momentum"),
            "learning_rate_schedule": ("constant", "cosine", "exponential", "linear"),
            "monitor": ("none", "train_objective", "valid_error", "adversarial_valid_error"),
            "retrain": ("none", "continue", "same_epochs"),
        }
        for name, choices in allowed.items():
            if getattr(self, name) not in choices:
                raise ValueError(
                    f"Recipe.{name} must be one of {choices}, got {getattr(self, name)!r}"
                )
        held_out = self.monitor in ("valid_error", "adversarial_valid_error")
        if held_out != (self.n_valid > 0):
            raise ValueError("a validation monitor needs n_valid > 0, and n_valid needs one")
        if self.retrain != "none" and not held_out:
            raise ValueError("retraining on all the data needs a held-out validation stage")


@dataclass(frozen=True)
class MaxoutNet:
    """The permutation-invariant maxout MLP (Goodfellow et al. 2013 Sec. 5.1; 2014 Sec. 4, 6).

    ``init_range``: weights uniform in [-r, r] (pylearn2 ``irange``), ``None`` for flax's default.
    ``rescale_input``: whether kept input pixels are divided by their keep probability in
    training (inverted dropout); the authors' config does not (``input_scales: {h0: 1.}``).
    """

    units: int = 240
    pieces: int = 5
    input_drop: float = 0.2
    hidden_drop: float = 0.5
    init_range: float | None = 0.005
    rescale_input: bool = False


@dataclass(frozen=True)
class ConvMaxoutNet:
    """The CIFAR-10 convolutional maxout net (Goodfellow et al. 2013 Sec. 5.2): three conv
    maxout layers with max pooling, a dense maxout layer, a softmax. Sizes are the authors'
    released config (pylearn2 scripts/papers/maxout/cifar10_no_aug_valid.yaml); the paper
    gives the layer types only. Preprocessing (inside the model, so attacks see [0, 1]
    pixels): global contrast normalisation to L2 norm ``gcn_scale`` per image, then ZCA
    whitening with ``zca_bias`` added to the covariance's diagonal, fitted on the training set.
    """

    channels: tuple[int, ...] = (96, 192, 192)
    pieces: int = 2
    kernels: tuple[int, ...] = (8, 8, 5)
    pads: tuple[int, ...] = (4, 3, 3)
    pools: tuple[tuple[int, int], ...] = ((4, 2), (4, 2), (2, 2))  # (window, stride)
    dense_units: int = 500
    dense_pieces: int = 5
    input_drop: float = 0.2
    hidden_drop: float = 0.5
    init_range: float = 0.005
    gcn_scale: float = 55.0
    zca_bias: float = 0.1


@dataclass(frozen=True)
class Config:
    """Everything a run depends on (the seed aside).

    Model sizes and weight decays are the papers' (Szegedy et al. Sec. 4.1, Table 1; Goodfellow
    et al. 2014 Sec. 6 after Goodfellow et al. 2013 Sec. 5.1). The recipes differ by profile.
    """

    n_train: int = 60_000  # MNIST training images used (all 60k)
    n_test: int = 10_000
    softmax: Recipe = field(default_factory=Recipe)  # FC10(lambda), the softmax on AE400's codes
    mlp: Recipe = field(default_factory=Recipe)  # FC100-100-10, FC200-200-10, FC123-456-10
    autoencoder: Recipe = field(default_factory=Recipe)  # AE400's sparse autoencoder
    maxout_net: MaxoutNet = field(default_factory=MaxoutNet)
    maxout: Recipe = field(default_factory=Recipe)  # Goodfellow et al.'s maxout net
    maxout_adversarial: Recipe = field(default_factory=Recipe)  # ... adversarially trained
    # Szegedy et al. Table 1 / Table 2: L-BFGS on a fixed random subset of training images.
    n_attack: int = 300
    attack_steps: int = 7  # steps of the search over c (L-BFGS runs per image)
    attack_iter: int = 50  # projected L-BFGS iterations per run
    attack_chunk: int = 150  # images per jitted, vmapped attack call
    # Goodfellow et al. Sec. 4 and 6.
    epsilon: float = 0.25
    alpha: float = 0.5
    sweep: tuple[float, ...] = (0.0, 0.02, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.3)
    # Beyond the papers: transfer to a polynomial SVM, a random forest; FGSM on a linear SVM.
    n_svm_train: int = 10_000  # poly-kernel SVC and linear SVM training subsample
    svm_degree: int = 4
    forest_trees: int = 50  # random forest size (Breiman used 100; halved for CPU time)
    n_beyond: int = 2_000  # test images the SVM / forest are evaluated on
    # Goodfellow et al. Sec. 4, CIFAR-10 at epsilon 0.1. cifar_net: "off" (the smoke profile
    # never loads CIFAR-10), "four-layer" (the alexnet replication's convnet, trained briefly
    # with the shared paper SGD: cifar_epochs, cifar_learning_rate) or "maxout" (ConvMaxoutNet,
    # cifar).
    cifar_net: str = "four-layer"
    cifar_epochs: int = 2  # "four-layer" only
    cifar_learning_rate: float = 0.01  # "four-layer" only: SGD, momentum 0.9, weight decay 5e-4
    cifar_n_train: int = 50_000
    cifar_maxout: ConvMaxoutNet = field(default_factory=ConvMaxoutNet)
    cifar: Recipe = field(default_factory=Recipe)  # "maxout" only
    batch_size: int = 128  # "four-layer" CIFAR-10 batch


def _maxout_recipe() -> Recipe:
    """Goodfellow et al. 2013 Sec. 5.1, with the numbers of the authors' released config
    (pylearn2 scripts/papers/maxout/mnist_pi.yaml and mnist_pi_continued.yaml): SGD on batches
    of 100, learning rate 0.1 divided by 1.000004 after every update (floor 1e-6), momentum 0.5
    rising linearly to 0.7 at epoch 250, max-norm 1.9365 on every layer; early stopping on the
    error on the last 10,000 training images, 100 epochs of patience; then training continues
    on all 60,000 until the loss on those 10,000 falls to the training loss of the best epoch.
    ``max_epochs`` is ours (the config has none): a safeguard for each stage.
    """
    norms = tuple((layer, MAXOUT_NORM) for layer in ("h1", "h2", "out"))
    return Recipe(
        optimiser="momentum",
        batch_size=100,
        learning_rate=0.1,
        learning_rate_schedule="exponential",
        learning_rate_decay=1.000004,
        min_learning_rate=1e-6,
        momentum=0.5,
        final_momentum=0.7,
        momentum_saturate=250,
        max_norm=norms,
        max_epochs=2_000,
        monitor="valid_error",
        patience=100,
        n_valid=10_000,
        retrain="continue",
    )


def _cifar_recipe() -> Recipe:
    """Goodfellow et al. 2013 Sec. 5.2 (early stopping on the last 10,000 training images, then
    all 50,000), with the authors' released config (cifar10_no_aug_valid.yaml, README): SGD on
    batches of 128, learning rate 0.17 (x0.05 on the conv layers) decaying linearly to 1% at
    epoch 500, momentum 0.5 rising to 0.6 at epoch 250, per-layer max-norm, 100 epochs of
    patience; the final net is retrained from scratch on all 50,000 for the best epoch's
    count (the README's 785 epochs). ``max_epochs``: our safeguard.
    """
    conv = ("h1", "h2", "h3")
    return Recipe(
        optimiser="momentum",
        batch_size=128,
        learning_rate=0.17,
        learning_rate_schedule="linear",
        learning_rate_decay=0.01,
        learning_rate_saturate=500,
        learning_rate_scale=tuple((layer, 0.05) for layer in conv),
        momentum=0.5,
        final_momentum=0.6,
        momentum_saturate=250,
        max_norm=(("h1", 0.9), ("h2", 1.9365), ("h3", 1.9365), ("h4", 1.9), ("out", 1.9365)),
        max_epochs=2_000,
        monitor="valid_error",
        patience=100,
        n_valid=10_000,
        retrain="same_epochs",
    )


def paper() -> Config:
    """The papers' recipes, each model trained to its paper's stopping rule.

    - Goodfellow et al.'s maxout net: the maxout paper's recipe (Goodfellow et al. 2013 Sec.
      5.1; see ``_maxout_recipe``). Adversarially trained: the same, on the objective of
      Goodfellow et al. 2014 Sec. 6 (alpha 0.5, epsilon 0.25), stopped early on the error on
      FGSM examples of the held-out images and retrained from the start on all 60,000 for the
      best epoch's count (Sec. 6).
    - Szegedy et al.'s models: their sizes and weight decays (Sec. 4.1, Table 1). The paper
      gives no optimiser and no stopping rule, only that the nets reach 0% training error
      (Table 1); ours: Adam at 1e-3, batch 128, until the training objective has not fallen by
      0.1% in 10 epochs (at most 500).
    - CIFAR-10: the convolutional maxout net (Goodfellow et al. 2013 Sec. 5.2, ``ConvMaxoutNet``)
      on global-contrast-normalised, ZCA-whitened images, ``_cifar_recipe``.

    What the papers got: Szegedy et al. Table 1 (test error 1.5-20%, average minimal L-BFGS
    distortion 0.058-0.14) and Table 2 (transfer 2-88%); Goodfellow et al.: FGSM at epsilon 0.25
    gives 99.9% error on softmax, 89.4% on maxout (0.94% clean); adversarial training takes
    maxout to 0.84% clean and 17.9% FGSM error; CIFAR-10 at epsilon 0.1: 87.15% error.

    Size: every MNIST model is a keyed job (``jobs``), carried from one session to the next
    (``KEEPS_STATE``; ``--stop-after``, then the same command). The CIFAR-10 maxout net is by far
    the largest cost (per epoch, about a thousand times the MNIST maxout net's on a CPU): on a
    CPU that stage is not run, and its claims say so with the time it would take there
    (``cifar.needs_gpu``); on a GPU it runs. The MNIST models' hours, from one epoch of each timed
    before the run: ``python -m replications.adversarial.estimate`` (published in
    site/results/estimates/, shown by ``nox -l`` and the page). A finished run's time is in its
    provenance.
    Command: ``nox -s replicate-adversarial`` (or ``python -m shared.cli replicate adversarial``).
    """
    converge = Recipe(
        optimiser="adam",
        batch_size=128,
        learning_rate=1e-3,
        learning_rate_schedule="constant",
        max_epochs=500,
        monitor="train_objective",
        patience=10,
        min_decrease=1e-3,
    )
    adversarial = replace(
        _maxout_recipe(), monitor="adversarial_valid_error", retrain="same_epochs"
    )
    return Config(
        softmax=converge,
        mlp=converge,
        autoencoder=converge,
        maxout=_maxout_recipe(),
        maxout_adversarial=adversarial,
        cifar_net="maxout",
        cifar=_cifar_recipe(),
    )


def cpu() -> Config:
    """A shortened run for a 2-core CPU: published, as ``cpu``, until a ``paper`` run replaces it.

    Every model is trained with Adam for a fixed number of epochs, the learning rate decayed
    from 1e-3 to 0 along a cosine (Loshchilov & Hutter 2017, no restarts), batch 128, no
    validation stage: 30 epochs for the softmax models, 50 for the MLPs, 25 for the
    autoencoder, 12 for each maxout net (flax's default initialisation, inverted dropout on the
    input, no max-norm). The CIFAR-10 stage attacks the alexnet replication's four-layer
    convnet after 2 epochs of SGD. The epoch counts fit a short run on a 2-core CPU, so most
    models, the maxout nets above all, stop short of convergence; the published run's time is in
    its provenance.

    Command: ``nox -s replicate-adversarial -- --profile cpu``.
    """

    def adam(epochs: int) -> Recipe:
        return Recipe(
            optimiser="adam",
            batch_size=128,
            learning_rate=1e-3,
            learning_rate_schedule="cosine",
            max_epochs=epochs,
        )

    return Config(
        softmax=adam(30),
        mlp=adam(50),
        autoencoder=adam(25),
        maxout_net=MaxoutNet(init_range=None, rescale_input=True),
        maxout=adam(12),
        maxout_adversarial=adam(12),
        cifar_net="four-layer",
    )


def smoke() -> Config:
    """Minutes on a 2-core CPU (about 5, loaded): tiny subsets, the ``paper`` recipes cut to a
    few epochs (every stopping rule and retraining stage runs); for the tests, not the site."""
    full = paper()

    def short(recipe: Recipe, **changes: object) -> Recipe:
        return replace(recipe, **{"max_epochs": 3, "patience": min(recipe.patience, 1), **changes})

    held_out = {"n_valid": 200, "batch_size": 50}
    return Config(
        n_train=1_000,
        n_test=500,
        softmax=short(full.softmax),
        mlp=short(full.mlp),
        autoencoder=short(full.autoencoder, max_epochs=1),
        # flax's default initialisation: at +-0.005 a 16-unit net learns nothing
        # in 3 epochs
        maxout_net=MaxoutNet(units=16, pieces=2, init_range=None),
        maxout=short(full.maxout, **held_out),
        maxout_adversarial=short(full.maxout_adversarial, **held_out),
        n_attack=12,
        attack_steps=4,
        attack_iter=20,
        attack_chunk=12,
        sweep=(0.0, 0.1, 0.25),
        n_svm_train=300,
        forest_trees=5,
        n_beyond=100,
        cifar_net="off",
    )


PROFILES = {"paper": paper, "cpu": cpu, "smoke": smoke}
# The profiles whose models are trained as jobs carried from one session to the next, their
# state kept in state/adversarial/<profile>-seed<S>/ (shared.jobs; see jobs.py).
KEEPS_STATE = ("paper",)
# The profile the site shows while no `paper` run is published: the recipes' run takes many
# CPU hours (its CIFAR-10 stage a GPU); the site needs numbers a CPU can re-make. Every page
# that shows them says so.
STAND_IN = "cpu"
