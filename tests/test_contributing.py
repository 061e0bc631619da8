"""CONTRIBUTING.md, followed to the letter: its toy replication, written from the guide's own code
blocks into a copy of the repository, passes lint and the tests a new replication must pass,
publishes a paper run from a clean commit and appears on the site that `nox -s site` builds, with
the published address in its Cite block and the sitemap when ``HYPE_SITE_URL`` is set.

The copy is needed because the registry finds replications in the repository's own
``replications/`` (and imports them as ``replications.<name>``): a throwaway one is added to a copy,
never to the working tree. The commands are the ones the nox sessions run (``nox -s site`` is
``python -m shared.cli report`` then ``mkdocs build --strict``), without nox's installs.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "CONTRIBUTING.md"
# A code block of the guide titled with the path of the file it is, or adds to.
BLOCK = re.compile(r'^```\w+ title="(?P<path>[^"]+)"\n(?P<body>.*?)^```$', re.MULTILINE | re.DOTALL)
# A block for a file that exists already is added after this line of it, as the guide says.
INSERT_AFTER = {"site/mkdocs.yml": "  - Replications:\n", "website/report.py": "HEADLINES = {\n"}
ADDRESS = "https://example.org/hype/"


def guide_blocks() -> dict[str, str]:
    return {m["path"]: m["body"] for m in BLOCK.finditer(GUIDE.read_text())}


def copy_of_the_working_tree(into: Path) -> Path:
    """Every file git would commit here (tracked or new, nothing ignored), copied into ``into``."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        if (ROOT / name).is_file():  # a file deleted in the working tree is still listed
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, into / name)
    return into


def follow_the_guide(repo: Path) -> None:
    for path, body in guide_blocks().items():
        target = repo / path
        if path in INSERT_AFTER:
            anchor, text = INSERT_AFTER[path], target.read_text()
            assert anchor in text, f"{path} has no line {anchor!r}: update CONTRIBUTING.md"
            target.write_text(text.replace(anchor, anchor + body, 1))
        else:
            assert not target.exists(), f"the guide's toy {path} exists in the repository"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(body)


def run(repo: Path, *command: str, **env: str) -> str:
    """``command`` in the copy; its output, or the test fails with it."""
    # The child is a pytest of its own, not a worker of this one; no address unless given.
    outer = {
        k: v for k, v in os.environ.items() if not k.startswith("PYTEST_") and k != "HYPE_SITE_URL"
    }
    done = subprocess.run(
        command,
        cwd=repo,
        env={**outer, "NO_MKDOCS_2_WARNING": "1", **env},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, f"{' '.join(command)}:\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
    return done.stdout


def test_the_guide_has_every_file_of_its_toy():
    folder = ["__init__.py", "claims.toml", "config.py", "tables.py", "experiment.py", "measure.py"]
    assert set(guide_blocks()) == {
        *(f"replications/buffon/{file}" for file in folder),
        "tests/test_buffon.py",
        "site/docs/buffon.md",
        *INSERT_AFTER,
    }


@pytest.mark.slow
def test_a_replication_made_by_the_guide_appears_on_the_site(tmp_path):
    repo = copy_of_the_working_tree(tmp_path / "repo")
    follow_the_guide(repo)
    python = sys.executable

    toy = ("replications/buffon", "tests/test_buffon.py")
    run(repo, python, "-m", "ruff", "check", *toy)
    run(repo, python, "-m", "ruff", "format", "--check", *toy)
    git = ("git", "-c", "user.name=newcomer", "-c", "user.email=newcomer@localhost")
    run(repo, *git, "init", "-q")
    run(repo, *git, "add", "-A")
    run(repo, *git, "-c", "commit.gpgsign=false", "commit", "-qm", "Buffon's needle")
    printed = run(repo, python, "-m", "shared.cli", "replicate", "buffon")
    assert (repo / "site" / "results" / "buffon.json").is_file(), printed  # a clean paper run
    assert "BUF-2-over-pi" in printed and "reproduced" in printed

    tests = ("test_buffon", "test_layout", "test_measure", "test_cli", "test_site")
    chosen = "buffon or every_replication_has_both_profiles or headline_claim_that_exists"
    passed = run(
        repo,
        *(python, "-m", "pytest", "-p", "no:cacheprovider", "-rA", "-k", chosen),
        *(f"tests/{file}.py" for file in tests),
    )
    for file in tests:
        assert f"PASSED tests/{file}.py" in passed, passed[-3000:]

    # What `HYPE_SITE_URL=... nox -s site` runs (a build without it: test_site.py).
    run(repo, python, "-m", "shared.cli", "report", HYPE_SITE_URL=ADDRESS)
    build = ("-m", "mkdocs", "build", "--strict", "-f", "site/mkdocs.yml")
    run(repo, python, *build, HYPE_SITE_URL=ADDRESS)
    site = repo / "site" / "build"
    page = html.unescape((site / "buffon" / "index.html").read_text())  # the Cite block's entities
    assert 'id="buf-2-over-pi"' in page and "reproduced" in page
    assert f"page {ADDRESS}buffon/#buf-2-over-pi." in page  # the Cite block's sentence
    assert f"url          = {{{ADDRESS}buffon/#buf-2-over-pi}}" in page  # and its BibTeX
    assert f"<loc>{ADDRESS}buffon/</loc>" in (site / "sitemap.xml").read_text()
    assert "Buffon" in (site / "index.html").read_text()  # the landing page's eras
