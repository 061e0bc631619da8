"""``nox -s bench``: each replication's ``bench.py`` measures us against the peer a user
would pick instead (PyTorch, scikit-learn) in the same run, and reports the ratio.

A replication opts in with ``replications/<name>/bench.py`` defining ``run() -> dict``
(JSON-serialisable, with the device and the load average) whose ``ratios`` list holds one row
per comparison: ``what``, ``ours`` and ``peer`` in ``unit``, ``peer_name`` (with its version and
threads), ``ratio`` (our speed over the peer's: above 1 we are faster) and, for a number not
measured in full, ``extrapolated: true``. The site's performance page shows those rows.
The results go to ``runs/bench/<name>-<device>.json`` with provenance; ``--publish`` writes them to
``site/results/bench/<name>-<device>.json`` instead (the site's performance numbers, one file
per device kind). Nothing here is a timed test.

JAX's persistent compilation cache is off here (``shared.compile_cache``), so a figure that
includes our compilation is a first run's, whatever ran before; each record says which those are.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from shared import compile_cache
from shared.destinations import RUNS_DIR
from shared.environment import check_environment
from shared.errors import HypeError
from shared.registry import RESULTS_DIR, all_replications, get
from shared.results import write_results
from shared.xla import configure

COMPILATION = (
    "our compilation is included only where a figure says so (a key ending in _with_compile, a "
    "ratio row 'our compilation included'), measured with the persistent compilation cache off, "
    "as a first run pays it; every other figure is of programs already compiled"
)


def alternating_rounds(
    works: dict[str, Callable[[], Any]], rounds: int
) -> tuple[dict[str, float], dict[str, list[float]], dict[str, Any]]:
    """Each of ``works`` timed ``rounds`` times, the works taking turns within a round (so other
    work on a shared machine slows every side alike): each one's median seconds, every round's
    seconds, and what its last round returned."""
    measured: dict[str, list[float]] = {name: [] for name in works}
    last: dict[str, Any] = {}
    for _ in range(rounds):
        for name, work in works.items():
            start = time.perf_counter()
            last[name] = work()
            measured[name].append(time.perf_counter() - start)
    median = {name: statistics.median(values) for name, values in measured.items()}
    return median, measured, last


def seconds_row(what: str, ours: float, peer: float, peer_name: str) -> dict[str, Any]:
    """One ``ratios`` row of times in seconds: the ratio is the peer's time over ours."""
    return {
        "what": what,
        "ours": ours,
        "peer": peer,
        "unit": "s",
        "peer_name": peer_name,
        "ratio": peer / ours,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shared.bench")
    parser.add_argument(
        "names", nargs="*", help="replications to benchmark (default: all with a bench.py)"
    )
    parser.add_argument(
        "--publish",
        action="store_true",
        help="write into site/results/bench/ (default: runs/bench/)",
    )
    parser.add_argument(
        "--device",
        choices=("auto", "cpu", "gpu"),
        default="auto",
        help="where both sides run (gpu: the CUDA build of JAX, which `nox -s bench -- --device "
        "gpu` installs; PyTorch uses the GPU where JAX does); default: JAX's own choice",
    )
    args = parser.parse_args(argv)
    try:
        check_environment()
        compile_cache.configure(enabled=False)  # before JAX starts: compile stays a first run's
        configure(args.device)  # before JAX starts
        from shared.cli import check_device

        check_device(args.device, "bench")
        from shared.provenance import device_info, git_state, package_versions  # imports JAX

        chosen = [get(n) for n in args.names] if args.names else all_replications()
        for replication in chosen:
            if not replication.has("bench"):
                if args.names:
                    raise HypeError(
                        f"{replication.name} has no benchmark", "drop it from the command"
                    )
                continue
            print(f"== {replication.name}", flush=True)
            measured = replication.module("bench").run()
            measured["measured_utc"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
            measured["compilation"] = COMPILATION
            record = {
                "schema": 1,
                "replication": replication.name,
                "bench": measured,
                "provenance": {
                    "git": git_state(),
                    "versions": package_versions(),
                    "device": device_info(),
                },
            }
            folder = RESULTS_DIR / "bench" if args.publish else RUNS_DIR / "bench"
            path = folder / f"{replication.name}-{record['provenance']['device']['platform']}.json"
            write_results(path, record)
            print(f"wrote {os.path.relpath(path)}")
            print(f"compilation: {COMPILATION}")
            print(json.dumps(measured, indent=1))
    except HypeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
