"""The GitHub workflows: both pass actionlint, the tests workflow runs the README's test command as
.ci/run does, and the site workflow builds with the Pages address that mkdocs.yml and the Cite
blocks read from ``HYPE_SITE_URL``."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from website.report import page_link

yaml = pytest.importorskip("yaml", reason="PyYAML comes with the site extra (nox -s tests has it)")

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
MKDOCS_YML = ROOT / "site" / "mkdocs.yml"


def actionlint(*files: Path) -> subprocess.CompletedProcess:
    """actionlint (the dev extra's, beside this Python) on ``files``. shellcheck and pyflakes are
    off: they run only where installed, and the check must be the same on every machine."""
    beside = Path(sys.executable).with_name("actionlint")
    binary = str(beside) if beside.is_file() else shutil.which("actionlint")
    assert binary, "actionlint is missing: install the dev extra (nox -s tests does)"
    command = [binary, "-shellcheck=", "-pyflakes=", "-no-color", *map(str, files)]
    return subprocess.run(command, capture_output=True, text=True)


def workflow(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / f"{name}.yml").read_text())


def test_both_workflows_pass_actionlint():
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert [f.name for f in files] == ["site.yml", "tests.yml"]
    checked = actionlint(*files)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_actionlint_rejects_a_broken_workflow(tmp_path):
    """The check above can fail: an unknown input and an undefined step output are errors."""
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\n"
        "jobs:\n"
        "  a:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: actions/checkout@v7\n"
        "        with: {no-such-input: 1}\n"
        "      - run: echo ${{ steps.nowhere.outputs.x }}\n"
    )
    checked = actionlint(broken)
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert "no-such-input" in checked.stdout and "nowhere" in checked.stdout


def test_the_tests_workflow_runs_what_ci_runs():
    """Not a second way of testing: the last step is .ci/run's command, lint and the README's
    `nox -s tests`, with the data sets the loaders fetched as the offline mirror."""
    job = workflow("tests")["jobs"]["tests"]
    ci_command = (ROOT / ".ci" / "run").read_text().strip().splitlines()[-1]
    assert job["steps"][-1]["run"] == ci_command
    assert "nox -s tests" in (ROOT / "README.md").read_text()
    cache = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/cache@"))
    assert job["env"]["HYPE_DATA_MIRROR"] == job["env"]["HYPE_DATA_DIR"]
    assert job["env"]["HYPE_DATA_MIRROR"].endswith("/" + cache["with"]["path"])


def test_the_site_workflow_publishes_the_strict_build_at_the_pages_address():
    load_config = pytest.importorskip("mkdocs.config").load_config
    steps = workflow("site")["jobs"]["build"]["steps"]
    build = next(s for s in steps if s.get("run") == "nox -s site")
    assert build["env"] == {"HYPE_SITE_URL": "${{ steps.pages.outputs.base_url }}"}
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    config = load_config(str(MKDOCS_YML))
    assert ROOT / upload["with"]["path"] == Path(config["site_dir"])  # what the build wrote
    assert config["strict"]


def test_the_site_address_comes_from_the_environment(monkeypatch):
    """mkdocs.yml and the Cite blocks read the same variable; without it, a page's path."""
    load_config = pytest.importorskip("mkdocs.config").load_config
    monkeypatch.setenv("HYPE_SITE_URL", "https://example.org/hype")
    assert load_config(str(MKDOCS_YML))["site_url"] == "https://example.org/hype/"
    assert page_link("xor", "MP-xor-lp") == "https://example.org/hype/xor/#mp-xor-lp"
    monkeypatch.delenv("HYPE_SITE_URL")
    assert load_config(str(MKDOCS_YML))["site_url"] is None
    assert page_link("xor", "MP-xor-lp") == "xor/#mp-xor-lp"
