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


def test_the_adversarial_bench_compares_nets_of_one_size():
    pytest.importorskip("torch")  # PyTorch is the bench's peer, not a dependency
    record = get("adversarial").module("bench").run(rounds=1, steps=2, n_train=400, n_test=200)
    assert len(record["ratios"]) == 4
    for row in record["ratios"]:
        assert {"what", "unit", "peer_name"} <= row.keys() and "PyTorch" in row["peer_name"]
        assert row["ours"] > 0 and row["peer"] > 0 and row["ratio"] > 0
    assert record["parameters"]["ours"] == record["parameters"]["peer"] == 1_233_610
    assert record["epoch_steps"] == 2 and record["epoch_scaled_from_images"] == 200
    assert record["device"]["platform"] and len(record["load_average_1_5_15_min"]) == 3
