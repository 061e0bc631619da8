"""What a run records beside its tables: the wall time of each stage and every data file used.

``experiment.run(config, key=...)`` returns its tables and nothing else. The CLI opens one
:func:`recording` around it; inside, the loaders of ``shared.datasets`` add the sha256 of each
file they read (:func:`used`) and the experiment times its stages (``with stage("train"):``).
Both reach the provenance record of the results file. Outside a recording (a test calling
``run`` directly) they cost nothing and keep nothing.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass
class RunRecord:
    """``datasets``: data file -> sha256 of its content; ``stages``: wall seconds per stage;
    ``jobs``: per stage of a long run, its finished jobs (``shared.jobs``: key, commit, clean
    tree, device, threads, wall time)."""

    datasets: dict[str, str] = field(default_factory=dict)
    stages: dict[str, float] = field(default_factory=dict)
    jobs: dict[str, list[dict]] = field(default_factory=dict)


_current: ContextVar[RunRecord | None] = ContextVar("hype_run_record", default=None)


@contextmanager
def recording() -> Iterator[RunRecord]:
    """Collect what the code inside uses and how long its stages take."""
    record = RunRecord()
    token = _current.set(record)
    try:
        yield record
    finally:
        _current.reset(token)


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Add the wall time of the block to stage ``name`` (stages entered twice add up)."""
    start = time.perf_counter()
    try:
        yield
    finally:
        record = _current.get()
        if record is not None:
            record.stages[name] = record.stages.get(name, 0.0) + time.perf_counter() - start


def used(sha256: Mapping[str, str]) -> None:
    """Note data files read by the run (``{file: sha256 of its content}``)."""
    record = _current.get()
    if record is not None:
        record.datasets.update(sha256)


def note_jobs(stage_name: str, jobs: list[dict]) -> None:
    """Note the finished jobs of a stage of a long run (their provenance)."""
    record = _current.get()
    if record is not None:
        record.jobs[stage_name] = jobs
