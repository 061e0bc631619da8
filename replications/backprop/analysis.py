"""Reading the runs: sweep distributions, stuck fractions, and the learned solutions.

Every function takes plain numpy arrays (one row per run) and returns JSON-ready
values, so the experiment, the tests and the page share one definition of each measure.
"""

from __future__ import annotations

import numpy as np

from replications.backprop.measure import wilson

__all__ = ["wilson"]  # the Wilson interval is defined once, where the claims are measured
PERCENTILES = (5, 25, 50, 75, 95)


def sweep_summary(converged_at: np.ndarray, cap: int, paper: int | None) -> dict:
    """Sweeps to converge over the runs that converged; runs that did not are stuck.

    ``paper_in_band``: the paper's single run lies within our 5th-95th percentile (the
    rule for every sweep-count claim, fixed before the run). ``paper_rank``: the share of
    our converged runs that needed fewer sweeps than the paper's run.
    """
    converged_at = np.asarray(converged_at)
    done = converged_at[converged_at >= 0].astype(float)
    n, stuck = len(converged_at), int(np.sum(converged_at < 0))
    low, high = wilson(stuck, n)
    out = {
        "n": n,
        "cap": cap,
        "converged": int(len(done)),
        "stuck": stuck,
        "stuck_fraction": stuck / n,
        "stuck_ci95": [low, high],
        "paper": paper,
    }
    if len(done):
        q = np.percentile(done, PERCENTILES)
        out |= {f"p{p}": float(v) for p, v in zip(PERCENTILES, q, strict=True)}
        out |= {
            "mean": float(done.mean()),
            "std": float(done.std(ddof=1)) if len(done) > 1 else 0.0,
        }
        if paper is not None:
            out["paper_in_band"] = bool(q[0] <= paper <= q[-1])
            out["paper_rank"] = float(np.mean(done < paper))
    return out


def stuck_diagnosis(
    converged_at: np.ndarray, curves: np.ndarray, final_deviation: np.ndarray
) -> dict:
    """Are the stuck runs in a local minimum or just slow? For the runs that did not
    converge: median final error E, median worst |y - d|, and the share whose error fell
    by less than 1% over the second half of the cap (a plateau, not slow progress)."""
    stuck = np.asarray(converged_at) < 0
    if not stuck.any():
        return {"final_error_median": None, "final_deviation_median": None, "plateau_share": None}
    c = curves[stuck]
    half, last = c[:, c.shape[1] // 2], c[:, -1]
    return {
        "final_error_median": float(np.median(last)),
        "final_deviation_median": float(np.median(final_deviation[stuck])),
        "plateau_share": float(np.mean((half - last) < 0.01 * half)),
    }


def log_curve(curves: np.ndarray, every: int, points: int = 120) -> dict:
    """Median and 10th/90th percentile of the error curves at log-spaced sweeps."""
    index = np.unique(np.geomspace(1, curves.shape[1], points).astype(int) - 1)
    q = np.nanpercentile(curves[:, index], (10, 50, 90), axis=0)
    return {
        "sweep": (index * every).tolist(),
        "p10": q[0].tolist(),
        "median": q[1].tolist(),
        "p90": q[2].tolist(),
    }


def symmetry_solution(
    w_in: np.ndarray,
    b_hidden: np.ndarray,
    w_out: np.ndarray,
    b_out: np.ndarray,
    tol: float = 0.1,
    ratio_band: float = 0.25,
) -> dict[str, np.ndarray]:
    """The Fig. 1 caption's description of the solution, tested run by run.

    ``w_in`` (runs, 6, 2): input -> hidden weights. Per run:
    - ``antisymmetric``: in both hidden units, weights at mirror positions i and 7 - i are
      opposite, |w_i + w_(7-i)| <= tol * max|w|;
    - ``mirrored_units``: the two hidden units carry the same pattern with opposite signs
      (cosine of their weight vectors <= -0.9), both hidden biases are negative and the
      output bias positive;
    - ``ratio_124``: the three mirror-pair magnitudes, sorted, are 1 : 2 : 4 within
      ``ratio_band`` (each ratio to the smallest within ±25% of 2 and of 4), in both units.
    Returns the booleans and the two ratios (mean over the two units) per run.
    """
    mirror = w_in[:, ::-1, :]
    scale = np.max(np.abs(w_in), axis=1, keepdims=True)
    antisymmetric = np.all(np.abs(w_in + mirror) <= tol * scale, axis=(1, 2))
    a, b = w_in[:, :, 0], w_in[:, :, 1]
    cosine = np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    mirrored = (cosine <= -0.9) & np.all(b_hidden < 0, axis=1) & (b_out[:, 0] > 0)
    pairs = np.sort((np.abs(w_in[:, :3, :]) + np.abs(w_in[:, 3:, :][:, ::-1, :])) / 2, axis=1)
    r2, r4 = pairs[:, 1, :] / pairs[:, 0, :], pairs[:, 2, :] / pairs[:, 0, :]
    ratio = np.all((np.abs(r2 - 2) <= 2 * ratio_band) & (np.abs(r4 - 4) <= 4 * ratio_band), axis=1)
    return {
        "antisymmetric": antisymmetric,
        "mirrored_units": mirrored,
        "ratio_124": ratio & antisymmetric,
        "ratio2": r2.mean(axis=1),
        "ratio4": r4.mean(axis=1),
        "w_out": w_out[:, :, 0],
    }


def encoder_codes(hidden: np.ndarray) -> dict[str, np.ndarray]:
    """Hidden codes of the 8-3-8 encoder, (runs, 8 patterns, 3 units), run by run.

    ``distinct``: the 8 codes, each unit read as on above 0.5, are 8 different binary
    words; ``near_binary``: every hidden state is within 0.2 of 0 or 1;
    ``binary_share``: the share of the 24 states within 0.1 of 0 or 1.
    """
    words = (hidden > 0.5).astype(int) @ np.array([4, 2, 1])
    distinct = np.array([len(set(row)) == 8 for row in words])
    distance = np.minimum(hidden, 1 - hidden)
    return {
        "distinct": distinct,
        "near_binary": np.all(distance <= 0.2, axis=(1, 2)),
        "binary_share": np.mean(distance <= 0.1, axis=(1, 2)),
    }


def family_scores(
    out: np.ndarray, targets: np.ndarray, train_mask: np.ndarray
) -> dict[str, np.ndarray]:
    """Per run: held-out cases right (of 4) and training cases right (of 100).

    A case is right when every output that should be on is above 0.5 and every other
    output is below 0.5 (the midpoint of the letter's 0.2 / 0.8 margins).
    """
    right = np.all((out > 0.5) == (targets[None] > 0.5), axis=-1)
    return {
        "test_right": np.sum(right & (train_mask == 0), axis=1),
        "train_right": np.sum(right & (train_mask > 0), axis=1),
        "train_total": np.sum(train_mask > 0, axis=1),
    }


def feature_correlations(
    w_person: np.ndarray, features: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """For each run and feature, the largest |Pearson r| between a person-code unit's 24
    incoming weights and the feature (Fig. 4: nationality, generation, branch).

    ``w_person`` is (runs, 24, 6); a feature value 0 means "not defined" (the
    grandchildren have no branch) and those people are left out of its correlation.
    """
    result = {}
    for name, feature in features.items():
        keep = feature != 0
        w = w_person[:, keep, :] - w_person[:, keep, :].mean(axis=1, keepdims=True)
        f = feature[keep] - feature[keep].mean()
        r = np.einsum("rpu,p->ru", w, f) / (np.linalg.norm(w, axis=1) * np.linalg.norm(f) + 1e-12)
        result[name] = np.max(np.abs(r), axis=1)
    return result
