"""The XOR / parity claims, measured from the run's tables alone."""

from __future__ import annotations

from replications.xor.tables import XOR_TRUTH, Tables
from shared.claims import Measurement


def measure(tables: Tables) -> dict[str, Measurement]:
    """Every claim of ``claims.toml`` from ``tables`` (see ``tables.Tables``)."""
    rule, rows = tables["rule"], tables["parity_order"]
    return {
        "MP-xor-lp": Measurement(tables["farkas_certificate"] is not None),
        "MP-xor-best": Measurement(tables["best_single_unit"]),
        "MP-xor-rule": Measurement(rule["cycling_unconverged"] / rule["runs"], n=rule["runs"]),
        "MP-parity": Measurement(
            all(r["order"] == r["n"] for r in rows),
            note=f"checked for every n from 2 to {rows[-1]['n']}",
        ),
        "MP-xor-order": Measurement(float(rows[0]["order"])),
        "MP-xor-two-layer": Measurement(tables["two_layer_outputs"] == XOR_TRUTH),
    }
