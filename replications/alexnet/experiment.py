"""The AlexNet replication on CIFAR-10: ``run(config, key=jax.random.key(S)) -> Tables``.

Stages (each a set of keyed, resumable training jobs, see ``train.py`` and ``shared.jobs``):

- ``fig1``: ReLU vs tanh four-layer nets, no regularisation, a learning-rate sweep per
  activation (seed 0), then every seed at the chosen rate: epochs to 25% training error
  (Krizhevsky et al. 2012, §3.1, Fig. 1);
- ``lrn_pool``: the four-layer net with the §5 recipe, plain (3x3/2 pooling), with LRN (§3.3),
  and with non-overlapping 2x2/2 pooling (§3.4): test error and train-test gap;
- ``dropout``: an AlexNet-style net for 32x32 images with and without dropout 0.5 in FC6/FC7
  (§4.2; Hinton et al. 2012): train-test gap and epochs to converge;
- the parameter count of the ImageNet AlexNet (§3.5 / abstract), built and counted.

Every stage's jobs go to one pool of workers (``shared.jobs.run_tasks``) in the order above; a
sweep is one task (each rate's budget is the best so far), the seeds at its chosen rate start
when it is done. A run stopped by its budget (``--stop-after``) returns the tables of the
stages whose jobs are all finished and, for the others, how many of their jobs are; the same
command continues from the state folder.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import math
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from replications.alexnet.config import Config
from replications.alexnet.model import imagenet_alexnet_parameters
from replications.alexnet.tables import Fig1, Signal, SweepRow, Tables, Variant
from replications.alexnet.train import (
    MODELS,
    Job,
    Schedule,
    Split,
    epochs_to_converge,
    finished,
    run_job,
    subtract_mean,
)
from shared.datasets.cifar10 import load_cifar10
from shared.jobs import Budget, JobStore, Progress, Task, checkpoint_meta, control, run_tasks
from shared.record import note_jobs, stage

FOUR_LAYER_VARIANTS = {  # §3.3 and §3.4 switches on the four-layer net
    "plain": (("activation", "relu"), ("lrn", False), ("pool_size", 3)),
    "lrn": (("activation", "relu"), ("lrn", True), ("pool_size", 3)),
    "pool2": (("activation", "relu"), ("lrn", False), ("pool_size", 2)),
}
DROPOUT_VARIANTS = {"dropout": 0.5, "no_dropout": 0.0}  # §4.2, in FC6 and FC7
STAGE_TABLES = {"fig1": "fig1", "lrn_pool": "four_layer", "dropout": "small_alexnet"}
ACTIVATIONS = ("relu", "tanh")


def datasets(config: Config) -> tuple[str, ...]:
    """CIFAR-10 (the genuine binary version, or offline the JPEG-degraded copy)."""
    return ("cifar10",)


def load_split(config: Config) -> tuple[Split, str]:
    """Train = the first ``n_train`` images, validation = the last ``n_val`` training images,
    test = ``n_test`` evenly spaced test images (all of them in the paper profile)."""
    data = load_cifar10()
    n_all = len(data.x_train)
    val = slice(n_all - config.n_val, n_all)
    test = np.linspace(0, len(data.x_test) - 1, config.n_test).round().astype(int)
    x_train, y_train = data.x_train[: config.n_train], data.y_train[: config.n_train]
    arrays = (
        x_train,
        y_train,
        data.x_train[val],
        data.y_train[val],
        data.x_test[test],
        data.y_test[test],
        x_train.astype(np.float64).mean(axis=0).astype(np.float32),
    )
    return Split(*arrays[:6], mean=arrays[6], fingerprint=fingerprint(arrays)), data.note


def init_signal(data: Split, keys: dict[str, jax.Array], images: int = 500) -> dict[str, Signal]:
    """How much each §5 net's output depends on its input at the paper's initialisation (§5:
    N(0, 0.01) weights, biases 1 in the layers it names), seed 0's init: the spread of every
    logit over the first ``images`` validation images, against the logits' constant part.

    N(0, 0.01) is a fixed size, not a fixed gain: each layer scales the image-dependent part of
    its input by about sqrt(fan-in) x 0.01, so a net with narrower layers keeps less of the image
    (after conv1 the product of these gains is about 1e-2 for the ImageNet net and 1e-4 for the
    small AlexNet), and units whose input is almost the same for every image die together. The
    small AlexNet is the job's own net with dropout off (dropout has no weights): no halving
    after FC6 and FC7, as test mode would apply."""
    x = subtract_mean(jnp.asarray(data.x_val[:images]), jnp.asarray(data.mean))
    nets = {
        "four_layer": ("four_layer", dict(FOUR_LAYER_VARIANTS["plain"]), keys["lrn_pool"]),
        "small_alexnet": ("small_alexnet", {"dropout_rate": 0.0}, keys["dropout"]),
    }
    signal: dict[str, Signal] = {}
    for name, (model, options, stage_key) in nets.items():
        seed_key = jax.random.fold_in(stage_key, 0)  # the stage's seed 0 (``Stage.key``)
        net = MODELS[model](**options, rngs=nnx.Rngs(params=jax.random.fold_in(seed_key, 0)))
        logits = np.asarray(net(x), np.float64)
        signal[name] = {
            "spread": float(logits.std(axis=0).mean()),  # over images, mean over classes
            "offset": float(np.abs(logits.mean(axis=0)).mean()),
            "images": len(x),
        }
    return signal


def fingerprint(arrays: tuple[np.ndarray, ...]) -> str:
    """sha256 of the arrays' shapes, types and bytes: the data part of every job's key."""
    digest = hashlib.sha256()
    for array in arrays:
        digest.update(f"{array.shape}{array.dtype}".encode())
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


Obtain = Callable[[Job, int], dict[str, Any] | None]  # (job, seed index) -> history or None


def fig1_job(config: Config, activation: str, learning_rate: float, seed: int, cap: int) -> Job:
    """A Fig. 1 run: the four-layer net, no regularisation, constant rate, until the target.
    Seed 0 of every swept rate is named by its rate; the other seeds run the chosen one."""
    return Job(
        name=f"fig1-{activation}-lr{learning_rate:g}-s0"
        if seed == 0
        else f"fig1-{activation}-s{seed}",
        model="four_layer",
        options=(("activation", activation), ("lrn", False), ("pool_size", 3)),
        learning_rate=learning_rate,
        weight_decay=0.0,
        schedule=Schedule.TARGET,
        max_epochs=cap,
        batch_size=config.batch_size,
        target_error=config.fig1_target_error,
    )


def walk_sweep(
    config: Config, activation: str, obtain: Obtain
) -> tuple[list[SweepRow], float | None, dict[str, Any] | None] | None:
    """Fig. 1's sweep on seed 0, rate by rate in the config's order: each rate's budget is the
    best epochs so far, rounded up (a slower rate cannot win: same choice, less compute).
    Returns (rows, chosen rate, its history), or None while one of its jobs is unfinished."""
    rows: list[SweepRow] = []
    best, cap, chosen, winner = math.inf, config.fig1_max_epochs, None, None
    for learning_rate in config.fig1_learning_rates:
        history = obtain(fig1_job(config, activation, learning_rate, 0, cap), 0)
        if history is None:
            return None
        reached = history["reached"]
        rows.append(
            {
                "activation": activation,
                "lr": learning_rate,
                "epochs": reached,
                "budget": cap,
                "diverged": history["diverged"],
                "stalled": history.get("stalled", False),
            }
        )
        if reached is not None and reached < best:
            best, chosen, winner = reached, learning_rate, history
            cap = max(1, math.ceil(best))
    return rows, chosen, winner


def seed_job(config: Config, activation: str, chosen: float | None, seed: int) -> Job:
    rate = chosen if chosen is not None else config.fig1_learning_rates[0]
    return fig1_job(config, activation, rate, seed, config.fig1_max_epochs)


def plateau_job(name: str, model: str, options: tuple, config: Config) -> Job:
    """A §5 run: rate 0.01, weight decay, divided by 10 on validation plateaus three times."""
    return Job(
        name=name,
        model=model,
        options=options,
        learning_rate=config.learning_rate,
        weight_decay=config.weight_decay,
        schedule=Schedule.PLATEAU,
        max_epochs=config.max_epochs,
        batch_size=config.batch_size,
        patience=config.patience,
        lr_drops=config.lr_drops,
    )


def lrn_pool_jobs(config: Config) -> dict[str, list[Job]]:
    return {
        variant: [
            plateau_job(f"four-{variant}-s{s}", "four_layer", options, config)
            for s in range(config.seeds)
        ]
        for variant, options in FOUR_LAYER_VARIANTS.items()
    }


def dropout_jobs(config: Config) -> dict[str, list[Job]]:
    return {
        variant: [
            plateau_job(f"small-{variant}-s{s}", "small_alexnet", (("dropout_rate", rate),), config)
            for s in range(config.seeds)
        ]
        for variant, rate in DROPOUT_VARIANTS.items()
    }


class Stage:
    """What the tasks of one stage need, picklable for the workers: the data, the stage's key
    (as key data), the state folder and the threads each job computes with."""

    def __init__(
        self, config: Config, data: Split, key: jax.Array, folder: Path, threads: int | None
    ) -> None:
        self.config, self.data, self.folder, self.threads = config, data, folder, threads
        self.key_data = np.asarray(jax.random.key_data(key))

    def key(self, seed: int) -> jax.Array:
        return jax.random.fold_in(jax.random.wrap_key_data(self.key_data), seed)

    def train(self, budget: Budget | None) -> Obtain:
        store = JobStore(self.folder)
        return lambda job, seed: run_job(
            job, self.data, key=self.key(seed), store=store, threads=self.threads, budget=budget
        )

    def lookup(self) -> Obtain:
        store = JobStore(self.folder)
        return lambda job, seed: finished(
            job, self.data, key=self.key(seed), store=store, threads=self.threads
        )


def sweep_task(stage: Stage, activation: str, *, budget: Budget) -> None:
    walk_sweep(stage.config, activation, stage.train(budget))


def sweep_done(stage: Stage, activation: str) -> bool:
    return walk_sweep(stage.config, activation, stage.lookup()) is not None


def seed_task(stage: Stage, activation: str, seed: int, *, budget: Budget) -> None:
    swept = walk_sweep(stage.config, activation, stage.lookup())
    if swept is not None:
        stage.train(budget)(seed_job(stage.config, activation, swept[1], seed), seed)


def job_task(stage: Stage, job: Job, seed: int, *, budget: Budget) -> None:
    stage.train(budget)(job, seed)


def tasks(stages: dict[str, Stage]) -> tuple[list[Task], dict[str, str]]:
    """Every task of the stages, in the order they should take the workers (Fig. 1 first), and
    every job name with its stage (for the progress count)."""
    todo: list[Task] = []
    names: dict[str, str] = {}
    if "fig1" in stages:
        fig1, config = stages["fig1"], stages["fig1"].config
        for activation in ACTIVATIONS:
            sweep = [f"fig1-{activation}-lr{r:g}-s0" for r in config.fig1_learning_rates]
            todo.append(Task(f"fig1-{activation}-sweep", sweep_task, (fig1, activation)))
            names.update(dict.fromkeys(sweep, "fig1"))
        for activation in ACTIVATIONS:
            for seed in range(1, config.seeds):
                name = f"fig1-{activation}-s{seed}"
                ready = functools.partial(sweep_done, fig1, activation)
                todo.append(Task(name, seed_task, (fig1, activation, seed), ready))
                names[name] = "fig1"
    for stage_name, plan in (("lrn_pool", lrn_pool_jobs), ("dropout", dropout_jobs)):
        if stage_name in stages:
            for jobs in plan(stages[stage_name].config).values():
                for seed, job in enumerate(jobs):
                    todo.append(Task(job.name, job_task, (stages[stage_name], job, seed)))
                    names[job.name] = stage_name
    return todo, names


def fig1_table(stage: Stage) -> Fig1 | None:
    """Fig. 1: epochs to 25% training error, ReLU vs tanh, each at its fastest learning rate."""
    config, obtain = stage.config, stage.lookup()
    sweep: list[SweepRow] = []
    chosen: dict[str, float] = {}
    runs: dict[tuple[str, int], dict[str, Any]] = {}
    for activation in ACTIVATIONS:
        swept = walk_sweep(config, activation, obtain)
        if swept is None:
            return None
        rows, rate, winner = swept
        sweep += rows
        if rate is not None:
            chosen[activation], runs[(activation, 0)] = rate, winner  # type: ignore[assignment]
        for seed in range(1, config.seeds):
            history = obtain(seed_job(config, activation, rate, seed), seed)
            if history is None:
                return None
            runs[(activation, seed)] = history
    epochs = {
        a: [(runs[(a, s)]["reached"] if (a, s) in runs else None) for s in range(config.seeds)]
        for a in ACTIVATIONS
    }
    return {
        "sweep": sweep,
        "chosen_lr": chosen,
        "epochs": epochs,  # type: ignore[typeddict-item]
        "budget": config.fig1_max_epochs,
        "target_error": config.fig1_target_error,
        "curves": {f"{a}-s{s}": runs[(a, s)]["checks"] for (a, s) in sorted(runs)},
    }


def _summaries(histories: list[dict[str, Any]], within: float) -> Variant:
    diverged = [h["diverged"] for h in histories]  # stalled at chance, or a non-finite loss
    return {
        "test_error": [h.get("test_error") for h in histories],
        "train_error": [h.get("train_error") for h in histories],
        "gap": [
            None if d else h["test_error"] - h["train_error"]
            for h, d in zip(histories, diverged, strict=True)
        ],
        "diverged": diverged,
        "stalled": [h.get("stalled", False) for h in histories],
        "epochs": [h["epochs"] for h in histories],
        "converge": [epochs_to_converge(h["val_error"], within) for h in histories],
        "val_error": [h["val_error"] for h in histories],
    }


def plateau_table(stage: Stage, plan: Callable[[Config], dict[str, list[Job]]]) -> dict | None:
    """§3.3 / §3.4 (lrn_pool) or §4.2 (dropout): one row per variant, once every job is done."""
    obtain, rows = stage.lookup(), {}
    for variant, jobs in plan(stage.config).items():
        histories = [obtain(job, seed) for seed, job in enumerate(jobs)]
        if None in histories:
            return None
        rows[variant] = _summaries(histories, stage.config.converged_within)  # type: ignore[arg-type]
    return rows


def stage_jobs(store: JobStore, names: dict[str, str], stage_name: str) -> list[dict[str, Any]]:
    """Provenance of a stage: each finished job's key, epochs and outcome (finished, stalled at
    chance, diverged), and where, when and how long it ran."""
    jobs = []
    for name in sorted(n for n, s in names.items() if s == stage_name):
        record = store.record(name)
        if record is not None:
            result = record["result"]
            outcome = (
                "stalled at chance"
                if result.get("stalled")
                else "diverged"
                if result.get("diverged")
                else "finished"
            )
            jobs.append(
                {
                    "name": name,
                    "key": record["key"][:16],
                    "epochs": result.get("epochs"),
                    "outcome": outcome,
                    **record["run"],
                }
            )
    return jobs


def longest_epoch(store: JobStore) -> float:
    """The longest seconds per epoch measured in the run's state: finished jobs' records and
    running jobs' checkpoints. A job resumed in a fresh worker has not timed an epoch there, so
    its budget assumes this (``Budget.first_epoch``) rather than nothing."""
    rates = [
        record["run"]["wall_seconds"] / record["result"]["epochs"]
        for record in store.records()
        if record["result"].get("epochs")
    ]
    for path in sorted((store.folder / "checkpoints").glob("*.npz")):
        try:
            progress = checkpoint_meta(path)["run"]
            if progress["epoch"]:
                rates.append(progress["seconds"] / progress["epoch"])
        except (OSError, ValueError, KeyError, TypeError):
            continue  # the job itself refuses a broken checkpoint, with the fix, when it runs
    return max(rates, default=0.0)


def run(config: Config, *, key: jax.Array) -> Tables:
    """Every stage of ``config.stages`` as far as the run's budget allows (``shared.jobs``'s
    ``control()``: workers, threads, stop time, state folder); keys fold_in(key, stage index)
    then fold_in(., seed index), with ``key = jax.random.key(S)`` for the base seed S."""
    with stage("data"):
        data, note = load_split(config)
    with stage("parameter count"):
        count = imagenet_alexnet_parameters()
    tables: dict[str, Any] = {"data_note": note, "parameters": count, "devices": jax.device_count()}
    stage_keys = {name: jax.random.fold_in(key, i) for i, name in enumerate(STAGE_TABLES)}
    with stage("initial signal"):
        tables["init_signal"] = init_signal(data, stage_keys)
    ctl = control()
    with tempfile.TemporaryDirectory(prefix="hype-alexnet-") as scratch:
        folder = ctl.state or Path(scratch)
        stages = {
            name: Stage(config, data, stage_keys[name], folder, ctl.threads)
            for name in STAGE_TABLES
            if name in config.stages
        }
        todo, names = tasks(stages)
        store = JobStore(folder)
        progress = Progress(store, names, ctl.workers)
        print(f"alexnet: {progress.line()} (state: {folder})", file=sys.stderr)
        budget = ctl.budget
        if isinstance(budget, Budget):  # (tests pass budgets counted in epochs)
            budget = dataclasses.replace(budget, first_epoch=longest_epoch(store))
        with stage("training"):
            run_tasks(
                todo, workers=ctl.workers, threads=ctl.threads, budget=budget, progress=progress
            )
        builders = {
            "fig1": fig1_table,
            "lrn_pool": functools.partial(plateau_table, plan=lrn_pool_jobs),
            "dropout": functools.partial(plateau_table, plan=dropout_jobs),
        }
        pending: dict[str, dict[str, int]] = {}
        for name, stage_ in stages.items():
            jobs = stage_jobs(store, names, name)
            table = builders[name](stage_)
            unclean = [j["name"] for j in jobs if j["dirty"] is not False]
            if table is not None and not (ctl.clean_only and unclean):
                tables[STAGE_TABLES[name]] = table
            else:
                total = sum(1 for s in names.values() if s == name)
                pending[name] = {"done": len(jobs), "total": total, "unclean": len(unclean)}
            note_jobs(name, jobs)
        if pending:
            tables["pending"] = pending
        print(f"alexnet: {progress.line()}", file=sys.stderr)
    return tables  # type: ignore[return-value]
