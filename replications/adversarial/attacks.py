"""Adversarial attacks in JAX: FGSM (Goodfellow et al. 2014) and box-constrained L-BFGS
(Szegedy et al. 2013).

Threat model (the same on every page and in every test): images are vectors of pixels
in [0, 1]; a model maps them to logits, any normalisation inside it; epsilon and the
distortion are in those pixel units. Distortion is Szegedy et al.'s (Sec. 4.2, Table 1
caption): the root-mean-square change per pixel, ``sqrt(sum_i (x'_i - x_i)^2 / n)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np
import optax

Logits = Callable[[jax.Array], jax.Array]


def rms_distortion(x_adv: jax.Array | np.ndarray, x: jax.Array | np.ndarray) -> np.ndarray:
    """Per-example RMS pixel change (Szegedy et al. Sec. 4.2): ``sqrt(mean((x' - x)^2))``."""
    diff = np.asarray(x_adv, dtype=np.float64) - np.asarray(x, dtype=np.float64)
    return np.sqrt(np.mean(diff.reshape(len(diff), -1) ** 2, axis=1))


def input_gradient(logits_fn: Logits, x: jax.Array, labels: jax.Array) -> jax.Array:
    """Per-example gradients of the cross-entropy with respect to the input pixels.

    The batch loss is a sum of independent per-example terms, so one backward pass gives
    every example's own gradient (the same as ``vmap`` of a single-example ``grad``).
    """

    def total(z: jax.Array) -> jax.Array:
        return optax.softmax_cross_entropy_with_integer_labels(logits_fn(z), labels).sum()

    return jax.grad(total)(x)


def fgsm(
    logits_fn: Logits,
    x: jax.Array,
    labels: jax.Array,
    epsilon: float | jax.Array,
    *,
    clip: bool = True,
) -> jax.Array:
    """Fast gradient sign method: ``x~ = x + epsilon * sign(grad_x J(theta, x, y))``.

    References: Goodfellow, Shlens & Szegedy (2014), "Explaining and harnessing adversarial
    examples", Sec. 4, eq. (tex:309). The paper does not say whether ``x~`` is clipped to
    [0, 1]; we clip by default (``clip=True``), so every image stays a valid image and the
    L-infinity change is at most ``epsilon``.
    """
    return sign_step(x, input_gradient(logits_fn, x, labels), epsilon, clip=clip)


def sign_step(
    x: jax.Array, gradient: jax.Array, epsilon: float | jax.Array, *, clip: bool = True
) -> jax.Array:
    """FGSM's step from a gradient already taken: ``x + epsilon * sign(gradient)``, clipped to
    [0, 1] (``clip``). Only the gradient's sign matters, so the gradient of the batch-mean loss
    serves as well as the per-example sum's."""
    x_adv = x + epsilon * jnp.sign(gradient)
    return jnp.clip(x_adv, 0.0, 1.0) if clip else x_adv


def fgsm_sweep(
    logits_fn: Logits, x: jax.Array, labels: jax.Array, epsilons: jax.Array
) -> jax.Array:
    """Error rate (%) of FGSM at each epsilon, vmapped over the epsilons (one gradient shared)."""
    direction = jnp.sign(input_gradient(logits_fn, x, labels))

    def error_at(epsilon: jax.Array) -> jax.Array:
        x_adv = jnp.clip(x + epsilon * direction, 0.0, 1.0)
        return 100.0 * jnp.mean(jnp.argmax(logits_fn(x_adv), -1) != labels)

    return jax.vmap(error_at)(epsilons)


@dataclass(frozen=True)
class LbfgsResult:
    """Per-example outcome of :func:`lbfgs_attack`."""

    x_adv: np.ndarray  # the least-distorted successful image found (the clean one where none)
    success: np.ndarray  # bool: the model assigns the target label to x_adv
    distortion: np.ndarray  # RMS pixel change of x_adv (0 where no success)
    c: np.ndarray  # the largest penalty weight c that still succeeded


def _two_loop(g: jax.Array, S: jax.Array, Y: jax.Array, valid: jax.Array) -> jax.Array:
    """``H g`` for the L-BFGS inverse-Hessian estimate from pairs ``S, Y`` (oldest first)."""
    rho = jnp.where(valid, 1.0 / jnp.where(valid, jnp.sum(S * Y, 1), 1.0), 0.0)

    def newest_first(q, pair):
        s, y, r = pair
        a = r * (s @ q)
        return q - a * y, a

    q, alphas = jax.lax.scan(newest_first, g, (S[::-1], Y[::-1], rho[::-1]), unroll=True)
    sy, yy = S[-1] @ Y[-1], Y[-1] @ Y[-1]
    gamma = jnp.where(
        valid[-1], sy / jnp.maximum(yy, 1e-30), 1.0 / jnp.maximum(jnp.linalg.norm(g), 1e-12)
    )

    def oldest_first(r, pair):
        s, y, rh, a = pair
        return r + (a - rh * (y @ r)) * s, None

    r, _ = jax.lax.scan(oldest_first, gamma * q, (S, Y, rho, alphas[::-1]), unroll=True)
    return r


def _box_lbfgs(value: Callable, x0: jax.Array, iters: int, memory: int = 10) -> jax.Array:
    """Minimise a function of one image over the box [0, 1]^n by projected L-BFGS.

    Variables at a bound whose gradient points out of the box are held fixed (the
    active set of L-BFGS-B, Byrd, Lu, Nocedal & Zhu 1995); the others take the L-BFGS
    direction; steps are projected back into the box and backtracked (Armijo) along
    the projected path. Fully jittable, so :func:`lbfgs_attack` vmaps it over a batch.
    """
    n = x0.shape[0]
    value_and_grad = jax.value_and_grad(value)

    def iteration(_, state):
        z, f, g, S, Y, valid = state
        free = ~(((z <= 0.0) & (g > 0.0)) | ((z >= 1.0) & (g < 0.0)))
        gf = jnp.where(free, g, 0.0)
        d = -jnp.where(free, _two_loop(gf, S, Y, valid), 0.0)
        d = jnp.where(gf @ d < 0.0, d, -gf / jnp.maximum(jnp.linalg.norm(gf), 1e-12))

        def not_enough(ls):
            t, z_t, f_t, tries = ls
            return (f_t > f + 1e-4 * (g @ (z_t - z))) & (tries < 10)

        def halve(ls):
            t, _, _, tries = ls
            z_t = jnp.clip(z + 0.5 * t * d, 0.0, 1.0)
            return 0.5 * t, z_t, value(z_t), tries + 1

        z1 = jnp.clip(z + d, 0.0, 1.0)
        _, z_t, f_t, _ = jax.lax.while_loop(not_enough, halve, (1.0, z1, value(z1), 0))
        accept = f_t <= f + 1e-4 * (g @ (z_t - z))
        z_new = jnp.where(accept, z_t, z)
        f_new, g_new = value_and_grad(z_new)
        s, y = z_new - z, g_new - g
        keep = (s @ y) > 1e-10
        S = jnp.where(keep, jnp.roll(S, -1, 0).at[-1].set(s), S)
        Y = jnp.where(keep, jnp.roll(Y, -1, 0).at[-1].set(y), Y)
        valid = jnp.where(keep, jnp.roll(valid, -1).at[-1].set(True), valid)
        return z_new, f_new, g_new, S, Y, valid

    f0, g0 = value_and_grad(x0)
    state = (x0, f0, g0, jnp.zeros((memory, n)), jnp.zeros((memory, n)), jnp.zeros(memory, bool))
    return jax.lax.fori_loop(0, iters, iteration, state)[0]


def lbfgs_attack(
    logits_fn: Logits,
    x: np.ndarray,
    target: np.ndarray,
    *,
    search_steps: int = 10,
    c_init: float = 1.0,
    max_iter: int = 100,
    chunk: int = 256,
) -> LbfgsResult:
    """Szegedy et al.'s minimal-distortion targeted attack by box-constrained L-BFGS, batched.

    For each example, minimise ``c * ||x' - x||^2 + CE(f(x'), target)`` subject to
    ``x' in [0, 1]^m`` (Szegedy et al. 2013, Sec. 4.1; we penalise the squared L2 norm,
    which is smooth at ``x' = x``) with a projected L-BFGS (:func:`_box_lbfgs`), jitted
    and vmapped over the batch. The line search over ``c`` is per example: multiply or
    divide by 10 until success and failure bracket it, then bisect in log space, keeping
    the *largest* ``c`` that still reaches the target, i.e. the least distortion (Szegedy
    et al. write "minimum c" for the weight on the loss term).

    Args:
        logits_fn: the model, pixels in [0, 1] -> logits (batched).
        x: clean images, shape ``(batch, pixels)``, values in [0, 1].
        target: the label each adversarial image must get, shape ``(batch,)``.
        search_steps: L-BFGS runs per example (the line search over ``c``).
        c_init: first ``c`` tried.
        max_iter: L-BFGS iterations per run.
        chunk: images per jitted call (the last chunk is padded, so one compilation serves all).

    Returns:
        An :class:`LbfgsResult`; ``x_adv`` always lies inside [0, 1].
    """
    x = np.asarray(x, dtype=np.float32)
    if x.ndim != 2 or x.min() < 0.0 or x.max() > 1.0:
        raise ValueError("lbfgs_attack wants a (batch, pixels) array of values in [0, 1]")
    target = np.asarray(target)

    @jax.jit
    def solve(x_j: jax.Array, t_j: jax.Array, c_j: jax.Array) -> tuple[jax.Array, jax.Array]:
        def one(xi, ti, ci):
            def objective(z):
                loss = optax.softmax_cross_entropy_with_integer_labels(logits_fn(z[None])[0], ti)
                return ci * jnp.sum((z - xi) ** 2) + loss

            z = _box_lbfgs(objective, xi, max_iter)
            return z, jnp.argmax(logits_fn(z[None])[0]) == ti

        return jax.vmap(one)(x_j, t_j, c_j)

    def solve_all(c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        pad = -len(x) % min(chunk, len(x))
        xs, ts = np.pad(x, ((0, pad), (0, 0))), np.pad(target, (0, pad))
        cs = np.pad(c, (0, pad), constant_values=1.0).astype(np.float32)
        size = min(chunk, len(x))
        parts = [
            solve(
                jnp.asarray(xs[i : i + size]),
                jnp.asarray(ts[i : i + size]),
                jnp.asarray(cs[i : i + size]),
            )
            for i in range(0, len(xs), size)
        ]
        z = np.concatenate([np.asarray(p[0]) for p in parts])[: len(x)]
        return np.clip(z, 0.0, 1.0), np.concatenate([np.asarray(p[1]) for p in parts])[: len(x)]

    batch_size = len(x)
    c = np.full(batch_size, c_init)
    lo, hi = np.zeros(batch_size), np.full(batch_size, np.inf)  # largest success, smallest failure
    best, best_d, best_c = x.copy(), np.full(batch_size, np.inf), np.zeros(batch_size)
    for _ in range(search_steps):
        z, ok = solve_all(c)
        d = rms_distortion(z, x)
        better = ok & (d < best_d)
        best[better], best_d[better], best_c[better] = z[better], d[better], c[better]
        lo = np.where(ok, np.maximum(lo, c), lo)
        hi = np.where(ok, hi, np.minimum(hi, c))
        c = np.where(np.isinf(hi), c * 10.0, np.where(lo > 0, np.sqrt(lo * hi), c / 10.0))
    success = np.isfinite(best_d)
    return LbfgsResult(best, success, np.where(success, best_d, 0.0), best_c)
