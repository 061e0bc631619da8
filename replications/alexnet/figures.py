"""Figures of the AlexNet replication, drawn from the results file only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from shared.plots import PALETTE, new_figure, save_figure


def fig1_curves(results: dict[str, Any], outdir: Path) -> tuple[Path, str] | None:
    """Krizhevsky et al. 2012, Fig. 1 re-drawn: training error against epochs, ReLU solid, tanh
    dashed."""
    table = results["tables"].get("fig1")
    if not table or not table["curves"]:
        return None
    fig, axes = new_figure(5.6, 4.0)
    ax = axes[0, 0]
    styles = {"relu": (PALETTE[0], "-", "ReLU"), "tanh": (PALETTE[1], "--", "tanh")}
    labelled = set()
    for name, checks in sorted(table["curves"].items()):
        activation = name.split("-")[0]
        colour, line, label = styles[activation]
        if checks:
            epochs, errors = zip(*checks, strict=True)
            ax.plot(
                epochs,
                errors,
                color=colour,
                linestyle=line,
                linewidth=1.2,
                label=None
                if activation in labelled
                else f"{label} (lr {table['chosen_lr'].get(activation, '?')})",
            )
            labelled.add(activation)
    ax.axhline(table["target_error"], color="grey", linewidth=0.8, linestyle=":")
    ax.set(xlabel="epochs", ylabel="training error rate", ylim=(0, 0.9))
    ax.legend(fontsize=8)
    path = save_figure(fig, outdir / "fig1_relu_tanh.png")
    caption = (
        f"Fig. 1 re-made: training error of the four-layer net with ReLUs (solid) and tanh units "
        f"(dashed), each at the learning rate its sweep found fastest, one curve per seed, until "
        f"{table['target_error']:.0%} (dotted line). Error measured on the minibatches of each "
        f"tenth of an epoch."
    )
    return path, caption


def regularisers(results: dict[str, Any], outdir: Path) -> tuple[Path, str] | None:
    """Test error and train-test gap of every compared net (mean over seeds, one dot per seed)."""
    tables = results["tables"]
    groups = []
    for key, labels in (
        (
            "four_layer",
            {
                "plain": "4-layer, 3x3/2 pool",
                "lrn": "4-layer + LRN",
                "pool2": "4-layer, 2x2/2 pool",
            },
        ),
        ("small_alexnet", {"dropout": "small AlexNet + dropout", "no_dropout": "small AlexNet"}),
    ):
        for variant, label in labels.items():
            if key in tables and variant in tables[key]:
                groups.append((label, tables[key][variant]))
    if not groups:
        return None
    fig, axes = new_figure(7.0, 3.6, ncols=2)
    for ax, field, title in (
        (axes[0, 0], "test_error", "test error (%)"),
        (axes[0, 1], "gap", "test minus training error (points)"),
    ):
        for i, (_, row) in enumerate(groups):
            values = [100 * v for v in row[field] if v is not None]
            if not values:
                continue
            ax.bar(i, sum(values) / len(values), color=PALETTE[i % len(PALETTE)], alpha=0.6)
            ax.scatter([i] * len(values), values, color="black", s=8, zorder=3)
        ax.set_xticks(
            range(len(groups)), [g[0] for g in groups], rotation=30, ha="right", fontsize=8
        )
        ax.set_ylabel(title)
    path = save_figure(fig, outdir / "regularisers.png")
    return path, (
        "Test error and train-test gap (test error minus test-mode training error) of the "
        "four-layer net with and without LRN and overlapping pooling, and of the small AlexNet "
        "with and without dropout; bars are means over seeds, dots single seeds."
    )


def make_figures(results: dict[str, Any], outdir: Path) -> dict[Path, str]:
    drawn = {}
    for maker in (fig1_curves, regularisers):
        made = maker(results, outdir)
        if made is not None:
            drawn[made[0]] = made[1]
    return drawn
