"""Figures of the adversarial-examples page, drawn only from the results dictionary."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from replications.adversarial.tables import NOISE2, SLUG, TABLE1
from shared.plots import PALETTE, new_figure, save_figure

SHORT = {
    "FC10(1e-4)": "FC10(1e-4)",
    "FC10(1e-2)": "FC10(1e-2)",
    "FC10(1)": "FC10(1)",
    "FC100-100-10": "FC100",
    "FC200-200-10": "FC200",
    "AE400-10": "AE400",
    "Gaussian noise, sigma 0.1": "noise 0.1",
    "Gaussian noise, sigma 0.3": "noise 0.3",
}


def _examples(results: dict[str, Any], path: Path) -> tuple[Path, str]:
    ex = results["tables"]["examples"]
    clean = np.asarray(ex["clean"])
    attacks = ex["attacks"]
    order = ("softmax", "maxout", "maxout, adversarially trained")
    n, names = len(clean), [name for name in order if name in attacks]
    fig, axes = new_figure(1.25 * (1 + 2 * len(names)), 1.45 * n, ncols=1 + 2 * len(names), nrows=n)
    for i in range(n):
        cells = [(clean[i], f"label {ex['labels'][i]}", "gray", (0, 1))]
        for name in names:
            adv = np.asarray(attacks[name]["adversarial"][i])
            cells.append((adv - clean[i], f"{name}\nperturbation", "RdBu_r", (-0.3, 0.3)))
            cells.append(
                (
                    adv,
                    f"-> {attacks[name]['predicted'][i]} "
                    f"({100 * attacks[name]['confidence'][i]:.0f}%)",
                    "gray",
                    (0, 1),
                )
            )
        for j, (image, title, cmap, (lo, hi)) in enumerate(cells):
            ax = axes[i, j]
            ax.imshow(image.reshape(28, 28), cmap=cmap, vmin=lo, vmax=hi)
            ax.set_xticks([])
            ax.set_yticks([])
            ax.grid(False)
            ax.set_title(title if (i == 0 or "->" in title or "label" in title) else "", fontsize=7)
    return save_figure(fig, path), (
        "Test digits (left), the FGSM perturbation at epsilon 0.25 (clipped to [0, 1]) "
        "against each model, and the adversarial image with the model's prediction and "
        "confidence. Pixels in [0, 1]. In the perturbation panels red brightens a pixel and blue "
        "darkens it (by up to epsilon; the scale runs from -0.3 to 0.3); white is unchanged, as "
        "where clipping to [0, 1] took the whole change away."
    )


def _robustness(results: dict[str, Any], path: Path) -> tuple[Path, str]:
    curves = results["tables"]["robustness"]
    eps = curves["epsilon"]
    fig, axes = new_figure(6.4, 4.0)
    ax = axes[0, 0]
    names = ("softmax", "FC100-100-10", "maxout", "maxout, adversarially trained")
    for colour, name in zip(PALETTE, [n for n in names if n in curves], strict=False):
        errors = curves[name]
        ax.plot(eps, [100.0 - e for e in errors], marker="o", color=colour, label=name)
    ax.set_xlabel("FGSM epsilon (pixels in [0, 1], L-infinity)")
    ax.set_ylabel("accuracy on the MNIST test set (%)")
    ax.set_ylim(0, 100)
    ax.legend(fontsize=8)
    return save_figure(
        fig, path
    ), "Robust accuracy against FGSM as epsilon grows, on the MNIST test set."


def _transfer(results: dict[str, Any], path: Path) -> tuple[Path, str]:
    t2 = results["tables"]["table2"]
    rows = [r for r in SHORT if r in t2]  # the paper's row order (the results file sorts keys)
    ours = np.array([[t2[r]["errors"][c] for c in TABLE1] for r in rows])
    paper = {row["id"]: row["paper"] for row in results["claims"]}
    recalled = {row["id"] for row in results["claims"] if row.get("confidence") == "uncertain"}
    slug = {**SLUG, **NOISE2}
    ids = [[f"SZ-T2-{slug[r]}-on-{slug[c]}" for c in TABLE1] for r in rows]
    theirs = np.array([[paper.get(i, np.nan) for i in row] for row in ids], dtype=float)
    # A paper cell from recall or disputed, not read from the paper: its number in italics with *.
    flagged = np.array([[i in recalled for i in row] for row in ids])
    fig, axes = new_figure(9.0, 4.4, ncols=2)
    for ax, grid, title, marks in (
        (axes[0, 0], theirs, "Szegedy et al. Table 2", flagged),
        (axes[0, 1], ours, "ours", np.zeros_like(flagged)),
    ):
        ax.imshow(grid, cmap="viridis", vmin=0, vmax=100)
        ax.grid(False)
        ax.set_xticks(
            range(len(TABLE1)), [SHORT[c] for c in TABLE1], rotation=45, ha="right", fontsize=8
        )
        ax.set_yticks(range(len(rows)), [SHORT[r] for r in rows], fontsize=8)
        ax.set_title(title)
        for i in range(grid.shape[0]):
            for j in range(grid.shape[1]):
                ax.text(
                    j,
                    i,
                    f"{grid[i, j]:.0f}" + ("*" if marks[i, j] else ""),
                    ha="center",
                    va="center",
                    fontsize=7,
                    fontstyle="italic" if marks[i, j] else "normal",
                    color="white" if grid[i, j] < 60 else "black",
                )
    axes[0, 0].set_ylabel("examples made for (row)")
    return save_figure(fig, path), (
        "Cross-model transfer (Szegedy et al. Table 2): error (%) of the column model on "
        "L-BFGS examples made for the row model, and on Gaussian noise. A paper cell in italics "
        "with * is from recall or disputed, not read from the paper (flagged in the claims "
        "table too)."
    )


def _distortion(results: dict[str, Any], path: Path) -> tuple[Path, str]:
    t1 = results["tables"]["table1"]
    paper = {row["id"]: row["paper"] for row in results["claims"]}
    x = np.arange(len(TABLE1))
    fig, axes = new_figure(6.4, 3.8)
    ax = axes[0, 0]
    ax.bar(
        x - 0.2,
        [paper[f"SZ-T1-{SLUG[m]}-dist"] for m in TABLE1],
        0.4,
        color=PALETTE[0],
        label="Szegedy et al.",
    )
    ax.bar(
        x + 0.2, [t1[m]["distortion"] or 0.0 for m in TABLE1], 0.4, color=PALETTE[1], label="ours"
    )
    ax.set_xticks(x, [SHORT[m] for m in TABLE1], rotation=30, ha="right")
    ax.set_ylabel("mean minimal RMS distortion")
    ax.legend()
    return save_figure(fig, path), (
        "Average minimal distortion of the box-constrained L-BFGS attack "
        "(Szegedy et al. Table 1), RMS per pixel, pixels in [0, 1]."
    )


def make_figures(results: dict[str, Any], outdir: Path) -> dict[Path, str]:
    """Every figure of the page whose tables the run has (a stage still training has none yet):
    path -> caption."""
    tables = results["tables"]
    drawers = (
        ("examples", _examples, "examples.png"),
        ("robustness", _robustness, "robustness.png"),
        ("table2", _transfer, "transfer.png"),
        ("table1", _distortion, "distortion.png"),
    )
    return dict(draw(results, outdir / name) for table, draw, name in drawers if table in tables)
