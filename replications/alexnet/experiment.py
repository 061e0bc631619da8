"""The AlexNet replication on CIFAR-10: ``run(config, key=jax.random.key(S)) -> Tables``.

Stages (each a set of resumable training jobs, see ``train.py``):

- ``fig1``: ReLU vs tanh four-layer nets, no regularisation, a learning-rate sweep per
  activation (seed 0), then every seed at the chosen rate: epochs to 25% training error
  (Krizhevsky et al. 2012, §3.1, Fig. 1);
- ``lrn_pool``: the four-layer net with the §5 recipe, plain (3x3/2 pooling), with LRN (§3.3),
  and with non-overlapping 2x2/2 pooling (§3.4): test error and train-test gap;
- ``dropout``: an AlexNet-style net for 32x32 images with and without dropout 0.5 in FC6/FC7
  (§4.2; Hinton et al. 2012): train-test gap and epochs to converge;
- the parameter count of the ImageNet AlexNet (§3.5 / abstract), built and counted.
"""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any

import jax
import numpy as np

from replications.alexnet.config import Config
from replications.alexnet.model import imagenet_alexnet_parameters
from replications.alexnet.tables import Fig1, Tables, Variant
from replications.alexnet.train import Job, Schedule, Split, epochs_to_converge, run_job
from shared.datasets.cifar10 import load_cifar10
from shared.record import stage

FOUR_LAYER_VARIANTS = {  # §3.3 and §3.4 switches on the four-layer net
    "plain": (("activation", "relu"), ("lrn", False), ("pool_size", 3)),
    "lrn": (("activation", "relu"), ("lrn", True), ("pool_size", 3)),
    "pool2": (("activation", "relu"), ("lrn", False), ("pool_size", 2)),
}


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
    fingerprint = hashlib.sha256(
        json.dumps(
            [data.sha256, config.n_train, config.n_val, config.n_test], sort_keys=True
        ).encode()
    ).hexdigest()
    split = Split(
        x_train,
        y_train,
        data.x_train[val],
        data.y_train[val],
        data.x_test[test],
        data.y_test[test],
        mean=x_train.astype(np.float64).mean(axis=0).astype(np.float32),
        fingerprint=fingerprint,
    )
    return split, data.note


def fig1(config: Config, data: Split, key: jax.Array) -> dict[str, Fig1]:
    """Fig. 1: epochs to 25% training error, ReLU vs tanh, each at its fastest learning rate."""
    sweep, runs, chosen = [], {}, {}
    for activation in ("relu", "tanh"):
        options = (("activation", activation), ("lrn", False), ("pool_size", 3))
        best, cap = math.inf, config.fig1_max_epochs
        for learning_rate in config.fig1_learning_rates:
            # A rate cannot win once it is slower than the best so far: stop it there (same
            # choice, less compute).
            job = Job(
                name=f"fig1-{activation}-lr{learning_rate:g}-s0",
                model="four_layer",
                options=options,
                learning_rate=learning_rate,
                weight_decay=0.0,
                schedule=Schedule.TARGET,
                max_epochs=cap,
                batch_size=config.batch_size,
                target_error=config.fig1_target_error,
            )
            history = run_job(
                job, data, key=jax.random.fold_in(key, 0), checkpoint=config.checkpoint
            )
            reached = history["reached"]
            sweep.append(
                {
                    "activation": activation,
                    "lr": learning_rate,
                    "epochs": reached,
                    "budget": cap,
                    "diverged": history["diverged"],
                }
            )
            if reached is not None and reached < best:
                best, chosen[activation], runs[(activation, 0)] = reached, learning_rate, history
                cap = max(1, math.ceil(best))
        learning_rate = chosen.get(activation, config.fig1_learning_rates[0])
        for seed in range(1, config.seeds):
            job = Job(
                name=f"fig1-{activation}-lr{learning_rate:g}-s{seed}",
                model="four_layer",
                options=options,
                learning_rate=learning_rate,
                weight_decay=0.0,
                schedule=Schedule.TARGET,
                max_epochs=config.fig1_max_epochs,
                batch_size=config.batch_size,
                target_error=config.fig1_target_error,
            )
            runs[(activation, seed)] = run_job(
                job, data, key=jax.random.fold_in(key, seed), checkpoint=config.checkpoint
            )

    epochs = {
        a: [(runs[(a, s)]["reached"] if (a, s) in runs else None) for s in range(config.seeds)]
        for a in ("relu", "tanh")
    }
    table: Fig1 = {
        "sweep": sweep,
        "chosen_lr": chosen,
        "epochs": epochs,  # type: ignore[typeddict-item]
        "budget": config.fig1_max_epochs,
        "target_error": config.fig1_target_error,
        "curves": {f"{a}-s{s}": runs[(a, s)]["checks"] for (a, s) in sorted(runs)},
    }
    return {"fig1": table}


def _plateau_job(name: str, model: str, options: tuple, config: Config) -> Job:
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


def _summaries(histories: list[dict[str, Any]], within: float) -> Variant:
    diverged = [h["diverged"] for h in histories]
    return {
        "test_error": [h.get("test_error") for h in histories],
        "train_error": [h.get("train_error") for h in histories],
        "gap": [
            None if d else h["test_error"] - h["train_error"]
            for h, d in zip(histories, diverged, strict=True)
        ],
        "diverged": diverged,
        "epochs": [h["epochs"] for h in histories],
        "converge": [epochs_to_converge(h["val_error"], within) for h in histories],
        "val_error": [h["val_error"] for h in histories],
    }


def lrn_pool(config: Config, data: Split, key: jax.Array) -> dict[str, dict[str, Variant]]:
    """§3.3 (LRN) and §3.4 (overlapping pooling) on the four-layer net, §5 recipe."""
    rows = {}
    for variant, options in FOUR_LAYER_VARIANTS.items():
        histories = [
            run_job(
                _plateau_job(f"four-{variant}-s{s}", "four_layer", options, config),
                data,
                key=jax.random.fold_in(key, s),
                checkpoint=config.checkpoint,
            )
            for s in range(config.seeds)
        ]
        rows[variant] = _summaries(histories, config.converged_within)
    return {"four_layer": rows}


def dropout(config: Config, data: Split, key: jax.Array) -> dict[str, dict[str, Variant]]:
    """§4.2: the small AlexNet with and without dropout 0.5 in FC6 and FC7."""
    rows = {}
    for name, rate in (("dropout", 0.5), ("no_dropout", 0.0)):
        histories = [
            run_job(
                _plateau_job(
                    f"small-{name}-s{s}", "small_alexnet", (("dropout_rate", rate),), config
                ),
                data,
                key=jax.random.fold_in(key, s),
                checkpoint=config.checkpoint,
            )
            for s in range(config.seeds)
        ]
        rows[name] = _summaries(histories, config.converged_within)
    return {"small_alexnet": rows}


def run(config: Config, *, key: jax.Array) -> Tables:
    """Every stage of ``config.stages``; keys fold_in(key, stage index) then fold_in(., seed
    index), with ``key = jax.random.key(S)`` for the base seed S."""
    with stage("data"):
        data, note = load_split(config)
    with stage("parameter count"):
        count = imagenet_alexnet_parameters()
    tables: dict[str, Any] = {"data_note": note, "parameters": count, "devices": jax.device_count()}
    stages = {"fig1": fig1, "lrn_pool": lrn_pool, "dropout": dropout}
    for index, (name, run_stage) in enumerate(stages.items()):
        if name in config.stages:
            with stage(name):
                tables.update(run_stage(config, data, jax.random.fold_in(key, index)))
    return tables  # type: ignore[return-value]
