"""Verdict rules and claims.toml validation."""

from __future__ import annotations

import pytest

from shared.claims import Claim, Measurement, Verdict, grade, load_claims
from shared.errors import HypeError
from shared.registry import all_replications


def claim(**fields) -> Claim:
    base = {"id": "X-1", "statement": "s", "source": "src", "confidence": "primary", "why": "because"}
    return Claim(**{**base, **fields})


@pytest.mark.parametrize(("value", "expected"), [
    (1425, Verdict.REPRODUCED), (1425 * 1.49, Verdict.REPRODUCED), (1425 * 1.8, Verdict.PARTLY),
    (1425 * 2.5, Verdict.NOT_REPRODUCED), (-200.0, Verdict.NOT_REPRODUCED),
])
def test_within_relative(value, expected):
    c = claim(rule="within", paper=1425, tolerance=0.5, relative=True, partly_tolerance=1.0)
    assert grade(c, Measurement(value)) == expected


@pytest.mark.parametrize(("rule", "threshold", "partly", "value", "expected"), [
    ("at_least", 0.9, 0.6, 0.9, Verdict.REPRODUCED), ("at_least", 0.9, 0.6, 0.7, Verdict.PARTLY),
    ("at_least", 0.9, 0.6, 0.59, Verdict.NOT_REPRODUCED),
    ("at_most", 0.1, 0.4, 0.1, Verdict.REPRODUCED), ("at_most", 0.1, 0.4, 0.3, Verdict.PARTLY),
    ("at_most", 0.1, 0.4, 0.41, Verdict.NOT_REPRODUCED),
])
def test_thresholds(rule, threshold, partly, value, expected):
    c = claim(rule=rule, threshold=threshold, partly_threshold=partly)
    assert grade(c, Measurement(value)) == expected


def test_holds_and_not_run():
    c = claim(rule="holds")
    assert grade(c, Measurement(True)) == Verdict.REPRODUCED
    assert grade(c, Measurement(False)) == Verdict.NOT_REPRODUCED
    assert grade(c, Measurement(None, note="dataset missing")) == Verdict.NOT_RUN
    assert grade(c, None) == Verdict.NOT_RUN


def test_nan_is_an_error_not_a_verdict():
    with pytest.raises(HypeError, match="NaN"):
        grade(claim(rule="at_most", threshold=1.0), Measurement(float("nan")))


def test_load_claims_refuses_missing_reason(tmp_path):
    path = tmp_path / "claims.toml"
    path.write_text('[[claim]]\nid="A"\nstatement="s"\nsource="x"\nconfidence="primary"\nrule="holds"\nwhy=""\n')
    with pytest.raises(HypeError, match="why"):
        load_claims(path)


def test_load_claims_refuses_within_without_tolerance(tmp_path):
    path = tmp_path / "claims.toml"
    path.write_text('[[claim]]\nid="A"\nstatement="s"\nsource="x"\nconfidence="primary"\nrule="within"\n'
                    'paper=3\nwhy="w"\n')
    with pytest.raises(HypeError, match="tolerance"):
        load_claims(path)


def test_load_claims_refuses_duplicates_and_bad_toml(tmp_path):
    entry = '[[claim]]\nid="A"\nstatement="s"\nsource="x"\nconfidence="primary"\nrule="holds"\nwhy="w"\n'
    path = tmp_path / "claims.toml"
    path.write_text(entry + entry)
    with pytest.raises(HypeError, match="duplicate"):
        load_claims(path)
    path.write_text("[[claim]\n")
    with pytest.raises(HypeError, match="TOML"):
        load_claims(path)


@pytest.mark.parametrize("replication", all_replications(), ids=lambda r: r.name)
def test_every_claims_file_is_valid(replication):
    claims = load_claims(replication.claims_file)
    assert claims, f"{replication.name} has no claims"
