"""Figures of the perceptron replication, drawn from the results file only."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from shared.plots import PALETTE, new_figure, save_figure


def make_figures(results: dict, outdir: Path) -> dict[Path, str]:
    tables = results["tables"]
    drawn = {}

    fig, axes = new_figure(5.6, 4.2)
    ax = axes[0, 0]
    rows = tables["novikoff"]
    for source, colour in (("digits", PALETTE[0]), ("MNIST", PALETTE[1])):
        chosen = [r for r in rows if r["task"].startswith(source)]
        if chosen:
            ax.scatter(
                [r["bound"] for r in chosen],
                [r["mistakes_max"] for r in chosen],
                s=18,
                color=colour,
                label=f"{source}: worst of the orders",
            )
    limits = [min(r["mistakes_max"] for r in rows) * 0.5, max(r["bound"] for r in rows) * 2]
    ax.plot(limits, limits, color="grey", linestyle="--", label="mistakes = (R/γ)²")
    ax.set(
        xscale="log",
        yscale="log",
        xlabel="Novikoff's bound (R/γ)²",
        ylabel="mistakes before convergence",
    )
    ax.legend(fontsize=8)
    drawn[save_figure(fig, outdir / "novikoff_bound.png")] = (
        "Mistakes the perceptron rule made before converging (worst presentation order per task) "
        "against Novikoff's bound: every point lies below the dashed line."
    )

    fig, axes = new_figure(5.6, 3.8)
    ax = axes[0, 0]
    photo = [r for r in tables["photo"] if r["a_units"] > 0]
    base = [r for r in tables["photo"] if r["a_units"] == 0]
    ax.errorbar(
        [r["a_units"] for r in photo],
        [100 * r["accuracy_mean"] for r in photo],
        yerr=[100 * r["accuracy_std"] for r in photo],
        marker="o",
        color=PALETTE[0],
        capsize=3,
        label="S → random A-units → R-units",
    )
    if base:
        ax.axhline(
            100 * base[0]["accuracy_mean"],
            color=PALETTE[1],
            linestyle=":",
            label="R-units on the retina directly",
        )
    ax.axvline(512, color="grey", linewidth=0.8)
    ax.text(512, ax.get_ylim()[0], " Mark I: 512", color="grey", fontsize=8, va="bottom")
    ax.set(xscale="log", xlabel="number of A-units", ylabel="test accuracy (%)")
    ax.legend(fontsize=8)
    drawn[save_figure(fig, outdir / "photo_perceptron.png")] = (
        "Photo-perceptron test accuracy on ten digits as the association layer grows "
        "(mean and standard deviation over random wirings)."
    )

    fig, axes = new_figure(5.6, 3.8)
    ax = axes[0, 0]
    capacity = tables["capacity"]
    ratio = np.array([r["P"] for r in capacity["rows"]]) / capacity["N"]
    ax.plot(
        ratio,
        [r["cover"] for r in capacity["rows"]],
        color="black",
        label="Cover (1965): C(P, N) / 2^P",
    )
    ax.plot(
        ratio,
        [r["separable"] for r in capacity["rows"]],
        "o",
        color=PALETTE[0],
        label="separable (LP)",
    )
    ax.plot(
        ratio,
        [r["learned"] for r in capacity["rows"]],
        "x",
        color=PALETTE[1],
        label=f"learned by the rule (≤ {capacity['max_epochs']:,} epochs)",
    )
    ax.axvline(2, color="grey", linewidth=0.8)
    ax.set(
        xlabel=f"patterns per weight P / N (N = {capacity['N']})", ylabel="fraction of dichotomies"
    )
    ax.legend(fontsize=8)
    drawn[save_figure(fig, outdir / "capacity.png")] = (
        f"Capacity: the fraction of {capacity['trials']:,} random dichotomies per P that are "
        "separable, and that the rule learns, against Cover's formula."
    )
    return drawn
