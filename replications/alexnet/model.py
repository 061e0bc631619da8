"""The networks: the four-layer CIFAR-10 net of Fig. 1 / §3.3, an AlexNet-style net sized for
32x32 inputs (§4.2 dropout), and the full ImageNet AlexNet of §3.5 (built only to count it).

All take NHWC float inputs. Initialisation is the paper's (§5): weights ~ N(0, 0.01^2); biases
1 where AlexNet has them (conv2, conv4, conv5, the hidden FC layers), 0 elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable

import jax
import jax.numpy as jnp
from flax import nnx
from jax import lax

ACTIVATIONS: dict[str, Callable[[jax.Array], jax.Array]] = {"relu": jax.nn.relu, "tanh": jnp.tanh}


def local_response_norm(
    a: jax.Array, *, k: float = 2.0, n: int = 5, alpha: float = 1e-4, beta: float = 0.75
) -> jax.Array:
    """b_i = a_i / (k + alpha * sum_{j=i-n/2}^{i+n/2} a_j^2)^beta over adjacent channels (last
    axis).

    References: Krizhevsky, Sutskever & Hinton 2012, §3.3 (k 2, n 5, alpha 1e-4, beta 0.75).
    alpha multiplies the plain sum, as written in the paper (cuda-convnet divides it by n).
    """
    squares = a * a
    half = n // 2
    padded = jnp.pad(squares, [(0, 0)] * (a.ndim - 1) + [(half, half)])
    channels = a.shape[-1]
    window = sum(padded[..., i : i + channels] for i in range(n))
    return a * (k + alpha * window) ** -beta


def max_pool(x: jax.Array, size: int, stride: int, *, ceil: bool = True) -> jax.Array:
    """Max pooling over size x size windows every ``stride`` pixels (§3.4: z = size, s = stride).

    The output is ceil(H / stride) wide for both z = 2 and z = 3 (the last window is padded with
    -inf), so overlapping and non-overlapping nets have the same shapes from layer to layer.
    ``ceil=False``: only whole windows (AlexNet's 55 -> 27 -> 13 -> 6).
    """
    if not ceil:
        return lax.reduce_window(
            x, -jnp.inf, lax.max, (1, size, size, 1), (1, stride, stride, 1), "VALID"
        )
    height, width = x.shape[1], x.shape[2]
    out_h, out_w = -(-height // stride), -(-width // stride)
    pad_h = max(0, (out_h - 1) * stride + size - height)
    pad_w = max(0, (out_w - 1) * stride + size - width)
    return lax.reduce_window(
        x,
        -jnp.inf,
        lax.max,
        (1, size, size, 1),
        (1, stride, stride, 1),
        ((0, 0), (0, pad_h), (0, pad_w), (0, 0)),
    )


def _normal(std: float) -> Callable:
    return nnx.initializers.normal(stddev=std)


def conv(cin: int, cout: int, size: int, *, std: float, bias: float, rngs: nnx.Rngs) -> nnx.Conv:
    return nnx.Conv(
        cin,
        cout,
        (size, size),
        padding="SAME",
        kernel_init=_normal(std),
        bias_init=nnx.initializers.constant(bias),
        rngs=rngs,
    )


def dense(fin: int, fout: int, *, std: float, bias: float, rngs: nnx.Rngs) -> nnx.Linear:
    return nnx.Linear(
        fin, fout, kernel_init=_normal(std), bias_init=nnx.initializers.constant(bias), rngs=rngs
    )


def dropout(x: jax.Array, rate: float, key: jax.Array | None) -> jax.Array:
    """Training: zero each unit with probability ``rate``. Test (key None): multiply by 1 - rate.

    References: Krizhevsky et al. 2012, §4.2 ("At test time, we use all the neurons but multiply
    their outputs by 0.5"); Hinton et al. 2012 (arXiv 1207.0580), the "mean network".
    """
    if rate == 0.0:
        return x
    if key is None:
        return x * (1.0 - rate)
    return jnp.where(jax.random.bernoulli(key, 1.0 - rate, x.shape), x, 0.0)


class FourLayerNet(nnx.Module):
    """Three 5x5 conv layers (32, 32, 64 maps) each followed by 3x3/2 pooling, then a 10-way
    linear layer: four weight layers, after cuda-convnet's ``layers-18pct.cfg`` (the code the
    paper points to in footnote 3 for its four-layer CIFAR-10 net; the paper gives no layout).

    ``activation`` (Fig. 1: relu vs tanh), ``lrn`` (§3.3) after the first two conv layers, and
    ``pool_size`` (§3.4: 3 overlapping, 2 not; stride 2 either way) are the switches we test.
    ``conv1_std`` is cuda-convnet's ``initW`` for conv1 (1e-4): with 0-255 inputs, 0.01 would
    saturate tanh units from the first step and bias Fig. 1 against them.
    """

    def __init__(
        self,
        *,
        activation: str = "relu",
        lrn: bool = False,
        pool_size: int = 3,
        conv1_std: float = 1e-4,
        rngs: nnx.Rngs,
    ) -> None:
        self.activation, self.lrn, self.pool_size = activation, lrn, pool_size
        self.conv1 = conv(3, 32, 5, std=conv1_std, bias=0.0, rngs=rngs)
        self.conv2 = conv(32, 32, 5, std=0.01, bias=0.0, rngs=rngs)
        self.conv3 = conv(32, 64, 5, std=0.01, bias=0.0, rngs=rngs)
        self.fc = dense(4 * 4 * 64, 10, std=0.01, bias=0.0, rngs=rngs)

    def __call__(self, x: jax.Array, *, key: jax.Array | None = None) -> jax.Array:
        act = ACTIVATIONS[self.activation]
        h = x  # (B, 32, 32, 3)
        for layer, normalise in (
            (self.conv1, self.lrn),
            (self.conv2, self.lrn),
            (self.conv3, False),
        ):
            h = act(layer(h))
            if normalise:
                h = local_response_norm(h)  # §3.3: "applied ... after applying the ReLU"
            h = max_pool(h, self.pool_size, 2)  # 32 -> 16 -> 8 -> 4
        return self.fc(h.reshape(h.shape[0], -1))


class SmallAlexNet(nnx.Module):
    """AlexNet's layout (§3.5) shrunk for 32x32 inputs: conv 5x5 (32) - LRN - pool, conv 5x5 (64) -
    LRN - pool, conv 3x3 (96), conv 3x3 (96), conv 3x3 (64) - pool, FC 512, FC 512, FC 10.

    ReLU everywhere, LRN after conv1 and conv2, overlapping 3x3/2 pooling, biases 1 in conv2,
    conv4, conv5 and the hidden FC layers (§5), dropout ``dropout_rate`` in FC6 and FC7 (§4.2).
    """

    def __init__(self, *, dropout_rate: float = 0.5, rngs: nnx.Rngs) -> None:
        self.dropout_rate = dropout_rate
        self.conv1 = conv(3, 32, 5, std=0.01, bias=0.0, rngs=rngs)
        self.conv2 = conv(32, 64, 5, std=0.01, bias=1.0, rngs=rngs)
        self.conv3 = conv(64, 96, 3, std=0.01, bias=0.0, rngs=rngs)
        self.conv4 = conv(96, 96, 3, std=0.01, bias=1.0, rngs=rngs)
        self.conv5 = conv(96, 64, 3, std=0.01, bias=1.0, rngs=rngs)
        self.fc6 = dense(4 * 4 * 64, 512, std=0.01, bias=1.0, rngs=rngs)
        self.fc7 = dense(512, 512, std=0.01, bias=1.0, rngs=rngs)
        self.fc8 = dense(512, 10, std=0.01, bias=0.0, rngs=rngs)

    def __call__(self, x: jax.Array, *, key: jax.Array | None = None) -> jax.Array:
        relu = jax.nn.relu
        h = max_pool(local_response_norm(relu(self.conv1(x))), 3, 2)  # 16x16x32
        h = max_pool(local_response_norm(relu(self.conv2(h))), 3, 2)  # 8x8x64
        h = relu(self.conv5(relu(self.conv4(relu(self.conv3(h))))))
        h = max_pool(h, 3, 2).reshape(h.shape[0], -1)  # 4x4x64
        keys = jax.random.split(key) if key is not None else (None, None)
        h = dropout(relu(self.fc6(h)), self.dropout_rate, keys[0])
        h = dropout(relu(self.fc7(h)), self.dropout_rate, keys[1])
        return self.fc8(h)


class ImageNetAlexNet(nnx.Module):
    """The two-GPU AlexNet of §3.5 / Fig. 2, as one graph: conv2, conv4 and conv5 are grouped
    convolutions (two groups: each half sees only its GPU's maps), conv3 and the FC layers are
    full. Built to count its parameters (AX-size: "60 million"); never trained here.
    """

    def __init__(self, *, rngs: nnx.Rngs) -> None:
        def grouped(cin: int, cout: int, size: int, stride: int = 1, groups: int = 1) -> nnx.Conv:
            return nnx.Conv(
                cin,
                cout,
                (size, size),
                strides=stride,
                feature_group_count=groups,
                padding="VALID" if size == 11 else "SAME",
                kernel_init=_normal(0.01),
                rngs=rngs,
            )

        self.conv1 = grouped(3, 96, 11, stride=4)  # 227x227x3 -> 55x55x96 (the paper says 224)
        self.conv2 = grouped(96, 256, 5, groups=2)  # 5x5x48 kernels
        self.conv3 = grouped(256, 384, 3)  # 3x3x256: connected across GPUs
        self.conv4 = grouped(384, 384, 3, groups=2)  # 3x3x192
        self.conv5 = grouped(384, 256, 3, groups=2)  # 3x3x192
        self.fc6 = dense(6 * 6 * 256, 4096, std=0.01, bias=1.0, rngs=rngs)
        self.fc7 = dense(4096, 4096, std=0.01, bias=1.0, rngs=rngs)
        self.fc8 = dense(4096, 1000, std=0.01, bias=0.0, rngs=rngs)

    def __call__(self, x: jax.Array) -> jax.Array:
        relu = jax.nn.relu
        h = max_pool(local_response_norm(relu(self.conv1(x))), 3, 2, ceil=False)  # 27x27x96
        h = max_pool(local_response_norm(relu(self.conv2(h))), 3, 2, ceil=False)  # 13x13x256
        h = max_pool(
            relu(self.conv5(relu(self.conv4(relu(self.conv3(h)))))), 3, 2, ceil=False
        )  # 6x6x256
        h = relu(self.fc7(relu(self.fc6(h.reshape(h.shape[0], -1)))))
        return self.fc8(h)


def count_parameters(module: nnx.Module) -> int:
    """The number of trainable scalars (weights and biases)."""
    return sum(int(p.size) for p in jax.tree.leaves(nnx.state(module, nnx.Param)))


def imagenet_alexnet_parameters() -> int:
    """Build ImageNetAlexNet abstractly (no memory for its weights) and count its parameters."""
    abstract = nnx.eval_shape(lambda: ImageNetAlexNet(rngs=nnx.Rngs(0)))
    return count_parameters(abstract)
