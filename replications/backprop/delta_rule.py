"""The generalized delta rule, written out by hand as Rumelhart, Hinton & Williams give it.

A network is a list of layers of logistic units in a fixed order; each layer sums the
states of one or more earlier layers (inputs included), so direct input -> output
connections (the PDP chapter's XOR net) and the family-tree net's two input groups are
the same kind of object. Biases are weights from an always-on unit (Nature, p. 533).

References:
    Rumelhart, Hinton & Williams (1986), Nature 323:533-536, eqs. 1-9.
    Rumelhart, Hinton & Williams (1986), PDP Vol. 1, Ch. 8, pp. 322-330.
"""

from __future__ import annotations

from dataclasses import dataclass

import jax
import jax.numpy as jnp
from jax import Array

Params = dict[str, dict[str, Array | dict[str, Array]]]


@dataclass(frozen=True)
class Layer:
    """A layer of ``size`` logistic units fed by the layers (or inputs) named in ``sources``."""

    name: str
    size: int
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Net:
    """Inputs ``(name, size)`` and layers in forward order; the last layer is the output."""

    inputs: tuple[tuple[str, int], ...]
    layers: tuple[Layer, ...]

    @property
    def output(self) -> str:
        return self.layers[-1].name

    def size(self, name: str) -> int:
        sizes = dict(self.inputs) | {layer.name: layer.size for layer in self.layers}
        return sizes[name]

    def fan_in(self, layer: Layer) -> int:
        return sum(self.size(s) for s in layer.sources)


def init_uniform(net: Net, *, key: Array, scale: float = 0.3) -> Params:
    """Every weight and bias uniform in [-scale, scale] (Nature, Fig. 1 caption: 0.3)."""
    params: Params = {}
    for i, layer in enumerate(net.layers):
        k = jax.random.fold_in(key, i)
        keys = jax.random.split(k, len(layer.sources) + 1)
        params[layer.name] = {
            "b": jax.random.uniform(keys[0], (layer.size,), minval=-scale, maxval=scale),
            "w": {
                s: jax.random.uniform(
                    keys[j + 1], (net.size(s), layer.size), minval=-scale, maxval=scale
                )
                for j, s in enumerate(layer.sources)
            },
        }
    return params


def init_glorot(net: Net, *, key: Array) -> Params:
    """Modern init (Glorot & Bengio 2010): uniform with limit sqrt(6/(fan_in+fan_out)), zero
    biases."""
    params: Params = {}
    for i, layer in enumerate(net.layers):
        keys = jax.random.split(jax.random.fold_in(key, i), len(layer.sources))
        limit = (6.0 / (net.fan_in(layer) + layer.size)) ** 0.5
        params[layer.name] = {
            "b": jnp.zeros((layer.size,)),
            "w": {
                s: jax.random.uniform(
                    keys[j], (net.size(s), layer.size), minval=-limit, maxval=limit
                )
                for j, s in enumerate(layer.sources)
            },
        }
    return params


def forward(net: Net, params: Params, inputs: dict[str, Array]) -> dict[str, Array]:
    """States of every unit for every case: ``{name: (cases, units)}``.

    Nature eq. 1, x_j = sum_i y_i w_ji (+ bias), and eq. 2, y_j = 1 / (1 + exp(-x_j)).
    """
    states = dict(inputs)
    for layer in net.layers:
        p = params[layer.name]
        x = p["b"] + sum(states[s] @ p["w"][s] for s in layer.sources)  # eq. 1
        states[layer.name] = jax.nn.sigmoid(x)  # eq. 2
    return states


def output_error(y: Array, target: Array, margin: float | None = None) -> Array:
    """dE/dy at the output units for E = 1/2 sum (y - d)^2 (Nature eqs. 3-4).

    With ``margin`` m (family trees: 0.2), "the error was considered to be zero" for an
    output that should be on and is above 1 - m, or should be off and is below m
    (Nature, Fig. 4 caption); beyond that the error is measured from 1 - m or m.
    """
    if margin is None:
        return y - target  # eq. 4
    on = target > 0.5
    return jnp.where(on, jnp.minimum(y - (1.0 - margin), 0.0), jnp.maximum(y - margin, 0.0))


def backward(net: Net, params: Params, states: dict[str, Array], dE_dy_out: Array) -> Params:
    """dE/dw for every weight, summed over all cases: the backward pass.

    ``dE_dy_out`` is (cases, output units); a zero row removes a case from the sum
    (held-out family-tree triples). Per layer, from the output down:
    eq. 5  dE/dx_j  = dE/dy_j * y_j (1 - y_j)
    eq. 6  dE/dw_ji = dE/dx_j * y_i, accumulated over all cases (eq. 8's sweep)
    eq. 7  dE/dy_i  = sum_j dE/dx_j * w_ji, summed over every layer that unit i feeds.
    """
    dE_dy: dict[str, Array] = {net.output: dE_dy_out}
    grads: Params = {}
    hidden = {layer.name for layer in net.layers}
    for layer in reversed(net.layers):
        y = states[layer.name]
        dE_dx = dE_dy[layer.name] * y * (1.0 - y)  # eq. 5
        w = params[layer.name]["w"]
        grads[layer.name] = {
            "b": dE_dx.sum(axis=0),
            "w": {s: states[s].T @ dE_dx for s in layer.sources},
        }  # eq. 6
        for s in layer.sources:
            if s in hidden:  # eq. 7; input units need no error derivative
                dE_dy[s] = dE_dy.get(s, 0.0) + dE_dx @ w[s].T
    return grads


def squared_error(
    y: Array, target: Array, case_weights: Array, margin: float | None = None
) -> Array:
    """E = 1/2 sum_c sum_j (y - d)^2 over the included cases (Nature eq. 3), margins as above."""
    e = output_error(y, target, margin) * case_weights[:, None]
    return 0.5 * jnp.sum(e**2)


def error_gradient(
    net: Net,
    params: Params,
    inputs: dict[str, Array],
    target: Array,
    case_weights: Array,
    margin: float | None = None,
) -> tuple[Params, dict[str, Array]]:
    """One forward and one backward pass over all cases: (dE/dw, unit states)."""
    states = forward(net, params, inputs)
    dE_dy = output_error(states[net.output], target, margin) * case_weights[:, None]
    return backward(net, params, states, dE_dy), states
