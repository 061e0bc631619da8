"""Figures of the XOR / parity replication, drawn from the results file only."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np

from shared.plots import PALETTE, new_figure, save_figure


def make_figures(results: dict, outdir: Path) -> dict[Path, str]:
    tables = results["tables"]
    drawn = {}

    rows = tables["parity_order"]
    size = rows[-1]["n"]
    grid = np.full((len(rows), size), np.nan)
    for i, r in enumerate(rows):
        grid[i, : r["n"]] = r["feasible_by_k"]
    fig, axes = new_figure(5.0, 3.8)
    ax = axes[0, 0]
    # grey where k > n: the mask size does not apply
    cmap = matplotlib.colormaps["RdYlGn"].with_extremes(bad="#bbbbbb")
    ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(size), [str(k) for k in range(1, size + 1)])
    ax.set_yticks(range(len(rows)), [str(r["n"]) for r in rows])
    ax.set(xlabel="largest support k of the masks allowed", ylabel="bits n")
    ax.grid(False)
    drawn[save_figure(fig, outdir / "parity_order.png")] = (
        "Parity of n bits as a threshold function of masks of support at most k: feasible (green) "
        "only on the diagonal k = n (grey: k > n does not apply)."
    )

    trajectory = np.array(tables["rule"]["example_trajectory"])
    fig, axes = new_figure(5.6, 3.4)
    ax = axes[0, 0]
    for j, label in enumerate(("w₁", "w₂", "bias")):
        ax.plot(trajectory[:, j], marker="o", color=PALETTE[j], label=label)
    ax.set(xlabel="epoch", ylabel="weight at the start of the epoch")
    ax.legend(fontsize=8)
    drawn[save_figure(fig, outdir / "xor_cycle.png")] = (
        "The perceptron rule on XOR (first run): the weights return to earlier values and cycle "
        "for ever."
    )
    return drawn
