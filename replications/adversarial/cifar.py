"""Goodfellow et al. (2014) Sec. 4, the CIFAR-10 number: FGSM at epsilon 0.1 against a convnet.

Nothing here is a second CIFAR-10 model or loader. The net is the alexnet replication's
four-layer convnet (``replications.alexnet.model.FourLayerNet``: three 5x5 conv layers of
32, 32 and 64 ReLU maps, each followed by 3x3/2 max pooling, then a softmax; after
cuda-convnet's ``layers-18pct.cfg``), not Goodfellow et al.'s convolutional maxout net. It is
trained with that replication's preprocessing (``subtract_mean``: raw 0-255 pixels minus the
per-pixel training mean) and the paper SGD of ``shared.training`` (momentum 0.9, weight decay
5e-4 on the kernels, batch 128), for a few epochs only (``Config.cifar_epochs``): it is a
briefly trained net, and its clean error is reported beside the FGSM error.

Threat model, as everywhere in this replication: the attacked function takes pixels in
[0, 1] (NHWC); the scaling to 0-255 and the mean subtraction live inside it, so epsilon 0.1
means a change of at most 0.1 (25.5 grey levels) per pixel and channel.

Data: ``shared.datasets.cifar10.load_cifar10``. Offline it falls back to the JPEG-degraded
copy in ``$HYPE_DATA_MIRROR/cifar10_jpeg_lossy`` (see its SOURCES.md); the sha256s of the
files used and the loader's note travel with the result.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from replications.adversarial.config import Config
from replications.adversarial.goodfellow import fgsm_examples
from replications.adversarial.train import Logits, predict
from replications.alexnet.model import FourLayerNet
from replications.alexnet.train import subtract_mean
from shared.datasets.labelled import LabelledData
from shared.training import Stepper, paper_sgd

CIFAR_EPSILON = 0.1  # Goodfellow et al. Sec. 4, tex:340-341


def to_unit(images: np.ndarray) -> np.ndarray:
    """uint8 0-255 NHWC images -> float32 pixels in [0, 1] (the threat model's units)."""
    return images.astype(np.float32) / 255.0


def train_convnet(x: np.ndarray, y: np.ndarray, cfg: Config, key: jax.Array) -> Logits:
    """Train FourLayerNet (ReLU, 3x3/2 pooling, no LRN) on uint8 images ``x`` for ``cfg.cifar_epochs``.

    Keys: init ``fold_in(key, 0)``, data order ``fold_in(key, 1)`` per epoch. Returns the
    trained net as a jitted function of [0, 1] pixels (test mode).
    """
    model = FourLayerNet(activation="relu", lrn=False, pool_size=3, rngs=nnx.Rngs(params=jax.random.fold_in(key, 0)))
    mean = x.astype(np.float64).mean(axis=0).astype(np.float32)
    stepper = Stepper(model, paper_sgd(learning_rate=cfg.cifar_lr, weight_decay=5e-4), preprocess=subtract_mean,
                      aux=jnp.asarray(mean), cache_key="adversarial_cifar")
    stepper.check_batch(cfg.batch)
    steps = len(x) // cfg.batch
    for epoch in range(cfg.cifar_epochs):
        order = np.asarray(jax.random.permutation(jax.random.fold_in(jax.random.fold_in(key, 1), epoch), len(x)))
        for step in range(steps):
            batch = order[step * cfg.batch:(step + 1) * cfg.batch]
            stepper.train(x[batch], y[batch], jax.random.fold_in(key, 2))  # no dropout in this net
    net, mean_dev = nnx.merge(stepper.graphdef, stepper.params), jnp.asarray(mean)
    graphdef, params = nnx.split(net)
    return jax.jit(lambda z: nnx.merge(graphdef, params)(subtract_mean(z * 255.0, mean_dev)))


def run_cifar(data: LabelledData, cfg: Config, key: jax.Array) -> dict:
    """Train the convnet on ``data``'s training images, then FGSM (epsilon 0.1, clipped to [0, 1])
    on every test image. Returns the clean test error, the FGSM error and the mean confidence on
    the FGSM mistakes (%), with the data's sha256s and note."""
    x, y = data.x_train[: cfg.cifar_n_train], data.y_train[: cfg.cifar_n_train]
    f = train_convnet(x, y, cfg, key)
    xt, yt = to_unit(data.x_test), data.y_test
    x_adv = fgsm_examples(f, xt, yt, CIFAR_EPSILON, chunk=500)
    clean, probs = predict(f, xt, chunk=500), predict(f, x_adv, chunk=500)
    wrong = probs.argmax(1) != yt
    return {"clean_error": float(100.0 * np.mean(clean.argmax(1) != yt)), "error": float(100.0 * wrong.mean()),
            "confidence": float(100.0 * probs.max(1)[wrong].mean()) if wrong.any() else None,
            "epsilon": CIFAR_EPSILON, "epochs": cfg.cifar_epochs, "lr": cfg.cifar_lr, "n_train": len(x),
            "n_test": len(yt), "model": "FourLayerNet (alexnet replication): 3 x conv5x5 (32, 32, 64) ReLU + "
                                        "3x3/2 max pool, softmax",
            "linf": float(np.max(np.abs(x_adv - xt))), "sha256": dict(data.sha256), "data_note": data.note}
