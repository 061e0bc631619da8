"""XOR and parity: what one layer of threshold units cannot do (Minsky & Papert 1969)."""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np
from jax import Array

from replications.perceptron import perceptron_epoch
from replications.xor.config import Config
from replications.xor.order import (
    all_inputs,
    best_single_unit_accuracy,
    farkas_certificate,
    parity_order_table,
)
from replications.xor.tables import Tables
from shared.record import stage

XOR_INPUTS = all_inputs(2)  # (0,0), (0,1), (1,0), (1,1)
XOR_LABELS = XOR_INPUTS.sum(axis=1) % 2  # tables.XOR_TRUTH


def datasets(config: Config) -> tuple[str, ...]:
    """None: every input of XOR and parity is enumerated."""
    return ()


@functools.partial(jax.jit, static_argnames=("epochs", "init_range"))
def rule_on_xor(keys: Array, *, epochs: int, init_range: int) -> dict[str, Array]:
    """The perceptron rule on XOR from random integer weights, each run with its own fixed
    cyclic order of the four patterns, watched for ``epochs`` epochs.

    With integer inputs and weights every state is exact, so the weights at the start of an
    epoch repeating an earlier epoch's proves the rule is in a cycle and never converges
    (the perceptron cycling theorem: the weights stay bounded).
    """
    x = jnp.hstack([jnp.asarray(XOR_INPUTS, jnp.float32), jnp.ones((4, 1), jnp.float32)])
    y = jnp.where(jnp.asarray(XOR_LABELS) > 0, 1.0, -1.0)
    valid = jnp.ones(4, bool)

    def one_run(key):
        w0 = jax.random.randint(
            jax.random.fold_in(key, 0), (3,), -init_range, init_range + 1
        ).astype(jnp.float32)
        order = jax.random.permutation(jax.random.fold_in(key, 1), 4)

        def epoch(w, _):
            w_next, mistakes = perceptron_epoch(w, x, y, valid, order)
            return w_next, (w, mistakes)

        _, (history, mistakes) = jax.lax.scan(epoch, w0, None, length=epochs)
        same = jnp.all(history[:, None, :] == history[None, :, :], axis=-1)  # (epochs, epochs)
        earlier = jnp.tril(same, k=-1)
        repeats = earlier.any(axis=1)
        first = jnp.argmax(repeats)
        period = first - jnp.argmax(earlier[first])
        return {
            "converged": jnp.any(mistakes == 0),
            "cycles": repeats.any(),
            "period": jnp.where(repeats.any(), period, -1),
            "max_weight": jnp.abs(history).max(),
            "trajectory": history[:12],
        }

    return jax.vmap(one_run)(keys)


def two_layer_xor(x: np.ndarray) -> np.ndarray:
    """A constructed 2-2-1 threshold network for XOR: hidden OR and AND, output OR-and-not-AND.

    One hidden layer removes the limit: XOR = [x1 + x2 >= 1/2] - [x1 + x2 >= 3/2] >= 1/2.
    This is what back-propagation (1986) learns for itself.
    """
    hidden = np.stack([(x.sum(axis=1) >= 0.5), (x.sum(axis=1) >= 1.5)], axis=1).astype(float)
    return (hidden @ np.array([1.0, -1.0]) >= 0.5).astype(float)


def run(config: Config, *, key: jax.Array) -> Tables:
    """The XOR / parity experiments from one key (``jax.random.key(seed)``; only the rule's runs
    are random); ``measure.measure`` grades the tables."""
    with stage("single_unit"):
        certificate = farkas_certificate(XOR_INPUTS, XOR_LABELS)
        best = best_single_unit_accuracy(XOR_INPUTS, XOR_LABELS)
    with stage("perceptron_rule"):
        keys = jax.random.split(key, config.seeds)
        out = jax.device_get(rule_on_xor(keys, epochs=config.epochs, init_range=config.init_range))
        periods = out["period"][out["cycles"]]
        rule = {
            "runs": config.seeds,
            "epochs_watched": config.epochs,
            "converged": int(out["converged"].sum()),
            "cycling": int(out["cycles"].sum()),
            "cycling_unconverged": int((~out["converged"] & out["cycles"]).sum()),
            "max_abs_weight": float(out["max_weight"].max()),
            "period_counts": {str(int(p)): int((periods == p).sum()) for p in np.unique(periods)},
            "example_trajectory": out["trajectory"][0].tolist(),
        }
    with stage("parity_order"):
        rows = parity_order_table(config.max_parity_bits)
    with stage("two_layer"):
        two_layer = two_layer_xor(XOR_INPUTS).tolist()
    return {
        "farkas_certificate": [str(v) for v in certificate] if certificate else None,
        "best_single_unit": float(best),
        "rule": rule,
        "parity_order": rows,
        "two_layer_outputs": two_layer,
    }
