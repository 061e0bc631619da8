"""The perceptron replication: convergence and Novikoff's bound, a photo-perceptron, capacity."""

from __future__ import annotations

import jax
import numpy as np
import scipy.ndimage
from sklearn.datasets import load_digits
from tqdm import tqdm

from replications.perceptron.capacity import capacity_curve
from replications.perceptron.config import Config
from replications.perceptron.model import train_many_orders
from replications.perceptron.novikoff import check_task, pair_task
from replications.perceptron.photo import photo_perceptron_accuracy, retina
from replications.perceptron.tables import Capacity, NovikoffRow, PhotoRow, Tables
from shared.datasets import load_mnist
from shared.record import stage


def datasets(config: Config) -> tuple[str, ...]:
    """The data sets this profile loads (checked before the run starts)."""
    return ("mnist",) if config.mnist_pairs or config.photo_source == "mnist" else ()


def parse_pairs(text: str) -> list[tuple[int, int]]:
    if text == "all":
        return [(a, b) for a in range(10) for b in range(a + 1, 10)]
    return [tuple(int(d) for d in pair.split("-")) for pair in text.split(",") if pair]  # type: ignore[misc]


def novikoff_tasks(config: Config) -> list[tuple[str, np.ndarray, np.ndarray]]:
    digits = load_digits()
    tasks = [
        (f"digits {a} vs {b}", *pair_task(digits.images, digits.target, a, b, 16.0))
        for a, b in parse_pairs(config.digit_pairs)
    ]
    if config.mnist_pairs:
        mnist = load_mnist()
        tasks += [
            (f"MNIST {a} vs {b}", *pair_task(mnist.x_train, mnist.y_train, a, b, 255.0))
            for a, b in parse_pairs(config.mnist_pairs)
        ]
    return tasks


def padded(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, ...]:
    """Pad to a multiple of rows (masked out), so tasks of similar size share one compiled
    program."""
    multiple = 128 if len(y) < 2048 else 1024
    size = -(-len(y) // multiple) * multiple
    pad = size - len(y)
    return (
        np.pad(x, ((0, pad), (0, 0))).astype(np.float32),
        np.pad(y, (0, pad)).astype(np.float32),
        np.arange(size) < len(y),
    )


def run_novikoff(config: Config, key: jax.Array) -> tuple[list[NovikoffRow], list[str]]:
    """Claim (a): every order converges, and no run exceeds (R / gamma)^2 mistakes. Returns the
    rows of the separable tasks and the names of the others."""
    rows: list[NovikoffRow] = []
    skipped = []
    for index, (name, x, y) in enumerate(tqdm(novikoff_tasks(config), desc="Novikoff tasks")):
        task = check_task(name, x, y)
        if task is None:
            skipped.append(name)
            continue
        keys = jax.random.split(jax.random.fold_in(key, index), config.seeds)
        out = jax.device_get(train_many_orders(*padded(x, y), keys, config.max_epochs))
        mistakes = out["mistakes"]
        rows.append(
            {
                **task,
                "converged": float(out["converged"].mean()),
                "mistakes_mean": float(mistakes.mean()),
                "mistakes_max": int(mistakes.max()),
                "epochs_mean": float(out["epochs"].mean()),
                "within_bound": float((mistakes <= np.floor(task["bound"])).mean()),
                "worst_ratio": float(mistakes.max() / task["bound"]),
            }
        )
    return rows, skipped


def photo_data(config: Config) -> tuple[np.ndarray, ...]:
    if config.photo_source == "mnist":
        mnist = load_mnist()
        return (
            retina(mnist.x_train[: config.photo_train]),
            mnist.y_train[: config.photo_train],
            retina(mnist.x_test[: config.photo_test]),
            mnist.y_test[: config.photo_test],
        )
    # scikit-learn's 8x8 digits blown up onto the 20x20 retina (no download: the smoke profile).
    digits = load_digits()
    big = scipy.ndimage.zoom(digits.images, (1, 2.5, 2.5), order=1)
    s = (big > 6).reshape(len(big), 400).astype(np.float32)
    cut = config.photo_train
    return (
        s[:cut],
        digits.target[:cut],
        s[cut : cut + config.photo_test],
        digits.target[cut : cut + config.photo_test],
    )


def run_photo(config: Config, key: jax.Array) -> list[PhotoRow]:
    """Claim (b): fixed random A-units + trained R-units learn to tell digits apart."""
    s_train, y_train, s_test, y_test = photo_data(config)
    rows: list[PhotoRow] = []
    for n_a in tqdm(config.a_units, desc="photo-perceptron A-units"):
        accuracy = jax.vmap(
            lambda k, n_a=n_a: photo_perceptron_accuracy(
                k,
                s_train,
                y_train,
                s_test,
                y_test,
                n_a=n_a,
                epochs=config.photo_epochs,
                n_excitatory=config.excitatory,
                n_inhibitory=config.inhibitory,
                threshold=config.threshold,
            )
        )(jax.random.split(jax.random.fold_in(key, n_a), config.seeds))
        accuracy = np.asarray(accuracy)
        rows.append(
            {
                "a_units": n_a,
                "accuracy_mean": float(accuracy.mean()),
                "accuracy_std": float(accuracy.std(ddof=1)) if len(accuracy) > 1 else 0.0,
                "accuracies": accuracy.tolist(),
            }
        )
    return rows


def run_capacity(config: Config, key: jax.Array) -> Capacity:
    """Claim (c): the separable and the learned fractions against Cover's formula."""
    rows = capacity_curve(
        key,
        config.capacity_dim,
        list(config.capacity_sizes),
        config.capacity_trials,
        config.capacity_max_epochs,
    )
    return {
        "N": config.capacity_dim,
        "trials": config.capacity_trials,
        "max_epochs": config.capacity_max_epochs,
        "rows": rows,
    }


def run(config: Config, *, key: jax.Array) -> Tables:
    """The three experiments of the perceptron replication from one key (``jax.random.key(seed)``
    for the base seed); ``measure.measure`` grades the tables."""
    with stage("novikoff"):
        novikoff, skipped = run_novikoff(config, jax.random.fold_in(key, 1))
    with stage("photo_perceptron"):
        photo = run_photo(config, jax.random.fold_in(key, 2))
    with stage("capacity"):
        capacity = run_capacity(config, jax.random.fold_in(key, 3))
    return {
        "seeds": config.seeds,
        "novikoff": novikoff,
        "novikoff_not_separable": skipped,
        "photo": photo,
        "capacity": capacity,
    }
