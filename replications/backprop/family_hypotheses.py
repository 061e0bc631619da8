"""Family trees: what might the 1986 run have had that the Nature letter does not state?

With the Fig. 4 caption's procedure (1,500 sweeps; ε = 0.005, α = 0.5 for 20 sweeps, then
ε = 0.01, α = 0.9; "decrementing every weight by 0.2% after each weight change"; error zero
beyond 0.2 / 0.8) every one of our runs stays on the plateau where each query gets the same
answer. Each hypothesis below changes details the letter leaves open, alone or together,
and trains many runs; the measures are those of the main family-tree stage.

Run i of every hypothesis holds out the same 4 triples and starts from the same uniform
draws (scaled to the hypothesis' range), so rows differ by the hypothesis, not by luck.
The settings that are numbers (initial range, margin, decay) are per-run arrays, so one
compiled program trains every hypothesis with the same sweep count and update mode.

References:
    Rumelhart, Hinton & Williams (1986), Nature 323, Figs. 2-4, pp. 534-535.
    Rumelhart, Hinton & Williams (1986), PDP Vol. 1, Ch. 8, "The generalized delta rule"
    (changing the weights after each pattern instead of after each sweep).
    Hinton (1986), Learning distributed representations of concepts, Proc. 8th Annual
    Conference of the Cognitive Science Society, pp. 1-12.
    Quinlan, J. R. (1990), notes to the UCI "kinship" data set (Hinton's runs: 500 sweeps).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import partial
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax import Array
from jax.flatten_util import ravel_pytree

from replications.backprop import analysis
from replications.backprop.delta_rule import (
    Params,
    error_gradient,
    forward,
    init_uniform,
    squared_error,
)
from replications.backprop.family_experiment import (
    FEATURE_R,
    HELD_OUT,
    family_measures,
    held_out_masks,
)
from replications.backprop.family_trees import family_cases, family_net
from replications.backprop.tables import FIG4_SHARE
from replications.backprop.training import Momentum, run_keys

# Fig. 4 caption: ε = 0.005, α = 0.5 for the first 20 sweeps, then ε = 0.01, α = 0.9.
LETTER_RULE = Momentum(eps=0.01, alpha=0.9, eps_early=0.005, alpha_early=0.5, early_sweeps=20)
MARGIN = 0.2  # the letter's margins; also the yardstick E of every row (see ``train``)
ORDER_STREAM = 1_000  # fold_in tag of a run's key for its online case orders (weights: the key)
# "Fig. 4 appears": the `reproduced` thresholds of claims RHW-ft-learn and RHW-ft-features
# (claims.toml): at least half the runs learn all 100 triples and have a unit per feature.


@dataclass(frozen=True)
class Hypothesis:
    """One reading of the details; the defaults are the letter's procedure as we read it."""

    name: str
    label: str
    init_range: float = 0.3  # weights and biases U(-r, r); the letter gives 0.3 for Fig. 1 only
    margin: float = MARGIN  # 0.0: plain 0/1 targets (the margin rule with m = 0 is y - d)
    decay: float = 0.998  # "decrementing every weight by 0.2%"; 1.0: no decay
    decay_biases: bool = True  # a bias is a weight from an always-on unit (Nature, p. 533)
    decay_per_case: bool = False  # decay after every case presented, not once per sweep
    sweeps: int = 1500
    online: bool = False  # one weight change per case instead of one per sweep

    def changes(self) -> tuple[str, ...]:
        """The fields in which this hypothesis departs from the letter as we read it."""
        return tuple(
            f.name for f in fields(self)[2:] if getattr(self, f.name) != getattr(AS_PRINTED, f.name)
        )


AS_PRINTED = Hypothesis("as_printed", "as printed (our reading; the main stage's procedure)")
HYPOTHESES = (
    AS_PRINTED,
    Hypothesis("biases_kept", "(a) biases not decayed", decay_biases=False),
    Hypothesis(
        "decay_per_case",
        "(b) decay after every case presented (100 times a sweep)",
        decay_per_case=True,
    ),
    Hypothesis("plain_targets", "(c) plain 0/1 targets, no 0.2 / 0.8 margin", margin=0.0),
    Hypothesis("init_1", "(d) initial weights U(−1, 1)", init_range=1.0),
    Hypothesis("init_2", "(d) initial weights U(−2, 2)", init_range=2.0),
    Hypothesis("sweeps_5000", "(e) 5,000 sweeps", sweeps=5000),
    Hypothesis("online", "(f) a weight change after every case, decay once a sweep", online=True),
    Hypothesis(
        "online_decay_per_case",
        "(f) + (b) a weight change and the decay after every case",
        online=True,
        decay_per_case=True,
    ),
    Hypothesis("cogsci_500", "(g) 500 sweeps, as Quinlan describes the CogSci runs", sweeps=500),
    Hypothesis(
        "a_c_d2", "(a) + (c) + (d) U(−2, 2)", decay_biases=False, margin=0.0, init_range=2.0
    ),
    Hypothesis("d2_e", "(d) U(−2, 2) + (e) 5,000 sweeps", init_range=2.0, sweeps=5000),
    Hypothesis(
        "a_c_d2_e",
        "(a) + (c) + (d) U(−2, 2) + (e) 5,000 sweeps",
        decay_biases=False,
        margin=0.0,
        init_range=2.0,
        sweeps=5000,
    ),
    # Diagnostics, not candidates for what 1986 had: the letter states the decay.
    Hypothesis("no_decay", "no weight decay (contradicts the letter)", decay=1.0),
    Hypothesis(
        "no_decay_e",
        "no weight decay (contradicts the letter) + (e) 5,000 sweeps",
        decay=1.0,
        sweeps=5000,
    ),
    Hypothesis(
        "no_decay_d1_e",
        "no weight decay (contradicts the letter) + (d) U(−1, 1) + (e) 5,000 sweeps",
        decay=1.0,
        init_range=1.0,
        sweeps=5000,
    ),
)
HYPOTHESIS_NAMES = tuple(h.name for h in HYPOTHESES)


class Knobs(NamedTuple):
    """A hypothesis' numbers for one run (arrays under ``vmap``)."""

    init_range: Array
    margin: Array
    decay_sweep: Array  # factor applied once per sweep
    decay_case: Array  # factor applied once per training case presented
    decay_biases: Array  # bool


def knobs(h: Hypothesis, runs: int) -> Knobs:
    """``h``'s numbers repeated for ``runs`` runs."""
    per_case = h.decay if h.decay_per_case else 1.0
    per_sweep = 1.0 if h.decay_per_case else h.decay
    return Knobs(
        *(
            jnp.full((runs,), v)
            for v in (h.init_range, h.margin, per_sweep, per_case, h.decay_biases)
        )
    )


def decayed(params: Params, factor: Array, biases: Array) -> Params:
    """w <- factor * w for every weight, and for every bias if ``biases`` (Fig. 4 caption)."""
    return {
        name: {
            "b": jnp.where(biases, layer["b"] * factor, layer["b"]),
            "w": jax.tree.map(lambda w: w * factor, layer["w"]),
        }
        for name, layer in params.items()
    }


def initial_params(key: Array, init_range: Array) -> Params:
    """Every weight and bias of the family-tree net U(-r, r), r = ``init_range``.

    One uniform draw per run, scaled by r, so run i starts from the same draw under every
    hypothesis; one draw (not ``init_uniform``'s one per layer) also compiles much faster.
    """
    shapes = jax.eval_shape(lambda: init_uniform(family_net(), key=jax.random.key(0)))
    flat, unravel = ravel_pytree(jax.tree.map(lambda s: jnp.zeros(s.shape, s.dtype), shapes))
    return unravel(init_range * jax.random.uniform(key, flat.shape, minval=-1.0, maxval=1.0))


def _add(params: Params, change: Params) -> Params:
    return jax.tree.map(jnp.add, params, change)


Carry = tuple[Params, Params]  # weights and the previous weight change (eq. 9's Δw(t - 1))


@partial(jax.jit, static_argnames=("sweeps", "online", "rule"))
def train(
    k: Knobs, keys: Array, masks: Array, *, sweeps: int, online: bool, rule: Momentum = LETTER_RULE
) -> dict[str, Array]:
    """Train one family-tree net per run, each with its own ``Knobs`` row, key and 0/1 mask
    of training triples; returns final ``params``, ``states`` and the error ``E``.

    Batch (Nature, p. 535): one weight change per sweep from the gradient summed over the
    100 training triples, then the decay (``decay_case`` once per case: ``decay_case**100``).
    Online: a weight change (eq. 9, momentum per change) after each training case, in a new
    random order each sweep; ``decay_case`` after every change, ``decay_sweep`` after the
    sweep; ε and α still switch after 20 sweeps. ``E`` is measured with the letter's margins
    in every row, so rows compare on one yardstick.
    """
    data, net = family_cases(), family_net()
    inputs = {"person1": jnp.asarray(data.person1), "relationship": jnp.asarray(data.relationship)}
    targets = jnp.asarray(data.person2)

    def one(k: Knobs, key: Array, mask: Array) -> dict[str, Array]:
        def batch_sweep(params: Params, velocity: Params, t: Array) -> tuple[Params, Params]:
            grads, _ = error_gradient(net, params, inputs, targets, mask, k.margin)
            change, velocity = rule.update(grads, velocity, t)
            factor = k.decay_sweep * k.decay_case ** jnp.sum(mask)
            return decayed(_add(params, change), factor, k.decay_biases), velocity

        def online_sweep(params: Params, velocity: Params, t: Array) -> tuple[Params, Params]:
            def case(carry: Carry, i: Array) -> tuple[Carry, None]:
                p, v = carry
                one_case = {name: x[i][None] for name, x in inputs.items()}
                grads, _ = error_gradient(
                    net, p, one_case, targets[i][None], mask[i][None], k.margin
                )
                change, v_new = rule.update(grads, v, t)
                p_new = decayed(_add(p, change), k.decay_case, k.decay_biases)
                # A held-out case is skipped: no change, no momentum step, no decay.
                new, old = (p_new, v_new), (p, v)
                return jax.tree.map(lambda a, b: jnp.where(mask[i] > 0, a, b), new, old), None

            order = jax.random.permutation(jax.random.fold_in(order_key, t), mask.shape[0])
            (params, velocity), _ = jax.lax.scan(case, (params, velocity), order)
            return decayed(params, k.decay_sweep, k.decay_biases), velocity

        def sweep(carry: Carry, t: Array) -> tuple[Carry, None]:
            return (online_sweep if online else batch_sweep)(*carry, t), None

        order_key = jax.random.fold_in(key, ORDER_STREAM)
        params = initial_params(key, k.init_range)
        (params, _), _ = jax.lax.scan(sweep, (params, rule.init(params)), jnp.arange(sweeps))
        states = forward(net, params, inputs)
        return {
            "params": params,
            "states": states,
            "error": squared_error(states[net.output], targets, mask, MARGIN),
        }

    return jax.vmap(one)(k, keys, masks)


def summarize(h: Hypothesis, out: dict, masks: np.ndarray, sweeps: int) -> dict:
    """The table row of one hypothesis: runs that learn all 100 training triples, held-out
    triples right, person units for each Fig. 4 feature, and the median error E."""
    m = family_measures(out, masks)
    n = len(masks)
    learned = m["train_right"] == m["train_total"]
    found = {k: float(np.mean(v >= FEATURE_R)) for k, v in m["features"].items()}
    return {
        "name": h.name,
        "label": h.label,
        "changes": list(h.changes()),
        "n": n,
        "sweeps": sweeps,
        "online": h.online,
        "train_all": int(learned.sum()),
        "train_all_fraction": float(learned.mean()),
        "train_all_ci95": list(analysis.wilson(int(learned.sum()), n)),
        "train_mean": float(m["train_right"].mean()),
        "test_mean": float(m["test_right"].mean()),
        "test_of": HELD_OUT,
        "test_all_fraction": float(np.mean(m["test_right"] == HELD_OUT)),
        "feature_found_fraction": found,
        "all_features_fraction": float(m["all_features"].mean()),
        "all_features_ci95": list(analysis.wilson(int(m["all_features"].sum()), n)),
        "error_median": float(np.median(out["error"])),
    }


def run_hypotheses(
    names: tuple[str, ...], runs: int, sweeps_cap: int | None, *, key: Array
) -> dict:
    """Train ``runs`` nets per hypothesis; hypotheses with the same sweep count and update
    mode train together in one call. ``sweeps_cap`` (smoke profile) shortens every run."""
    chosen = [h for h in HYPOTHESES if h.name in names]
    masks = held_out_masks(jax.random.fold_in(key, 1), runs, len(family_cases().queries))
    keys = run_keys(key, runs)
    groups: dict[tuple[int, bool], list[Hypothesis]] = {}
    for h in chosen:
        sweeps = min(h.sweeps, sweeps_cap) if sweeps_cap else h.sweeps
        groups.setdefault((sweeps, h.online), []).append(h)
    rows = {}
    for (sweeps, online), group in groups.items():
        # Hypothesis after hypothesis along the run axis: row j * runs + i is run i of group[j].
        k = jax.tree.map(lambda *cols: jnp.concatenate(cols), *(knobs(h, runs) for h in group))
        out = train(
            k,
            jnp.concatenate([keys] * len(group)),
            jnp.concatenate([masks] * len(group)),
            sweeps=sweeps,
            online=online,
        )
        out = jax.tree.map(np.asarray, out)
        for j, h in enumerate(group):
            part = jax.tree.map(lambda x, j=j: x[j * runs : (j + 1) * runs], out)
            rows[h.name] = summarize(h, part, np.asarray(masks), sweeps)
    return {"rows": [rows[h.name] for h in chosen], "fig4_share": FIG4_SHARE}
