"""Page tables for the random forest replication, drawn only from the results file.

``fragments(results)`` returns Markdown for ``site/docs/_generated/random_forest/``:
``table2`` (Breiman's Table 2, paper vs ours vs verdict), ``noise`` (Table 5),
``synthetic`` (the synthetic sets), ``oob`` (out-of-bag vs held-out error).
"""

from __future__ import annotations

from typing import Any

from shared.display import fmt
from website.report import ICONS, MARKS

# What n counts and what ± is, per claim (first id prefix that matches): the site says it in the
# row and in the Cite text (website.report.sample_text).
SAMPLES = (
    (
        "RF-T2-",
        "random 10% hold-outs of the data set (Breiman's protocol)",
        "standard deviation of the test error over the hold-outs",
    ),
    (
        "RF-T5-headline",
        "data sets with a noise run (the ratio of the two mean increases over them)",
        None,
    ),
    (
        "RF-T5-",
        "repeats, each a random 10% hold-out with 5% of the training labels flipped",
        "standard deviation over the repeats of each repeat's change, in % of the clean mean",
    ),
    (
        "RF-oob",
        "small data sets (the value is the mean gap over them)",
        "standard deviation of the gap over the data sets",
    ),
)


COLUMNS = (
    ("adaboost", "ada", "Adaboost"),
    ("selection", "sel", "Selection"),
    ("single", "single", "Single input"),
    ("one_tree", "onetree", "One tree"),
)
NOISE = (
    ("adaboost", "ada", "Adaboost"),
    ("selection", "ri", "Forest-RI"),
    ("rc", "rc", "Forest-RC (ours)"),
)
SYMBOL = MARKS  # the verdict icons, as every claims table shows them


def _claims(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in results["claims"]}


def _mean_se(stats: dict[str, Any] | None) -> str:
    if not stats:
        return "–"
    text = fmt(stats["mean"], 3)
    return text + (f" ± {fmt(stats['se'], 2)}" if stats.get("se") is not None else "")


def table2(results: dict[str, Any]) -> str:
    """Breiman (2001) Table 2 side by side: paper | ours (mean ± standard error) | verdict."""
    claims = _claims(results)
    head = (
        "| data set | repeats | "
        + " | ".join(f"{t} paper | {t} ours" for _, _, t in COLUMNS)
        + " |"
    )
    lines = [head, "|" + " --- |" * (2 + 2 * len(COLUMNS))]
    for entry in results["tables"]["table2"]:
        if f"RF-T2-{entry['key']}-ada" not in claims:
            continue
        cells = [entry["set"], str(entry["repeats"]) if entry["repeats"] else "–"]
        flagged = False
        for column, suffix, _ in COLUMNS:
            row = claims[f"RF-T2-{entry['key']}-{suffix}"]
            flagged |= row["confidence"] == "uncertain"
            cells += [
                fmt(row["paper"], 3),
                f"{_mean_se(entry.get(column))} {SYMBOL[row['verdict']]}",
            ]
        if flagged:
            cells[0] += ' :material-alert:{ title="paper values from recall: check the PDF" }'
        lines.append("| " + " | ".join(cells) + " |")
    missing = [
        f"- **{e['set']}**: {e['note']}"
        for e in results["tables"]["table2"]
        if e.get("note") and f"RF-T2-{e['key']}-ada" in claims
    ]
    legend = (
        "\nErrors in %; ours is the mean ± its standard error over the repeats. "
        + " ".join(f"{SYMBOL[v]} {v}" for v in SYMBOL)
        + ". :material-alert: marks rows whose paper values "
        "are recalled, not transcribed from the paper.\n"
    )
    return (
        "\n".join(lines)
        + "\n"
        + legend
        + ("\nNot run:\n\n" + "\n".join(missing) + "\n" if missing else "")
    )


def noise(results: dict[str, Any]) -> str:
    """Table 5: % increase of the test error with 5% of the training labels changed."""
    claims = _claims(results)
    head = (
        "| data set | repeats | " + " | ".join(f"{t} paper | {t} ours" for _, _, t in NOISE) + " |"
    )
    lines = [head, "|" + " --- |" * (2 + 2 * len(NOISE))]
    for row in results["tables"]["noise"]:
        cells = [row["set"], str(row.get("repeats", "–"))]
        for column, suffix, _ in NOISE:
            claim = claims[f"RF-T5-{row['key']}-{suffix}"]
            ours = row.get(column)
            text = (
                "–"
                if not ours or ours["increase"] is None
                else (
                    f"{fmt(ours['increase'], 2)} <small>({fmt(ours['clean'], 3)} → "
                    f"{fmt(ours['noisy'], 3)})</small>"
                )
            )
            cells += [fmt(claim["paper"], 3), f"{text} {SYMBOL[claim['verdict']]}"]
        lines.append("| " + " | ".join(cells) + " |")
    head_row = claims["RF-T5-headline"]
    return (
        "\n".join(lines)
        + "\n\n% increase in mean test error; in brackets our mean error (%) clean → noisy on "
        "the same hold-outs. All Table 5 values of the paper are recalled, not transcribed. "
        f"Headline ratio: paper {fmt(head_row['paper'])}, ours {ICONS[head_row['verdict']]} "
        f"(see the claims table).\n"
    )


def synthetic(results: dict[str, Any]) -> str:
    """Our errors on Breiman's synthetic sets (no paper values for them were transcribed)."""
    lines = [
        "| data set | draws | " + " | ".join(t for _, _, t in COLUMNS) + " |",
        "|" + " --- |" * (2 + len(COLUMNS)),
    ]
    for entry in results["tables"]["table2"]:
        if entry["set"] in ("waveform", "twonorm", "threenorm", "ringnorm"):
            if entry.get("note"):
                lines.append(f"| {entry['set']} | – | " + " | ".join("–" for _ in COLUMNS) + " |")
                continue
            lines.append(
                f"| {entry['set']} | {entry['repeats']} | "
                + " | ".join(_mean_se(entry.get(c)) for c, _, _ in COLUMNS)
                + " |"
            )
    return (
        "\n".join(lines)
        + "\n\nErrors in % (mean ± standard error over independent draws of 300 training and "
        "the profile's number of test cases).\n"
    )


def oob(results: dict[str, Any]) -> str:
    """§3.1: the out-of-bag estimate of the selected forest against its held-out error."""
    lines = [
        "| data set | out-of-bag error | held-out error | F chosen | Forest-RC (ours) held-out |",
        "| --- | --- | --- | --- | --- |",
    ]
    for entry in results["tables"]["table2"]:
        if entry.get("note") or "oob" not in entry:
            continue
        chosen = ", ".join(str(f) for f in entry.get("features_chosen", []))
        lines.append(
            f"| {entry['set']} | {_mean_se(entry['oob'])} | {_mean_se(entry['selection'])} | "
            f"{chosen} | {_mean_se(entry.get('rc'))} |"
        )
    return (
        "\n".join(lines)
        + "\n\nErrors in % (mean ± standard error). Forest-RC ran only where the noise "
        "experiment ran, on those repeats.\n"
    )


def fragments(results: dict[str, Any]) -> dict[str, str]:
    return {
        "table2": table2(results),
        "noise": noise(results),
        "synthetic": synthetic(results),
        "oob": oob(results),
    }
