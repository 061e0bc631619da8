"""Tolerances that follow from a formula, computed here rather than typed into ``claims.toml``.

A claim names its formula and the formula's inputs instead of the numbers::

    tolerance_from = { formula = "error_rate_gap", error = 22.0, hold_outs = 100, cases = 21 }

and :func:`derive` turns that into ``tolerance`` and ``partly_tolerance`` plus the sentence
that shows the working, which the claim's ``why`` starts with. The ``why`` keeps only the
judgement calls (how many standard errors, the floors and why).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from shared.errors import HypeError

Derived = tuple[float, float, str]  # tolerance, partly tolerance, the working in words


def _binomial_se(error_percent: float, cases: int) -> float:
    """Standard error, in percentage points, of an error rate measured on ``cases`` cases."""
    p = error_percent / 100
    return 100 * math.sqrt(p * (1 - p) / cases)


def error_rate_gap(
    *,
    error: float,
    cases: int,
    hold_outs: int = 1,
    standard_errors: float = 2.0,
    floor: float = 0.5,
    partly_floor: float = 2.0,
) -> Derived:
    """Two mean test errors (the paper's and ours) of about ``error`` %, each over ``hold_outs``
    test sets of ``cases`` cases: reproduced within ``standard_errors`` binomial standard errors
    of their difference (rounded to 0.1 pp, at least ``floor``); partly within twice that, at
    least ``partly_floor``."""
    each = _binomial_se(error, hold_outs * cases)
    tolerance = max(round(standard_errors * math.sqrt(2) * each, 1), floor)
    over = (
        f"{hold_outs} hold-outs of {cases:,} cases" if hold_outs > 1 else f"a test set of {cases:,}"
    )
    working = (
        f"binomial standard error of a {error:g}% mean test error over {over}: {each:.2f} pp for "
        f"each of the two means; {standard_errors:g} x sqrt(2) x {each:.2f} = {tolerance:g} pp"
    )
    return tolerance, max(2 * tolerance, partly_floor), working


def noise_increase(
    *,
    clean_error: float,
    cases: int,
    hold_outs: int,
    paper_hold_outs: int = 100,
    standard_errors: float = 2.0,
    floor: float = 5.0,
) -> Derived:
    """A % increase of a mean test error, 100 (noisy - clean) / clean, with clean error about
    ``clean_error`` %: the unpaired binomial standard error of the difference over our
    ``hold_outs`` and the paper's ``paper_hold_outs`` test sets of ``cases`` cases, in points of
    increase; reproduced within ``standard_errors`` of the two combined, at least ``floor``;
    partly within twice that."""

    def points(repeats: int) -> float:
        return 100 * math.sqrt(2) * _binomial_se(clean_error, repeats * cases) / clean_error

    ours, paper = points(hold_outs), points(paper_hold_outs)
    tolerance = max(round(standard_errors * math.hypot(ours, paper), 1), floor)
    working = (
        f"unpaired binomial standard error of the increase (clean error {clean_error:g}%, "
        f"{cases:,} cases per hold-out): {ours:.1f} points over our {hold_outs} hold-outs, "
        f"{paper:.1f} over the paper's {paper_hold_outs}; {standard_errors:g} x their "
        f"combination = {tolerance:g} points"
    )
    return tolerance, 2 * tolerance, working


FORMULAS: dict[str, Callable[..., Derived]] = {
    "error_rate_gap": error_rate_gap,
    "noise_increase": noise_increase,
}


def derive(spec: dict[str, Any]) -> Derived:
    """``tolerance_from`` of a claim -> (tolerance, partly tolerance, working)."""
    inputs = dict(spec)
    name = inputs.pop("formula", None)
    if name not in FORMULAS:
        raise HypeError(
            f"tolerance_from: unknown formula {name!r}",
            f"use one of {sorted(FORMULAS)} (shared/tolerances.py)",
        )
    try:
        return FORMULAS[name](**inputs)
    except TypeError as error:
        raise HypeError(
            f"tolerance_from {name}: {error}", "fix its inputs in claims.toml"
        ) from None
