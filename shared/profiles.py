"""Which profile made a results file, and which profiles the site may show.

A results file names its profile (``"profile"``) and stores the config it ran
(``provenance.config``). :func:`check_profile` refuses a file whose stored config is not what
its named profile gives today: its label would not say what made its numbers. The site build
(:mod:`website.report`) and ``verify`` (:mod:`website.verification`) call it.

The site shows ``paper`` runs. A replication whose ``paper`` profile does not fit a CPU may
name a stand-in in its ``config.py`` (adversarial: ``STAND_IN = "cpu"``): that profile is
published under its own name, and said on every number, until a ``paper`` run replaces it;
it never replaces a ``paper`` run.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from shared.errors import HypeError
from shared.registry import RESULTS_DIR, Replication, get

# Config fields renamed after a published run, the values unchanged, so the stored config
# still reads as its profile: {replication: {old name: new name}}. Each entry names its commit
# and goes when that replication is next published.
RENAMED = {
    "backprop": {"adam_lr": "adam_learning_rate"},  # 743a624, after the published 280cb62
}


def stand_in(replication: Replication) -> str | None:
    """The profile the site shows while no ``paper`` run is published, or None."""
    return getattr(replication.module("config"), "STAND_IN", None)


def shown_profiles(replication: Replication) -> tuple[str, ...]:
    """The profiles whose runs the site may show: ``paper``, and the stand-in if any."""
    extra = stand_in(replication)
    return ("paper", extra) if extra else ("paper",)


def publishable(replication: Replication, results_dir: Path = RESULTS_DIR) -> tuple[str, ...]:
    """The profiles a run may be published with now: ``paper``; the stand-in too, unless a
    ``paper`` run is already published (a shortened run never replaces the paper's)."""
    path = results_dir / f"{replication.name}.json"
    try:
        published = json.loads(path.read_text()).get("profile") if path.exists() else None
    except (OSError, ValueError, AttributeError):
        published = None  # unreadable: whatever the run writes replaces it
    return ("paper",) if published == "paper" else shown_profiles(replication)


def profile_config(replication: Replication, profile: str) -> dict[str, Any]:
    """A profile's config today, as a results file stores it."""
    from shared.results import json_ready

    profiles = replication.module("config").PROFILES
    if profile not in profiles:
        raise HypeError(
            f"{replication.name} has no profile {profile!r}",
            f"choose one of: {', '.join(profiles)}",
        )
    config = profiles[profile]()
    return json_ready(dataclasses.asdict(config) if dataclasses.is_dataclass(config) else config)


def check_profile(results: dict[str, Any], path: Path) -> None:
    """Refuse (one line) a results file whose stored config is not its named profile's today."""
    replication = get(results["replication"])
    profile = results["profile"]
    rerun = f"re-run it: nox -s {replication.session} -- --profile {profile}"
    if profile not in replication.module("config").PROFILES:
        raise HypeError(f"{path} names profile {profile!r}, which {replication.name} lacks", rerun)
    stored = results["provenance"].get("config")
    if not isinstance(stored, dict):
        raise HypeError(f"{path} does not store the config it ran", rerun)
    renamed = RENAMED.get(replication.name, {})
    stored = {renamed.get(key, key): value for key, value in stored.items()}
    expected = profile_config(replication, profile)
    differ = sorted(k for k in stored.keys() | expected.keys() if stored.get(k) != expected.get(k))
    if differ:
        shown = ", ".join(differ[:4]) + (f" and {len(differ) - 4} more" if len(differ) > 4 else "")
        raise HypeError(
            f"{path} says profile {profile!r}, but its config differs from that profile's "
            f"in {shown}",
            rerun,
        )
