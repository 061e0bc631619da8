"""Profiles: a results file is what its profile says, and a stand-in is published under its name."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest

from shared import destinations
from shared.errors import HypeError
from shared.profiles import check_profile, profile_config, publishable, shown_profiles, stand_in
from shared.registry import RESULTS_DIR, all_replications, get
from website.report import write_site_fragments


def _copy(results_dir: Path, name: str, **changes) -> Path:
    results = json.loads((RESULTS_DIR / f"{name}.json").read_text())
    for key, value in changes.items():
        results[key] = value
    results_dir.mkdir(exist_ok=True)
    path = results_dir / f"{name}.json"
    path.write_text(json.dumps(results))
    return path


def test_the_build_refuses_a_file_whose_config_is_not_its_profile(tmp_path: Path):
    path = _copy(tmp_path / "results", "xor")
    results = json.loads(path.read_text())
    results["provenance"]["config"]["seeds"] = 10  # a shortened run, still labelled "paper"
    path.write_text(json.dumps(results))
    with pytest.raises(HypeError) as error:
        write_site_fragments(tmp_path / "results", tmp_path / "docs")
    assert str(error.value) == (
        f"{path} says profile 'paper', but its config differs from that profile's in seeds "
        "-> re-run it: nox -s replicate-xor -- --profile paper"
    )


def test_the_build_refuses_a_profile_the_site_does_not_show(tmp_path: Path):
    path = _copy(tmp_path / "results", "xor", profile="smoke")
    with pytest.raises(HypeError, match="holds a 'smoke' run; the site shows paper runs of xor"):
        write_site_fragments(tmp_path / "results", tmp_path / "docs")
    assert path.exists()


def test_every_published_file_is_what_its_profile_says():
    published = [r for r in all_replications() if (RESULTS_DIR / f"{r.name}.json").exists()]
    assert published
    for r in published:
        path = RESULTS_DIR / f"{r.name}.json"
        results = json.loads(path.read_text())
        check_profile(results, path)  # raises if not
        assert results["profile"] in shown_profiles(r)
        assert f"--profile {results['profile']} " in results["provenance"]["command"] + " "


def test_a_stand_in_is_published_until_a_paper_run_is_never_over_one(tmp_path: Path):
    adversarial = get("adversarial")
    assert stand_in(adversarial) == "cpu" and stand_in(get("xor")) is None
    assert publishable(adversarial, tmp_path) == ("paper", "cpu")  # nothing published yet
    (tmp_path / "adversarial.json").write_text(json.dumps({"profile": "cpu"}))
    assert publishable(adversarial, tmp_path) == ("paper", "cpu")  # a cpu run may replace a cpu run
    (tmp_path / "adversarial.json").write_text(json.dumps({"profile": "paper"}))
    assert publishable(adversarial, tmp_path) == ("paper",)  # never over the paper's
    assert publishable(get("xor"), tmp_path) == ("paper",)


def test_a_paper_run_with_nothing_measured_yet_leaves_the_stand_in_on_the_site(tmp_path: Path):
    """A long paper run stopped before any stage finished would put "not run yet" over every
    number the stand-in gives the site: it goes to runs/ until one of its claims is measured."""
    adversarial = get("adversarial")
    shown = tmp_path / "adversarial.json"
    shown.write_text(json.dumps({"profile": "cpu"}))
    where = destinations.Destination(shown, tmp_path / "figures", True, "published")
    claims = [{"id": "ADV-a", "ours": {"value": None}}, {"id": "ADV-b", "ours": None}]
    stopped = {"profile": "paper", "claims": claims, "provenance": {"base_seed": 0}}
    held = destinations.hold_back(adversarial, where, stopped)
    assert (
        not held.published and held.results.parent.parent == destinations.RUNS_DIR / "adversarial"
    )
    assert held.results.parent.name.endswith("-paper-seed0") and "keeps the cpu" in held.reason
    claims[0]["ours"] = {"value": 1.5}  # one stage in: the paper run replaces the stand-in
    assert destinations.hold_back(adversarial, where, stopped) == where
    claims[0]["ours"] = {"value": None}
    shown.write_text(json.dumps({"profile": "paper", "claims": []}))  # nothing to lose
    assert destinations.hold_back(adversarial, where, stopped) == where
    # Over a paper run that measured more (a run started again under a new job key): held.
    shown.write_text(json.dumps({"profile": "paper", "claims": [{"ours": {"value": 2.0}}]}))
    held = destinations.hold_back(adversarial, where, stopped)
    assert not held.published and "measured 0 claims and the published one 1" in held.reason
    claims[0]["ours"] = {"value": 1.5}  # as many: the newer run replaces it
    assert destinations.hold_back(adversarial, where, stopped) == where
    claims[0]["ours"] = {"value": None}
    shown.unlink()  # nothing published yet
    assert destinations.hold_back(adversarial, where, stopped) == where


@pytest.mark.parametrize(
    ("name", "paper_out", "published"),
    [("adversarial", False, True), ("adversarial", True, False), ("xor", False, False)],
)
def test_the_stand_in_goes_to_the_site_only_where_it_is_declared(
    name, paper_out, published, tmp_path: Path, monkeypatch
):
    """A stand-in is published only by a replication that declares one, and only while no
    ``paper`` run is (``paper_out``: one is, in a results folder of the test's own)."""
    if paper_out:
        (tmp_path / f"{name}.json").write_text(json.dumps({"profile": "paper"}))
    monkeypatch.setattr(destinations, "publishable", lambda r: publishable(r, tmp_path))
    where = destinations.choose(
        get(name), profile="cpu", seed=0, n_seeds=None, dirty=False, publish=False
    )
    assert where.published == published
    assert (
        where.results == RESULTS_DIR / f"{name}.json"
        if published
        else "not published" in where.reason
    )


def _as_stand_in(results: dict, config: dict) -> dict:
    """A published ``paper`` file relabelled as the ``cpu`` stand-in run would be: the labels
    are what is tested here, not the numbers."""
    argv = ["replicate", "adversarial", "--profile", "cpu", "--seed", "0"]
    provenance = {
        **results["provenance"],
        "config": config,
        "argv": argv,
        "command": "nox -s replicate-adversarial -- --profile cpu --seed 0",
    }
    return {**results, "profile": "cpu", "provenance": {**provenance, "profile": "cpu"}}


def test_a_stand_in_run_is_labelled_everywhere_a_reader_looks(tmp_path: Path):
    """The adversarial files, page top, claim rows, citations, provenance, figure captions and
    landing row agree on the profile the numbers were made with."""
    from shared.claims import load_claims
    from shared.results import regrade
    from website.report import (
        claims_table,
        draw_figures,
        held_table,
        label_rows,
        profile_banner,
        provenance_block,
        summary_table,
    )
    from website.verification import read_record

    adversarial = get("adversarial")
    stored = json.loads((RESULTS_DIR / "adversarial.json").read_text())
    if stored["profile"] == "paper":  # the stand-in was replaced: label its numbers as a cpu run's
        stored = _as_stand_in(stored, profile_config(adversarial, "cpu"))
    assert stored["profile"] == "cpu"
    assert stored["provenance"]["config"] == profile_config(adversarial, "cpu")
    command = stored["provenance"]["command"]
    assert command == "nox -s replicate-adversarial -- --profile cpu --seed 0"
    claims = load_claims(adversarial.claims_file)
    results = label_rows(regrade(stored, claims), {c.id: c for c in claims})
    assert "the `cpu` profile, not the papers' recipes" in profile_banner(results)
    assert command in profile_banner(results)
    assert "| profile | `cpu` (shortened CPU settings, standing in for `paper`) |" in (
        provenance_block(results)
    )
    table = claims_table(results, read_record("adversarial"))
    rows = [line for line in table.splitlines() if line.startswith("| <span id=")]
    assert len(rows) == len(results["claims"])
    measured = [line for line in rows if 'title="not run"' not in line]
    assert len(measured) >= len(rows) - 2  # at most the CIFAR-10 pair, which a CPU may not run
    for line in measured:  # every value says which run made it
        assert "`cpu` profile: shortened CPU settings" in line
        assert "Run: shortened CPU settings (the `cpu` profile)" in html.unescape(line)
        assert command in html.unescape(line)
    held = held_table({"adversarial": results}, [adversarial], {"adversarial": None})
    row = next(line for line in held.splitlines() if "adversarial.md" in line)
    assert "shortened CPU settings (the `cpu` profile)" in row and command in row
    summary = summary_table({"adversarial": results}, [adversarial])
    tally = next(line for line in summary.splitlines() if line.startswith("| 2013 |"))
    assert "`cpu` profile: shortened CPU settings" in tally
    folded = [line for line in summary.splitlines() if line.startswith("    | [")]
    assert len(folded) == len(results["claims"])
    for line in folded:  # every value, "not run" ones aside, says which run made it
        assert "`cpu` profile: shortened CPU settings" in line or "not run" in line
    captions = draw_figures(adversarial, results, tmp_path).values()
    assert captions and all("The `cpu` profile: shortened CPU settings" in c for c in captions)
