"""The six methods, each a thin adapter over the model of its own replication (no second
implementation): fit on a problem's training part, return a scorer: (inputs, labels) -> error
rate. A scorer, not one test error, so that one trained model is also scored on a second test
set (MNIST digits shifted by a pixel) without training it again.

Every method gets the same inputs (pixels in [0, 1], tabular inputs standardised) and one
fixed recipe for every problem, chosen before the run and stated in ``config.py``: no
per-problem tuning, which would favour whoever is tuned hardest.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import nnx

from replications.alexnet import FourLayerNet, subtract_mean
from replications.backprop import Layer, Net, error_gradient, forward, init_glorot
from replications.no_silver_bullet.config import Config
from replications.no_silver_bullet.problems import Problem
from replications.perceptron import train_perceptron
from replications.random_forest import boost, default_features, grow_forest
from replications.svm import fit_svm, one_vs_rest, scale_inputs
from shared.errors import HypeError
from shared.training import Stepper, paper_sgd

Scorer = Callable[[np.ndarray, np.ndarray], float]
Fit = Callable[[Problem, Config, int], Scorer]


@dataclass(frozen=True)
class Method:
    name: str
    title: str
    year: int
    fit: Fit  # (problem, config, seed) -> scorer of the trained model
    images_only: bool = False

    def applies(self, problem: Problem) -> bool:
        return problem.image or not self.images_only


def with_bias(x: np.ndarray) -> np.ndarray:
    return np.hstack([x, np.ones((len(x), 1), x.dtype)])


def flat(x: np.ndarray) -> np.ndarray:
    return x.reshape(len(x), -1)


def scorer(predict: Callable[[np.ndarray], np.ndarray]) -> Scorer:
    """(inputs, labels) -> fraction misclassified, inputs flattened for ``predict``."""
    return lambda x, y: float(np.mean(predict(flat(x)) != y))


def signed_targets(problem: Problem) -> np.ndarray:
    """(machines, n) targets in {-1, +1}: one per class, or one machine for two classes."""
    if problem.classes > 2:
        return one_vs_rest(problem.y_train, problem.classes)
    return np.where(problem.y_train[None] == 1, 1.0, -1.0).astype(np.float32)


def decide(out: np.ndarray, threshold: float = 0.0) -> np.ndarray:
    """The class of the largest output, or output > threshold for a single unit."""
    return out.argmax(1) if out.shape[1] > 1 else (out[:, 0] > threshold).astype(np.int32)


@partial(jax.jit, static_argnames="max_epochs")
def _perceptrons(x: jax.Array, targets: jax.Array, keys: jax.Array, max_epochs: int) -> jax.Array:
    valid = jnp.ones(x.shape[0], bool)
    return jax.vmap(lambda y, k: train_perceptron(x, y, valid, key=k, max_epochs=max_epochs)["w"])(
        targets, keys
    )


def perceptron(problem: Problem, config: Config, seed: int) -> Scorer:
    """Rosenblatt's rule (replications/perceptron), one unit per class (one unit for two classes),
    each run until an error-free epoch or ``perceptron_epochs``; the largest output wins."""
    targets = signed_targets(problem)
    keys = jax.random.split(jax.random.key(seed), len(targets))
    w = np.asarray(
        _perceptrons(
            jnp.asarray(with_bias(flat(problem.x_train))),
            jnp.asarray(targets),
            keys,
            config.perceptron_epochs,
        )
    )
    return scorer(lambda x: decide(with_bias(x) @ w.T))


def _mlp_net(inputs: int, hidden: int, outputs: int) -> Net:
    return Net(
        inputs=(("in", inputs),),
        layers=(Layer("hidden", hidden, ("in",)), Layer("out", outputs, ("hidden",))),
    )


@partial(jax.jit, static_argnames=("net", "batch_size", "updates"))
def _train_mlp(
    net: Net,
    x: jax.Array,
    targets: jax.Array,
    key: jax.Array,
    *,
    batch_size: int,
    updates: int,
    learning_rate: float,
    alpha: float,
) -> dict:
    params = init_glorot(net, key=jax.random.fold_in(key, 0))
    per_epoch = x.shape[0] // batch_size
    epochs = -(-updates // per_epoch)
    orders = jax.vmap(lambda e: jax.random.permutation(jax.random.fold_in(key, 1 + e), x.shape[0]))(
        jnp.arange(epochs)
    )
    ones = jnp.ones(batch_size)

    def step(carry, t):
        params, previous = carry
        idx = jax.lax.dynamic_slice(
            orders[t // per_epoch], ((t % per_epoch) * batch_size,), (batch_size,)
        )
        grads, _ = error_gradient(net, params, {"in": x[idx]}, targets[idx], ones)
        change = jax.tree.map(
            lambda g, d: -learning_rate * g / batch_size + alpha * d, grads, previous
        )  # Nature eq. 9
        return (jax.tree.map(jnp.add, params, change), change), None

    (params, _), _ = jax.lax.scan(
        step, (params, jax.tree.map(jnp.zeros_like, params)), jnp.arange(updates)
    )
    return params


def mlp(problem: Problem, config: Config, seed: int) -> Scorer:
    """Back-propagation as Rumelhart, Hinton & Williams (1986) give it (replications/backprop's
    generalized delta rule: logistic units, squared error, momentum, eq. 9), one hidden layer,
    on mini-batches of ``mlp_batch_size`` cases (the whole set when it is smaller, as in the
    paper)."""
    x_train = flat(problem.x_train)
    outputs = problem.classes if problem.classes > 2 else 1
    targets = (
        np.eye(outputs, dtype=np.float32)[problem.y_train]
        if outputs > 1
        else problem.y_train[:, None].astype(np.float32)
    )
    batch_size = min(config.mlp_batch_size, len(x_train))
    updates = max(config.mlp_epochs * (len(x_train) // batch_size), config.mlp_min_updates)
    net = _mlp_net(x_train.shape[1], config.mlp_hidden, outputs)
    params = _train_mlp(
        net,
        jnp.asarray(x_train),
        jnp.asarray(targets),
        jax.random.key(seed),
        batch_size=batch_size,
        updates=updates,
        learning_rate=config.mlp_learning_rate,
        alpha=config.mlp_momentum,
    )
    if not all(bool(jnp.all(jnp.isfinite(leaf))) for leaf in jax.tree.leaves(params)):
        raise HypeError(
            f"the MLP diverged on {problem.name} (non-finite weights)",
            "lower mlp_learning_rate in config.py",
        )
    return scorer(
        lambda x: decide(np.asarray(forward(net, params, {"in": jnp.asarray(x)})["out"]), 0.5)
    )


def svm(problem: Problem, config: Config, seed: int) -> Scorer:
    """Cortes & Vapnik's (1995) soft-margin machine with the polynomial kernel (u.v + 1)^d,
    replications/svm's JAX solver, one machine per class (one for two classes), fixed C;
    inputs scaled by replications/svm's rule (training-set RMS norm 1)."""
    x_train, _, scale = scale_inputs(problem.x_train, problem.x_train[:1])
    machines = fit_svm(x_train, signed_targets(problem), config.svm_degree, config.svm_C, seed=seed)
    return scorer(lambda x: decide(machines.decision(x.astype(np.float32) / scale)))


def forest(problem: Problem, config: Config, seed: int) -> Scorer:
    """Breiman's (2001) Forest-RI, replications/random_forest's scikit-learn setup: 100 trees,
    F = int(log2 M + 1) inputs tried per node."""
    x_train = flat(problem.x_train)
    grown = grow_forest(
        x_train,
        problem.y_train,
        features=default_features(x_train.shape[1]),
        trees=config.forest_trees,
        random_state=seed,
    )
    return scorer(grown.predict)


def adaboost(problem: Problem, config: Config, seed: int) -> Scorer:
    """AdaBoost.M1 over unpruned CART (replications/random_forest), ``boost_rounds`` trees."""
    committee = boost(
        flat(problem.x_train),
        problem.y_train,
        trees=config.boost_rounds,
        random_state=seed,
        classes=problem.classes,
    )
    return scorer(committee.predict)


def batches(n: int, batch_size: int, count: int, key: jax.Array) -> Iterator[np.ndarray]:
    """``count`` batches of indices from one fresh permutation of the ``n`` cases per epoch,
    epochs running into each other (so a batch may span two epochs when ``n`` < ``batch_size``)."""
    stream, epoch = np.empty(0, np.int64), 0
    for _ in range(count):
        while len(stream) < batch_size:
            stream = np.concatenate(
                [stream, np.asarray(jax.random.permutation(jax.random.fold_in(key, epoch), n))]
            )
            epoch += 1
        yield stream[:batch_size]
        stream = stream[batch_size:]


def as_cnn_images(x: np.ndarray) -> np.ndarray:
    """[0, 1] images -> the 32x32x3, 0-255 input of the four-layer net: 28x28 padded by 2 (as
    LeNet-5 padded MNIST), 16x16 repeated 2x2, one grey channel copied to three."""
    if x.shape[1] == 16:
        x = x.repeat(2, axis=1).repeat(2, axis=2)
    if x.shape[1] == 28:
        x = np.pad(x, ((0, 0), (2, 2), (2, 2), (0, 0)))
    if x.shape[-1] == 1:
        x = np.repeat(x, 3, axis=-1)
    if x.shape[1:] != (32, 32, 3):
        raise HypeError(
            f"the CNN takes 32x32 images, got {x.shape[1:]}", "add a resize for this shape"
        )
    return (x * 255.0).astype(np.float32)


def cnn(problem: Problem, config: Config, seed: int) -> Scorer:
    """The four-layer ReLU net of replications/alexnet (Fig. 1's net, after cuda-convnet) on
    mean-subtracted 0-255 pixels (AlexNet §2), trained by ``cnn_optimiser`` (config.py says why
    Adam and not the paper's SGD), ``cnn_epochs`` epochs of ``cnn_batch_size`` images."""
    x_train = as_cnn_images(problem.x_train)
    key = jax.random.key(seed)
    model = FourLayerNet(activation="relu", rngs=nnx.Rngs(params=jax.random.fold_in(key, 0)))
    optimiser = (
        optax.adam(config.cnn_learning_rate)
        if config.cnn_optimiser == "adam"
        else paper_sgd(learning_rate=config.cnn_learning_rate)
    )
    stepper = Stepper(
        model,
        optimiser,
        preprocess=subtract_mean,
        aux=jnp.asarray(x_train.mean(0)),
        cache_key=("no_silver_bullet", config.cnn_optimiser, config.cnn_learning_rate),
    )
    batch_size = (
        config.cnn_batch_size
    )  # one batch shape for every training-set size: one compilation
    stepper.check_batch(batch_size)
    updates = max(config.cnn_epochs * len(x_train) // batch_size, config.cnn_min_updates)
    for t, idx in enumerate(batches(len(x_train), batch_size, updates, jax.random.fold_in(key, 1))):
        loss, _ = stepper.train(
            x_train[idx], problem.y_train[idx], jax.random.fold_in(key, 10_000 + t)
        )
    if not math.isfinite(float(loss)):
        raise HypeError(
            f"the CNN diverged on {problem.name} (loss {float(loss)})",
            "lower cnn_learning_rate in config.py",
        )
    return lambda x, y: stepper.error_rate(as_cnn_images(x), y)


METHODS = {
    m.name: m
    for m in (
        Method("perceptron", "Perceptron", 1958, perceptron),
        Method("mlp", "MLP, backprop", 1986, mlp),
        Method("svm", "SVM, polynomial", 1995, svm),
        Method("forest", "Random forest", 2001, forest),
        Method("adaboost", "AdaBoost", 1996, adaboost),
        Method("cnn", "CNN (ReLU)", 2012, cnn, images_only=True),
    )
}
