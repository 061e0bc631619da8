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


def test_the_backprop_bench_trains_the_same_nets_both_sides():
    pytest.importorskip("torch")  # PyTorch is the bench's peer, not a dependency
    record = get("backprop").module("bench").run(rounds=1, runs=3, sweeps=25, loop_runs=2)
    assert len(record["ratios"]) == 2
    for row in record["ratios"]:
        assert {"what", "unit", "peer_name"} <= row.keys() and "PyTorch" in row["peer_name"]
        assert row["ours"] > 0 and row["peer"] > 0 and row["ratio"] > 0
    assert record["parameters"]["ours"] == record["parameters"]["peer"] == 630
    assert (record["nets"], record["sweeps"], record["loop_runs_timed"]) == (3, 25, 2)
    # Both PyTorch sides start from our weights: after 25 sweeps they hold the same nets.
    assert max(record["largest_weight_difference_from_ours"].values()) < 1e-4
    assert record["device"]["platform"] and len(record["load_average_1_5_15_min"]) == 3


def test_the_perceptron_bench_gives_scikit_learn_our_epochs():
    record = (
        get("perceptron")
        .module("bench")
        .run(rounds=1, orders=4, wirings=2, a_units=20, source="digits", n_train=200)
    )
    assert len(record["ratios"]) == 2
    for row in record["ratios"]:
        assert {"what", "unit", "peer_name"} <= row.keys() and "scikit-learn" in row["peer_name"]
        assert row["ours"] > 0 and row["peer"] > 0 and row["ratio"] > 0
    novikoff, photo = record["novikoff"], record["photo"]
    assert (novikoff["orders"], novikoff["examples"], novikoff["inputs"]) == (4, 200, 65)
    assert novikoff["sklearn_epochs_total"] == novikoff["epochs_total"] >= 4
    assert (photo["wirings"], photo["a_units"], photo["train"], photo["epochs"]) == (2, 20, 200, 5)
    assert 0 < photo["ours_accuracy_mean"] <= 1 and 0 < photo["sklearn_accuracy_mean"] <= 1
    assert record["device"]["platform"] and len(record["load_average_1_5_15_min"]) == 3
