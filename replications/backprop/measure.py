"""The backprop claims, measured from the run's tables alone."""

from __future__ import annotations

import math

from replications.backprop.tables import FEATURES, Sweeps, Tables
from shared.claims import Measurement

SWEEP_CLAIMS = {"xor_211": "PDP-xor-558", "symmetry": "RHW-sym-sweeps", "parity4": "PDP-parity"}
SYMMETRY_CLAIMS = {
    "RHW-sym-solution": "antisymmetric",
    "RHW-sym-units": "mirrored_units",
    "RHW-sym-ratio": "ratio_124",
}
FAMILY_CLAIMS = ("RHW-ft-learn", "RHW-ft-gen", "RHW-ft-gen-2ndrun", "RHW-ft-features")


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion k/n (95% by default)."""
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def _sweep_note(s: Sweeps) -> str:
    if "p50" not in s:
        return f"no run converged within {s['cap']:,} sweeps"
    return (
        f"median {s['p50']:,.0f} sweeps, 5th-95th percentile {s['p5']:,.0f}-{s['p95']:,.0f} over "
        f"{s['converged']:,} converged runs; the paper's run is faster than "
        f"{100 * (1 - s['paper_rank']):.0f}% of ours; {s['stuck']:,} of {s['n']:,} stuck at the "
        f"{s['cap']:,}-sweep cap"
    )


def _share(k: int, n: int, none: str) -> Measurement:
    """k of n converged runs, with its Wilson interval."""
    if not n:  # the runs were made; none converged, so there is nothing to take a share of
        return Measurement(None, note=none, inconclusive=True)
    low, high = wilson(k, n)
    return Measurement(
        k / n, n=n, note=f"{k:,} of {n:,} converged runs; 95% CI {low:.3f}-{high:.3f}"
    )


def measure(tables: Tables) -> dict[str, Measurement]:
    """Every claim of ``claims.toml`` from ``tables`` (see ``tables.Tables``)."""
    values: dict[str, Measurement] = {}
    sweeps = tables["sweeps"]
    for name, claim in SWEEP_CLAIMS.items():
        if name in sweeps:
            s = sweeps[name]
            values[claim] = Measurement(
                s.get("paper_in_band", False), n=s["n"], note=_sweep_note(s)
            )
    if "xor_221_eta025" in sweeps:
        s = sweeps["xor_221_eta025"]
        low, high = s["stuck_ci95"]
        values["PDP-xor-localmin"] = Measurement(
            s["stuck_fraction"],
            n=s["n"],
            note=(
                f"{s['stuck']:,} of {s['n']:,} runs stuck at "
                f"{s['cap']:,} sweeps; 95% Wilson CI {low:.3f}-{high:.3f}"
            ),
        )
    if "symmetry" in tables:
        sym = tables["symmetry"]
        for claim, count in SYMMETRY_CLAIMS.items():
            values[claim] = _share(sym[count], sym["converged"], "no symmetry run converged")  # type: ignore[literal-required]
    if "encoder" in tables:
        enc = tables["encoder"]
        values["PDP-encoder"] = _share(
            enc["distinct"], enc["converged"], "no encoder run converged"
        )
    n_cases = tables["family_cases"]
    values["RHW-ft-data"] = Measurement(
        n_cases == 104, note=f"{n_cases} cases derived from the two trees"
    )
    if "paper" in tables["family"]:
        f = tables["family"]["paper"]
        n = f["n"]
        counts = ", ".join(f"{k} right: {c:,}" for k, c in enumerate(f["test_right_counts"]))
        values["RHW-ft-learn"] = Measurement(
            f["train_all_fraction"],
            n=n,
            note=f"mean {f['train_mean']:.1f} of 100 training triples right",
        )
        values["RHW-ft-gen"] = Measurement(
            f["test_all_fraction"], n=n, note=f"held-out triples, runs with {counts}"
        )
        values["RHW-ft-gen-2ndrun"] = Measurement(
            f["test_3plus_fraction"], n=n, note=f"runs with {counts}"
        )
        share = f["feature_found_fraction"]
        found = ", ".join(f"{k} {share[k]:.2f}" for k in FEATURES if k in share)
        values["RHW-ft-features"] = Measurement(
            f["all_features_fraction"],
            n=n,
            note=f"share of runs with a unit for each feature: {found}",
        )
    return values
