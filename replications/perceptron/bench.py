"""``nox -s bench -- perceptron``: the error-correction rule over many runs, our jitted and
vmapped rule against scikit-learn's ``Perceptron`` fitted once per run in a loop, in one run.

Two pieces of the ``paper`` profile, each on the same data both sides:

- **Novikoff** (claim a; Rosenblatt 1962 ch. 5, Novikoff 1962): the rule from w = 0, learning
  rate 1, a bias input fixed at 1, over 100 presentation orders of the profile's slowest pair,
  MNIST 6 vs 9 (11,867 digits, 785 inputs), each order until an epoch without a mistake. Ours:
  ``model.train_many_orders`` as ``experiment.run_novikoff`` calls it (padded rows, every order
  in one program, the orders that have converged frozen while the others go on). scikit-learn:
  one ``Perceptron`` fit per order, given the number of epochs our run of that order took
  (``max_iter``, ``tol=None``: it runs them all), so both sides make the same presentations;
- **photo-perceptron** (claim b; Rosenblatt 1958, pp. 389-392): ten R-units (one per digit, one
  against the rest) trained for 5 epochs on 10,000 MNIST digits through 512 fixed random A-units
  (the Mark I's count), then scored on 10,000 test digits, for 100 random wirings. Ours:
  ``photo.photo_perceptron_accuracy`` vmapped over the wirings as ``experiment.run_photo`` does
  (the A-units computed inside). scikit-learn: for each wiring, the same A-units computed with
  numpy, a multiclass ``Perceptron`` (one-vs-rest: the same ten R-units), its test accuracy.

scikit-learn's ``Perceptron`` is the same rule (a mistake when y (w . x) <= 0, then w += y x):
``penalty=None``, ``eta0=1``, ``tol=None``, no early stopping, float32 as ours. It draws a
fresh order each epoch, as ours, but from its own generator (``shuffle=True``,
``random_state`` the run's index), so its mistakes differ from ours while the presentations
are as many; and its one-vs-rest R-units each get their own order where ours share one. The
bias: Novikoff's inputs carry the bias input (``fit_intercept=False``); for the photo-perceptron
``fit_intercept=True``, which updates the intercept as a weight from an always-on input would
be. Each figure is the median over rounds that alternate between the sides (so other work on a
shared machine slows both alike), after a warm-up that compiles ours. scikit-learn fits on one
core (``n_jobs=None``). Not timed: loading the data and drawing the wirings for
scikit-learn (ours draws its own inside the program: a negligible scatter).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import jax
import numpy as np
import sklearn
from sklearn.linear_model import Perceptron

from replications.perceptron.config import Config, paper
from replications.perceptron.experiment import novikoff_tasks, padded, photo_data
from replications.perceptron.model import train_many_orders
from replications.perceptron.photo import photo_perceptron_accuracy, wiring
from shared.bench import alternating_rounds, seconds_row
from shared.provenance import device_info

A_UNITS = 512  # the Mark I's count, the middle of the profile's ladder
PAIRS = {"mnist": "6-9", "digits": "1-8"}  # the slowest pair of each source in the paper run


def novikoff_work(
    config: Config, source: str, orders: int, n_train: int | None
) -> tuple[str, dict[str, Callable[[], Any]], dict[str, Any], tuple[np.ndarray, np.ndarray]]:
    """The task's name, ``{"ours", "sklearn"}`` training the orders, its sizes and data."""
    mnist, digits = (PAIRS["mnist"], "") if source == "mnist" else ("", PAIRS["digits"])
    ((name, x, y),) = novikoff_tasks(replace(config, digit_pairs=digits, mnist_pairs=mnist))
    x, y = x[:n_train].astype(np.float32), y[:n_train].astype(np.float32)
    keys = jax.random.split(jax.random.key(0), orders)
    rows = padded(x, y)
    ours_out = jax.device_get(train_many_orders(*rows, keys, config.max_epochs))  # compiles
    epochs = ours_out["epochs"]

    def ours() -> dict[str, Any]:
        return jax.device_get(train_many_orders(*rows, keys, config.max_epochs))

    def theirs() -> list[Perceptron]:
        return [
            Perceptron(
                penalty=None,
                eta0=1.0,
                fit_intercept=False,  # the inputs carry the bias input
                max_iter=int(epochs[i]),
                tol=None,
                shuffle=True,
                random_state=i,
            ).fit(x, y)
            for i in range(orders)
        ]

    sizes = {
        "task": name,
        "examples": len(y),
        "inputs": x.shape[1],
        "orders": orders,
        "epochs_per_order_mean": float(epochs.mean()),
        "epochs_total": int(epochs.sum()),
        "ours_epochs_computed": int(epochs.max()) * orders,  # the batch runs to its slowest order
        "ours_converged": float(ours_out["converged"].mean()),
        "ours_mistakes_mean": float(ours_out["mistakes"].mean()),
    }
    return name, {"ours": ours, "sklearn": theirs}, sizes, (x, y)


def photo_work(
    config: Config, wirings: int, a_units: int
) -> tuple[dict[str, Callable[[], Any]], dict[str, Any]]:
    """``{"ours", "sklearn"}`` training and scoring the wirings' photo-perceptrons, and sizes."""
    s_train, y_train, s_test, y_test = photo_data(config)
    keys = jax.random.split(jax.random.key(1), wirings)
    settings = dict(
        n_a=a_units,
        epochs=config.photo_epochs,
        n_excitatory=config.excitatory,
        n_inhibitory=config.inhibitory,
        threshold=config.threshold,
    )

    def ours() -> np.ndarray:  # as experiment.run_photo
        return np.asarray(
            jax.vmap(
                lambda k: photo_perceptron_accuracy(k, s_train, y_train, s_test, y_test, **settings)
            )(keys)
        )

    matrices = [  # the same wirings as ours (photo_perceptron_accuracy's key for them)
        np.asarray(wiring(jax.random.fold_in(k, 0), a_units, config.excitatory, config.inhibitory))
        for k in keys
    ]

    def theirs() -> np.ndarray:
        accuracies = []
        for i, matrix in enumerate(matrices):
            a_train = (s_train @ matrix >= config.threshold).astype(np.float32)
            a_test = (s_test @ matrix >= config.threshold).astype(np.float32)
            fitted = Perceptron(
                penalty=None,
                eta0=1.0,
                fit_intercept=True,
                max_iter=config.photo_epochs,
                tol=None,
                shuffle=True,
                random_state=i,
            ).fit(a_train, y_train)
            accuracies.append(fitted.score(a_test, y_test))
        return np.array(accuracies)

    sizes = {
        "source": config.photo_source,
        "train": len(y_train),
        "test": len(y_test),
        "retina": s_train.shape[1],
        "a_units": a_units,
        "r_units": 10,
        "trained_weights": (a_units + 1) * 10,  # ten R-units, each with its bias
        "epochs": config.photo_epochs,
        "wirings": wirings,
    }
    return {"ours": ours, "sklearn": theirs}, sizes


def run(
    rounds: int = 3,
    orders: int | None = None,
    wirings: int | None = None,
    a_units: int = A_UNITS,
    source: str = "mnist",
    n_train: int | None = None,
) -> dict[str, Any]:
    """Median seconds of both pieces of work, both sides.

    ``orders``, ``wirings``: default the ``paper`` profile's 100 of each; ``source``: "mnist"
    (the profile's) or "digits" (scikit-learn's 8x8 digits, pair 1 vs 8, and the smoke
    profile's photo-perceptron data: no download); ``n_train``: at most this many training
    examples in both pieces (default: all, and the photo-perceptron's 10,000).
    """
    config = paper()
    if source == "digits":
        config = replace(config, photo_source="digits", photo_train=1000, photo_test=797)
    if n_train is not None:
        config = replace(
            config,
            photo_train=min(n_train, config.photo_train),
            photo_test=min(n_train, config.photo_test),
        )
    orders, wirings = orders or config.seeds, wirings or config.seeds
    name, novikoff, novikoff_sizes, data = novikoff_work(config, source, orders, n_train)
    photo, photo_sizes = photo_work(config, wirings, a_units)
    works = {
        "ours_novikoff": novikoff["ours"],
        "sklearn_novikoff": novikoff["sklearn"],
        "ours_photo": photo["ours"],
        "sklearn_photo": photo["sklearn"],
    }
    works["ours_photo"]()  # warm-up: compiles ours (Novikoff's compiled above)
    median, measured, results = alternating_rounds(works, rounds)
    peer = f"scikit-learn {sklearn.__version__} Perceptron, one core"

    def row(what: str, piece: str) -> dict[str, Any]:
        return seconds_row(what, median[f"ours_{piece}"], median[f"sklearn_{piece}"], peer)

    n = novikoff_sizes
    p = photo_sizes
    fits = results["sklearn_novikoff"]
    return {
        "ratios": [
            row(
                f"{name} ({n['examples']:,} examples), {orders} orders until an epoch without a "
                f"mistake ({n['epochs_total']:,} epochs in all)",
                "novikoff",
            ),
            row(
                f"photo-perceptron, {p['a_units']} A-units, {p['epochs']} epochs on "
                f"{p['train']:,} digits and a test on {p['test']:,}, {wirings} wirings",
                "photo",
            ),
        ],
        "what": (
            "the perceptron rule (mistake: y (w . x) <= 0; then w += y x), learning rate 1, "
            "weights from 0, no regularisation; scikit-learn fitted once per run in a loop, "
            "given the same epochs"
        ),
        "novikoff": {
            **n,
            "sklearn_epochs_total": int(sum(fit.n_iter_ for fit in fits)),
            # its own orders: not every fit ends on an epoch without a mistake, as ours do
            "sklearn_separating_fraction": float(np.mean([fit.score(*data) == 1 for fit in fits])),
        },
        "photo": {
            **p,
            "ours_accuracy_mean": float(results["ours_photo"].mean()),
            "sklearn_accuracy_mean": float(results["sklearn_photo"].mean()),
        },
        "rounds_seconds": measured,
        "sklearn": f"scikit-learn {sklearn.__version__} Perceptron, one core (n_jobs=None)",
        "device": device_info(),
        "load_average_1_5_15_min": list(os.getloadavg()),  # other work slows both sides
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=1))
