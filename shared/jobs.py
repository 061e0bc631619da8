"""Long runs as keyed jobs: reused when nothing that decides their numbers changed, resumed
where they stopped, run in parallel, and carried from one session (and machine) to the next.

A *job* is one unit of training (one net, one seed, one recipe). Its **key** is the sha256 of
everything that decides its numbers:

- its own settings (the recipe, the seed key) and the data it reads (a checksum of the arrays);
- the code that computes it: the modules the replication names (for AlexNet its model, its
  training loop, ``shared.training`` and ``shared.xla``), hashed as syntax trees without
  docstrings, so a reworded comment keeps the key and a changed line of code does not;
- the versions of jax, jaxlib, flax and optax, the platform (cpu, gpu), and on a CPU the number
  of threads a job computes with (XLA splits its sums by thread: 1 and 2 threads give different
  float32 results, measured on the four-layer net).

A :class:`JobStore` is one folder holding the run's *state*: ``records/<job>.json`` for every
finished job (its result, key and where, when and how long it ran) and ``checkpoints/<job>.npz``
for a job stopped mid-way (deleted when it finishes). A record is reused only when its key
matches; a checkpoint only when its key matches; anything else is recomputed and the run says
so. The folder is small (JSON plus at most one checkpoint per worker) and is meant to be
committed: ``state/<replication>/<profile>-seed<S>/``, so that a run stopped in one session
continues in the next, on another machine, with the same command.

:func:`run_tasks` runs *tasks* (a task trains one job, or a chain of jobs that depend on each
other) in parallel worker processes through joblib. On a CPU each worker computes with one
thread, pinned to a core of its own: on the 2-core machines of this project two single-thread
workers train 1.6x the images per second of one two-thread process. Any joblib backend works
(``joblib.parallel_config(backend="dask")`` or ``"ray"`` around the call, with the state folder
on a file system every worker sees). A :class:`Budget` stops every job at its next epoch
boundary when the time is up; Ctrl-C leaves the same state (the last epoch's checkpoint).
"""

from __future__ import annotations

import ast
import contextlib
import fcntl
import functools
import hashlib
import importlib.util
import json
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from shared.atomic import atomic_write_bytes
from shared.errors import HypeError
from shared.registry import ROOT

VERSIONED = ("jax", "jaxlib", "flax", "optax")


def state_root() -> Path:
    """Where long runs keep their state (``HYPE_STATE_DIR``, default ``state/`` in the repo)."""
    return Path(os.environ.get("HYPE_STATE_DIR") or ROOT / "state")


def code_digest(modules: Sequence[str]) -> str:
    """sha256 of the named modules' code: each parsed, stripped of docstrings and comments and
    printed back (``ast.unparse``), so only a change to what runs changes the digest."""
    digest = hashlib.sha256()
    for name in sorted(modules):
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            raise HypeError(f"job key: module {name} not found", "fix the replication's JOB_CODE")
        tree = ast.parse(Path(spec.origin).read_text())
        for node in ast.walk(tree):
            body = getattr(node, "body", None)
            if (
                isinstance(body, list)
                and body
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)
            ):
                node.body = body[1:] or [ast.Pass()]  # type: ignore[attr-defined]
        digest.update(f"{name}\n{ast.unparse(tree)}\n".encode())
    return digest.hexdigest()


def cpu_threads() -> int:
    """The cores this process may run on (XLA sizes its CPU thread pool by them)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


@functools.lru_cache(maxsize=8)
def environment(code_modules: tuple[str, ...], threads: int | None) -> dict[str, Any]:
    """The part of every job's key that is not its own settings: the code, the versions, the
    platform and, on a CPU, the threads each job computes with (``threads``; None: this
    process's own)."""
    import jax

    platform = jax.default_backend()
    versions = {}
    for name in VERSIONED:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "code": code_digest(code_modules),
        "versions": versions,
        "platform": platform,
        "cpu_threads": (threads or cpu_threads()) if platform == "cpu" else None,
    }


def job_key(settings: dict[str, Any], data: str, env: dict[str, Any]) -> str:
    """The sha256 of a job's settings, its data's checksum and the environment above."""
    text = json.dumps({"settings": settings, "data": data, "environment": env}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Budget:
    """When a run must stop: ``stop_at`` is a ``time.time()``; None runs to the end.

    ``first_epoch`` is what an epoch is assumed to take when the job asking has not timed one
    in its process yet (a job just started, or resumed in a fresh worker): the run's longest
    measured epoch, so that such a job does not start a long epoch just before the stop."""

    stop_at: float | None = None
    first_epoch: float = 0.0

    def allows(self, seconds: float) -> bool:
        """Whether ``seconds`` more of work end before the stop (a job asks before each epoch,
        giving its last epoch's duration, or 0 when it has none)."""
        if self.stop_at is None:
            return True
        return time.time() + (seconds if seconds > 0 else self.first_epoch) <= self.stop_at

    @property
    def over(self) -> bool:
        return self.stop_at is not None and time.time() > self.stop_at


class JobStore:
    """The state folder of one run (see the module docstring)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def record_path(self, name: str) -> Path:
        return self.folder / "records" / f"{name}.json"

    def checkpoint_path(self, name: str) -> Path:
        return self.folder / "checkpoints" / f"{name}.npz"

    def record(self, name: str) -> dict[str, Any] | None:
        """The stored record of job ``name`` whatever its key, or None."""
        path = self.record_path(name)
        if not path.is_file():
            return None
        try:
            return json.loads(path.read_text())
        except (OSError, ValueError) as error:
            raise HypeError(
                f"job record {path} is unreadable ({error})",
                f"delete {path} to train that job again",
            ) from None

    def finished(self, name: str, key: str) -> dict[str, Any] | None:
        """The record of job ``name`` if it finished with this ``key``; None otherwise (never
        run, or run with other code, data, settings or versions: it will be recomputed)."""
        record = self.record(name)
        return record if record is not None and record["key"] == key else None

    def finish(
        self, name: str, key: str, result: Any, run: dict[str, Any], env: dict[str, Any]
    ) -> dict[str, Any]:
        """Write the job's record atomically, then delete its checkpoint."""
        record = {"name": name, "key": key, "environment": env, "result": result, "run": run}
        atomic_write_bytes(self.record_path(name), json.dumps(record, sort_keys=True).encode())
        self.checkpoint_path(name).unlink(missing_ok=True)
        return record

    def records(self) -> list[dict[str, Any]]:
        folder = self.folder / "records"
        return (
            [json.loads(path.read_text()) for path in sorted(folder.glob("*.json"))]
            if folder.is_dir()
            else []
        )


def checkpoint_meta(path: Path) -> dict[str, Any]:
    """The JSON ``meta`` of a checkpoint (``shared.training.save_checkpoint``), without loading
    its arrays; OSError, ValueError or KeyError where there is none to read."""
    with np.load(path, allow_pickle=False) as saved:
        return json.loads(bytes(saved["meta"]).decode())


def stale_checkpoint(path: Path, key: str) -> bool:
    """Whether a checkpoint (``shared.training.save_checkpoint``) is at ``path`` that another key
    wrote, or that cannot be read: it is never resumed."""
    if not path.is_file():
        return False
    try:
        return checkpoint_meta(path).get("key") != key
    except (OSError, ValueError, KeyError):
        return True


def run_facts() -> dict[str, Any]:
    """Where and from what a job ran: commit, clean tree, device, CPU, the cores it had."""
    import jax

    from shared.provenance import cpu_name, git_state

    git, device = git_state(), jax.devices()[0]
    return {
        "commit": git["commit"],
        "dirty": git["dirty"],
        "platform": device.platform,
        "device": device.device_kind,
        "cpu": cpu_name(),
        "cpu_threads": cpu_threads(),
    }


# -- running tasks in parallel --------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    """One unit of parallel work: ``run(*args, budget=...)`` trains one job or a chain of jobs
    (each recorded in the store as it finishes); ``ready()``, if given, says whether the jobs it
    depends on are finished (both picklable: module-level functions or ``functools.partial``s
    of them)."""

    name: str
    run: Callable[..., Any]
    args: tuple[Any, ...] = ()
    ready: Callable[[], bool] | None = None


def _lock_folder() -> Path:
    folder = Path(tempfile.gettempdir()) / f"hype-cores-{os.getuid()}"
    folder.mkdir(exist_ok=True)
    return folder


_PINNED: list[Any] = []  # the open lock file of the core this process holds


def pin_threads(threads: int) -> None:
    """Limit this process to ``threads`` cores before JAX starts computing, taking cores no other
    worker of ours holds (a lock file per core); with none free, the first ones allowed."""
    if _PINNED or not hasattr(os, "sched_setaffinity"):
        return
    allowed = sorted(os.sched_getaffinity(0))
    if threads >= len(allowed):
        _PINNED.append(None)
        return
    chosen: list[int] = []
    for core in allowed:
        handle = open(_lock_folder() / f"{core}.lock", "w")  # noqa: SIM115 (held for life)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            continue
        _PINNED.append(handle)
        chosen.append(core)
        if len(chosen) == threads:
            break
    if len(chosen) < threads:
        chosen = allowed[:threads]
    os.sched_setaffinity(0, chosen)


def _in_worker(task: Task, threads: int | None, budget: Budget) -> str:
    if threads is not None:
        pin_threads(threads)
    while task.ready is not None and not task.ready():  # dispatched only when nothing else was
        if budget.over:
            return task.name
        time.sleep(5)
    if not budget.over:
        task.run(*task.args, budget=budget)
    return task.name


def _ordered(tasks: list[Task], budget: Budget) -> Iterator[Any]:
    """Tasks in their given order, but a task waiting on others goes after every ready one
    (joblib pulls the next task when a worker frees up)."""
    waiting = list(tasks)
    while waiting and not budget.over:
        task = next((t for t in waiting if t.ready is None or t.ready()), waiting[0])
        waiting.remove(task)
        yield task


@dataclass
class Progress:
    """Jobs finished of the profile's total, and the time left at the measured speed: a job
    left is estimated at the mean wall time of its group's finished jobs (a group, e.g. a
    stage, holds jobs of one kind) less the time its checkpoint says it has trained (never
    below zero), divided among the workers. A job whose result says it stalled or diverged
    is left out of that mean unless all of its group's did: it ended in minutes and says
    nothing of how long a job that trains takes. Where all did, the group's time is a floor
    and the line says "or more"."""

    store: JobStore
    groups: dict[str, str]  # job name -> its group
    workers: int
    started: float = field(default_factory=time.time)  # this run's start (``running``)

    def _finished(self) -> list[dict[str, Any]]:
        """The records of this profile's finished jobs (one read of the state folder)."""
        return [record for record in self.store.records() if record["name"] in self.groups]

    def _mean_seconds(self, finished: list[dict[str, Any]]) -> tuple[dict[str, float], set[str]]:
        """Each group's mean wall time over its ``finished`` job records, the jobs whose result
        says they stalled or diverged left out unless all of the group's did; and the groups
        where all did (their mean is only a floor)."""
        every: dict[str, list[float]] = {}
        trained: dict[str, list[float]] = {}
        for record in finished:
            group, seconds = self.groups[record["name"]], record["run"]["wall_seconds"]
            every.setdefault(group, []).append(seconds)
            result = record.get("result")
            if not (isinstance(result, dict) and (result.get("stalled") or result.get("diverged"))):
                trained.setdefault(group, []).append(seconds)
        means = {}
        for group, values in every.items():
            kept = trained.get(group) or values
            means[group] = sum(kept) / len(kept)
        return means, set(every) - set(trained)

    def done(self) -> int:
        return len(self._finished())

    def running(self) -> str:
        """ "running: a (9 epochs done), b": the jobs that checkpointed since this run started,
        i.e. the ones the workers are on, with the epochs their checkpoint counts (where its
        meta has ``run.epoch``); a job shows up once it has checkpointed in this run."""
        folder = self.store.folder / "checkpoints"
        jobs = []
        for path in sorted(folder.glob("*.npz")) if folder.is_dir() else []:
            try:
                if path.stat().st_mtime < self.started - 2:  # file times may lag the clock
                    continue
                epoch = checkpoint_meta(path)["run"]["epoch"]
                jobs.append(f"{path.stem} ({epoch} epochs done)")
            except (OSError, ValueError, KeyError, TypeError):
                jobs.append(path.stem)  # being replaced this instant, or no epoch count in it
        return f"running: {', '.join(jobs)}" if jobs else ""

    def trained_seconds(self) -> dict[str, float]:
        """The seconds each unfinished job has trained so far, by name, as its checkpoint says
        (``run.seconds`` or ``seconds`` in its meta); a job with no readable count is absent."""
        folder = self.store.folder / "checkpoints"
        seconds: dict[str, float] = {}
        for path in sorted(folder.glob("*.npz")) if folder.is_dir() else []:
            if path.stem not in self.groups:
                continue
            try:
                meta = checkpoint_meta(path)
                value = meta["run"]["seconds"] if "run" in meta else meta["seconds"]
                seconds[path.stem] = float(value)
            except (OSError, ValueError, KeyError, TypeError):
                continue  # being replaced this instant; counted as not started
        return seconds

    def line(self) -> str:
        """ "3 of 31 jobs done; left ...: about 4.2 h (fig1 4.2 h); not yet measured: dropout"."""
        return f"{self.done()} of {len(self.groups)} jobs done; {self.left()}"

    def left(self) -> str:
        finished = self._finished()
        means, floors = self._mean_seconds(finished)
        names = {record["name"] for record in finished}
        trained = self.trained_seconds()
        left: dict[str, int] = {}
        hours: dict[str, float] = {}
        for name, group in self.groups.items():
            if name in names:
                continue
            left[group] = left.get(group, 0) + 1
            if group in means:
                job = max(0.0, means[group] - trained.get(name, 0.0))
                hours[group] = hours.get(group, 0.0) + job / 3600 / max(1, self.workers)
        unmeasured = [g for g, n in left.items() if n and g not in means]
        parts = [] if any(left.values()) else ["nothing left"]
        if hours:
            floor = [g for g in hours if g in floors]
            parts.append(
                f"left at the measured speed with {self.workers} worker(s): about "
                f"{sum(hours.values()):.1f} h{' or more' if floor else ''} ("
                + ", ".join(
                    f"{g} {h:.1f} h{' or more' if g in floor else ''}" for g, h in hours.items()
                )
                + ")"
            )
            if floor:  # measured only on jobs that ended early; one that trains runs longer
                parts.append(f"so far every finished job of {', '.join(floor)} stalled or diverged")
        if unmeasured:
            parts.append(f"not yet measured: {', '.join(unmeasured)}")
        return "; ".join(parts)


def run_tasks(
    tasks: list[Task],
    *,
    workers: int,
    threads: int | None,
    budget: Budget,
    progress: Progress | None = None,
) -> None:
    """Run ``tasks`` on ``workers`` worker processes, each limited to ``threads`` cores.

    ``threads`` None runs the tasks here, one after another, with this process's threads (the
    tests' smoke runs). Otherwise every task runs in a worker process, also with one worker,
    so its threads are the ones its key says: several workers through joblib (the backend the
    caller's ``joblib.parallel_config`` picks, loky by default), one in loky's executor. An
    interrupt (Ctrl-C) kills the workers at once: each loses its epoch in progress, no more."""
    from joblib import Parallel, delayed
    from joblib.externals.loky import ProcessPoolExecutor
    from tqdm.auto import tqdm

    bar = None
    stop = threading.Event()
    if progress is not None and progress.groups:
        # No rate or ETA of tqdm's own: the jobs already finished in earlier sessions would
        # count as done in seconds; the postfix gives the time left at the measured speed.
        bar = tqdm(
            total=len(progress.groups),
            initial=progress.done(),
            desc="jobs",
            mininterval=15,
            bar_format="{desc}: {n}/{total} |{bar}| {elapsed} this session{postfix}",
        )

        def watch() -> None:
            while True:
                bar.n = progress.done()
                parts = (progress.left(), progress.running())
                bar.set_postfix_str("; ".join(filter(None, parts)), refresh=True)
                if stop.wait(30):
                    return

        threading.Thread(target=watch, daemon=True).start()
    try:
        if threads is None:
            for task in _ordered(tasks, budget):
                _in_worker(task, None, budget)
        elif workers <= 1:
            # loky's own executor (a fresh interpreter, never a fork of one running JAX), for
            # its kill_workers: a worker inside an epoch's XLA call sees no Ctrl-C until the
            # call returns, minutes later, and shutting down would wait for it. Killed, it
            # loses only that part-epoch (the checkpoint is the last epoch), as under joblib.
            executor = ProcessPoolExecutor(max_workers=1)
            try:
                for task in _ordered(tasks, budget):
                    executor.submit(_in_worker, task, threads, budget).result()
            except BaseException:
                executor.shutdown(wait=False, kill_workers=True)
                raise
            executor.shutdown()
        else:
            parallel = Parallel(
                n_jobs=workers, batch_size=1, pre_dispatch="n_jobs", return_as="generator_unordered"
            )
            for _ in parallel(
                delayed(_in_worker)(task, threads, budget) for task in _ordered(tasks, budget)
            ):
                pass
    finally:
        stop.set()
        if bar is not None:
            bar.close()


@dataclass
class Control:
    """How the CLI asks a long run to behave: workers, stop time, where its state lives."""

    workers: int = 1
    threads: int | None = None  # per job; None: jobs run in this process, with its threads
    budget: Budget = field(default_factory=Budget)
    state: Path | None = None  # None: a temporary folder (the run keeps nothing)
    clean_only: bool = False  # a stage counts as finished only if every job ran from a clean tree


_control = Control()


def control() -> Control:
    return _control


@contextlib.contextmanager
def controlled(value: Control) -> Iterator[Control]:
    global _control
    previous, _control = _control, value
    try:
        yield value
    finally:
        _control = previous
