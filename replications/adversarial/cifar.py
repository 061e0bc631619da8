"""Goodfellow et al. (2014) Sec. 4, the CIFAR-10 number: FGSM at epsilon 0.1 against a convnet.

Two nets, by profile (``Config.cifar_net``):

- ``"maxout"`` (paper): Goodfellow et al.'s own, the convolutional maxout net of Goodfellow et
  al. 2013 Sec. 5.2 (:class:`ConvMaxout`: three conv maxout layers with max pooling, a dense
  maxout layer, a softmax; dropout; max-norm), on images preprocessed as that section says,
  global contrast normalisation then ZCA whitening (:func:`fit_gcn_zca`), trained by
  ``Config.cifar`` (early stopping on the last 10,000 training images, then all 50,000). The
  papers state the layer types and the preprocessing; sizes, pooling, learning rates and the
  preprocessing constants are the authors' released config (pylearn2
  scripts/papers/maxout/cifar10_no_aug_valid.yaml and make_cifar10_gcn_whitened.py).
- ``"four-layer"`` (cpu): the alexnet replication's four-layer convnet
  (``replications.alexnet.model.FourLayerNet``), its preprocessing (``subtract_mean``) and the
  shared paper SGD (momentum 0.9, weight decay 5e-4, batch 128), for ``Config.cifar_epochs``.

Threat model, as everywhere in this replication: the attacked function takes pixels in
[0, 1] (NHWC); the preprocessing lives inside it, so epsilon 0.1 means a change of at most
0.1 (25.5 grey levels) per pixel and channel. Goodfellow et al. say they attacked "a
preprocessed version of the CIFAR-10 test set" and do not say whether epsilon is in pixel
units or in the units of the preprocessed images; we take pixels.

Data: ``shared.datasets.cifar10.load_cifar10``. Offline it falls back to the JPEG-degraded
copy in ``$HYPE_DATA_MIRROR/cifar10_jpeg_lossy`` (see its SOURCES.md); the sha256s of the
files used and the loader's note travel with the result.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from replications.adversarial.config import Config, ConvMaxoutNet
from replications.adversarial.goodfellow import fgsm_examples
from replications.adversarial.model import dropout, uniform
from replications.adversarial.train import Logits, fit, predict
from replications.alexnet import FourLayerNet, subtract_mean
from shared.datasets.labelled import LabelledData
from shared.training import Stepper, paper_sgd

CIFAR_EPSILON = 0.1  # Goodfellow et al. Sec. 4, tex:340-341


def to_unit(images: np.ndarray) -> np.ndarray:
    """uint8 0-255 NHWC images -> float32 pixels in [0, 1] (the threat model's units)."""
    return images.astype(np.float32) / 255.0


def gcn(x: jax.Array | np.ndarray, scale: float) -> jax.Array:
    """Global contrast normalisation (Goodfellow et al. 2013 Sec. 5.2): each image (a row of
    ``x``) minus its mean, rescaled to L2 norm ``scale`` (pylearn2's ``global_contrast_normalize``
    with ``scale`` 55, no bias, an image of norm below 1e-8 left unscaled)."""
    centred = x - jnp.mean(x, axis=-1, keepdims=True)
    norm = jnp.sqrt(jnp.sum(centred**2, axis=-1, keepdims=True))
    return centred * scale / jnp.where(norm < 1e-8, scale, norm)


def fit_gcn_zca(x: np.ndarray, spec: ConvMaxoutNet) -> tuple[np.ndarray, np.ndarray]:
    """ZCA whitening fitted on the contrast-normalised rows of ``x`` (Goodfellow et al. 2013 Sec.
    5.2): returns ``(mean, P)`` with ``P = V diag(1 / sqrt(lambda + bias)) V^T`` from the
    eigendecomposition of the covariance, as pylearn2's ZCA (``filter_bias`` 0.1). In float64."""
    z = np.asarray(gcn(jnp.asarray(x, jnp.float32), spec.gcn_scale), dtype=np.float64)
    mean = z.mean(axis=0)
    z -= mean
    eigenvalues, vectors = np.linalg.eigh(z.T @ z / len(z) + spec.zca_bias * np.eye(z.shape[1]))
    whiten = (vectors / np.sqrt(eigenvalues)) @ vectors.T
    return mean.astype(np.float32), whiten.astype(np.float32)


def gcn_zca(x: jax.Array, mean: jax.Array, whiten: jax.Array, scale: float) -> jax.Array:
    """[0, 1] images ``(n, ...)`` -> their preprocessed rows ``(n, 3072)``."""
    return (gcn(x.reshape(len(x), -1), scale) - mean) @ whiten


def max_pool_ceil(x: jax.Array, window: int, stride: int) -> jax.Array:
    """Max pooling that keeps the last, partial window: ``ceil((n - window) / stride) + 1``
    outputs per side (cuda-convnet's pooling, which the authors' config used)."""
    n = x.shape[1]
    out = -(-(n - window) // stride) + 1
    pad = (out - 1) * stride + window - n
    return jax.lax.reduce_window(
        x,
        -jnp.inf,
        jax.lax.max,
        (1, window, window, 1),
        (1, stride, stride, 1),
        ((0, 0), (0, pad), (0, pad), (0, 0)),
    )


class ConvMaxout(nnx.Module):
    """The convolutional maxout net of Goodfellow et al. 2013 Sec. 5.2 on preprocessed rows.

    Takes the ``(n, 3072)`` rows of :func:`gcn_zca` (NHWC order) and returns logits. Each conv
    layer ``h1``-``h3``: padding, convolution to ``channels x pieces`` maps, the max over each
    group of ``pieces`` maps, max pooling; then ``h4``, a dense maxout layer, and ``out``, the
    softmax. Dropout drops 20% of the input (kept pixels not rescaled, as the authors' config)
    and 50% of each layer's output in training (``key`` given). Weights uniform in +-0.005.
    """

    def __init__(self, spec: ConvMaxoutNet, *, rngs: nnx.Rngs) -> None:
        init = {"kernel_init": uniform(spec.init_range), "bias_init": nnx.initializers.zeros}
        size, channels_in, convs = 32, 3, []
        for channels, k, pad, (window, stride) in zip(
            spec.channels, spec.kernels, spec.pads, spec.pools, strict=True
        ):
            convs.append(
                nnx.Conv(
                    channels_in,
                    channels * spec.pieces,
                    (k, k),
                    padding=((pad, pad), (pad, pad)),
                    rngs=rngs,
                    **init,
                )
            )
            size = -(-(size + 2 * pad - k + 1 - window) // stride) + 1
            channels_in = channels
        self.h1, self.h2, self.h3 = convs
        self.h4 = nnx.Linear(
            size * size * channels_in, spec.dense_units * spec.dense_pieces, rngs=rngs, **init
        )
        self.out = nnx.Linear(spec.dense_units, 10, rngs=rngs, **init)
        self.spec = spec

    def __call__(self, x: jax.Array, *, key: jax.Array | None = None) -> jax.Array:
        spec = self.spec
        keys = jax.random.split(key, 5) if key is not None else (None,) * 5
        x = dropout(x.reshape(-1, 32, 32, 3), spec.input_drop, keys[0], rescale=False)
        for i, (conv, (window, stride)) in enumerate(
            zip((self.h1, self.h2, self.h3), spec.pools, strict=True)
        ):
            z = conv(x)
            z = z.reshape(*z.shape[:-1], z.shape[-1] // spec.pieces, spec.pieces).max(-1)
            x = dropout(max_pool_ceil(z, window, stride), spec.hidden_drop, keys[i + 1])
        z = self.h4(x.reshape(len(x), -1))
        z = z.reshape(len(z), spec.dense_units, spec.dense_pieces).max(-1)
        return self.out(dropout(z, spec.hidden_drop, keys[4]))

    def penalty(self) -> jax.Array:
        return jnp.zeros(())


def train_conv_maxout(
    x: np.ndarray, y: np.ndarray, config: Config, key: jax.Array
) -> tuple[Logits, dict]:
    """Fit the preprocessing on the uint8 NHWC training images ``x``, train :class:`ConvMaxout`
    by ``config.cifar``; returns the net as a jitted function of [0, 1] pixels, and its log."""
    spec = config.cifar_maxout
    unit = to_unit(x)
    mean, whiten = fit_gcn_zca(unit.reshape(len(unit), -1), spec)
    prep = jax.jit(lambda z: gcn_zca(z, mean, whiten, spec.gcn_scale))
    rows = np.concatenate(
        [np.asarray(prep(jnp.asarray(unit[i : i + 5_000]))) for i in range(0, len(unit), 5_000)]
    )
    model = ConvMaxout(spec, rngs=nnx.Rngs(jax.random.fold_in(key, 0)))
    log = fit(model, rows, y, config.cifar, key=jax.random.fold_in(key, 1))
    graphdef, params = nnx.split(model)
    mean_dev, whiten_dev = jnp.asarray(mean), jnp.asarray(whiten)

    def f(z: jax.Array) -> jax.Array:
        return nnx.merge(graphdef, params)(gcn_zca(z, mean_dev, whiten_dev, spec.gcn_scale))

    return jax.jit(f), log.as_dict()


def train_convnet(x: np.ndarray, y: np.ndarray, config: Config, key: jax.Array) -> Logits:
    """Train FourLayerNet (ReLU, 3x3/2 pooling, no LRN) on uint8 images ``x`` for
    ``config.cifar_epochs``.

    Keys: init ``fold_in(key, 0)``, data order ``fold_in(key, 1)`` per epoch. Returns the
    trained net as a jitted function of [0, 1] pixels (test mode).
    """
    model = FourLayerNet(
        activation="relu", lrn=False, pool_size=3, rngs=nnx.Rngs(params=jax.random.fold_in(key, 0))
    )
    mean = x.astype(np.float64).mean(axis=0).astype(np.float32)
    stepper = Stepper(
        model,
        paper_sgd(learning_rate=config.cifar_learning_rate, weight_decay=5e-4),
        preprocess=subtract_mean,
        aux=jnp.asarray(mean),
        cache_key="adversarial_cifar",
    )
    stepper.check_batch(config.batch_size)
    steps = len(x) // config.batch_size
    for epoch in range(config.cifar_epochs):
        order = np.asarray(
            jax.random.permutation(jax.random.fold_in(jax.random.fold_in(key, 1), epoch), len(x))
        )
        for step in range(steps):
            batch = order[step * config.batch_size : (step + 1) * config.batch_size]
            stepper.train(x[batch], y[batch], jax.random.fold_in(key, 2))  # no dropout in this net
    net, mean_dev = nnx.merge(stepper.graphdef, stepper.params), jnp.asarray(mean)
    graphdef, params = nnx.split(net)
    return jax.jit(lambda z: nnx.merge(graphdef, params)(subtract_mean(z * 255.0, mean_dev)))


def run_cifar(data: LabelledData, config: Config, key: jax.Array) -> dict:
    """Train the convnet on ``data``'s training images, then FGSM (epsilon 0.1, clipped to [0, 1])
    on every test image. Returns the clean test error, the FGSM error and the mean confidence on
    the FGSM mistakes (%), with the data's sha256s and note."""
    x, y = data.x_train[: config.cifar_n_train], data.y_train[: config.cifar_n_train]
    if config.cifar_net == "maxout":
        f, log = train_conv_maxout(x, y, config, key)
        epochs = log["retrain_epochs"]  # the final net: retrained from scratch on all images
        model = "convolutional maxout net (Goodfellow et al. 2013 Sec. 5.2), GCN + ZCA inside"
    else:
        f, log, epochs = train_convnet(x, y, config, key), {}, config.cifar_epochs
        model = (
            "FourLayerNet (alexnet replication): 3 x conv5x5 (32, 32, 64) ReLU + 3x3/2 max "
            "pool, softmax"
        )
    xt, yt = to_unit(data.x_test), data.y_test
    x_adv = fgsm_examples(f, xt, yt, CIFAR_EPSILON, chunk=500)
    clean, probs = predict(f, xt, chunk=500), predict(f, x_adv, chunk=500)
    wrong = probs.argmax(1) != yt
    return {
        "clean_error": float(100.0 * np.mean(clean.argmax(1) != yt)),
        "error": float(100.0 * wrong.mean()),
        "confidence": float(100.0 * probs.max(1)[wrong].mean()) if wrong.any() else None,
        "epsilon": CIFAR_EPSILON,
        "epochs": epochs,
        "net": config.cifar_net,
        "training": log,
        "n_train": len(x),
        "n_test": len(yt),
        "model": model,
        "linf": float(np.max(np.abs(x_adv - xt))),
        "sha256": dict(data.sha256),
        "data_note": data.note,
    }


# The authors' run (cifar10_no_aug_valid.yaml and the README beside it): early stopping found
# its best epoch, then 100 epochs of patience; the final net was retrained on all 50,000 for
# the best epoch's count, 785 epochs. We count the first stage as 785 + 100 epochs.
AUTHORS_EPOCHS = (885, 785)  # (first stage on 40,000 images, retraining on 50,000)


def cpu_hours(config: Config, steps: int = 3) -> dict:
    """The convolutional maxout recipe's time on this machine, from the measured time of
    ``steps`` updates (batches of ``config.cifar.batch_size``, after compilation) scaled to the
    authors' epochs (``AUTHORS_EPOCHS``): what the CIFAR-10 stage would take if run here."""
    import time

    from replications.adversarial.train import Runner

    recipe, spec = config.cifar, config.cifar_maxout
    model = ConvMaxout(spec, rngs=nnx.Rngs(0))
    graphdef, params = nnx.split(model)
    runner = Runner(graphdef, recipe, None, None)
    rng = np.random.default_rng(0)
    n = steps * recipe.batch_size
    xs = jnp.asarray(rng.normal(size=(n, 32, 32, 3)).astype(np.float32))
    ys = jnp.asarray(rng.integers(0, 10, n).astype(np.int32))
    args = (params, runner.init_state(params), jnp.int32(0), jnp.int32(1), jnp.float32(0.5))

    def epoch() -> None:
        out = runner.train_epoch(*args, xs, ys, jax.random.key(0), n_steps=steps, total_steps=steps)
        jax.block_until_ready(out)

    epoch()  # compile
    began = time.perf_counter()
    epoch()
    per_step = (time.perf_counter() - began) / steps
    first, retrain = AUTHORS_EPOCHS
    n_train = config.cifar_n_train
    updates = first * ((n_train - recipe.n_valid) // recipe.batch_size) + retrain * (
        n_train // recipe.batch_size
    )
    return {
        "seconds_per_step": round(per_step, 3),
        "batch_size": recipe.batch_size,
        "epochs": list(AUTHORS_EPOCHS),
        "hours": round(per_step * updates / 3600, 1),
    }


def needs_gpu(config: Config) -> dict:
    """The CIFAR-10 stage's table when the recipe's net cannot be trained here (a CPU): not run,
    with the time it would take, measured."""
    estimate = cpu_hours(config)
    first, retrain = estimate["epochs"]
    return {
        "error": None,
        "note": (
            f"not run: needs a GPU (the convolutional maxout net's recipe, about "
            f"{estimate['hours']:,.0f} h on this CPU: {estimate['seconds_per_step']:.2f} s per "
            f"batch of {estimate['batch_size']} measured, {first} epochs on 40,000 images then "
            f"{retrain} on 50,000 as in the authors' run)"
        ),
        "cpu_estimate": estimate,
    }
