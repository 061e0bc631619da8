"""Command line: ``python -m shared.cli replicate NAME --profile paper --seed 0``.

Subcommands:

- ``replicate NAME``: run a replication, grade its claims, write the results file
  (``paper`` -> ``site/results/NAME.json``; other profiles -> ``runs/PROFILE/NAME.json``)
  and its figures, and print the claims table;
- ``report``: write the site's generated fragments from ``site/results/*.json``;
- ``list``: the replications and their profiles.

Every error a user can fix is one line on stderr and a non-zero exit.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shlex
import sys
import time
from pathlib import Path
from typing import Any

from shared.errors import HypeError
from shared.registry import FIGURES_DIR, RESULTS_DIR, ROOT, Replication, all_replications, get


def profiles_of(replication: Replication) -> dict[str, Any]:
    return replication.module("config").PROFILES


def make_config(replication: Replication, profile: str, n_seeds: int | None) -> Any:
    profiles = profiles_of(replication)
    if profile not in profiles:
        raise HypeError(f"unknown profile {profile!r} for {replication.name}",
                        f"choose one of: {', '.join(profiles)}")
    config = profiles[profile]()
    if n_seeds is not None:
        if not hasattr(config, "seeds"):
            raise HypeError(f"{replication.name} has no seed count to set", "drop --seeds")
        config = dataclasses.replace(config, seeds=n_seeds)
    return config


def default_paths(replication: Replication, profile: str) -> tuple[Path, Path]:
    """Where results and figures go: only the `paper` profile feeds the site."""
    if profile == "paper":
        return RESULTS_DIR / f"{replication.name}.json", FIGURES_DIR / replication.name
    run_dir = ROOT / "runs" / profile
    return run_dir / f"{replication.name}.json", run_dir / "figures" / replication.name


def replicate(name: str, profile: str = "paper", seed: int = 0, n_seeds: int | None = None,
              out: Path | None = None, quiet: bool = False) -> dict[str, Any]:
    """Run one replication end to end and write its results file atomically."""
    from shared.claims import load_claims
    from shared.provenance import collect
    from shared.results import build_results, write_results

    replication = get(name)
    if seed < 0:
        raise HypeError(f"--seed must be >= 0, got {seed}", "pass a non-negative integer")
    if n_seeds is not None and n_seeds < 1:
        raise HypeError(f"--seeds must be >= 1, got {n_seeds}", "pass a positive integer")
    claims = load_claims(replication.claims_file)
    config = make_config(replication, profile, n_seeds)
    results_path, figures_dir = default_paths(replication, profile)
    if out is not None:
        results_path, figures_dir = out, out.parent / "figures" / replication.name

    start = time.perf_counter()
    measured = replication.module("experiment").run(config, seed=seed)
    stages = {**measured.stages, "total": time.perf_counter() - start}
    command = f"nox -s {replication.session} -- --profile {profile} --seed {seed}"
    if n_seeds is not None:
        command += f" --seeds {n_seeds}"
    provenance = collect(name=replication.name, profile=profile, seed=seed, n_seeds=getattr(config, "seeds", None),
                         command=command, datasets=measured.datasets, stages=stages)
    provenance["config"] = dataclasses.asdict(config) if dataclasses.is_dataclass(config) else repr(config)
    results = build_results(replication.name, profile, claims, measured, provenance)
    # An optional module is looked up by file, so an import error inside it is not mistaken for its absence.
    if replication.has("figures"):
        drawn = replication.module("figures").make_figures(results, figures_dir)
        results["figures"] = {path.name: caption for path, caption in sorted(drawn.items())}
    write_results(results_path, results)
    if not quiet:
        print_claims(results, results_path)
    return results


def print_claims(results: dict[str, Any], path: Path) -> None:
    from rich.console import Console
    from rich.table import Table

    from shared.report import format_ours, format_paper

    colours = {"reproduced": "green", "partly": "yellow", "not reproduced": "red", "not run": "dim"}
    table = Table(title=f"{results['replication']} ({results['profile']} profile)")
    for column in ("claim", "paper", "ours", "criterion", "verdict"):
        table.add_column(column)
    for row in results["claims"]:
        verdict = row["verdict"]
        flag = " (paper value uncertain)" if row["confidence"] == "uncertain" else ""
        table.add_row(row["id"] + flag, format_paper(row), format_ours(row), row["criterion"],
                      f"[{colours[verdict]}]{verdict}[/]")
    console = Console()
    console.print(table)
    seconds = results["provenance"]["wall_seconds"]["total"]
    console.print(f"wrote {os.path.relpath(path)} in {seconds:.1f} s "
                  f"on {results['provenance']['device']['kind']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shared.cli", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("replicate", help="run a replication and write its results")
    run.add_argument("name", help="replication name, e.g. perceptron or random-forest")
    run.add_argument("--profile", default="paper", help="paper (the paper's scale) or smoke (seconds)")
    run.add_argument("--seed", type=int, default=0, help="base seed; every key derives from it (default 0)")
    run.add_argument("--seeds", type=int, default=None, help="number of seeds/repeats (default: the profile's)")
    run.add_argument("--out", type=Path, default=None, help="results path (default: by profile)")
    commands.add_parser("report", help="write the site's generated fragments from site/results")
    commands.add_parser("list", help="list replications and profiles")
    args = parser.parse_args(argv)

    try:
        if args.command == "replicate":
            replicate(args.name, args.profile, args.seed, args.seeds, args.out)
        elif args.command == "report":
            from shared.report import write_site_fragments

            for path in write_site_fragments():
                print(os.path.relpath(path))
        else:
            for r in all_replications():
                print(f"{r.name:16} {r.year}  {r.paper}  (paper profile: ~{r.cpu_minutes:g} min CPU, "
                      f"~{r.gpu_minutes:g} min GPU)  nox -s {r.session}")
    except HypeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: the previous results file is untouched", file=sys.stderr)
        return 130
    except Exception as error:  # a bug, not a user error: one line unless asked for more
        if os.environ.get("HYPE_DEBUG"):
            raise
        print(f"internal error: {type(error).__name__}: {error} "
              f"(re-run with HYPE_DEBUG=1 for the traceback; command: {shlex.join(sys.argv)})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
