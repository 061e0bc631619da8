"""Figures of the AlexNet replication, drawn from the results file only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, NullLocator

from shared.plots import PALETTE, new_figure, save_figure


def _minor_epochs(value: float, _: int) -> str:
    """Label the log axis's minor ticks 2, 3, 5 (and 20, 30, 50): enough to read a count off."""
    mantissa = value / 10 ** int(f"{value:e}".split("e")[1])
    return f"{value:g}" if round(mantissa) in (2, 3, 5) else ""


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


def sweeps(results: dict[str, Any], outdir: Path) -> tuple[Path, str] | None:
    """Both learning-rate sweeps of Fig. 1 (seed 0): epochs to the target per rate; a rate that
    never got there is drawn at its budget, hollow (diverged or stalled: a cross)."""
    table = results["tables"].get("fig1")
    if not table or not table["sweep"]:
        return None
    fig, axes = new_figure(5.6, 3.6)
    ax = axes[0, 0]
    for colour, (activation, line, label) in zip(
        PALETTE, (("relu", "-", "ReLU"), ("tanh", "--", "tanh")), strict=False
    ):
        rows = sorted(
            (r for r in table["sweep"] if r["activation"] == activation), key=lambda r: r["lr"]
        )
        reached = [(r["lr"], r["epochs"]) for r in rows if r["epochs"] is not None]
        if reached:
            ax.plot(
                *zip(*reached, strict=True), color=colour, linestyle=line, marker="o", label=label
            )
        for r in rows:
            if r["epochs"] is None and r["diverged"]:
                ax.scatter(r["lr"], r["budget"], marker="x", color=colour, zorder=3)
            elif r["epochs"] is None:
                ax.scatter(r["lr"], r["budget"], facecolors="none", edgecolors=colour, zorder=3)
        chosen = table["chosen_lr"].get(activation)
        if chosen is not None:
            ax.axvline(chosen, color=colour, linewidth=0.6, linestyle=":")
    ax.set(xscale="log", yscale="log", xlabel="learning rate", ylabel="epochs to target")
    # The swept rates and plain epoch counts as ticks: "0.002", not "2 x 10^-3".
    rates = sorted({r["lr"] for r in table["sweep"]})
    ax.set_xticks(rates, [f"{rate:g}" for rate in rates])
    ax.xaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax.yaxis.set_minor_formatter(FuncFormatter(_minor_epochs))
    handles, labels = ax.get_legend_handles_labels()
    kinds = {(r["epochs"] is None, bool(r["diverged"])) for r in table["sweep"]}
    if (True, False) in kinds:
        handles.append(Line2D([], [], marker="o", linestyle="", color="grey", fillstyle="none"))
        labels.append("not there within its budget")
    if (True, True) in kinds:
        handles.append(Line2D([], [], marker="x", linestyle="", color="grey"))
        labels.append("diverged or stalled")
    ax.legend(handles, labels, fontsize=8)
    path = save_figure(fig, outdir / "fig1_sweeps.png")
    caption = (
        f"The learning-rate sweeps behind Fig. 1 (seed 0): epochs to {table['target_error']:.0%} "
        "training error per rate, ReLU solid, tanh dashed; the dotted lines mark each "
        "activation's chosen (fastest) rate. A rate that did not get there within its budget "
        "(the best so far, rounded up: it could no longer win) is drawn at that budget, hollow; "
        "a cross marks a run that diverged or stalled at chance."
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
    empty = [label for label, row in groups if all(v is None for v in row["test_error"])]
    return path, (
        "Test error and train-test gap (test error minus test-mode training error) of the "
        "four-layer net with and without LRN and overlapping pooling, and of the small AlexNet "
        "with and without dropout; bars are means over seeds that trained, dots single seeds."
        + (
            f" No bar for {', '.join(empty)}: every seed of it stalled at chance or diverged."
            if empty
            else ""
        )
    )


def make_figures(results: dict[str, Any], outdir: Path) -> dict[Path, str]:
    drawn = {}
    for maker in (fig1_curves, sweeps, regularisers):
        made = maker(results, outdir)
        if made is not None:
            drawn[made[0]] = made[1]
    return drawn
