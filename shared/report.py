"""The report step: results files -> Markdown fragments the site pages include.

Pages never hold a number typed by hand: they include ``_generated/...`` fragments with
pymdownx snippets (``--8<-- "_generated/perceptron/claims.md"``). This module writes
those fragments from ``site/results/*.json`` (``paper`` profile only), and a "not run
yet" placeholder for any fragment a page includes that has no results behind it.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

from shared.atomic import atomic_write_bytes
from shared.claims import load_claims
from shared.errors import HypeError
from shared.registry import RESULTS_DIR, ROOT, Replication, all_replications
from shared.results import read_results, regrade

DOCS = ROOT / "site" / "docs"
GENERATED = DOCS / "_generated"
ICONS = {
    "reproduced": ":material-check-circle:{ .verdict-yes } reproduced",
    "partly": ":material-circle-half-full:{ .verdict-partly } partly",
    "not reproduced": ":material-close-circle:{ .verdict-no } not reproduced",
    "not run": ":material-minus-circle-outline:{ .verdict-none } not run",
}
NOT_RUN = "!!! note \"Not run yet\"\n    No `paper`-profile results file exists for this replication yet.\n"


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


def anchor(claim_id: str) -> str:
    """The stable anchor of a claim on its page: ``RHW-sym-sweeps`` -> ``rhw-sym-sweeps``."""
    return re.sub(r"[^a-z0-9]+", "-", claim_id.lower()).strip("-")


def _number(value: Any, row: dict[str, Any], digits: int) -> str:
    """A value of a claim in its display unit (a percentage for fraction claims)."""
    if row.get("percent") and isinstance(value, int | float) and not isinstance(value, bool):
        return fmt(100 * value, digits) + "%"
    text = fmt(value, digits)
    return f"{text} {row['unit']}" if row.get("unit") and not isinstance(value, str | bool) else text


def format_paper(row: dict[str, Any]) -> str:
    return _number(row["paper"], row, row.get("digits", 3))


def format_ours(row: dict[str, Any]) -> str:
    ours = row.get("ours")
    if not ours or ours["value"] is None:
        return "not run" + (f" ({ours['note']})" if ours and ours.get("note") else "")
    digits = row.get("digits", 3)
    text = _number(ours["value"], row, digits)
    if ours.get("std") is not None and ours.get("n", 1) > 1:
        text += f" ± {_number(ours['std'], row, 2)}"
    if ours.get("n", 1) > 1:
        text += f" (n = {ours['n']:,})"
    return text


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


LOSSY_CIFAR = "cifar10_jpeg_lossy"
CAVEAT = " :material-alert-outline:{ title=\"computed on the JPEG-degraded CIFAR-10 copy\" } JPEG-degraded CIFAR-10"


def used_lossy_cifar(results: dict[str, Any]) -> bool:
    return any(LOSSY_CIFAR in key for key in results["provenance"].get("datasets_sha256", {}))


def caveat(results: dict[str, Any], row: dict[str, Any]) -> str:
    """The data caveat shown next to a number computed on the JPEG-degraded CIFAR-10 copy. Which
    claims use CIFAR-10 is read from the current claims.toml (``data = "cifar10"``)."""
    if not used_lossy_cifar(results):
        return ""
    return CAVEAT if _claim_data(results["replication"]).get(row["id"]) == "cifar10" else ""


def _claim_data(name: str) -> dict[str, str]:
    from shared.claims import load_claims
    from shared.registry import get

    return {claim.id: claim.data for claim in load_claims(get(name).claims_file)}


def claims_table(results: dict[str, Any]) -> str:
    """The standard claims table of a replication page."""
    lines = [
        "| claim | paper | ours | criterion (fixed before the run) | verdict |",
        "| --- | --- | --- | --- | --- |",
    ]
    for row in results["claims"]:
        flag = " :material-alert:{ title=\"paper value uncertain: from recall or disputed\" }" \
            if row["confidence"] == "uncertain" else ""
        reworded = (f"<br><small>:material-alert-outline: measured as worded at run time: "
                    f"{_cell(row['measured_as'])}</small>" if row.get("measured_as") else "")
        claim = (f"<span id=\"{anchor(row['id'])}\"></span>**{row['id']}**{flag}<br>"
                 f"{_cell(row['statement'])}{reworded}<br><small>{_cell(row['source'])} · {row['confidence']}</small>")
        lines.append(f"| {claim} | {_cell(format_paper(row))} | {_cell(format_ours(row))}{caveat(results, row)} | "
                     f"{_cell(row['criterion'])}<br><small>{_cell(row['why'])}</small> | {ICONS[row['verdict']]} |")
    notes = [f"- **{r['id']}**: {r['ours']['note']}" for r in results["claims"]
             if r.get("ours") and r["ours"].get("note")]
    if notes:
        lines += ["", "Notes on the measurements:", "", *notes]
    return "\n".join(lines) + "\n"


def provenance_block(results: dict[str, Any]) -> str:
    p = results["provenance"]
    device = p["device"]
    versions = ", ".join(f"{k} {v}" for k, v in p["versions"].items() if v)
    commit = p["git"]["commit"] or "unknown"
    dirty = " (with uncommitted changes)" if p["git"]["dirty"] else ""
    stages = ", ".join(f"{k} {fmt(v, 3)} s" for k, v in p["wall_seconds"].items())
    datasets = "".join(f"\n- `{k}`: `{v}`" for k, v in p["datasets_sha256"].items()) or "\n- none"
    return (
        "Re-make every number on this page with:\n\n"
        f"```bash\n{p['command']}\n```\n\n"
        "| what | value |\n| --- | --- |\n"
        f"| profile | `{p['profile']}` |\n"
        f"| base seed; seeds | {p['base_seed']}; {p['n_seeds'] if p['n_seeds'] is not None else '–'} |\n"
        f"| commit | `{commit}`{dirty} |\n"
        f"| device | {device['count']} × {device['kind']} ({device['platform']}); {device['cpu']}, "
        f"{device['cpu_count']} cores |\n"
        f"| JAX PRNG | `{device['prng_impl']}`; XLA flags `{device['xla_flags'] or 'none'}` |\n"
        f"| wall time | {stages} |\n"
        f"| versions | {versions} |\n"
        f"| finished | {p['finished_utc']} |\n\n"
        f"Datasets (sha256 of content):\n{datasets}\n"
    )


def figures_block(results: dict[str, Any], name: str) -> str:
    figures = results.get("figures", {})
    if not figures:
        return "_No figures for this replication._\n"
    return "\n".join(f"![{_cell(caption)}](figures/{name}/{file})\n/// caption\n{caption}\n///\n"
                     for file, caption in figures.items())


def verdict_counts(results: dict[str, Any]) -> dict[str, int]:
    counts = dict.fromkeys(ICONS, 0)
    for row in results["claims"]:
        counts[row["verdict"]] += 1
    return counts


def summary_table(loaded: dict[str, dict[str, Any]], replications: list[Replication]) -> str:
    """One tally row per replication, then every claim, folded per replication."""
    header = "| year | replication | " + " | ".join(ICONS[v] for v in ICONS) + " |"
    lines = [header, "| --- | --- |" + " ---: |" * len(ICONS)]
    folds = []
    for r in replications:
        results = loaded.get(r.name)
        if results is None:
            lines.append(f"| {r.year} | [{r.title}]({r.name}.md) | " + " | ".join(["–"] * len(ICONS))
                         + " |")  # no results file: not run yet, not "0 not run"
            continue
        counts = verdict_counts(results)
        lines.append(f"| {r.year} | [{r.title}]({r.name}.md) | " + " | ".join(str(n) for n in counts.values()) + " |")
        rows = ["| claim | paper | ours | verdict |", "| --- | --- | --- | --- |"]
        rows += [f"| [{row['id']}]({r.name}.md#{anchor(row['id'])}) | {_cell(format_paper(row))} | "
                 f"{_cell(format_ours(row))}{caveat(results, row)} | {ICONS[row['verdict']]} |"
                 for row in results["claims"]]
        folds.append(f'??? note "{r.year} · {r.title}: every claim"\n\n' + "\n".join("    " + x for x in rows) + "\n")
    return "\n".join(lines) + "\n\n" + "\n".join(folds)


def timeline(loaded: dict[str, dict[str, Any]], replications: list[Replication]) -> str:
    blocks = []
    for r in replications:
        results = loaded.get(r.name)
        if results is None:
            tally = "not run yet"
        else:
            counts = verdict_counts(results)
            tally = ", ".join(f"{n} {v}" for v, n in counts.items() if n)
        blocks.append(f"### {r.year} · [{r.title}]({r.name}.md)\n\n*{r.paper}*\n\n{r.summary}\n\n"
                      f"**What re-running it shows:** {tally}.\n")
    return "\n".join(blocks)


def _load_paper_results(replication: Replication) -> dict[str, Any] | None:
    path = RESULTS_DIR / f"{replication.name}.json"
    if not path.exists():
        return None
    results = read_results(path)
    if results["profile"] != "paper":
        raise HypeError(f"{path} holds a {results['profile']!r} run; the site shows only `paper` runs",
                        f"re-run: nox -s {replication.session}")
    return regrade(results, load_claims(replication.claims_file))  # verdicts by today's claims.toml


def _write(path: Path, text: str, written: list[Path]) -> None:
    atomic_write_bytes(path, text.encode())
    written.append(path)


def included_fragments() -> set[str]:
    """Every ``_generated/...`` file some page includes, so none is ever missing."""
    found = set()
    for page in DOCS.rglob("*.md"):
        if GENERATED in page.parents:
            continue
        found |= set(re.findall(r'--8<--\s+"(_generated/[^"]+)"', page.read_text()))
    return found


def write_site_fragments() -> list[Path]:
    """Write every generated fragment of the site; returns the paths written."""
    written: list[Path] = []
    replications = all_replications()
    loaded = {r.name: res for r in replications if (res := _load_paper_results(r)) is not None}
    for r in replications:
        results = loaded.get(r.name)
        folder = GENERATED / r.name
        if results is None:
            continue
        _write(folder / "claims.md", claims_table(results), written)
        _write(folder / "provenance.md", provenance_block(results), written)
        _write(folder / "figures.md", figures_block(results, r.name), written)
        extra = r.module("report").fragments(results) if r.has("report") else {}
        for key, text in extra.items():
            _write(folder / f"{key}.md", text, written)
    _write(GENERATED / "summary.md", summary_table(loaded, replications), written)
    _write(GENERATED / "timeline.md", timeline(loaded, replications), written)
    for fragment in sorted(included_fragments()):
        path = DOCS / fragment
        if path not in written:
            _write(path, NOT_RUN, written)
    return written
