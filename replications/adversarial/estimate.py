"""How long the adversarial ``paper`` profile's models take on this machine, measured before
the run (Issue 28): one epoch of each job timed (``jobs.epoch_seconds``), then the profile's
hours between the fewest epochs its stopping rules allow and its caps.

    python -m replications.adversarial.estimate [--profile paper] [--steps 50] [--publish]

Each job's stopping rule needs at least ``patience`` epochs after its best, and stops at
``max_epochs`` at most; a retraining stage adds up to the first stage's epochs again. The
range is wide because the rules decide; the run's own progress line (``shared.jobs.Progress``)
replaces it with measured job times as jobs finish. Each job is timed on ``--threads`` cores
(default 1, as each of the run's two workers computes). The record goes to
``runs/estimates/adversarial-<profile>.json``, or with ``--publish`` (from a clean tree) to
``site/results/estimates/``, where ``nox -l``, the help and the page read it
(``shared.runtimes``). The CIFAR-10 maxout net is not timed here: on a CPU its stage says it
needs a GPU, with its own measured time (``cifar.needs_gpu``).
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime

from shared.destinations import RUNS_DIR
from shared.environment import check_environment
from shared.errors import HypeError
from shared.registry import RESULTS_DIR
from shared.results import write_results
from shared.runtimes import estimate_path


def main(argv: list[str] | None = None) -> int:
    from replications.adversarial.config import PROFILES

    parser = argparse.ArgumentParser(
        prog="python -m replications.adversarial.estimate", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--profile", default="paper", choices=sorted(PROFILES))
    parser.add_argument("--steps", type=int, default=50, help="updates timed per job")
    parser.add_argument("--threads", type=int, default=1, help="cores per job (the run's: 1)")
    parser.add_argument("--publish", action="store_true", help="write into site/results/")
    args = parser.parse_args(argv)
    try:
        check_environment()
        from shared.jobs import pin_threads
        from shared.xla import configure

        configure("cpu")
        pin_threads(args.threads)  # before JAX computes: a worker's cores
        record = measure(args.profile, args.steps, args.threads)
        if args.publish and record["provenance"]["git"]["dirty"] is not False:
            raise HypeError(
                "--publish needs a clean tree (the code that was timed must be a commit)",
                "commit or stash your changes, then re-run",
            )
        folder = RESULTS_DIR if args.publish else RUNS_DIR
        path = estimate_path("adversarial", args.profile, folder)
        write_results(path, record)
        print(f"wrote {os.path.relpath(path)}")
    except HypeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


def measure(profile: str, steps: int, threads: int) -> dict:
    """Time one epoch of every model job of ``profile`` and sum the profile's job hours."""
    import jax

    from replications.adversarial.config import PROFILES
    from replications.adversarial.experiment import mnist
    from replications.adversarial.jobs import Bench, epoch_seconds, model_jobs
    from shared.provenance import device_info, git_state, package_versions

    config = PROFILES[profile]()
    data = mnist(config)
    bench = Bench(data, jax.random.key(0), folder=None, threads=None)  # type: ignore[arg-type]
    jobs = model_jobs(config)
    by_name = {job.name: job for job in jobs}
    rows, low, high = [], 0.0, 0.0
    for job in jobs:
        seconds = epoch_seconds(job, bench, by_name, steps)
        epoch = seconds["train"] + seconds["monitor"]
        recipe = job.recipe
        # a rule stops after ``patience`` epochs without a new best, and at ``max_epochs``
        fewest = (
            min(recipe.patience + 1, recipe.max_epochs)
            if recipe.monitor != "none"
            else recipe.max_epochs
        )
        most = recipe.max_epochs * (2 if recipe.retrain != "none" else 1)
        low += fewest * epoch
        high += most * epoch
        rows.append({"job": job.file, **seconds, "epochs": [fewest, most]})
        print(
            f"{job.file:<22} {seconds['train']:8.1f} s/epoch training, {seconds['monitor']:6.1f} s "
            f"monitor; {fewest}..{most} epochs",
            flush=True,
        )
    print(f"the profile's models: {low / 3600:.1f} to {high / 3600:.1f} h of jobs")
    return {
        "schema": 1,
        "replication": "adversarial",
        "profile": profile,
        "estimate": {
            "job_hours": [round(low / 3600, 2), round(high / 3600, 2)],
            "cpu_threads_per_job": threads,
            "steps_timed_per_job": steps,
            "jobs": rows,
            "not_timed": (
                "the CIFAR-10 maxout net, whose stage needs a GPU: on a CPU the run times a "
                "step of it and its claims give the hours it would take"
            ),
            "load_average_1_5_15_min": list(os.getloadavg()),
            "measured_utc": datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
        },
        "provenance": {
            "git": git_state("replications/adversarial"),
            "versions": package_versions(),
            "device": device_info(),
        },
    }


if __name__ == "__main__":
    sys.exit(main())
