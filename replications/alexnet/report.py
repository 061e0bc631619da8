"""Extra tables for the AlexNet page, generated from the results files (the paper run and the
bench)."""

from __future__ import annotations

import json
from typing import Any

from shared.registry import RESULTS_DIR
from shared.report import fmt


def _pct(values: list[float | None]) -> str:
    if None in values:
        return "a run diverged or stalled"
    mean = 100 * sum(values) / len(values)
    spread = max(values) - min(values)
    return (
        f"{fmt(mean)}% (range {fmt(100 * spread, 2)} points)"
        if len(values) > 1
        else f"{fmt(mean)}%"
    )


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


def fig1_table(tables: dict[str, Any]) -> str:
    fig1 = tables.get("fig1")
    if not fig1:
        return "Fig. 1 was not part of this run.\n"
    lines = [
        "Learning-rate sweep (seed 0; a rate stops once it is slower than the best so far):\n",
        "| activation | learning rate | epochs to target | epoch budget | diverged |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for r in fig1["sweep"]:
        lines.append(
            f"| {r['activation']} | {fmt(r['lr'])} | {fmt(r['epochs'])} | {r['budget']} | "
            f"{fmt(r['diverged'])} |"
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
            f"| {activation} | {fmt(fig1['chosen_lr'].get(activation))} | "
            + " | ".join(fmt(e) for e in epochs)
            + " |"
        )
    return "\n".join(lines) + "\n"


def regulariser_table(tables: dict[str, Any]) -> str:
    rows = [
        ("four_layer", "plain", "four-layer, 3x3/2 pooling"),
        ("four_layer", "lrn", "four-layer + LRN"),
        ("four_layer", "pool2", "four-layer, 2x2/2 pooling"),
        ("small_alexnet", "no_dropout", "small AlexNet"),
        ("small_alexnet", "dropout", "small AlexNet + dropout"),
    ]
    lines = [
        "| net | test error | training error (test mode) | gap | epochs run | epochs to converge |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for group, variant, label in rows:
        row = tables.get(group, {}).get(variant)
        if row:
            lines.append(
                f"| {label} | {_pct(row['test_error'])} | {_pct(row['train_error'])} | "
                f"{_pct(row['gap'])} | {', '.join(str(e) for e in row['epochs'])} | "
                f"{', '.join(fmt(e) for e in row['converge'])} |"
            )
    return "\n".join(lines) + "\n"


def bench_note(results: dict[str, Any]) -> str:
    """The benchmark ratio and the paper run's wall time, each with its device."""
    wall = results["provenance"]["wall_seconds"]
    device = results["provenance"]["device"]
    lines = [
        f"The `paper` profile took {fmt(wall['total'] / 3600)} h on {device['count']} x "
        f"{device['kind']} ({device.get('cpu', '')})."
    ]
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
        "runtime": bench_note(results),
    }
