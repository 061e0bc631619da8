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
from shared.claims import Claim, Measurement, Verdict, grade
from shared.errors import HypeError

SCHEMA = 1
MEASUREMENT_FIELDS = ("value", "std", "n", "note", "inconclusive")


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
            "partly_criterion": claim.criterion(partly=True),
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
        row["id"]: Measurement(**{k: v for k, v in row["ours"].items() if k in MEASUREMENT_FIELDS})
        for row in results["claims"]
        if row.get("ours")
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


NUMBER = (int, float)
TEXT_OR_NONE = (str, type(None))
# The shape of a results file: every field a reader uses (the CLI, compare, verify, the site),
# nested, with its type. A name ending in "?" may be absent (files written before it existed);
# a one-element list is a list of that shape. ``tables`` is each replication's own (its
# ``tables.Tables``, read by its own figures and report code); everything else is checked here,
# so a file missing a field is refused with its name, never half-read.
MEASUREMENT = {
    "value": (bool, *NUMBER, str, type(None)),
    "std": (*NUMBER, type(None)),
    "n": int,
    "note?": str,
    "inconclusive?": bool,
}
CLAIM = {
    "id": str,
    "statement": str,
    "source": str,
    "confidence": str,
    "paper": object,
    "unit": str,
    "rule": str,
    "criterion": str,
    "partly_criterion?": str,
    "why": str,
    "digits": int,
    "percent": bool,
    "data?": TEXT_OR_NONE,
    "ours": (MEASUREMENT, None),  # None: not run
    "verdict": tuple(str(v) for v in Verdict),  # a fixed text: one of these
}
SHAPE = {
    "schema": int,
    "replication": str,
    "profile": str,
    "claims": [CLAIM],
    "tables": dict,
    "provenance": {
        "command": str,
        "profile": str,
        "base_seed": int,
        "n_seeds": (int, type(None)),
        "config?": (dict, str),
        "git": {"commit": TEXT_OR_NONE, "dirty": (bool, type(None))},
        "versions": dict,
        "device": {
            "platform": str,
            "kind": str,
            "count": int,
            "cpu": str,
            "cpu_count": (int, type(None)),
            "xla_flags": str,
            "prng_impl": str,
            "x64": bool,
            "matmul_precision?": dict,
        },
        "os": str,
        "argv": list,
        "datasets_sha256": dict,
        "wall_seconds": {"total": NUMBER},
        "finished_utc": str,
        "published?": bool,
        "jobs?": dict,
    },
}


def _kind(expected: Any) -> str:
    if isinstance(expected, dict):
        return "dict"
    if isinstance(expected, list):
        return "list"
    if isinstance(expected, tuple) and all(isinstance(v, str) for v in expected):
        return " or ".join(repr(v) for v in expected)
    kinds = expected if isinstance(expected, tuple) else (expected,)
    return " or ".join("null" if k is type(None) else k.__name__ for k in kinds)


def problem(value: Any, shape: Any, where: str = "") -> str | None:
    """The first way ``value`` departs from ``shape`` ("field 'provenance.profile' is missing"),
    or None when it has that shape."""
    if isinstance(shape, tuple) and len(shape) == 2 and shape[1] is None:  # (shape, None)
        return None if value is None else problem(value, shape[0], where)
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            return f"field {where!r} is a {type(value).__name__}, not a dict"
        for key, inner in shape.items():
            name = key.removesuffix("?")
            path = f"{where}.{name}" if where else name
            if name not in value:
                if key.endswith("?"):
                    continue
                return f"field {path!r} is missing"
            if (found := problem(value[name], inner, path)) is not None:
                return found
        return None
    if isinstance(shape, list):
        if not isinstance(value, list):
            return f"field {where!r} is a {type(value).__name__}, not a list"
        for number, item in enumerate(value):
            if (found := problem(item, shape[0], f"{where}[{number}]")) is not None:
                return found
        return None
    if isinstance(shape, tuple) and all(isinstance(v, str) for v in shape):  # a fixed text
        return None if value in shape else f"field {where!r} is {value!r:.40}, not {_kind(shape)}"
    if isinstance(value, shape):
        return None
    return f"field {where!r} is a {type(value).__name__}, not {_kind(shape)}"


def validate(results: Any, path: Path) -> dict[str, Any]:
    """``results`` if it has the shape of a results file (``SHAPE``, nested fields included); else
    one line naming the file and the field."""
    fix = f"re-run the replication to rewrite {path}, or restore it from git"
    if not isinstance(results, dict):
        raise HypeError(
            f"{path} is not a results file (its JSON is a {type(results).__name__})", fix
        )
    if results.get("schema") != SCHEMA:
        raise HypeError(f"{path} has schema {results.get('schema')!r}, expected {SCHEMA}", fix)
    found = problem(results, SHAPE)
    if found is not None:
        raise HypeError(f"{path}: {found}", fix)
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
