"""How a number is shown, the same way everywhere: a value to a few significant digits, and a
claim row's paper value and ours in its display unit (a percentage for fraction claims, ``± std``
and ``(n = …)`` for several samples).

The terminal (``shared.cli``'s claims table, ``shared.compare``) and the site
(``website.report``, each replication's ``report.py``) print numbers through these, so a value
reads the same in both; the site half imports them from here, never the other way round.
"""

from __future__ import annotations

import math
from typing import Any


def fmt(value: Any, digits: int = 3) -> str:
    """A number to ``digits`` significant digits, thousands separated; text as is."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    if float(value).is_integer() and abs(value) < 1e7:
        return f"{int(value):,}"
    magnitude = math.floor(math.log10(abs(value)))
    decimals = max(digits - 1 - magnitude, 0)
    return f"{value:,.{decimals}f}"


def in_unit(value: Any, row: dict[str, Any], digits: int) -> str:
    """A value of a claim row in its display unit (a percentage for fraction claims, else its
    ``unit`` after the number)."""
    if row.get("percent") and isinstance(value, int | float) and not isinstance(value, bool):
        return fmt(100 * value, digits) + "%"
    text = fmt(value, digits)
    return (
        f"{text} {row['unit']}" if row.get("unit") and not isinstance(value, str | bool) else text
    )


def format_paper(row: dict[str, Any]) -> str:
    """The paper's value of a claim row (a results file's ``claims`` entry)."""
    return in_unit(row["paper"], row, row.get("digits", 3))


def format_ours(row: dict[str, Any]) -> str:
    """Our value of a claim row, with ``± std`` and ``(n = …)`` when it has several samples;
    ``not run`` (and why) when it has none, ``no value`` (and why) when its runs gave none."""
    ours = row.get("ours")
    if ours and ours.get("inconclusive"):
        return "no value" + (f" ({ours['note']})" if ours.get("note") else "")
    if not ours or ours["value"] is None:
        note = ours.get("note") if ours else None
        if note and note.startswith("not run"):  # "not run yet: 5 of 9 jobs done" says it all
            return note
        return "not run" + (f" ({note})" if note else "")
    digits = row.get("digits", 3)
    text = in_unit(ours["value"], row, digits)
    if ours.get("std") is not None and ours.get("n", 1) > 1:
        text += f" ± {in_unit(ours['std'], row, 2)}"
    if ours.get("n", 1) > 1:
        text += f" (n = {ours['n']:,})"
    return text
