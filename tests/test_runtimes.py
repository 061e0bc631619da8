"""Run times in the help and in `nox -l` come from the results files' provenance alone."""

from __future__ import annotations

import json

from shared.registry import RESULTS_DIR, get
from shared.runtimes import NOT_MEASURED, estimate_path, profile_names, profile_times


def _write(path, profile: str, seconds: float, **extra) -> None:
    results = json.loads((RESULTS_DIR / "xor.json").read_text())
    results["profile"] = results["provenance"]["profile"] = profile
    results["provenance"]["wall_seconds"]["total"] = seconds
    results["provenance"].update(extra)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results))


def test_profiles_are_read_without_importing_the_config():
    assert profile_names(get("xor")) == ["paper", "smoke"]
    assert profile_names(get("adversarial")) == ["paper", "cpu", "smoke"]


def test_each_profile_is_published_yours_or_not_measured(tmp_path):
    results, runs = tmp_path / "results", tmp_path / "runs"
    _write(results / "xor.json", "paper", 14.0)
    _write(runs / "xor" / "20261201T000000Z-smoke-seed0" / "xor.json", "smoke", 9.0)
    _write(runs / "xor" / "20261206T000000Z-smoke-seed3" / "xor.json", "smoke", 5.0)
    times = profile_times(get("xor"), results, runs)
    assert times["paper"].startswith("14 s on a ") and times["paper"].endswith("(published)")
    assert times["smoke"].startswith("5 s on a ")  # the newest run
    assert times["smoke"].endswith("(your run of 2026-12-06)")
    assert profile_times(get("xor"), tmp_path / "none", tmp_path / "none") == {
        "paper": NOT_MEASURED,
        "smoke": NOT_MEASURED,
    }


def test_the_time_follows_the_profile_the_file_records(tmp_path):
    """A published file of the cpu profile's settings, labelled cpu, times the cpu profile (a
    run carried across sessions is timed by its jobs instead: tests/test_jobs.py)."""
    _write(tmp_path / "adversarial.json", "cpu", 1500.0)
    times = profile_times(get("adversarial"), tmp_path, tmp_path / "runs")
    assert times["cpu"].startswith("25 min on a ") and times["paper"] == NOT_MEASURED


def test_a_malformed_file_is_not_measured(tmp_path):
    (tmp_path / "xor.json").write_text("{half a file")
    assert profile_times(get("xor"), tmp_path, tmp_path)["paper"] == NOT_MEASURED


def _estimate(path, low: float, high: float) -> None:
    record = {
        "schema": 1,
        "replication": "adversarial",
        "profile": "paper",
        "estimate": {
            "job_hours": [low, high],
            "cpu_threads_per_job": 1,
            "measured_utc": "2026-12-06 22:40",
            "not_timed": "the CIFAR-10 maxout net",
        },
        "provenance": {"device": {"cpu": "AMD EPYC", "cpu_count": 2}},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record))


def test_a_profile_never_run_shows_its_published_estimate(tmp_path):
    """Issue 28: the paper profile's hours, from epochs timed before the run; a run of the
    profile, published or the user's own, replaces the estimate; the site reads no runs/."""
    results, runs = tmp_path / "results", tmp_path / "runs"
    _write(results / "adversarial.json", "cpu", 1500.0)
    _estimate(estimate_path("adversarial", "paper", results), 5.24, 12.9)
    expected = (
        "not run yet; estimated 5.2-12.9 h of jobs (1 thread(s) each) on a 2-core AMD EPYC CPU, "
        "from epochs timed on 2026-12-06 (not timed: the CIFAR-10 maxout net)"
    )
    assert profile_times(get("adversarial"), results, runs)["paper"] == expected
    _write(runs / "adversarial" / "20261206T000000Z-paper-seed0" / "adversarial.json", "paper", 9)
    assert profile_times(get("adversarial"), results, runs)["paper"].endswith("2026-12-06)")
    assert profile_times(get("adversarial"), results, None)["paper"] == expected
    estimate_path("adversarial", "paper", results).write_text('{"estimate": {}}')
    assert profile_times(get("adversarial"), results, None)["paper"] == NOT_MEASURED
