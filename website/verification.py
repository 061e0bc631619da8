r"""Checked twice: a verification record per replication, ``site/results/verification/NAME.json``.

A number on the site is called checked only when such a record says so. The record holds

- ``checks``: a second results file compared with another claim by claim (``shared.compare``).
  Each kind means exactly one thing, and ``make_check`` refuses anything else with one line:

  - ``regenerated``: same code, same profile, same seed, same platform, run again; every
    value compared for equality (``identical``);
  - ``second-seed``: same code and profile, another base seed;
  - ``second-device``: same code, profile and seed, on another platform (a GPU for a CPU run).

  "Same code": the two commits are equal, or ``git diff`` between them over the paths that make
  the numbers (``shared/``, ``replications/<name>/``, ``pyproject.toml``, ``uv.lock``) is empty;
  neither tree dirty; the same package versions. "Same profile": the same profile name, and each
  file's stored config is that profile's (``shared.profiles.check_profile``). Per claim: both
  values, both verdicts, whether the verdict stayed the same and whether the value is identical;
  per side: commit, device, seed and profile. A newer check of a kind replaces the older one;
- ``references``: tests that hold an implementation against a reference one (libsvm,
  scikit-learn), recorded only after the test has just passed here, with the commit.

    python -m website.verification xor site/results/xor.json runs/xor/RUN/xor.json \
        --kind second-seed
    python -m website.verification svm \
        --reference "tests/test_svm.py::test_agrees_with_libsvm: WHAT"

The site reads the record (``claim_checks``): each claim row says what was checked, and a check
counts only while its published side is still the results file the site shows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shared.atomic import atomic_write_bytes
from shared.errors import HypeError
from shared.profiles import check_profile
from shared.registry import RESULTS_DIR, ROOT, get

VERIFICATION_DIR = RESULTS_DIR / "verification"
SCHEMA = 1
KINDS = ("second-seed", "second-device", "regenerated")


def record_path(name: str, folder: Path | None = None) -> Path:
    return (folder or VERIFICATION_DIR) / f"{name}.json"


def _relative(path: Path) -> str:
    """A path as the repository sees it (``runs/xor/.../xor.json``), absolute when outside it."""
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path.resolve())


def side(results: dict[str, Any], path: Path) -> dict[str, Any]:
    """What a reader needs to know about one side of a check: which run it was, and where."""
    p = results["provenance"]
    device = p["device"]
    return {
        "file": _relative(path),
        "commit": p["git"].get("commit"),
        "dirty": p["git"].get("dirty"),
        "platform": device.get("platform"),
        "device": device.get("kind"),
        "seed": p.get("base_seed"),
        "seeds": p.get("n_seeds"),
        "profile": results["profile"],
        "versions": p.get("versions"),
        "finished_utc": p.get("finished_utc"),
    }


def code_paths(name: str) -> tuple[str, ...]:
    """The paths whose content makes a replication's numbers (besides the data)."""
    return ("shared", f"replications/{name}", "pyproject.toml", "uv.lock")


def same_code(first: str, second: str, name: str) -> str:
    """How two commits run the same code for ``name``, in words, or "" when they do not: the
    same commit, or no difference between them under ``code_paths``. A commit git does not
    know stops here (a shallow clone: fetch the history)."""
    if first == second:
        return "same commit"
    try:
        diff = subprocess.run(
            ["git", "diff", "--quiet", first, second, "--", *code_paths(name)],
            cwd=ROOT,
            capture_output=True,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise HypeError(f"cannot run git to compare the code ({error})", "install git") from None
    if diff.returncode > 1:
        raise HypeError(
            f"git knows no commit {first[:7]} or {second[:7]}",
            "fetch the full history (git fetch --unshallow) and try again",
        )
    if diff.returncode == 1:
        return ""
    return f"same code: no change under {', '.join(code_paths(name))} between the two commits"


def definition_problem(kind: str, a: dict[str, Any], b: dict[str, Any], name: str) -> str:
    """Why two sides (as ``side`` stores them) are not a check of ``kind``, or "" when they are.
    The record test holds every stored check to this, as ``make_check`` holds every new one."""
    if a["profile"] != b["profile"]:
        return f"the profiles differ ({a['profile']} and {b['profile']})"
    if a.get("dirty") is not False or b.get("dirty") is not False:
        return "a side was run from a tree with uncommitted changes (or its state is unknown)"
    if a.get("versions") != b.get("versions"):
        return "the package versions differ (or are not recorded)"
    if not same_code(str(a["commit"]), str(b["commit"]), name):
        return (
            f"the code differs: commits {str(a['commit'])[:7]} and {str(b['commit'])[:7]} "
            f"change {', '.join(code_paths(name))}"
        )
    if a["seeds"] != b["seeds"]:
        return f"the seed counts differ ({a['seeds']} and {b['seeds']})"
    if kind == "second-seed" and a["seed"] == b["seed"]:
        return f"both sides ran seed {a['seed']}"
    if kind != "second-seed" and a["seed"] != b["seed"]:
        return f"the seeds differ ({a['seed']} and {b['seed']})"
    if kind == "second-device" and a["platform"] == b["platform"]:
        return f"both sides ran on {a['platform']}"
    if kind == "regenerated" and a["platform"] != b["platform"]:
        return f"the platforms differ ({a['platform']} and {b['platform']})"
    return ""


FIXES = {
    "regenerated": "a regenerated check is the same commit's code, profile and seed run again",
    "second-seed": "a second-seed check is the same code and profile at another --seed",
    "second-device": "a second-device check is the same code, profile and seed on another platform",
}


def make_check(first: Path, second: Path, kind: str) -> dict[str, Any]:
    """Compare two results files of one replication; the check as it is stored in the record.
    Anything that is not a check of ``kind`` (see the module docstring) is refused, one line."""
    from shared.compare import compare
    from shared.results import read_results

    if kind not in KINDS:
        raise HypeError(f"unknown kind {kind!r}", f"choose one of: {', '.join(KINDS)}")
    a, b = read_results(first), read_results(second)
    if a["replication"] != b["replication"]:
        raise HypeError(
            f"{first} is {a['replication']} but {second} is {b['replication']}: not a {kind} check",
            FIXES[kind],
        )
    for results, path in ((a, first), (b, second)):
        check_profile(results, path)
    sides = side(a, first), side(b, second)
    if problem := definition_problem(kind, *sides, a["replication"]):
        raise HypeError(f"not a {kind} check: {problem}", FIXES[kind])
    comparison = compare(first, second)  # reads, validates and re-grades both files
    stored = {
        key: {row["id"]: row.get("ours") for row in results["claims"]}
        for key, results in (("a", a), ("b", b))
    }
    claims = [
        {
            "id": row.id,
            "first": row.first,
            "second": row.second,
            "first_verdict": row.first_verdict,
            "second_verdict": row.second_verdict,
            "verdicts": "changed" if row.changed else "same",
            "difference": row.difference,
            "within_tolerance": row.within_tolerance,
            "identical": stored["a"].get(row.id) == stored["b"].get(row.id),
        }
        for row in comparison.rows
    ]
    return {
        "kind": kind,
        "recorded_utc": _now(),
        "code": same_code(str(sides[0]["commit"]), str(sides[1]["commit"]), a["replication"]),
        "first": sides[0],
        "second": sides[1],
        "claims": claims,
    }


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def read_record(name: str, folder: Path | None = None) -> dict[str, Any] | None:
    """The record of a replication, or None when nothing has been checked yet."""
    path = record_path(name, folder)
    if not path.exists():
        return None
    try:
        record = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as error:
        raise HypeError(
            f"{path} cannot be read ({error})", "restore it from git or re-record it"
        ) from None
    if (
        not isinstance(record, dict)
        or record.get("schema") != SCHEMA
        or record.get("replication") != name
    ):
        raise HypeError(
            f"{path} is not a verification record of {name} (schema {SCHEMA})",
            "restore it from git or re-record it",
        )
    return record


def write_record(record: dict[str, Any], folder: Path | None = None) -> Path:
    path = record_path(record["replication"], folder)
    text = json.dumps(record, indent=1, sort_keys=True, allow_nan=False) + "\n"
    atomic_write_bytes(path, text.encode())
    return path


def empty_record(name: str) -> dict[str, Any]:
    return {"schema": SCHEMA, "replication": name, "checks": [], "references": []}


def add_check(record: dict[str, Any], check: dict[str, Any]) -> dict[str, Any]:
    """The record with ``check`` in place of any older check of the same kind."""
    others = [c for c in record["checks"] if c["kind"] != check["kind"]]
    return {**record, "checks": sorted([*others, check], key=lambda c: KINDS.index(c["kind"]))}


# --- references: tests against a reference implementation --------------------------------------


def parse_reference(text: str) -> tuple[str, str]:
    """``"tests/test_svm.py::test_x: what it checks"`` -> (test node id, what it checks)."""
    node, sep, what = text.partition(": ")
    if not sep or "::" not in node or not what.strip():
        raise HypeError(
            f"--reference {text!r} is not 'tests/FILE.py::TEST: what it checks'",
            'e.g. --reference "tests/test_svm.py::test_agrees_with_libsvm: '
            '100% of predictions, dual objective within 1e-5"',
        )
    return node.strip(), what.strip()


def run_test(node: str) -> dict[str, int]:
    """Run one test (every parametrisation of it) with pytest here; counts of each outcome.
    A reference is recorded from a run, never from a claim that the test would pass."""
    file = ROOT / node.split("::")[0]
    if not file.is_file():
        raise HypeError(
            f"no test file {file}", "name a test of tests/, e.g. tests/test_svm.py::test_x"
        )
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "junit.xml"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                node,
                "-q",
                "-p",
                "no:cacheprovider",
                f"--junitxml={report}",
            ],
            cwd=ROOT,
            check=False,
        )
        if not report.exists():
            raise HypeError(
                f"pytest did not run {node}", "run it by hand: python -m pytest " + node
            )
        suite = ElementTree.parse(report).getroot().iter("testsuite")
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for element in suite:
            for key in counts:
                counts[key] += int(element.get(key, 0))
    return counts


def make_reference(text: str, run: Any = run_test) -> dict[str, Any]:
    """Run the named test; the reference entry if every case of it passed (none skipped)."""
    from shared.provenance import git_state

    node, what = parse_reference(text)
    counts = run(node)
    if counts["tests"] == 0 or counts["failures"] or counts["errors"] or counts["skipped"]:
        raise HypeError(
            f"{node} did not pass here ({counts['tests']} run, {counts['failures']} failed, "
            f"{counts['errors']} errors, {counts['skipped']} skipped): nothing recorded",
            "make it pass (a skip usually means missing data: set HYPE_DATA_MIRROR)",
        )
    git = git_state()
    return {
        "test": node,
        "checks": what,
        "passed": counts["tests"],
        "commit": git["commit"],
        "dirty": git["dirty"],
        "recorded_utc": _now(),
    }


def add_reference(record: dict[str, Any], reference: dict[str, Any]) -> dict[str, Any]:
    others = [r for r in record["references"] if r["test"] != reference["test"]]
    return {**record, "references": sorted([*others, reference], key=lambda r: r["test"])}


# --- reading a record for the site ---------------------------------------------------------------

LABELS = {
    "second-seed": "second seed",
    "second-device": "second device",
    "regenerated": "regenerated",
}


def describe(check: dict[str, Any], other: dict[str, Any]) -> str:
    """How a check reads on a page: "second seed (seed 1)", "regenerated on CPU"."""
    where = "GPU" if other.get("platform") == "gpu" else str(other.get("platform") or "?").upper()
    if check["kind"] == "second-seed":
        return f"second seed (seed {other.get('seed')})"
    if check["kind"] == "second-device":
        return f"second device ({where}: {other.get('device')})"
    return f"regenerated on {where}"


def is_published(side_: dict[str, Any], results: dict[str, Any]) -> bool:
    """Whether a side of a check is the run the site shows now (same commit and finish time)."""
    p = results["provenance"]
    return side_.get("commit") == p["git"].get("commit") and side_.get("finished_utc") == p.get(
        "finished_utc"
    )


@dataclass(frozen=True)
class ClaimCheck:
    """One check of one claim, as the site shows it."""

    label: str  # "second seed (seed 1)"
    kind: str  # "second-seed", "second-device" or "regenerated"
    published: str  # the verdict on the site (the published side's)
    other: str  # the verdict of the other run
    other_value: Any
    identical: bool | None  # the two values are equal (None in an older record)
    current: bool  # the published side is still the file the site shows
    commit: str  # the published side's commit, named when the check is out of date

    @property
    def same(self) -> bool:
        return self.published == self.other

    @property
    def measured(self) -> bool:
        """Both runs measured the claim: only then is there a verdict to compare."""
        return "not run" not in (self.published, self.other)

    @property
    def verified(self) -> bool:
        """Counted as checked: current, measured on both sides, and the verdict held."""
        return self.current and self.measured and self.same

    @property
    def changed(self) -> bool:
        """Counted as changed: current, measured on both sides, and the verdict moved."""
        return self.current and self.measured and not self.same

    def __str__(self) -> str:
        if not self.measured:
            text = f"{self.label}: " + (
                "not run there either"
                if self.same
                else f"not run {'here' if self.published == 'not run' else 'there'}, "
                "so not compared"
            )
        elif self.same:
            text = f"{self.label}: same verdict"
        else:
            text = f"{self.label}: {self.other} instead of {self.published}"
        if self.kind == "regenerated" and self.measured and self.identical is not None:
            text += (
                ", identical value"
                if self.identical
                else f", value differs ({_short(self.other_value)} there)"
            )
        return text if self.current else f"{text}, against an earlier run ({self.commit[:7]})"


def _short(value: Any) -> str:
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def claim_checks(
    record: dict[str, Any] | None, results: dict[str, Any]
) -> dict[str, list[ClaimCheck]]:
    """Every check of every claim of ``results`` (the published file) in ``record``."""
    found: dict[str, list[ClaimCheck]] = {}
    for check in (record or {}).get("checks", []):
        first, second = check["first"], check["second"]
        flipped = is_published(second, results) and not is_published(first, results)
        published, other = (second, first) if flipped else (first, second)
        for row in check["claims"]:
            verdicts = (
                (row["second_verdict"], row["first_verdict"])
                if flipped
                else (row["first_verdict"], row["second_verdict"])
            )
            found.setdefault(row["id"], []).append(
                ClaimCheck(
                    label=describe(check, other),
                    kind=check["kind"],
                    published=verdicts[0],
                    other=verdicts[1],
                    other_value=row["first"] if flipped else row["second"],
                    identical=row.get("identical"),
                    current=is_published(published, results),
                    commit=str(published.get("commit") or ""),
                )
            )
    return found


def status(checks: list[ClaimCheck]) -> str:
    """The status line of one claim row."""
    return "; ".join(str(c) for c in checks) if checks else "not yet checked"


# --- command line --------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m website.verification",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Record a second look at a replication's numbers in "
        "site/results/verification/NAME.json.",
        epilog="examples:\n"
        "  python -m website.verification xor site/results/xor.json "
        "runs/xor/<run>/xor.json --kind second-seed\n"
        "  python -m website.verification svm site/results/svm.json "
        "runs/svm/<run>/svm.json --kind second-device\n"
        "  python -m website.verification svm --reference "
        '"tests/test_svm.py::test_agrees_with_libsvm: what it checks"',
    )
    parser.add_argument("name", help="replication, e.g. xor")
    parser.add_argument(
        "files", nargs="*", type=Path, help="A.json B.json: the published file, then the second run"
    )
    parser.add_argument("--kind", choices=KINDS, help="what the second run is")
    parser.add_argument(
        "--reference",
        action="append",
        default=[],
        metavar="'NODE: WHAT'",
        help="run this test now; record it if it passes (repeatable)",
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="record folder (site/results/verification)"
    )
    args = parser.parse_args(argv)
    try:
        name = get(args.name).name
        if (
            len(args.files) not in (0, 2)
            or (args.files and not args.kind)
            or (args.kind and not args.files)
        ):
            raise HypeError(
                "give two results files and --kind, or --reference, or both",
                "see python -m website.verification --help",
            )
        if not args.files and not args.reference:
            raise HypeError("nothing to record", "give A.json B.json --kind KIND, or --reference")
        record = read_record(name, args.out) or empty_record(name)
        if args.files:
            check = make_check(args.files[0], args.files[1], args.kind)
            if check["first"]["file"] == check["second"]["file"]:
                raise HypeError("both sides are the same file", "compare two different runs")
            record = add_check(record, check)
            _print_check(check)
            _warn_if_unpublished(name, check)
        for text in args.reference:
            record = add_reference(record, make_reference(text))
        print(f"wrote {os.path.relpath(write_record(record, args.out))}")
    except HypeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


def _print_check(check: dict[str, Any]) -> None:
    changed = [row["id"] for row in check["claims"] if row["verdicts"] == "changed"]
    for key in ("first", "second"):
        s = check[key]
        print(
            f"{key}: {s['file']} ({s['profile']}, seed {s['seed']}, {s['device']}, "
            f"commit {str(s['commit'])[:7]}{' dirty' if s['dirty'] else ''})"
        )
    same = len(check["claims"]) - len(changed)
    identical = sum(1 for row in check["claims"] if row["identical"])
    print(
        f"{check['kind']} ({check['code']}): {same} of {len(check['claims'])} verdicts the same"
        + (f"; changed: {', '.join(changed)}" if changed else "")
        + (
            f"; {identical} of {len(check['claims'])} values identical"
            if check["kind"] == "regenerated"
            else ""
        )
    )


def _warn_if_unpublished(name: str, check: dict[str, Any]) -> None:
    """A check of two unpublished runs is kept, but the site cannot count it: say so now."""
    from shared.results import read_results

    published = RESULTS_DIR / f"{name}.json"
    if published.exists():
        results = read_results(published)
        if is_published(check["first"], results) or is_published(check["second"], results):
            return
    print(
        f"note: neither file is the published {_relative(published)}; the site will show this "
        "check as made against an earlier run, and will not count it",
        file=sys.stderr,
    )


if __name__ == "__main__":
    sys.exit(main())
