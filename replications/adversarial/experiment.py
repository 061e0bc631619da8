"""run(config, key=jax.random.key(S)) -> Tables: Szegedy et al. Tables 1-4, Goodfellow et al.
FGSM and adversarial training, and the transfer to an SVM and a random forest, on MNIST.

Threat model: pixels in [0, 1]; epsilon and RMS distortion in those units.
"""

from __future__ import annotations

import jax
import numpy as np

from replications.adversarial.beyond import run_beyond
from replications.adversarial.cifar import run_cifar
from replications.adversarial.config import Config
from replications.adversarial.goodfellow import adversarial_training, robustness_curves
from replications.adversarial.szegedy import (
    NOISE_TABLE2,
    NOISE_TABLE4,
    cross_table,
    noise_readings,
    table1,
    table3,
    train_table1_models,
    train_table3_models,
)
from replications.adversarial.tables import TABLE3, Tables
from shared.datasets import load_mnist
from shared.datasets.cifar10 import load_cifar10
from shared.record import stage
from shared.seeds import base_seed

CIFAR_OFF = (
    "CIFAR-10 stage off in this profile (cifar_net 'off'): the smoke profile never loads CIFAR-10"
)


def datasets(config: Config) -> tuple[str, ...]:
    """MNIST always; CIFAR-10 when the profile runs the CIFAR-10 stage (checked before the run)."""
    return ("mnist", "cifar10") if config.cifar_net != "off" else ("mnist",)


def mnist(config: Config) -> dict[str, np.ndarray]:
    """MNIST as flat float32 pixels in [0, 1] (the threat model's units)."""
    d = load_mnist()
    flat = lambda a, n: a[:n].reshape(len(a[:n]), -1).astype(np.float32) / 255.0  # noqa: E731
    data = {
        "x_train": flat(d.x_train, config.n_train),
        "y_train": d.y_train[: config.n_train],
        "x_test": flat(d.x_test, config.n_test),
        "y_test": d.y_test[: config.n_test],
    }
    return data


def example_images(
    x: np.ndarray, y: np.ndarray, adv: dict[str, np.ndarray], models: dict, n: int = 4
) -> dict:
    """The first ``n`` test digits, their adversarial versions and predicted labels, for the
    figure."""
    from replications.adversarial.train import predict

    rows = {}
    for name, x_adv in adv.items():
        f = models[name]
        rows[name] = {
            "adversarial": np.round(x_adv[:n], 4).tolist(),
            "predicted": predict(f, x_adv[:n]).argmax(1).tolist(),
            "confidence": np.round(predict(f, x_adv[:n]).max(1), 4).tolist(),
            "clean_predicted": predict(f, x[:n]).argmax(1).tolist(),
        }
    return {"clean": np.round(x[:n], 4).tolist(), "labels": y[:n].tolist(), "attacks": rows}


# float32 products on a GPU too (NVIDIA GPUs default to TF32, ~3 significant digits), so that a
# GPU run's minimal distortions and verdicts can match a CPU run's; no effect on a CPU.
MATMUL_PRECISION = "highest"


def run(config: Config, *, key: jax.Array) -> Tables:
    """Train every model and attack them; ``measure.measure`` grades the tables. ``key`` is
    ``jax.random.key(S)``; the scikit-learn models of ``beyond`` take the base seed S."""
    with jax.default_matmul_precision(MATMUL_PRECISION):
        return _run(config, key=key)


def _run(config: Config, *, key: jax.Array) -> Tables:
    seed = base_seed(key)
    with stage("data"):
        data = mnist(config)
    with stage("szegedy_train"):
        models, logs = train_table1_models(
            data["x_train"], data["y_train"], config, jax.random.fold_in(key, 1)
        )
    with stage("szegedy_attack"):
        pick = np.asarray(jax.random.permutation(jax.random.fold_in(key, 2), len(data["x_train"])))[
            : config.n_attack
        ]
        x2, y2 = data["x_train"][pick], data["y_train"][pick]
        cross2, _ = cross_table(models, x2, y2, config, jax.random.fold_in(key, 3), NOISE_TABLE2)
        t1 = table1(models, data, cross2)
        # the key of cross_table's noise rows: the graded reading's rows are those very images
        readings = {
            "table2": noise_readings(models, x2, y2, NOISE_TABLE2, jax.random.fold_in(key, 3))
        }
    with stage("cross_training_set"):
        models3, logs3 = train_table3_models(data, config, jax.random.fold_in(key, 4))
        t3 = table3(models3, data, jax.random.fold_in(key, 4))
        pick_t = np.asarray(
            jax.random.permutation(jax.random.fold_in(key, 5), len(data["x_test"]))
        )[: config.n_attack]
        x4, y4 = data["x_test"][pick_t], data["y_test"][pick_t]
        cross4, adv4 = cross_table(
            models3, x4, y4, config, jax.random.fold_in(key, 6), NOISE_TABLE4, magnified=0.1
        )
        readings["table4"] = noise_readings(
            models3, x4, y4, NOISE_TABLE4, jax.random.fold_in(key, 6)
        )
    with stage("goodfellow"):
        fg, nets, fgsm_adv, logs_maxout = adversarial_training(
            data, models["FC10(1e-4)"], config, jax.random.fold_in(key, 7)
        )
        curve_models = {**nets, "FC100-100-10": models["FC100-100-10"]}
        curves = robustness_curves(curve_models, data["x_test"], data["y_test"], config.sweep)
        examples = example_images(data["x_test"], data["y_test"], fgsm_adv, nets)
    with stage("beyond"):
        beyond = run_beyond(
            data,
            {"softmax": nets["softmax"], "maxout": nets["maxout"]},
            (x4, adv4[TABLE3[0]].x_adv, y4),
            config,
            seed,
            jax.random.fold_in(key, 8),
        )
    cifar: dict = {"error": None, "note": CIFAR_OFF}
    if config.cifar_net != "off":
        with stage("cifar"):
            cifar_data = load_cifar10()
            cifar = run_cifar(cifar_data, config, jax.random.fold_in(key, 9))
    return {
        "table1": t1,
        "table2": cross2,
        "table3": t3,
        "table4": cross4,
        "fgsm": fg,
        "robustness": curves,
        "examples": examples,
        "beyond": beyond,
        "cifar": cifar,
        "noise_readings": readings,
        "matmul_precision": MATMUL_PRECISION,
        "training": {**logs, **logs3, **logs_maxout},
        "sizes": {
            "n_attack": config.n_attack,
            "n_train": len(data["x_train"]),
            "n_test": len(data["x_test"]),
        },
    }
