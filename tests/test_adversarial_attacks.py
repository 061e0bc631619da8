"""Invariants of the attacks (FGSM, box-constrained L-BFGS) and of the models' plumbing.

Threat model: pixels in [0, 1]; epsilon and RMS distortion in those units.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from flax import nnx

from replications.adversarial.attacks import (
    _box_lbfgs,
    fgsm,
    fgsm_sweep,
    input_gradient,
    lbfgs_attack,
    rms_distortion,
)
from replications.adversarial.config import Recipe
from replications.adversarial.model import Maxout, SigmoidMLP, Softmax
from replications.adversarial.train import fit, logits_fn

RNG = np.random.default_rng(0)
W = jnp.asarray(RNG.normal(size=(784, 10)).astype(np.float32) * 0.05)
B = jnp.asarray(RNG.normal(size=10).astype(np.float32) * 0.1)
LINEAR = jax.jit(lambda x: x @ W + B)


def images(n: int, seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).uniform(0.0, 1.0, size=(n, 784)).astype(np.float32)


def test_rms_distortion_is_szegedy_definition() -> None:
    x = np.zeros((2, 784), np.float32)
    x_adv = x.copy()
    x_adv[0, :196] = 0.2  # a quarter of the pixels moved by 0.2 -> RMS 0.1
    assert rms_distortion(x_adv, x) == pytest.approx([0.1, 0.0])


def test_input_gradient_matches_per_example_grad() -> None:
    x, y = jnp.asarray(images(5)), jnp.asarray([0, 3, 9, 1, 1])
    batched = input_gradient(LINEAR, x, y)
    single = jax.vmap(
        lambda xi, yi: jax.grad(lambda z: -jax.nn.log_softmax(LINEAR(z[None])[0])[yi])(xi)
    )(x, y)
    np.testing.assert_allclose(batched, single, rtol=1e-5, atol=1e-7)


def test_fgsm_on_linear_model_matches_closed_form() -> None:
    """For logits ``x W + b`` the cross-entropy gradient is ``W (softmax - onehot)``."""
    x, y, eps = jnp.asarray(images(8)), jnp.arange(8) % 10, 0.25
    p = jax.nn.softmax(LINEAR(x))
    closed = np.clip(
        np.asarray(x) + eps * np.sign(np.asarray((p - jax.nn.one_hot(y, 10)) @ W.T)), 0, 1
    )
    np.testing.assert_allclose(fgsm(LINEAR, x, y, eps), closed, atol=1e-6)


@pytest.mark.parametrize("eps", [0.0, 0.01, 0.1, 0.25, 0.7])
def test_fgsm_within_budget_and_box(eps: float) -> None:
    x, y = jnp.asarray(images(16, seed=2)), jnp.arange(16) % 10
    x_adv = np.asarray(fgsm(LINEAR, x, y, eps))
    assert np.abs(x_adv - np.asarray(x)).max() <= eps + 1e-6
    assert x_adv.min() >= 0.0 and x_adv.max() <= 1.0
    unclipped = np.asarray(fgsm(LINEAR, x, y, eps, clip=False))
    np.testing.assert_allclose(
        np.abs(unclipped - np.asarray(x))[np.asarray(input_gradient(LINEAR, x, y)) != 0],
        eps,
        atol=1e-6,
    )


def test_fgsm_sweep_equals_fgsm_at_each_epsilon() -> None:
    x, y = jnp.asarray(images(32, seed=3)), jnp.arange(32) % 10
    eps = (0.0, 0.05, 0.3)
    swept = np.asarray(fgsm_sweep(LINEAR, x, y, jnp.asarray(eps)))
    direct = [
        100.0 * float(jnp.mean(jnp.argmax(LINEAR(fgsm(LINEAR, x, y, e)), -1) != y)) for e in eps
    ]
    np.testing.assert_allclose(swept, direct, atol=1e-4)


def test_box_lbfgs_finds_the_projection() -> None:
    """min ||z - a||^2 over [0, 1]^n is clip(a): the active set and projection are right."""
    a = jnp.asarray(np.random.default_rng(4).normal(0.5, 1.0, size=784).astype(np.float32))
    z = _box_lbfgs(lambda v: jnp.sum((v - a) ** 2), jnp.full(784, 0.5), iters=30)
    np.testing.assert_allclose(z, jnp.clip(a, 0.0, 1.0), atol=1e-4)


def test_box_lbfgs_minimises_an_ill_conditioned_quadratic() -> None:
    scales = jnp.logspace(0, 2, 784)
    a = jnp.full(784, 0.3)
    z = _box_lbfgs(lambda v: jnp.sum(scales * (v - a) ** 2), jnp.full(784, 0.9), iters=60)
    np.testing.assert_allclose(z, a, atol=1e-3)


def banded(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A synthetic 10-class task in [0, 1]: class k lights up its own band of 78 pixels."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 10, n).astype(np.int32)
    x = 0.3 * rng.uniform(size=(n, 784)).astype(np.float32)
    for k in range(10):
        x[y == k, 78 * k : 78 * (k + 1)] += 0.6
    return x, y


def _mlp() -> nnx.Module:
    """A small sigmoid MLP trained on the banded task, so every class is reachable."""
    x, y = banded(1024, seed=9)
    model = SigmoidMLP((32, 32), (0.0, 0.0, 0.0), rngs=nnx.Rngs(0))
    fit(model, x, y, Recipe(batch_size=64, learning_rate=1e-2, max_epochs=5), key=jax.random.key(1))
    return model


@pytest.mark.parametrize("model", ["linear", "mlp"])
def test_lbfgs_self_attack_reaches_every_target_inside_the_box(model: str) -> None:
    f = LINEAR if model == "linear" else logits_fn(_mlp())
    x = images(12, seed=5)
    target = (np.asarray(jnp.argmax(f(jnp.asarray(x)), -1)) + 1 + np.arange(12) % 9) % 10
    result = lbfgs_attack(f, x, target, search_steps=6, max_iter=40, chunk=8)
    assert result.success.all()  # attacking a model with itself: 100% error on the attacked set
    predicted = np.asarray(jnp.argmax(f(jnp.asarray(result.x_adv)), -1))
    np.testing.assert_array_equal(predicted, target)
    assert result.x_adv.min() >= 0.0 and result.x_adv.max() <= 1.0
    np.testing.assert_allclose(result.distortion, rms_distortion(result.x_adv, x), rtol=1e-5)


def test_lbfgs_needs_no_more_distortion_than_fgsm_for_the_same_success() -> None:
    """On a linear (convex) model, the minimal-distortion attack reaching the label FGSM
    reached does so with no larger RMS change than FGSM."""
    x = images(16, seed=6)
    y = np.asarray(jnp.argmax(LINEAR(jnp.asarray(x)), -1))
    x_fgsm = np.asarray(fgsm(LINEAR, jnp.asarray(x), jnp.asarray(y), 0.1))
    reached = np.asarray(jnp.argmax(LINEAR(jnp.asarray(x_fgsm)), -1))
    flipped = reached != y
    assert flipped.sum() >= 4
    result = lbfgs_attack(LINEAR, x[flipped], reached[flipped], search_steps=10, max_iter=60)
    assert result.success.all()
    assert np.all(result.distortion <= rms_distortion(x_fgsm[flipped], x[flipped]) + 1e-4)


def test_lbfgs_rejects_images_outside_the_box() -> None:
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        lbfgs_attack(LINEAR, images(2) * 255.0, np.array([1, 2]))


def test_training_is_deterministic_and_learns() -> None:
    x, y = banded(512, seed=7)
    runs = []
    for _ in range(2):
        model = Softmax(1e-4, rngs=nnx.Rngs(0))
        fit(
            model,
            x,
            y,
            Recipe(batch_size=64, learning_rate=1e-2, max_epochs=5),
            key=jax.random.key(0),
        )
        runs.append(np.asarray(logits_fn(model)(jnp.asarray(x))))
    np.testing.assert_array_equal(runs[0], runs[1])
    assert np.mean(runs[0].argmax(1) == y) > 0.9


def test_adversarial_training_step_runs_with_dropout() -> None:
    rng = np.random.default_rng(8)
    x = rng.uniform(0, 1, size=(256, 784)).astype(np.float32)
    y = rng.integers(0, 10, 256).astype(np.int32)
    model = Maxout(8, 2, input_drop=0.2, hidden_drop=0.5, rngs=nnx.Rngs(0))
    fit(
        model,
        x,
        y,
        Recipe(batch_size=64, max_epochs=1),
        key=jax.random.key(0),
        adversarial=(0.25, 0.5),
    )
    out = np.asarray(logits_fn(model)(jnp.asarray(x)))
    assert np.isfinite(out).all()
    assert np.array_equal(
        out, np.asarray(logits_fn(model)(jnp.asarray(x)))
    )  # no dropout at evaluation
