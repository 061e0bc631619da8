"""Results files: schema, atomic writes, provenance fields."""

from __future__ import annotations

import json
import os

import pytest

from shared.claims import Claim, Measurement
from shared.errors import HypeError
from shared.provenance import collect
from shared.results import build_results, read_results, write_results

CLAIMS = [
    Claim(
        id="A",
        statement="s",
        source="x",
        confidence="primary",
        rule="at_least",
        threshold=1.0,
        why="w",
    )
]


def results_with(value: float) -> dict:
    provenance = collect(
        name="demo",
        profile="smoke",
        seed=0,
        n_seeds=None,
        command="demo",
        datasets={},
        stages={"total": 1.0},
    )
    return build_results("demo", "smoke", CLAIMS, {}, {"A": Measurement(value)}, provenance)


def test_round_trip_and_verdict(tmp_path):
    path = tmp_path / "demo.json"
    write_results(path, results_with(1.0))
    loaded = read_results(path)
    assert loaded["claims"][0]["verdict"] == "reproduced"
    assert loaded["schema"] == 1 and loaded["replication"] == "demo"


def test_failed_write_leaves_previous_file_untouched(tmp_path, monkeypatch):
    path = tmp_path / "demo.json"
    write_results(path, results_with(1.0))
    before = path.read_bytes()

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        write_results(path, results_with(0.0))
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["demo.json"]  # no temporary left behind


def test_unserialisable_results_never_reach_the_file(tmp_path):
    path = tmp_path / "demo.json"
    write_results(path, results_with(1.0))
    before = path.read_bytes()
    bad = results_with(1.0)
    bad["tables"] = {"x": object()}
    with pytest.raises(TypeError):
        write_results(path, bad)
    assert path.read_bytes() == before


def test_measurement_for_an_unknown_claim_is_refused():
    with pytest.raises(HypeError, match="not in claims.toml"):
        build_results("demo", "smoke", CLAIMS, {}, {"B": Measurement(1.0)}, {})


def test_read_results_refuses_garbage(tmp_path):
    path = tmp_path / "demo.json"
    path.write_text("{not json")
    with pytest.raises(HypeError, match="not valid JSON"):
        read_results(path)
    path.write_text(json.dumps({"schema": 99}))
    with pytest.raises(HypeError, match="schema"):
        read_results(path)


def test_provenance_has_every_field():
    record = collect(
        name="xor",
        profile="smoke",
        seed=3,
        n_seeds=10,
        command="nox -s replicate-xor",
        datasets={"mnist/x": "ab"},
        stages={"total": 1.5},
    )
    for key in (
        "command",
        "profile",
        "base_seed",
        "n_seeds",
        "git",
        "versions",
        "device",
        "datasets_sha256",
        "wall_seconds",
        "finished_utc",
    ):
        assert key in record
    assert {"commit", "dirty"} <= set(record["git"])
    for package in ("python", "jax", "jaxlib", "flax", "optax", "numpy", "scikit-learn"):
        assert record["versions"][package], package
    assert {"platform", "kind", "count", "prng_impl", "xla_flags"} <= set(record["device"])


def test_a_copy_without_git_records_the_declared_commit(monkeypatch):
    from shared import provenance

    monkeypatch.setattr(provenance, "_git", lambda *args: None)
    assert provenance.git_state() == {"commit": None, "dirty": None}
    monkeypatch.setenv("HYPE_SOURCE_COMMIT", "abc1234")
    assert provenance.git_state()["dirty"] is None  # a commit alone says nothing of the tree
    monkeypatch.setenv("HYPE_SOURCE_TREE_CLEAN", "1")
    assert provenance.git_state() == {"commit": "abc1234", "dirty": False, "declared": True}
