"""Training and evaluation by recipe (``config.Recipe``): one jitted ``lax.scan`` per epoch.

``fit`` trains a model as its ``Recipe`` says: optimiser, learning-rate and momentum
schedules, max-norm constraint, early stopping on a monitored value, and a retraining stage
on all the data. The schedules and the constraint are small pure functions
(``learning_rate``, ``momentum``, ``constrain``) so that tests can check their values.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import nnx

from replications.adversarial.attacks import fgsm, sign_step
from replications.adversarial.config import Recipe
from shared.errors import HypeError
from shared.jobs import Budget
from shared.training import load_checkpoint, save_checkpoint

Logits = Callable[[jax.Array], jax.Array]
Objective = Callable[[nnx.Module, jax.Array, jax.Array, jax.Array], jax.Array]
EVAL_CHUNK = 1_000  # images per jitted evaluation call (bounds conv activations' memory)


def cross_entropy(logits: jax.Array, labels: jax.Array) -> jax.Array:
    return optax.softmax_cross_entropy_with_integer_labels(logits, labels).mean()


def ramp(epoch: jax.Array | int, start_value: float, end_value: float, saturate: int) -> jax.Array:
    """Linear from ``start_value`` at epoch 1 to ``end_value`` at ``saturate``, constant after.

    pylearn2's MomentumAdjustor and LinearDecayOverEpoch with ``start: 1`` (the maxout paper's
    code, Goodfellow et al. 2013): epoch ``e`` (from 1) is ``(e - 1) / (saturate - 1)`` of the way.
    """
    share = jnp.clip((jnp.asarray(epoch, jnp.float32) - 1.0) / max(saturate - 1, 1), 0.0, 1.0)
    return start_value + (end_value - start_value) * share


def learning_rate(
    recipe: Recipe, step: jax.Array | int, epoch: jax.Array | int, total_steps: int
) -> jax.Array:
    """The learning rate of update ``step`` (from 0), which falls in ``epoch`` (from 1).

    ``total_steps`` is the length of the cosine (``"cosine"`` only).
    """
    rate, t = recipe.learning_rate, jnp.asarray(step, jnp.float32)
    if recipe.learning_rate_schedule == "constant":
        return jnp.asarray(rate, jnp.float32)
    if recipe.learning_rate_schedule == "cosine":  # optax.cosine_decay_schedule(rate, total_steps)
        return rate * 0.5 * (1.0 + jnp.cos(jnp.pi * jnp.minimum(t, total_steps) / total_steps))
    if (
        recipe.learning_rate_schedule == "exponential"
    ):  # pylearn2 ExponentialDecay: rate / decay ** t
        # log(decay) in double precision: 1.000004 rounds to 1.0000039 in float32 (2% off the rate)
        return jnp.maximum(
            rate * jnp.exp(-t * math.log(recipe.learning_rate_decay)), recipe.min_learning_rate
        )
    return ramp(
        epoch, rate, rate * recipe.learning_rate_decay, recipe.learning_rate_saturate
    )  # "linear"


def momentum(recipe: Recipe, epoch: jax.Array | int) -> jax.Array:
    """The momentum coefficient of ``epoch`` (from 1)."""
    return ramp(epoch, recipe.momentum, recipe.final_momentum, recipe.momentum_saturate)


def _names(path: tuple) -> list[str]:
    """A parameter's path as names, e.g. ``["h1", "kernel"]`` (nnx's trailing "value" dropped)."""
    names = [str(getattr(k, "key", getattr(k, "name", getattr(k, "idx", k)))) for k in path]
    return [n for n in names if n != "value"]


def constrain(params: Any, max_norm: tuple[tuple[str, float], ...]) -> Any:
    """Rescale every unit's incoming weight vector whose L2 norm exceeds its layer's bound.

    A unit's weights are one column of a dense kernel ``(in, out)`` or one output channel of a
    conv kernel ``(h, w, in, out)``: the norm runs over every axis but the last (pylearn2's
    ``max_col_norm`` and ``max_kernel_norm``). Goodfellow et al. 2013 Sec. 5.1 ("a constraint on
    the norm of each weight vector", after Srebro & Shraibman 2005); applied after each update.
    """
    bounds = dict(max_norm)

    def project(path: tuple, leaf: jax.Array) -> jax.Array:
        names = _names(path)
        bound = bounds.get(names[0])
        if bound is None or names[-1] != "kernel":
            return leaf
        norms = jnp.sqrt(jnp.sum(leaf**2, axis=tuple(range(leaf.ndim - 1)), keepdims=True))
        return leaf * jnp.minimum(1.0, bound / jnp.maximum(norms, 1e-12))

    return jax.tree_util.tree_map_with_path(project, params)


def _scale_updates(updates: Any, learning_rate_scale: tuple[tuple[str, float], ...]) -> Any:
    scales = dict(learning_rate_scale)
    return jax.tree_util.tree_map_with_path(lambda p, u: u * scales.get(_names(p)[0], 1.0), updates)


@dataclass
class TrainLog:
    """What the stopping rule did: for the results file (plain numbers only)."""

    epochs: int = 0  # epochs of the first stage (on all data when there is no held-out set)
    best_epoch: int = 0  # the epoch whose weights were kept
    stopped: str = ""  # why the first stage stopped: "max_epochs" or "patience"
    monitor: list[float] = field(default_factory=list)  # the monitored value after each epoch
    retrain_epochs: int = 0
    retrain_target: float | None = None  # "continue": the loss the held-out loss must reach
    retrain_monitor: list[float] = field(default_factory=list)  # "continue": held-out loss
    retrain_stopped: str = ""  # "continue": "target reached" or "max_epochs"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class Stopped(Exception):
    """``fit`` stopped at an epoch boundary because the run's time is up (``Resumable.budget``);
    its state is in the checkpoint, and the same ``fit`` call continues from there."""


@dataclass
class Resumable:
    """Where ``fit`` keeps its state between epochs, so that a stopped run continues where it
    stopped (``shared.jobs``): a checkpoint at ``path``, written at most every ``every`` seconds
    and whenever the ``budget`` stops the run, holding the job's ``key`` (a checkpoint of another
    key is never resumed)."""

    path: Path
    key: str
    budget: Budget | None = None
    every: float = 60.0
    saved_at: float = field(default_factory=time.monotonic)
    began: float = field(default_factory=time.monotonic)
    before: float = 0.0  # seconds spent training in earlier runs (from the checkpoint)

    def seconds(self) -> float:
        """Seconds spent training this job so far, earlier runs included."""
        return self.before + time.monotonic() - self.began


@dataclass
class _Resumed:
    phase: str  # "one" (until the stopping rule), "continue" or "same_epochs" (retraining)
    done: int  # epochs of that phase done
    trees: dict[str, Any]  # "now" (weights), "opt" (optimiser state), "best" (stage one's best)
    meta: dict[str, Any]


def fit(
    model: nnx.Module,
    x: np.ndarray,
    y: np.ndarray,
    recipe: Recipe,
    *,
    key: jax.Array,
    adversarial: tuple[float, float] | None = None,
    objective: Objective | None = None,
    resumable: Resumable | None = None,
) -> TrainLog:
    """Train ``model`` in place on ``(x, y)`` by ``recipe``; returns what its stopping rule did.

    The loss is the mean cross-entropy plus ``model.penalty()`` (weight decay), or
    ``objective(model, x_batch, y_batch, dropout_key)`` when given (the autoencoder).
    ``adversarial=(epsilon, alpha)`` trains on Goodfellow et al. 2014 Sec. 6's objective
    ``alpha J(x, y) + (1 - alpha) J(x + epsilon sign(grad_x J(x, y)), y)``, the FGSM batch re-made
    at every step from the current weights with the same dropout mask; the adversarial
    validation error (``monitor="adversarial_valid_error"``) attacks the held-out images at
    that epsilon.

    With ``recipe.n_valid``, the last ``n_valid`` images are held out for the monitor (the maxout
    paper's "last 10,000 training examples", Goodfellow et al. 2013 Sec. 5.1) until the
    retraining stage, which uses all of ``(x, y)``. Keys: the order and dropout of epoch ``e``
    of stage ``s`` come from ``fold_in(fold_in(key, s), e)``; all deterministic from ``key``, so
    a run resumed from its checkpoint (``resumable``) is the same run. ``model`` must be
    initialised as it was when the run began (its initial weights start ``"same_epochs"``).
    Raises :class:`Stopped` when the resumable's budget ends the run first.
    """
    graphdef, start = nnx.split(model)
    run = Runner(graphdef, recipe, adversarial, objective, resumable)
    n_fit = len(x) - recipe.n_valid
    resumed = run.resume(start)
    log = TrainLog(**resumed.meta["log"]) if resumed is not None else TrainLog()
    params = start
    if resumed is None or resumed.phase == "one":
        params, log = run.stage_one(
            start, x[:n_fit], y[:n_fit], x[n_fit:], y[n_fit:], log, key, resumed
        )
        resumed = None
    if recipe.retrain == "continue":
        params, log = run.continue_until_loss(params, x, y, x[n_fit:], y[n_fit:], log, key, resumed)
    elif recipe.retrain == "same_epochs":
        params = run.same_epochs(start, x, y, log, key, resumed)
        log.retrain_epochs = log.best_epoch
    if not all(bool(jnp.all(jnp.isfinite(leaf))) for leaf in jax.tree.leaves(params)):
        raise HypeError(
            f"training {type(model).__name__} diverged (non-finite weights)",
            "lower the learning rate of its recipe in config.py",
        )
    nnx.update(model, params)
    return log


class Runner:
    """The jitted epoch, the monitors and the checkpoints of one ``fit`` call."""

    def __init__(
        self,
        graphdef: Any,
        recipe: Recipe,
        adversarial: tuple[float, float] | None,
        objective: Objective | None,
        resumable: Resumable | None = None,
    ) -> None:
        self.graphdef, self.recipe, self.adversarial = graphdef, recipe, adversarial
        self.objective, self.resumable = objective, resumable
        self.adam = optax.scale_by_adam()
        self.train_epoch = jax.jit(self._epoch_fn, static_argnames=("n_steps", "total_steps"))
        self._errors = jax.jit(self._errors_fn, static_argnames=("attack",))
        self._loss_sum = jax.jit(self._loss_sum_fn)
        self.epoch_seconds = 0.0  # the last epoch's wall time, monitors included

    def loss(self, p: Any, xb: jax.Array, yb: jax.Array, k: jax.Array) -> jax.Array:
        """The step's loss without the adversarial term: the objective, or the mean
        cross-entropy plus ``penalty()``."""
        net = nnx.merge(self.graphdef, p)
        if self.objective is not None:
            return self.objective(net, xb, yb, k)
        return cross_entropy(net(xb, key=k), yb) + net.penalty()

    def gradients(self, p: Any, xb: jax.Array, yb: jax.Array, k: jax.Array) -> Any:
        """The gradient of the step's loss with respect to the weights. Adversarially trained
        (Goodfellow et al. 2014 Sec. 6): ``alpha J(x) + (1 - alpha) J(x~)`` plus ``penalty()``,
        where ``x~`` is the FGSM batch of the current weights and dropout mask and is a constant
        of the step (as in the authors' pylearn2 cost). The clean term's backward pass gives
        FGSM's input gradient too, so the step takes two passes where ``fgsm`` would add a
        third: the same gradients, about 1.3x faster (measured on the maxout net)."""
        if self.adversarial is None or self.objective is not None:
            return jax.grad(self.loss)(p, xb, yb, k)
        epsilon, alpha = self.adversarial

        def data(p: Any, x: jax.Array) -> jax.Array:
            return cross_entropy(nnx.merge(self.graphdef, p)(x, key=k), yb)

        clean, towards = jax.grad(data, argnums=(0, 1))(p, xb)
        adversarial = jax.grad(data)(p, sign_step(xb, towards, epsilon))
        penalty = jax.grad(lambda p: nnx.merge(self.graphdef, p).penalty())(p)
        return jax.tree.map(
            lambda c, a, r: alpha * c + (1.0 - alpha) * a + r, clean, adversarial, penalty
        )

    def init_state(self, params: Any) -> Any:
        if self.recipe.optimiser == "adam":
            return self.adam.init(params)
        return jax.tree.map(jnp.zeros_like, params)  # the velocity

    def _epoch_fn(self, p, state, step0, epoch, mu, xs, ys, k, *, n_steps: int, total_steps: int):
        recipe = self.recipe
        k_perm, k_drop = jax.random.split(k)
        order = jax.random.permutation(k_perm, len(xs))[: n_steps * recipe.batch_size]

        def step(carry, inputs):
            p, state, t = carry
            idx, ks = inputs
            grads = self.gradients(p, xs[idx], ys[idx], ks)
            rate = learning_rate(recipe, t, epoch, total_steps)
            if recipe.optimiser == "adam":
                direction, state = self.adam.update(grads, state, p)
                updates = jax.tree.map(lambda d: -rate * d, direction)
            else:  # pylearn2 Momentum: v <- mu v - rate g; w <- w + v
                state = jax.tree.map(lambda v, g: mu * v - rate * g, state, grads)
                updates = state
            p = optax.apply_updates(p, _scale_updates(updates, recipe.learning_rate_scale))
            return (constrain(p, recipe.max_norm), state, t + 1), None

        batches = order.reshape(n_steps, recipe.batch_size)
        (p, state, _), _ = jax.lax.scan(
            step, (p, state, step0), (batches, jax.random.split(k_drop, n_steps))
        )
        return p, state

    # --- checkpoints ----------------------------------------------------------------------

    def resume(self, start: Any) -> _Resumed | None:
        """The state the resumable's checkpoint holds, if it was written with this key."""
        if self.resumable is None:
            return None
        like = {"now": start, "opt": self.init_state(start), "best": start}
        loaded = load_checkpoint(self.resumable.path, like)
        if loaded is None or loaded[1].get("key") != self.resumable.key:
            return None
        trees, meta = loaded
        self.resumable.before = meta.get("seconds", 0.0)
        return _Resumed(meta["phase"], meta["done"], trees, meta)

    def gate(
        self, phase: str, done: int, now: Any, opt: Any, best: Any, meta: dict[str, Any]
    ) -> None:
        """Before each epoch: save the state when it is due, and stop (:class:`Stopped`) when
        the budget does not allow another epoch as long as the last."""
        keep = self.resumable
        if keep is None:
            return
        stopping = keep.budget is not None and not keep.budget.allows(self.epoch_seconds)
        if stopping or time.monotonic() - keep.saved_at >= keep.every:
            trees = {"now": now, "opt": opt, "best": best}
            facts = {"key": keep.key, "phase": phase, "done": done, "seconds": keep.seconds()}
            save_checkpoint(keep.path, trees, {**facts, **meta})
            keep.saved_at = time.monotonic()
        if stopping:
            raise Stopped

    def run_phase(
        self,
        phase: str,
        params: Any,
        x: np.ndarray,
        y: np.ndarray,
        epochs: range,
        key: jax.Array,
        *,
        resumed: _Resumed | None = None,
        step0: int = 0,
        mu: float | None = None,
        after: Callable[[int, Any], bool] = lambda e, now: False,
        snapshot: Callable[[], tuple[Any, dict[str, Any]]] = lambda: (None, {}),
    ) -> Any:
        """Run ``epochs`` on ``(x, y)`` (numbers from 1, which set the schedules), the first
        update being number ``step0``; ``mu`` fixes the momentum. The optimiser state (Adam's
        moments, or the velocity) starts at 0, or where ``resumed`` left it. After each epoch
        ``after(epoch, weights)`` says whether to stop; ``snapshot()`` gives what a checkpoint
        keeps besides the weights (stage one's best weights, and the stopping rule's state).
        Returns the last weights."""
        recipe = self.recipe
        n_steps = len(x) // recipe.batch_size
        if n_steps == 0:
            raise HypeError(
                f"{len(x)} training images make no batch of {recipe.batch_size}",
                "use a smaller batch in the recipe",
            )
        total = max(1, recipe.max_epochs * n_steps)
        xs, ys = jnp.asarray(x), jnp.asarray(y)
        state, done = self.init_state(params), 0
        if resumed is not None:
            params, state, done = resumed.trees["now"], resumed.trees["opt"], resumed.done
        for e in epochs[done:]:
            best, meta = snapshot()
            self.gate(
                phase, e - epochs.start, params, state, params if best is None else best, meta
            )
            began = time.perf_counter()
            coefficient = momentum(recipe, e) if mu is None else jnp.float32(mu)
            t0 = jnp.int32(step0 + (e - epochs.start) * n_steps)
            params, state = self.train_epoch(
                params,
                state,
                t0,
                jnp.int32(e),
                coefficient,
                xs,
                ys,
                jax.random.fold_in(key, e),
                n_steps=n_steps,
                total_steps=total,
            )
            stop = after(e, params)
            self.epoch_seconds = time.perf_counter() - began
            if stop:
                break
        return params

    # --- monitors -------------------------------------------------------------------------

    def _errors_fn(self, p, xb, yb, *, attack: bool):
        f = nnx.merge(self.graphdef, p)
        if attack:
            xb = fgsm(f, xb, yb, self.adversarial[0] if self.adversarial else 0.0)
        return jnp.sum(jnp.argmax(f(xb), -1) != yb)

    def _loss_sum_fn(self, p, xb, yb):
        net = nnx.merge(self.graphdef, p)
        if self.objective is not None:  # batch-mean objective: weight by the chunk's size
            return self.objective(net, xb, yb, None) * len(xb)
        return optax.softmax_cross_entropy_with_integer_labels(net(xb), yb).sum()

    def error(self, params: Any, x: np.ndarray, y: np.ndarray, *, attack: bool = False) -> float:
        """Test-mode error (%) on ``(x, y)``, or on their FGSM images when ``attack``."""
        wrong = sum(
            int(
                self._errors(
                    params,
                    jnp.asarray(x[i : i + EVAL_CHUNK]),
                    jnp.asarray(y[i : i + EVAL_CHUNK]),
                    attack=attack,
                )
            )
            for i in range(0, len(x), EVAL_CHUNK)
        )
        return 100.0 * wrong / len(x)

    def mean_loss(self, params: Any, x: np.ndarray, y: np.ndarray) -> float:
        """Test-mode mean cross-entropy (the "log likelihood" of Goodfellow et al. 2013 Sec. 5.1),
        or the custom objective, on ``(x, y)``."""
        chunks = range(0, len(x), EVAL_CHUNK)
        total = sum(
            float(
                self._loss_sum(
                    params, jnp.asarray(x[i : i + EVAL_CHUNK]), jnp.asarray(y[i : i + EVAL_CHUNK])
                )
            )
            for i in chunks
        )
        return total / len(x)

    def objective_value(self, params: Any, x: np.ndarray, y: np.ndarray) -> float:
        """The training objective on ``(x, y)`` in test mode: loss plus weight decay."""
        if self.objective is not None:  # the autoencoder's objective has no weight decay
            return self.mean_loss(params, x, y)
        penalty = float(nnx.merge(self.graphdef, params).penalty())
        return self.mean_loss(params, x, y) + penalty

    def watch(
        self, params: Any, x: np.ndarray, y: np.ndarray, xv: np.ndarray, yv: np.ndarray
    ) -> float:
        monitor = self.recipe.monitor
        if monitor == "train_objective":
            return self.objective_value(params, x, y)
        return self.error(params, xv, yv, attack=monitor == "adversarial_valid_error")

    # --- stages ---------------------------------------------------------------------------

    def stage_one(
        self,
        params: Any,
        x: np.ndarray,
        y: np.ndarray,
        xv: np.ndarray,
        yv: np.ndarray,
        log: TrainLog,
        key: jax.Array,
        resumed: _Resumed | None = None,
    ) -> tuple[Any, TrainLog]:
        """Train until the stopping rule fires; keep the best epoch's weights (pylearn2's
        MonitorBased termination with MonitorBasedSaveBest)."""
        recipe = self.recipe
        rule = {"best_value": math.inf, "countdown": recipe.patience}
        best = {"weights": params}
        if resumed is not None:
            rule, best["weights"] = resumed.meta["rule"], resumed.trees["best"]
        else:
            log.stopped = "max_epochs"

        def after(e: int, now: Any) -> bool:
            log.epochs = e
            if recipe.monitor == "none":
                best["weights"], log.best_epoch = now, e
                return False
            value = self.watch(now, x, y, xv, yv)
            log.monitor.append(value)
            # MonitorBased: the countdown restarts on a decrease of at least min_decrease ...
            progress = value < (1.0 - recipe.min_decrease) * rule["best_value"]
            rule["countdown"] = recipe.patience if progress else rule["countdown"] - 1
            if value < rule["best_value"]:  # ... and the best weights are kept on any decrease
                best["weights"], rule["best_value"], log.best_epoch = now, value, e
                if recipe.retrain == "continue":
                    log.retrain_target = self.mean_loss(now, x, y)
            if rule["countdown"] <= 0:
                log.stopped = "patience"
                return True
            return False

        self.run_phase(
            "one",
            params,
            x,
            y,
            range(1, recipe.max_epochs + 1),
            jax.random.fold_in(key, 1),
            resumed=resumed,
            after=after,
            snapshot=lambda: (best["weights"], {"rule": dict(rule), "log": log.as_dict()}),
        )
        return best["weights"], log

    def continue_until_loss(
        self,
        params: Any,
        x: np.ndarray,
        y: np.ndarray,
        xv: np.ndarray,
        yv: np.ndarray,
        log: TrainLog,
        key: jax.Array,
        resumed: _Resumed | None = None,
    ) -> tuple[Any, TrainLog]:
        """Goodfellow et al. 2013 Sec. 5.1: from the best weights, train on all of ``(x, y)``
        until the loss on the formerly held-out ``(xv, yv)`` falls to ``log.retrain_target``.

        As the authors' mnist_pi_continued.yaml: the learning rate continues its decay from the
        best epoch, the momentum stays at the best epoch's value, the velocity starts at 0.
        """
        recipe, best = self.recipe, log.best_epoch
        if log.retrain_target is None:
            raise HypeError(
                "no epoch of the first stage improved the validation error",
                "check the recipe's learning rate in config.py",
            )
        step0 = best * ((len(x) - len(xv)) // recipe.batch_size)  # the updates of the first stage
        mu = float(momentum(recipe, best))
        if resumed is None:
            log.retrain_stopped = "max_epochs"

        def after(e: int, now: Any) -> bool:
            value = self.mean_loss(now, xv, yv)
            log.retrain_monitor.append(value)
            log.retrain_epochs = e - best
            if value <= log.retrain_target:  # type: ignore[operator]
                log.retrain_stopped = "target reached"
                return True
            return False

        now = self.run_phase(
            "continue",
            params,
            x,
            y,
            range(best + 1, best + recipe.max_epochs + 1),
            jax.random.fold_in(key, 3),
            resumed=resumed,
            step0=step0,
            mu=mu,
            after=after,
            snapshot=lambda: (None, {"log": log.as_dict()}),
        )
        return now, log

    def same_epochs(
        self,
        start: Any,
        x: np.ndarray,
        y: np.ndarray,
        log: TrainLog,
        key: jax.Array,
        resumed: _Resumed | None = None,
    ) -> Any:
        """Goodfellow et al. 2014 Sec. 6 (and 2013 Sec. 5.2): from the initial weights, train on
        all of ``(x, y)`` for the best epoch's count."""
        return self.run_phase(
            "same_epochs",
            start,
            x,
            y,
            range(1, log.best_epoch + 1),
            jax.random.fold_in(key, 2),
            resumed=resumed,
            snapshot=lambda: (None, {"log": log.as_dict()}),
        )


def logits_fn(model: nnx.Module) -> Logits:
    """The model as a pure, jitted function of [0, 1] pixels (evaluation mode: no dropout)."""
    graphdef, params = nnx.split(model)
    return jax.jit(lambda x: nnx.merge(graphdef, params)(x))


def predict(f: Logits, x: np.ndarray, chunk: int = 10_000) -> np.ndarray:
    """Class probabilities for ``x``, in chunks to bound memory."""
    out = [
        np.asarray(jax.nn.softmax(f(jnp.asarray(x[i : i + chunk]))))
        for i in range(0, len(x), chunk)
    ]
    return np.concatenate(out)


def error_rate(f: Logits, x: np.ndarray, y: np.ndarray) -> float:
    """Percentage of ``x`` misclassified."""
    return float(100.0 * np.mean(predict(f, x).argmax(1) != y))
