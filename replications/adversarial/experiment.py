"""run(config, key=jax.random.key(S)) -> Tables: Szegedy et al. Tables 1-4, Goodfellow et al.
FGSM and adversarial training, and the transfer to an SVM and a random forest, on MNIST.

Threat model: pixels in [0, 1]; epsilon and RMS distortion in those units.
"""

from __future__ import annotations

import sys
import tempfile
from functools import partial
from pathlib import Path
from typing import Any

import jax
import numpy as np

from replications.adversarial.beyond import run_beyond
from replications.adversarial.cifar import needs_gpu, run_cifar
from replications.adversarial.config import Config
from replications.adversarial.goodfellow import fgsm_table, robustness_curves
from replications.adversarial.jobs import (
    HALVES_KEY,
    MAXOUT,
    Bench,
    ModelJob,
    fold,
    job_done,
    job_task,
    model_jobs,
    trained_models,
)
from replications.adversarial.szegedy import (
    NOISE_TABLE2,
    NOISE_TABLE4,
    cross_table,
    noise_readings,
    table1,
    table3,
)
from replications.adversarial.tables import STAGE_NEEDS, TABLE1, TABLE3, Tables
from shared.datasets import load_mnist
from shared.datasets.cifar10 import load_cifar10
from shared.jobs import Progress, Task, control, run_tasks
from shared.record import note_jobs, stage
from shared.seeds import base_seed

CIFAR_OFF = (
    "CIFAR-10 stage off in this profile (cifar_net 'off'): the smoke profile never loads CIFAR-10"
)


def datasets(config: Config) -> tuple[str, ...]:
    """MNIST always; CIFAR-10 when the profile runs the CIFAR-10 stage (checked before the run)."""
    return ("mnist", "cifar10") if config.cifar_net != "off" else ("mnist",)


def mnist(config: Config) -> dict[str, np.ndarray]:
    """MNIST as flat float32 pixels in [0, 1] (the threat model's units)."""
    d = load_mnist()
    flat = lambda a, n: a[:n].reshape(len(a[:n]), -1).astype(np.float32) / 255.0  # noqa: E731
    data = {
        "x_train": flat(d.x_train, config.n_train),
        "y_train": d.y_train[: config.n_train],
        "x_test": flat(d.x_test, config.n_test),
        "y_test": d.y_test[: config.n_test],
    }
    return data


def example_images(
    x: np.ndarray, y: np.ndarray, adv: dict[str, np.ndarray], models: dict, n: int = 4
) -> dict:
    """The first ``n`` test digits, their adversarial versions and predicted labels, for the
    figure."""
    from replications.adversarial.train import predict

    rows = {}
    for name, x_adv in adv.items():
        f = models[name]
        rows[name] = {
            "adversarial": np.round(x_adv[:n], 4).tolist(),
            "predicted": predict(f, x_adv[:n]).argmax(1).tolist(),
            "confidence": np.round(predict(f, x_adv[:n]).max(1), 4).tolist(),
            "clean_predicted": predict(f, x[:n]).argmax(1).tolist(),
        }
    return {"clean": np.round(x[:n], 4).tolist(), "labels": y[:n].tolist(), "attacks": rows}


# float32 products on a GPU too (NVIDIA GPUs default to TF32, ~3 significant digits), so that a
# GPU run's minimal distortions and verdicts can match a CPU run's; no effect on a CPU.
MATMUL_PRECISION = "highest"


def run(config: Config, *, key: jax.Array) -> Tables:
    """Train every model and attack them; ``measure.measure`` grades the tables. ``key`` is
    ``jax.random.key(S)``; the scikit-learn models of ``beyond`` take the base seed S."""
    with jax.default_matmul_precision(MATMUL_PRECISION):
        return _run(config, key=key)


def _run(config: Config, *, key: jax.Array) -> Tables:
    """Train every model as a job (``jobs``; in parallel workers, resumable: ``shared.jobs``'s
    ``control()``), then compute each stage whose models are all trained; the others are listed
    under ``pending`` with their jobs done."""
    with stage("data"):
        data = mnist(config)
    tables: dict[str, Any] = {
        "matmul_precision": MATMUL_PRECISION,
        "sizes": {
            "n_attack": config.n_attack,
            "n_train": len(data["x_train"]),
            "n_test": len(data["x_test"]),
        },
    }
    ctl = control()
    with tempfile.TemporaryDirectory(prefix="hype-adversarial-") as scratch:
        bench = Bench(data, key, ctl.state or Path(scratch), ctl.threads)
        jobs = model_jobs(config)
        by_name = {job.name: job for job in jobs}
        groups = {job.file: job.stage for job in jobs}
        progress = Progress(bench.store, groups, ctl.workers)
        print(f"adversarial: {progress.line()} (state: {bench.folder})", file=sys.stderr)
        todo = [
            Task(
                job.file,
                job_task,
                (bench, job, by_name),
                None if job.needs is None else partial(job_done, bench, by_name[job.needs]),
            )
            for job in jobs
        ]
        with stage("training"):
            run_tasks(
                todo, workers=ctl.workers, threads=ctl.threads, budget=ctl.budget, progress=progress
            )
        models, logs = trained_models(bench, jobs)
        tables["training"] = logs
        ready: dict[str, bool] = {}
        pending: dict[str, dict[str, Any]] = {}
        for name, needs in STAGE_NEEDS.items():
            own = [job for job in jobs if job.stage == name]
            finished = [(job, bench.finished(job)) for job in own]
            done = [(job, record) for job, record in finished if record is not None]
            unclean = [job for job, record in done if record["run"]["dirty"] is not False]
            note_jobs(name, _provenance(bench, [job for job, _ in done]))
            waits = [stage_ for stage_ in needs if not ready[stage_]]
            ready[name] = len(done) == len(own) and not (ctl.clean_only and unclean) and not waits
            if not ready[name]:
                pending[name] = {
                    "done": len(done),
                    "total": len(own),
                    "unclean": len(unclean),
                    "waits_for": waits,
                }
        print(f"adversarial: {progress.line()}", file=sys.stderr)
    seed = base_seed(key)
    if ready["szegedy"]:
        with stage("szegedy_attack"):
            pick = np.asarray(
                jax.random.permutation(jax.random.fold_in(key, 2), len(data["x_train"]))
            )[: config.n_attack]
            x2, y2 = data["x_train"][pick], data["y_train"][pick]
            table1_models = {name: models[name] for name in TABLE1}
            tables["table2"], _ = cross_table(
                table1_models, x2, y2, config, jax.random.fold_in(key, 3), NOISE_TABLE2
            )
            tables["table1"] = table1(table1_models, data, tables["table2"])
            # the key of cross_table's noise rows: the graded reading's rows are those very images
            tables.setdefault("noise_readings", {})["table2"] = noise_readings(
                table1_models, x2, y2, NOISE_TABLE2, jax.random.fold_in(key, 3)
            )
    if ready["cross_training_set"]:
        with stage("cross_training_set"):
            models3 = {name: models[name] for name in TABLE3}
            tables["table3"] = table3(models3, data, fold(key, HALVES_KEY))
            pick_t = np.asarray(
                jax.random.permutation(jax.random.fold_in(key, 5), len(data["x_test"]))
            )[: config.n_attack]
            x4, y4 = data["x_test"][pick_t], data["y_test"][pick_t]
            tables["table4"], adv4 = cross_table(
                models3, x4, y4, config, jax.random.fold_in(key, 6), NOISE_TABLE4, magnified=0.1
            )
            tables.setdefault("noise_readings", {})["table4"] = noise_readings(
                models3, x4, y4, NOISE_TABLE4, jax.random.fold_in(key, 6)
            )
    if ready["goodfellow"]:
        with stage("goodfellow"):
            nets = {"softmax": models[TABLE1[0]], **{name: models[name] for name in MAXOUT}}
            tables["fgsm"], fgsm_adv = fgsm_table(data, nets, config)
            curve_models = {**nets, "FC100-100-10": models["FC100-100-10"]}
            tables["robustness"] = robustness_curves(
                curve_models, data["x_test"], data["y_test"], config.sweep
            )
            tables["examples"] = example_images(data["x_test"], data["y_test"], fgsm_adv, nets)
    if ready["beyond"]:
        with stage("beyond"):
            tables["beyond"] = run_beyond(
                data,
                {"softmax": models[TABLE1[0]], "maxout": models[MAXOUT[0]]},
                (x4, adv4[TABLE3[0]].x_adv, y4),
                config,
                seed,
                jax.random.fold_in(key, 8),
            )
    tables["cifar"] = {"error": None, "note": CIFAR_OFF}
    if config.cifar_net == "maxout" and jax.default_backend() == "cpu":
        with stage("cifar"):
            tables["cifar"] = needs_gpu(config)
    elif config.cifar_net != "off":
        with stage("cifar"):
            cifar_data = load_cifar10()
            tables["cifar"] = run_cifar(cifar_data, config, jax.random.fold_in(key, 9))
    if pending:
        tables["pending"] = pending
    return tables  # type: ignore[return-value]


def _provenance(bench: Bench, jobs: list[ModelJob]) -> list[dict[str, Any]]:
    """Each finished job's key and where, when and how long it ran (the stage's provenance)."""
    out = []
    for job in jobs:
        record = bench.store.record(job.file)
        if record is not None:
            out.append({"name": job.file, "key": record["key"][:16], **record["run"]})
    return out
