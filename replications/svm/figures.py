"""Figures of the SVM page, drawn only from the results dictionary."""

from __future__ import annotations

from pathlib import Path

from replications.svm.tables import PAPER_ERROR, PAPER_SV, PAPER_T3_SV, PAPER_T3_TEST
from shared.plots import PALETTE, new_figure, save_figure


def make_figures(results: dict, outdir: Path) -> dict[Path, str]:
    drawn = {}
    rows = results["tables"]["usps"]["degrees"]
    degrees = sorted(int(d) for d in rows)
    fig, axes = new_figure(9.0, 3.6, ncols=2)
    ax = axes[0, 0]
    ax.plot(
        degrees,
        [PAPER_ERROR[d] for d in degrees],
        "o--",
        color=PALETTE[1],
        label="Cortes & Vapnik 1995",
    )
    ax.plot(
        degrees, [rows[str(d)]["test_error"] for d in degrees], "o-", color=PALETTE[0], label="ours"
    )
    ax.axhline(5.1, color=PALETTE[7], lw=0.8, ls=":", label="LeNet1 (Table 1)")
    ax.set(xlabel="polynomial degree", ylabel="raw test error (%)", title="USPS test error")
    ax.legend()
    ax = axes[0, 1]
    ax.plot(
        degrees,
        [PAPER_SV[d] for d in degrees],
        "o--",
        color=PALETTE[1],
        label="Cortes & Vapnik 1995",
    )
    ours = [sum(rows[str(d)]["support_vectors"]) / 10 for d in degrees]
    ax.plot(degrees, ours, "o-", color=PALETTE[0], label="ours")
    ax.set(
        xlabel="polynomial degree",
        ylabel="support vectors per machine (mean)",
        title="USPS support vectors",
    )
    ax.legend()
    path = outdir / "usps_degree.png"
    drawn[save_figure(fig, path)] = (
        "USPS, Table 2: raw test error and mean number of support vectors per "
        "one-vs-rest machine against the polynomial degree, ours and the paper's."
    )
    mnist = results["tables"].get("mnist")
    if mnist:
        fig, axes = new_figure(9.0, 3.6, ncols=2)
        digits = list(range(10))
        for ax, paper, ours, label in (
            (axes[0, 0], PAPER_T3_SV, mnist["support_vectors"], "support vectors"),
            (axes[0, 1], PAPER_T3_TEST, mnist["binary_test_errors"], "binary test errors"),
        ):
            ax.bar(
                [d - 0.2 for d in digits],
                paper,
                width=0.4,
                color=PALETTE[1],
                label="Cortes & Vapnik 1995 (NIST)",
            )
            ax.bar(
                [d + 0.2 for d in digits], ours, width=0.4, color=PALETTE[0], label="ours (MNIST)"
            )
            ax.set(xlabel="one-vs-rest machine (digit)", ylabel=label, xticks=digits)
            ax.legend()
        path = outdir / "nist_table3.png"
        drawn[save_figure(fig, path)] = (
            "NIST/MNIST degree 4, Table 3: support vectors and test errors of each "
            "one-vs-rest machine, ours on MNIST and the paper's on NIST."
        )
    return drawn
