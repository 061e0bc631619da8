"""Training and evaluation: one jitted ``lax.scan`` per epoch, Adam (optax), optional FGSM training.

The papers do not state optimiser, learning rate or batch size (Goodfellow et al. 2014,
gap list in our notes); we use Adam with a fixed learning rate for every model and say so
on the page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import nnx

from replications.adversarial.attacks import fgsm

Logits = Callable[[jax.Array], jax.Array]


def cross_entropy(logits: jax.Array, labels: jax.Array) -> jax.Array:
    return optax.softmax_cross_entropy_with_integer_labels(logits, labels).mean()


Objective = Callable[[nnx.Module, jax.Array, jax.Array, jax.Array], jax.Array]


def fit(model: nnx.Module, x: np.ndarray, y: np.ndarray, *, epochs: int, batch: int, lr: float,
        key: jax.Array, adversarial: tuple[float, float] | None = None,
        objective: Objective | None = None) -> nnx.Module:
    """Train ``model`` in place on ``(x, y)`` with Adam; returns it.

    The learning rate starts at ``lr`` and follows a cosine decay to 0 over the ``epochs``
    (Loshchilov & Hutter 2017's schedule without restarts): the last epochs settle into a
    minimum instead of hovering around it at a constant rate, which is what takes the MLPs
    to the papers' 0% training error in a CPU budget.

    The loss is the mean cross-entropy plus ``model.penalty()`` (weight decay), or
    ``objective(model, x_batch, y_batch, dropout_key)`` when given (the autoencoder).

    ``adversarial=(epsilon, alpha)`` trains on Goodfellow et al.'s objective (Sec. 6, eq. for
    J~): ``alpha * J(x, y) + (1 - alpha) * J(x + epsilon * sign(grad_x J(x, y)), y)``, the
    adversarial batch re-made at every step from the current weights (same dropout mask).
    """
    graphdef, params = nnx.split(model)
    n_batches = len(x) // batch
    optimiser = optax.adam(optax.cosine_decay_schedule(lr, max(1, epochs * n_batches)))

    def loss(p: nnx.State, xb: jax.Array, yb: jax.Array, k: jax.Array) -> jax.Array:
        net = nnx.merge(graphdef, p)
        if objective is not None:
            return objective(net, xb, yb, k)
        logits_fn = partial(net, key=k)
        data = cross_entropy(logits_fn(xb), yb)
        if adversarial is not None:
            epsilon, alpha = adversarial
            x_adv = jax.lax.stop_gradient(fgsm(logits_fn, xb, yb, epsilon))
            data = alpha * data + (1.0 - alpha) * cross_entropy(logits_fn(x_adv), yb)
        return data + net.penalty()

    @jax.jit
    def epoch(p, opt_state, xs, ys, k):
        k_perm, k_drop = jax.random.split(k)
        order = jax.random.permutation(k_perm, len(xs))[: n_batches * batch].reshape(n_batches, batch)

        def step(carry, inputs):
            p, opt_state = carry
            idx, ks = inputs
            grads = jax.grad(loss)(p, xs[idx], ys[idx], ks)
            updates, opt_state = optimiser.update(grads, opt_state, p)
            return (optax.apply_updates(p, updates), opt_state), None

        (p, opt_state), _ = jax.lax.scan(step, (p, opt_state), (order, jax.random.split(k_drop, n_batches)))
        return p, opt_state

    opt_state = optimiser.init(params)
    xs, ys = jnp.asarray(x), jnp.asarray(y)
    for e in range(epochs):
        params, opt_state = epoch(params, opt_state, xs, ys, jax.random.fold_in(key, e))
    if not all(bool(jnp.all(jnp.isfinite(leaf))) for leaf in jax.tree.leaves(params)):
        from shared.errors import HypeError

        raise HypeError(f"training {type(model).__name__} diverged (non-finite weights)",
                        "lower the learning rate in config.py")
    nnx.update(model, params)
    return model


def logits_fn(model: nnx.Module) -> Logits:
    """The model as a pure, jitted function of [0, 1] pixels (evaluation mode: no dropout)."""
    graphdef, params = nnx.split(model)
    return jax.jit(lambda x: nnx.merge(graphdef, params)(x))


def predict(f: Logits, x: np.ndarray, chunk: int = 10_000) -> np.ndarray:
    """Class probabilities for ``x``, in chunks to bound memory."""
    out = [np.asarray(jax.nn.softmax(f(jnp.asarray(x[i:i + chunk])))) for i in range(0, len(x), chunk)]
    return np.concatenate(out)


def error_rate(f: Logits, x: np.ndarray, y: np.ndarray) -> float:
    """Percentage of ``x`` misclassified."""
    return float(100.0 * np.mean(predict(f, x).argmax(1) != y))
