"""One training run ("job") of a CIFAR-10 net, resumable: the paper's SGD (§5), batches of 128,
and either of two stopping rules:

- ``target``: constant learning rate, stop once the running training error reaches a target
  (Fig. 1: 25%), measured over each tenth of an epoch as cuda-convnet printed it (the error of
  the minibatches just trained on), or when the epoch budget runs out;
- ``plateau``: the learning rate is divided by 10 when the validation error has not improved
  for ``patience`` epochs, three times, and the run ends at the next plateau (§5: "divided by 10
  when the validation error rate stopped improving ... reduced three times prior to termination").

Either way a run whose training error stays at chance (>= 85% through a whole epoch, from the
third epoch on) has stalled (dead ReLUs or saturated units do not come back at a constant rate):
it stops and is reported as such.

Each epoch is one XLA program over the training set held on the devices (``Stepper.train_steps``);
its per-step losses and errors come back at the end and are read as the checks above. A job is
a keyed job of ``shared.jobs``: its key covers the ``Job``, the seed key, the data's checksum,
the code in ``JOB_CODE``, the versions, the platform and the threads. It checkpoints after every
epoch (params, optimiser state, history, wall time so far) and records its outcome when done;
re-running the same job (same key) resumes or returns the recorded outcome. Data order and
dropout masks derive from the keys and the epoch/step number, so a resumed run is the same run.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import multiprocessing
import sys
import time
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx
from tqdm.auto import tqdm

from replications.alexnet.model import FourLayerNet, SmallAlexNet
from shared.jobs import Budget, JobStore, environment, job_key, run_facts
from shared.training import DeviceSet, Stepper, load_checkpoint, paper_sgd, save_checkpoint

MODELS = {"four_layer": FourLayerNet, "small_alexnet": SmallAlexNet}
JOB_CODE = (  # the code that decides a job's numbers: a change here retrains (shared.jobs)
    "replications.alexnet.model",
    "replications.alexnet.train",
    "shared.training",
    "shared.xla",
)


class Schedule(StrEnum):
    """How a job's learning rate and stopping are decided (see the module docstring)."""

    TARGET = "target"  # constant rate; stop at a running training error (Fig. 1)
    PLATEAU = "plateau"  # divide by 10 on validation plateaus, three times (§5)


@dataclass(frozen=True, kw_only=True)
class Job:
    """Everything that defines one training run (with the seed key, its settings in the key)."""

    name: str
    model: str
    options: tuple[tuple[str, Any], ...]  # model keyword arguments
    learning_rate: float
    weight_decay: float
    schedule: Schedule
    max_epochs: int
    batch_size: int = 128
    target_error: float = 0.25
    checks_per_epoch: int = 10
    patience: int = 5
    lr_drops: int = 3
    give_up_epochs: int = (
        3  # a run still at give_up_error over a whole epoch after this many epochs
    )
    give_up_error: float = (
        0.85  # ... has stalled (dead ReLUs, saturated tanh): it stops, never reaching
    )


@dataclass(frozen=True)
class Split:
    """Uint8 images and int labels of the train / validation / test sets, plus the pixel mean."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    mean: (
        np.ndarray
    )  # per-pixel mean of x_train (§2: "subtracting the mean activity ... from each pixel")
    fingerprint: str  # sha256 of the arrays and the mean: the data part of every job's key


def subtract_mean(x: jax.Array, mean: jax.Array) -> jax.Array:
    """Raw 0-255 pixels minus the per-pixel training mean: the only preprocessing of §2."""
    return x.astype(jnp.float32) - mean


def key_of(job: Job, data: Split, seed_key: jax.Array, threads: int | None) -> str:
    """The job's key (``shared.jobs.job_key``), from any process: ``threads`` is what the job
    computes with (None: this process's own)."""
    settings = {**asdict(job), "seed_key": np.asarray(jax.random.key_data(seed_key)).tolist()}
    return job_key(settings, data.fingerprint, environment(JOB_CODE, threads))


def finished(
    job: Job, data: Split, *, key: jax.Array, store: JobStore, threads: int | None
) -> dict[str, Any] | None:
    """The recorded history of ``job`` if it finished with today's key, else None."""
    record = store.finished(job.name, key_of(job, data, key, threads))
    return None if record is None else record["result"]


_EPOCH_SECONDS: dict[str, float] = {}  # model -> the last epoch's wall time in this process


def run_job(
    job: Job,
    data: Split,
    *,
    key: jax.Array,
    store: JobStore,
    threads: int | None = None,
    budget: Budget | None = None,
) -> dict[str, Any] | None:
    """Train ``job`` from ``key`` (init = fold_in(key, 0), data order 1, dropout 2) and return its
    history: ``checks`` (epoch, running train error) and, per epoch, validation error and learning
    rate; ``plateau`` jobs add the final test error and test-mode training error. A finished job
    with the same key is read back; a checkpoint with the same key is resumed. None: the
    ``budget`` ran out first (the last epoch's checkpoint is kept)."""
    job_id = key_of(job, data, key, threads)
    state_file = store.checkpoint_path(job.name)
    record = store.finished(job.name, job_id)
    if record is not None:
        return record["result"]
    if store.record(job.name) is not None or _stale(state_file, job_id):
        print(
            f"{job.name}: its key changed (code, data, versions or settings): retraining",
            file=sys.stderr,
        )
        state_file.unlink(missing_ok=True)

    model = MODELS[job.model](**dict(job.options), rngs=nnx.Rngs(params=jax.random.fold_in(key, 0)))
    stepper = Stepper(
        model,
        paper_sgd(learning_rate=job.learning_rate, weight_decay=job.weight_decay),
        preprocess=subtract_mean,
        aux=jnp.asarray(data.mean, jnp.float32),
        cache_key="paper_sgd",
    )
    stepper.check_batch(job.batch_size)
    held = on_device(data, stepper)
    n = len(data.x_train)
    steps = n // job.batch_size
    marks = sorted(set(np.linspace(0, steps, job.checks_per_epoch + 1).astype(int).tolist()) - {0})
    history: dict[str, Any] = {
        "checks": [],
        "val_error": [],
        "lr": [],
        "diverged": False,
        "stalled": False,
        "reached": None,
    }
    run = {"epoch": 0, "best": math.inf, "since": 0, "drops": 0, "stop": False, "seconds": 0.0}
    resumed = load_checkpoint(state_file, stepper.state())
    if resumed is not None:
        stepper.restore(resumed[0])
        history, run = resumed[1]["history"], resumed[1]["run"]

    in_worker = multiprocessing.parent_process() is not None  # the run's bar counts jobs there
    bar = tqdm(
        total=job.max_epochs * steps,
        initial=run["epoch"] * steps,
        desc=job.name,
        unit="step",
        mininterval=10,
        leave=False,
        disable=in_worker,
    )
    while not run["stop"] and run["epoch"] < job.max_epochs:
        if budget is not None and not budget.allows(_EPOCH_SECONDS.get(job.model, 0.0)):
            bar.close()
            return None  # the last epoch's checkpoint is the state the next run resumes
        began = time.perf_counter()
        epoch = run["epoch"]
        order = np.asarray(
            jax.random.permutation(jax.random.fold_in(jax.random.fold_in(key, 1), epoch), n)
        )
        history["lr"].append(stepper.learning_rate())
        # The whole epoch is one XLA program; its per-step numbers come back in one host sync.
        losses, errors = stepper.train_steps(
            held["train"],
            order[: steps * job.batch_size].reshape(steps, -1),
            jax.random.fold_in(key, 2),
            first_step=epoch * steps,
        )
        losses, errors = np.asarray(losses), np.asarray(errors)
        _read_checks(job, epoch, marks, losses, errors, history, run)
        bar.update(steps)
        run["epoch"] = epoch + 1
        last_epoch = [rate for at, rate in history["checks"] if epoch < at <= epoch + 1]
        if (
            not run["stop"]
            and run["epoch"] >= job.give_up_epochs
            and last_epoch
            and min(last_epoch) >= job.give_up_error
        ):
            history["stalled"], history["diverged"], run["stop"] = True, True, True
        if job.schedule is Schedule.PLATEAU and not run["stop"]:
            _plateau(job, stepper, held["val"], history, run)
        _EPOCH_SECONDS[job.model] = time.perf_counter() - began
        run["seconds"] += _EPOCH_SECONDS[job.model]
        if not run["stop"]:
            meta = {"key": job_id, "history": history, "run": run}
            save_checkpoint(state_file, stepper.state(), meta)
    bar.close()
    began = time.perf_counter()
    if job.schedule is Schedule.PLATEAU and not history["diverged"]:
        history["test_error"] = stepper.error_rate(held["test"])
        history["train_error"] = stepper.error_rate(held["train"])
    history["epochs"] = run["epoch"]
    facts = run_facts()
    facts.update(
        wall_seconds=round(run["seconds"] + time.perf_counter() - began, 1),
        finished_utc=dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    store.finish(job.name, job_id, history, facts, environment(JOB_CODE, threads))
    return history


def _stale(state_file: Path, job_id: str) -> bool:
    """Whether a checkpoint is there that another key wrote (or that cannot be read)."""
    if not state_file.is_file():
        return False
    try:
        with np.load(state_file, allow_pickle=False) as saved:
            return json.loads(bytes(saved["meta"]).decode()).get("key") != job_id
    except (OSError, ValueError, KeyError):
        return True


def _read_checks(
    job: Job,
    epoch: int,
    marks: list[int],
    losses: np.ndarray,
    errors: np.ndarray,
    history: dict[str, Any],
    run: dict[str, Any],
) -> None:
    """The running training error over each tenth of the epoch, as cuda-convnet printed it (the
    minibatches just trained on); divergence (a non-finite loss at a check) and the target rule
    are read at the same checks. A ``target`` job stops at the first check at or below its
    target: the rest of that epoch was computed (in the same program) but is never used."""
    steps, start = len(losses), 0
    for mark in marks:
        if not math.isfinite(float(losses[mark - 1])):
            history["diverged"], run["stop"] = True, True
            return
        rate = float(errors[start:mark].sum()) / ((mark - start) * job.batch_size)
        history["checks"].append([epoch + mark / steps, rate])
        start = mark
        if job.schedule is Schedule.TARGET and rate <= job.target_error:
            history["reached"], run["stop"] = epoch + mark / steps, True
            return


_HELD: dict[Any, dict[str, DeviceSet]] = {}


def on_device(data: Split, stepper: Stepper) -> dict[str, DeviceSet]:
    """The train, validation and test sets held on the stepper's devices; the last split held is
    kept, so the many jobs of a run copy their data to the devices once."""
    key = (data.fingerprint, id(data.x_train), tuple(stepper.mesh.devices.flat))
    if key not in _HELD:
        _HELD.clear()
        _HELD[key] = {
            "train": stepper.put(data.x_train, data.y_train),
            "val": stepper.put(data.x_val, data.y_val),
            "test": stepper.put(data.x_test, data.y_test),
        }
    return _HELD[key]


def _plateau(
    job: Job, stepper: Stepper, val_set: DeviceSet, history: dict[str, Any], run: dict[str, Any]
) -> None:
    """§5's schedule, after each epoch: validation error; divide the rate by 10 on a plateau."""
    val = stepper.error_rate(val_set)
    history["val_error"].append(val)
    if val < run["best"]:
        run["best"], run["since"] = val, 0
        return
    run["since"] += 1
    if run["since"] < job.patience:
        return
    if run["drops"] == job.lr_drops:
        run["stop"] = True
        return
    stepper.set_learning_rate(stepper.learning_rate() / 10)
    run["drops"], run["since"] = run["drops"] + 1, 0


def epochs_to_converge(val_errors: list[float], within: float) -> int | None:
    """The first epoch (1-based) whose validation error is within ``within`` of the run's best."""
    if not val_errors:
        return None
    best = min(val_errors)
    return next(i + 1 for i, v in enumerate(val_errors) if v <= best + within)
