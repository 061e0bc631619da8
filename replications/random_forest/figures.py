"""Figures of the random forest replication, drawn only from the results dictionary."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from shared.plots import PALETTE, new_figure, save_figure

COLUMNS = (
    ("adaboost", "ada", "Adaboost"),
    ("selection", "sel", "Forest-RI selection"),
    ("single", "single", "Forest-RI F = 1"),
    ("one_tree", "onetree", "one tree"),
)


def _table2_scatter(results: dict[str, Any], path: Path) -> Path:
    claims = {row["id"]: row for row in results["claims"]}
    fig, axes = new_figure(9.0, 4.2, ncols=2)
    for ax, picked in zip(axes[0], (COLUMNS[:3], COLUMNS[3:]), strict=True):
        top = 1.0
        for (column, suffix, label), colour in zip(picked, PALETTE, strict=False):
            paper, ours, err, names = [], [], [], []
            for entry in results["tables"]["table2"]:
                claim = claims.get(f"RF-T2-{entry['key']}-{suffix}")
                if claim is None or column not in entry:
                    continue
                paper.append(claim["paper"])
                ours.append(entry[column]["mean"])
                err.append(2 * (entry[column]["se"] or 0.0))
                names.append(entry["key"])
            ax.errorbar(paper, ours, yerr=err, fmt="o", ms=4, color=colour, label=label, capsize=2)
            if column == "one_tree":
                for x, y, name in zip(paper, ours, names, strict=True):
                    ax.annotate(
                        name, (x, y), fontsize=7, xytext=(3, -8), textcoords="offset points"
                    )
            top = max([top, *paper, *ours])
        ax.plot([0, top * 1.05], [0, top * 1.05], color="grey", lw=0.8, ls="--")
        ax.set_xlabel("Breiman (2001) Table 2, test error (%)")
        ax.set_ylabel("ours, test error (%)")
        ax.legend(fontsize=8)
    return save_figure(fig, path)


def _noise_bars(results: dict[str, Any], path: Path) -> Path:
    claims = {row["id"]: row for row in results["claims"]}
    rows = [r for r in results["tables"]["noise"] if "adaboost" in r]
    fig, axes = new_figure(8.0, 3.8)
    ax = axes[0][0]
    x = np.arange(len(rows))
    for i, (column, suffix, label) in enumerate(
        (
            ("adaboost", "ada", "Adaboost"),
            ("selection", "ri", "Forest-RI"),
            ("rc", "rc", "Forest-RC (ours)"),
        )
    ):
        ours = [
            r[column]["increase"] if r[column]["increase"] is not None else np.nan for r in rows
        ]
        paper = [claims[f"RF-T5-{r['key']}-{suffix}"]["paper"] for r in rows]
        ax.bar(x + (i - 1) * 0.27, ours, 0.27, color=PALETTE[i], label=f"{label}, ours")
        ax.plot(
            x + (i - 1) * 0.27,
            paper,
            "_",
            ms=12,
            mew=2,
            color="black",
            label="paper (recalled)" if i == 0 else None,
        )
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_xticks(x, [r["set"] for r in rows], fontsize=8)
    ax.set_ylabel("increase in test error (%)")
    ax.legend(fontsize=8)
    return save_figure(fig, path)


def _oob_scatter(results: dict[str, Any], path: Path) -> Path:
    entries = [
        e
        for e in results["tables"]["table2"]
        if "oob" in e and e["set"] not in ("letters", "sat-images", "zip-code")
    ]
    fig, axes = new_figure(4.6, 4.2)
    ax = axes[0][0]
    oob = [e["oob"]["mean"] for e in entries]
    test = [e["selection"]["mean"] for e in entries]
    ax.errorbar(
        oob,
        test,
        yerr=[2 * (e["selection"]["se"] or 0.0) for e in entries],
        fmt="o",
        ms=4,
        color=PALETTE[0],
        capsize=2,
    )
    for e, x, y in zip(entries, oob, test, strict=True):
        ax.annotate(e["key"], (x, y), fontsize=7, xytext=(3, -8), textcoords="offset points")
    top = max([1.0, *oob, *test]) * 1.05
    ax.plot([0, top], [0, top], color="grey", lw=0.8, ls="--")
    ax.set_xlabel("out-of-bag estimate (%)")
    ax.set_ylabel("held-out test error (%)")
    return save_figure(fig, path)


def make_figures(results: dict[str, Any], outdir: Path) -> dict[Path, str]:
    """Table 2 paper vs ours, Table 5 noise increases, out-of-bag vs held-out error."""
    figures = {
        _table2_scatter(results, outdir / "table2.png"): (
            "Breiman (2001) Table 2 against our re-run, one point per data set and column (bars: 2 "
            "standard errors over the repeats; dashed: equality). Left: Adaboost and the two "
            "forests; right: single trees."
        ),
        _oob_scatter(results, outdir / "oob.png"): (
            "Out-of-bag estimate against held-out test error of the OOB-selected Forest-RI, mean "
            "over the repeats of each data set (bars: 2 standard errors; dashed: equality)."
        ),
    }
    if any("adaboost" in r for r in results["tables"]["noise"]):
        figures[_noise_bars(results, outdir / "noise.png")] = (
            "Increase in test error when 5% of the training labels are changed (Breiman 2001, "
            "Table 5): our bars, the paper's recalled values as black ticks."
        )
    return figures
