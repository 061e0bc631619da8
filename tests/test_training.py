"""shared/training.py: the paper's SGD, the sharded steps, checkpoints."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from flax import nnx

from shared.errors import HypeError
from shared.training import Stepper, load_checkpoint, paper_sgd, save_checkpoint, set_learning_rate

ROOT = Path(__file__).resolve().parent.parent


def test_paper_sgd_is_the_update_rule_of_section_5() -> None:
    """v <- 0.9 v - 0.0005 learning_rate w - learning_rate g; w <- w + v (kernels decayed, biases
    not), learning_rate changed midway."""
    params = {"kernel": jnp.array([[1.0, -2.0], [0.5, 3.0]]), "bias": jnp.array([1.0, -1.0])}
    grads = [jax.tree.map(lambda p, i=i: jnp.sin(p + i), params) for i in range(3)]
    opt = paper_sgd(learning_rate=0.1)
    state = opt.init(params)
    w = {k: np.asarray(v, np.float64) for k, v in params.items()}
    v = {k: np.zeros_like(a) for k, a in w.items()}
    ours = params
    for step, g in enumerate(grads):
        learning_rate = 0.1 if step < 2 else 0.01
        state = set_learning_rate(state, learning_rate)
        updates, state = opt.update(g, state, ours)
        ours = optax.apply_updates(ours, updates)
        for k in w:
            decay = 5e-4 if k == "kernel" else 0.0
            v[k] = 0.9 * v[k] - decay * learning_rate * w[k] - learning_rate * np.asarray(g[k])
            w[k] = w[k] + v[k]
    for k in w:
        np.testing.assert_allclose(ours[k], w[k], rtol=1e-5, atol=1e-7)


class TinyNet(nnx.Module):
    def __init__(self, rngs: nnx.Rngs) -> None:
        self.hidden = nnx.Linear(12, 16, rngs=rngs)
        self.out = nnx.Linear(16, 3, rngs=rngs)

    def __call__(self, x: jax.Array, *, key: jax.Array | None = None) -> jax.Array:
        h = jax.nn.relu(self.hidden(x))
        if key is not None:  # dropout, to check masks do not depend on the sharding
            h = jnp.where(jax.random.bernoulli(key, 0.5, h.shape), h, 0.0)
        return self.out(h)


def tiny_stepper(devices: list | None = None, scan: bool | None = None) -> Stepper:
    from shared.training import data_mesh

    return Stepper(
        TinyNet(nnx.Rngs(0)),
        paper_sgd(learning_rate=0.05),
        preprocess=lambda x, aux: x * aux,
        aux=jnp.float32(0.5),
        mesh=data_mesh(devices),
        scan=scan,
    )


def test_error_rate_counts_every_example_once() -> None:
    stepper = tiny_stepper()
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(37, 12)).astype(np.float32), rng.integers(0, 3, 37).astype(np.int32)
    logits = nnx.merge(stepper.graphdef, stepper.params)(x * 0.5)
    expected = float(np.mean(np.argmax(logits, -1) != y))
    assert stepper.error_rate(x, y, batch_size=8) == pytest.approx(expected)
    assert stepper.error_rate(x, y, batch_size=1000) == pytest.approx(expected)


@pytest.mark.parametrize("scan", [True, False], ids=["one lax.scan program", "a program per step"])
def test_a_compiled_stretch_of_steps_is_the_same_as_step_by_step(scan: bool) -> None:
    """train_steps over held data (as accelerators run it, and as CPUs do) = the same batches
    and dropout keys given from the host one step at a time."""
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(40, 12)).astype(np.float32), rng.integers(0, 3, 40).astype(np.int32)
    order = rng.permutation(40)[:32].reshape(4, 8)
    base = jax.random.key(5)
    one_by_one, scanned = tiny_stepper(), tiny_stepper(scan=scan)
    expected = [
        one_by_one.train(x[rows], y[rows], jax.random.fold_in(base, 3 + i))
        for i, rows in enumerate(order)
    ]
    losses, errors = scanned.train_steps(
        scanned.put(x, y, eval_batch_size=16), order, base, first_step=3
    )
    np.testing.assert_allclose(losses, [float(loss) for loss, _ in expected], rtol=1e-6)
    assert np.asarray(errors).tolist() == [int(e) for _, e in expected]
    for a, b in zip(
        jax.tree.leaves(scanned.params), jax.tree.leaves(one_by_one.params), strict=True
    ):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    held = scanned.put(x, y, eval_batch_size=16)  # 40 rows: three batches of 16, the last padded
    assert held.x.shape[0] == 48 and int(held.valid.sum()) == 40
    assert scanned.error_rate(held) == pytest.approx(scanned.error_rate(x, y, batch_size=1000))


def test_checkpoint_round_trip_and_mismatch(tmp_path) -> None:
    stepper = tiny_stepper()
    rng = np.random.default_rng(1)
    stepper.train(
        rng.normal(size=(8, 12)).astype(np.float32),
        rng.integers(0, 3, 8).astype(np.int32),
        jax.random.key(0),
    )
    path = tmp_path / "run.npz"
    save_checkpoint(path, stepper.state(), {"epoch": 3, "history": [0.5, 0.25]})
    fresh = tiny_stepper()
    loaded, meta = load_checkpoint(path, fresh.state())
    assert meta == {"epoch": 3, "history": [0.5, 0.25]}
    for a, b in zip(jax.tree.leaves(loaded), jax.tree.leaves(stepper.state()), strict=True):
        np.testing.assert_array_equal(a, b)
    assert load_checkpoint(tmp_path / "none.npz", fresh.state()) is None
    with pytest.raises(HypeError, match="does not match"):
        load_checkpoint(path, {"params": {"w": jnp.zeros(3)}})


def test_batch_that_does_not_split_is_refused() -> None:
    stepper = tiny_stepper()
    stepper.check_batch(128)
    if stepper.n_devices > 1:
        with pytest.raises(HypeError, match="divisible"):
            stepper.check_batch(stepper.n_devices * 3 + 1)


# Its three longest lines are split into adjacent string literals, which Python joins: the
# script the subprocess runs is the same.
SHARDED = textwrap.dedent(
    """
    import jax, numpy as np
    from tests.test_training import tiny_stepper
    assert jax.device_count() == 4, jax.devices()
    rng = np.random.default_rng(0)
    batches = [(rng.normal(size=(16, 12)).astype(np.float32), """
    """rng.integers(0, 3, 16).astype(np.int32)) for _ in range(5)]
    x_all, y_all = np.concatenate([x for x, _ in batches]), np.concatenate([y for _, y in batches])
    runs = []
    for devices in (jax.devices()[:1], jax.devices()):
        stepper = tiny_stepper(devices)
        losses = [float(stepper.train(x, y, jax.random.fold_in(jax.random.key(0), i))[0]) """
    """for i, (x, y) in enumerate(batches)]
        held = stepper.put(x_all, y_all, eval_batch_size=8)
        scanned, _ = stepper.train_steps(held, np.arange(80).reshape(5, 16), jax.random.key(1))
        runs.append((losses + np.asarray(scanned).tolist() + [stepper.error_rate(held)], """
    """jax.tree.leaves(stepper.params)))
    # Tolerance: the 4-device step sums gradients in another order (float32), nothing else differs.
    np.testing.assert_allclose(runs[0][0], runs[1][0], rtol=1e-5, atol=1e-6)
    for a, b in zip(runs[0][1], runs[1][1]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    print("same")
"""
)


def test_four_devices_give_the_one_device_result() -> None:
    """Data parallelism over 4 (simulated) CPU devices: same losses and weights as 1 device."""
    env = {
        **os.environ,
        "XLA_FLAGS": "--xla_force_host_platform_device_count=4",
        "JAX_PLATFORMS": "cpu",
    }
    done = subprocess.run(
        [sys.executable, "-c", SHARDED],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "same" in done.stdout
