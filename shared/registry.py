"""The registry of replications: every folder of ``replications/`` with a ``claims.toml``.

Adding a replication means adding a folder; nox, the CLI and the site find it here.
This module reads only TOML so that ``noxfile.py`` can use it without JAX installed.
"""

from __future__ import annotations

import importlib
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from shared.errors import HypeError

ROOT = Path(__file__).resolve().parent.parent
REPLICATIONS_DIR = ROOT / "replications"
RESULTS_DIR = ROOT / "site" / "results"
FIGURES_DIR = ROOT / "site" / "docs" / "figures"


@dataclass(frozen=True)
class Replication:
    """What the registry knows about one replication, from its ``claims.toml`` header."""

    name: str  # the folder name, e.g. "random_forest"
    title: str
    paper: str
    year: int
    summary: str

    @property
    def folder(self) -> Path:
        return REPLICATIONS_DIR / self.name

    @property
    def claims_file(self) -> Path:
        return self.folder / "claims.toml"

    @property
    def session(self) -> str:
        """The nox session name: ``replicate-random-forest``."""
        return "replicate-" + self.name.replace("_", "-")

    @property
    def runtime(self) -> str:
        """The measured wall time of the published `paper` run and where it ran, from the
        results file's provenance (never typed by hand); "not yet measured" without one."""
        return measured_runtime(RESULTS_DIR / f"{self.name}.json")

    def has(self, part: str) -> bool:
        """Whether the replication has the optional module ``part`` (figures, report, bench)."""
        return (self.folder / f"{part}.py").is_file()

    def module(self, part: str = "") -> ModuleType:
        """Import ``replications.<name>`` (or one of its modules)."""
        dotted = f"replications.{self.name}" + (f".{part}" if part else "")
        return importlib.import_module(dotted)


def _read(folder: Path) -> Replication:
    with open(folder / "claims.toml", "rb") as f:
        header = tomllib.load(f)["replication"]
    return Replication(
        name=folder.name,
        title=header["title"],
        paper=header["paper"],
        year=int(header["year"]),
        summary=header["summary"].strip(),
    )


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def machine(device: dict[str, Any]) -> str:
    """ "a 2-core AMD EPYC CPU" or "1 x NVIDIA H100" from a provenance record's ``device``."""
    if device.get("platform", "cpu") == "cpu":  # an estimate times CPU epochs only
        return f"a {device.get('cpu_count')}-core {device.get('cpu')} CPU"
    return f"{device.get('count')} x {device.get('kind')}"


def finished_jobs(provenance: dict[str, Any]) -> list[dict[str, Any]]:
    """Every finished job of a run carried across sessions (``provenance.jobs``, by stage)."""
    return [job for stage in (provenance.get("jobs") or {}).values() for job in stage]


def job_hours(jobs: list[dict[str, Any]]) -> float:
    """The jobs' wall times summed, in hours: one worker's hours, whatever the number of workers."""
    return sum(float(job["wall_seconds"]) for job in jobs) / 3600


def measured_runtime(path: Path) -> str:
    """ "41 min on a 2-core AMD EPYC CPU" from a results file, or "not yet measured". A run made
    of keyed jobs carried across sessions (``provenance.jobs``) gives the sum of its jobs' wall
    times, each job on one worker, and how many jobs that covers while stages are running."""
    try:
        results = json.loads(path.read_text())
        provenance = results["provenance"]
        seconds = float(provenance["wall_seconds"]["total"])
        device = provenance["device"]
        jobs = finished_jobs(provenance)
        pending = results.get("tables", {}).get("pending", {})
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return "not yet measured"
    where = machine(device)
    if not jobs:
        return f"{_duration(seconds)} on {where}"
    threads = {job.get("cpu_threads") for job in jobs}
    per_job = (
        f", {min(threads)} thread(s) per job" if len(threads) == 1 and None not in threads else ""
    )
    total = sum(float(job["wall_seconds"]) for job in jobs)  # seconds, as _duration takes them
    done = f"{_duration(total)} of jobs on {where}{per_job}"
    if pending:
        left = sum(p["total"] - p["done"] for p in pending.values())
        return f"{done} so far ({len(jobs)} jobs finished, {left} to go)"
    return done


def all_replications() -> list[Replication]:
    """Every replication, in the order of the history (by year, then name)."""
    found = [_read(p.parent) for p in REPLICATIONS_DIR.glob("*/claims.toml")]
    return sorted(found, key=lambda r: (r.year, r.name))


def get(name: str) -> Replication:
    """Look a replication up by folder name or session name (``random-forest`` works)."""
    wanted = name.replace("-", "_").removeprefix("replicate_")
    for replication in all_replications():
        if replication.name == wanted:
            return replication
    known = ", ".join(r.name for r in all_replications())
    raise HypeError(f"unknown replication {name!r}", f"choose one of: {known}")
