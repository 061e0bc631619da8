"""The perceptron: the rule against a plain loop, the bound, Cover's formula, the smoke profile."""

from __future__ import annotations

from math import comb

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from replications.perceptron.capacity import cover_fraction
from replications.perceptron.config import smoke
from replications.perceptron.model import perceptron_epoch, train_many_orders
from replications.perceptron.novikoff import bound_of, max_margin
from shared.cli import run_and_measure
from shared.registry import get


def reference_epoch(w, x, y, order):
    """The rule written as the textbook loop."""
    mistakes = 0
    for i in order:
        if y[i] * (w @ x[i]) <= 0:
            w = w + y[i] * x[i]
            mistakes += 1
    return w, mistakes


def test_epoch_matches_the_textbook_loop():
    rng = np.random.default_rng(0)
    x = rng.integers(-3, 4, (40, 5)).astype(np.float32)
    y = np.where(rng.random(40) < 0.5, 1.0, -1.0).astype(np.float32)
    order = rng.permutation(40)
    w0 = rng.integers(-2, 3, 5).astype(np.float32)
    expected_w, expected_m = reference_epoch(w0, x, y, order)
    w, m = perceptron_epoch(
        jnp.asarray(w0), jnp.asarray(x), jnp.asarray(y), jnp.ones(40, bool), jnp.asarray(order)
    )
    assert np.array_equal(np.asarray(w), expected_w) and int(m) == expected_m


def test_padding_rows_are_ignored():
    x = jnp.asarray([[1.0, 1.0], [-1.0, 1.0], [0.0, 0.0]])
    y = jnp.asarray([1.0, -1.0, 0.0])
    w, m = perceptron_epoch(
        jnp.zeros(2), x, y, jnp.asarray([True, True, False]), jnp.asarray([2, 0, 1])
    )
    assert int(m) == 2


def test_mistakes_never_exceed_novikoff_bound_on_a_separable_cloud():
    rng = np.random.default_rng(1)
    u = rng.normal(size=6)
    x = rng.normal(size=(300, 6))
    x = x[np.abs(x @ u) > 0.5]
    y = np.sign(x @ u)
    gamma, separable = max_margin(x, y)
    assert separable and gamma > 0
    out = train_many_orders(
        jnp.asarray(x, jnp.float32),
        jnp.asarray(y, jnp.float32),
        jnp.ones(len(y), bool),
        jax.random.split(jax.random.key(0), 32),
        1000,
    )
    assert bool(out["converged"].all())
    assert int(out["mistakes"].max()) <= bound_of(x, gamma)


def test_cover_formula():
    assert cover_fraction(10, 10) == 1.0  # P <= N: everything separable
    assert cover_fraction(40, 20) == 0.5  # P = 2N: exactly half
    assert cover_fraction(3, 2) == 2 * (comb(2, 0) + comb(2, 1)) / 8
    assert cover_fraction(80, 20) < 1e-4


@pytest.fixture(scope="module")
def measured():
    return run_and_measure(get("perceptron"), smoke(), 0)


def test_smoke_reproduces_the_qualitative_claims(measured):
    tables, values, _ = measured
    assert values["PERC-R62-conv"].value == 1.0
    assert values["PERC-NOV-bound"].value == 1.0
    assert 0 < values["PERC-NOV-tightness"].value < 1
    assert values["PERC-MarkI-learns"].value > 0.5  # ten classes: chance is 0.1
    assert values["PERC-MarkI-grows"].value > 0
    rows = tables["capacity"]["rows"]
    assert rows[0]["separable"] == 1.0 and rows[-1]["separable"] < 0.2  # below and far above 2N
    assert all(r["learned"] <= r["separable"] for r in rows)


def test_the_rule_asks_for_full_float32_margins() -> None:
    """The mistake test y (w . x) <= 0 must not depend on the GPU's TF32 default."""
    x, y = jnp.ones((4, 3)), jnp.array([1.0, -1.0, 1.0, -1.0])
    graph = str(
        jax.make_jaxpr(perceptron_epoch)(jnp.zeros(3), x, y, jnp.ones(4, bool), jnp.arange(4))
    )
    assert "Precision.HIGHEST" in graph
