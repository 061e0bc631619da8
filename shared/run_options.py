"""The options of a replication run and their help, defined once for both ways to start one:
``python -m shared.cli replicate NAME ...`` and ``nox -s replicate-NAME -- ...``.

nox parses its options with the same definitions (so it accepts exactly what the CLI accepts,
``--out`` included) and shows the same help in its own form. Only the standard library is used
here: nox's own Python reads it before anything is installed.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from shared.environment import help_text
from shared.errors import HypeError
from shared.registry import Replication, all_replications
from shared.runtimes import profile_names, profile_times, runs_as_jobs

SCALED_DOWN = (  # said under any table of a profile other than paper
    "the {profile} profile is scaled down: its verdicts grade toy-scale numbers against the "
    "paper's and say nothing of the paper's claims"
)
PROFILES = """\
profiles: paper (the paper's scale, the default; published), smoke (scaled down
  for the tests: its verdicts grade toy-scale numbers and say nothing of the paper);
  adversarial also has cpu (shortened for a CPU; published, as cpu, until a paper run is)"""


def add_run_options(parser: argparse.ArgumentParser, *, out: bool = True) -> None:
    """The options of ``replicate`` (without its NAME); ``out=False`` for a run of several
    replications, which cannot share one results path."""
    parser.add_argument(
        "--profile", default="paper", help="paper (default), smoke, or another one listed below"
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="base seed; every key derives from it (default 0)"
    )
    parser.add_argument(
        "--seeds", type=int, default=None, help="number of seeds/repeats (default: the profile's)"
    )
    parser.add_argument(
        "--device",
        choices=("auto", "cpu", "gpu"),
        default="auto",
        help="where JAX runs (default: auto); gpu stops at once if there is none",
    )
    parser.add_argument(
        "--publish",
        action="store_true",
        help="publish a paper run into site/results even from a modified tree (recorded)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="runs made of jobs (alexnet, adversarial): jobs trained side by side, one thread "
        "each on a CPU (default: one per core; 2 single-thread workers train 1.6x faster than "
        "1 two-thread one on a 2-core CPU)",
    )
    parser.add_argument(
        "--stop-after",
        default=None,
        metavar="DURATION",
        help="runs made of jobs (alexnet, adversarial): stop at the last epoch boundary before "
        "DURATION (2h, 90m, 1h30m) with every state saved; the same command continues",
    )
    if out:
        parser.add_argument(
            "--out",
            type=Path,
            default=None,
            metavar="PATH",
            help="write the results to PATH and the figures to figures/NAME/ beside it "
            "(default: site/results/NAME.json for a paper run with the default seeds from a "
            "clean tree, else runs/NAME/<UTC time>-<profile>-seed<S>/NAME.json)",
        )


def parse_duration(text: str) -> float:
    """``90m``, ``2h``, ``1h30m``, ``45s`` or plain seconds -> seconds."""
    units = {"h": 3600, "m": 60, "s": 1}
    total, number = 0.0, ""
    try:
        for char in text.strip().lower():
            if char.isdigit() or char == ".":
                number += char
            else:
                total += float(number) * units[char]
                number = ""
        total += float(number) if number else 0.0
    except (KeyError, ValueError):
        raise HypeError(
            f"--stop-after {text!r} is not a duration", "write it as 2h, 90m, 1h30m or seconds"
        ) from None
    if not math.isfinite(total) or total <= 0:
        raise HypeError(f"--stop-after must be positive, got {text!r}", "e.g. --stop-after 2h")
    return total


JOB_OPTIONS = ("--stop-after", "--workers")  # only for the replications run as jobs


def check_run_options(
    replication: Replication,
    *,
    profile: str,
    seed: int,
    seeds: int | None,
    workers: int | None,
    stop_after: str | None,
) -> None:
    """The checks of a run's options that need nothing installed, made by the CLI before any
    work and by nox before it installs anything: the profile exists, the seeds are in range,
    ``--workers`` is positive, ``--stop-after`` is a duration and both of these are given only
    to a replication run as jobs. Raises ``HypeError``."""
    profiles = profile_names(replication)
    if profile not in profiles:
        raise HypeError(
            f"unknown profile {profile!r} for {replication.name}",
            f"choose one of: {', '.join(profiles)}",
        )
    if not 0 <= seed < 2**32:  # jax.random.key keeps 32 bits of a seed
        raise HypeError(
            f"--seed must be in 0 .. 2**32 - 1, got {seed}", "pass a smaller non-negative integer"
        )
    if seeds is not None and seeds < 1:
        raise HypeError(f"--seeds must be >= 1, got {seeds}", "pass a positive integer")
    if workers is not None and workers < 1:
        raise HypeError(f"--workers must be >= 1, got {workers}", "pass a positive integer")
    if stop_after is not None:
        parse_duration(stop_after)
    if (stop_after is not None or workers is not None) and not runs_as_jobs(replication):
        option = "--stop-after" if stop_after is not None else "--workers"
        with_jobs = ", ".join(r.name for r in all_replications() if runs_as_jobs(r))
        raise HypeError(
            f"{option} is for the replications run as resumable jobs ({with_jobs}); "
            f"{replication.name} runs in one go",
            f"drop {option}",
        )


def without_job_options(options: list[str]) -> list[str]:
    """``options`` less ``--stop-after``/``--workers`` and their values (either spelling:
    ``--workers 2`` or ``--workers=2``), for a replication that runs in one go."""
    kept, skip = [], False
    for option in options:
        if skip:
            skip = False
        elif option in JOB_OPTIONS:
            skip = True
        elif not option.startswith(tuple(f"{o}=" for o in JOB_OPTIONS)):
            kept.append(option)
    return kept


def times_text() -> str:
    """Each replication's measured time per profile, one line per profile."""
    lines = [
        "replications and the measured time of each profile (published: site/results/NAME.json;",
        "  yours: your latest run of it in runs/):",
    ]
    for r in all_replications():
        for number, (profile, time) in enumerate(profile_times(r).items()):
            head = f"{r.name:17}{r.year}" if number == 0 else ""
            lines.append(f"  {head:23}{profile:7}{time}")
    return "\n".join(lines)


def epilog(nox: bool = False) -> str:
    """The help's closing text: times, profiles, variables, examples in the caller's form."""

    def run(name: str, options: str = "") -> str:
        if nox:
            return f"nox -s replicate-{name}" + (f" -- {options}" if options else "")
        return f"python -m shared.cli replicate {name}" + (f" {options}" if options else "")

    compare = "nox -s compare --" if nox else "python -m shared.cli compare"
    examples = [
        (run("xor", "--profile smoke"), "scaled down, into runs/"),
        (run("perceptron"), "paper scale: publishes from a clean tree"),
        (run("alexnet", "--device gpu"), "stops at once without a GPU"),
        (run("xor", "--out /tmp/xor.json"), "results (and figures/) there"),
        (f"{compare} site/results/svm.json runs/svm/<run>/svm.json", ""),
    ]
    width = max(len(command) for command, why in examples if why) + 2
    lines = [
        times_text(),
        "",
        PROFILES,
        "",
        help_text(),
        "examples:",
        *(f"  {command:{width}}# {why}" if why else f"  {command}" for command, why in examples),
    ]
    return "\n".join(lines)


def nox_parser(session: str, *, out: bool = True) -> argparse.ArgumentParser:
    """The parser of ``nox -s SESSION -- ...``: the CLI's options, the help in nox's form; a
    bad option raises ``argparse.ArgumentError`` (nox reports it in one line)."""
    parser = argparse.ArgumentParser(
        prog=f"nox -s {session} --",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Run a replication and print its claims table with verdicts.",
        epilog=epilog(nox=True),
        exit_on_error=False,
    )
    add_run_options(parser, out=out)
    return parser
