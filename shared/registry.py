"""The registry of replications: every folder of ``replications/`` with a ``claims.toml``.

Adding a replication means adding a folder; nox, the CLI and the site find it here.
This module reads only TOML so that ``noxfile.py`` can use it without JAX installed.
"""

from __future__ import annotations

import importlib
import tomllib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

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
    cpu_minutes: float  # expected wall time of the `paper` profile on a 2-core laptop CPU
    gpu_minutes: float  # ... and on one modern GPU

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
        cpu_minutes=float(header["cpu_minutes"]),
        gpu_minutes=float(header["gpu_minutes"]),
    )


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
