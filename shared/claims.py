"""Claims are data: the paper's statements, loaded from ``claims.toml``, graded by rule.

A claim in ``claims.toml`` looks like::

    [[claim]]
    id = "RHW-sym-sweeps"
    statement = "Mirror symmetry 6-2-1 learned in 1,425 sweeps (eps 0.1, alpha 0.9)."
    source = "Rumelhart, Hinton & Williams 1986, Fig. 1 caption, p. 534"
    confidence = "primary"  # primary | secondary | uncertain | note (how sure the paper value is)
    paper = 1425            # the paper's value: a number, or text for a qualitative claim
    unit = "sweeps"
    rule = "within"         # within | at_least | at_most | holds
    tolerance = 0.5         # within: |ours - paper| <= tolerance (relative = true: x |paper|)
    relative = true
    partly_tolerance = 1.0  # optional: a wider band graded "partly"
    why = "one run in the paper; sweeps vary several-fold with the initial weights"

A tolerance that follows from a formula is not typed: ``tolerance_from`` names the formula
of :mod:`shared.tolerances` and its inputs, and the working is put in front of ``why``.

``at_least`` / ``at_most`` compare with ``threshold`` (and ``partly_threshold``); ``holds``
takes a boolean measurement. The verdict is always computed here, never typed in, and
the tolerance is fixed before the run: the reason goes in ``why``.

A claim measured on a substitute setup (another model or data set than the one the paper's
number is about, not merely another copy of the same data) says so::

    substitute = { paper = "the paper's convolutional maxout net", ours = "a four-layer
    convnet after 2 epochs", profiles = ["cpu"] }   # profiles: where it applies (default: all)

The site then grades it ``substitute`` (:func:`label`), whatever its rule gives on the
substitute: a number from another net can neither confirm nor refute the paper's. The rule's
outcome on the substitute is still computed (``grade``) and shown beside it.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from shared.errors import HypeError
from shared.tolerances import derive

RULES = ("within", "at_least", "at_most", "holds")
CONFIDENCES = ("primary", "secondary", "uncertain", "note")


class Verdict(StrEnum):
    REPRODUCED = "reproduced"
    PARTLY = "partly"
    NOT_REPRODUCED = "not reproduced"
    NOT_RUN = "not run"
    INCONCLUSIVE = "inconclusive"  # run, but no value came of it: see ``Measurement``
    SUBSTITUTE = "substitute"  # measured on another setup than the paper's: see ``label``


@dataclass(frozen=True)
class Claim:
    """One statement of a paper and the rule that grades our measurement of it."""

    id: str
    statement: str
    source: str
    confidence: str
    rule: str
    why: str
    paper: float | str | bool | None = None
    unit: str = ""
    tolerance: float | None = None
    relative: bool = False
    partly_tolerance: float | None = None
    threshold: float | None = None
    partly_threshold: float | None = None
    digits: int = 3  # significant digits shown on the site
    percent: bool = False  # a fraction in [0, 1], shown as a percentage
    data: str = (
        ""  # the data set the measurement is computed on, where a caveat may apply ("cifar10")
    )
    tolerance_from: dict[str, Any] | None = None  # a formula of shared/tolerances.py and its inputs
    substitute: dict[str, Any] | None = None  # {paper, ours, profiles?}: see the module docstring

    def substituted(self, profile: str) -> dict[str, str] | None:
        """What the paper used and what we used, when a run of ``profile`` substitutes."""
        if self.substitute is None:
            return None
        profiles = self.substitute.get("profiles")
        if profiles is not None and profile not in profiles:
            return None
        return {"paper": self.substitute["paper"], "ours": self.substitute["ours"]}

    @property
    def uncertain(self) -> bool:
        """The paper's value is from recall or disputed: graded, but flagged on the site."""
        return self.confidence == "uncertain"

    def band(self, width: float) -> float:
        if self.relative:
            return width * abs(float(self.paper))  # type: ignore[arg-type]
        return width

    def shown(self, value: float) -> str:
        return f"{100 * value:g}%" if self.percent else f"{value:g} {self.unit}".rstrip()

    def criterion(self, *, partly: bool = False) -> str:
        """The rule in words, for the site's claims table; ``partly``: the wider band graded
        "partly" ("" when the claim has none)."""
        tolerance = self.partly_tolerance if partly else self.tolerance
        threshold = self.partly_threshold if partly else self.threshold
        if self.rule == "within" and tolerance is not None:
            width = f"{tolerance:g} x paper" if self.relative else self.shown(tolerance)
            return f"|ours - paper| <= {width}"
        if self.rule == "at_least" and threshold is not None:
            return f"ours >= {self.shown(threshold)}"
        if self.rule == "at_most" and threshold is not None:
            return f"ours <= {self.shown(threshold)}"
        return "" if partly else "holds"


@dataclass(frozen=True)
class Measurement:
    """What we measured for one claim: a mean (or a boolean) over ``n`` seeds or repeats.

    A replication's ``measure(tables)`` computes one per claim from the run's tables alone.

    ``value=None`` means the claim could not be run (``note`` says why: e.g. a dataset
    that is not available offline); it is graded "not run", never silently dropped.
    ``inconclusive=True`` with it: the runs were made but gave this claim no value (every net
    compared stalled at chance, say); it is graded "inconclusive", neither the paper's miss nor
    work still to do.
    """

    value: float | bool | None
    std: float | None = None
    n: int = 1
    note: str = ""
    inconclusive: bool = False

    def __post_init__(self) -> None:
        if self.inconclusive and self.value is not None:
            raise ValueError("an inconclusive measurement has no value")

    def as_dict(self) -> dict[str, Any]:
        measured = {"value": self.value, "std": self.std, "n": self.n, "note": self.note}
        return {**measured, "inconclusive": True} if self.inconclusive else measured


def _claim_from(entry: dict[str, Any], where: Path) -> Claim:
    if "tolerance_from" in entry:  # computed, so a typed number cannot drift from its formula
        if "tolerance" in entry or "partly_tolerance" in entry:
            raise HypeError(
                f"{where}: claim {entry.get('id', '?')!r} has both tolerance_from and a typed "
                "tolerance",
                "keep one: the formula, or the number with its reason",
            )
        try:
            tolerance, partly, working = derive(entry["tolerance_from"])
        except HypeError as error:
            raise HypeError(
                f"{where}: claim {entry.get('id', '?')!r}: {error.cause}", error.fix
            ) from None
        entry = {
            **entry,
            "tolerance": tolerance,
            "partly_tolerance": partly,
            "why": (
                f"{working}. {entry.get('why', '')[:1].upper()}{entry.get('why', '')[1:]}"
            ).rstrip(". "),
        }
    try:
        claim = Claim(**entry)
    except TypeError as error:
        raise HypeError(
            f"{where}: bad claim {entry.get('id', '?')!r}: {error}",
            "fix the field names in claims.toml",
        ) from None
    problems = []
    if claim.rule not in RULES:
        problems.append(f"rule must be one of {RULES}")
    if claim.confidence not in CONFIDENCES:
        problems.append(f"confidence must be one of {CONFIDENCES}")
    if claim.rule == "within" and (
        claim.tolerance is None or not isinstance(claim.paper, int | float)
    ):
        problems.append("rule 'within' needs a numeric paper value and a tolerance")
    if claim.rule in ("at_least", "at_most") and claim.threshold is None:
        problems.append(f"rule {claim.rule!r} needs a threshold")
    if not claim.why.strip():
        problems.append("every claim needs the reason for its tolerance in 'why'")
    if claim.substitute is not None and (
        not isinstance(claim.substitute, dict)
        or not {"paper", "ours"} <= set(claim.substitute) <= {"paper", "ours", "profiles"}
        or not all(str(claim.substitute[k]).strip() for k in ("paper", "ours"))
    ):
        problems.append("substitute needs 'paper' and 'ours' (and optionally 'profiles')")
    if problems:
        raise HypeError(f"{where}: claim {claim.id!r}: " + "; ".join(problems), "fix claims.toml")
    return claim


def load_claims(path: Path) -> list[Claim]:
    """Read and validate the ``[[claim]]`` entries of a ``claims.toml``."""
    try:
        with open(path, "rb") as f:
            entries = tomllib.load(f).get("claim", [])
    except tomllib.TOMLDecodeError as error:
        raise HypeError(f"{path}: not valid TOML ({error})", "fix the file's syntax") from None
    claims = [_claim_from(entry, path) for entry in entries]
    ids = [c.id for c in claims]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise HypeError(f"{path}: duplicate claim ids {duplicates}", "give each claim its own id")
    return claims


def grade(claim: Claim, measurement: Measurement | None) -> Verdict:
    """The verdict for one claim, by its rule. Missing measurement: not run (inconclusive when
    its runs were made but gave no value)."""
    if measurement is not None and measurement.inconclusive:
        return Verdict.INCONCLUSIVE
    if measurement is None or measurement.value is None:
        return Verdict.NOT_RUN
    value = measurement.value
    if claim.rule == "holds":
        return Verdict.REPRODUCED if bool(value) else Verdict.NOT_REPRODUCED
    value = float(value)
    if math.isnan(value):
        raise HypeError(
            f"claim {claim.id}: the measurement is NaN", "the run diverged; see its log"
        )
    if claim.rule == "within":
        gap = abs(value - float(claim.paper))  # type: ignore[arg-type]
        if gap <= claim.band(claim.tolerance):  # type: ignore[arg-type]
            return Verdict.REPRODUCED
        if claim.partly_tolerance is not None and gap <= claim.band(claim.partly_tolerance):
            return Verdict.PARTLY
        return Verdict.NOT_REPRODUCED
    sign = 1.0 if claim.rule == "at_least" else -1.0
    if sign * (value - claim.threshold) >= 0:  # type: ignore[operator]
        return Verdict.REPRODUCED
    if claim.partly_threshold is not None and sign * (value - claim.partly_threshold) >= 0:
        return Verdict.PARTLY
    return Verdict.NOT_REPRODUCED


def label(claim: Claim, rule_verdict: str, profile: str) -> str:
    """The verdict the site shows: ``substitute`` for a claim a run of ``profile`` measured on a
    substitute setup that it could measure at all, else the rule's verdict. A number from
    another model or data set can neither confirm nor refute the paper's: "reproduced" would
    claim more than was tested, "partly" would read as a near miss on the paper's setup, and
    "not reproduced" would blame the paper for our substitution."""
    if rule_verdict not in (Verdict.NOT_RUN, Verdict.INCONCLUSIVE) and claim.substituted(profile):
        return str(Verdict.SUBSTITUTE)
    return rule_verdict
