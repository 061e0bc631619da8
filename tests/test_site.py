"""The site: fragments are generated from the results files and the build is strict."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from shared.display import fmt
from shared.errors import HypeError
from shared.registry import RESULTS_DIR, ROOT, all_replications, get
from website.performance import performance_table
from website.report import (
    GENERATED,
    HEADLINES,
    _latex,
    anchor,
    citation_bibtex,
    claims_table,
    held_table,
    included_fragments,
    page_link,
    write_site_fragments,
)
from website.verification import claim_checks, read_record

mkdocs = shutil.which("mkdocs") or (
    shutil.which("mkdocs", path=str(__import__("pathlib").Path(sys.executable).parent))
)


def test_fmt():
    assert fmt(1425) == "1,425"
    assert fmt(0.062345) == "0.0623"
    assert fmt(12.3456, 3) == "12.3"
    assert fmt(None) == "–" and fmt(True) == "yes" and fmt("text") == "text"


def test_anchor_is_stable():
    assert anchor("RHW-sym-sweeps") == "rhw-sym-sweeps"
    assert anchor("SZ-T1-FC10-1e-4") == "sz-t1-fc10-1e-4"


def test_claims_table_has_a_row_and_anchor_per_claim():
    provenance = {
        "git": {"commit": "c0ffee" * 6 + "abcd", "dirty": True},
        "finished_utc": "2026-01-02T03:04:05Z",
        "datasets_sha256": {},
    }
    results = {
        "replication": "no_silver_bullet",
        "profile": "paper",
        "provenance": provenance,
        "claims": [
            {
                "id": "NSB-1.1",
                "statement": "s | t",
                "source": "p. 1",
                "confidence": "uncertain",
                "paper": 0.5,
                "unit": "",
                "rule": "within",
                "criterion": "c",
                "why": "w",
                "digits": 3,
                "percent": True,
                "verdict": "partly",
                "ours": {"value": 0.56, "std": 0.01, "n": 10, "note": ""},
            }
        ],
    }
    table = claims_table(results)
    assert 'id="nsb-1-1"' in table and 'id="NSB-1.1"' in table  # as written, and as an anchor
    assert "56.0%" in table and "50%" in table and "s \\| t" in table
    assert "partly" in table and "uncertain" in table and "not yet checked" in table
    words = (
        "n = 10 seeds, each a fresh draw of the data and of every model; ± is the standard "
        "deviation of the error over the seeds (standard error of the mean 0.32%, the ± over the "
        "square root of n)"
    )
    assert f"56.0% ± 1%<br><small>{words}</small>" in table  # in the row
    text = html.unescape(table)  # the citation is entity-escaped inside the table cell
    assert f"Ours: 56.0% ± 1% ({words}); paper: 50% (uncertain: from recall or disputed)" in text
    assert (
        f"Commit {'c0ffee' * 6}abcd (with uncommitted changes), page no_silver_bullet/#nsb-1-1."
        in text
    )
    assert "Key: " in table and "from recall or disputed, not read from the paper" in table


@pytest.mark.skipif(
    mkdocs is None, reason="the site extra is not installed (nox -s tests installs it)"
)
def test_site_builds_strictly(tmp_path):
    written = write_site_fragments()  # the figures too: the build draws them, none is committed
    assert (GENERATED / "summary.md") in written
    assert all(path.exists() for path in written if path.suffix == ".png")
    drawn = {path.parent.name for path in written if path.suffix == ".png"}
    published = {
        r.name
        for r in all_replications()
        if r.has("figures") and (RESULTS_DIR / f"{r.name}.json").exists()
    }
    # every published run's figures; a run carried across sessions draws a stage's once it is in
    running = {
        name
        for name in published
        if json.loads((RESULTS_DIR / f"{name}.json").read_text())["tables"].get("pending")
    }
    assert published - running <= drawn <= published
    for fragment in included_fragments():
        assert (GENERATED.parent / fragment).exists(), fragment
    build = subprocess.run(
        [mkdocs, "build", "--strict", "-q", "-f", "site/mkdocs.yml", "-d", str(tmp_path / "out")],
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    assert (tmp_path / "out" / "index.html").exists()


def _cifar_measured(results: dict) -> dict:
    """The results with their CIFAR-10 claims measured, as a GPU run measures them (a run on a
    CPU leaves them "not run", and a claim with no number carries no caveat)."""
    for row in results["claims"]:
        if row.get("data") == "cifar10" and row["ours"].get("value") is None:
            row["ours"] = {**row["ours"], "value": 90.0, "n": 1, "std": None}
            row["verdict"] = "reproduced"
    return results


def test_numbers_on_the_jpeg_degraded_copy_carry_the_caveat():
    from shared.claims import load_claims
    from shared.registry import get
    from shared.results import regrade
    from website.report import CAVEAT, claims_table

    stored = json.loads((RESULTS_DIR / "adversarial.json").read_text())
    claims = load_claims(get("adversarial").claims_file)
    unmeasured = regrade(stored, claims)
    unmeasured["claims"] = [
        row for row in unmeasured["claims"] if row["id"].startswith("GSS-cifar")
    ]
    for row in unmeasured["claims"]:
        row["ours"], row["verdict"] = {"value": None}, "not run"
    unmeasured["provenance"]["datasets_sha256"] = {"cifar10_jpeg_lossy/test_batch.bin": "ab" * 32}
    assert CAVEAT not in claims_table(unmeasured)  # no number, nothing to caveat
    results = regrade(_cifar_measured(regrade(stored, claims)), claims)  # as the site build does
    results["provenance"]["datasets_sha256"] = {"cifar10_jpeg_lossy/test_batch.bin": "ab" * 32}
    table = claims_table(results)
    flagged = [line for line in table.splitlines() if CAVEAT in line]
    assert len(flagged) == 2 and all("GSS-cifar" in line for line in flagged)
    results["provenance"]["datasets_sha256"] = {
        "cifar10/test_batch.bin": "ab" * 32
    }  # the genuine data
    assert CAVEAT not in claims_table(results)


def test_a_changed_tolerance_changes_the_page_without_a_rerun():
    """Grading happens when the site is built: the stored measurement, today's claims.toml."""
    import dataclasses

    from shared.claims import load_claims
    from shared.registry import get
    from shared.results import regrade
    from website.report import claims_table

    stored = json.loads((RESULTS_DIR / "xor.json").read_text())
    claims = load_claims(get("xor").claims_file)
    before = claims_table(regrade(stored, claims))
    stricter = [dataclasses.replace(c, paper=0.8) if c.id == "MP-xor-best" else c for c in claims]
    after = claims_table(regrade(stored, stricter))
    row = lambda table: next(line for line in table.splitlines() if "**MP-xor-best**" in line)  # noqa: E731
    assert "not reproduced" not in row(before) and "not reproduced" in row(after)
    assert "80%" in row(after) and "75%" in row(before)


def test_a_reworded_claim_shows_what_was_measured():
    import dataclasses

    from shared.claims import load_claims
    from shared.registry import get
    from shared.results import regrade
    from website.report import claims_table

    stored = json.loads((RESULTS_DIR / "xor.json").read_text())
    claims = [
        dataclasses.replace(c, statement="A new wording.") if c.id == "MP-xor-best" else c
        for c in load_claims(get("xor").claims_file)
    ]
    row = next(
        line
        for line in claims_table(regrade(stored, claims)).splitlines()
        if "**MP-xor-best**" in line
    )
    assert "A new wording." in row and "measured as worded at run time" in row
    citation = html.unescape(row)  # the citation says what the number was measured as, too
    assert (
        'Ours: 75% (n = 1: a single run, no spread), measured as worded at run time: "The best'
        in (citation)
    )


def committed_results() -> dict[str, dict]:
    """Every committed results file of the site, by replication, regraded as the site build does."""
    from website.report import _load_published_results

    return {
        r.name: results
        for r in all_replications()
        if (results := _load_published_results(r)) is not None
    }


def test_every_replication_has_a_headline_claim_that_exists():
    from shared.claims import load_claims

    replications = all_replications()
    assert set(HEADLINES) == {r.name for r in replications}
    loaded = committed_results()
    for r in replications:
        ids = (
            {row["id"] for row in loaded[r.name]["claims"]}
            if r.name in loaded
            else {c.id for c in load_claims(r.claims_file)}
        )
        assert HEADLINES[r.name] in ids, (r.name, HEADLINES[r.name])


def test_the_landing_page_says_what_held_per_era_first():
    replications = all_replications()
    loaded = committed_results()
    records = {r.name: read_record(r.name) for r in replications}
    table = held_table(loaded, replications, records)
    rows = [line for line in table.splitlines() if line.startswith("| **")]
    assert len(rows) == len(replications)  # one line per era, in the history's order
    for r, line in zip(replications, rows, strict=True):
        assert f"**{r.year}** · [{r.title}]({r.name}.md)" in line
        assert HEADLINES[r.name] in line
        if r.name in loaded:
            assert f"({r.name}.md#{anchor(HEADLINES[r.name])})" in line
            counts = re.findall(r"\} (\d+)</span>", line)
            assert sum(map(int, counts)) == len(loaded[r.name]["claims"])
        else:
            assert "not run yet" in line
    assert "**Checked twice so far:**" in table
    index = (ROOT / "site" / "docs" / "index.md").read_text()
    assert index.index("_generated/held.md") < index.index("_generated/no_silver_bullet/matrix.md")


def test_a_headline_on_degraded_data_carries_its_caveat(monkeypatch):
    from website.report import CAVEAT

    results = _cifar_measured(committed_results()["adversarial"])
    results["provenance"]["datasets_sha256"] = {"cifar10_jpeg_lossy/test_batch.bin": "ab" * 32}
    replications = [r for r in all_replications() if r.name == "adversarial"]
    monkeypatch.setitem(HEADLINES, "adversarial", "GSS-cifar")  # a CIFAR-10 claim as the headline
    assert CAVEAT in held_table({"adversarial": results}, replications, {"adversarial": None})


def test_every_claim_row_has_a_citation_with_its_anchor_and_commit():
    """Tolerance-free: for every committed results file, every row of its claims table holds the
    row anchor, a citation keyed to it, the page link and the run's commit, as text and BibTeX."""
    for name, results in committed_results().items():
        table = claims_table(results, read_record(name))
        rows = [line for line in table.splitlines() if line.startswith('| <span id="')]
        assert len(rows) == len(results["claims"]), name
        commit = results["provenance"]["git"]["commit"]
        for row, line in zip(results["claims"], rows, strict=True):
            key = anchor(row["id"])
            assert line.startswith(
                f'| <span id="{row["id"]}"></span><span id="{key}" class="claim-id">'
                f"**{row['id']}**</span>"
            )
            assert f'<details class="cite" id="cite-{key}">' in line
            text, bibtex = (
                html.unescape(block)
                for block in re.findall(r'<pre id="cite-[^"]+"><code>(.*?)</code></pre>', line)
            )
            assert f"Claim {row['id']}:" in text and f"Commit {commit}" in text
            assert text.endswith(f"page {page_link(name, row['id'])}.")
            assert bibtex.startswith(f"@misc{{hype:{row['id']},")
            assert f"Commit {commit}" in bibtex and _latex(page_link(name, row["id"])) in bibtex
            assert row["verdict"] in text and row["verdict"] in bibtex


def test_bibtex_fields_escape_latex():
    assert _latex("50% of a_b & #1 {x} ~ ^ $") == r"50\% of a\_b \& \#1 \{x\} \~{} \^{} \$"
    assert _latex("± § α η é – 1.5×") == r"$\pm$ \S{} $\alpha$ $\eta$ \'{e} -- 1.5$\times$"
    with pytest.raises(HypeError, match="no LaTeX for"):
        _latex("☃")
    results = committed_results()["perceptron"]
    entry = citation_bibtex(results, results["claims"][0], [])
    escaped = entry.count("\\{"), entry.count("\\}")
    assert entry.count("{") - escaped[0] == entry.count("}") - escaped[1]  # balanced braces


def test_every_bibtex_entry_is_ascii():
    """Classic BibTeX reads bytes: every claim's entry, on every page, is plain ASCII."""
    for name, results in committed_results().items():
        checks = claim_checks(read_record(name), results)
        for row in results["claims"]:
            entry = citation_bibtex(results, row, checks.get(row["id"], []))
            assert entry.isascii(), (name, row["id"], [ch for ch in entry if not ch.isascii()])


def test_no_placeholder_address_anywhere_a_reader_sees():
    for path in ("site/mkdocs.yml", "site/docs/cite.md", "CITATION.cff", "README.md"):
        text = (ROOT / path).read_text()
        assert "example.org" not in text and "example.com" not in text, path
    assert page_link("xor", "MP-xor-lp") == "xor/#mp-xor-lp"  # no site_url: the path on the site


def test_claim_rows_show_what_their_record_says():
    results = committed_results()["xor"]
    record = read_record("xor")
    assert record is not None  # the committed second-seed check of xor
    table = claims_table(results, record)
    both = "second seed (seed 1): same verdict; regenerated on CPU: same verdict, identical value"
    assert table.count(f"{both}</small>") == len(results["claims"])
    assert "not yet checked</small>" not in table
    assert "- second seed (seed 1): 6 of 6 verdicts the same" in table
    assert "- regenerated on CPU: 6 of 6 values identical, 6 of 6 verdicts the same" in table


def test_figures_are_drawn_by_the_build_so_a_caption_needs_no_run(tmp_path, monkeypatch):
    """Drawing happens when the site is built, as grading does: each published results file's
    figures are drawn by today's figures.py into docs/figures/<name>/, and the page's captions
    are the ones make_figures returns, whether the file stored captions of its own or not."""
    from shared.claims import load_claims
    from shared.registry import get
    from shared.results import regrade

    xor = get("xor")
    figures = xor.module("figures")
    results_dir, docs = tmp_path / "results", tmp_path / "docs"
    results_dir.mkdir()
    stored = json.loads((RESULTS_DIR / "xor.json").read_text())
    stored.pop("figures", None)  # as a run writes it now: no captions in the results file
    (results_dir / "xor.json").write_text(json.dumps(stored))

    written = write_site_fragments(results_dir, docs)
    expected = figures.make_figures(
        regrade(stored, load_claims(xor.claims_file)), tmp_path / "direct"
    )
    assert expected, "xor draws figures"
    page = (docs / "_generated" / "xor" / "figures.md").read_text()
    for path, caption in expected.items():
        built = docs / "figures" / "xor" / path.name
        assert built in written and built.read_bytes() == path.read_bytes()  # same bytes every draw
        assert (
            f"![{caption}](figures/xor/{path.name})" in page
            and f"/// caption\n{caption}\n///" in page
        )

    # An older file that stored its captions, and a figure dropped since: neither survives the
    # build.
    stored["figures"] = {path.name: "A caption from the day of the run." for path in expected}
    (results_dir / "xor.json").write_text(json.dumps(stored))
    (docs / "figures" / "xor" / "dropped.png").write_bytes(b"old")
    seen, draw = [], figures.make_figures

    def recaptioned(results, outdir):  # today's figures.py with an edited caption
        seen.append(results)
        return {path: f"Today's caption for {path.name}." for path in draw(results, outdir)}

    monkeypatch.setattr(figures, "make_figures", recaptioned)
    write_site_fragments(results_dir, docs)
    page = (docs / "_generated" / "xor" / "figures.md").read_text()
    assert "A caption from the day of the run." not in page
    assert all(f"Today's caption for {path.name}." in page for path in expected)
    assert sorted(p.name for p in (docs / "figures" / "xor").iterdir()) == sorted(
        p.name for p in expected
    )
    # drawn from the regraded results (today's verdicts), never from the stored captions
    assert seen[0]["claims"] == regrade(stored, load_claims(xor.claims_file))["claims"]
    assert "figures" not in seen[0]


def _bench_record(ratios):
    return {
        "schema": 1,
        "replication": "svm",
        "bench": {
            "ratios": ratios,
            "load_average_1_5_15_min": [0.25, 0.5, 0.75],
            "measured_utc": "2026-11-30 08:00",
        },
        "provenance": {
            "git": {"commit": "0123456789abcdef", "dirty": False},
            "device": {"count": 1, "kind": "cpu", "cpu": "AMD EPYC", "cpu_count": 2},
        },
    }


def test_the_performance_page_shows_every_published_ratio_with_its_conditions(tmp_path):
    """One row per ratio, with the device, date, load and commit; an older bench file without
    ratios is refused with the command that rewrites it, never half-shown."""
    assert "Not run yet" in performance_table(tmp_path)
    ratios = [
        {"what": "USPS fit", "ours": 2.0, "peer": 4.0, "unit": "s", "peer_name": "libsvm"},
        {"what": "60,000 digits", "ours": 100.0, "peer": 50.0, "unit": "s", "peer_name": "x"},
    ]
    ratios[0]["ratio"], ratios[1]["ratio"], ratios[1]["extrapolated"] = 2.0, 0.5, True
    (tmp_path / "svm-cpu.json").write_text(json.dumps(_bench_record(ratios)))
    table = performance_table(tmp_path)
    rows = [line for line in table.splitlines() if line.startswith("| svm")]
    assert len(rows) == 2
    assert rows[0].startswith("| svm: USPS fit | **2.00x** |")  # the ratio second: it stays in view
    assert "2 s" in rows[0] and "4 s: libsvm" in rows[0]
    assert "extrapolated (the fit is not recorded)" in rows[1] and "**0.50x**" in rows[1]
    assert all("2026-11-30 08:00, load 0.25, `0123456`" in r for r in rows)
    assert all("AMD EPYC, 2 cores" in r and "ours 2 cores" in r for r in rows)
    old = _bench_record([])
    del old["bench"]["ratios"]
    (tmp_path / "svm-cpu.json").write_text(json.dumps(old))
    with pytest.raises(HypeError, match="nox -s bench -- svm --publish"):
        performance_table(tmp_path)


def test_the_published_bench_rows_say_how_each_number_was_derived():
    """Scaled, extrapolated (exponent and measured sizes), taken from another run (its commit),
    cores per side and the CPU model, from the committed bench records."""
    table = performance_table(RESULTS_DIR / "bench")
    rows = {line.split(" | ")[0]: line for line in table.splitlines() if line.startswith("| ")}
    alexnet = {key: line for key, line in rows.items() if key.startswith("| alexnet")}
    epoch = next(line for key, line in alexnet.items() if "epoch" in key)  # its scaled epoch
    assert "both sides scaled up from 24 timed steps (3,072 images) to the epoch" in epoch
    assert "peer 2 threads" in epoch
    full = next(line for key, line in rows.items() if "60,000 digits" in key)
    mnist = json.loads((RESULTS_DIR / "bench" / "svm-cpu.json").read_text())["bench"]["mnist"]
    k = mnist["growth_exponent_libsvm"]  # the record's own fit, re-measured on each machine
    assert f"extrapolated, not measured: t ~ n^{k:.2f}, fitted on its fits at n = 5,000" in full
    assert "carried 6x past the largest" in full
    svm = json.loads((RESULTS_DIR / "svm.json").read_text())["provenance"]
    assert f"the published paper run (commit `{svm['git']['commit'][:7]}`" in full
    assert "load not recorded" in full and "peer 1 core" in full


def test_claim_ids_as_written_are_anchors_too():
    svm = committed_results()["svm"]
    table = claims_table(svm, read_record("svm"))
    assert '<span id="SVN-NIST-1.1"></span><span id="svn-nist-1-1" class="claim-id">' in table


def test_every_row_says_what_n_counts_and_what_the_plus_minus_is():
    """Every measured value of every published page has its words, from its replication's
    SAMPLES; a ± is always a named spread, with its standard error beside it."""
    from website.report import sample_text

    for name, results in committed_results().items():
        for row in results["claims"]:
            ours = row.get("ours")
            if not ours or ours["value"] is None:
                continue
            words = sample_text(name, row)
            assert "not yet described" not in words, (name, row["id"])
            if ours.get("std") is not None and ours["n"] > 1:
                assert "± is the " in words and "standard error of the mean" in words
            if ours["n"] == 1 and ours.get("std") is None:
                assert words == "n = 1: a single run, no spread"
    rf = next(
        r for r in committed_results()["random_forest"]["claims"] if r["id"] == "RF-T2-glass-ada"
    )
    assert sample_text("random_forest", rf).startswith("n = 100 random 10% hold-outs")


def test_each_page_offers_its_claims_as_csv_and_its_results_file(tmp_path: Path):
    import csv

    results_dir, docs = tmp_path / "results", tmp_path / "docs"
    results_dir.mkdir()
    (results_dir / "xor.json").write_bytes((RESULTS_DIR / "xor.json").read_bytes())
    (docs / "data").mkdir(parents=True)
    (docs / "data" / "gone.json").write_text("{}")  # a replication no longer published
    write_site_fragments(results_dir, docs)
    assert (docs / "data" / "xor.json").read_bytes() == (RESULTS_DIR / "xor.json").read_bytes()
    assert not (docs / "data" / "gone.json").exists()
    rows = list(csv.DictReader((docs / "data" / "xor-claims.csv").open()))
    stored = json.loads((RESULTS_DIR / "xor.json").read_text())
    assert [r["id"] for r in rows] == [c["id"] for c in stored["claims"]]
    assert all(r["commit"] == stored["provenance"]["git"]["commit"] for r in rows)
    claims = (docs / "_generated" / "xor" / "claims.md").read_text()
    assert "[the claims as CSV](data/xor-claims.csv)" in claims
    assert "[the results file (JSON)](data/xor.json)" in claims


def test_the_heat_map_carries_its_key_and_caption_wherever_it_is_shown():
    from website.report import figure_fragment

    results = committed_results()["no_silver_bullet"]
    figures = get("no_silver_bullet").module("figures")
    caption = next(
        text
        for path, text in figures.make_figures(results, Path("/tmp/hm")).items()
        if path.name == "matrix.png"
    )
    assert "relative to each row's own best, not the error itself" in caption
    fragment = figure_fragment("matrix.png", caption, "no_silver_bullet")
    assert f"/// caption\n{caption}\n///" in fragment
    for page in ("index.md", "no_silver_bullet.md"):
        text = (ROOT / "site" / "docs" / page).read_text()
        assert '--8<-- "_generated/no_silver_bullet/figure-matrix.md"' in text
        assert "figures/no_silver_bullet/matrix.png)" not in text  # never the bare image


def test_the_warning_sign_is_explained_in_the_key_not_only_on_hover():
    replications = all_replications()
    loaded = committed_results()
    table = held_table(loaded, replications, {r.name: read_record(r.name) for r in replications})
    assert table.startswith("Key: ")
    assert ":material-alert: the paper's value is from recall or disputed" in table.splitlines()[0]
    assert "substitute" in table.splitlines()[0]


def test_a_run_carried_across_sessions_names_its_jobs_commits_not_only_the_last_stops():
    """The provenance gives the commits a run made of jobs trained at, and each Cite block those
    of the jobs its claim is measured from (none for a claim that trains nothing); the file's own
    commit and wall time are said to be the last stop's."""
    from website.report import citation_text, job_commits, provenance_block

    results = json.loads((RESULTS_DIR / "alexnet.json").read_text())
    jobs = [job for stage in results["provenance"]["jobs"].values() for job in stage]
    trained = job_commits(results)
    assert sum(int(part.split("(")[1].rstrip(")")) for part in trained.split(", ")) == len(jobs)
    block = provenance_block(results)
    assert f"| jobs | {len(jobs)} finished" in block and trained in block
    assert "| wall time of the stop that wrote this file |" in block
    rows = {row["id"]: row for row in results["claims"]}
    fig1 = job_commits({"provenance": {"jobs": {"fig1": results["provenance"]["jobs"]["fig1"]}}})
    assert job_commits(results, "AX-relu-fig1") == fig1
    assert f"(its jobs trained at {fig1})" in citation_text(results, rows["AX-relu-fig1"], [])
    assert "its jobs trained at" not in citation_text(results, rows["AX-size"], [])
    assert "| written (at the stop that wrote this file) |" in block
    one_piece = json.loads((RESULTS_DIR / "xor.json").read_text())
    assert job_commits(one_piece) == "" and "| commit | `" in provenance_block(one_piece)


def test_the_landing_page_says_which_stages_of_a_run_are_still_running():
    """A run carried across sessions with stages still running: its tally row, its folded claims
    and its timeline entry say so (its "not run" claims are a run still going), and a claim not
    yet measured carries no data caveat in its Cite block (there is no number to qualify)."""
    from website.report import citation_text, stages_text, summary_table, timeline

    results = json.loads((RESULTS_DIR / "alexnet.json").read_text())
    results["tables"]["pending"] = {"dropout": {"done": 2, "total": 6, "unclean": 0}}
    alexnet = [get("alexnet")]
    note = "run in progress: stages in: "
    table = summary_table({"alexnet": results}, alexnet)
    assert table.count(note) == 2 and "dropout (2 of 6 jobs done)" in table
    assert note in timeline({"alexnet": results}, alexnet)
    row = {**results["claims"][0], "ours": {"value": None, "note": "not run yet", "n": 1}}
    row["verdict"] = "not run"
    assert "JPEG" not in citation_text(results, row, [])
    # The file's keys are sorted ("dropout" before "lrn_pool"); the stages read in the run's order.
    results["tables"]["pending"] = {
        "dropout": {"done": 2, "total": 6, "unclean": 0},
        "lrn_pool": {"done": 5, "total": 9, "unclean": 0},
    }
    running = "still running: LRN and pooling (5 of 9 jobs done), dropout (2 of 6"
    assert running in stages_text(results)
    del results["tables"]["pending"]
    assert "run in progress" not in summary_table({"alexnet": results}, alexnet)
