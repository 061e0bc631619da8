"""The random-forest claims, measured from the run's tables alone."""

from __future__ import annotations

import numpy as np

from replications.random_forest.tables import COLUMNS, KEYS, NOISE, NoiseRow, Stats, Tables
from shared.claims import Measurement
from shared.datasets.uci import SMALL


def _measure(stats: Stats) -> Measurement:
    return Measurement(stats["mean"], stats["sd"], stats["n"])


def measure(tables: Tables) -> dict[str, Measurement]:
    """Every claim of ``claims.toml`` from ``tables`` (see ``tables.Tables``)."""
    values: dict[str, Measurement] = {}
    oob_gaps = []
    for entry in tables["table2"]:
        if entry["set"] in SMALL and "oob" in entry:
            oob_gaps.append(abs(entry["oob"]["mean"] - entry["selection"]["mean"]))
        if entry["set"] not in KEYS:
            continue
        for column, suffix in COLUMNS.items():
            values[f"RF-T2-{entry['key']}-{suffix}"] = (
                _measure(entry[column])  # type: ignore[literal-required]
                if column in entry
                else Measurement(None, note=entry["note"])
            )
    for row in tables["noise"]:
        for column, suffix in NOISE.items():
            cell = row.get(column)
            values[f"RF-T5-{row['key']}-{suffix}"] = (
                Measurement(cell["increase"], cell["sd"], row["repeats"])  # type: ignore[index]
                if cell is not None and cell["increase"] is not None  # type: ignore[index]
                else Measurement(None, note=row.get("note", "no errors on clean data"))
            )
    values["RF-T5-headline"] = _headline(tables["noise"])
    values["RF-oob"] = (
        Measurement(float(np.mean(oob_gaps)), float(np.std(oob_gaps)), len(oob_gaps))
        if oob_gaps
        else Measurement(None, note="no small set run")
    )
    return values


def _headline(noise_rows: list[NoiseRow]) -> Measurement:
    """§8 headline: ratio of Adaboost's mean % increase to Forest-RI's (the latter floored at
    1%)."""
    done = [
        r
        for r in noise_rows
        if "adaboost" in r
        and r["adaboost"]["increase"] is not None
        and r["selection"]["increase"] is not None
    ]
    if not done:
        return Measurement(None, note="no noise experiment run")
    ada = float(np.mean([r["adaboost"]["increase"] for r in done]))
    ri = float(np.mean([r["selection"]["increase"] for r in done]))
    wins = sum(r["adaboost"]["increase"] > r["selection"]["increase"] for r in done)
    note = (
        f"mean increase over {len(done)} sets: Adaboost {ada:.1f}%, Forest-RI {ri:.1f}%; "
        f"Adaboost hurt more on {wins} of {len(done)}"
    )
    return Measurement(ada / max(ri, 1.0), None, len(done), note=note)
