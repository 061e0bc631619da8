"""The site: fragments are generated from the results files and the build is strict."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from shared.registry import RESULTS_DIR
from shared.report import (
    GENERATED,
    anchor,
    claims_table,
    fmt,
    included_fragments,
    write_site_fragments,
)

mkdocs = shutil.which("mkdocs") or (shutil.which("mkdocs", path=str(__import__("pathlib").Path(sys.executable).parent)))


def test_fmt():
    assert fmt(1425) == "1,425"
    assert fmt(0.062345) == "0.0623"
    assert fmt(12.3456, 3) == "12.3"
    assert fmt(None) == "–" and fmt(True) == "yes" and fmt("text") == "text"


def test_anchor_is_stable():
    assert anchor("RHW-sym-sweeps") == "rhw-sym-sweeps"
    assert anchor("SZ-T1-FC10-1e-4") == "sz-t1-fc10-1e-4"


def test_claims_table_has_a_row_and_anchor_per_claim():
    results = {"claims": [{"id": "A-1", "statement": "s | t", "source": "p. 1", "confidence": "uncertain",
                           "paper": 0.5, "unit": "", "rule": "within", "criterion": "c", "why": "w",
                           "digits": 3, "percent": True, "verdict": "partly",
                           "ours": {"value": 0.56, "std": 0.01, "n": 10, "note": ""}}]}
    table = claims_table(results)
    assert 'id="a-1"' in table and "56.0%" in table and "50%" in table and "s \\| t" in table
    assert "partly" in table and "uncertain" in table


@pytest.mark.skipif(mkdocs is None, reason="the site extra is not installed (nox -s tests installs it)")
def test_site_builds_strictly(tmp_path):
    written = write_site_fragments()
    assert (GENERATED / "summary.md") in written
    for fragment in included_fragments():
        assert (GENERATED.parent / fragment).exists(), fragment
    build = subprocess.run([mkdocs, "build", "--strict", "-q", "-f", "site/mkdocs.yml", "-d", str(tmp_path / "out")],
                           capture_output=True, text=True)
    assert build.returncode == 0, build.stderr[-3000:]
    assert (tmp_path / "out" / "index.html").exists()


def test_numbers_on_the_jpeg_degraded_copy_carry_the_caveat():
    from shared.report import CAVEAT, claims_table

    results = json.loads((RESULTS_DIR / "adversarial.json").read_text())
    results["provenance"]["datasets_sha256"] = {"cifar10_jpeg_lossy/test_batch.bin": "ab" * 32}
    table = claims_table(results)
    flagged = [line for line in table.splitlines() if CAVEAT in line]
    assert len(flagged) == 2 and all("GSS-cifar" in line for line in flagged)
    results["provenance"]["datasets_sha256"] = {"cifar10/test_batch.bin": "ab" * 32}  # the genuine data
    assert CAVEAT not in claims_table(results)


def test_a_changed_tolerance_changes_the_page_without_a_rerun():
    """Grading happens when the site is built: the stored measurement, today's claims.toml."""
    import dataclasses

    from shared.claims import load_claims
    from shared.registry import get
    from shared.report import claims_table
    from shared.results import regrade

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
    from shared.report import claims_table
    from shared.results import regrade

    stored = json.loads((RESULTS_DIR / "xor.json").read_text())
    claims = [dataclasses.replace(c, statement="A new wording.") if c.id == "MP-xor-best" else c
              for c in load_claims(get("xor").claims_file)]
    row = next(line for line in claims_table(regrade(stored, claims)).splitlines() if "**MP-xor-best**" in line)
    assert "A new wording." in row and "measured as worded at run time" in row
