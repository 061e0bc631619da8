"""Keyed, resumable, parallel jobs (``shared.jobs``) as the AlexNet run uses them: a finished
job is reused, a changed key recomputes, an interrupted job resumes to the same history, two
workers give the records of one, and a run stopped by its budget continues with the same call."""

from __future__ import annotations

import dataclasses
import json
import re
import time

import jax
import numpy as np
import pytest

from replications.alexnet import experiment, train
from replications.alexnet.config import Config
from shared import jobs
from shared.errors import HypeError


def tiny_split(n: int = 64) -> train.Split:
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (n, 32, 32, 3), dtype=np.uint8)
    y = (x[:, :16].mean(axis=(1, 2, 3)) > x[:, 16:].mean(axis=(1, 2, 3))).astype(np.int32)
    return train.Split(
        x, y, x[:32], y[:32], x[32:], y[32:], mean=x.mean(0).astype(np.float32), fingerprint="tiny"
    )


JOB = train.Job(
    name="t",
    model="four_layer",
    options=(("activation", "relu"), ("lrn", False), ("pool_size", 3)),
    learning_rate=0.01,
    weight_decay=5e-4,
    schedule=train.Schedule.PLATEAU,
    max_epochs=3,
    batch_size=32,
    patience=1,
    lr_drops=1,
)


class EpochBudget:
    """Allows ``epochs`` epochs in all, then stops the run (a deterministic --stop-after)."""

    def __init__(self, epochs: int) -> None:
        self.left = epochs

    def allows(self, seconds: float) -> bool:
        self.left -= 1
        return self.left >= 0

    @property
    def over(self) -> bool:
        return self.left <= 0


def test_code_digest_follows_code_not_docstrings_or_comments(tmp_path, monkeypatch) -> None:
    module = tmp_path / "hype_digest_probe.py"
    monkeypatch.syspath_prepend(str(tmp_path))
    module.write_text('"""Doc."""\n\ndef f(x):\n    """Twice."""\n    return 2 * x  # double\n')
    first = jobs.code_digest(["hype_digest_probe"])
    module.write_text('"""Reworded."""\n\n\ndef f(x):\n    # why\n    return 2 * x\n')
    assert jobs.code_digest(["hype_digest_probe"]) == first
    module.write_text('"""Doc."""\n\ndef f(x):\n    return 3 * x\n')
    assert jobs.code_digest(["hype_digest_probe"]) != first


def test_a_finished_job_is_reused_and_a_changed_key_recomputes(tmp_path, monkeypatch) -> None:
    data, key, store = tiny_split(), jax.random.key(3), jobs.JobStore(tmp_path)
    first = train.run_job(JOB, data, key=key, store=store)
    record = store.record("t")
    assert record["result"] == first and record["run"]["wall_seconds"] > 0
    assert record["environment"]["cpu_threads"] == jobs.cpu_threads()

    trained = []
    real_stepper = train.Stepper
    monkeypatch.setattr(
        train, "Stepper", lambda *a, **k: trained.append(1) or real_stepper(*a, **k)
    )
    assert train.run_job(JOB, data, key=key, store=store) == first and not trained  # reused

    changed = dict(jobs.environment(train.JOB_CODE, None), code="another training loop")
    monkeypatch.setattr(train, "environment", lambda code, threads: changed)
    again = train.run_job(JOB, data, key=key, store=store)
    assert trained == [1] and store.record("t")["key"] != record["key"]
    assert again == first  # the same code in truth: the same numbers
    for other in (dataclasses.replace(JOB, learning_rate=0.02), dataclasses.replace(JOB)):
        assert train.finished(other, data, key=jax.random.key(4), store=store, threads=None) is None


def test_an_interrupted_job_resumes_to_the_same_history(tmp_path, monkeypatch) -> None:
    data, key = tiny_split(), jax.random.key(3)
    straight = train.run_job(JOB, data, key=key, store=jobs.JobStore(tmp_path / "straight"))
    cut = jobs.JobStore(tmp_path / "cut")
    real_save = train.save_checkpoint

    def save_then_stop(*args, **kwargs):
        real_save(*args, **kwargs)
        raise KeyboardInterrupt  # killed right after its first checkpoint (Ctrl-C)

    monkeypatch.setattr(train, "save_checkpoint", save_then_stop)
    with pytest.raises(KeyboardInterrupt):
        train.run_job(JOB, data, key=key, store=cut)
    monkeypatch.setattr(train, "save_checkpoint", real_save)
    assert cut.checkpoint_path("t").is_file() and cut.record("t") is None
    # A budget that ends after one more epoch: stopped, the checkpoint kept, nothing recorded.
    assert train.run_job(JOB, data, key=key, store=cut, budget=EpochBudget(1)) is None
    assert cut.checkpoint_path("t").is_file() and cut.record("t") is None
    resumed = train.run_job(JOB, data, key=key, store=cut)
    assert resumed == straight and straight["epochs"] == 3 and len(straight["val_error"]) == 3
    assert not cut.checkpoint_path("t").exists()  # deleted once the job is recorded


def test_a_checkpoint_of_another_key_is_not_resumed(tmp_path, monkeypatch) -> None:
    data, key, store = tiny_split(), jax.random.key(3), jobs.JobStore(tmp_path)
    assert train.run_job(JOB, data, key=key, store=store, budget=EpochBudget(1)) is None
    other = dataclasses.replace(JOB, learning_rate=0.05)  # same name, other settings
    fresh = train.run_job(other, data, key=key, store=jobs.JobStore(tmp_path / "fresh"))
    assert train.run_job(other, data, key=key, store=store) == fresh


TINY = Config(
    seeds=2,
    n_train=64,
    n_val=32,
    n_test=32,
    batch_size=32,
    fig1_learning_rates=(0.01, 0.02),
    fig1_target_error=0.6,
    fig1_max_epochs=2,
    patience=1,
    lr_drops=1,
    max_epochs=2,
    stages=("fig1", "lrn_pool"),
    checkpoint=True,
)


def _run(monkeypatch, control: jobs.Control) -> dict:
    monkeypatch.setattr(experiment, "load_split", lambda config: (tiny_split(), ""))
    with jobs.controlled(control):
        return experiment.run(TINY, key=jax.random.key(0))


def _results(folder) -> dict[str, object]:
    return {r["name"]: (r["key"], r["result"]) for r in jobs.JobStore(folder).records()}


@pytest.mark.slow
def test_two_workers_give_the_records_of_one(tmp_path, monkeypatch) -> None:
    one = _run(monkeypatch, jobs.Control(workers=1, threads=1, state=tmp_path / "one"))
    two = _run(monkeypatch, jobs.Control(workers=2, threads=1, state=tmp_path / "two"))
    assert one == two and "pending" not in one and set(one) >= {"fig1", "four_layer"}
    records = _results(tmp_path / "one")
    assert len(records) == 2 * 2 + 2 * 1 + 3 * 2 and records == _results(tmp_path / "two")
    run = jobs.JobStore(tmp_path / "two").record("four-lrn-s1")["run"]
    assert run["cpu_threads"] == 1 and run["platform"] == "cpu"


def test_a_stopped_run_continues_with_the_same_call(tmp_path, monkeypatch, capsys) -> None:
    straight = _run(monkeypatch, jobs.Control(state=tmp_path / "straight"))
    state = tmp_path / "carried"
    stopped = _run(monkeypatch, jobs.Control(state=state, budget=EpochBudget(5)))
    assert "fig1" not in stopped and stopped["pending"]["fig1"]["done"] < 6
    assert stopped["pending"]["lrn_pool"] == {"done": 0, "total": 6, "unclean": 0}
    assert "jobs done" in capsys.readouterr().err
    # The state folder is all that is carried (e.g. committed, then cloned elsewhere).
    moved = tmp_path / "cloned"
    state.rename(moved)
    assert _run(monkeypatch, jobs.Control(state=moved)) == straight
    from replications.alexnet.measure import measure

    notes = {i: m.note for i, m in measure(stopped).items() if m.value is None}
    assert (
        notes["AX-relu-fig1"].startswith("not run yet:")
        and "of 6 jobs done" in notes["AX-relu-fig1"]
    )


def test_a_stage_with_jobs_from_a_modified_tree_is_not_published(tmp_path, monkeypatch) -> None:
    import shared.provenance

    clean = {"commit": "0" * 40, "dirty": False}
    monkeypatch.setattr(shared.provenance, "git_state", lambda *a: clean)
    state = tmp_path / "state"
    _run(monkeypatch, jobs.Control(state=state))
    for path in (state / "records").glob("four-*.json"):
        record = json.loads(path.read_text())
        record["run"]["dirty"] = True
        path.write_text(json.dumps(record))
    tables = _run(monkeypatch, jobs.Control(state=state, clean_only=True))
    assert "fig1" in tables and "four_layer" not in tables
    assert tables["pending"]["lrn_pool"] == {"done": 6, "total": 6, "unclean": 6}
    assert "four_layer" in _run(monkeypatch, jobs.Control(state=state))  # a run to runs/ grades it


def test_durations() -> None:
    from shared.run_options import parse_duration

    assert parse_duration("1h30m") == 5400 and parse_duration("90") == 90
    assert parse_duration("2.5h") == 9000 and parse_duration("45s") == 45
    for bad in ("soon", "0", "-1h", "1d"):
        with pytest.raises(HypeError):
            parse_duration(bad)


def test_budget() -> None:
    assert jobs.Budget().allows(1e9) and not jobs.Budget().over
    assert not jobs.Budget(time.time() + 10).allows(60) and jobs.Budget(time.time() - 1).over
    # A job that has not timed an epoch in its worker yet asks with 0 s: the run's longest
    # measured epoch stands in, so it does not start a 7-minute epoch 10 s before the stop.
    assert jobs.Budget(time.time() + 10).allows(0.0)
    soon = jobs.Budget(time.time() + 10, first_epoch=60.0)
    assert not soon.allows(0.0) and soon.allows(5.0) and not soon.over


def test_a_resumed_run_assumes_its_longest_measured_epoch(tmp_path, monkeypatch) -> None:
    state = tmp_path / "state"
    _run(monkeypatch, jobs.Control(state=state, budget=EpochBudget(5)))
    store = jobs.JobStore(state)
    checkpoints = sorted((state / "checkpoints").glob("*.npz"))
    assert store.records() and checkpoints  # finished jobs and a stopped one
    per_epoch = [r["run"]["wall_seconds"] / r["result"]["epochs"] for r in store.records()]
    longest = experiment.longest_epoch(store)
    assert longest > 0 and longest >= max(per_epoch)
    checkpoints[0].write_bytes(b"not a checkpoint")  # skipped here; the job reports it
    assert experiment.longest_epoch(store) >= max(per_epoch)

    seen = {}
    monkeypatch.setattr(experiment, "run_tasks", lambda todo, **options: seen.update(options))
    _run(monkeypatch, jobs.Control(state=state, budget=jobs.Budget(time.time() + 3600)))
    assert seen["budget"].first_epoch == experiment.longest_epoch(store)
    assert seen["budget"].stop_at is not None


def test_cli_refuses_a_bad_duration_or_worker_count_before_the_run(capsys) -> None:
    from shared import cli

    for option in (["--stop-after", "soon"], ["--workers", "0"]):
        assert cli.main(["replicate", "alexnet", "--profile", "smoke", *option]) == 2
        err = capsys.readouterr().err
        assert err.startswith("error:") and err.count("\n") == 1, err
    # A replication that runs in one go has nothing to stop or share out: said, not ignored.
    for option in (["--stop-after", "2h"], ["--workers", "2"]):
        assert cli.main(["replicate", "perceptron", "--profile", "smoke", *option]) == 2
        err = capsys.readouterr().err
        assert f"error: {option[0]} is for the replications run as resumable jobs" in err
        assert "(alexnet, adversarial); perceptron runs in one go" in err and err.count("\n") == 1


def test_the_page_of_a_stopped_run_says_which_stages_are_in(tmp_path, monkeypatch) -> None:
    from replications.alexnet import figures, report
    from replications.alexnet.measure import measure
    from shared.claims import load_claims
    from shared.record import recording
    from shared.registry import get
    from shared.results import build_results, json_ready

    state = tmp_path / "state"
    _run(monkeypatch, jobs.Control(state=state, budget=EpochBudget(4 * 2 + 2 * 2 + 1)))
    with recording() as record:
        tables = json_ready(_run(monkeypatch, jobs.Control(state=state, budget=EpochBudget(2))))
    assert "fig1" in tables and tables["pending"]["lrn_pool"]["done"] < 6
    provenance = {
        "wall_seconds": {"total": 1.0},
        "device": {"count": 1, "kind": "cpu"},
        "datasets_sha256": {},
        "finished_utc": "2026-12-06T00:00:00Z",
        "jobs": record.jobs,
        "workers": 1,
    }
    claims = load_claims(get("alexnet").claims_file)
    results = build_results("alexnet", "paper", claims, tables, measure(tables), provenance)
    pages = report.fragments(results)
    assert "Still running" in pages["regularisers"] and "Still running" not in pages["fig1"]
    assert re.search(r"\| Fig\. 1 \| 6 of 6 \| \d+ \| finished", pages["status"])
    fig1_jobs = results["provenance"]["jobs"]["fig1"]
    assert all(job["outcome"] in {"finished", "stalled at chance", "diverged"} for job in fig1_jobs)
    assert f"| `{fig1_jobs[0]['name']}` | fig1 | {fig1_jobs[0]['outcome']} | " in pages["status"]
    assert "| LRN and pooling | " in pages["status"] and "still running" in pages["status"]
    rows = {row["id"]: row for row in results["claims"]}
    assert rows["AX-lrn-cifar"]["verdict"] == "not run"
    assert "jobs done" in rows["AX-lrn-cifar"]["ours"]["note"]
    drawn = {path.name for path in figures.make_figures(results, tmp_path / "figures")}
    assert drawn == {"fig1_relu_tanh.png", "fig1_sweeps.png"}
    from website.report import stages_text

    assert stages_text(results).startswith("stages in: Fig. 1; still running: LRN and pooling (")


def test_the_measured_time_of_a_carried_run_is_its_jobs_hours(tmp_path) -> None:
    from shared.registry import measured_runtime

    job = {"wall_seconds": 5400.0, "cpu_threads": 1}
    results = {
        "provenance": {
            "wall_seconds": {"total": 60.0},  # this session's stretch only
            "device": {"platform": "cpu", "cpu_count": 2, "cpu": "AMD EPYC"},
            "jobs": {"fig1": [job, job], "lrn_pool": [job]},
        },
        "tables": {"pending": {"lrn_pool": {"done": 1, "total": 9}}},
    }
    path = tmp_path / "alexnet.json"
    path.write_text(json.dumps(results))
    assert measured_runtime(path) == (
        "4.5 h of jobs on a 2-core AMD EPYC CPU, 1 thread(s) per job so far "
        "(3 jobs finished, 8 to go)"
    )
    del results["tables"]["pending"]
    path.write_text(json.dumps(results))
    assert measured_runtime(path).startswith("4.5 h of jobs on") and "so far" not in (
        measured_runtime(path)
    )


def test_progress_names_the_jobs_running_in_this_run(tmp_path) -> None:
    from shared.training import save_checkpoint

    store = jobs.JobStore(tmp_path)
    progress = jobs.Progress(store, {"a": "fig1", "b": "fig1"}, workers=2)
    assert progress.running() == ""
    save_checkpoint(store.checkpoint_path("a"), {"w": np.zeros(2)}, {"run": {"epoch": 3}})
    assert progress.running() == "running: a (3 epochs done)"
    later = jobs.Progress(store, progress.groups, workers=2, started=time.time() + 60)
    assert later.running() == ""  # a checkpoint left by an earlier run is not running now


def test_time_left_counts_what_a_running_job_has_trained(tmp_path) -> None:
    """A job under way counts the group's mean less its checkpoint's seconds, so the estimate
    falls as the run goes on instead of restarting each job from zero; a job that stalled is
    left out of the mean unless all of its group's did."""
    from shared.training import save_checkpoint

    store = jobs.JobStore(tmp_path)
    groups = {"a": "lrn_pool", "s": "lrn_pool", "b": "lrn_pool", "c": "lrn_pool", "d": "dropout"}
    groups |= {"e": "dropout"}
    store.finish("a", "k", {"stalled": False}, {"wall_seconds": 7200.0}, {})
    store.finish("s", "k", {"stalled": True}, {"wall_seconds": 60.0}, {})
    progress = jobs.Progress(store, groups, workers=2)
    assert progress.left() == (
        "left at the measured speed with 2 worker(s): about 2.0 h (lrn_pool 2.0 h); "
        "not yet measured: dropout"
    )
    save_checkpoint(store.checkpoint_path("b"), {"w": np.zeros(2)}, {"run": {"seconds": 3600.0}})
    assert "about 1.5 h (lrn_pool 1.5 h)" in progress.left()  # (7200 - 3600 + 7200) / 2
    # The adversarial jobs keep the count at the top of their meta; past the mean counts 0.
    save_checkpoint(store.checkpoint_path("c"), {"w": np.zeros(2)}, {"seconds": 9000.0})
    assert "about 0.5 h (lrn_pool 0.5 h)" in progress.left()  # (3600 + 0) / 2
    store.finish("e", "k", {"diverged": True}, {"wall_seconds": 1800.0}, {})
    # Every dropout job failed: their mean, / 2, is only a floor, and the line says so.
    assert progress.left() == (
        "left at the measured speed with 2 worker(s): about 0.8 h or more "
        "(lrn_pool 0.5 h, dropout 0.2 h or more); "
        "so far every finished job of dropout stalled or diverged"
    )


def _blocked(seconds: float, *, budget: jobs.Budget) -> None:
    """A job stuck in one long call, as a worker is inside an epoch's XLA program."""
    time.sleep(seconds)


def test_an_interrupt_stops_a_single_worker_at_once() -> None:
    """Ctrl-C reaches the run while its one worker is inside a long call: the run stops within
    seconds (the worker killed, its part-epoch lost), not when the call returns."""
    import signal
    import threading

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    main = threading.main_thread().ident
    # A real signal to the main thread, as Ctrl-C sends: it wakes the blocked wait.
    threading.Timer(8.0, signal.pthread_kill, (main, signal.SIGINT)).start()
    began = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):
            jobs.run_tasks(
                [jobs.Task("stuck", _blocked, (300.0,))],
                workers=1,
                threads=1,
                budget=jobs.Budget(),
            )
    finally:
        signal.signal(signal.SIGINT, previous)
    assert time.monotonic() - began < 60
