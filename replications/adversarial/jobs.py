"""The trained MNIST models of the adversarial replication as keyed jobs (``shared.jobs``).

Every model the tables attack is one job: the six of Szegedy et al. Table 1 (AE400-10 in two:
its autoencoder, then the softmax on the frozen codes), the three of Table 3 on the disjoint
halves P1 and P2 (Sec. 4.2), and Goodfellow et al.'s maxout net, plainly (2013 Sec. 5.1) and
adversarially trained (2014 Sec. 6). A job trains its model by its recipe (``train.fit``),
checkpointing as it goes, and stores the trained weights beside its record
(``models/<job>.npz`` in the state folder); the attacks and tables are computed afterwards from
the stored models, so a stopped run continues where it stopped, and a finished one is never
trained again while its key holds.

A job's key covers its settings (model, recipe, rows, key paths), the MNIST arrays' checksum, the
code in ``JOB_CODE``, the versions, the platform and the threads (``shared.jobs.job_key``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from replications.adversarial.config import Config, Recipe
from replications.adversarial.model import (
    Autoencoder,
    AutoencoderSoftmax,
    Maxout,
    SigmoidMLP,
    Softmax,
)
from replications.adversarial.tables import TABLE1, TABLE3
from replications.adversarial.train import Logits, Resumable, Stopped, fit, logits_fn
from shared.errors import HypeError
from shared.jobs import Budget, JobStore, environment, job_key, run_facts, stale_checkpoint
from shared.training import load_checkpoint, save_checkpoint

JOB_CODE = (  # the code that decides a model's weights: a change here retrains (shared.jobs)
    "replications.adversarial.attacks",
    "replications.adversarial.jobs",
    "replications.adversarial.model",
    "replications.adversarial.train",
    "shared.xla",
)
MLP_DECAY = (1e-5, 1e-5, 1e-6)  # Szegedy et al. Sec. 4.2, for the FC100/FC200 nets
AE_SPARSITY = (0.05, 3.0)  # AE400's sparsity target and penalty weight (not in the paper; ours)
AUTOENCODER = "AE400"  # the job of AE400-10's autoencoder (not a model the tables attack)
MAXOUT = ("maxout", "maxout, adversarially trained")


@dataclass(frozen=True, kw_only=True)
class ModelJob:
    """One trained model: what it is, how it is trained, on which rows, from which keys.

    Keys are ``fold_in`` paths from the run's key (``init``: the initial weights, None for
    ``nnx.Rngs(0)``; ``fit``: ``train.fit``'s key), the same as the run used before its models
    were jobs, so a model's weights do not depend on how the run was carried."""

    name: str  # the paper's name of the model (tables.TABLE1, TABLE3, MAXOUT) or AUTOENCODER
    file: str  # its file name in the state folder
    stage: str  # the stage whose tables need it first
    kind: str  # "softmax", "mlp", "autoencoder", "ae_softmax" or "maxout"
    options: tuple[tuple[str, Any], ...]  # the model's own settings
    recipe: Recipe
    rows: str  # "all" training images, or "P1" / "P2" (Szegedy et al. Sec. 4.2's halves)
    init: tuple[int, ...] | None
    fit: tuple[int, ...]
    adversarial: tuple[float, float] | None = None  # (epsilon, alpha), Goodfellow et al. Sec. 6
    needs: str | None = None  # the job whose trained model this one builds on


HALVES_KEY = (4, 0)  # the fold_in path of the permutation that splits P1 and P2


def model_jobs(config: Config) -> list[ModelJob]:
    """Every model of a run, in the order they take the workers (the small ones first, so the
    Szegedy stages are in early; AE400-10 waits for its autoencoder)."""
    mlp = {"decays": MLP_DECAY}
    jobs = [
        ModelJob(
            name=name,
            file=f"fc10-{decay:g}",
            stage="szegedy",
            kind="softmax",
            options=(("decay", decay),),
            recipe=config.softmax,
            rows="all",
            init=None,
            fit=(1, i),
        )
        for i, (name, decay) in enumerate(zip(TABLE1[:3], (1e-4, 1e-2, 1.0), strict=True))
    ]
    for i, (name, hidden) in enumerate(zip(TABLE1[3:5], ((100, 100), (200, 200)), strict=True)):
        options = (("hidden", hidden), *mlp.items())
        jobs.append(
            ModelJob(
                name=name,
                file=f"fc{hidden[0]}-{hidden[1]}",
                stage="szegedy",
                kind="mlp",
                options=options,
                recipe=config.mlp,
                rows="all",
                init=(1, 3 + i, 0),
                fit=(1, 3 + i),
            )
        )
    sparse = (
        ("hidden", 400),
        ("sparsity_target", AE_SPARSITY[0]),
        ("sparsity_weight", AE_SPARSITY[1]),
    )
    jobs.append(
        ModelJob(
            name=AUTOENCODER,
            file="ae400",
            stage="szegedy",
            kind="autoencoder",
            options=sparse,
            recipe=config.autoencoder,
            rows="all",
            init=(1, 5, 0),
            fit=(1, 5, 1),
        )
    )
    jobs.append(
        ModelJob(
            name=TABLE1[5],
            file="ae400-10",
            stage="szegedy",
            kind="ae_softmax",
            options=(("decay", 1e-6),),
            recipe=config.softmax,
            rows="all",
            init=(1, 5, 2),
            fit=(1, 5, 3),
            needs=AUTOENCODER,
        )
    )
    for i, (name, hidden, rows) in enumerate(
        zip(TABLE3, ((100, 100), (123, 456), (100, 100)), ("P1", "P1", "P2"), strict=True)
    ):
        jobs.append(
            ModelJob(
                name=name,
                file=f"{rows.lower()}-fc{hidden[0]}-{hidden[1]}",
                stage="cross_training_set",
                kind="mlp",
                options=(("hidden", hidden), *mlp.items()),
                recipe=config.mlp,
                rows=rows,
                init=(4, 1 + i, 0),
                fit=(4, 1 + i),
            )
        )
    net = tuple(asdict(config.maxout_net).items())
    for i, name in enumerate(MAXOUT):
        robust = i == 1
        jobs.append(
            ModelJob(
                name=name,
                file="maxout-adversarial" if robust else "maxout",
                stage="goodfellow",
                kind="maxout",
                options=net,
                recipe=config.maxout_adversarial if robust else config.maxout,
                rows="all",
                init=(7, i, 0),
                fit=(7, i, 1),
                adversarial=(config.epsilon, config.alpha) if robust else None,
            )
        )
    return jobs


def fold(key: jax.Array, path: tuple[int, ...]) -> jax.Array:
    for index in path:
        key = jax.random.fold_in(key, index)
    return key


def halves(n: int, key: jax.Array) -> tuple[np.ndarray, np.ndarray]:
    """Szegedy et al. Sec. 4.2: the training set split into disjoint halves P1 and P2."""
    order = np.asarray(jax.random.permutation(key, n))
    return order[: n // 2], order[n // 2 : 2 * (n // 2)]


def fingerprint(data: dict[str, np.ndarray]) -> str:
    """sha256 of the training arrays: the data part of every job's key."""
    digest = hashlib.sha256()
    for name in ("x_train", "y_train"):
        array = np.ascontiguousarray(data[name])
        digest.update(f"{name}{array.dtype}{array.shape}".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


class Bench:
    """What a job needs in any worker process, picklable: the MNIST arrays and their checksum,
    the run's key (as key data), the state folder and the threads each job computes with."""

    def __init__(
        self, data: dict[str, np.ndarray], key: jax.Array, folder: Path, threads: int | None
    ) -> None:
        self.x, self.y = data["x_train"], data["y_train"]
        self.fingerprint = fingerprint(data)
        self.key_data = np.asarray(jax.random.key_data(key))
        self.folder, self.threads = folder, threads

    @property
    def key(self) -> jax.Array:
        return jax.random.wrap_key_data(self.key_data)

    @property
    def store(self) -> JobStore:
        return JobStore(self.folder)

    def job_id(self, job: ModelJob) -> str:
        """The job's key (``shared.jobs.job_key``)."""
        settings = {**asdict(job), "run_key": self.key_data.tolist()}
        return job_key(settings, self.fingerprint, environment(JOB_CODE, self.threads))

    def model_path(self, job: ModelJob) -> Path:
        return self.folder / "models" / f"{job.file}.npz"

    def finished(self, job: ModelJob) -> dict[str, Any] | None:
        """The job's record if it finished with today's key and its model file is there."""
        record = self.store.finished(job.file, self.job_id(job))
        return record if record is not None and self.model_path(job).is_file() else None

    def rows(self, job: ModelJob) -> tuple[np.ndarray, np.ndarray]:
        if job.rows == "all":
            return self.x, self.y
        p1, p2 = halves(len(self.x), fold(self.key, HALVES_KEY))
        pick = p1 if job.rows == "P1" else p2
        return self.x[pick], self.y[pick]


def build(job: ModelJob, bench: Bench, jobs: dict[str, ModelJob]) -> nnx.Module:
    """The job's model, initialised from its init key (AE400-10: on the trained autoencoder)."""
    rngs = nnx.Rngs(0 if job.init is None else fold(bench.key, job.init))
    options = dict(job.options)
    if job.kind == "softmax":
        return Softmax(options["decay"], rngs=rngs)
    if job.kind == "mlp":
        return SigmoidMLP(options["hidden"], options["decays"], rngs=rngs)
    if job.kind == "autoencoder":
        return Autoencoder(
            options["hidden"],
            sparsity_target=options["sparsity_target"],
            sparsity_weight=options["sparsity_weight"],
            rngs=rngs,
        )
    if job.kind == "ae_softmax":
        assert job.needs is not None
        auto = load_model(jobs[job.needs], bench, jobs)
        return AutoencoderSoftmax(auto.encoder, options["decay"], rngs=rngs)
    if job.kind == "maxout":
        return Maxout(
            options["units"],
            options["pieces"],
            input_drop=options["input_drop"],
            hidden_drop=options["hidden_drop"],
            init_range=options["init_range"],
            rescale_input=options["rescale_input"],
            rngs=rngs,
        )
    raise ValueError(f"unknown model kind {job.kind!r}")


def load_model(job: ModelJob, bench: Bench, jobs: dict[str, ModelJob]) -> nnx.Module:
    """The trained model of a finished job, read from the state folder."""
    model = build(job, bench, jobs)
    loaded = load_checkpoint(bench.model_path(job), nnx.state(model))
    if loaded is None or loaded[1].get("key") != bench.job_id(job):
        raise HypeError(
            f"the trained model of job {job.file} is missing or from another key",
            f"delete {bench.folder / 'records' / (job.file + '.json')} to train it again",
        )
    nnx.update(model, loaded[0])
    return model


def train_job(
    bench: Bench, job: ModelJob, jobs: dict[str, ModelJob], *, budget: Budget | None = None
) -> dict[str, Any] | None:
    """Train ``job`` (or read it back: same key, model stored), resuming its checkpoint; store
    the trained weights, then the record (its training log and where, when and how long it
    ran). None: the budget ran out first (the checkpoint is kept)."""
    record = bench.finished(job)
    if record is not None:
        return record
    store, job_id = bench.store, bench.job_id(job)
    checkpoint = store.checkpoint_path(job.file)
    if store.record(job.file) is not None or stale_checkpoint(checkpoint, job_id):
        print(
            f"adversarial {job.file}: its key changed (code, data, versions or settings): "
            "retraining",
            file=sys.stderr,
        )
        checkpoint.unlink(missing_ok=True)
    model = build(job, bench, jobs)
    x, y = bench.rows(job)
    keep = Resumable(checkpoint, job_id, budget)
    objective = None
    if job.kind == "autoencoder":
        objective = lambda net, xb, yb, k: net.reconstruction_loss(xb)  # noqa: E731
    try:
        log = fit(
            model,
            x,
            y,
            job.recipe,
            key=fold(bench.key, job.fit),
            adversarial=job.adversarial,
            objective=objective,
            resumable=keep,
        )
    except Stopped:
        return None
    save_checkpoint(bench.model_path(job), nnx.state(model), {"key": job_id})
    facts = run_facts()
    facts.update(
        wall_seconds=round(keep.seconds(), 1),
        finished_utc=dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    return store.finish(
        job.file, job_id, log.as_dict(), facts, environment(JOB_CODE, bench.threads)
    )


def job_task(bench: Bench, job: ModelJob, jobs: dict[str, ModelJob], *, budget: Budget) -> None:
    train_job(bench, job, jobs, budget=budget)


def job_done(bench: Bench, job: ModelJob) -> bool:
    return bench.finished(job) is not None


def trained_models(
    bench: Bench, jobs: list[ModelJob]
) -> tuple[dict[str, Logits], dict[str, dict[str, Any]]]:
    """The finished jobs' models (by the paper's name) as functions of [0, 1] pixels, and their
    training logs (AE400-10's with its autoencoder's under ``"autoencoder"``)."""
    by_name = {job.name: job for job in jobs}
    models, logs = {}, {}
    for job in jobs:
        record = bench.finished(job)
        if record is None or job.name == AUTOENCODER:
            continue
        models[job.name] = logits_fn(load_model(job, bench, by_name))
        logs[job.name] = dict(record["result"])
        if job.needs is not None:
            needed = bench.finished(by_name[job.needs])
            if needed is not None:
                logs[job.name]["autoencoder"] = needed["result"]
    return models, logs


def epoch_seconds(
    job: ModelJob, bench: Bench, jobs: dict[str, ModelJob], steps: int = 50
) -> dict[str, float]:
    """Measured seconds of one epoch of ``job`` on this machine: ``steps`` updates timed after
    compilation and scaled to the epoch's updates, plus one evaluation of its stopping rule's
    monitor (Issue 28: measure before running)."""
    import time

    from replications.adversarial.train import Runner

    if job.needs is None:
        model = build(job, bench, jobs)
    else:  # AE400-10 before its autoencoder is trained: its shape is what counts
        auto = build(jobs[job.needs], bench, jobs)
        model = AutoencoderSoftmax(auto.encoder, dict(job.options)["decay"], rngs=nnx.Rngs(0))
    graphdef, params = nnx.split(model)
    objective = None
    if job.kind == "autoencoder":
        objective = lambda net, xb, yb, k: net.reconstruction_loss(xb)  # noqa: E731
    runner = Runner(graphdef, job.recipe, job.adversarial, objective)
    x, y = bench.rows(job)
    n_fit = len(x) - job.recipe.n_valid
    per_epoch = n_fit // job.recipe.batch_size
    steps = min(steps, per_epoch)
    rows = steps * job.recipe.batch_size
    xs, ys = jnp.asarray(x[:rows]), jnp.asarray(y[:rows])
    fixed = (params, runner.init_state(params), jnp.int32(0), jnp.int32(1), jnp.float32(0.5))

    def run() -> None:
        out = runner.train_epoch(
            *fixed, xs, ys, jax.random.key(0), n_steps=steps, total_steps=per_epoch
        )
        jax.block_until_ready(out)

    run()
    began = time.perf_counter()
    run()
    train = (time.perf_counter() - began) / steps * per_epoch
    began = time.perf_counter()
    if job.recipe.monitor != "none":
        runner.watch(params, x[:n_fit], y[:n_fit], x[n_fit:], y[n_fit:])
        runner.watch(params, x[:n_fit], y[:n_fit], x[n_fit:], y[n_fit:])
    monitor = (time.perf_counter() - began) / 2
    # Three significant digits, not two decimals: a tiny job's epoch must not round to 0 s.
    return {"train": float(f"{train:.3g}"), "monitor": float(f"{monitor:.3g}")}
