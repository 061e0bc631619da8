"""The training recipes (config.Recipe, train.fit) and the Gaussian-noise readings of the
adversarial replication: max-norm, schedules, early stopping, retraining, noise."""

from __future__ import annotations

import inspect
from dataclasses import replace

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from flax import nnx

from replications.adversarial import config as profiles
from replications.adversarial.cifar import ConvMaxout, fit_gcn_zca, gcn, max_pool_ceil
from replications.adversarial.config import ConvMaxoutNet, Recipe
from replications.adversarial.model import Maxout, Softmax
from replications.adversarial.szegedy import (
    GRADED_NOISE,
    NOISE_READINGS,
    NoiseReading,
    gaussian,
    noise_readings,
)
from replications.adversarial.train import (
    Runner,
    constrain,
    fit,
    learning_rate,
    logits_fn,
    momentum,
)


def banded(
    n: int, seed: int, classes: tuple[int, ...] = tuple(range(10))
) -> tuple[np.ndarray, np.ndarray]:
    """A 10-class task in [0, 1]: class k lights up its own band of 78 pixels."""
    rng = np.random.default_rng(seed)
    y = rng.choice(classes, n).astype(np.int32)
    x = 0.3 * rng.uniform(size=(n, 784)).astype(np.float32)
    for k in range(10):
        x[y == k, 78 * k : 78 * (k + 1)] += 0.6
    return x, y


def column_norms(kernel: jax.Array) -> np.ndarray:
    return np.sqrt(np.sum(np.asarray(kernel) ** 2, axis=tuple(range(kernel.ndim - 1))))


# --- max-norm -------------------------------------------------------------------------------


def test_constrain_bounds_each_listed_layers_columns_and_nothing_else() -> None:
    model = Maxout(8, 2, input_drop=0.2, hidden_drop=0.5, rngs=nnx.Rngs(0))
    _, params = nnx.split(model)
    params = jax.tree.map(lambda p: p * 50.0, params)  # every column far above the bound
    out = nnx.merge(nnx.split(model)[0], constrain(params, (("h1", 1.5), ("out", 0.5))))
    np.testing.assert_allclose(column_norms(out.h1.kernel[...]), 1.5, rtol=1e-5)
    np.testing.assert_allclose(column_norms(out.out.kernel[...]), 0.5, rtol=1e-5)
    before = nnx.merge(nnx.split(model)[0], params)
    np.testing.assert_array_equal(out.h2.kernel[...], before.h2.kernel[...])  # not listed
    np.testing.assert_array_equal(out.h1.bias[...], before.h1.bias[...])  # biases never
    tiny = jax.tree.map(lambda p: p * 1e-3, params)
    kept = constrain(tiny, (("h1", 1.5),))
    for a, b in zip(jax.tree.leaves(kept), jax.tree.leaves(tiny), strict=True):
        np.testing.assert_array_equal(a, b)  # columns inside the bound stay as they are


def test_conv_kernel_norm_runs_over_everything_but_the_output_channel() -> None:
    kernel = jnp.asarray(np.random.default_rng(0).normal(size=(5, 5, 3, 4)).astype(np.float32)) * 10
    out = constrain({"h1": {"kernel": kernel}}, (("h1", 0.9),))["h1"]["kernel"]
    np.testing.assert_allclose(column_norms(out), 0.9, rtol=1e-5)


def test_training_with_max_norm_keeps_every_column_within_its_bound() -> None:
    """Columns start far above the bound (flax's default initialisation: norms near 1) and a
    large learning rate pushes on them: after training none exceeds it and some sit at it."""
    x, y = banded(400, seed=1)
    model = Maxout(16, 2, input_drop=0.2, hidden_drop=0.5, rngs=nnx.Rngs(0))
    assert min(column_norms(layer.kernel[...]).min() for layer in (model.h1, model.h2)) > 0.5
    bound = 0.3
    recipe = Recipe(
        optimiser="momentum",
        batch_size=50,
        learning_rate=1.0,
        learning_rate_schedule="constant",
        momentum=0.5,
        final_momentum=0.5,
        max_norm=(("h1", bound), ("h2", bound), ("out", bound)),
        max_epochs=2,
    )
    fit(model, x, y, recipe, key=jax.random.key(0))
    for layer in (model.h1, model.h2, model.out):
        norms = column_norms(layer.kernel[...])
        assert norms.max() <= bound * (1 + 1e-5)
        assert norms.max() >= bound * (1 - 1e-3)


def test_the_adversarial_step_is_the_gradient_of_the_objective_as_written() -> None:
    """The step's gradient (FGSM's input gradient taken from the clean term's own backward pass)
    equals the gradient of Goodfellow et al. 2014 Sec. 6's objective as written, with ``x~``
    made by ``fgsm`` and held constant, same dropout mask; weight decay included."""
    from replications.adversarial.attacks import fgsm
    from replications.adversarial.model import SigmoidMLP
    from replications.adversarial.train import cross_entropy

    x, y = banded(64, seed=3)
    xb, yb, key = jnp.asarray(x), jnp.asarray(y), jax.random.key(4)
    for net in (
        Maxout(16, 2, input_drop=0.2, hidden_drop=0.5, rngs=nnx.Rngs(0)),
        SigmoidMLP((20,), (1e-3, 1e-3), rngs=nnx.Rngs(1)),
    ):
        graphdef, params = nnx.split(net)
        runner = Runner(graphdef, Recipe(), (0.1, 0.3), None)

        def written(p, graphdef=graphdef):
            model = nnx.merge(graphdef, p)
            logits = lambda z: model(z, key=key)  # noqa: E731
            x_adv = jax.lax.stop_gradient(fgsm(logits, xb, yb, 0.1))
            data = 0.3 * cross_entropy(logits(xb), yb) + 0.7 * cross_entropy(logits(x_adv), yb)
            return data + model.penalty()

        for ours, expected in zip(
            jax.tree.leaves(runner.gradients(params, xb, yb, key)),
            jax.tree.leaves(jax.grad(written)(params)),
            strict=True,
        ):
            np.testing.assert_allclose(ours, expected, rtol=1e-5, atol=1e-7)


# --- schedules ------------------------------------------------------------------------------


def test_maxout_schedule_reaches_the_values_the_authors_continued_run_starts_from() -> None:
    """The authors' second stage (pylearn2 mnist_pi_continued.yaml) starts at learning rate
    0.0615082606673 and momentum 0.694376766682: the first stage's schedules after its best
    epoch, 243 epochs of 500 updates (batch 100 on 50,000 images)."""
    recipe = profiles.paper().maxout
    assert float(learning_rate(recipe, 0, 1, 1)) == pytest.approx(0.1)
    after_243 = float(learning_rate(recipe, 243 * 500, 244, 1))
    assert after_243 == pytest.approx(0.0615082606673, rel=1e-5)
    assert float(learning_rate(recipe, 10**9, 1, 1)) == pytest.approx(1e-6)  # the floor
    assert float(momentum(recipe, 1)) == pytest.approx(0.5)
    assert float(momentum(recipe, 243)) == pytest.approx(0.694376766682, abs=1e-5)
    assert float(momentum(recipe, 250)) == pytest.approx(0.7)
    assert float(momentum(recipe, 900)) == pytest.approx(0.7)


def test_linear_and_cosine_learning_rates() -> None:
    recipe = profiles.paper().cifar  # 0.17 falling linearly to 1% at epoch 500
    assert float(learning_rate(recipe, 0, 1, 1)) == pytest.approx(0.17)
    halfway = 0.17 * (1 - 0.99 * 249 / 499)
    assert float(learning_rate(recipe, 0, 250, 1)) == pytest.approx(halfway, rel=1e-5)
    assert float(learning_rate(recipe, 0, 500, 1)) == pytest.approx(0.0017)
    assert float(learning_rate(recipe, 0, 800, 1)) == pytest.approx(0.0017)
    cosine = Recipe(learning_rate=1e-3, learning_rate_schedule="cosine")
    reference = optax.cosine_decay_schedule(1e-3, 1000)
    for step in (0, 1, 333, 999, 1000, 1500):
        ours = float(learning_rate(cosine, step, 1, 1000))
        assert ours == pytest.approx(float(reference(step)), abs=1e-9)


# --- stopping rules and retraining ------------------------------------------------------------


def test_early_stopping_keeps_the_best_epochs_weights(monkeypatch: pytest.MonkeyPatch) -> None:
    """Monitored values 5, 3, 4, 3.5, 3.2: with patience 3 training stops after epoch 5, and the
    weights kept are those after epoch 2 (the same as training exactly 2 epochs)."""
    values = iter([5.0, 3.0, 4.0, 3.5, 3.2, 1.0, 1.0])
    monkeypatch.setattr(Runner, "watch", lambda self, *args: next(values))
    x, y = banded(300, seed=2)
    recipe = Recipe(
        batch_size=50,
        learning_rate=1e-2,
        learning_rate_schedule="constant",
        max_epochs=20,
        monitor="valid_error",
        patience=3,
        n_valid=100,
    )
    stopped = Softmax(0.0, rngs=nnx.Rngs(0))
    log = fit(stopped, x, y, recipe, key=jax.random.key(3))
    assert (log.epochs, log.best_epoch, log.stopped) == (5, 2, "patience")
    assert log.monitor == [5.0, 3.0, 4.0, 3.5, 3.2]
    two = Softmax(0.0, rngs=nnx.Rngs(0))
    fit(
        two,
        x[:200],
        y[:200],
        replace(recipe, monitor="none", n_valid=0, max_epochs=2),
        key=jax.random.key(3),
    )
    np.testing.assert_array_equal(stopped.out.kernel[...], two.out.kernel[...])


def test_min_decrease_sets_what_counts_as_progress(monkeypatch: pytest.MonkeyPatch) -> None:
    """pylearn2's prop_decrease: decreases under 10% do not restart the countdown, but the best
    weights still follow every decrease."""
    values = iter([1.0, 0.95, 0.92, 0.5])
    monkeypatch.setattr(Runner, "watch", lambda self, *args: next(values))
    x, y = banded(200, seed=4)
    recipe = Recipe(
        batch_size=50,
        learning_rate_schedule="constant",
        max_epochs=10,
        monitor="train_objective",
        patience=2,
        min_decrease=0.1,
    )
    log = fit(Softmax(0.0, rngs=nnx.Rngs(0)), x, y, recipe, key=jax.random.key(0))
    assert (log.epochs, log.best_epoch, log.stopped) == (3, 3, "patience")


@pytest.mark.parametrize("retrain", ["same_epochs", "continue"])
def test_retraining_stage_trains_on_the_held_out_images(retrain: str) -> None:
    """Class 9 appears only in the held-out last 200 images: a net trained on the first stage
    alone never predicts it; after the retraining stage on all images it does."""
    x_fit, y_fit = banded(600, seed=5, classes=tuple(range(9)))
    x_out, y_out = banded(200, seed=6, classes=(9,))
    x, y = np.concatenate([x_fit, x_out]), np.concatenate([y_fit, y_out])
    recipe = Recipe(
        optimiser="momentum",
        batch_size=50,
        learning_rate=0.5,
        learning_rate_schedule="constant",
        momentum=0.5,
        final_momentum=0.5,
        max_epochs=4,
        monitor="valid_error",
        patience=2,
        n_valid=200,
    )
    first_only = Softmax(0.0, rngs=nnx.Rngs(0))
    log = fit(first_only, x, y, recipe, key=jax.random.key(0))
    assert log.epochs == 3 and log.best_epoch == 1  # 100% error on class 9 throughout
    assert np.all(np.asarray(logits_fn(first_only)(x_out)).argmax(1) != 9)
    retrained = Softmax(0.0, rngs=nnx.Rngs(0))
    log = fit(retrained, x, y, replace(recipe, retrain=retrain), key=jax.random.key(0))
    assert log.retrain_epochs >= 1
    assert np.mean(np.asarray(logits_fn(retrained)(x_out)).argmax(1) == 9) > 0.9
    if retrain == "continue":  # from the best weights (first_only's) until the held-out loss
        # falls to stage one's training loss: it starts above, and the first epoch below stops it
        start = optax.softmax_cross_entropy_with_integer_labels(logits_fn(first_only)(x_out), y_out)
        target, losses = log.retrain_target, log.retrain_monitor
        assert float(start.mean()) > target and log.retrain_stopped == "target reached"
        assert losses[-1] <= target and all(v > target for v in losses[:-1])


def test_recipe_refuses_what_it_cannot_do() -> None:
    with pytest.raises(ValueError, match="optimiser"):
        Recipe(optimiser="rmsprop")
    with pytest.raises(ValueError, match="n_valid"):
        Recipe(monitor="valid_error")
    with pytest.raises(ValueError, match="held-out"):
        Recipe(monitor="train_objective", retrain="continue")


def test_profiles_say_what_they_are() -> None:
    assert set(profiles.PROFILES) == {"paper", "cpu", "smoke"}
    # the paper profile says how a CPU runs it: jobs carried across sessions, CIFAR-10 on a GPU
    doc = " ".join(inspect.getdoc(profiles.paper).split())
    assert "carried from one session to the next" in doc and "on a CPU that stage is not run" in doc
    assert "python -m replications.adversarial.estimate" in doc
    # the cpu run is what the site shows until a paper run replaces it, under its own name
    assert "published, as ``cpu``, until a ``paper`` run replaces it" in inspect.getdoc(
        profiles.cpu
    )
    assert profiles.STAND_IN == "cpu"
    paper = profiles.paper()
    assert (paper.maxout.monitor, paper.maxout.retrain) == ("valid_error", "continue")
    assert (paper.maxout_adversarial.monitor, paper.maxout_adversarial.retrain) == (
        "adversarial_valid_error",
        "same_epochs",
    )
    assert paper.maxout.n_valid == 10_000 and paper.maxout.patience == 100
    assert all(r.monitor == "none" for r in (profiles.cpu().maxout, profiles.cpu().mlp))


# --- Gaussian-noise readings (Szegedy et al. Tables 2 and 4) ---------------------------------


def test_noise_readings_differ_as_they_should() -> None:
    x = np.full((50, 784), 0.5, np.float32)
    x[:, :300] = 0.0  # a black background, as MNIST's
    key = jax.random.key(0)
    fresh = gaussian(x, 0.3, key, NoiseReading(1.0, clip=False, shared=False))
    assert (fresh < 0.0).mean() > 0.1 and (fresh > 1.0).any()  # unclipped noise leaves the box
    clipped = gaussian(x, 0.3, key, NoiseReading(1.0, clip=True, shared=False))
    assert clipped.min() >= 0.0 and clipped.max() <= 1.0
    np.testing.assert_array_equal(clipped, np.clip(fresh, 0.0, 1.0))  # the same draw, clipped
    noise = fresh - x
    assert not np.allclose(noise[0], noise[1])  # fresh noise for each image
    shared = gaussian(x, 0.3, key, NoiseReading(1.0, clip=False, shared=True)) - x
    np.testing.assert_array_equal(shared, np.broadcast_to(shared[0], shared.shape))  # one pattern
    grey = gaussian(x, 0.3, key, NoiseReading(255.0, clip=False, shared=False)) - x
    assert np.std(grey) == pytest.approx(0.3 / 255.0, rel=0.05)
    assert np.std(noise) == pytest.approx(0.3, rel=0.05)
    assert np.sqrt(np.mean((clipped - x) ** 2)) < 0.85 * 0.3  # clipping takes noise away


def test_noise_readings_table_has_every_reading_and_marks_the_graded_one() -> None:
    assert len(set(NOISE_READINGS)) == 8 and GRADED_NOISE in NOISE_READINGS
    w = jnp.asarray(np.random.default_rng(0).normal(size=(784, 10)).astype(np.float32))
    models = {"a": jax.jit(lambda z: z @ w), "b": jax.jit(lambda z: -(z @ w))}
    x, y = banded(40, seed=7)
    rows = noise_readings(models, x, y, (0.1, 0.3), jax.random.key(1))
    assert len(rows) == 16 and sum(r["graded"] for r in rows) == 2
    graded = [r for r in rows if r["graded"]]
    assert [r["distortion"] for r in graded] == pytest.approx([0.1, 0.3], rel=0.05)  # RMS = sigma
    for r in rows:
        clipped = "clipped" in r["reading"] and "not clipped" not in r["reading"]
        assert (r["outside_box"] == 0.0) == clipped


# --- CIFAR-10 maxout net: preprocessing and shapes ---------------------------------------------


def test_gcn_gives_zero_mean_rows_of_the_stated_norm() -> None:
    x = np.random.default_rng(0).uniform(size=(5, 3072)).astype(np.float32)
    z = np.asarray(gcn(x, 55.0))
    np.testing.assert_allclose(z.mean(1), 0.0, atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(z, axis=1), 55.0, rtol=1e-5)


def test_zca_whitens_to_the_biased_spectrum() -> None:
    """With bias b, the whitened covariance is V diag(l / (l + b)) V^T: eigenvalues below 1,
    near 1 where the data's variance is large."""
    x = np.random.default_rng(1).normal(size=(4000, 12)).astype(np.float32)
    x *= np.linspace(0.5, 5, 12, dtype=np.float32)
    spec = ConvMaxoutNet(gcn_scale=10.0, zca_bias=0.1)
    mean, whiten = fit_gcn_zca(x, spec)
    white = (np.asarray(gcn(x, 10.0)) - mean) @ whiten
    eigenvalues = np.linalg.eigvalsh(np.cov(white.T, bias=True))
    assert eigenvalues.max() < 1.0 and eigenvalues.max() > 0.9
    np.testing.assert_allclose(whiten, whiten.T, atol=1e-5)  # ZCA: symmetric, no rotation


def test_conv_maxout_has_the_configs_shapes() -> None:
    """pylearn2's cuda-convnet pooling keeps the partial last window: 32 -pad 4, conv 8-> 33
    -pool 4/2-> 16 -pad 3, conv 8-> 15 -> 7 -pad 3, conv 5-> 9 -pool 2/2-> 5; 5 x 5 x 192 = 4800."""
    assert max_pool_ceil(jnp.zeros((1, 33, 33, 1)), 4, 2).shape[1] == 16
    assert max_pool_ceil(jnp.zeros((1, 15, 15, 1)), 4, 2).shape[1] == 7
    assert max_pool_ceil(jnp.zeros((1, 9, 9, 1)), 2, 2).shape[1] == 5
    net = ConvMaxout(ConvMaxoutNet(), rngs=nnx.Rngs(0))
    assert net.h4.kernel[...].shape == (4800, 2500)
    spec = ConvMaxoutNet(channels=(4, 4, 4), dense_units=6, dense_pieces=2)
    small = ConvMaxout(spec, rngs=nnx.Rngs(0))
    out = small(jnp.zeros((3, 3072)), key=jax.random.key(0))
    assert out.shape == (3, 10)


# --- stopping and resuming (train.Resumable; jobs carried across sessions) ------------------


@pytest.mark.parametrize("retrain", ["none", "continue", "same_epochs"])
def test_a_stopped_fit_continues_to_the_same_weights_and_log(
    retrain: str, tmp_path, stop_after
) -> None:
    """Stopped before any epoch of stage one, of the retraining stage, or in between, and
    resumed from its checkpoint (possibly several times), ``fit`` ends with the weights and the
    log of the run that never stopped: dropout masks, data order, schedules, optimiser state and
    the stopping rule's state all carry over."""
    from replications.adversarial.train import Resumable, Stopped

    x, y = banded(500, seed=7)
    recipe = Recipe(
        optimiser="momentum",
        batch_size=50,
        learning_rate=0.2,
        learning_rate_schedule="exponential",
        learning_rate_decay=1.001,
        momentum=0.5,
        final_momentum=0.7,
        momentum_saturate=4,
        max_epochs=5,
        monitor="valid_error",
        patience=2,
        n_valid=100,
        retrain=retrain,
    )

    def model() -> Maxout:
        return Maxout(8, 2, input_drop=0.2, hidden_drop=0.5, rngs=nnx.Rngs(1))

    whole = model()
    log = fit(whole, x, y, recipe, key=jax.random.key(5))
    epochs = log.epochs + (log.retrain_epochs if retrain != "none" else 0)
    assert epochs >= 3
    for stops in ([1], [log.epochs], [log.epochs + 1, 1], [2, 1, 1]):
        if sum(stops) >= epochs:
            continue
        path = tmp_path / f"stopped-{retrain}-{'-'.join(map(str, stops))}.npz"
        for allowed in stops:
            with pytest.raises(Stopped):
                fit(
                    model(),
                    x,
                    y,
                    recipe,
                    key=jax.random.key(5),
                    resumable=Resumable(path, "job", stop_after(allowed)),
                )
            assert path.is_file()
        resumed = model()
        again = fit(resumed, x, y, recipe, key=jax.random.key(5), resumable=Resumable(path, "job"))
        assert again.as_dict() == log.as_dict(), stops
        leaves = zip(
            jax.tree.leaves(nnx.state(resumed)), jax.tree.leaves(nnx.state(whole)), strict=True
        )
        for a, b in leaves:
            np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def test_a_checkpoint_of_another_key_is_not_resumed(tmp_path, stop_after) -> None:
    """A checkpoint written under another key (other settings) is ignored: the run starts over
    and ends as a fresh run does."""
    from replications.adversarial.train import Resumable, Stopped

    x, y = banded(200, seed=8)
    recipe = Recipe(batch_size=50, learning_rate_schedule="constant", max_epochs=3)
    path = tmp_path / "job.npz"
    other = replace(recipe, learning_rate=0.5)
    with pytest.raises(Stopped):
        keep = Resumable(path, "old key", stop_after(2))
        fit(Softmax(0.0, rngs=nnx.Rngs(0)), x, y, other, key=jax.random.key(0), resumable=keep)
    fresh, resumed = Softmax(0.0, rngs=nnx.Rngs(0)), Softmax(0.0, rngs=nnx.Rngs(0))
    fit(fresh, x, y, recipe, key=jax.random.key(0))
    keep = Resumable(path, "new key")
    fit(resumed, x, y, recipe, key=jax.random.key(0), resumable=keep)
    np.testing.assert_array_equal(fresh.out.kernel[...], resumed.out.kernel[...])


def test_the_estimate_times_an_epoch_of_each_job_and_sums_the_hours(monkeypatch) -> None:
    """Issue 28, measure first: every kind of job (softmax, autoencoder, the softmax on its
    codes before the autoencoder is trained, adversarial training) is timed, and the profile's
    hours run from the fewest epochs its rules allow to its caps."""
    from replications.adversarial import experiment, jobs
    from replications.adversarial.estimate import measure

    config = profiles.smoke()
    rng = np.random.default_rng(0)
    fake = {
        "x_train": rng.random((config.n_train, 784), dtype=np.float32),
        "y_train": rng.integers(0, 10, config.n_train),
    }
    monkeypatch.setattr(experiment, "mnist", lambda c: fake)
    every = jobs.model_jobs
    chosen = ("fc10-0.0001", "ae400", "ae400-10", "maxout-adversarial")
    monkeypatch.setattr(jobs, "model_jobs", lambda c: [j for j in every(c) if j.file in chosen])
    record = measure("smoke", steps=1, threads=1)
    rows = record["estimate"]["jobs"]
    assert [r["job"] for r in rows] == list(chosen)
    assert all(r["train"] > 0 and r["monitor"] >= 0 for r in rows)
    assert all(1 <= r["epochs"][0] <= r["epochs"][1] for r in rows)
    low, high = record["estimate"]["job_hours"]
    assert 0 <= low <= high
    assert record["provenance"]["device"]["cpu_count"] >= 1
