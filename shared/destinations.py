"""Where a run's results and figures go: only a deliberate publish touches ``site/``.

- The ``paper`` profile with its default seeds, from a clean tree: ``site/results/<name>.json``
  (the site's numbers), with a first drawing of the figures in ``site/docs/figures/<name>/``,
  which the site build redraws from the results file.
- Anything else (another seed or seed count, another profile, a modified tree): a folder of its
  own, ``runs/<name>/<UTC time>-<profile>-seed<S>/``, said on the console.
- ``--publish`` publishes a ``paper`` run from a modified tree; the results file records
  ``dirty: true`` and the page says so. It is refused for any other profile or seeds.
- A replication's stand-in profile (``shared.profiles``; adversarial: ``cpu``) publishes as
  ``paper`` does while no ``paper`` run is published, under its own name. A ``paper`` run
  that has not measured a single claim yet (a long run stopped before any stage finished)
  does not replace a published stand-in, nor one that measured fewer claims than the
  published paper run (:func:`hold_back`): it goes to ``runs/``.

Both folders are checked for writing before the run starts, so a long run is never lost to a
read-only folder at the end; neither is made until there is something to write in it, so a run
that fails leaves no empty folder behind.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shared.errors import HypeError
from shared.profiles import publishable
from shared.registry import FIGURES_DIR, RESULTS_DIR, ROOT, Replication

RUNS_DIR = ROOT / "runs"


@dataclass(frozen=True)
class Destination:
    results: Path
    figures: Path
    published: bool
    reason: str  # why it goes there, said on the console


def choose(
    replication: Replication,
    *,
    profile: str,
    seed: int,
    n_seeds: int | None,
    dirty: bool | None,
    publish: bool,
    out: Path | None = None,
    now: dt.datetime | None = None,
) -> Destination:
    """Where this run's results go (see the module docstring)."""
    default_seeds = seed == 0 and n_seeds is None
    shown = profile in publishable(replication)  # paper, or a stand-in while no paper run is out
    if publish and not (shown and default_seeds):
        raise HypeError(
            "--publish is only for the paper profile (or a stand-in, shared.profiles) with its "
            "default seeds",
            "drop --publish (the run goes to runs/), or drop --profile/--seed/--seeds",
        )
    if out is not None:
        return Destination(out, out.parent / "figures" / replication.name, False, f"--out {out}")
    if shown and default_seeds and (dirty is False or publish):
        reason = "published" + (" from a modified tree (recorded as dirty)" if dirty else "")
        return Destination(
            RESULTS_DIR / f"{replication.name}.json", FIGURES_DIR / replication.name, True, reason
        )
    folder = _runs_folder(replication, profile, seed, now)
    if not shown:
        reason = f"not published: the {profile} profile does not feed the site now"
    elif not default_seeds:
        reason = (
            "not published: only the default seeds (--seed 0, the profile's --seeds) feed the site"
        )
    else:
        reason = (
            "not published: the working tree has changes to the code (commit them, or pass "
            "--publish to publish anyway; the page will say so)"
        )
    return Destination(folder / f"{replication.name}.json", folder / "figures", False, reason)


def _runs_folder(
    replication: Replication, profile: str, seed: int, now: dt.datetime | None
) -> Path:
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%SZ")
    return RUNS_DIR / replication.name / f"{stamp}-{profile}-seed{seed}"


def measured(results: dict[str, Any]) -> int:
    """How many of a results file's claims have a measured value."""
    return sum((row.get("ours") or {}).get("value") is not None for row in results["claims"])


def hold_back(
    replication: Replication,
    where: Destination,
    results: dict[str, Any],
    now: dt.datetime | None = None,
) -> Destination:
    """``where``, unless it would put a ``paper`` run over a published run that measured more:

    - a paper run that has measured no claim yet over a published stand-in: the stand-in's
      numbers are all the site has until the paper run has some of its own;
    - a paper run that measured fewer claims than the published paper run (a long run started
      again under a new job key, its stages not all back yet): the site keeps the published run,
      with its own commit and provenance, until the new one measures as many.

    Either way the run goes to ``runs/`` (its state carries on as usual)."""
    if not where.published or results.get("profile") != "paper":
        return where
    try:
        shown = json.loads(where.results.read_text())
        profile = shown.get("profile")
    except (OSError, ValueError, AttributeError):
        return where
    ours = measured(results)
    if profile == "paper":
        try:
            theirs = measured(shown)
        except (KeyError, TypeError, AttributeError):
            return where
        if ours >= theirs:
            return where
        reason = (
            f"not published: this paper run measured {ours} claims and the published one "
            f"{theirs}, so the site keeps the published run until this one measures as many"
        )
    elif ours or profile is None:
        return where
    else:
        reason = (
            f"not published: no claim of the paper run is measured yet (no stage finished), so "
            f"the site keeps the {profile} profile's run until one is"
        )
    folder = _runs_folder(replication, "paper", results["provenance"].get("base_seed", 0), now)
    return Destination(folder / f"{replication.name}.json", folder / "figures", False, reason)


def check_writable(*folders: Path) -> None:
    """Stop with one line unless each folder could be written: it, or the nearest folder above it
    that exists, takes a scratch file. Nothing is left behind (no folder is made)."""
    for folder in folders:
        existing = next(p for p in (folder, *folder.parents) if p.exists())
        try:
            if not existing.is_dir():
                raise NotADirectoryError(f"{existing} is a file")
            with tempfile.TemporaryFile(dir=existing):
                pass
        except OSError as error:
            raise HypeError(
                f"cannot write to {folder} ({error.strerror or error})",
                "make it writable, or pass --out PATH to write the results elsewhere",
            ) from None
