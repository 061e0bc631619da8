"""Claim (b): a Mark I-style photo-perceptron, S-units -> fixed random A-units -> trained R-units.

Rosenblatt (1958, pp. 389-392): sensory points (S) on a retina connect at random to
association cells (A), each firing when its excitatory minus inhibitory input reaches a
fixed threshold; only the A -> R connections learn, by error correction. The Mark I had
a 20 x 20 photocell retina and (from recall, not from the paper's text) 512 A-units and 8
R-units. Here the R-units are ten independent alpha-perceptrons, one per digit (a unit
says "mine" or "not mine"), and the answer is the most strongly responding unit.
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np
from jax import Array

from shared.precision import EXACT


def retina(images: np.ndarray) -> np.ndarray:
    """MNIST 28 x 28 -> the 20 x 20 box MNIST centres each digit in, thresholded to on/off
    photocells (the Mark I's cells were on or off)."""
    crop = images[:, 4:24, 4:24]
    return (crop > 127).reshape(len(images), 400).astype(np.float32)


def wiring(key: Array, n_a: int, n_excitatory: int, n_inhibitory: int) -> Array:
    """A random S -> A connection matrix (400, n_a): +1 excitatory, -1 inhibitory links."""
    k_exc, k_inh = jax.random.split(key)
    exc = jax.random.randint(k_exc, (n_a, n_excitatory), 0, 400)
    inh = jax.random.randint(k_inh, (n_a, n_inhibitory), 0, 400)
    units = jnp.arange(n_a)
    matrix = jnp.zeros((400, n_a))
    matrix = matrix.at[exc, units[:, None]].add(1.0)
    return matrix.at[inh, units[:, None]].add(-1.0)


def r_unit_epoch(w: Array, a: Array, targets: Array, order: Array) -> Array:
    """One pass of the error-correction rule for all R-units at once (each its own perceptron)."""

    def present(w, i):
        wrong = targets[i] * (a[i] @ w) <= 0  # (classes,)
        return w + jnp.outer(a[i], jnp.where(wrong, targets[i], 0.0)), None

    return jax.lax.scan(present, w, order)[0]


@functools.partial(
    jax.jit, static_argnames=("n_a", "epochs", "n_excitatory", "n_inhibitory", "threshold")
)
def photo_perceptron_accuracy(
    key: Array,
    s_train: Array,
    y_train: Array,
    s_test: Array,
    y_test: Array,
    *,
    n_a: int,
    epochs: int,
    n_excitatory: int,
    n_inhibitory: int,
    threshold: float,
) -> Array:
    """Test accuracy of one photo-perceptron with a random wiring drawn from ``key``.

    ``n_a = 0`` means no A-layer: the R-units see the retina directly (the baseline).
    """
    if n_a:
        matrix = wiring(jax.random.fold_in(key, 0), n_a, n_excitatory, n_inhibitory)
        a_train = (jnp.matmul(s_train, matrix, precision=EXACT) >= threshold).astype(jnp.float32)
        a_test = (jnp.matmul(s_test, matrix, precision=EXACT) >= threshold).astype(jnp.float32)
    else:
        a_train, a_test = s_train, s_test
    bias = lambda a: jnp.hstack([a, jnp.ones((a.shape[0], 1))])  # noqa: E731
    a_train, a_test = bias(a_train), bias(a_test)
    targets = jnp.where(jax.nn.one_hot(y_train, 10) > 0, 1.0, -1.0)

    def epoch_step(epoch, w):
        order = jax.random.permutation(jax.random.fold_in(key, 1 + epoch), a_train.shape[0])
        return r_unit_epoch(w, a_train, targets, order)

    w = jax.lax.fori_loop(0, epochs, epoch_step, jnp.zeros((a_train.shape[1], 10)))
    return jnp.mean(jnp.argmax(a_test @ w, axis=1) == y_test)
