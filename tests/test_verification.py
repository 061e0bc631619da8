"""Verification records: the command on two small results files, what a page reads from a record."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from shared.errors import HypeError
from shared.registry import RESULTS_DIR
from website.verification import (
    ClaimCheck,
    add_check,
    claim_checks,
    definition_problem,
    empty_record,
    is_published,
    main,
    make_reference,
    parse_reference,
    read_record,
    same_code,
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
    assert main(["xor", str(a), str(b), "--kind", "second-seed", "--out", str(out)]) == 0
    republished = copy.deepcopy(published)
    republished["provenance"]["finished_utc"] = "2026-02-01T00:00:00Z"  # the site's file re-made
    (lp,) = claim_checks(read_record("xor", out), republished)["MP-xor-lp"]
    assert not lp.current and not lp.verified and not lp.changed
    assert str(lp) == "second seed (seed 1): same verdict, against an earlier run (6dc4ee7)"


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


# --- each kind means one thing --------------------------------------------------------------------


def test_verify_refuses_a_smoke_run_or_the_same_seed_as_a_second_seed(tmp_path: Path, capsys):
    """What a new user tried: a smoke run at seed 0 offered as xor's second seed. Refused, and so
    is a paper run at the published seed; the record is left as it was."""
    from shared.profiles import profile_config
    from shared.registry import get

    published = write(tmp_path / "a.json", xor_results(0, "2026-01-01T00:00:00Z"))
    smoke = xor_results(0, "2026-01-02T00:00:00Z")
    smoke["profile"] = "smoke"
    smoke["provenance"]["config"] = profile_config(get("xor"), "smoke")  # a genuine smoke file
    same_seed = write(tmp_path / "c.json", xor_results(0, "2026-01-03T00:00:00Z"))
    out = ["--out", str(tmp_path / "records")]
    for second in (write(tmp_path / "b.json", smoke), same_seed):
        assert main(["xor", str(published), str(second), "--kind", "second-seed", *out]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(
        "error: not a second-seed check: the profiles differ (paper and smoke)"
    )
    assert err[1].startswith("error: not a second-seed check: both sides ran seed 0")
    assert read_record("xor", tmp_path / "records") is None


def test_verify_refuses_a_file_whose_config_is_not_its_profile(tmp_path: Path, capsys):
    published = write(tmp_path / "a.json", xor_results(0, "2026-01-01T00:00:00Z"))
    relabelled = xor_results(1, "2026-01-02T00:00:00Z")
    relabelled["provenance"]["config"]["seeds"] = 10  # a short run labelled "paper"
    second = write(tmp_path / "b.json", relabelled)
    assert main(["xor", str(published), str(second), "--kind", "second-seed"]) == 2
    assert "its config differs from that profile's in seeds" in capsys.readouterr().err


def _side(**changes: Any) -> dict[str, Any]:
    side = {
        "commit": "6dc4ee731e9b1623abd509124a80af2708018c2c",
        "dirty": False,
        "platform": "cpu",
        "device": "cpu",
        "seed": 0,
        "seeds": 1000,
        "profile": "paper",
        "versions": {"jax": "0.10.2"},
    }
    return {**side, **changes}


@pytest.mark.parametrize(
    ("kind", "other", "problem"),
    [
        ("regenerated", {}, ""),
        ("regenerated", {"seed": 1}, "the seeds differ (0 and 1)"),
        ("regenerated", {"platform": "gpu"}, "the platforms differ (cpu and gpu)"),
        ("regenerated", {"profile": "smoke"}, "the profiles differ (paper and smoke)"),
        ("regenerated", {"dirty": True}, "uncommitted changes"),
        ("regenerated", {"versions": {"jax": "0.10.3"}}, "the package versions differ"),
        ("second-seed", {"seed": 1}, ""),
        ("second-seed", {}, "both sides ran seed 0"),
        ("second-seed", {"seed": 1, "seeds": 10}, "the seed counts differ (1000 and 10)"),
        ("second-device", {"platform": "gpu", "device": "NVIDIA H100"}, ""),
        ("second-device", {}, "both sides ran on cpu"),
        ("second-device", {"platform": "gpu", "seed": 1}, "the seeds differ (0 and 1)"),
    ],
)
def test_each_kind_is_exactly_its_definition(kind, other, problem):
    found = definition_problem(kind, _side(), _side(**other), "xor")
    assert (problem in found and found) if problem else found == ""


def test_same_code_is_the_same_commit_or_no_change_where_the_numbers_are_made():
    """653e38c changed only the SVM solver: the same code as its parent for xor, not for svm."""
    parent, child = (
        "e168401e84b849e0d659d659b30f6056882c298b",
        "653e38c262e49f6f0c62fc8b8dee638e522c65cf",
    )
    assert same_code(child, child, "svm") == "same commit"
    assert same_code(parent, child, "xor").startswith("same code: no change under shared")
    assert same_code(parent, child, "svm") == ""
    problem = definition_problem(
        "second-seed", _side(commit=parent), _side(commit=child, seed=1), "svm"
    )
    assert problem.startswith("the code differs: commits e168401 and 653e38c change shared")


def test_a_verdict_counts_as_changed_only_when_both_sides_measured_it():
    def check(published: str, other: str) -> ClaimCheck:
        return ClaimCheck(
            "second seed (seed 1)", "second-seed", published, other, None, None, True, "c"
        )

    assert check("reproduced", "partly").changed
    assert (
        not check("not run", "reproduced").changed and not check("not run", "reproduced").verified
    )
    assert (
        str(check("not run", "reproduced")) == "second seed (seed 1): not run here, so not compared"
    )
    assert str(check("partly", "not run")) == "second seed (seed 1): not run there, so not compared"
    assert check("reproduced", "reproduced").verified
    assert not check("not run", "not run").verified


def test_a_regenerated_check_compares_every_value_for_equality(tmp_path: Path):
    a = write(tmp_path / "a.json", xor_results(0, "2026-01-01T00:00:00Z"))
    b = write(tmp_path / "b.json", xor_results(0, "2026-01-02T00:00:00Z", **{"MP-xor-best": 0.74}))
    out = tmp_path / "records"
    assert main(["xor", str(a), str(b), "--kind", "regenerated", "--out", str(out)]) == 0
    (check,) = read_record("xor", out)["checks"]
    identical = {row["id"]: row["identical"] for row in check["claims"]}
    assert identical.pop("MP-xor-best") is False and all(identical.values())
    assert check["code"] == "same commit"
    published = json.loads(a.read_text())
    (best,) = claim_checks(read_record("xor", out), published)["MP-xor-best"]
    assert str(best) == (
        "regenerated on CPU: not reproduced instead of reproduced, value differs (0.74 there)"
    )


def test_every_committed_record_meets_its_definition():
    """Each check of every committed record: the kind's definition holds for the commits,
    profiles, seeds, platforms and versions it stores; its published side is the file the site
    shows; and it covers every claim of that file."""
    from shared.profiles import shown_profiles
    from shared.registry import all_replications

    checked = 0
    for replication in all_replications():
        record = read_record(replication.name)
        if record is None:
            continue
        results = json.loads((RESULTS_DIR / f"{replication.name}.json").read_text())
        for check in record["checks"]:
            first, second = check["first"], check["second"]
            assert definition_problem(check["kind"], first, second, replication.name) == "", (
                replication.name,
                check["kind"],
            )
            assert first["profile"] in shown_profiles(replication)
            assert is_published(first, results) or is_published(second, results)
            ids = {row["id"] for row in results["claims"]}
            assert {row["id"] for row in check["claims"]} == ids
            assert all("identical" in row for row in check["claims"])
            checked += 1
    assert checked, "at least one committed check"
