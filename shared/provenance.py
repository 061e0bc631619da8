"""Provenance: what produced a results file, so every number traces to a command.

Records the git commit and dirty flag, package versions, the JAX PRNG implementation
(JAX changed its default in 0.5), the device, XLA flags, profile, seeds, dataset
sha256s and wall time per stage.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
import sys
from importlib import metadata
from typing import Any

from shared import precision
from shared.registry import ROOT

PACKAGES = (
    "jax",
    "jaxlib",
    "flax",
    "optax",
    "numpy",
    "scipy",
    "scikit-learn",
    "matplotlib",
    "torch",
)


def _git(*args: str) -> str | None:
    try:
        out = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


CODE_PATHS = ("shared", "replications", "pyproject.toml", "uv.lock")


def git_state(own_folder: str | None = None) -> dict[str, Any]:
    """Commit hash, and whether the code that makes numbers differs from it: tracked changes
    under ``CODE_PATHS``, or files not yet committed in the replication's own folder.

    A copy of the tree without git (e.g. a GPU machine that received the working tree) cannot
    check itself: whoever made the copy may declare its commit and cleanliness with
    ``HYPE_SOURCE_COMMIT`` and ``HYPE_SOURCE_TREE_CLEAN=1``; the record then says ``declared``."""
    commit = _git("rev-parse", "HEAD")
    if commit is None and os.environ.get("HYPE_SOURCE_COMMIT"):
        return {
            "commit": os.environ["HYPE_SOURCE_COMMIT"],
            "dirty": False if os.environ.get("HYPE_SOURCE_TREE_CLEAN") == "1" else None,
            "declared": True,
        }
    tracked = _git("status", "--porcelain", "--untracked-files=no", "--", *CODE_PATHS)
    untracked = _git("status", "--porcelain", "--", own_folder) if own_folder else ""
    if tracked is None or untracked is None:
        return {"commit": commit, "dirty": None}
    return {"commit": commit, "dirty": bool(tracked or untracked)}


def package_versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def device_info() -> dict[str, Any]:
    import jax

    devices = jax.devices()
    return {
        "platform": devices[0].platform,
        "kind": devices[0].device_kind,
        "count": len(devices),
        "cpu": cpu_name(),
        "cpu_count": os.cpu_count(),
        "xla_flags": os.environ.get("XLA_FLAGS", ""),
        "prng_impl": str(jax.config.jax_default_prng_impl),
        "x64": bool(jax.config.jax_enable_x64),
        "matmul_precision": precision.recorded(),
    }


def collect(
    *,
    name: str,
    profile: str,
    seed: int,
    n_seeds: int | None,
    command: str,
    datasets: dict[str, str],
    stages: dict[str, float],
) -> dict[str, Any]:
    return {
        "command": command,
        "profile": profile,
        "base_seed": seed,
        "n_seeds": n_seeds,
        "git": git_state(f"replications/{name}"),
        "versions": package_versions(),
        "device": device_info(),
        "os": f"{platform.system()} {platform.release()}",
        "argv": sys.argv[1:],
        "datasets_sha256": dict(sorted(datasets.items())),
        "wall_seconds": {k: round(v, 3) for k, v in stages.items()},
        "finished_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
