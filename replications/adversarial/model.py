"""The MNIST models of Szegedy et al. (2013) Table 1 and the maxout net of Goodfellow et al. (2014).

Threat model, everywhere in this replication: a model takes pixels in [0, 1]
(shape ``(batch, 784)``) and returns logits; any normalisation would live inside
``__call__``, so attacks and their budgets are always in [0, 1] pixel units.

Each model's ``penalty()`` is its weight decay: ``sum_l lambda_l * ||W_l||^2`` over the
weight matrices (biases are not decayed), added to the mean cross-entropy. Szegedy et al.
give lambda per model (Table 1) but not the normalisation; this is our assumption.
"""

from __future__ import annotations

from collections.abc import Sequence

import jax
import jax.numpy as jnp
import optax
from flax import nnx

N_PIXELS = 28 * 28
N_CLASSES = 10


def _sq(layer: nnx.Linear) -> jax.Array:
    return jnp.sum(layer.kernel[...] ** 2)


class Softmax(nnx.Module):
    """FC10(lambda): softmax regression on the raw pixels (Szegedy et al. Table 1, rows 1-3)."""

    def __init__(self, decay: float, *, rngs: nnx.Rngs) -> None:
        self.out = nnx.Linear(N_PIXELS, N_CLASSES, kernel_init=nnx.initializers.zeros, rngs=rngs)
        self.decay = decay

    def __call__(self, x: jax.Array, *, key: jax.Array | None = None) -> jax.Array:
        return self.out(x)

    def penalty(self) -> jax.Array:
        return self.decay * _sq(self.out)


class SigmoidMLP(nnx.Module):
    """FC h1-h2-10: two sigmoid hidden layers and a softmax (Table 1, rows 4-5; Table 3).

    Szegedy et al. Sec. 4.2: FC100-100-10 and FC200-200-10 with lambda = (1e-5, 1e-5, 1e-6).
    """

    def __init__(self, hidden: Sequence[int], decays: Sequence[float], *, rngs: nnx.Rngs) -> None:
        sizes = [N_PIXELS, *hidden, N_CLASSES]
        self.layers = nnx.List(
            [nnx.Linear(a, b, rngs=rngs) for a, b in zip(sizes[:-1], sizes[1:], strict=True)]
        )
        if len(decays) != len(self.layers):
            raise ValueError(
                f"need one weight decay per layer ({len(self.layers)}), got {len(decays)}"
            )
        self.decays = tuple(decays)

    def __call__(self, x: jax.Array, *, key: jax.Array | None = None) -> jax.Array:
        for layer in self.layers[:-1]:
            x = jax.nn.sigmoid(layer(x))
        return self.layers[-1](x)

    def penalty(self) -> jax.Array:
        return sum(lam * _sq(layer) for lam, layer in zip(self.decays, self.layers, strict=True))


class Autoencoder(nnx.Module):
    """The unsupervised part of AE400-10: a *sparse* autoencoder of 400 sigmoid units with an
    (untied) sigmoid decoder.

    Szegedy et al. (Sec. 4.2) describe AE400-10 as a single-layer sparse autoencoder with
    sigmoid activations and 400 nodes, a softmax on top, not fine-tuned. Without the sparsity
    term the codes stay in the sigmoid's near-linear range and a softmax on them does no better
    than one on the pixels (7.8% test error, measured); with it they become sparse part
    detectors. The penalty is the usual one of sparse autoencoders (Ng's UFLDL notes):
    ``weight * sum_j KL(target || mean activation of unit j over the batch)``.
    """

    def __init__(
        self,
        hidden: int,
        *,
        sparsity_target: float = 0.05,
        sparsity_weight: float = 3.0,
        rngs: nnx.Rngs,
    ) -> None:
        self.encoder = nnx.Linear(N_PIXELS, hidden, rngs=rngs)
        self.decoder = nnx.Linear(hidden, N_PIXELS, rngs=rngs)
        self.sparsity_target, self.sparsity_weight = sparsity_target, sparsity_weight

    def encode(self, x: jax.Array) -> jax.Array:
        return jax.nn.sigmoid(self.encoder(x))

    def reconstruction_loss(self, x: jax.Array) -> jax.Array:
        """Cross-entropy of the sigmoid reconstruction (summed over pixels, mean over the batch)
        plus the sparsity penalty on the batch-mean activation of each hidden unit."""
        codes = self.encode(x)
        reconstruction = optax.sigmoid_binary_cross_entropy(self.decoder(codes), x).sum(-1).mean()
        rho, rho_hat = self.sparsity_target, jnp.clip(codes.mean(0), 1e-6, 1.0 - 1e-6)
        kl = rho * jnp.log(rho / rho_hat) + (1.0 - rho) * jnp.log((1.0 - rho) / (1.0 - rho_hat))
        return reconstruction + self.sparsity_weight * jnp.sum(kl)


class AutoencoderSoftmax(nnx.Module):
    """AE400-10 (Table 1, row 6): a softmax on the codes of a frozen autoencoder ("not
    fine-tuned")."""

    def __init__(self, encoder: nnx.Linear, decay: float, *, rngs: nnx.Rngs) -> None:
        self.encoder = encoder
        self.out = nnx.Linear(encoder.out_features, N_CLASSES, rngs=rngs)
        self.decay = decay

    def __call__(self, x: jax.Array, *, key: jax.Array | None = None) -> jax.Array:
        # Frozen: gradients reach the input but never the autoencoder's weights.
        w, b = jax.lax.stop_gradient((self.encoder.kernel[...], self.encoder.bias[...]))
        return self.out(jax.nn.sigmoid(x @ w + b))

    def penalty(self) -> jax.Array:
        return self.decay * _sq(self.out)


class Maxout(nnx.Module):
    """Permutation-invariant maxout MLP (Goodfellow et al. 2013 Sec. 5.1), the net of Goodfellow
    et al. 2014 Sec. 4 and 6.

    Two maxout layers of ``units`` x ``pieces`` (240 x 5) and a softmax; dropout on the input
    (drop 0.2) and the hidden layers (drop 0.5) during training, when ``key`` is given.
    ``init_range``: weights uniform in [-r, r] and biases 0 (the authors' config: ``irange``
    0.005), or flax's default when ``None``. ``rescale_input``: whether the kept input pixels are
    divided by 0.8 in training (inverted dropout); the authors' config leaves them as they are.
    """

    def __init__(
        self,
        units: int,
        pieces: int,
        *,
        input_drop: float,
        hidden_drop: float,
        init_range: float | None = None,
        rescale_input: bool = True,
        rngs: nnx.Rngs,
    ) -> None:
        init = (
            {}
            if init_range is None
            else {"kernel_init": uniform(init_range), "bias_init": nnx.initializers.zeros}
        )
        self.h1 = nnx.Linear(N_PIXELS, units * pieces, rngs=rngs, **init)
        self.h2 = nnx.Linear(units, units * pieces, rngs=rngs, **init)
        self.out = nnx.Linear(units, N_CLASSES, rngs=rngs, **init)
        self.units, self.pieces = units, pieces
        self.input_drop, self.hidden_drop = input_drop, hidden_drop
        self.rescale_input = rescale_input

    def _maxout(self, z: jax.Array) -> jax.Array:
        return z.reshape(*z.shape[:-1], self.units, self.pieces).max(axis=-1)

    def __call__(self, x: jax.Array, *, key: jax.Array | None = None) -> jax.Array:
        keys = jax.random.split(key, 3) if key is not None else (None,) * 3
        x = dropout(x, self.input_drop, keys[0], rescale=self.rescale_input)
        x = dropout(self._maxout(self.h1(x)), self.hidden_drop, keys[1])
        x = dropout(self._maxout(self.h2(x)), self.hidden_drop, keys[2])
        return self.out(x)

    def penalty(self) -> jax.Array:
        return jnp.zeros(())


def uniform(r: float) -> nnx.Initializer:
    """Weights uniform in [-r, r] (pylearn2's ``irange``)."""

    def init(key: jax.Array, shape: tuple[int, ...], dtype: jnp.dtype = jnp.float32) -> jax.Array:
        return jax.random.uniform(key, shape, dtype, -r, r)

    return init


def dropout(x: jax.Array, rate: float, key: jax.Array | None, *, rescale: bool = True) -> jax.Array:
    """Dropout (Hinton et al. 2012); the identity at test time (``key is None``).

    ``rescale``: divide the kept units by the keep probability in training (inverted dropout),
    so that test time needs no rescaling.
    """
    if key is None or rate == 0.0:
        return x
    keep = jax.random.bernoulli(key, 1.0 - rate, x.shape)
    return jnp.where(keep, x / (1.0 - rate) if rescale else x, 0.0)
