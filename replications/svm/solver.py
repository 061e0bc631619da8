"""A soft-margin kernel SVM dual solver in JAX: ten one-vs-rest machines trained as one.

The dual of the soft-margin hyperplane (Cortes & Vapnik 1995, §3 and Appendix A) is

    min_a  f(a) = 1/2 a^T Q a - e^T a,   Q_ij = y_i y_j K(x_i, x_j),
    s.t.   sum_i y_i a_i = 0,   0 <= a_i <= U,

with ``U = C`` for linear slacks (k = 1, libsvm's problem) and, for squared slacks
(sum xi^2), ``K + I/C`` in place of ``K`` and no upper bound (``U = inf``).

How it is solved:

- **SMO** (Platt 1998) with the second-order working-set selection of Fan, Chen & Lin
  (JMLR 2005, WSS 2), the rule libsvm uses, on a dense kernel matrix of the *active*
  points, run in one ``lax.while_loop`` and ``vmap``-ed over the ten machines (they share
  the kernel; only the labels differ).
- **Shrinking** (libsvm's, Fan, Chen & Lin 2005, §5): every few hundred steps each machine
  sets aside the points that cannot enter a working set, so a step costs the points still in
  play (a few hundred of USPS's 7,291 near the end) instead of all of them; the gradient of
  every point is recomputed exactly before the solve may stop.
- **Chunking** (Vapnik 1982; the method Cortes & Vapnik §5 name for large problems) when
  the training set is too large for a dense kernel: solve on an active chunk, compute
  every training point's output with kernel blocks against the support vectors, add the
  worst KKT violators of every machine, drop points that are zero in all ten, repeat.
- **Stopping**: the maximal-violating-pair gap ``max_{I_up} -y G - min_{I_low} -y G``
  (libsvm's criterion) below ``tol`` for every machine, on the *whole* training set and
  with the gradient recomputed exactly (float32 updates drift; the exact pass removes it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from shared.precision import EXACT

BLOCK = 2048  # kernel rows per block: 2048 x 20k float32 is 160 MB, so 60k points fit in 24 GB
ROWS = 512  # kernel rows per block of a product with the support vectors; active sets pad to it
SHRINK_EVERY = 500  # SMO steps between shrinkings (libsvm shrinks every min(n, 1000) steps)


def polynomial_kernel(a: jax.Array, b: jax.Array, degree: int) -> jax.Array:
    """K(u, v) = (u . v + 1)^d (Cortes & Vapnik 1995, eq. 39); inputs already scaled."""
    return (jnp.matmul(a, b.T, precision=EXACT) + 1.0) ** degree


@partial(jax.jit, static_argnames="degree")
def _kernel_block(a: jax.Array, b: jax.Array, degree: int) -> jax.Array:
    return polynomial_kernel(a, b, degree)


@partial(jax.jit, static_argnames="degree")
def _kernel_dot_block(a: jax.Array, b: jax.Array, coef: jax.Array, degree: int) -> jax.Array:
    return jnp.matmul(polynomial_kernel(a, b, degree).astype(coef.dtype), coef, precision=EXACT)


@jax.jit
def _rows_dot(coef: jax.Array, kmat: jax.Array, rows: jax.Array) -> jax.Array:
    """coef (machines, ROWS) @ kmat[rows] (ROWS, m), in coef's precision."""
    return jnp.matmul(coef, kmat[rows].astype(coef.dtype), precision=EXACT)


def exact_gradient(kmat: jax.Array, y: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """G = y * (K (alpha y)) - 1 in float64, from the rows of the support vectors only, ``ROWS``
    at a time (one compiled shape whatever their number)."""
    support = np.flatnonzero((alpha > 0).any(0))
    rows = _pad_rows(support, ROWS)
    coef = jnp.asarray(_pad_rows(((alpha * y)[:, support]).T, ROWS).T)  # padding: coef 0
    output = jnp.zeros(alpha.shape, coef.dtype)
    for s in range(0, len(rows), ROWS):
        output += _rows_dot(coef[:, s : s + ROWS], kmat, jnp.asarray(rows[s : s + ROWS]))
    return y * np.asarray(output) - 1.0


def _pad_rows(x: np.ndarray, multiple: int) -> np.ndarray:
    extra = (-len(x)) % multiple
    return np.concatenate([x, np.zeros((extra, *x.shape[1:]), x.dtype)]) if extra else x


def kernel_matrix(a: np.ndarray, b: np.ndarray, degree: int) -> jax.Array:
    """K(a, b) computed in row blocks of ``BLOCK`` (padded so one compiled shape serves all)."""
    rows = len(a)
    a = _pad_rows(np.asarray(a, np.float32), BLOCK)
    b = jnp.asarray(b, jnp.float32)
    blocks = [
        _kernel_block(jnp.asarray(a[s : s + BLOCK]), b, degree) for s in range(0, len(a), BLOCK)
    ]
    return jnp.concatenate(blocks)[:rows]


def kernel_dot(x: np.ndarray, sv: np.ndarray, coef: np.ndarray, degree: int) -> np.ndarray:
    """sum_s K(x_t, sv_s) coef_sc for every t, without holding K: (n, d) -> (n, machines)."""
    rows = len(x)
    x = _pad_rows(np.asarray(x, np.float32), BLOCK)
    # pad the support vectors to a multiple of 1024 so a growing set recompiles rarely
    sv = jnp.asarray(_pad_rows(np.asarray(sv, np.float32), 1024))
    coef = jnp.asarray(_pad_rows(np.asarray(coef, np.float64), 1024))
    out = [
        _kernel_dot_block(jnp.asarray(x[s : s + BLOCK]), sv, coef, degree)
        for s in range(0, len(x), BLOCK)
    ]
    return np.asarray(jnp.concatenate(out)[:rows])


def _select(y, alpha, grad, upper, valid):
    """libsvm's index sets: I_up may move up along y, I_low down; scores are -y G."""
    score = -y * grad
    up = valid & jnp.where(y > 0, alpha < upper, alpha > 0)
    low = valid & jnp.where(y > 0, alpha > 0, alpha < upper)
    return score, up, low


def _smo_one(kmat, diag, idx, valid, y, alpha, grad, upper, tol, max_iter):
    """SMO with WSS 2 (Fan, Chen & Lin 2005, Algorithm 1) on one machine's active points
    ``idx`` (rows of ``kmat``); ``valid`` is False on the padding."""
    diag = diag[idx]

    def gap_of(alpha, grad):
        score, up, low = _select(y, alpha, grad, upper, valid)
        return jnp.max(jnp.where(up, score, -jnp.inf)) - jnp.min(jnp.where(low, score, jnp.inf))

    def body(state):
        it, alpha, grad, _ = state
        score, up, low = _select(y, alpha, grad, upper, valid)
        up_score = jnp.where(up, score, -jnp.inf)
        i = jnp.argmax(up_score)
        m = up_score[i]
        gap = m - jnp.min(jnp.where(low, score, jnp.inf))
        k_i = kmat[idx[i]][idx].astype(grad.dtype)  # float32 kernel, float64 state: exact sums
        b = m - score  # > 0 for every candidate j
        a = diag[i] + diag - 2.0 * k_i
        a = jnp.where(a > 0, a, 1e-12)
        candidate = low & (score < m)
        j = jnp.argmax(jnp.where(candidate, b * b / a, -jnp.inf))
        k_j = kmat[idx[j]][idx].astype(grad.dtype)
        room_i = jnp.where(y[i] > 0, upper - alpha[i], alpha[i])
        room_j = jnp.where(y[j] > 0, alpha[j], upper - alpha[j])
        step = jnp.minimum(b[j] / a[j], jnp.minimum(room_i, room_j))
        # no step once converged (the loop stops on the gap measured before this step)
        step = jnp.where(gap > tol, step, 0.0)
        # land exactly on a bound when the step is clipped, so the index sets stay exact
        new_i = jnp.where(step >= room_i, jnp.where(y[i] > 0, upper, 0.0), alpha[i] + y[i] * step)
        new_j = jnp.where(step >= room_j, jnp.where(y[j] > 0, 0.0, upper), alpha[j] - y[j] * step)
        alpha = alpha.at[i].set(new_i).at[j].set(new_j)
        grad = grad + y * step * (k_i - k_j)
        return it + 1, alpha, grad, gap

    def cond(state):
        it, _, _, gap = state
        return (gap > tol) & (it < max_iter)

    start = (0, alpha, grad, jnp.asarray(jnp.inf, grad.dtype))
    it, alpha, grad, _ = jax.lax.while_loop(cond, body, start)
    return alpha, grad, it, gap_of(alpha, grad)


@jax.jit
def smo(kmat, idx, valid, y, alpha, grad, upper, tol, max_iter):
    """SMO for several machines sharing ``kmat`` (m, m), each on its own active points:
    idx, valid, y, alpha, grad are (machines, P); at most ``max_iter`` steps."""
    diag = jnp.diagonal(kmat).astype(grad.dtype)
    solve = jax.vmap(_smo_one, in_axes=(None, None, 0, 0, 0, 0, 0, None, None, None))
    return solve(kmat, diag, idx, valid, y, alpha, grad, upper, tol, max_iter)


def _extremes(y, alpha, grad, upper, valid=True):
    """On the host, per machine: the scores -y G, libsvm's index sets I_up and I_low (as
    :func:`_select`), m = max_{I_up} score and M = min_{I_low} score (kept as (machines, 1))."""
    score = -y * grad
    up = valid & np.where(y > 0, alpha < upper, alpha > 0)
    low = valid & np.where(y > 0, alpha > 0, alpha < upper)
    m = np.where(up, score, -np.inf).max(-1, keepdims=True)
    big_m = np.where(low, score, np.inf).min(-1, keepdims=True)
    return score, up, low, m, big_m


def _useful(y, alpha, grad, upper, valid) -> np.ndarray:
    """The points SMO may still pick (libsvm's shrinking test, Fan, Chen & Lin 2005, §5): free
    ones, those only in I_up scoring above min_{I_low}, those only in I_low below max_{I_up}."""
    score, up, low, m, big_m = _extremes(y, alpha, grad, upper, valid)
    return (up & low) | (up & (score > big_m)) | (low & (score < m))


def _padded(points: list[np.ndarray], m: int) -> tuple[np.ndarray, np.ndarray]:
    """Each machine's active points as rows of one (machines, P) array and the mask of the real
    entries; P is ``ROWS`` times a power of two (or m), so that few shapes compile."""
    counts = np.array([len(p) for p in points])
    blocks = -(-counts.max() // ROWS)
    width = min(ROWS * 2 ** math.ceil(math.log2(max(blocks, 1))), m)
    idx = np.zeros((len(points), width), np.int64)
    for c, p in enumerate(points):
        idx[c, : len(p)] = p
    return idx, np.arange(width) < counts[:, None]


def solve(
    kmat: jax.Array,
    y: np.ndarray,
    alpha: np.ndarray,
    grad: np.ndarray,
    upper: float,
    tol: float,
    max_iter: int,
    shrinking: bool = True,
) -> tuple[np.ndarray, np.ndarray, int]:
    """SMO on the points of ``kmat`` to a gap <= ``tol`` in every machine, from the exact
    ``grad``; returns alpha, its exact gradient and the steps taken (max over machines).

    Shrinking, as libsvm does it: every ``SHRINK_EVERY`` steps each machine drops the points
    :func:`_useful` rules out and goes on with the rest, so a step costs the active points, not
    all of them. When every machine has converged on its active points, the gradient of every
    point is recomputed exactly; the solve ends there, or goes on from the points useful by it.
    """
    machines, m = y.shape
    alpha, grad = alpha.copy(), grad.copy()  # filled in place, stretch by stretch
    rows = np.arange(machines)[:, None]
    everything = np.ones(m, bool)
    idx, valid = _padded([np.arange(m)] * machines, m)
    steps = 0
    while True:
        stretch = min(SHRINK_EVERY if shrinking else max_iter, max_iter - steps)
        local = [jnp.asarray(a[rows, idx]) for a in (y, alpha, grad)]
        out = smo(kmat, jnp.asarray(idx), jnp.asarray(valid), *local, upper, tol, stretch)
        new_alpha, new_grad, its, gap = (np.asarray(a) for a in out)
        for c in range(machines):
            alpha[c, idx[c, valid[c]]] = new_alpha[c, valid[c]]
            grad[c, idx[c, valid[c]]] = new_grad[c, valid[c]]
        steps += int(its.max())
        if (gap <= tol).all() or steps >= max_iter:
            grad = exact_gradient(kmat, y, alpha)  # float64 updates drift: start again exact
            if (valid.all() and idx.shape[1] == m) or steps >= max_iter:
                return alpha, grad, steps
            if (kkt_gap(y, alpha, grad, upper) <= tol).all():
                return alpha, grad, steps
            keep = _useful(y, alpha, grad, upper, everything)
            points = [np.flatnonzero(k) for k in keep]
        else:  # shrink further: only the active points' gradients are current
            keep = _useful(y[rows, idx], new_alpha, new_grad, upper, valid)
            points = [idx[c, keep[c]] for c in range(machines)]
        idx, valid = _padded(points, m)


def bias_of(y: np.ndarray, alpha: np.ndarray, grad: np.ndarray, upper: float) -> np.ndarray:
    """b from the free support vectors (y_t f(x_t) = 1 there), else the middle of the KKT gap."""
    score, _, _, m, big_m = _extremes(y, alpha, grad, upper)
    free = (alpha > 0) & (alpha < upper)
    middle = 0.5 * (m + big_m)[:, 0]
    count = free.sum(1)
    mean_free = np.where(free, score, 0.0).sum(1) / np.maximum(count, 1)
    return np.where(count > 0, mean_free, middle)


def kkt_gap(y: np.ndarray, alpha: np.ndarray, grad: np.ndarray, upper: float) -> np.ndarray:
    """The maximal-violating-pair gap of each machine (0 at the optimum)."""
    _, _, _, m, big_m = _extremes(y, alpha, grad, upper)
    return (m - big_m)[:, 0]


@dataclass
class Machines:
    """Trained one-vs-rest machines: f_c(x) = sum_s coef_sc K(x, sv_s) + bias_c."""

    sv: np.ndarray  # (s, d) union of the support vectors of all machines
    coef: np.ndarray  # (s, machines) alpha * y
    bias: np.ndarray  # (machines,)
    degree: int
    alpha: np.ndarray  # (machines, n) the dual solution on the whole training set
    train_output: np.ndarray  # (n, machines) f_c(x_t) on the training set
    gap: np.ndarray  # (machines,) final KKT gap on the whole training set
    dual_objective: np.ndarray  # (machines,) sum a - 1/2 a^T Q a
    iterations: int  # SMO steps, summed over chunking rounds (max over machines)
    rounds: int
    tol: float

    def decision(self, x: np.ndarray) -> np.ndarray:
        with jax.enable_x64(True):
            return kernel_dot(x, self.sv, self.coef, self.degree) + self.bias

    def predict(self, x: np.ndarray) -> np.ndarray:
        """The class of the machine with the largest output (Cortes & Vapnik 1995, §6.2)."""
        return self.decision(x).argmax(1)


def fit(
    x: np.ndarray,
    y: np.ndarray,
    degree: int,
    C: float,
    *,
    squared_slacks: bool = False,
    tol: float = 1e-3,
    chunk: int = 12000,
    add: int = 500,
    max_iter: int = 2_000_000,
    max_rounds: int = 60,
    seed: int = 0,
    alpha0: np.ndarray | None = None,
    shrinking: bool = True,
) -> Machines:
    """Train machines on labels ``y`` in {-1, +1} of shape (machines, n); x is (n, d) scaled.

    ``chunk``: train on every point at once when n <= chunk, else start chunking from a
    random ``chunk`` points and add up to ``add`` violators per machine per round.
    ``alpha0`` warm-starts (e.g. from a smaller C); it must satisfy the constraints.
    ``shrinking``: see :func:`solve`; off, every SMO step costs every point (same optimum).
    """
    with jax.enable_x64(True):  # float64 multipliers and gradients; the kernel stays float32
        return _fit(
            np.asarray(x, np.float32),
            np.asarray(y, np.float64),
            degree,
            C,
            squared_slacks,
            tol,
            chunk,
            add,
            max_iter,
            max_rounds,
            seed,
            alpha0,
            shrinking,
        )


def _fit(
    x, y, degree, C, squared_slacks, tol, chunk, add, max_iter, max_rounds, seed, alpha0, shrinking
) -> Machines:
    machines, n = y.shape
    upper = math.inf if squared_slacks else float(C)
    shift = 1.0 / C if squared_slacks else 0.0
    alpha = np.zeros((machines, n)) if alpha0 is None else np.array(alpha0, np.float64)
    if n <= chunk:
        active = np.arange(n)
    else:
        rng = np.random.default_rng(seed)
        start = rng.choice(n, chunk, replace=False)
        active = np.union1d(start, np.flatnonzero((alpha > 0).any(0)))
    kmat = kernel_matrix(x[active], x[active], degree)
    if shift:
        diagonal = jnp.arange(len(active))
        kmat = kmat.at[diagonal, diagonal].add(jnp.float32(shift))
    iterations, rounds = 0, 0
    while True:
        rounds += 1
        y_a, alpha_a = y[:, active], alpha[:, active]
        grad_a = exact_gradient(kmat, y_a, alpha_a)
        # half the tolerance inside, so the exact check below rarely needs a second pass
        alpha_a, grad_a, steps = solve(
            kmat, y_a, alpha_a, grad_a, upper, tol / 2, max_iter, shrinking
        )
        iterations += steps
        alpha[:, active] = alpha_a
        # exact outputs (no bias) and gradient on the whole training set
        # the chunk's outputs come from its exact gradient (G = y f - 1, f with the I/C shift;
        # every support vector is in the chunk); only the points outside need kernel blocks
        output = np.empty((n, machines))
        output[active] = (y_a * (grad_a + 1.0)).T
        outside = np.setdiff1d(np.arange(n), active)
        if len(outside):
            support = np.flatnonzero((alpha > 0).any(0))
            coef = (alpha * y)[:, support].T
            output[outside] = kernel_dot(x[outside], x[support], coef, degree)
        grad = y * output.T - 1.0
        gap = kkt_gap(y, alpha, grad, upper)
        if (gap <= tol).all() or rounds >= max_rounds:
            break
        # the worst violators of each machine outside the chunk join it
        score, up, low, m, big_m = _extremes(y, alpha, grad, upper)
        violation = np.maximum(
            np.where(up, score - big_m, -np.inf), np.where(low, m - score, -np.inf)
        )
        outside = np.ones(n, bool)
        outside[active] = False
        violation = np.where(outside & (violation > tol / 2), violation, -np.inf)
        new = set()
        for row in violation:
            top = np.argsort(-row)[:add]
            new.update(top[np.isfinite(row[top])].tolist())
        keep = active[(alpha[:, active] > 0).any(0)]
        new_points = np.array(sorted(new - set(keep.tolist())), dtype=np.int64)
        if len(new_points) == 0:  # violators all inside: re-solve the chunk with the exact gradient
            continue
        old_pos = np.searchsorted(active, keep)
        k_keep = kmat[jnp.asarray(old_pos)][:, jnp.asarray(old_pos)]
        k_new = kernel_matrix(x[new_points], x[np.concatenate([keep, new_points])], degree)
        k_new = k_new.at[:, len(keep) :].add(
            jnp.float32(shift) * jnp.eye(len(new_points), dtype=jnp.float32)
        )
        kmat = jnp.concatenate(
            [jnp.concatenate([k_keep, k_new[:, : len(keep)].T], axis=1), k_new], axis=0
        )
        order = np.concatenate([keep, new_points])
        sort = np.argsort(order)
        active = order[sort]
        kmat = kmat[jnp.asarray(sort)][:, jnp.asarray(sort)]
    bias = bias_of(y, alpha, grad, upper)
    support = np.flatnonzero((alpha > 0).any(0))
    objective = alpha.sum(1) - 0.5 * (alpha * (grad + 1.0)).sum(1)  # a^T Q a = sum a (G + 1)
    return Machines(
        sv=x[support],
        coef=(alpha * y)[:, support].T,
        bias=bias,
        degree=degree,
        alpha=alpha,
        train_output=output + bias,
        gap=gap,
        dual_objective=objective,
        iterations=iterations,
        rounds=rounds,
        tol=tol,
    )
