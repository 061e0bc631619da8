"""Verification records: the command on two small results files, what a page reads from a record."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from shared.errors import HypeError
from shared.registry import RESULTS_DIR
from shared.verification import (
    add_check,
    claim_checks,
    empty_record,
    main,
    make_reference,
    parse_reference,
    read_record,
    status,
)


def xor_results(seed: int, finished: str, **values: Any) -> dict[str, Any]:
    """The committed xor results file, as if run at ``seed``, with some claims' values changed."""
    results = json.loads((RESULTS_DIR / "xor.json").read_text())
    results["provenance"]["base_seed"] = seed
    results["provenance"]["finished_utc"] = finished
    for row in results["claims"]:
        if row["id"] in values:
            row["ours"]["value"] = values[row["id"]]
    return results


def write(path: Path, results: dict[str, Any]) -> Path:
    path.write_text(json.dumps(results))
    return path


@pytest.fixture
def two_runs(tmp_path: Path) -> tuple[Path, Path, dict[str, Any]]:
    """A "published" run and a second seed whose MP-xor-best misses (0.5, not 0.75)."""
    first = xor_results(0, "2026-01-01T00:00:00Z")
    second = xor_results(1, "2026-01-02T00:00:00Z", **{"MP-xor-best": 0.5})
    return write(tmp_path / "a.json", first), write(tmp_path / "b.json", second), first


def test_a_changed_verdict_is_recorded_as_changed(two_runs, tmp_path: Path, capsys):
    a, b, _ = two_runs
    out = tmp_path / "records"
    assert main(["xor", str(a), str(b), "--kind", "second-seed", "--out", str(out)]) == 0
    record = read_record("xor", out)
    (check,) = record["checks"]
    assert check["kind"] == "second-seed"
    assert (check["first"]["seed"], check["second"]["seed"]) == (0, 1)
    assert {"commit", "device", "seed", "profile", "dirty", "finished_utc"} <= set(check["first"])
    rows = {row["id"]: row for row in check["claims"]}
    best = rows["MP-xor-best"]
    assert (best["first"], best["second"]) == (0.75, 0.5)
    assert (best["first_verdict"], best["second_verdict"]) == ("reproduced", "not reproduced")
    assert best["verdicts"] == "changed"
    assert all(row["verdicts"] == "same" for key, row in rows.items() if key != "MP-xor-best")
    assert "changed: MP-xor-best" in capsys.readouterr().out


def test_the_page_reads_the_check_from_the_published_side(two_runs, tmp_path: Path):
    a, b, published = two_runs
    out = tmp_path / "records"
    # The published file given second: the page still reads the check from its side.
    assert main(["xor", str(b), str(a), "--kind", "second-seed", "--out", str(out)]) == 0
    checks = claim_checks(read_record("xor", out), published)
    (best,) = checks["MP-xor-best"]
    assert best.changed and not best.verified
    assert str(best) == "second seed (seed 1): not reproduced instead of reproduced"
    (lp,) = checks["MP-xor-lp"]
    assert lp.verified and status([lp]) == "second seed (seed 1): same verdict"
    assert status([]) == "not yet checked"


def test_a_check_against_an_earlier_run_is_shown_but_not_counted(two_runs, tmp_path: Path):
    a, b, published = two_runs
    out = tmp_path / "records"
    assert main(["xor", str(a), str(b), "--kind", "regenerated", "--out", str(out)]) == 0
    republished = copy.deepcopy(published)
    republished["provenance"]["finished_utc"] = "2026-02-01T00:00:00Z"  # the site's file re-made
    (lp,) = claim_checks(read_record("xor", out), republished)["MP-xor-lp"]
    assert not lp.current and not lp.verified and not lp.changed
    assert str(lp) == "regenerated on CPU: same verdict, against an earlier run (6dc4ee7)"


def test_a_newer_check_replaces_the_older_of_its_kind():
    record = empty_record("xor")
    record = add_check(record, {"kind": "second-seed", "n": 1})
    record = add_check(record, {"kind": "regenerated", "n": 2})
    record = add_check(record, {"kind": "second-seed", "n": 3})
    assert [(c["kind"], c["n"]) for c in record["checks"]] == [
        ("second-seed", 3),
        ("regenerated", 2),
    ]


def test_wrong_arguments_stop_with_one_line(two_runs, tmp_path: Path, capsys):
    a, b, _ = two_runs
    out = ["--out", str(tmp_path)]
    assert main(["xor", str(a), "--kind", "second-seed", *out]) == 2  # one file
    assert main(["xor", str(a), str(b), *out]) == 2  # no kind
    assert main(["xor", *out]) == 2  # nothing to record
    assert main(["xor", str(a), str(a), "--kind", "regenerated", *out]) == 2  # the same file twice
    assert not (tmp_path / "xor.json").exists()
    assert capsys.readouterr().err.count("error:") >= 4


def test_two_files_of_different_replications_are_refused(two_runs, tmp_path: Path, capsys):
    a, _, _ = two_runs
    other = write(tmp_path / "p.json", json.loads((RESULTS_DIR / "perceptron.json").read_text()))
    assert main(["xor", str(a), str(other), "--kind", "second-seed", "--out", str(tmp_path)]) == 2
    assert "is xor but" in capsys.readouterr().err


def test_a_reference_is_recorded_only_from_a_passing_run():
    text = "tests/test_svm.py::test_agrees_with_libsvm: 99.5% of predictions agree"
    assert parse_reference(text) == (
        "tests/test_svm.py::test_agrees_with_libsvm",
        "99.5% of predictions agree",
    )
    passed = make_reference(
        text, run=lambda node: {"tests": 2, "failures": 0, "errors": 0, "skipped": 0}
    )
    assert passed["test"] == "tests/test_svm.py::test_agrees_with_libsvm" and passed["passed"] == 2
    assert passed["commit"] and "recorded_utc" in passed
    for outcome in ({"skipped": 1}, {"failures": 1}, {"tests": 0}):
        counts = {"tests": 1, "failures": 0, "errors": 0, "skipped": 0, **outcome}
        with pytest.raises(HypeError, match="nothing recorded"):
            make_reference(text, run=lambda node, counts=counts: counts)
    with pytest.raises(HypeError, match="is not 'tests/FILE.py::TEST: what it checks'"):
        parse_reference("tests/test_svm.py agrees with libsvm")


def test_the_committed_records_are_readable_and_name_published_runs():
    """Every committed record is of a replication, and each check names its published side."""
    from shared.registry import all_replications

    for replication in all_replications():
        record = read_record(replication.name)
        if record is None:
            continue
        results = json.loads((RESULTS_DIR / f"{replication.name}.json").read_text())
        ids = {row["id"] for row in results["claims"]}
        for check in record["checks"]:
            assert {row["id"] for row in check["claims"]} == ids
