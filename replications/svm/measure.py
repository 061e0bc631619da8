"""The SVM claims, measured from the run's tables alone."""

from __future__ import annotations

import numpy as np

from replications.svm.tables import LENET1, PAPER_DIMS, Tables
from shared.claims import Measurement


def measure(tables: Tables) -> dict[str, Measurement]:
    """Every claim of ``claims.toml`` from ``tables`` (see ``tables.Tables``)."""
    usps = tables["usps"]
    rows = usps["degrees"]
    values: dict[str, Measurement] = {}
    for d, row in rows.items():
        key = f"SVN-T2-d{d}"
        values[key] = Measurement(row["test_error"], n=1, note=f"C = {row['C']:g}")
        values[key + "-sv"] = Measurement(
            float(np.mean(row["support_vectors"])), n=len(row["support_vectors"])
        )
    sv_ratio = max(100 * max(r["support_vectors"]) / usps["n_train"] for r in rows.values())
    binary = max(100 * max(r["binary_test_errors"]) / usps["n_test"] for r in rows.values())
    values["SVN-USPS-bound-sv"] = Measurement(
        sv_ratio, note="largest #SV / #train of any machine, any degree"
    )
    values["SVN-USPS-bound-err"] = Measurement(
        binary, note="largest single-machine test error, any degree"
    )
    if "1" in rows:
        values["SVN-USPS-trainerr"] = Measurement(
            float(np.mean(rows["1"]["train_errors"])), n=len(rows["1"]["train_errors"])
        )
    beats = [r["test_error"] < LENET1 for d, r in rows.items() if int(d) >= 2]
    values["SVN-USPS-vsLeNet1"] = Measurement(bool(beats) and all(beats))
    dims_ok = [1 / 10 <= PAPER_DIMS[int(d)] / r["dims"]["up_to_d"] <= 10 for d, r in rows.items()]
    values["SVN-T2-dims"] = Measurement(
        all(dims_ok), note="printed dimension within a factor 10 of the exact count, every degree"
    )
    if "permutation" in usps:
        p = usps["permutation"]
        values["SVN-quote"] = Measurement(
            p["agreement"] >= 0.995,
            note=f"{100 * p['agreement']:.2f}% of test predictions unchanged",
        )
    if "mnist" in tables:
        row = tables["mnist"]
        values["SVN-NIST-1.1"] = Measurement(row["test_error"], note=f"C = {row['C']:g}")
        values["SVN-T3-SV"] = Measurement(
            float(np.mean(row["support_vectors"])), n=len(row["support_vectors"])
        )
        values["SVN-T3-trainerr"] = Measurement(float(np.sum(row["train_errors"])))
        values["SVN-T3-testerr"] = Measurement(float(np.sum(row["binary_test_errors"])))
    return values
