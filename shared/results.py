"""The results file: its schema, and an atomic write that never leaves half a file.

``site/results/<name>.json`` is the site's only source of numbers. A run writes it to a
temporary file in the same folder and renames it over the old one, so an interrupted
or failing run leaves the last good file untouched.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

from shared.claims import Claim, Measurements, grade
from shared.errors import HypeError

SCHEMA = 1


def _clean(value: Any) -> Any:
    """JSON-safe, deterministic values: numpy scalars to Python, NaN refused."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "tolist"):  # numpy and jax arrays / scalars
        return _clean(value.tolist())
    if isinstance(value, float) and not math.isfinite(value):
        return None if math.isnan(value) else ("inf" if value > 0 else "-inf")
    return value


def claim_rows(claims: list[Claim], measured: Measurements) -> list[dict[str, Any]]:
    """One row per claim: what the paper says, what we measured, the computed verdict."""
    rows = []
    for claim in claims:
        measurement = measured.values.get(claim.id)
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
            "ours": measurement.as_dict() if measurement else None,
            "verdict": str(grade(claim, measurement)),
        }
        rows.append(row)
    unknown = sorted(set(measured.values) - {c.id for c in claims})
    if unknown:
        raise HypeError(f"measurements for claims not in claims.toml: {unknown}",
                        "add them to claims.toml or stop measuring them")
    return rows


def build_results(
    name: str, profile: str, claims: list[Claim], measured: Measurements, provenance: dict[str, Any]
) -> dict[str, Any]:
    return _clean({
        "schema": SCHEMA,
        "replication": name,
        "profile": profile,
        "claims": claim_rows(claims, measured),
        "tables": measured.tables,
        "provenance": provenance,
    })


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename (atomic on POSIX)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_results(path: Path, results: dict[str, Any]) -> None:
    text = json.dumps(results, indent=1, sort_keys=True, allow_nan=False) + "\n"
    atomic_write_bytes(path, text.encode())


def read_results(path: Path) -> dict[str, Any]:
    try:
        results = json.loads(path.read_text())
    except FileNotFoundError:
        raise HypeError(f"no results file at {path}", "run the replication first") from None
    except json.JSONDecodeError as error:
        raise HypeError(f"{path} is not valid JSON ({error})", "re-run the replication to rewrite it") from None
    if results.get("schema") != SCHEMA:
        raise HypeError(f"{path} has schema {results.get('schema')!r}, expected {SCHEMA}",
                        "re-run the replication with this version")
    return results
