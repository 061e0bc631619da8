"""How long each profile of a replication takes, from the results files' provenance alone.

A time in the help is never typed by hand: for each profile it is the wall time of the
published results file when that file is of this profile, else of the user's own latest run of
it in ``runs/``, else, for a profile never run, the estimate made from its timed epochs
(``site/results/estimates/<name>-<profile>.json``, e.g. ``replications.adversarial.estimate``),
else "not measured". The profile is read from the file, so a file labelled
with the wrong profile is corrected by correcting its label. Only the standard library is used
here: ``nox -l`` lists these times before anything is installed.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

from shared.destinations import RUNS_DIR
from shared.errors import HypeError
from shared.registry import RESULTS_DIR, Replication, machine, measured_runtime
from shared.results import read_results

NOT_MEASURED = "not measured"


def profile_names(replication: Replication) -> list[str]:
    """The keys of ``PROFILES`` in the replication's ``config.py``, read without importing it
    (some configs import numpy, which nox's own Python may lack)."""
    tree = ast.parse((replication.folder / "config.py").read_text())
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "PROFILES" for t in node.targets)
            and isinstance(node.value, ast.Dict)
        ):
            return [k.value for k in node.value.keys if isinstance(k, ast.Constant)]
    return []


def runs_as_jobs(replication: Replication) -> bool:
    """Whether the replication's long profile is a set of keyed jobs (``shared.jobs``): its
    ``config.py`` lists ``KEEPS_STATE`` (adversarial) or its config class has alexnet's
    ``checkpoint`` field; read without importing it, as ``profile_names``."""
    tree = ast.parse((replication.folder / "config.py").read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "KEEPS_STATE" for t in node.targets
        ):
            return True
        if isinstance(node, ast.ClassDef) and any(
            isinstance(item, ast.AnnAssign)
            and isinstance(item.target, ast.Name)
            and item.target.id == "checkpoint"
            for item in node.body
        ):
            return True
    return False


def _profile(path: Path) -> str | None:
    """The profile a results file records, or None for a missing or malformed file."""
    try:
        return read_results(path)["profile"] if path.is_file() else None
    except HypeError:
        return None


def latest_run(replication: Replication, profile: str, runs: Path = RUNS_DIR) -> Path | None:
    """The newest readable results file of ``profile`` under ``runs/<name>/`` (folders are named
    ``<UTC time>-<profile>-seed<S>``, so their names sort by time)."""
    folders = sorted((runs / replication.name).glob(f"*-{profile}-seed*"), reverse=True)
    for folder in folders:
        path = folder / f"{replication.name}.json"
        if _profile(path) == profile:
            return path
    return None


def estimate_path(name: str, profile: str, folder: Path = RESULTS_DIR) -> Path:
    """Where a profile's estimate from timed epochs is kept (``--publish``: the results folder)."""
    return folder / "estimates" / f"{name}-{profile}.json"


def estimated_time(path: Path) -> str | None:
    """ "not run yet; estimated 5.1-12.9 h of jobs (1 thread(s) each) on a 2-core AMD EPYC CPU,
    from epochs timed on 2026-12-06", and what the estimate leaves out, from an estimate record;
    None for a missing or malformed one."""
    try:
        record = json.loads(path.read_text())
        estimate, device = record["estimate"], record["provenance"]["device"]
        low, high = (float(h) for h in estimate["job_hours"])
        threads = int(estimate["cpu_threads_per_job"])
        day = str(estimate["measured_utc"])[:10]
        if "cpu_count" not in device or "cpu" not in device:
            return None  # an estimate says which CPU timed it, or it is not shown
        where = machine(device)
        left_out = f" (not timed: {estimate['not_timed']})" if estimate.get("not_timed") else ""
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return (
        f"not run yet; estimated {low:.1f}-{high:.1f} h of jobs ({threads} thread(s) each) on "
        f"{where}, from epochs timed on {day}{left_out}"
    )


def profile_times(
    replication: Replication, results_dir: Path = RESULTS_DIR, runs: Path | None = RUNS_DIR
) -> dict[str, str]:
    """``{profile: "19 min on a 2-core AMD EPYC CPU (published)"}``, or "(your run of
    2026-12-06)" for a run in ``runs`` (None: published files only, as the site shows), or the
    published estimate, or "not measured"."""
    published = results_dir / f"{replication.name}.json"
    published_profile = _profile(published)
    times = {}
    for profile in profile_names(replication):
        if profile == published_profile:
            times[profile] = f"{measured_runtime(published)} (published)"
        elif runs is not None and (local := latest_run(replication, profile, runs)) is not None:
            day = local.parent.name[:8]
            times[profile] = (
                f"{measured_runtime(local)} (your run of {day[:4]}-{day[4:6]}-{day[6:]})"
            )
        elif estimate := estimated_time(estimate_path(replication.name, profile, results_dir)):
            times[profile] = estimate
        else:
            times[profile] = NOT_MEASURED
    return times
