"""The report step: results files -> Markdown fragments and figures the site pages include.

Pages never hold a number typed by hand: they include ``_generated/...`` fragments with
pymdownx snippets (``--8<-- "_generated/perceptron/claims.md"``). This module writes
those fragments from ``site/results/*.json`` (``paper`` profile only) and the verification
records beside them (``site/results/verification/*.json``), and a "not run yet" placeholder
for any fragment a page includes that has no results behind it.

Everything here happens when the site is built (``python -m shared.cli report``, which
``nox -s site`` runs before ``mkdocs build``), from the stored measurements alone: the claims
are graded again by today's ``claims.toml``, and every figure is drawn again by today's
``replications/<name>/figures.py`` into ``site/docs/figures/<name>/`` (a build output, like
``_generated/``; neither is committed), its caption taken from what ``make_figures`` returns.
So a changed tolerance, wording, caption or colour never needs a re-run.

The landing page opens with what held (``held.md``: one line per era, its headline claim);
every claim row carries a ready-to-paste citation and what has been checked twice.
"""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path
from typing import Any

from shared.atomic import atomic_write_bytes
from shared.claims import load_claims
from shared.errors import HypeError
from shared.registry import RESULTS_DIR, ROOT, Replication, all_replications
from shared.results import read_results, regrade
from shared.verification import (
    ClaimCheck,
    claim_checks,
    describe,
    is_published,
    read_record,
    status,
)

DOCS = ROOT / "site" / "docs"
GENERATED = DOCS / "_generated"
MARKS = {  # the verdict's icon alone (title: its word on hover), for tallies
    "reproduced": ':material-check-circle:{ .verdict-yes title="reproduced" }',
    "partly": ':material-circle-half-full:{ .verdict-partly title="partly" }',
    "not reproduced": ':material-close-circle:{ .verdict-no title="not reproduced" }',
    "not run": ':material-minus-circle-outline:{ .verdict-none title="not run" }',
}
ICONS = {verdict: f"{mark} {verdict}" for verdict, mark in MARKS.items()}
# The claim each era is remembered by: what a writer would quote first. Chosen here, not in
# claims.toml (its owners edit those); tests/test_site.py checks that every id exists.
HEADLINES = {
    "perceptron": "PERC-NOV-bound",  # Novikoff: the rule converges within (R/gamma)^2 mistakes
    "xor": "MP-xor-lp",  # the book's famous point: no single threshold unit computes XOR
    "backprop": "RHW-ft-gen",  # the letter's point: learned representations generalise
    "svm": "SVN-NIST-1.1",  # the 1.1% NIST error the paper is known for
    "random_forest": "RF-T5-headline",  # forests far more robust to label noise than Adaboost
    "alexnet": "AX-relu-fig1",  # Fig. 1: ReLUs reach 25% CIFAR-10 error six times faster
    "adversarial": "SZ-T2-transfer",  # examples made for one net fool the others too
    "no_silver_bullet": "NSB-no-winner",  # no method is best on every problem
}
PROJECT = "History of Hype"
AUTHORS = "History of Hype contributors"
NOT_RUN = (
    '!!! note "Not run yet"\n    No `paper`-profile results file exists for this replication yet.\n'
)


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
    return (
        f"{text} {row['unit']}" if row.get("unit") and not isinstance(value, str | bool) else text
    )


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
CAVEAT_TEXT = "computed on the JPEG-degraded CIFAR-10 copy"
CAVEAT = f' :material-alert-outline:{{ title="{CAVEAT_TEXT}" }} JPEG-degraded CIFAR-10'


def used_lossy_cifar(results: dict[str, Any]) -> bool:
    return any(LOSSY_CIFAR in key for key in results["provenance"].get("datasets_sha256", {}))


def caveat_text(results: dict[str, Any], row: dict[str, Any]) -> str:
    """The data caveat of one number in words, or "". Which claims use CIFAR-10 is the row's
    ``data`` (``data = "cifar10"`` in claims.toml), set when the site regrades the file."""
    return CAVEAT_TEXT if used_lossy_cifar(results) and row.get("data") == "cifar10" else ""


def caveat(results: dict[str, Any], row: dict[str, Any]) -> str:
    """The data caveat shown next to a number computed on the JPEG-degraded CIFAR-10 copy."""
    return CAVEAT if caveat_text(results, row) else ""


UNCERTAIN = ' :material-alert:{ title="paper value uncertain: from recall or disputed" }'


def _flag(row: dict[str, Any]) -> str:
    return UNCERTAIN if row.get("confidence") == "uncertain" else ""


# --- citations -----------------------------------------------------------------------------------


def site_url() -> str:
    """The site's address, ``$HYPE_SITE_URL`` (``site_url`` in mkdocs.yml reads the same variable;
    the site workflow sets it), or "" without one: then a citation names the page by its path on
    the site (``perceptron/#perc-nov-bound``)."""
    url = os.environ.get("HYPE_SITE_URL", "")
    return url.rstrip("/") + "/" if url else ""


def page_link(name: str, claim_id: str) -> str:
    """Where a claim lives: ``perceptron/#perc-nov-bound`` (with the site's address when known)."""
    return f"{site_url()}{name}/#{anchor(claim_id)}"


def _commit(results: dict[str, Any]) -> str:
    git = results["provenance"]["git"]
    dirty = " (with uncommitted changes)" if git.get("dirty") else ""
    return (git.get("commit") or "unknown") + dirty


def _findings(results: dict[str, Any], row: dict[str, Any], checks: list[ClaimCheck]) -> str:
    """Both values (each with its caveat), the verdict, what was checked, the commit."""
    ours = format_ours(row) + (f", {note}" if (note := caveat_text(results, row)) else "")
    if row.get("measured_as"):  # the claim was reworded after the run: say what was measured
        ours += f', measured as worded at run time: "{row["measured_as"]}"'
    paper = format_paper(row) + (
        " (uncertain: from recall or disputed)" if row.get("confidence") == "uncertain" else ""
    )
    checked = status(checks) if checks else "not yet checked by a second run"
    return (
        f"Ours: {ours}; paper: {paper}. Verdict: {row['verdict']} ({row['criterion']}). "
        f"Checked: {checked}. Commit {_commit(results)}"
    )


def citation_text(results: dict[str, Any], row: dict[str, Any], checks: list[ClaimCheck]) -> str:
    """A claim as one ready-to-paste paragraph: id, statement, values, verdict, commit, page."""
    year = str(results["provenance"].get("finished_utc", ""))[:4]
    link = page_link(results["replication"], row["id"])
    return (
        f'{PROJECT} ({year}). Claim {row["id"]}: "{row["statement"]}" ({row["source"]}). '
        f"{_findings(results, row, checks)}, page {link}."
    )


def _latex(text: str) -> str:
    """Text safe inside a BibTeX field: LaTeX's special characters escaped."""
    special = {
        "\\": r"\textbackslash{}",
        "{": r"\{",
        "}": r"\}",
        "%": r"\%",
        "$": r"\$",
        "&": r"\&",
        "#": r"\#",
        "_": r"\_",
        "^": r"\^{}",
        "~": r"\~{}",
    }
    return "".join(special.get(ch, ch) for ch in text)


def citation_bibtex(results: dict[str, Any], row: dict[str, Any], checks: list[ClaimCheck]) -> str:
    """The same citation as a BibTeX ``@misc`` entry keyed ``hype:<claim id>``."""
    year = str(results["provenance"].get("finished_utc", ""))[:4]
    link = page_link(results["replication"], row["id"])
    where = (
        f"  url          = {{{link}}},\n"
        if site_url()
        else f"  howpublished = {{{_latex(PROJECT)} site, page {_latex(link)}}},\n"
    )
    title = f"{{{PROJECT}}}, claim {_latex(row['id'])}: {_latex(row['statement'])}"  # {}: keep case
    note = f"{row['source']}. {_findings(results, row, checks)}"
    return (
        f"@misc{{hype:{row['id']},\n"
        f"  author       = {{{{{AUTHORS}}}}},\n"
        f"  title        = {{{title}}},\n"
        f"  year         = {{{year}}},\n{where}"
        f"  note         = {{{_latex(note)}}}\n}}"
    )


def _entities(text: str) -> str:
    """Text for raw HTML inside a Markdown table cell: every ASCII sign that Markdown, its
    extensions (emoji, arithmatex, attr_list) or the table itself could read as markup is a
    numeric entity, newlines too; the browser shows (and copies) the text unchanged."""
    return "".join(
        f"&#{ord(ch)};" if ch.isascii() and not ch.isalnum() and ch != " " else ch for ch in text
    )


def cite_details(results: dict[str, Any], row: dict[str, Any], checks: list[ClaimCheck]) -> str:
    """The row's citation: a closed <details> (id ``cite-<anchor>``) holding the sentence and the
    BibTeX entry as code blocks, each with the theme's copy button. Each <pre> has its own id:
    the theme names a block's copy target after the nearest id, so two blocks under one id
    would both copy the first."""
    key = anchor(row["id"])
    blocks = "".join(
        f'<pre id="cite-{key}-{kind}"><code>{_entities(text)}</code></pre>'
        for kind, text in (
            ("text", citation_text(results, row, checks)),
            ("bibtex", citation_bibtex(results, row, checks)),
        )
    )
    return f'<details class="cite" id="cite-{key}"><summary>Cite</summary>{blocks}</details>'


# --- tables --------------------------------------------------------------------------------------


def claims_table(results: dict[str, Any], record: dict[str, Any] | None = None) -> str:
    """The standard claims table of a replication page: per row the claim (its id never
    wrapped), both values with any data caveat beside ours, the criterion, the verdict with
    what has been checked twice, and the citation. Then notes, checks and references."""
    checks = claim_checks(record, results)
    lines = [
        '<div class="claims" markdown>',
        "",
        "| claim | paper | ours | criterion (fixed before the run) | verdict |",
        "| --- | --- | --- | --- | --- |",
    ]
    for row in results["claims"]:
        mine = checks.get(row["id"], [])
        reworded = (
            f"<br><small>:material-alert-outline: measured as worded at run time: "
            f"{_cell(row['measured_as'])}</small>"
            if row.get("measured_as")
            else ""
        )
        claim = (
            f'<span id="{anchor(row["id"])}" class="claim-id">**{row["id"]}**</span>'
            f"{_flag(row)}<br>{_cell(row['statement'])}{reworded}<br>"
            f"<small>{_cell(row['source'])} · {row['confidence']}</small>"
            f"{cite_details(results, row, mine)}"
        )
        ours = _cell(format_ours(row)) + caveat(results, row)
        criterion = f"{_cell(row['criterion'])}<br><small>{_cell(row['why'])}</small>"
        verdict = f'{ICONS[row["verdict"]]}<br><small class="checked">{_cell(status(mine))}</small>'
        lines.append(f"| {claim} | {_cell(format_paper(row))} | {ours} | {criterion} | {verdict} |")
    lines += ["", "</div>"]
    notes = [
        f"- **{r['id']}**: {r['ours']['note']}"
        for r in results["claims"]
        if r.get("ours") and r["ours"].get("note")
    ]
    if notes:
        lines += ["", "Notes on the measurements:", "", *notes]
    lines += ["", checks_block(results, record)]
    return "\n".join(lines)


def checks_block(results: dict[str, Any], record: dict[str, Any] | None) -> str:
    """What has been checked twice on this page, with each run's provenance; or that nothing has."""
    how = "[how a check is made](methods.md#checked-twice)"
    if not record or not (record["checks"] or record["references"]):
        return (
            f"**Checked twice:** nothing yet. Every verdict above is from the one published "
            f"run ({how}).\n"
        )
    lines = [f"**Checked twice** ({how}):", ""]
    for check in record["checks"]:
        first, second = check["first"], check["second"]
        # The published side is the one the site shows now; the other is the second look.
        published, other = (
            (second, first)
            if is_published(second, results) and not is_published(first, results)
            else (first, second)
        )
        same = sum(1 for c in check["claims"] if c["verdicts"] == "same")
        dirty = " (uncommitted changes)" if other.get("dirty") else ""
        stale = (
            ""
            if is_published(published, results)
            else " (against an earlier published run, so not counted)"
        )
        lines.append(
            f"- {describe(check, other)}: {same} of {len(check['claims'])} verdicts the "
            f"same; the other run: `{other['file']}`, {other['profile']} profile, "
            f"seed {other['seed']}, {other['device']}, commit "
            f"`{str(other['commit'])[:7]}`{dirty}; "
            f"recorded {str(check.get('recorded_utc', ''))[:10]}{stale}"
        )
    for ref in record["references"]:
        lines.append(
            f"- reference implementation: `{ref['test']}` passed ({ref['passed']} "
            f"cases) at commit `{str(ref['commit'])[:7]}` on "
            f"{str(ref['recorded_utc'])[:10]}: {_cell(ref['checks'])}"
        )
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
        f"| base seed; seeds | {p['base_seed']}; "
        f"{p['n_seeds'] if p['n_seeds'] is not None else '–'} |\n"
        f"| commit | `{commit}`{dirty} |\n"
        f"| device | {device['count']} × {device['kind']} ({device['platform']}); {device['cpu']}, "
        f"{device['cpu_count']} cores |\n"
        f"| JAX PRNG | `{device['prng_impl']}`; XLA flags `{device['xla_flags'] or 'none'}` |\n"
        f"| wall time | {stages} |\n"
        f"| versions | {versions} |\n"
        f"| finished | {p['finished_utc']} |\n\n"
        f"Datasets (sha256 of content):\n{datasets}\n"
    )


def draw_figures(replication: Replication, results: dict[str, Any], outdir: Path) -> dict[str, str]:
    """Draw a replication's figures from its (regraded) results into ``outdir`` with today's
    ``figures.py``; returns ``{file name: caption}`` in file order ({} without a ``figures.py``).
    Files in ``outdir`` it did not draw (a renamed or dropped figure) are removed: the folder
    holds what the build drew, nothing older."""
    if not replication.has("figures"):
        return {}
    drawn = replication.module("figures").make_figures(results, outdir)
    figures = {path.name: caption for path, caption in sorted(drawn.items())}
    for stale in outdir.iterdir() if outdir.is_dir() else ():
        if stale.is_file() and stale.name not in figures:
            stale.unlink()
    return figures


def figures_block(figures: dict[str, str], name: str) -> str:
    """The figures of a page, ``{file name: caption}`` as ``draw_figures`` returns them."""
    if not figures:
        return "_No figures for this replication._\n"
    return "\n".join(
        f"![{_cell(caption)}](figures/{name}/{file})\n/// caption\n{caption}\n///\n"
        for file, caption in figures.items()
    )


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
            lines.append(
                f"| {r.year} | [{r.title}]({r.name}.md) | " + " | ".join(["–"] * len(ICONS)) + " |"
            )  # no results file: not run yet, not "0 not run"
            continue
        counts = verdict_counts(results)
        lines.append(
            f"| {r.year} | [{r.title}]({r.name}.md) | "
            + " | ".join(str(n) for n in counts.values())
            + " |"
        )
        rows = ["| claim | paper | ours | verdict |", "| --- | --- | --- | --- |"]
        rows += [
            f"| [{row['id']}]({r.name}.md#{anchor(row['id'])}) | {_cell(format_paper(row))} | "
            f"{_cell(format_ours(row))}{caveat(results, row)} | {ICONS[row['verdict']]} |"
            for row in results["claims"]
        ]
        folds.append(
            f'??? note "{r.year} · {r.title}: every claim"\n\n'
            + "\n".join("    " + x for x in rows)
            + "\n"
        )
    return "\n".join(lines) + "\n\n" + "\n".join(folds)


def check_tally(results: dict[str, Any], record: dict[str, Any] | None) -> dict[str, Any]:
    """What the record says of the published numbers: claims whose every current check kept the
    verdict (``same``; a "not run" kept is not counted), claims a current check changed, reference
    tests recorded, and the kinds of check that count (``labels``)."""
    checks = claim_checks(record, results)
    same = changed = 0
    labels: set[str] = set()
    for row in results["claims"]:
        current = [c for c in checks.get(row["id"], []) if c.current]
        labels |= {c.label for c in current}
        if any(c.changed for c in current):
            changed += 1
        elif current and all(c.verified for c in current):
            same += 1
    return {
        "same": same,
        "changed": changed,
        "claims": len(results["claims"]),
        "references": len((record or {}).get("references", [])),
        "labels": sorted(labels),
    }


def _tally_cell(tally: dict[str, Any]) -> str:
    if not (tally["same"] or tally["changed"] or tally["references"]):
        return "not yet"
    parts = []
    if tally["same"] or tally["changed"]:
        parts.append(
            f"{tally['same']} of {tally['claims']} same"
            + (f", {tally['changed']} changed" if tally["changed"] else "")
            + f", {'; '.join(tally['labels'])}"
        )
    if tally["references"]:
        parts.append(f"{tally['references']} reference check{'s' * (tally['references'] > 1)}")
    return "; ".join(parts)


def _headline_cell(r: Replication, results: dict[str, Any] | None) -> str:
    """The era's headline claim with both values, the caveat beside ours, and its verdict."""
    claim_id = HEADLINES[r.name]
    if results is None:  # no results file: the statement from claims.toml, nothing measured
        statement = next(c.statement for c in load_claims(r.claims_file) if c.id == claim_id)
        return f'<span class="claim-id">**{claim_id}**</span>: {_cell(statement)}<br>not run yet'
    row = next(row for row in results["claims"] if row["id"] == claim_id)
    ours = _cell(format_ours(row)) + caveat(results, row)
    return (
        f'[<span class="claim-id">**{claim_id}**</span>]({r.name}.md#{anchor(claim_id)})'
        f"{_flag(row)}: {_cell(row['statement'])}<br>"
        f"paper {_cell(format_paper(row))} · ours {ours} · {ICONS[row['verdict']]}"
    )


def held_table(
    loaded: dict[str, dict[str, Any]],
    replications: list[Replication],
    records: dict[str, dict[str, Any] | None],
) -> str:
    """The landing page's answer to "what held?": one line per era (its verdict tally, the claim
    it is remembered by, what has been checked twice), then the totals."""
    legend = " · ".join(ICONS.values())
    lines = [
        f"Verdicts: {legend}.",
        "",
        '<div class="held" markdown>',
        "",
        "| era | verdicts | the claim it is remembered by | checked twice |",
        "| --- | --- | --- | --- |",
    ]
    totals = dict.fromkeys(("same", "changed", "claims", "references"), 0)
    for r in replications:
        results = loaded.get(r.name)
        era = f"**{r.year}** · [{r.title}]({r.name}.md)<br><small>{_cell(r.paper)}</small>"
        if results is None:
            lines.append(f"| {era} | not run yet | {_headline_cell(r, None)} | – |")
            continue
        tally = check_tally(results, records.get(r.name))
        for key in totals:
            totals[key] += tally[key]
        counts = " ".join(
            f'<span class="tally">{MARKS[v]} {n}</span>' for v, n in verdict_counts(results).items()
        )
        lines.append(f"| {era} | {counts} | {_headline_cell(r, results)} | {_tally_cell(tally)} |")
    lines += [
        "",
        "</div>",
        "",
        f"**Checked twice so far:** {totals['same']} of {totals['claims']} claims kept their "
        f"verdict in a second run, {totals['changed']} changed; {totals['references']} "
        "reference-implementation checks. Every other verdict is from one run, and its "
        'row says "not yet checked" ([how a check is made](methods.md#checked-twice)).',
    ]
    return "\n".join(lines) + "\n"


def timeline(loaded: dict[str, dict[str, Any]], replications: list[Replication]) -> str:
    blocks = []
    for r in replications:
        results = loaded.get(r.name)
        if results is None:
            tally = "not run yet"
        else:
            counts = verdict_counts(results)
            tally = ", ".join(f"{n} {v}" for v, n in counts.items() if n)
        blocks.append(
            f"### {r.year} · [{r.title}]({r.name}.md)\n\n*{r.paper}*\n\n{r.summary}\n\n"
            f"**What re-running it shows:** {tally}.\n"
        )
    return "\n".join(blocks)


def _speed(value: float, unit: str) -> str:
    return f"{value:,.0f} {unit}" if value >= 100 else f"{value:.3g} {unit}"


def _read_bench(path: Path) -> dict[str, Any]:
    try:
        record = json.loads(path.read_text())
        record["bench"], record["provenance"], record["replication"]  # noqa: B018
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as error:
        raise HypeError(
            f"{path} is not a bench record ({error!r})", "re-run: nox -s bench -- NAME --publish"
        ) from None
    return record


def performance_table(bench_dir: Path) -> str:
    """One row per ratio of every published bench file (``site/results/bench/<name>-<device>.json``,
    written by ``nox -s bench -- <name> --publish``), with its device, date, load and commit."""
    files = sorted(bench_dir.glob("*.json")) if bench_dir.exists() else []
    rows = []
    for path in files:
        record = _read_bench(path)
        bench, p = record["bench"], record["provenance"]
        if "ratios" not in bench:
            raise HypeError(
                f"{path} has no `ratios` (an older bench format)",
                f"re-run: nox -s bench -- {record['replication']} --publish",
            )
        device = p["device"]
        where = (
            f"{device['count']} × {device['kind']} ({device['cpu']}, {device['cpu_count']} cores)"
        )
        load = bench.get("load_average_1_5_15_min")
        commit = (p["git"]["commit"] or "unknown")[:7] + (" (dirty)" if p["git"]["dirty"] else "")
        for ratio in bench["ratios"]:
            mark = " (extrapolated)" if ratio.get("extrapolated") else ""
            rows.append(
                f"| {record['replication']} | {ratio['what']}{mark} "
                f"| {_speed(ratio['ours'], ratio['unit'])} "
                f"| {_speed(ratio['peer'], ratio['unit'])}: {ratio['peer_name']} "
                f"| **{ratio['ratio']:.2f}x** | {where} | {bench.get('measured_utc', '–')} "
                f"| {f'{load[0]:.2f}' if load else '–'} | `{commit}` |"
            )
    if not rows:
        return '!!! note "Not run yet"\n    No bench has been published yet.\n'
    return (
        "| bench | what | ours | peer | speed ratio, ours ÷ peer | device | measured (UTC) "
        "| load (1 min) | commit |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
        + "\n".join(rows)
        + "\n"
    )


def _load_paper_results(
    replication: Replication, results_dir: Path = RESULTS_DIR
) -> dict[str, Any] | None:
    path = results_dir / f"{replication.name}.json"
    if not path.exists():
        return None
    results = read_results(path)
    if results["profile"] != "paper":
        raise HypeError(
            f"{path} holds a {results['profile']!r} run; the site shows only `paper` runs",
            f"re-run: nox -s {replication.session}",
        )
    results.pop("figures", None)  # captions an older run stored: the build draws its own
    return regrade(results, load_claims(replication.claims_file))  # verdicts by today's claims.toml


def _write(path: Path, text: str, written: list[Path]) -> None:
    atomic_write_bytes(path, text.encode())
    written.append(path)


def included_fragments(docs: Path = DOCS) -> set[str]:
    """Every ``_generated/...`` file some page includes, so none is ever missing."""
    found = set()
    for page in docs.rglob("*.md"):
        if docs / "_generated" in page.parents:
            continue
        found |= set(re.findall(r'--8<--\s+"(_generated/[^"]+)"', page.read_text()))
    return found


def write_site_fragments(results_dir: Path = RESULTS_DIR, docs: Path = DOCS) -> list[Path]:
    """Write every generated fragment of the site and draw every figure of every published
    results file (``docs/figures/<name>/``); returns the paths written, figures included.
    ``results_dir`` and ``docs`` are the site's own folders unless a test points elsewhere."""
    written: list[Path] = []
    generated, figures_dir = docs / "_generated", docs / "figures"
    replications = all_replications()
    loaded = {
        r.name: res
        for r in replications
        if (res := _load_paper_results(r, results_dir)) is not None
    }
    records = {r.name: read_record(r.name, results_dir / "verification") for r in replications}
    for r in replications:
        results = loaded.get(r.name)
        folder = generated / r.name
        if results is None:
            continue
        drawn = draw_figures(r, results, figures_dir / r.name)
        written += [figures_dir / r.name / file for file in drawn]
        _write(folder / "claims.md", claims_table(results, records[r.name]), written)
        _write(folder / "provenance.md", provenance_block(results), written)
        _write(folder / "figures.md", figures_block(drawn, r.name), written)
        extra = r.module("report").fragments(results) if r.has("report") else {}
        for key, text in extra.items():
            _write(folder / f"{key}.md", text, written)
    _write(generated / "held.md", held_table(loaded, replications, records), written)
    _write(generated / "summary.md", summary_table(loaded, replications), written)
    _write(generated / "timeline.md", timeline(loaded, replications), written)
    _write(generated / "performance.md", performance_table(results_dir / "bench"), written)
    for fragment in sorted(included_fragments(docs)):
        path = docs / fragment
        if path not in written:
            _write(path, NOT_RUN, written)
    return written
