"""The perceptron error-correction rule, in JAX: whole epochs scanned, many orders vmapped.

Rosenblatt (1958; 1962, *Principles of Neurodynamics*, ch. 5) and Novikoff (1962): with
labels y in {-1, +1}, a presentation x is a *mistake* when y (w . x) <= 0, and the rule
then adds y x to the weights (learning rate 1, weights starting at 0: the form for which
Novikoff's bound of (R / gamma)^2 mistakes holds). A bias is an extra input fixed at 1.
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
from jax import Array

from shared.precision import EXACT


def perceptron_epoch(
    w: Array, x: Array, y: Array, valid: Array, order: Array
) -> tuple[Array, Array]:
    """One pass of the rule over the examples in ``order``; returns (weights, mistakes).

    ``valid`` masks padding rows, so tasks of different sizes share one compiled program.
    """

    def present(w, i):
        mistake = (y[i] * jnp.dot(w, x[i], precision=EXACT) <= 0) & valid[i]
        return w + jnp.where(mistake, y[i], 0) * x[i], mistake

    w, mistakes = jax.lax.scan(present, w, order)
    return w, mistakes.sum()


def train_perceptron(
    x: Array, y: Array, valid: Array, *, key: Array, max_epochs: int
) -> dict[str, Array]:
    """Run the rule from w = 0 until an epoch without mistakes, or ``max_epochs``.

    Each epoch presents the examples in a fresh random order drawn from ``key``. Returns
    the final weights, the total number of mistakes (weight changes), the epochs used and
    whether the rule converged (an epoch with no mistake: every example correct).
    """

    def not_done(state):
        _, _, epoch, clean = state
        return (epoch < max_epochs) & ~clean

    def epoch_step(state):
        w, mistakes, epoch, _ = state
        order = jax.random.permutation(jax.random.fold_in(key, epoch), x.shape[0])
        w, new = perceptron_epoch(w, x, y, valid, order)
        return w, mistakes + new, epoch + 1, new == 0

    w0 = jnp.zeros(x.shape[1], x.dtype)
    w, mistakes, epochs, converged = jax.lax.while_loop(
        not_done, epoch_step, (w0, jnp.int32(0), jnp.int32(0), jnp.bool_(False))
    )
    return {"w": w, "mistakes": mistakes, "epochs": epochs, "converged": converged}


@functools.partial(jax.jit, static_argnames="max_epochs")
def train_many_orders(
    x: Array, y: Array, valid: Array, keys: Array, max_epochs: int
) -> dict[str, Array]:
    """:func:`train_perceptron` on one dataset for many presentation orders (one per key).

    The same rule, written for a batch of weight vectors: at each step every run gathers its
    own next example, which on a CPU is faster than ``vmap`` over the single-run loop. A
    run that has converged makes no more mistakes (its weights separate the data), so it
    simply stops counting epochs.
    """
    runs = keys.shape[0]

    def present(w, index):  # index: (runs,), each run's next example
        xi, yi = x[index], y[index]
        mistake = (yi * jnp.einsum("rd,rd->r", w, xi, precision=EXACT) <= 0) & valid[index]
        return w + jnp.where(mistake, yi, 0.0)[:, None] * xi, mistake

    def not_done(state):
        _, _, epochs, converged = state
        return jnp.any(~converged & (epochs < max_epochs))

    def epoch_step(state):
        w, mistakes, epochs, converged = state
        orders = jax.vmap(
            lambda k, e: jax.random.permutation(jax.random.fold_in(k, e), x.shape[0])
        )(keys, epochs)
        w_next, wrong = jax.lax.scan(present, w, orders.T)
        active = ~converged & (epochs < max_epochs)  # runs past the cap are frozen
        new = jnp.where(active, wrong.sum(axis=0), 0)
        w = jnp.where(active[:, None], w_next, w)
        return w, mistakes + new, epochs + active, converged | (active & (new == 0))

    start = (
        jnp.zeros((runs, x.shape[1]), x.dtype),
        jnp.zeros(runs, jnp.int32),
        jnp.zeros(runs, jnp.int32),
        jnp.zeros(runs, bool),
    )
    w, mistakes, epochs, converged = jax.lax.while_loop(not_done, epoch_step, start)
    return {"w": w, "mistakes": mistakes, "epochs": epochs, "converged": converged}
