"""Profiles of the adversarial-examples replication.

Threat model: pixels in [0, 1], any normalisation inside the model, epsilon and the
RMS distortion in those units.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Config:
    """Everything a run depends on (the seed aside).

    Model sizes and weight decays are the papers' (Szegedy et al. Table 1 and Sec. 4.2;
    Goodfellow et al. Sec. 6 after Goodfellow et al. 2013). Optimiser, learning rate, batch
    size and epochs are not in the papers: ours are below (Adam, cosine decay of the rate to 0
    over each model's epochs, batch 128).

    Epochs: the papers trained to convergence (Szegedy's FC nets reach 0% training error), so
    the paper profile trains each model as long as the run's budget allows, about 25 minutes
    of an idle 2-core CPU. The per-epoch costs that set them were measured (CPU seconds per
    epoch of 60,000 images, AMD EPYC, JAX on the CPU, jit compilation excluded): softmax 0.3,
    FC100-100-10 1.2, FC200-200-10 ~2, FC123-456-10 on a 30k half ~1.2, the 400-unit
    autoencoder ~4, the maxout net ~9 and ~22 adversarially trained; the CIFAR-10 convnet
    0.58 s per batch of 128. Hence ``epochs_mlp`` 50 (FC100-100-10 reaches 0.13% training
    error at 40, measured), ``epochs_softmax`` 30, ``epochs_autoencoder`` 25, and the rest of
    the budget to the maxout pair: ``epochs_maxout`` 12 (the maxout paper's recipe runs for
    hundreds of epochs, so these two stay the least converged). The L-BFGS attacks, the
    sweeps and the SVM/forest cost about as much again as the training; see ``paper()``.
    """

    n_train: int = 60_000  # MNIST training images used (all 60k in the paper profile)
    n_test: int = 10_000
    batch: int = 128
    lr: float = 1e-3  # Adam's initial rate, every model (cosine decay to 0)
    epochs_softmax: int = 30  # FC10(lambda), and the softmax on AE400's frozen codes
    epochs_mlp: int = 50  # FC100-100-10, FC200-200-10, FC123-456-10
    epochs_autoencoder: int = 25  # unsupervised pre-training of AE400 (sparse autoencoder)
    epochs_maxout: int = 12  # Goodfellow et al. maxout, baseline and adversarially trained
    maxout_units: int = 240
    maxout_pieces: int = 5
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
    # Goodfellow et al. Sec. 4, CIFAR-10 at epsilon 0.1: the alexnet replication's four-layer
    # convnet, briefly trained (cifar.py). 0 epochs: the stage is skipped (smoke: tests never
    # load CIFAR-10).
    cifar_epochs: int = 2  # 780 steps at 0.58 CPU-s each: about 7.5 CPU-minutes
    cifar_lr: float = 0.01  # the alexnet replication's Sec. 5 rate (SGD, momentum 0.9, weight decay 5e-4)
    cifar_n_train: int = 50_000


def paper() -> Config:
    """The papers' models on all of MNIST (60k train, 10k test).

    What the papers got: Szegedy et al. Table 1 (test error 1.5-20%, average minimal
    L-BFGS distortion 0.058-0.14) and Table 2 (transfer 2-88%); Goodfellow et al.: FGSM at
    epsilon 0.25 gives 99.9% error on softmax, 89.4% on maxout; adversarial training takes
    maxout from 89.4% to 17.9% adversarial error.

    Goodfellow et al. on CIFAR-10: FGSM at epsilon 0.1 gives 87.15% error (96.6% confidence).

    Runtime: 25 min (1,517 s) measured on a 2-core AMD EPYC CPU (commit 54a691c, alone under
    the run lock, but other unlocked jobs took up to about one core for its first ten
    minutes): training the Table 1 models 277 s, their L-BFGS attacks 168 s, the Table 3-4
    models and attacks 200 s, the maxout pair and the FGSM sweeps 328 s, the SVMs and the
    forest 49 s, and the CIFAR-10 stage 495 s (loading the JPEG-degraded copy, 2 epochs of
    the convnet, FGSM on the 10,000 test images). The previous epochs (8 softmax, 12 MLP,
    8 autoencoder, 6 maxout, constant rate) took 37 min at load ~15, without CIFAR-10.
    GPU: not measured (no GPU was lent); a few minutes expected.
    Command: ``nox -s replicate-adversarial`` (or ``python -m shared.cli replicate adversarial``).
    """
    return Config()


def smoke() -> Config:
    """Seconds on a CPU: tiny subsets and few epochs; for the tests, not for the site."""
    return Config(n_train=1_000, n_test=500, epochs_softmax=2, epochs_mlp=2, epochs_autoencoder=1,
                  epochs_maxout=1, maxout_units=16, maxout_pieces=2, n_attack=12, attack_steps=4,
                  attack_iter=20, attack_chunk=12, sweep=(0.0, 0.1, 0.25), n_svm_train=300,
                  forest_trees=5, n_beyond=100, cifar_epochs=0)


PROFILES = {"paper": paper, "smoke": smoke}
