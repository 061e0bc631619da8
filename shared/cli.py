"""Command line of History of Hype (``nox`` sessions call it; it also runs on its own).

Every error a user can fix is one line on stderr and exit 2; a bug is one line and exit 1
(``HYPE_DEBUG=1`` shows the traceback).
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import os
import shlex
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shared.environment import check_environment
from shared.errors import HypeError
from shared.jobs import controlled
from shared.registry import Replication, all_replications, get
from shared.run_options import (
    SCALED_DOWN,
    add_run_options,
    check_run_options,
    epilog,
    parse_duration,
)
from shared.runtimes import profile_times

if TYPE_CHECKING:
    from shared.claims import Measurement
    from shared.record import RunRecord

NEEDED = (
    "jax",
    "flax",
    "optax",
    "numpy",
    "scipy",
    "sklearn",
    "pooch",
    "matplotlib",
    "rich",
    "tqdm",
)
INSTALL = (
    "install the project first: `pip install -e .` in the repository (or run through nox: "
    "`pip install nox uv`, then `nox -s replicate-xor`)"
)


def missing_packages() -> list[str]:
    return [name for name in NEEDED if importlib.util.find_spec(name) is None]


def profiles_of(replication: Replication) -> dict[str, Any]:
    return replication.module("config").PROFILES


def make_config(replication: Replication, profile: str, n_seeds: int | None) -> Any:
    profiles = profiles_of(replication)
    if profile not in profiles:
        raise HypeError(
            f"unknown profile {profile!r} for {replication.name}",
            f"choose one of: {', '.join(profiles)}",
        )
    config = profiles[profile]()
    if n_seeds is not None:
        if not hasattr(config, "seeds"):
            raise HypeError(f"{replication.name} has no seed count to set", "drop --seeds")
        config = dataclasses.replace(config, seeds=n_seeds)
    return config


def check_device(device: str, session: str = "replicate-NAME") -> None:
    """``--device gpu`` without a usable GPU stops here, before any work; ``session`` is the nox
    session that installs the CUDA build for this replication."""
    if device != "gpu":
        return
    import jax

    try:
        gpus = jax.devices("gpu")
    except Exception as error:  # RuntimeError, or (jax 0.10, no CUDA plugin) a bare AssertionError
        gpus, reason = [], (str(error).splitlines() or [""])[0][:160]
        if not reason:  # say what the empty message means, where we can tell
            cuda = any(importlib.util.find_spec(f"jax_cuda{v}_plugin") for v in (12, 13))
            reason = type(error).__name__ if cuda else "the CUDA build of JAX is not installed"
    else:
        reason = "JAX sees none"
    if not gpus:
        raise HypeError(
            f"--device gpu, but no GPU is usable ({reason})",
            "drop --device gpu to run on the CPU, or install the CUDA build of JAX "
            f"(nox does: `nox -s {session} -- --device gpu`)",
        )


def long_run_control(
    replication: Replication,
    config: Any,
    profile: str,
    seed: int,
    n_seeds: int | None,
    workers: int | None,
    stop_after: str | None,
    device: str,
    *,
    clean_only: bool,
) -> Any:
    """How a replication made of keyed jobs (``shared.jobs``) runs: its state folder
    (``state/<name>/<profile>-seed<S>``; none for a profile that keeps no state, e.g. smoke),
    the workers (default: one per core on a CPU, each with one thread; one on a GPU) and when
    to stop (the options themselves were checked by ``check_run_options``)."""
    from shared.jobs import Budget, Control, cpu_threads, state_root

    stop_at = time.time() + parse_duration(stop_after) if stop_after is not None else None
    # A profile keeps state when its config says so (alexnet's ``checkpoint``) or its config
    # module lists it in ``KEEPS_STATE`` (adversarial: a field added to its Config would make
    # the published run's stored config differ from its profile's).
    listed = getattr(replication.module("config"), "KEEPS_STATE", ())
    keeps_state = getattr(config, "checkpoint", False) or profile in listed
    on_gpu = device == "gpu" or (device == "auto" and _default_backend() != "cpu")
    if on_gpu:
        workers, threads = 1, None
    elif workers is None and not keeps_state:
        workers, threads = 1, None  # a short profile runs its jobs here
    else:
        workers, threads = workers or cpu_threads(), 1
    state = None
    if keeps_state:
        suffix = f"-seeds{n_seeds}" if n_seeds is not None else ""
        state = state_root() / replication.name / f"{profile}-seed{seed}{suffix}"
    return Control(
        workers=workers,
        threads=threads,
        budget=Budget(stop_at),
        state=state,
        clean_only=clean_only,
    )


def _default_backend() -> str:
    import jax

    return jax.default_backend()


def run_and_measure(
    replication: Replication, config: Any, seed: int
) -> tuple[dict[str, Any], dict[str, Measurement], RunRecord]:
    """The contract every replication keeps: ``experiment.run(config, key=jax.random.key(seed))``
    returns its tables (the declared ``tables.Tables``), then ``measure.measure(tables)`` computes
    every claim's measurement from those tables alone, as they will read back from the results
    file. Returns (tables, measurements, the run's record of stage times and data files)."""
    import jax

    from shared.record import recording
    from shared.results import json_ready

    experiment = replication.module("experiment")
    with recording() as record:
        tables = json_ready(experiment.run(config, key=jax.random.key(seed)))
    return tables, replication.module("measure").measure(tables), record


def replicate(
    name: str,
    profile: str = "paper",
    seed: int = 0,
    n_seeds: int | None = None,
    out: Path | None = None,
    quiet: bool = False,
    publish: bool = False,
    device: str = "auto",
    workers: int | None = None,
    stop_after: str | None = None,
) -> dict[str, Any]:
    """Run one replication end to end, write its results file atomically and draw its figures
    beside it (``where.figures``). The site does not read those figures: its build draws every
    figure again from the published results file (``report``), so a caption or colour changed
    later needs no re-run."""
    replication = get(name)
    check_run_options(
        replication,
        profile=profile,
        seed=seed,
        seeds=n_seeds,
        workers=workers,
        stop_after=stop_after,
    )
    check_device(device, replication.session)  # before JAX starts on whatever device there is

    from shared import destinations
    from shared.claims import load_claims
    from shared.datasets.needs import require
    from shared.provenance import collect, git_state
    from shared.results import build_results, write_results

    claims = load_claims(replication.claims_file)
    config = make_config(replication, profile, n_seeds)
    git = git_state(f"replications/{replication.name}")
    where = destinations.choose(
        replication,
        profile=profile,
        seed=seed,
        n_seeds=n_seeds,
        dirty=git["dirty"],
        publish=publish,
        out=out,
    )
    destinations.check_writable(where.results.parent, where.figures)
    ctl = long_run_control(
        replication,
        config,
        profile,
        seed,
        n_seeds,
        workers,
        stop_after,
        device,
        clean_only=where.published and not git["dirty"],
    )
    experiment = replication.module("experiment")
    require(experiment.datasets(config))  # missing or corrupt data stops the run here

    start = time.perf_counter()
    with controlled(ctl):
        tables, measured, record = run_and_measure(replication, config, seed)
    stages = {**record.stages, "total": time.perf_counter() - start}
    command = f"nox -s {replication.session} -- --profile {profile} --seed {seed}"
    if n_seeds is not None:
        command += f" --seeds {n_seeds}"
    provenance = collect(
        name=replication.name,
        profile=profile,
        seed=seed,
        n_seeds=getattr(config, "seeds", None),
        command=command,
        datasets=record.datasets,
        stages=stages,
    )
    provenance["config"] = (
        dataclasses.asdict(config) if dataclasses.is_dataclass(config) else repr(config)
    )
    if record.jobs:
        provenance["jobs"] = record.jobs
        provenance["state"] = os.path.relpath(ctl.state) if ctl.state else None
        provenance["workers"] = ctl.workers
    results = build_results(replication.name, profile, claims, tables, measured, provenance)
    where = destinations.hold_back(replication, where, results)  # needs the measured claims
    results["provenance"]["published"] = where.published
    write_results(where.results, results)
    # Figures are drawn from the results alone, after they are written (a failure here never
    # loses the numbers), beside them so a user sees them at once; the file is not touched
    # again. The site never uses these: `python -m shared.cli report` draws its own.
    drawn = replication.has("figures")
    if drawn:
        replication.module("figures").make_figures(results, where.figures)
    if not quiet:
        print_claims(results, where.results, where.reason, where.figures if drawn else None)
    return results


def print_claims(
    results: dict[str, Any], path: Path, reason: str = "", figures: Path | None = None
) -> None:
    """The claims table, readable at 80 columns: ids never cut, the criterion wraps; a scaled-down
    profile's table says under it that its verdicts mean nothing for the paper; then where the
    results (and the figures, when drawn) went."""
    from rich.console import Console
    from rich.table import Table

    from shared.display import format_ours, format_paper

    colours = {
        "reproduced": "green",
        "partly": "yellow",
        "not reproduced": "red",
        "inconclusive": "magenta",
        "not run": "dim",
    }
    widest = max((len(row["id"]) for row in results["claims"]), default=5)
    profile = results["profile"]
    table = Table(
        title=f"{results['replication']} ({profile} profile)",
        caption=None if profile == "paper" else SCALED_DOWN.format(profile=profile),
        caption_justify="left",
        expand=False,
    )
    table.add_column("claim", no_wrap=True, min_width=widest)
    table.add_column("paper", overflow="fold")
    table.add_column("ours", overflow="fold")
    table.add_column("criterion", overflow="fold", ratio=1)
    table.add_column("verdict", no_wrap=True)
    for row in results["claims"]:
        verdict = row["verdict"]
        flag = " *" if row["confidence"] == "uncertain" else ""
        table.add_row(
            row["id"] + flag,
            format_paper(row),
            format_ours(row),
            row["criterion"],
            f"[{colours[verdict]}]{verdict}[/]",
        )
    console = Console()
    console.print(table)
    if any(row["confidence"] == "uncertain" for row in results["claims"]):
        console.print("* the paper's value is uncertain (recalled or disputed)")
    seconds = results["provenance"]["wall_seconds"]["total"]
    console.print(
        f"wrote {os.path.relpath(path)} in {seconds:.1f} s on "
        f"{results['provenance']['device']['kind']}" + (f" ({reason})" if reason else "")
    )
    if figures is not None:
        console.print(f"figures in {os.path.relpath(figures)}/")


def compare_command(first: Path, second: Path, force: bool = False) -> int:
    """Exit 1 when a verdict changed; files of another profile or seed count are refused (exit
    2) unless ``force``."""
    from shared.compare import compare, print_comparison

    comparison = compare(first, second)
    if comparison.not_comparable and not force:
        raise HypeError(
            f"A and B differ in {comparison.describe(comparison.not_comparable)}: their numbers "
            "are not at one scale",
            "compare runs of one profile and seed count, or pass --force",
        )
    print_comparison(comparison)
    return 1 if comparison.changed else 0


def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(
        prog="python -m shared.cli",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Re-run landmark machine-learning papers and grade their claims.",
        epilog=epilog(),
    )
    commands = main_parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = commands.add_parser(
        "replicate",
        help="run a replication and write its results",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=epilog(),
    )
    run.add_argument("name", help="replication name, e.g. perceptron or random-forest")
    add_run_options(run)
    compare = commands.add_parser(
        "compare",
        help="compare two results files claim by claim (exit 1 if a verdict changes)",
    )
    compare.add_argument("first", type=Path)
    compare.add_argument("second", type=Path)
    compare.add_argument(
        "--force",
        action="store_true",
        help="compare files of different profiles or seed counts (refused otherwise)",
    )
    report = commands.add_parser(
        "report", help="write the site's generated fragments and draw its figures from site/results"
    )
    report.add_argument("--verbose", action="store_true", help="list every file written")
    commands.add_parser("list", help="the replications, their commands and measured run times")
    return main_parser


def main(argv: list[str] | None = None) -> int:
    args, unknown = parser().parse_known_args(argv)
    if unknown:  # argparse would name the top-level usage, not the command's own options
        print(
            f"error: unknown option(s) for {args.command}: {' '.join(unknown)} "
            f"(see `python -m shared.cli {args.command} --help`)",
            file=sys.stderr,
        )
        return 2
    try:
        check_environment()
        if args.command in ("replicate", "compare", "report") and (missing := missing_packages()):
            raise HypeError(
                f"the project's dependencies are not installed ({', '.join(missing)} missing)",
                INSTALL,
            )
        if args.command == "replicate":
            from shared import compile_cache
            from shared.xla import configure

            compile_cache.configure()  # before JAX starts: it reads these settings once
            configure(args.device)  # before JAX starts: XLA reads its flags once
            replicate(
                args.name,
                args.profile,
                args.seed,
                args.seeds,
                args.out,
                publish=args.publish,
                device=args.device,
                workers=args.workers,
                stop_after=args.stop_after,
            )
        elif args.command == "compare":
            return compare_command(args.first, args.second, args.force)
        elif args.command == "report":
            # The one import of the site half (website/) from here, made only for this command:
            # nothing that runs a replication depends on it (tests/test_layout.py holds this).
            from website.report import report_command

            report_command(args.verbose)
        else:
            for r in all_replications():
                times = "; ".join(f"{p} {t}" for p, t in profile_times(r).items())
                print(f"{r.name:17}{r.year}  {r.paper}\n{'':22}nox -s {r.session}  ({times})")
    except HypeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader went away (e.g. `| head`): nothing left to say
        return 0
    except KeyboardInterrupt:
        print(
            "interrupted: the previous results file is untouched (a long run's finished jobs "
            "and last epoch are kept in state/: the same command continues)",
            file=sys.stderr,
        )
        return 130
    except Exception as error:  # a bug, not a user error: one line unless asked for more
        if os.environ.get("HYPE_DEBUG") == "1":
            raise
        print(
            f"internal error: {type(error).__name__}: {error} "
            f"(re-run with HYPE_DEBUG=1 for the traceback; command: {shlex.join(sys.argv)})",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
