"""Breiman's synthetic data sets: waveform, twonorm, threenorm, ringnorm.

Definitions from Breiman, "Bias, variance, and arcing classifiers" (Tech. Rep. 460, 1996)
and Breiman, Friedman, Olshen & Stone, *Classification and Regression Trees* (1984),
§2.6.2 (waveform), which Breiman (2001, §4 and Table 1) uses with 300 training and 3,000
test cases, a fresh draw for every repeat. Classes are equally likely.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

# twonorm / threenorm: a = 2 / sqrt(20); ringnorm: a = 1 / sqrt(20) (Breiman 1996, §6).
_A2 = 2.0 / np.sqrt(20.0)
_A1 = 1.0 / np.sqrt(20.0)


def _waveform(key: jax.Array, n: int) -> tuple[jax.Array, jax.Array]:
    """21 inputs, 3 classes: x_i = u h_j(i) + (1 - u) h_k(i) + N(0, 1), u ~ U(0, 1) (CART
    §2.6.2)."""
    i = jnp.arange(1, 22)
    h1 = jnp.maximum(6.0 - jnp.abs(i - 11), 0.0)
    h2 = jnp.maximum(6.0 - jnp.abs(i - 15), 0.0)  # h1 shifted right by 4
    h3 = jnp.maximum(6.0 - jnp.abs(i - 7), 0.0)  # h1 shifted left by 4
    pairs = jnp.stack(
        [jnp.stack([h1, h2]), jnp.stack([h1, h3]), jnp.stack([h2, h3])]
    )  # class -> (2, 21)
    k_class, k_u, k_noise = jax.random.split(key, 3)
    y = jax.random.randint(k_class, (n,), 0, 3)
    u = jax.random.uniform(k_u, (n, 1))
    base = pairs[y]
    x = u * base[:, 0] + (1.0 - u) * base[:, 1] + jax.random.normal(k_noise, (n, 21))
    return x, y


def _twonorm(key: jax.Array, n: int) -> tuple[jax.Array, jax.Array]:
    """20 inputs: class 1 ~ N(a, I), class 2 ~ N(-a, I), a = (2/sqrt 20)(1, ..., 1)."""
    k_class, k_noise = jax.random.split(key)
    y = jax.random.randint(k_class, (n,), 0, 2)
    sign = jnp.where(y == 0, 1.0, -1.0)[:, None]
    return sign * _A2 + jax.random.normal(k_noise, (n, 20)), y


def _threenorm(key: jax.Array, n: int) -> tuple[jax.Array, jax.Array]:
    """20 inputs: class 1 ~ 1/2 N(a, I) + 1/2 N(-a, I); class 2 ~ N((a, -a, a, -a, ...), I)."""
    k_class, k_half, k_noise = jax.random.split(key, 3)
    y = jax.random.randint(k_class, (n,), 0, 2)
    half = jnp.where(jax.random.bernoulli(k_half, 0.5, (n, 1)), 1.0, -1.0)
    alternating = jnp.where(jnp.arange(20) % 2 == 0, 1.0, -1.0)
    mean = jnp.where((y == 0)[:, None], half * _A2, alternating * _A2)
    return mean + jax.random.normal(k_noise, (n, 20)), y


def _ringnorm(key: jax.Array, n: int) -> tuple[jax.Array, jax.Array]:
    """20 inputs: class 1 ~ N(0, 4I), class 2 ~ N(a, I), a = (1/sqrt 20)(1, ..., 1)."""
    k_class, k_noise = jax.random.split(key)
    y = jax.random.randint(k_class, (n,), 0, 2)
    z = jax.random.normal(k_noise, (n, 20))
    return jnp.where((y == 0)[:, None], 2.0 * z, z + _A1), y


GENERATORS = {
    "waveform": _waveform,
    "twonorm": _twonorm,
    "threenorm": _threenorm,
    "ringnorm": _ringnorm,
}


def sample(name: str, *, key: jax.Array, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` cases of a synthetic set: inputs (n, M) float64, classes (n,) int32."""
    x, y = jax.jit(GENERATORS[name], static_argnums=1)(key, n)
    return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.int32)
