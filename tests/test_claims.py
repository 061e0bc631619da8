"""Verdict rules and claims.toml validation."""

from __future__ import annotations

import pytest

from shared.claims import Claim, Measurement, Verdict, grade, load_claims
from shared.errors import HypeError
from shared.registry import all_replications


def claim(**fields) -> Claim:
    base = {
        "id": "X-1",
        "statement": "s",
        "source": "src",
        "confidence": "primary",
        "why": "because",
    }
    return Claim(**{**base, **fields})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1425, Verdict.REPRODUCED),
        (1425 * 1.49, Verdict.REPRODUCED),
        (1425 * 1.8, Verdict.PARTLY),
        (1425 * 2.5, Verdict.NOT_REPRODUCED),
        (-200.0, Verdict.NOT_REPRODUCED),
    ],
)
def test_within_relative(value, expected):
    c = claim(rule="within", paper=1425, tolerance=0.5, relative=True, partly_tolerance=1.0)
    assert grade(c, Measurement(value)) == expected


@pytest.mark.parametrize(
    ("rule", "threshold", "partly", "value", "expected"),
    [
        ("at_least", 0.9, 0.6, 0.9, Verdict.REPRODUCED),
        ("at_least", 0.9, 0.6, 0.7, Verdict.PARTLY),
        ("at_least", 0.9, 0.6, 0.59, Verdict.NOT_REPRODUCED),
        ("at_most", 0.1, 0.4, 0.1, Verdict.REPRODUCED),
        ("at_most", 0.1, 0.4, 0.3, Verdict.PARTLY),
        ("at_most", 0.1, 0.4, 0.41, Verdict.NOT_REPRODUCED),
    ],
)
def test_thresholds(rule, threshold, partly, value, expected):
    c = claim(rule=rule, threshold=threshold, partly_threshold=partly)
    assert grade(c, Measurement(value)) == expected


def test_holds_and_not_run():
    c = claim(rule="holds")
    assert grade(c, Measurement(True)) == Verdict.REPRODUCED
    assert grade(c, Measurement(False)) == Verdict.NOT_REPRODUCED
    assert grade(c, Measurement(None, note="dataset missing")) == Verdict.NOT_RUN
    assert grade(c, None) == Verdict.NOT_RUN


def test_a_partly_verdict_names_the_band_it_met() -> None:
    """A citation of a "partly" claim gives the wider band it met, not only the one it missed."""
    from shared.results import claim_rows, json_ready
    from website.report import _verdict_words

    c = claim(rule="within", paper=6.0, tolerance=3.0, partly_tolerance=5.0, unit="x")
    assert c.criterion(partly=True) == "|ours - paper| <= 5 x"
    assert claim(rule="holds").criterion(partly=True) == ""
    (row,) = json_ready(claim_rows([c], {c.id: Measurement(2.84)}))
    assert row["verdict"] == "partly"
    assert _verdict_words(row) == (
        "partly (|ours - paper| <= 5 x, the wider band; |ours - paper| <= 3 x missed)"
    )


def test_runs_that_gave_no_value_are_inconclusive_not_unrun():
    """A claim whose runs were made but gave it no value (every net stalled) is graded
    "inconclusive", survives the results file's round trip as such, and reads "no value" with
    its reason; an inconclusive measurement cannot carry a value."""
    from shared.display import format_ours
    from shared.results import CLAIM, claim_rows, json_ready, problem, regrade

    c = claim(rule="within", paper=2.0, tolerance=0.5)
    stalled = Measurement(None, note="every run stalled at chance", inconclusive=True)
    assert grade(c, stalled) == Verdict.INCONCLUSIVE
    (row,) = json_ready(claim_rows([c], {c.id: stalled}))
    assert problem(row, CLAIM) is None
    assert row["verdict"] == "inconclusive"
    assert format_ours(row) == "no value (every run stalled at chance)"
    results = {"profile": "paper", "claims": [row]}
    assert regrade(results, [c])["claims"][0]["verdict"] == "inconclusive"
    assert "inconclusive" not in Measurement(None, note="not run yet").as_dict()
    with pytest.raises(ValueError, match="no value"):
        Measurement(1.0, inconclusive=True)


def test_a_claim_not_run_says_so_once() -> None:
    """ "not run (data missing)", but a note that already says it is not repeated ("not run
    (not run yet: ...)" read on the AlexNet page while its stages ran)."""
    from shared.display import format_ours
    from shared.results import claim_rows, json_ready

    c = claim(rule="within", paper=2.0, tolerance=0.5)
    for note, text in (
        ("not run yet: 5 of 9 jobs done", "not run yet: 5 of 9 jobs done"),
        ("data missing", "not run (data missing)"),
        (None, "not run"),
    ):
        (row,) = json_ready(claim_rows([c], {c.id: Measurement(None, note=note)}))
        assert format_ours(row) == text


def test_nan_is_an_error_not_a_verdict():
    with pytest.raises(HypeError, match="NaN"):
        grade(claim(rule="at_most", threshold=1.0), Measurement(float("nan")))


def test_load_claims_refuses_missing_reason(tmp_path):
    path = tmp_path / "claims.toml"
    path.write_text(
        '[[claim]]\nid="A"\nstatement="s"\nsource="x"\nconfidence="primary"\nrule="holds"\nwhy=""\n'
    )
    with pytest.raises(HypeError, match="why"):
        load_claims(path)


def test_load_claims_refuses_within_without_tolerance(tmp_path):
    path = tmp_path / "claims.toml"
    path.write_text(
        '[[claim]]\nid="A"\nstatement="s"\nsource="x"\nconfidence="primary"\nrule="within"\n'
        'paper=3\nwhy="w"\n'
    )
    with pytest.raises(HypeError, match="tolerance"):
        load_claims(path)


def test_load_claims_refuses_duplicates_and_bad_toml(tmp_path):
    entry = (
        '[[claim]]\nid="A"\nstatement="s"\nsource="x"\nconfidence="primary"\nrule="holds"\n'
        'why="w"\n'
    )
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


FORMULA_CLAIM = """[[claim]]
id = "T-glass"
statement = "glass: test-set error"
source = "Breiman 2001, Table 2"
confidence = "secondary"
paper = 22.0
unit = "%"
rule = "within"
tolerance_from = {{ formula = "error_rate_gap", error = 22.0, hold_outs = {hold_outs}, cases = 21 }}
why = "the same protocol as the paper's"
"""


def test_a_formula_tolerance_is_computed_and_shows_its_working(tmp_path):
    path = tmp_path / "claims.toml"
    path.write_text(FORMULA_CLAIM.format(hold_outs=100))
    (c,) = load_claims(path)
    # sqrt(0.22 * 0.78 / 2100) = 0.904 pp per mean; 2 x sqrt(2) x 0.904 = 2.56 -> 2.6
    assert (c.tolerance, c.partly_tolerance) == (2.6, 5.2)
    assert c.why.startswith(
        "binomial standard error of a 22% mean test error over 100 hold-outs of 21 cases"
    )
    assert c.why.endswith("The same protocol as the paper's")
    assert grade(c, Measurement(23.5)) is Verdict.REPRODUCED
    path.write_text(FORMULA_CLAIM.format(hold_outs=1000))  # ten times the cases: a tighter band
    (tighter,) = load_claims(path)
    assert tighter.tolerance == 0.8 and grade(tighter, Measurement(23.5)) is Verdict.PARTLY


def test_noise_increase_formula_matches_the_written_working():
    from shared.tolerances import noise_increase

    # Breast cancer, Table 5: clean 3.2%, 70 cases, 20 of our hold-outs against the paper's 100.
    tolerance, partly, working = noise_increase(clean_error=3.2, cases=70, hold_outs=20)
    assert (tolerance, partly) == (45.5, 91.0)
    assert "20.8 points over our 20 hold-outs, 9.3 over the paper's 100" in working


@pytest.mark.parametrize(
    "extra, message",
    [
        ("tolerance = 1.0\n", "both tolerance_from and a typed tolerance"),
        ("", "unknown formula 'guess'"),
        ("", "unexpected keyword argument 'errors'"),
    ],
)
def test_a_bad_formula_is_a_clear_error(tmp_path, extra, message):
    text = FORMULA_CLAIM.format(hold_outs=100) + extra
    if "guess" in message:
        text = text.replace('"error_rate_gap"', '"guess"')
    if "errors" in message:
        text = text.replace("error = 22.0", "errors = 22.0")
    path = tmp_path / "claims.toml"
    path.write_text(text)
    with pytest.raises(HypeError, match=message):
        load_claims(path)


# --- substitute setups ----------------------------------------------------------------------------


def test_a_claim_on_a_substitute_setup_never_reads_reproduced():
    """Whatever the rule gives on the substitute, the verdict shown is ``substitute``, for the
    profiles the marker names; where the paper's own setup is run, the rule's verdict stands."""
    from shared.claims import label

    marked = claim(
        rule="holds",
        substitute={"paper": "their net", "ours": "a small net", "profiles": ["cpu"]},
    )
    for rule_verdict in ("reproduced", "partly", "not reproduced"):
        assert label(marked, rule_verdict, "cpu") == "substitute"
        assert label(marked, rule_verdict, "paper") == rule_verdict
    assert label(marked, "not run", "cpu") == "not run"  # nothing measured, nothing substituted
    assert label(marked, "inconclusive", "cpu") == "inconclusive"
    everywhere = claim(rule="holds", substitute={"paper": "100 trees", "ours": "50 trees"})
    assert everywhere.substituted("paper") == {"paper": "100 trees", "ours": "50 trees"}
    assert label(claim(rule="holds"), "reproduced", "cpu") == "reproduced"


def test_a_substitute_marker_must_say_both_setups(tmp_path):
    path = tmp_path / "claims.toml"
    path.write_text(
        '[[claim]]\nid = "X-1"\nstatement = "s"\nsource = "p"\nconfidence = "primary"\n'
        'rule = "holds"\nwhy = "w"\nsubstitute = { paper = "their net" }\n'
    )
    with pytest.raises(HypeError, match="substitute needs 'paper' and 'ours'"):
        load_claims(path)


def test_the_cifar_claims_are_substitutes_only_in_the_cpu_profile():
    from shared.registry import get

    claims = {c.id: c for c in load_claims(get("adversarial").claims_file)}
    for claim_id in ("GSS-cifar", "GSS-cifar-conf"):
        assert claims[claim_id].substituted("cpu")["ours"].startswith("the AlexNet replication's")
        assert claims[claim_id].substituted("paper") is None  # the paper profile runs their net
