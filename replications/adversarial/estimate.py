"""How long the adversarial ``paper`` profile's models take on this machine, measured before
the run (Issue 28): one epoch of each job timed (``jobs.epoch_seconds``), then the profile's
hours between the fewest epochs its stopping rules allow and its caps.

    python -m replications.adversarial.estimate [--profile paper] [--steps 50]

Each job's stopping rule needs at least ``patience`` epochs after its best, and stops at
``max_epochs`` at most; a retraining stage adds up to the first stage's epochs again. The
range is wide because the rules decide; the run's own progress line (``shared.jobs.Progress``)
replaces it with measured job times as jobs finish.
"""

from __future__ import annotations

import argparse
import json

import jax

from replications.adversarial.config import PROFILES
from replications.adversarial.experiment import mnist
from replications.adversarial.jobs import Bench, epoch_seconds, model_jobs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", default="paper", choices=sorted(PROFILES))
    parser.add_argument("--steps", type=int, default=50, help="updates timed per job")
    args = parser.parse_args()
    config = PROFILES[args.profile]()
    data = mnist(config)
    bench = Bench(data, jax.random.key(0), folder=None, threads=None)  # type: ignore[arg-type]
    jobs = model_jobs(config)
    by_name = {job.name: job for job in jobs}
    rows, low, high = [], 0.0, 0.0
    for job in jobs:
        seconds = epoch_seconds(job, bench, by_name, args.steps)
        epoch = seconds["train"] + seconds["monitor"]
        recipe = job.recipe
        fewest = recipe.patience + 1 if recipe.monitor != "none" else recipe.max_epochs
        retrain = 2 if recipe.retrain != "none" else 1
        low += fewest * epoch
        high += recipe.max_epochs * epoch * retrain
        rows.append({"job": job.file, **seconds, "epochs": [fewest, recipe.max_epochs * retrain]})
        print(
            f"{job.file:<22} {seconds['train']:8.1f} s/epoch training, {seconds['monitor']:6.1f} s "
            f"monitor; {fewest}..{recipe.max_epochs * retrain} epochs",
            flush=True,
        )
    print(
        f"the profile's models: {low / 3600:.1f} to {high / 3600:.1f} h of one core-set like this"
    )
    print(json.dumps({"profile": args.profile, "jobs": rows, "hours": [low / 3600, high / 3600]}))


if __name__ == "__main__":
    main()
