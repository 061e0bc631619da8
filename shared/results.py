"""The results file: its schema, and an atomic write that never leaves half a file.

``site/results/<name>.json`` is the site's only source of numbers. A run writes it to a
temporary file in the same folder and renames it over the old one, so an interrupted
or failing run leaves the last good file untouched.

It stores the run's tables (``experiment.run``'s return value, one declared ``Tables`` type per
replication) and the measurement of every claim computed from them (``measure(tables)``), with
the verdict of its day; the site grades the stored measurements again by today's claims.

Figures are not part of it: the site build draws them from the file with today's
``figures.py``, captions included (older files that stored captions under ``"figures"``
still read; the build ignores that key).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from shared.atomic import atomic_write_bytes
from shared.claims import Claim, Measurement, grade
from shared.errors import HypeError

SCHEMA = 1


def json_ready(value: Any) -> Any:
    """What ``value`` reads back as from the results file: JSON-safe and deterministic (numpy
    scalars and arrays to Python, tuples to lists, keys to strings in sorted order as the file
    keeps them; NaN to None, infinities to "inf"). The CLI measures the run's tables in this form,
    so a measurement computed again from a stored file is the one the run stored."""
    if isinstance(value, dict):
        items = sorted(((str(k), v) for k, v in value.items()), key=lambda kv: kv[0])
        return {k: json_ready(v) for k, v in items}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    if hasattr(value, "tolist"):  # numpy and jax arrays / scalars
        return json_ready(value.tolist())
    if isinstance(value, float) and not math.isfinite(value):
        return None if math.isnan(value) else ("inf" if value > 0 else "-inf")
    return value


def claim_rows(claims: list[Claim], measured: Mapping[str, Measurement]) -> list[dict[str, Any]]:
    """One row per claim: what the paper says, what we measured, the computed verdict."""
    rows = []
    for claim in claims:
        measurement = measured.get(claim.id)
        row = {
            "id": claim.id,
            "statement": claim.statement,
            "source": claim.source,
            "confidence": claim.confidence,
            "paper": claim.paper,
            "unit": claim.unit,
            "rule": claim.rule,
            "criterion": claim.criterion(),
            "why": claim.why,
            "digits": claim.digits,
            "percent": claim.percent,
            "data": claim.data,
            "ours": measurement.as_dict() if measurement else None,
            "verdict": str(grade(claim, measurement)),
        }
        rows.append(row)
    unknown = sorted(set(measured) - {c.id for c in claims})
    if unknown:
        raise HypeError(
            f"measurements for claims not in claims.toml: {unknown}",
            "add them to claims.toml or stop measuring them",
        )
    return rows


def regrade(results: dict[str, Any], claims: list[Claim]) -> dict[str, Any]:
    """The claim rows of a results file graded again by the current ``claims.toml``: the
    statement, source, criterion, reason and verdict come from the claims, only the measurement
    from the file. The site is built this way, so a changed tolerance or wording never needs a
    re-run (the verdict a run printed is the same computation on the claims of its day)."""
    measured = {
        row["id"]: Measurement(**row["ours"]) for row in results["claims"] if row.get("ours")
    }
    rows = json_ready(claim_rows(claims, measured))
    stored = {row["id"]: row["statement"] for row in results["claims"]}
    for row in rows:  # a claim reworded since the run: the page shows what was measured
        if stored.get(row["id"], row["statement"]) != row["statement"]:
            row["measured_as"] = stored[row["id"]]
    return {**results, "claims": rows}


def build_results(
    name: str,
    profile: str,
    claims: list[Claim],
    tables: Mapping[str, Any],
    measured: Mapping[str, Measurement],
    provenance: dict[str, Any],
) -> dict[str, Any]:
    """The results file of one run: its ``tables``, the measurement and verdict of each claim
    (``claims`` rows, ``ours`` = the measurement) and its provenance."""
    return json_ready(
        {
            "schema": SCHEMA,
            "replication": name,
            "profile": profile,
            "claims": claim_rows(claims, measured),
            "tables": tables,
            "provenance": provenance,
        }
    )


def write_results(path: Path, results: dict[str, Any]) -> None:
    text = json.dumps(results, indent=1, sort_keys=True, allow_nan=False) + "\n"
    atomic_write_bytes(path, text.encode())


# The fields every reader relies on: (path in the file, type). A file missing one is refused
# with its name and the field, never half-read.
REQUIRED: tuple[tuple[str, type | tuple[type, ...]], ...] = (
    ("replication", str),
    ("profile", str),
    ("claims", list),
    ("tables", dict),
    ("provenance", dict),
    ("provenance.git", dict),
    ("provenance.device", dict),
    ("provenance.wall_seconds", dict),
    ("provenance.datasets_sha256", dict),
    ("provenance.command", str),
)
CLAIM_FIELDS = ("id", "statement", "source", "paper", "rule", "criterion", "ours", "verdict")


def _field(results: dict[str, Any], dotted: str) -> Any:
    value: Any = results
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            raise KeyError(dotted)
        value = value[part]
    return value


def validate(results: Any, path: Path) -> dict[str, Any]:
    """``results`` if it has the shape of a results file; else one line naming the file and
    field."""
    fix = f"re-run the replication to rewrite {path}, or restore it from git"
    if not isinstance(results, dict):
        raise HypeError(
            f"{path} is not a results file (its JSON is a {type(results).__name__})", fix
        )
    if results.get("schema") != SCHEMA:
        raise HypeError(f"{path} has schema {results.get('schema')!r}, expected {SCHEMA}", fix)
    for dotted, kind in REQUIRED:
        try:
            value = _field(results, dotted)
        except KeyError:
            raise HypeError(f"{path} lacks the field {dotted!r}", fix) from None
        if not isinstance(value, kind):
            raise HypeError(
                f"{path}: field {dotted!r} is a {type(value).__name__}, not a "
                f"{getattr(kind, '__name__', 'dict or list')}",
                fix,
            )
    for number, row in enumerate(results["claims"]):
        missing = [f for f in CLAIM_FIELDS if not isinstance(row, dict) or f not in row]
        if missing:
            raise HypeError(
                f"{path}: claim {number} "
                f"({row.get('id', '?') if isinstance(row, dict) else row!r}) "
                f"lacks {', '.join(missing)}",
                fix,
            )
    return results


def read_results(path: Path) -> dict[str, Any]:
    """Read and validate a results file; every problem is one line naming the file."""
    try:
        results = json.loads(path.read_text())
    except FileNotFoundError:
        raise HypeError(f"no results file at {path}", "run the replication first") from None
    except (OSError, UnicodeDecodeError) as error:
        raise HypeError(
            f"{path} cannot be read ({error})", "check the file and its permissions"
        ) from None
    except json.JSONDecodeError as error:
        raise HypeError(
            f"{path} is not valid JSON ({error})", "re-run the replication to rewrite it"
        ) from None
    return validate(results, path)
