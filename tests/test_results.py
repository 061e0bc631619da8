"""Results files: schema, atomic writes, provenance fields."""

from __future__ import annotations

import json
import os

import pytest

from shared.claims import Claim, Measurement
from shared.errors import HypeError
from shared.provenance import collect
from shared.results import SHAPE, build_results, read_results, write_results

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


def test_a_results_file_is_readable_as_an_ordinary_new_file_would_be(tmp_path):
    path, plain = tmp_path / "demo.json", tmp_path / "plain.txt"
    write_results(path, results_with(1.0))
    plain.write_text("")  # open() honours the umask; mkstemp alone would give 0o600
    assert path.stat().st_mode & 0o777 == plain.stat().st_mode & 0o777


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


def required_fields(shape: object, where: str = "") -> list[str]:
    """Every field of ``results.SHAPE`` a file must have, as a path (``claims[0].ours.n``)."""
    if isinstance(shape, tuple) and len(shape) == 2 and shape[1] is None:
        shape = shape[0]
    found = []
    if isinstance(shape, dict):
        for key, inner in shape.items():
            if not key.endswith("?"):
                path = f"{where}.{key}" if where else key
                found += [path, *required_fields(inner, path)]
    elif isinstance(shape, list):
        found += required_fields(shape[0], f"{where}[0]")
    return found


def _without(results: dict, path: str) -> dict:
    """A deep copy of ``results`` without the field at ``path``."""
    import re

    copy = json.loads(json.dumps(results))
    parts = [int(p) if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", path)]
    parent = copy
    for part in parts[:-1]:
        parent = parent[part]
    del parent[parts[-1]]
    return copy


def _measured_published_file() -> dict:
    """A published file whose first claim was measured (so ``ours`` has its fields)."""
    from shared.registry import RESULTS_DIR

    results = json.loads((RESULTS_DIR / "xor.json").read_text())
    assert results["claims"][0]["ours"] is not None
    return results


FIELDS = required_fields(SHAPE)


def test_the_shape_covers_nested_fields():
    for nested in ("provenance.profile", "provenance.device.kind", "claims[0].ours.value"):
        assert nested in FIELDS, nested


@pytest.mark.parametrize("field", FIELDS)
def test_a_file_missing_any_field_is_refused_by_name(tmp_path, field):
    path = tmp_path / "xor.json"
    path.write_text(json.dumps(_without(_measured_published_file(), field)))
    with pytest.raises(HypeError) as error:
        read_results(path)
    message = str(error.value)
    name = field.rsplit(".", 1)[-1].split("[")[0]
    assert str(path) in message and name in message and "\n" not in message


def test_every_published_file_has_the_whole_shape():
    from shared.registry import RESULTS_DIR

    for path in sorted(RESULTS_DIR.glob("*.json")):
        read_results(path)


def test_a_field_of_the_wrong_type_is_named(tmp_path):
    results = _measured_published_file()
    results["provenance"]["device"]["count"] = "one"
    path = tmp_path / "xor.json"
    path.write_text(json.dumps(results))
    with pytest.raises(HypeError, match=r"'provenance\.device\.count' is a str, not int"):
        read_results(path)
    results["provenance"]["device"]["count"] = 1
    results["claims"][1]["verdict"] = "sort of"
    path.write_text(json.dumps(results))
    with pytest.raises(HypeError, match=r"'claims\[1\]\.verdict' is 'sort of'"):
        read_results(path)


def test_every_command_that_reads_a_file_refuses_one_missing_a_nested_field(tmp_path, capsys):
    """compare, the site's report step and verify all read through ``read_results``."""
    from shared import cli
    from website import report, verification

    bad = tmp_path / "results" / "xor.json"
    bad.parent.mkdir()
    bad.write_text(json.dumps(_without(_measured_published_file(), "provenance.profile")))
    assert cli.main(["compare", str(bad), str(bad)]) == 2
    err = capsys.readouterr().err
    assert "'provenance.profile' is missing" in err and err.count("\n") == 1
    with pytest.raises(HypeError, match="'provenance.profile' is missing"):
        report.write_site_fragments(results_dir=bad.parent, docs=tmp_path / "docs")
    assert not (tmp_path / "docs").exists()  # refused before anything is written
    with pytest.raises(HypeError, match="'provenance.profile' is missing"):
        verification.make_check(bad, bad, "second-seed")
