"""Compare two results files of one replication, claim by claim.

Both files are graded afresh by the current ``claims.toml`` (so a changed verdict means a
changed measurement, not a changed tolerance). For each claim: both values, both verdicts,
the difference, and whether the difference is within the claim's own tolerance band (for a
``within`` claim; threshold and ``holds`` claims compare their verdicts). This is how a re-run
is checked against the published file, one device against another, one seed against another.

What else differs between the two runs (profile, seed, seed count, device, code) is said first,
in one line. Runs of another profile or seed count measure at another scale, so the CLI refuses
them unless asked (``--force``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shared.claims import Claim, Measurement, grade, load_claims
from shared.display import fmt
from shared.errors import HypeError
from shared.registry import get
from shared.results import read_results
from shared.run_options import SCALED_DOWN


@dataclass(frozen=True)
class Row:
    id: str
    first: Any
    second: Any
    first_verdict: str
    second_verdict: str
    difference: float | None
    within_tolerance: bool | None  # |difference| <= the claim's tolerance band; None: no band

    @property
    def changed(self) -> bool:
        return self.first_verdict != self.second_verdict


# What two runs may differ in beyond their numbers; those in SCALE change what is measured.
ASPECTS = ("profile", "seed", "seed count", "device", "code")
SCALE = ("profile", "seed count")


@dataclass
class Comparison:
    replication: str
    first: Path
    second: Path
    rows: list[Row] = field(default_factory=list)
    sides: tuple[str, str] = ("", "")  # one line of provenance each
    profiles: tuple[str, str] = ("paper", "paper")
    differences: dict[str, tuple[str, str]] = field(default_factory=dict)  # aspect -> (A, B)

    @property
    def changed(self) -> list[Row]:
        return [row for row in self.rows if row.changed]

    @property
    def not_comparable(self) -> list[str]:
        """The aspects that put the two runs at different scales."""
        return [aspect for aspect in SCALE if aspect in self.differences]

    def describe(self, aspects: list[str]) -> str:
        """``profile (A smoke, B paper), seed (A 0, B 1)``."""
        return ", ".join(
            f"{aspect} (A {self.differences[aspect][0]}, B {self.differences[aspect][1]})"
            for aspect in aspects
        )


def _measurement(row: dict[str, Any] | None) -> Measurement | None:
    ours = (row or {}).get("ours")
    if not ours:
        return None
    return Measurement(ours.get("value"), ours.get("std"), ours.get("n", 1), ours.get("note", ""))


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _side(results: dict[str, Any]) -> str:
    p = results["provenance"]
    device = p["device"].get("kind", "?")
    return (
        f"{results['profile']} profile, seed {p.get('base_seed')}, "
        f"commit {str(p['git'].get('commit'))[:7]}"
        f"{' (dirty)' if p['git'].get('dirty') else ''}, {device}"
    )


def aspects(results: dict[str, Any]) -> dict[str, str]:
    """Each of ``ASPECTS`` of one run, as a short text."""
    p = results["provenance"]
    device = p["device"]
    git = p["git"]
    return {
        "profile": results["profile"],
        "seed": str(p["base_seed"]),
        "seed count": str(p["n_seeds"]),
        "device": f"{device['count']} x {device['kind']}"
        + (f" ({device['cpu']})" if device["platform"] == "cpu" else ""),
        "code": str(git["commit"])[:7] + (" with changes" if git["dirty"] else ""),
    }


def differences(a: dict[str, Any], b: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """``{aspect: (A's, B's)}`` for every aspect in which the two runs differ."""
    first, second = aspects(a), aspects(b)
    return {k: (first[k], second[k]) for k in ASPECTS if first[k] != second[k]}


def compare_row(claim: Claim, a: Measurement | None, b: Measurement | None) -> Row:
    first, second = (m.value if m else None for m in (a, b))
    x, y = _number(first), _number(second)
    difference = None if x is None or y is None else y - x
    band = (
        claim.band(claim.tolerance)
        if claim.rule == "within" and claim.tolerance is not None
        else None
    )
    within = None if difference is None or band is None else abs(difference) <= band
    return Row(
        claim.id, first, second, str(grade(claim, a)), str(grade(claim, b)), difference, within
    )


def compare(first: Path, second: Path) -> Comparison:
    """Both files read and validated, then every claim of the current claims.toml compared."""
    a, b = read_results(first), read_results(second)
    if a["replication"] != b["replication"]:
        raise HypeError(
            f"{first} is {a['replication']} but {second} is {b['replication']}",
            "compare two results files of the same replication",
        )
    claims = load_claims(get(a["replication"]).claims_file)
    rows_a = {row["id"]: row for row in a["claims"]}
    rows_b = {row["id"]: row for row in b["claims"]}
    comparison = Comparison(
        a["replication"],
        first,
        second,
        sides=(_side(a), _side(b)),
        profiles=(a["profile"], b["profile"]),
        differences=differences(a, b),
    )
    for claim in claims:
        comparison.rows.append(
            compare_row(
                claim, _measurement(rows_a.get(claim.id)), _measurement(rows_b.get(claim.id))
            )
        )
    return comparison


def print_comparison(comparison: Comparison) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title=f"{comparison.replication}: A = {comparison.first}, B = {comparison.second}"
    )
    widest = max((len(row.id) for row in comparison.rows), default=5)
    table.add_column("claim", no_wrap=True, min_width=widest)
    for column in ("A", "B", "B - A"):
        table.add_column(column, overflow="fold")
    table.add_column("in tol.", no_wrap=True)
    table.add_column("verdicts", overflow="fold")
    for row in comparison.rows:
        verdicts = (
            row.first_verdict
            if not row.changed
            else f"[bold red]{row.first_verdict} -> {row.second_verdict}[/]"
        )
        band = {True: "yes", False: "[yellow]no[/]", None: "–"}[row.within_tolerance]
        table.add_row(
            row.id, fmt(row.first, 4), fmt(row.second, 4), fmt(row.difference, 3), band, verdicts
        )
    console = Console()
    if comparison.differences:
        differ = comparison.describe(list(comparison.differences))
        console.print(f"A and B differ in {differ}", soft_wrap=True)  # one line, never wrapped
    console.print(table)
    for profile in dict.fromkeys(comparison.profiles):
        if profile != "paper":
            console.print(SCALED_DOWN.format(profile=profile), soft_wrap=True)
    console.print(f"A: {comparison.sides[0]}\nB: {comparison.sides[1]}")
    same = len(comparison.rows) - len(comparison.changed)
    console.print(
        f"{same} of {len(comparison.rows)} verdicts the same"
        + (
            f"; changed: {', '.join(r.id for r in comparison.changed)}"
            if comparison.changed
            else ""
        )
    )
