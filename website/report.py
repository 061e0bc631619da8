"""The report step: results files -> Markdown fragments and figures the site pages include.

Pages never hold a number typed by hand: they include ``_generated/...`` fragments with
pymdownx snippets (``--8<-- "_generated/perceptron/claims.md"``). This module writes
those fragments from ``site/results/*.json`` (``paper`` runs, or a replication's stand-in
profile, named on every number it made: ``shared.profiles``) and the verification records
beside them (``site/results/verification/*.json``), and a "not run yet" placeholder for any
fragment a page includes that has no results behind it. A results file whose stored config is
not its named profile's is refused (``shared.profiles.check_profile``).

Everything here happens when the site is built (``python -m shared.cli report``, which
``nox -s site`` runs before ``mkdocs build``), from the stored measurements alone: the claims
are graded again by today's ``claims.toml``, and every figure is drawn again by today's
``replications/<name>/figures.py`` into ``site/docs/figures/<name>/`` (a build output, like
``_generated/``; neither is committed), its caption taken from what ``make_figures`` returns.
So a changed tolerance, wording, caption or colour never needs a re-run.

The landing page opens with what held (``held.md``: one line per era, its headline claim);
every claim row carries what its n counts and what its ± is, a ready-to-paste citation and what
has been checked twice. Each page offers its claims as CSV and its results file as JSON
(``docs/data/``, a build output like the figures).
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
import shutil
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from shared.atomic import atomic_write_bytes
from shared.claims import label, load_claims
from shared.display import fmt, format_ours, format_paper, in_unit
from shared.errors import HypeError
from shared.profiles import check_profile, shown_profiles
from shared.registry import (
    RESULTS_DIR,
    ROOT,
    Replication,
    all_replications,
    finished_jobs,
    get,
    job_hours,
)
from shared.results import read_results, regrade
from shared.runtimes import profile_times
from website.performance import performance_table
from website.verification import (
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
    "substitute": (
        ':material-swap-horizontal-circle-outline:{ .verdict-substitute title="substitute" }'
    ),
    "inconclusive": ':material-help-circle-outline:{ .verdict-inconclusive title="inconclusive" }',
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
DATA = "data"  # docs/data/: each page's claims as CSV and its results file, for download
NOT_RUN = (
    '!!! note "Not run yet"\n    No `paper`-profile results file exists for this replication yet.\n'
)


def anchor(claim_id: str) -> str:
    """The stable anchor of a claim on its page: ``RHW-sym-sweeps`` -> ``rhw-sym-sweeps``."""
    return re.sub(r"[^a-z0-9]+", "-", claim_id.lower()).strip("-")


def _report_attribute(name: str, attribute: str) -> Any:
    """An optional name of the replication's ``report.py`` (``SAMPLES``, ``STAGE_NAMES``,
    ``job_stages``), or None."""
    replication = get(name)
    return (
        getattr(replication.module("report"), attribute, None)
        if replication.has("report")
        else None
    )


def _samples(name: str) -> tuple[tuple[str, str, str | None], ...] | None:
    """The replication's ``SAMPLES`` (its ``report.py``): what n counts and what ± is."""
    return _report_attribute(name, "SAMPLES")


def sample_text(name: str, row: dict[str, Any]) -> str:
    """What n counts and what ± is for one measured value, in words ("" when not measured):
    "n = 100 random 10% hold-outs ...; ± is the standard deviation ... (standard error of the
    mean 0.20, the ± over the square root of n)". A value from one run says so."""
    ours = row.get("ours")
    if not ours or ours["value"] is None:
        return ""
    n, std = ours.get("n", 1), ours.get("std")
    if n <= 1 and std is None:
        return "n = 1: a single run, no spread"
    samples = _samples(name)
    words = next(
        (
            (counts, spread)
            for prefix, counts, spread in samples or ()
            if row["id"].startswith(prefix)
        ),
        None,
    )
    if words is None and samples is None:  # a replication whose report.py does not say yet
        return f"n = {n:,} (what n counts is not yet described for this replication)"
    if words is None or (std is not None and words[1] is None):
        raise HypeError(
            f"claim {row['id']} has n = {n:,}{' and a ±' if std is not None else ''}, but "
            f"replications/{name}/report.py's SAMPLES does not say what "
            f"{'n counts' if words is None else 'its ± is'}",
            "add an entry for it to SAMPLES",
        )
    counts, spread = words
    text = f"n = {n:,} {counts}"
    if std is not None:
        error = in_unit(std / math.sqrt(n), row, 2)
        text += (
            f"; ± is the {spread} (standard error of the mean {error}, the ± over the square "
            "root of n)"
        )
    return text


def _value(row: dict[str, Any]) -> str:
    """Our value with its ± where it has one, without n (the sample line says what n is)."""
    ours = row["ours"]
    text = in_unit(ours["value"], row, row.get("digits", 3))
    if ours.get("std") is not None and ours.get("n", 1) > 1:
        text += f" ± {in_unit(ours['std'], row, 2)}"
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
UNCERTAIN_TEXT = "the paper's value is from recall or disputed, not read from the paper"


def _flag(row: dict[str, Any]) -> str:
    return UNCERTAIN if row.get("confidence") == "uncertain" else ""


def legend(rows: list[dict[str, Any]] | None = None, results: dict[str, Any] | None = None) -> str:
    """The key to the marks of a claims table (every mark when ``rows`` is None): the verdicts,
    the warning sign and the data caveat, in words a touch screen can read (no hover)."""
    parts = [" · ".join(ICONS.values()) + " ([what each means](methods.md#claims-and-verdicts))"]
    if rows is None or any(row.get("confidence") == "uncertain" for row in rows):
        parts.append(f":material-alert: {UNCERTAIN_TEXT}")
    if rows is None or (results and any(caveat_text(results, row) for row in rows)):
        parts.append(f":material-alert-outline: {CAVEAT_TEXT}")
    return "Key: " + "; ".join(parts) + "."


# --- profiles and substitutes --------------------------------------------------------------------


def stand_in_text(results: dict[str, Any]) -> str:
    """The words a number from a stand-in profile carries everywhere it is shown, or ""."""
    profile = results["profile"]
    if profile == "paper":
        return ""
    return (
        f"shortened CPU settings (the `{profile}` profile), not the papers' recipes, until a "
        f"`paper` run replaces them; re-make: {results['provenance']['command']}"
    )


def stages_text(results: dict[str, Any]) -> str:
    """For a run carried across sessions whose stages are not all finished (``tables.pending``):
    which stages are in and which still run, or "". Stages are named as the replication's
    ``STAGE_NAMES`` name them on its page, else by their ids."""
    pending = results["tables"].get("pending") if isinstance(results["tables"], dict) else None
    if not pending:
        return ""
    names = _report_attribute(results["replication"], "STAGE_NAMES") or {}

    def named(stage: str) -> str:
        return names.get(stage, stage)

    # The results file keeps its keys sorted; a reader expects the run's order (STAGE_NAMES').
    order = {stage: i for i, stage in enumerate(names)}
    pending = dict(sorted(pending.items(), key=lambda item: order.get(item[0], len(order))))
    running = ", ".join(
        f"{named(s)} ({p['done']} of {p['total']} jobs done)"
        if p["total"]
        else f"{named(s)} (waits for "
        f"{', '.join(named(w) for w in p.get('waits_for') or []) or 'other stages'})"
        for s, p in pending.items()
    )
    done = [named(s) for s in results["provenance"].get("jobs", {}) if s not in pending]
    return (f"stages in: {', '.join(done)}; " if done else "no stage in yet; ") + (
        f"still running: {running}"
    )


def profile_banner(results: dict[str, Any], paper_time: str = "") -> str:
    """The top of a page whose numbers come from a stand-in profile (empty for a paper run);
    ``paper_time``: what is known of the `paper` profile's time (``shared.runtimes``)."""
    if results["profile"] == "paper":
        return ""
    profile, command = results["profile"], results["provenance"]["command"]
    known = f" (`paper`: {paper_time})" if paper_time else ""
    return (
        f'!!! warning "Shortened CPU settings: the `{profile}` profile, not the papers\' recipes"\n'
        f"    Every number on this page comes from a run of the `{profile}` profile, which "
        "trains each model for a fixed, short number of epochs so that a CPU can run it (see "
        "the recipes below for what this run used). It stands in until a run of the `paper` "
        f"profile, the papers' recipes, replaces it{known}. Every claim row and "
        "citation says so. Re-make these numbers with:\n\n"
        f"        {command}\n"
    )


def substitute_text(row: dict[str, Any]) -> str:
    """A claim measured on a substitute setup, in words, or ""."""
    sub = row.get("substitute")
    if not sub:
        return ""
    return f"measured on a substitute: {sub['ours']}; the paper: {sub['paper']}"


def _verdict_words(row: dict[str, Any]) -> str:
    """The verdict with its criterion; for a substitute, what the rule gives on it."""
    if row["verdict"] == "substitute":
        return (
            f"substitute (another setup than the paper's, so neither confirmed nor refuted; "
            f"on it, {row['criterion']} gives '{row['rule_verdict']}')"
        )
    if row["verdict"] == "partly" and row.get("partly_criterion"):
        return f"partly ({row['partly_criterion']}, the wider band; {row['criterion']} missed)"
    return f"{row['verdict']} ({row['criterion']})"


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


def _job_stages(name: str) -> Callable[[str], tuple[str, ...]] | None:
    """The replication's ``job_stages`` (its ``report.py``): the stages whose jobs a claim is
    measured from; None where it has none."""
    return _report_attribute(name, "job_stages")


def job_commits(results: dict[str, Any], claim_id: str | None = None) -> str:
    """For a run carried across sessions (``provenance.jobs``): the commits its finished jobs
    trained at, with how many each ("4971b97 (3), 122002c (2)"), or "" for a one-piece run.
    With ``claim_id``: only the jobs of the stages that claim is measured from, where the
    replication says which (``job_stages``); "" for a claim that trains nothing."""
    stages = results["provenance"].get("jobs") or {}
    which = _job_stages(results["replication"]) if claim_id is not None and stages else None
    if which is not None:
        stages = {stage: jobs for stage, jobs in stages.items() if stage in which(claim_id)}
    counts: dict[str, int] = {}
    for jobs in stages.values():
        for job in jobs:
            commit = str(job.get("commit") or "unknown")[:7]
            counts[commit] = counts.get(commit, 0) + 1
    return ", ".join(f"{commit} ({n})" for commit, n in counts.items())


def _findings(results: dict[str, Any], row: dict[str, Any], checks: list[ClaimCheck]) -> str:
    """Both values (each with its caveat), what n and ± are, the verdict, what was checked, the
    run's profile where it is a stand-in, the commit."""
    measured = row.get("ours") and row["ours"]["value"] is not None
    ours = (
        (_value(row) + f" ({sample_text(results['replication'], row)})")
        if measured
        else (format_ours(row))
    )
    # The data caveat qualifies a number: a claim not measured has none to qualify.
    for note in (caveat_text(results, row) if measured else "", substitute_text(row)):
        ours += f", {note}" if note else ""
    if row.get("measured_as"):  # the claim was reworded after the run: say what was measured
        ours += f', measured as worded at run time: "{row["measured_as"]}"'
    paper = format_paper(row) + (
        " (uncertain: from recall or disputed)" if row.get("confidence") == "uncertain" else ""
    )
    checked = status(checks) if checks else "not yet checked by a second run"
    run = f"Run: {note}. " if (note := stand_in_text(results)) else ""
    return (
        f"Ours: {ours}; paper: {paper}. Verdict: {_verdict_words(row)}. "
        f"Checked: {checked}. {run}Commit {_commit(results)}"
        + (
            f" (its jobs trained at {trained})"
            if (trained := job_commits(results, row["id"]))
            else ""
        )
    )


def citation_text(results: dict[str, Any], row: dict[str, Any], checks: list[ClaimCheck]) -> str:
    """A claim as one ready-to-paste paragraph: id, statement, values, verdict, commit, page."""
    year = str(results["provenance"].get("finished_utc", ""))[:4]
    link = page_link(results["replication"], row["id"])
    return (
        f'{PROJECT} ({year}). Claim {row["id"]}: "{row["statement"]}" ({row["source"]}). '
        f"{_findings(results, row, checks)}, page {link}."
    )


# LaTeX for the characters outside ASCII that reach a BibTeX field (classic BibTeX reads bytes).
LATEX_CHARACTERS = {
    "±": r"$\pm$",
    "§": r"\S{}",
    "×": r"$\times$",
    "·": r"$\cdot$",
    "–": "--",
    "—": "---",
    "−": "-",
    "≤": r"$\leq$",
    "≥": r"$\geq$",
    "≈": r"$\approx$",
    "→": r"$\rightarrow$",
    "√": r"$\surd$",
    "²": r"$^{2}$",
    "‘": "`",
    "’": "'",
    "“": "``",
    "”": "''",
    "′": "'",
    "…": r"\ldots{}",
    "α": r"$\alpha$",
    "β": r"$\beta$",
    "γ": r"$\gamma$",
    "δ": r"$\delta$",
    "θ": r"$\theta$",
    "μ": r"$\mu$",
    "π": r"$\pi$",
    "τ": r"$\tau$",
    "φ": r"$\phi$",
    "ω": r"$\omega$",
    "Δ": r"$\Delta$",
    "ε": r"$\varepsilon$",
    "η": r"$\eta$",
    "λ": r"$\lambda$",
    "ρ": r"$\rho$",
    "σ": r"$\sigma$",
    "\u00a0": "~",
}
ACCENTS = {"\u0301": "'", "\u0300": "`", "\u0308": '"', "\u0302": "^", "\u0303": "~", "\u0327": "c"}


def _latex(text: str) -> str:
    r"""Text safe inside a BibTeX field, in ASCII: LaTeX's special characters escaped, every other
    character as its LaTeX command (``±`` -> ``$\pm$``, ``é`` -> ``\'{e}``). A character with
    no known LaTeX stops the build, so no entry ever carries raw UTF-8."""
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
    out = []
    for ch in text:
        if ch in special:
            out.append(special[ch])
        elif ch.isascii():
            out.append(ch)
        elif ch in LATEX_CHARACTERS:
            out.append(LATEX_CHARACTERS[ch])
        else:
            base, *marks = unicodedata.normalize("NFD", ch)
            if not (base.isascii() and len(marks) == 1 and marks[0] in ACCENTS):
                raise HypeError(
                    f"no LaTeX for {ch!r} (U+{ord(ch):04X}) in a citation",
                    "add it to LATEX_CHARACTERS in website/report.py",
                )
            out.append(f"\\{ACCENTS[marks[0]]}{{{base}}}")
    return "".join(out)


def citation_bibtex(results: dict[str, Any], row: dict[str, Any], checks: list[ClaimCheck]) -> str:
    """The same citation as a BibTeX ``@misc`` entry keyed ``hype:<claim id>``, in ASCII."""
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


def software_bibtex(version: str, commit: str, year: str) -> str:
    """The ``@software`` entry of the project, with the version and the commit the site was
    built from (cite.md includes it, so it never drifts from the build)."""
    return (
        "@software{history_of_hype,\n"
        "  title   = {History of Hype: landmark machine-learning results re-run with fixed "
        "seeds},\n"
        f"  author  = {{{{{AUTHORS}}}}},\n"
        f"  version = {{{version}}},\n"
        f"  note    = {{commit {commit}}},\n"
        f"  year    = {{{year}}}\n}}"
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
    wrapped, its anchor answering to the id as written too), both values with what n counts and
    what ± is and any caveat beside ours, the criterion, the verdict with what has been checked
    twice, and the citation. Then the key, notes, downloads and checks."""
    checks = claim_checks(record, results)
    name = results["replication"]
    lines = [
        legend(results["claims"], results),
        "",
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
        as_written = f'<span id="{row["id"]}"></span>' if row["id"] != anchor(row["id"]) else ""
        claim = (
            f'{as_written}<span id="{anchor(row["id"])}" class="claim-id">**{row["id"]}**</span>'
            f"{_flag(row)}<br>{_cell(row['statement'])}{reworded}<br>"
            f"<small>{_cell(row['source'])} · {row['confidence']}</small>"
            f"{cite_details(results, row, mine)}"
        )
        ours = _ours_cell(results, row)
        criterion = f"{_cell(row['criterion'])}<br><small>{_cell(row['why'])}</small>"
        verdict = f'{ICONS[row["verdict"]]}<br><small class="checked">{_cell(status(mine))}</small>'
        if row["verdict"] == "substitute":
            verdict = (
                f"{ICONS['substitute']}<br><small>on the substitute the rule gives: "
                f"{row['rule_verdict']}</small>"
                f'<br><small class="checked">{_cell(status(mine))}</small>'
            )
        lines.append(f"| {claim} | {_cell(format_paper(row))} | {ours} | {criterion} | {verdict} |")
    lines += ["", "</div>"]
    notes = [
        f"- **{r['id']}**: {r['ours']['note']}"
        for r in results["claims"]
        if r.get("ours") and r["ours"].get("note")
    ]
    if notes:
        lines += ["", "Notes on the measurements:", "", *notes]
    lines += ["", downloads_line(name), "", checks_block(results, record)]
    return "\n".join(lines)


def _ours_cell(results: dict[str, Any], row: dict[str, Any]) -> str:
    """Our value, then (small) what n counts and what ± is, the substitute and the stand-in."""
    if not row.get("ours") or row["ours"]["value"] is None:
        return _cell(format_ours(row))
    small = [sample_text(results["replication"], row)]
    if row.get("substitute"):
        small.append(f":material-swap-horizontal: {substitute_text(row)}")
    if results["profile"] != "paper":
        small.append(f"`{results['profile']}` profile: shortened CPU settings")
    return (
        _cell(_value(row))
        + caveat(results, row)
        + "".join(f"<br><small>{_cell(text)}</small>" for text in small)
    )


def _ours_summary(results: dict[str, Any], row: dict[str, Any]) -> str:
    """Our value for the landing page's tables: the value, its caveat, and in small type what
    n counts and what ± is (the same words as the claim's row)."""
    if not row.get("ours") or row["ours"]["value"] is None:
        return _cell(format_ours(row))
    words = sample_text(results["replication"], row)
    if results["profile"] != "paper":
        words += f"; `{results['profile']}` profile: shortened CPU settings"
    return f"{_cell(_value(row))}{caveat(results, row)} <small>({_cell(words)})</small>"


def downloads_line(name: str) -> str:
    """Links to this page's numbers as files, for a writer or a meta-analysis."""
    return (
        f"**Download:** [the claims as CSV]({DATA}/{name}-claims.csv) · "
        f"[the results file (JSON)]({DATA}/{name}.json), as committed "
        f"(`site/results/{name}.json`). Cite the verdicts of this page or the CSV: the JSON's "
        "`verdict` fields are its rules' at run time, before the page graded them again by "
        "today's `claims.toml` and marked the claims measured on a substitute setup."
    )


CSV_FIELDS = (
    "id",
    "statement",
    "source",
    "confidence",
    "paper",
    "unit",
    "percent",
    "ours",
    "plus_minus",
    "n",
    "n_and_plus_minus",
    "note",
    "criterion",
    "verdict",
    "rule_verdict",
    "substitute_paper",
    "substitute_ours",
    "profile",
    "commit",
    "checked",
    "page",
)


def claims_csv(results: dict[str, Any], record: dict[str, Any] | None) -> str:
    """Every claim row of a page as CSV, the numbers as stored (fractions stay fractions: see
    ``percent``), with what n and ± are, the verdict, the run's profile and commit."""
    checks = claim_checks(record, results)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in results["claims"]:
        ours = row.get("ours") or {}
        sub = row.get("substitute") or {}
        writer.writerow(
            {
                "id": row["id"],
                "statement": row["statement"],
                "source": row["source"],
                "confidence": row.get("confidence", ""),
                "paper": row["paper"],
                "unit": row.get("unit", ""),
                "percent": bool(row.get("percent")),
                "ours": ours.get("value"),
                "plus_minus": ours.get("std"),
                "n": ours.get("n"),
                "n_and_plus_minus": sample_text(results["replication"], row),
                "note": ours.get("note", ""),
                "criterion": row["criterion"],
                "verdict": row["verdict"],
                "rule_verdict": row.get("rule_verdict", row["verdict"]),
                "substitute_paper": sub.get("paper", ""),
                "substitute_ours": sub.get("ours", ""),
                "profile": results["profile"],
                "commit": _commit(results),
                "checked": status(checks.get(row["id"], [])),
                "page": page_link(results["replication"], row["id"]),
            }
        )
    return out.getvalue()


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
        rows = check["claims"]
        both = [c for c in rows if "not run" not in (c["first_verdict"], c["second_verdict"])]
        same = sum(1 for c in both if c["verdicts"] == "same")
        identical = (
            f"{sum(1 for c in rows if c.get('identical'))} of {len(rows)} values identical, "
            if check["kind"] == "regenerated"
            else ""
        )
        unmeasured = (
            f" ({len(rows) - len(both)} not measured on both sides, so not compared)"
            if len(both) < len(rows)
            else ""
        )
        stale = (
            ""
            if is_published(published, results)
            else " (against an earlier published run, so not counted)"
        )
        lines.append(
            f"- {describe(check, other)}: {identical}{same} of {len(both)} verdicts the "
            f"same{unmeasured}; the other run: `{other['file']}`, {other['profile']} profile, "
            f"seed {other['seed']}, {other['device']}, commit `{str(other['commit'])[:7]}` "
            f"({check.get('code', 'same commit')}); "
            f"recorded {str(check.get('recorded_utc', ''))[:10]}{stale}"
        )
    for ref in record["references"]:
        lines.append(
            f"- reference implementation: `{ref['test']}` passed ({ref['passed']} "
            f"cases) at commit `{str(ref['commit'])[:7]}` on "
            f"{str(ref['recorded_utc'])[:10]}: {_cell(ref['checks'])}"
        )
    return "\n".join(lines) + "\n"


def run_status(results: dict[str, Any], stage_names: dict[str, str]) -> str:
    """Where a run of keyed jobs (``shared.jobs``) stands: per stage (``stage_names``: the
    stages that train jobs, in run order, and their names on the page), jobs done of total and
    the hours its jobs took (``job_hours``), then every job with its key, commit, device and
    threads. A stage is published only when all its jobs are finished under the keys today's
    code gives them, from clean trees."""
    p, tables = results["provenance"], results["tables"]
    jobs = p.get("jobs", {})
    pending = tables.get("pending", {})
    lines = [
        "| stage | jobs done | of them stalled or diverged | state | hours of its finished jobs "
        "(one worker each) |",
        "| --- | ---: | ---: | --- | ---: |",
    ]
    for stage, name in stage_names.items():
        done = len(jobs.get(stage, []))
        # A job that stalled or diverged is done, but gives its stage no trained net.
        failed = sum(job.get("outcome", "finished") != "finished" for job in jobs.get(stage, []))
        if stage in pending:
            state, total = "still running", pending[stage]["total"]
            if pending[stage].get("unclean"):
                state += f" ({pending[stage]['unclean']} jobs from a modified tree, to re-run)"
        else:
            state, total = "finished, graded on this page", done
        lines.append(
            f"| {name} | {done} of {total} | {failed} | {state} | "
            f"{job_hours(jobs.get(stage, [])):.1f} |"
        )
    every = finished_jobs(p)
    threads = sorted({job.get("cpu_threads") for job in every if job.get("cpu_threads")})
    total = sum(len(j) for s, j in jobs.items() if s not in pending)
    total += sum(r["total"] for r in pending.values())
    per_job = (
        f" ({', '.join(str(t) for t in threads)} CPU thread(s) per job, "
        f"{p.get('workers', 1)} worker(s) side by side)"
        if threads
        else ""
    )
    intro = (
        f"The `paper` profile runs as {total} training jobs, carried from one session to the "
        "next (`--stop-after`, then the same command). So far its finished jobs took "
        f"{fmt(job_hours(every))} h of computing{per_job}; this file was written at the end of a "
        f"session's run on {p.get('finished_utc', 'an unrecorded date')}.\n\n"
    )
    # AlexNet's jobs record an outcome (stalled, diverged) and epochs; others may not.
    extra = [field for field in ("outcome", "epochs") if any(field in job for job in every)]
    columns = ["job", "stage", *extra, "commit", "device", "threads", "wall time", "key"]
    detail = [
        "| " + " | ".join(columns) + " |",
        "| --- | --- |"
        + "".join(" ---: |" if c == "epochs" else " --- |" for c in extra)
        + " --- | --- | ---: | ---: | --- |",
    ]
    order = [*stage_names, *(stage for stage in jobs if stage not in stage_names)]
    for stage in order:
        for job in jobs.get(stage, []):
            where = job.get("cpu") if job.get("platform") == "cpu" else job.get("device")
            dirty = " (modified tree)" if job.get("dirty") is not False else ""
            cells = {"outcome": job.get("outcome", "–"), "epochs": fmt(job.get("epochs"))}
            detail.append(
                f"| `{job['name']}` | {stage} | "
                + "".join(f"{cells[field]} | " for field in extra)
                + f"`{(job.get('commit') or 'unknown')[:7]}`{dirty} | "
                f"{job.get('platform')}: {where} | {job.get('cpu_threads') or '–'} | "
                f"{fmt(job['wall_seconds'] / 60)} min | `{job['key']}` |"
            )
    folded = (
        f'\n??? note "Every finished job: {", ".join(columns[2:])}"\n\n'
        + "\n".join("    " + line for line in detail)
        + "\n"
        if len(detail) > 2
        else ""
    )
    return intro + "\n".join(lines) + "\n" + folded


def provenance_block(results: dict[str, Any]) -> str:
    p = results["provenance"]
    device = p["device"]
    versions = ", ".join(f"{k} {v}" for k, v in p["versions"].items() if v)
    commit = p["git"]["commit"] or "unknown"
    dirty = " (with uncommitted changes)" if p["git"]["dirty"] else ""
    stages = ", ".join(f"{k} {fmt(v, 3)} s" for k, v in p["wall_seconds"].items())
    datasets = "".join(f"\n- `{k}`: `{v}`" for k, v in p["datasets_sha256"].items()) or "\n- none"
    seeds = p["n_seeds"] if p["n_seeds"] is not None else "none set: one run from the base seed"
    jobs = finished_jobs(p)
    if jobs:  # carried across sessions: this file's commit and time are the last stop's only
        hours = job_hours(jobs)
        commit_row = f"| commit of this file (it measured the claims) | `{commit}`{dirty} |\n"
        jobs_row = (
            f"| jobs | {len(jobs)} finished, {hours:.1f} h of jobs, trained at commits "
            f"{job_commits(results)} (each job's commit and key are listed with the run's jobs "
            "on this page) |\n"
        )
        time_row = f"| wall time of the stop that wrote this file | {stages} |\n"
        written = f"| written (at the stop that wrote this file) | {p['finished_utc']} |\n\n"
    else:
        commit_row, jobs_row = f"| commit | `{commit}`{dirty} |\n", ""
        time_row = f"| wall time | {stages} |\n"
        written = f"| finished | {p['finished_utc']} |\n\n"
    return (
        "Re-make every number on this page with:\n\n"
        f"```bash\n{p['command']}\n```\n\n"
        "| what | value |\n| --- | --- |\n"
        f"| profile | `{p['profile']}`"
        + (" (shortened CPU settings, standing in for `paper`)" if p["profile"] != "paper" else "")
        + " |\n"
        f"| base seed | {p['base_seed']} |\n"
        f"| seeds (repeats of each measurement) | {seeds} |\n"
        + commit_row
        + jobs_row
        + f"| device | {device['count']} × {device['kind']} ({device['platform']}); "
        f"{device['cpu']}, {device['cpu_count']} cores |\n"
        f"| JAX PRNG | `{device['prng_impl']}`; XLA flags `{device['xla_flags'] or 'none'}` |\n"
        + time_row
        + f"| versions | {versions} |\n"
        + written
        + f"Datasets (sha256 of content):\n{datasets}\n"
    )


def draw_figures(replication: Replication, results: dict[str, Any], outdir: Path) -> dict[str, str]:
    """Draw a replication's figures from its (regraded) results into ``outdir`` with today's
    ``figures.py``; returns ``{file name: caption}`` in file order ({} without a ``figures.py``).
    Files in ``outdir`` it did not draw (a renamed or dropped figure) are removed: the folder
    holds what the build drew, nothing older."""
    if not replication.has("figures"):
        return {}
    drawn = replication.module("figures").make_figures(results, outdir)
    # A figure of a stand-in run says so under it too, as every row and citation does.
    shortened = (
        f" (The `{results['profile']}` profile: shortened CPU settings, not the papers' recipes.)"
        if results["profile"] != "paper"
        else ""
    )
    figures = {path.name: caption + shortened for path, caption in sorted(drawn.items())}
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


def figure_fragment(file: str, caption: str, name: str) -> str:
    """One figure with its caption right under it, for a page that shows it on its own (the
    landing page's heat map): the caption carries its key, so the reader has both together."""
    return f"![{_cell(caption)}](figures/{name}/{file})\n/// caption\n{caption}\n///\n"


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
        shortened = (
            f"<br><small>`{results['profile']}` profile: shortened CPU settings</small>"
            if results["profile"] != "paper"
            else ""
        )
        running = stages_text(results)
        if running:  # its "not run" claims are a run still going, not claims left out
            shortened += f"<br><small>run in progress: {_cell(running)}</small>"
        lines.append(
            f"| {r.year} | [{r.title}]({r.name}.md){shortened} | "
            + " | ".join(str(n) for n in counts.values())
            + " |"
        )
        rows = ["| claim | paper | ours | verdict |", "| --- | --- | --- | --- |"]
        rows += [
            f"| [{row['id']}]({r.name}.md#{anchor(row['id'])}) | {_cell(format_paper(row))} | "
            f"{_ours_summary(results, row)} | {ICONS[row['verdict']]} |"
            for row in results["claims"]
        ]
        standin = (
            f" (the `{results['profile']}` profile: shortened CPU settings)"
            if results["profile"] != "paper"
            else ""
        )
        if running:
            standin += f" (run in progress: {running})"
        folds.append(
            f'??? note "{r.year} · {r.title}: every claim{standin}"\n\n'
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
    ours = _ours_summary(results, row)
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
    lines = [
        legend(),
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
        if results is not None and (note := stand_in_text(results)):
            era += f"<br><small>**{_cell(note)}**</small>"
        if results is not None and (note := stages_text(results)):
            era += f"<br><small>**{_cell(note)}**</small>"
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
        f"reference-implementation check{'s' * (totals['references'] != 1)}. "
        "Every other verdict is from one run, and its "
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
            if note := stand_in_text(results):
                tally += f" ({note})"
            if note := stages_text(results):
                tally += f" (run in progress: {note})"
        blocks.append(
            f"### {r.year} · [{r.title}]({r.name}.md)\n\n*{r.paper}*\n\n{r.summary}\n\n"
            f"**What re-running it shows:** {tally}.\n"
        )
    return "\n".join(blocks)


def _load_published_results(
    replication: Replication, results_dir: Path = RESULTS_DIR
) -> dict[str, Any] | None:
    """The replication's published results, graded by today's claims and labelled (a claim on a
    substitute setup: ``substitute``), or None without a file. A file of a profile the site does
    not show, or whose stored config is not its profile's, is refused with one line."""
    path = results_dir / f"{replication.name}.json"
    if not path.exists():
        return None
    results = read_results(path)
    if results["profile"] not in shown_profiles(replication):
        raise HypeError(
            f"{path} holds a {results['profile']!r} run; the site shows "
            f"{' or '.join(shown_profiles(replication))} runs of {replication.name}",
            f"re-run: nox -s {replication.session}",
        )
    check_profile(results, path)
    results.pop("figures", None)  # captions an older run stored: the build draws its own
    claims = load_claims(replication.claims_file)
    results = regrade(results, claims)  # verdicts by today's claims.toml
    return label_rows(results, {c.id: c for c in claims})


def label_rows(results: dict[str, Any], claims: dict[str, Any]) -> dict[str, Any]:
    """The rows with the verdict the site shows (``shared.claims.label``): a claim this run's
    profile measured on a substitute setup reads ``substitute``, its rule's verdict kept in
    ``rule_verdict`` and what was substituted in ``substitute``."""
    rows = []
    for row in results["claims"]:
        claim = claims[row["id"]]
        shown = label(claim, row["verdict"], results["profile"])
        if shown != row["verdict"]:
            row = {
                **row,
                "verdict": shown,
                "rule_verdict": row["verdict"],
                "substitute": claim.substituted(results["profile"]),
            }
        rows.append(row)
    return {**results, "claims": rows}


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


def _build_commit() -> tuple[str, str]:
    """The commit the site is built from and its year, for the project's ``@software`` entry."""
    from shared.provenance import _git

    commit = _git("rev-parse", "HEAD") or "unknown"
    year = _git("log", "-1", "--format=%cd", "--date=format:%Y") or ""
    dirty = _git("status", "--porcelain", "--untracked-files=no")
    return commit + (" (with uncommitted changes)" if dirty else ""), year


def _project_version() -> str:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def write_site_fragments(results_dir: Path = RESULTS_DIR, docs: Path = DOCS) -> list[Path]:
    """Write every generated fragment of the site, draw every figure of every published results
    file (``docs/figures/<name>/``) and put each page's downloads in ``docs/data/``; returns the
    paths written. ``results_dir`` and ``docs`` are the site's own folders unless a test points
    elsewhere."""
    written: list[Path] = []
    generated, figures_dir, data = docs / "_generated", docs / "figures", docs / DATA
    replications = all_replications()
    loaded = {
        r.name: res
        for r in replications
        if (res := _load_published_results(r, results_dir)) is not None
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
        paper_time = profile_times(r, results_dir, runs=None).get("paper", "")
        _write(folder / "profile.md", profile_banner(results, paper_time), written)
        _write(folder / "figures.md", figures_block(drawn, r.name), written)
        for file, caption in drawn.items():
            _write(
                folder / f"figure-{Path(file).stem}.md",
                figure_fragment(file, caption, r.name),
                written,
            )
        _write(data / f"{r.name}-claims.csv", claims_csv(results, records[r.name]), written)
        data.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(results_dir / f"{r.name}.json", data / f"{r.name}.json")  # as committed
        written.append(data / f"{r.name}.json")
        extra = r.module("report").fragments(results) if r.has("report") else {}
        for key, text in extra.items():
            _write(folder / f"{key}.md", text, written)
    for stale in data.iterdir() if data.is_dir() else ():  # a replication no longer published
        if stale.is_file() and stale not in written:
            stale.unlink()
    commit, year = _build_commit()
    _write(generated / "software.md", software_block(_project_version(), commit, year), written)
    _write(generated / "held.md", held_table(loaded, replications, records), written)
    _write(generated / "summary.md", summary_table(loaded, replications), written)
    _write(generated / "timeline.md", timeline(loaded, replications), written)
    _write(generated / "performance.md", performance_table(results_dir / "bench"), written)
    for fragment in sorted(included_fragments(docs)):
        path = docs / fragment
        if path not in written:
            _write(path, NOT_RUN, written)
    return written


def software_block(version: str, commit: str, year: str) -> str:
    """cite.md's entry for the project: the version, and the commit this site was built from."""
    return (
        f"Version {version}, built from commit `{commit}`.\n\n"
        '<div class="bibtex" markdown>\n\n'
        f"```bibtex\n{software_bibtex(version, commit, year)}\n```\n\n</div>\n"
    )


def report_command(verbose: bool = False) -> None:
    """``python -m shared.cli report``: write the site's fragments and figures; say how many, where,
    and what is missing (every path with ``verbose``)."""
    written = write_site_fragments()
    if verbose:
        for path in written:
            print(os.path.relpath(path))
    figures = sum(1 for path in written if DOCS / "figures" in path.parents)
    print(
        f"wrote {len(written) - figures} fragments to {os.path.relpath(DOCS / '_generated')}/ "
        f"and {figures} figures to {os.path.relpath(DOCS / 'figures')}/"
        + ("" if verbose else " (--verbose lists them)")
    )
    missing = [r.name for r in all_replications() if not (RESULTS_DIR / f"{r.name}.json").exists()]
    if missing:
        pages = "its page says" if len(missing) == 1 else "their pages say"
        print(
            f"warning: no published results for {', '.join(missing)}: {pages} 'Not run yet'",
            file=sys.stderr,
        )
