"""Figures of the backprop replication, drawn from the results file only."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter, NullFormatter

from replications.backprop.tables import SMALL_TASKS
from shared.plots import PALETTE, new_figure, save_figure

VARIANTS = {
    "paper": "1986 procedure",
    "adam_uniform": "Adam, U(-0.3, 0.3) init",
    "adam_glorot": "Adam, Glorot init",
}


def _hinton(ax, weights: np.ndarray, scale: float) -> None:
    """Fig. 1 / Fig. 4 style: white squares for positive weights, black for negative, area ~ |w|."""
    ax.set_facecolor("#888888")
    for (i, j), w in np.ndenumerate(weights):
        side = np.sqrt(abs(w) / scale) * 0.9
        ax.add_patch(
            Rectangle((j - side / 2, i - side / 2), side, side, color="white" if w > 0 else "black")
        )
    ax.set_xlim(-0.6, weights.shape[1] - 0.4)
    ax.set_ylim(weights.shape[0] - 0.4, -0.6)
    ax.set_aspect("equal")
    ax.grid(False)


def sweeps_histograms(tables: dict, outdir: Path) -> tuple[Path, str]:
    names = [n for n in SMALL_TASKS if n in tables["raw_sweeps"]]
    cols = min(3, len(names))
    rows = -(-len(names) // cols)
    fig, axes = new_figure(3.2 * cols, 2.6 * rows, ncols=cols, nrows=rows)
    for ax in axes.flat[len(names) :]:
        ax.set_visible(False)
    for ax, name in zip(axes.flat, names, strict=False):
        s = tables["sweeps"][name]
        done = np.array([v for v in tables["raw_sweeps"][name] if v >= 0], dtype=float)
        if len(done):
            bins = np.geomspace(max(done.min(), 1), done.max() + 1, 30)
            ax.hist(done, bins=bins, color=PALETTE[0], alpha=0.8)
            ax.axvspan(s["p5"], s["p95"], color=PALETTE[5], alpha=0.15, label="our 5th-95th pct")
        if s["paper"]:
            ax.axvline(s["paper"], color=PALETTE[1], lw=2, label=f"paper: {s['paper']:,}")
        ax.set_xscale("log")
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_title(
            f"{tables['tasks'][name]['title']}\nstuck {s['stuck']:,}/{s['n']:,} "
            f"(95% CI {100 * s['stuck_ci95'][0]:.1f}-{100 * s['stuck_ci95'][1]:.1f}%)",
            fontsize=8,
        )
        ax.set_xlabel("sweeps to converge", fontsize=8)
        ax.legend(fontsize=6)
    return save_figure(fig, outdir / "sweeps.png"), (
        "Sweeps until every output is within 0.1 of its target, over the runs that converged "
        "(log scale), with the paper's single run (orange) and our 5th-95th percentile (shaded)."
    )


def learning_curves(tables: dict, outdir: Path) -> tuple[Path, str]:
    fig, axes = new_figure(6.4, 4.0)
    ax = axes[0, 0]
    for i, name in enumerate(n for n in SMALL_TASKS if n in tables["curves"]):
        c = tables["curves"][name]
        x = np.array(c["sweep"]) + 1
        ax.plot(x, c["median"], color=PALETTE[i % 8], label=tables["tasks"][name]["title"])
        ax.fill_between(x, c["p10"], c["p90"], color=PALETTE[i % 8], alpha=0.12)
    ax.set(xscale="log", yscale="log", xlabel="sweep", ylabel="error E (eq. 3)")
    ax.legend(fontsize=7)
    return save_figure(fig, outdir / "curves.png"), (
        "Learning curves of the 1986 procedure: median error E over all runs (line) and 10th-90th "
        "percentile (band); a converged run keeps its error at convergence."
    )


def symmetry_weights(tables: dict, outdir: Path) -> tuple[Path, str] | None:
    ex = tables.get("symmetry", {}).get("example")
    if not ex:
        return None
    w = np.array(ex["w_in"]).T  # (2 hidden, 6 inputs)
    fig, axes = new_figure(6.4, 2.6, ncols=2)
    for h in range(2):
        ax = axes[0, h]
        ax.bar(range(1, 7), w[h], color=[PALETTE[0] if v > 0 else PALETTE[1] for v in w[h]])
        ax.axhline(0, color="black", lw=0.8)
        for k, v in enumerate(w[h]):
            ax.text(k + 1, v, f"{v:.1f}", ha="center", va="bottom" if v > 0 else "top", fontsize=7)
        ax.set(
            xlabel="input unit",
            ylabel="weight" if h == 0 else None,
            title=(
                f"hidden unit {h + 1}: bias {ex['b_hidden'][h]:.1f}, to output {ex['w_out'][h]:.1f}"
            ),
        )
        ax.title.set_fontsize(8)
    return save_figure(fig, outdir / "symmetry_weights.png"), (
        f"Mirror symmetry, the first run that converged (run {ex['run']}), drawn like the "
        f"letter's Fig. 1: input weights of the two hidden units; output bias {ex['b_out']:.1f}."
    )


def symmetry_ratios(tables: dict, outdir: Path) -> tuple[Path, str] | None:
    sym = tables.get("symmetry")
    if not sym or not sym["converged"]:
        return None
    anti = np.array(sym["antisymmetric_runs"], dtype=bool)
    r2, r4 = np.array(sym["ratio2"])[anti], np.array(sym["ratio4"])[anti]
    fig, axes = new_figure(4.6, 3.8)
    ax = axes[0, 0]
    ax.scatter(r2, r4, s=6, alpha=0.4, color=PALETTE[0])
    ax.add_patch(Rectangle((1.5, 3), 1.0, 2.0, fill=False, edgecolor=PALETTE[1], lw=1.5))
    ax.plot([2], [4], marker="*", ms=12, color=PALETTE[1], label="1:2:4 (paper) and our ±25% box")
    ax.set(
        xlabel="middle / smallest pair magnitude",
        ylabel="largest / smallest pair magnitude",
        xscale="log",
        yscale="log",
    )
    ax.legend(fontsize=7)
    return save_figure(fig, outdir / "symmetry_ratios.png"), (
        "Mirror symmetry: ratios of the three mirror-pair weight magnitudes in every converged, "
        "antisymmetric run."
    )


def modern(tables: dict, outdir: Path) -> tuple[Path, str] | None:
    names = [n for n in SMALL_TASKS if n in tables["modern"] and n in tables["sweeps"]]
    if not names:
        return None
    fig, axes = new_figure(7.0, 3.2, ncols=2)
    width = 0.27
    for v, variant in enumerate(VARIANTS):
        rows = [
            tables["sweeps"][n] if variant == "paper" else tables["modern"][n][variant]
            for n in names
        ]
        x = np.arange(len(names)) + (v - 1) * width
        stuck = np.array([r["stuck_fraction"] for r in rows])
        err = np.array(
            [
                [r["stuck_fraction"] - r["stuck_ci95"][0], r["stuck_ci95"][1] - r["stuck_fraction"]]
                for r in rows
            ]
        ).T
        axes[0, 0].bar(
            x, 100 * stuck, width, yerr=100 * err, color=PALETTE[v], label=VARIANTS[variant]
        )
        axes[0, 1].bar(x, [r.get("p50", np.nan) for r in rows], width, color=PALETTE[v])
    short = {
        "xor_211": "XOR 2-1-1\n(direct)",
        "xor_221_eta05": "XOR 2-2-1",
        "symmetry": "symmetry\n6-2-1",
        "encoder": "encoder\n8-3-8",
        "parity4": "parity\n4-4-1",
    }
    labels = [short.get(n, n) for n in names]
    for ax in axes[0]:
        ax.set_xticks(range(len(names)), labels, fontsize=6)
    axes[0, 0].set(ylabel="runs stuck at the cap (%)")
    axes[0, 1].set(ylabel="median sweeps to converge", yscale="log")
    axes[0, 0].legend(fontsize=6)
    return save_figure(fig, outdir / "modern.png"), (
        "Beyond the paper: the same tasks, caps and stopping rule with Adam, from the paper's "
        "initial weights and from Glorot's; stuck share with 95% Wilson intervals (left), median "
        "sweeps of converged runs (right)."
    )


def family(tables: dict, outdir: Path) -> list[tuple[Path, str]]:
    fam = tables.get("family", {})
    if not fam:
        return []
    drawn = []
    fig, axes = new_figure(6.4, 3.0)
    ax = axes[0, 0]
    width = 0.8 / len(fam)
    for v, f in enumerate(fam.values()):
        share = np.array(f["test_right_counts"]) / f["n"]
        ax.bar(
            np.arange(5) + (v - (len(fam) - 1) / 2) * width,
            100 * share,
            width,
            color=PALETTE[v],
            label=f"{f['description']} (n = {f['n']:,})",
        )
    ax.set(xlabel="held-out triples right (of 4)", ylabel="runs (%)")
    ax.legend(fontsize=6)
    drawn.append(
        (
            save_figure(fig, outdir / "family_generalisation.png"),
            "Family trees: held-out triples right after 1,500 sweeps, each run with its own 4 "
            "held-out triples.",
        )
    )

    fig, axes = new_figure(6.4, 3.6)
    ax = axes[0, 0]
    for v, (_, f) in enumerate(fam.items()):
        c = f["curve"]
        ax.plot(np.array(c["sweep"]) + 1, c["median"], color=PALETTE[v], label=f["description"])
        ax.fill_between(np.array(c["sweep"]) + 1, c["p10"], c["p90"], color=PALETTE[v], alpha=0.12)
    ax.set(xscale="log", yscale="log", xlabel="sweep", ylabel="error E on the 100 training triples")
    ax.legend(fontsize=6)
    drawn.append(
        (
            save_figure(fig, outdir / "family_curves.png"),
            "Family trees: median training error (line) and 10th-90th percentile (band) per "
            "variant.",
        )
    )

    shown = [n for n in ("paper", "adam_glorot") if n in fam]
    fig, axes = new_figure(6.4, 1.9 * len(shown) * 1.0 + 0.6, nrows=len(shown))
    for ax, name in zip(axes[:, 0], shown, strict=True):
        w = np.array(fam[name]["run0_person_weights"])  # (24 people, 6 units)
        # One row per unit: English people left, their Italian images right (Fig. 4's layout).
        grid = np.concatenate([w[:12].T, np.full((6, 1), 0.0), w[12:].T], axis=1)
        _hinton(ax, grid, scale=max(np.abs(w).max(), 1e-9))
        ax.set_yticks(range(6), [f"unit {u + 1}" for u in range(6)], fontsize=6)
        ax.set_xticks([5.5, 18.5], ["English people", "Italian people"], fontsize=7)
        ax.set_title(
            f"{fam[name]['description']}: run 0 "
            f"({fam[name]['run0_test_right']} of 4 held out right)",
            fontsize=8,
        )
    drawn.append(
        (
            save_figure(fig, outdir / "family_person_units.png"),
            "Family trees, drawn like Fig. 4: weights from the 24 person units to the 6 "
            "person-code units of run 0 (white positive, black negative, area ~ size); people in "
            "the order of the trees.",
        )
    )
    return drawn


def make_figures(results: dict, outdir: Path) -> dict[Path, str]:
    tables = results["tables"]
    made = [
        sweeps_histograms(tables, outdir),
        learning_curves(tables, outdir),
        symmetry_weights(tables, outdir),
        symmetry_ratios(tables, outdir),
        modern(tables, outdir),
        *family(tables, outdir),
    ]
    return dict(m for m in made if m is not None)
