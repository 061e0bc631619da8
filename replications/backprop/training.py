"""Full-batch training by sweeps, for many runs at once (``jax.vmap`` over runs).

One sweep = one forward and backward pass over every case, then one weight change
(Nature, p. 535: "the derivatives ... accumulated over all the input-output cases
before changing the weights"). A run stops at the first sweep at which every output is
within ``tol`` of its target, or at ``max_sweeps`` (then it counts as stuck).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import jax
import jax.numpy as jnp
import optax
from jax import Array

from replications.backprop.delta_rule import Net, Params, error_gradient, forward, squared_error


@dataclass(frozen=True)
class Momentum:
    """Nature eq. 9: Δw(t) = -ε ∂E/∂w(t) + α Δw(t-1), t counting sweeps.

    ``early_sweeps`` > 0 gives the family-tree schedule (Fig. 4 caption): (ε, α) =
    (``eps_early``, ``alpha_early``) for the first sweeps, then (``eps``, ``alpha``).
    """

    eps: float
    alpha: float
    eps_early: float = 0.0
    alpha_early: float = 0.0
    early_sweeps: int = 0

    def init(self, params: Params) -> Params:
        return jax.tree.map(jnp.zeros_like, params)

    def update(self, grads: Params, previous: Params, t: Array) -> tuple[Params, Params]:
        early = t < self.early_sweeps
        eps = jnp.where(early, self.eps_early, self.eps)
        alpha = jnp.where(early, self.alpha_early, self.alpha)
        change = jax.tree.map(lambda g, d: -eps * g + alpha * d, grads, previous)  # eq. 9
        return change, change


@dataclass(frozen=True)
class Adam:
    """Beyond the paper: optax Adam (Kingma & Ba 2015) on the same summed error."""

    learning_rate: float

    def init(self, params: Params) -> Any:
        return optax.adam(self.learning_rate).init(params)

    def update(self, grads: Params, state: Any, t: Array) -> tuple[Params, Any]:
        return optax.adam(self.learning_rate).update(grads, state)


Optimizer = Momentum | Adam


@dataclass(frozen=True)
class Schedule:
    """How long to train and when to stop; hashable, so it is a static argument of ``jit``."""

    max_sweeps: int
    tol: float | None = 0.1  # stop when every |y - d| < tol; None: run all sweeps
    loose_tol: float = 0.4  # also record the first sweep within this looser criterion
    margin: float | None = None  # family trees: error zero beyond 0.2 / 0.8
    decay: float = 1.0  # w <- decay * w after each weight change (family trees: 0.998)
    curve_every: int = 10


def _train_one(
    net: Net,
    opt: Optimizer,
    sched: Schedule,
    init: Callable[..., Params],
    inputs: dict[str, Array],
    targets: Array,
    key: Array,
    case_weights: Array,
) -> dict[str, Array]:
    """Train one net from its own initial weights; its weights freeze once it has converged.

    One ``lax.scan`` step per sweep; its output is the error E of that sweep (the learning
    curve). Every run takes ``max_sweeps`` steps, so a batch of runs costs the same whether
    or not some converge early.
    """
    params = init(net, key=key)
    included = case_weights[:, None] > 0

    def sweep(carry: dict[str, Any], _: None) -> tuple[dict[str, Any], Array]:
        t = carry["t"]
        grads, states = error_gradient(
            net, carry["params"], inputs, targets, case_weights, sched.margin
        )
        worst = jnp.max(jnp.where(included, jnp.abs(states[net.output] - targets), 0.0))
        error = squared_error(states[net.output], targets, case_weights, sched.margin)
        loose_at = jnp.where(
            (carry["loose_at"] < 0) & (worst < sched.loose_tol), t, carry["loose_at"]
        )
        done = (carry["converged_at"] >= 0) | (
            (worst < sched.tol) if sched.tol is not None else False
        )
        change, opt_state = opt.update(grads, carry["opt_state"], t)
        new_params = jax.tree.map(lambda w, d: sched.decay * (w + d), carry["params"], change)
        keep = lambda old, new: jax.tree.map(lambda a, b: jnp.where(done, a, b), old, new)  # noqa: E731
        return {
            "t": jnp.where(done, t, t + 1),
            "params": keep(carry["params"], new_params),
            "opt_state": keep(carry["opt_state"], opt_state),
            "converged_at": jnp.where(done, t, -1),
            "loose_at": loose_at,
        }, error

    carry = {
        "t": jnp.array(0),
        "params": params,
        "opt_state": opt.init(params),
        "converged_at": jnp.array(-1),
        "loose_at": jnp.array(-1),
    }
    carry, curve = jax.lax.scan(sweep, carry, None, length=sched.max_sweeps)
    states = forward(net, carry["params"], inputs)
    return {
        "params": carry["params"],
        "states": states,
        "converged_at": carry["converged_at"],
        "loose_at": carry["loose_at"],
        "final_error": squared_error(states[net.output], targets, case_weights, sched.margin),
        "final_deviation": jnp.max(jnp.where(included, jnp.abs(states[net.output] - targets), 0.0)),
        "curve": curve[:: sched.curve_every],
    }


@partial(jax.jit, static_argnums=(0, 1, 2, 3))
def train_runs(
    net: Net,
    opt: Optimizer,
    sched: Schedule,
    init: Callable[..., Params],
    inputs: dict[str, Array],
    targets: Array,
    keys: Array,
    case_weights: Array,
) -> dict[str, Array]:
    """Train ``len(keys)`` runs at once; ``case_weights`` is (runs, cases) of 0/1.

    Returns per-run arrays: ``converged_at`` (sweeps to every output within ``tol``;
    -1 = stuck at ``max_sweeps``), ``loose_at`` (the same for ``loose_tol``), final
    ``params`` and unit ``states``, and the error ``curve`` every ``curve_every`` sweeps.
    """
    one = partial(_train_one, net, opt, sched, init, inputs, targets)
    return jax.vmap(one)(keys, case_weights)


def run_keys(key: Array, n: int) -> Array:
    """Run i's key is fold_in(key, i): the first runs do not change when ``n`` grows."""
    return jax.vmap(lambda i: jax.random.fold_in(key, i))(jnp.arange(n))
