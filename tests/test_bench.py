"""``nox -s bench``'s frame (the measuring itself is each replication's bench.py, not a test)."""

from __future__ import annotations

import json
import os

import pytest

from shared import bench
from shared.registry import get


def test_a_record_says_which_figures_include_compilation(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("JAX_ENABLE_COMPILATION_CACHE", "true")  # restored after the test
    monkeypatch.setattr(bench, "RUNS_DIR", tmp_path)
    monkeypatch.setattr(get("svm").module("bench"), "run", lambda: {"ratios": []})
    assert bench.main(["svm"]) == 0
    record = json.loads(next(tmp_path.glob("bench/svm-*.json")).read_text())
    assert "_with_compile" in record["bench"]["compilation"]
    assert "compilation: " in capsys.readouterr().out
    # The figures with our compilation are a first run's: the persistent cache is off here.
    assert os.environ["JAX_ENABLE_COMPILATION_CACHE"] == "false"


def test_a_gpu_bench_without_a_gpu_stops_in_one_line(capsys):
    import jax

    if jax.default_backend() == "gpu":
        pytest.skip("a GPU is here")
    assert bench.main(["--device", "gpu", "svm"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --device gpu, but no GPU is usable") and err.count("\n") == 1
