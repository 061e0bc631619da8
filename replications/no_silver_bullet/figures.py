"""Figures of the no-silver-bullet matrix, drawn from the results file only."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import matplotlib.ticker
import numpy as np

from replications.no_silver_bullet.tables import by_year
from shared.plots import PALETTE, new_figure, save_figure

CURVE_TITLES = {"mnist": "MNIST digits", "letters": "letters (UCI, tabular)"}


def heat_map(matrix: dict, outdir: Path) -> Path:
    """Each row coloured by error relative to that row's best (0 = the best method, 1 = at least
    twice its error or 20 points worse), so easy and hard problems share one scale."""
    methods, problems = by_year(matrix["methods"]), matrix["problems"]
    grid = np.full((len(problems), len(methods)), np.nan)
    for i, p in enumerate(problems):
        row = matrix["cells"][p]
        best = min(c["mean"] for c in row.values())
        for j, m in enumerate(methods):
            if m in row:
                excess = row[m]["mean"] - best
                grid[i, j] = min(1.0, excess / max(best, 20.0 if best == 0 else best))
    fig, axes = new_figure(8.8, 0.5 * len(problems) + 1.6)  # wide enough for the key too
    ax = axes[0, 0]
    cmap = matplotlib.colormaps["RdYlGn_r"].with_extremes(bad="#dddddd")  # grey: not run
    image = ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, vmin=0, vmax=1, aspect="auto")
    # The key beside the map: colours are relative to each row's best, not absolute errors.
    key = fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02, ticks=[0, 0.5, 1])
    key.ax.set_yticklabels(["row's best", "1.5x its error", "2x or worse"], fontsize=7)
    key.set_label("colour: error relative to the row's best", fontsize=7)
    for i, p in enumerate(problems):
        for j, m in enumerate(methods):
            cell = matrix["cells"][p].get(m)
            text = "n/a" if cell is None else f"{cell['mean']:.1f}"
            weight = "bold" if cell is not None and m in matrix["best"][p] else "normal"
            ax.text(j, i, text, ha="center", va="center", fontsize=8, fontweight=weight)
    ax.set_xticks(
        range(len(methods)),
        [f"{matrix['methods'][m]['title']}\n{matrix['methods'][m]['year']}" for m in methods],
        fontsize=8,
    )
    ax.set_yticks(range(len(problems)), [matrix["titles"][p] for p in problems], fontsize=8)
    ax.tick_params(length=0)
    ax.grid(False)
    return save_figure(fig, outdir / "matrix.png")


def curves(tables: dict, outdir: Path) -> Path:
    panels = sorted(
        tables["curves"],
        key=lambda p: list(CURVE_TITLES).index(p) if p in CURVE_TITLES else len(CURVE_TITLES),
    )
    order = by_year(tables["matrix"]["methods"])  # one colour per method in both panels
    fig, axes = new_figure(5.2 * len(panels), 3.8, ncols=len(panels))
    for k, problem in enumerate(panels):
        ax = axes[0, k]
        for j, method in enumerate(order):
            points = tables["curves"][problem].get(method)
            if not points:
                continue
            sizes = sorted(map(int, points))
            mean = np.array([points[str(s)]["mean"] for s in sizes])
            std = np.array([points[str(s)]["std"] for s in sizes])
            colour = PALETTE[j % len(PALETTE)]
            title = tables["matrix"]["methods"][method]["title"]
            ax.plot(sizes, mean, marker="o", color=colour, label=title)
            ax.fill_between(sizes, mean - std, mean + std, color=colour, alpha=0.15, linewidth=0)
        ax.set(
            xscale="log",
            yscale="log",
            xlabel="training cases",
            ylabel="test error (%)",
            title=CURVE_TITLES.get(problem, problem),
        )
        plain = matplotlib.ticker.FuncFormatter(
            lambda value, _: f"{value:,.0f}" if value >= 1 else f"{value:g}"
        )
        for axis in (ax.xaxis, ax.yaxis):  # 100 and 1,000 rather than 10² and 10³
            axis.set_major_formatter(plain)
            axis.set_minor_formatter(
                plain if axis is ax.yaxis else matplotlib.ticker.NullFormatter()
            )
        ax.legend(fontsize=7)
    return save_figure(fig, outdir / "curves.png")


def make_figures(results: dict, outdir: Path) -> dict[Path, str]:
    tables = results["tables"]
    drawn = {
        heat_map(tables["matrix"], outdir): (
            "Mean test error (%) of every method on every problem; the best of each row in bold. "
            "Colour is relative to each row's own best, not the error itself (key at the right): "
            "green is the row's best, red twice its error or 20 points worse, so a green cell "
            "can be a high error on a hard problem (CIFAR-10) and a red one a low error on an "
            "easy one. Grey: the method does not apply (the CNN needs an image)."
        )
    }
    if tables["curves"]:
        drawn[curves(tables, outdir)] = (
            "Test error against training-set size, mean ± one standard deviation over the seeds "
            "(log-log)."
        )
    return drawn
