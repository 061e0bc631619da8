"""Extra tables for the AlexNet page, generated from the results files (the paper run and the
bench)."""

from __future__ import annotations

import json
from typing import Any

from replications.alexnet.tables import job_stages as job_stages  # website.report's citations
from shared.display import fmt
from shared.registry import RESULTS_DIR, finished_jobs, job_hours
from website.report import run_status

SAMPLES = (  # what n counts and what ± is, per claim-id prefix (website.report.sample_text)
    (
        "AX-relu-",
        "seeds, each its own initialisation and data order, ReLU and tanh paired by seed",
        "standard deviation over seeds of the per-seed ratio",
    ),
    (
        "AX-lrn-cifar-with",
        "seeds, each its own initialisation and data order",
        "standard deviation of the test error over seeds",
    ),
    (
        "AX-",
        "seeds; the two nets compared share each seed's initialisation and data order",
        "standard deviation over seeds of the paired difference (or ratio)",
    ),
)


def _pct(values: list[float | None]) -> str:
    """Mean and range over the runs that trained (None: a run that diverged or stalled)."""
    trained = [v for v in values if v is not None]
    if not trained:
        return "–"
    mean = 100 * sum(trained) / len(trained)
    spread = max(trained) - min(trained)
    return (
        f"{fmt(mean)}% (range {fmt(100 * spread, 2)} points)"
        if len(trained) > 1
        else f"{fmt(mean)}%"
    )


def trained_runs(row: dict[str, Any]) -> str:
    """How many of a net's runs trained, naming the seeds that stalled at chance (given up by
    the stall rule) or diverged (a non-finite loss)."""
    stalled = row.get("stalled")  # absent from files written before it was recorded

    def why(seed: int) -> str:
        if stalled is None:
            return "diverged or stalled"
        return "stalled at chance" if stalled[seed] else "diverged"

    failed = [f"seed {s} {why(s)}" for s, bad in enumerate(row["diverged"]) if bad]
    done = f"{len(row['diverged']) - len(failed)} of {len(row['diverged'])}"
    return f"{done} ({'; '.join(failed)})" if failed else done


def data_note(results: dict[str, Any]) -> str:
    note = results["tables"].get("data_note")
    hashes = "\n".join(
        f"| `{name}` | `{sha}` |"
        for name, sha in sorted(results["provenance"]["datasets_sha256"].items())
    )
    head = (
        f'!!! warning "JPEG-degraded CIFAR-10"\n    {note}. Every number on this page comes from '
        "that copy.\n\n"
        if note
        else "The genuine CIFAR-10 binary version was used.\n\n"
    )
    return head + "| file | sha256 |\n| --- | --- |\n" + hashes + "\n"


STAGE_NAMES = {"fig1": "Fig. 1", "lrn_pool": "LRN and pooling", "dropout": "dropout"}


def still_running(tables: dict[str, Any], stage: str) -> str:
    """The line a page shows for a stage whose jobs are not all finished."""
    pending = tables.get("pending", {}).get(stage)
    if pending is None:
        return f"The {STAGE_NAMES[stage]} stage was not part of this run.\n"
    return (
        f'!!! info "Still running: {pending["done"]} of {pending["total"]} jobs done"\n'
        f"    The {STAGE_NAMES[stage]} stage is graded and shown here once all its jobs are "
        "finished; see [where the run stands](#where-the-run-stands).\n"
    )


def sweep_outcome(row: dict[str, Any]) -> str:
    """How one rate of the sweep ended, in words."""
    if row["epochs"] is not None:
        return "reached the target"
    if not row["diverged"]:
        return "not within its budget"
    if "stalled" not in row:  # a file written before rows said which
        return "diverged or stalled at chance"
    return "stalled at chance" if row["stalled"] else "diverged"


def fig1_table(tables: dict[str, Any]) -> str:
    fig1 = tables.get("fig1")
    if not fig1:
        return still_running(tables, "fig1")
    lines = [
        "Learning-rate sweep (seed 0; a rate stops once it is slower than the best so far):\n",
        "| activation | learning rate | epochs to target | epoch budget | outcome |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for r in fig1["sweep"]:
        lines.append(
            f"| {r['activation']} | {_rate(r['lr'])} | {fmt(r['epochs'])} | {r['budget']} | "
            f"{sweep_outcome(r)} |"
        )
    lines += [
        "",
        "Epochs to reach the target, per seed, at the chosen rate (– : not within the budget):\n",
        "| activation | chosen rate | "
        + " | ".join(f"seed {s}" for s in range(len(fig1["epochs"]["relu"])))
        + " |",
        "| --- | ---: |" + " ---: |" * len(fig1["epochs"]["relu"]),
    ]
    for activation, epochs in fig1["epochs"].items():
        lines.append(
            f"| {activation} | {_rate(fig1['chosen_lr'].get(activation))} | "
            + " | ".join(fmt(e) for e in epochs)
            + " |"
        )
    return "\n".join(lines) + "\n" + _held_out_ratio(fig1)


def _rate(value: float | None) -> str:
    """A learning rate as it is written in the config (0.002, not 0.00200)."""
    return "–" if value is None else f"{value:g}"


def _held_out_ratio(fig1: dict[str, Any]) -> str:
    """Seed 0 chose the rates (each activation's fastest on that seed) and is also measured,
    which can move the ratio either way: the ratio on the other seeds alone, so a reader sees
    how much that selection moves it."""
    pairs = [
        (tanh, relu)
        for tanh, relu in list(zip(fig1["epochs"]["tanh"], fig1["epochs"]["relu"], strict=True))[1:]
        if tanh is not None and relu is not None
    ]
    if not pairs:
        return ""
    ratio = sum(t for t, _ in pairs) / sum(r for _, r in pairs)
    return (
        "\nThe rates were chosen on seed 0, which is also one of the measured seeds. On the "
        f"other seeds alone ({len(pairs)}), the ratio of mean epochs (tanh over ReLU) is "
        f"{fmt(ratio, 2)}.\n"
    )


GROUPS = {"lrn_pool": "four_layer", "dropout": "small_alexnet"}  # stage -> its nets' table


def regulariser_table(tables: dict[str, Any]) -> str:
    if "four_layer" not in tables and "small_alexnet" not in tables:
        return still_running(tables, "lrn_pool") + "\n" + still_running(tables, "dropout")
    rows = [
        ("four_layer", "plain", "four-layer, 3x3/2 pooling"),
        ("four_layer", "lrn", "four-layer + LRN"),
        ("four_layer", "pool2", "four-layer, 2x2/2 pooling"),
        ("small_alexnet", "no_dropout", "small AlexNet"),
        ("small_alexnet", "dropout", "small AlexNet + dropout"),
    ]
    lines = [
        "Each net's errors are means over its own runs that trained; a claim pairs the seeds in "
        "which every net it compares trained.\n",
        "| net | runs that trained | test error | training error (test mode) | gap | epochs run "
        "| epochs to converge |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for group, variant, label in rows:
        row = tables.get(group, {}).get(variant)
        if row:
            lines.append(
                f"| {label} | {trained_runs(row)} | {_pct(row['test_error'])} | "
                f"{_pct(row['train_error'])} | {_pct(row['gap'])} | "
                f"{', '.join(str(e) for e in row['epochs'])} | "
                + ", ".join(
                    "–" if bad else fmt(e)
                    for e, bad in zip(row["converge"], row["diverged"], strict=True)
                )
                + " |"
            )
    # A stage still running while the other is in: said under the table, as on its own.
    waiting = [stage for stage, group in GROUPS.items() if group not in tables]
    return "\n".join(lines) + "\n" + "".join("\n" + still_running(tables, s) for s in waiting)


def signal_table(tables: dict[str, Any]) -> str:
    """The nets' logits at the paper's initialisation: how much of them depends on the image."""
    signal = tables.get("init_signal")
    if not signal:
        return "Not measured yet: the published run predates this measurement.\n"
    labels = {"four_layer": "four-layer net", "small_alexnet": "small AlexNet"}
    lines = [
        f"Seed 0's nets as initialised, on the first {next(iter(signal.values()))['images']} "
        "validation images:\n",
        "| net | spread of a logit over images | constant part of a logit | spread / constant |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, row in signal.items():
        lines.append(
            f"| {labels.get(name, name)} | {fmt(row['spread'], 2)} | {fmt(row['offset'], 2)} | "
            f"{fmt(row['spread'] / row['offset'], 2) if row['offset'] else '–'} |"
        )
    return "\n".join(lines) + "\n"


def status(results: dict[str, Any]) -> str:
    """Where the run stands (``website.report.run_status``), by AlexNet's stages."""
    return run_status(results, STAGE_NAMES)


def bench_note(results: dict[str, Any]) -> str:
    """The benchmark ratio and the measured job hours, each with its device."""
    lines = []
    jobs = finished_jobs(results["provenance"])
    if jobs:
        lines.append(
            f"Measured so far: {len(jobs)} finished jobs took {fmt(job_hours(jobs))} h of "
            "computing (see [where the run stands](#where-the-run-stands))."
        )
    rows = []
    for path in sorted((RESULTS_DIR / "bench").glob("alexnet-*.json")):
        record = json.loads(path.read_text())
        bench, device = record["bench"], record["bench"]["device"]
        where = device.get("cpu", "") if device["platform"] == "cpu" else device["kind"]
        epoch = (
            f"{fmt(bench['jax_seconds_per_epoch'])} s / {fmt(bench['torch_seconds_per_epoch'])} s "
            f"(ratio {fmt(bench['epoch_ratio_jax_over_torch'])})"
            if "jax_seconds_per_epoch" in bench
            else "–"
        )
        rows.append(
            f"| {device['platform']}: {where} | {fmt(bench['jax_images_per_s'])} / "
            f"{fmt(bench['torch_images_per_s'])} (ratio {fmt(bench['ratio_jax_over_torch'])}) | "
            f"{epoch} | "
            f"{bench['torch_version']}, {bench['torch_threads']} threads | "
            f"{record['provenance']['git']['commit'][:7]} |"
        )
    if rows:
        lines.append(
            "Benchmark (`nox -s bench -- alexnet`: the Fig. 1 net, batch 128, JAX against PyTorch "
            "eager on the same device, data already there; higher ratio = JAX faster):\n\n"
            "| device | train step, images/s: JAX / PyTorch | epoch of 45,000 images: JAX / "
            "PyTorch | PyTorch | commit |\n| --- | --- | --- | --- | --- |\n" + "\n".join(rows)
        )
    return "\n\n".join(lines) + "\n"


def fragments(results: dict[str, Any]) -> dict[str, str]:
    tables = results["tables"]
    return {
        "data": data_note(results),
        "fig1": fig1_table(tables),
        "regularisers": regulariser_table(tables),
        "signal": signal_table(tables),
        "status": status(results),
        "runtime": bench_note(results),
    }
