"""The perceptron claims, measured from the run's tables alone."""

from __future__ import annotations

import numpy as np
from scipy.stats import spearmanr

from replications.perceptron.tables import Tables
from shared.claims import Measurement

MARK_I_UNITS = 512  # the Mark I photo-perceptron's association units


def measure(tables: Tables) -> dict[str, Measurement]:
    """Every claim of ``claims.toml`` from ``tables`` (see ``tables.Tables``)."""
    rows, seeds = tables["novikoff"], tables["seeds"]
    runs = len(rows) * seeds
    values = {
        "PERC-R62-conv": Measurement(float(np.mean([r["converged"] for r in rows])), n=runs),
        "PERC-NOV-bound": Measurement(float(np.mean([r["within_bound"] for r in rows])), n=runs),
        "PERC-NOV-tightness": Measurement(max(r["worst_ratio"] for r in rows), n=runs),
    }
    with_a = [r for r in tables["photo"] if r["a_units"] > 0]
    mark_one = min(with_a, key=lambda r: abs(r["a_units"] - MARK_I_UNITS))
    values["PERC-MarkI-learns"] = Measurement(
        mark_one["accuracy_mean"],
        mark_one["accuracy_std"],
        n=seeds,
        note=f"{mark_one['a_units']} A-units",
    )
    rho = spearmanr([r["a_units"] for r in with_a], [r["accuracy_mean"] for r in with_a]).statistic
    values["PERC-MarkI-grows"] = Measurement(float(rho), n=len(with_a))
    capacity = tables["capacity"]
    n = capacity["trials"]
    values["COVER-curve"] = Measurement(
        max(abs(r["separable"] - r["cover"]) for r in capacity["rows"]), n=n
    )
    values["COVER-rule"] = Measurement(
        max(abs(r["learned"] - r["cover"]) for r in capacity["rows"]), n=n
    )
    at_2n = [r for r in capacity["rows"] if r["P"] == 2 * capacity["N"]]
    if at_2n:
        values["COVER-2N"] = Measurement(at_2n[0]["separable"], n=n)
    return values
