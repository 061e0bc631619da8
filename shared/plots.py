"""Figure helpers: one house style, deterministic PNG bytes, atomic writes.

Figures are drawn from a results dictionary (never from a live run), so re-drawing
them from ``site/results/<name>.json`` gives the same file.
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from shared.atomic import atomic_write_bytes  # noqa: E402

STYLE = {
    "figure.dpi": 110,
    "savefig.dpi": 110,
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "svg.hashsalt": "history-of-hype",
}
plt.rcParams.update(STYLE)

# Colours that stay apart for readers with colour-vision deficiency (Okabe & Ito).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")


def new_figure(width: float = 6.4, height: float = 4.0, ncols: int = 1, nrows: int = 1):
    """A figure and its axes in the house style."""
    return plt.subplots(nrows, ncols, figsize=(width, height), squeeze=False, layout="constrained")


def save_figure(fig: Figure, path: Path) -> Path:
    """Write ``fig`` as PNG without timestamps or software tags, atomically; close it."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    plt.close(fig)
    atomic_write_bytes(path, buffer.getvalue())
    return path
