"""Extra tables for the perceptron page, generated from the results file."""

from __future__ import annotations

from shared.display import fmt

# What n counts and what ± is, per claim (first id prefix that matches): the site says it in the
# row and in the Cite text (website.report.sample_text).
SAMPLES = (
    ("PERC-R62-", "runs: every separable task x the seeds' presentation orders", None),
    ("PERC-NOV-", "runs: every separable task x the seeds' presentation orders", None),
    (
        "PERC-MarkI-learns",
        "seeds, each a new random wiring of the A-units and a new training order",
        "standard deviation of the test accuracy over the seeds",
    ),
    ("PERC-MarkI-grows", "A-unit counts, each with its mean test accuracy over the seeds", None),
    ("COVER-", "random dichotomies at each number of points P", None),
)


def fragments(results: dict) -> dict[str, str]:
    tables = results["tables"]
    novikoff = [
        "| task | examples | inputs | margin γ | radius R | bound (R/γ)² | mistakes (mean) | "
        "mistakes (worst) | epochs (mean) | converged |",
        "| --- |" + " ---: |" * 9,
    ]
    for r in tables["novikoff"]:
        novikoff.append(
            f"| {r['task']} | {r['n']:,} | {r['dim']} | {fmt(r['gamma'])} | {fmt(r['radius'])} | "
            f"{fmt(r['bound'])} | {fmt(r['mistakes_mean'])} | {r['mistakes_max']:,} | "
            f"{fmt(r['epochs_mean'])} | {fmt(100 * r['converged'])}% |"
        )
    skipped = tables.get("novikoff_not_separable") or []
    if skipped:
        novikoff.append(
            "\nNot linearly separable, so not run (the theorem says nothing there): "
            f"{', '.join(skipped)}."
        )
    photo = ["| A-units | test accuracy (mean ± std over wirings) |", "| ---: | --- |"]
    for r in tables["photo"]:
        label = "none (retina → R)" if r["a_units"] == 0 else f"{r['a_units']:,}"
        photo.append(
            f"| {label} | {fmt(100 * r['accuracy_mean'])}% ± {fmt(100 * r['accuracy_std'], 2)}% |"
        )
    capacity = tables["capacity"]
    cover = [
        f"N = {capacity['N']}, {capacity['trials']:,} random dichotomies per P, "
        f"the rule capped at {capacity['max_epochs']:,} epochs.\n",
        "| P | P/N | Cover's fraction | separable (LP) | learned by the rule | "
        "mean epochs when learned |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in capacity["rows"]:
        cover.append(
            f"| {r['P']} | {fmt(r['P'] / capacity['N'])} | {fmt(r['cover'])} | "
            f"{fmt(r['separable'])} | {fmt(r['learned'])} | {fmt(r['mean_epochs_learned'])} |"
        )
    return {
        "novikoff": "\n".join(novikoff) + "\n",
        "photo": "\n".join(photo) + "\n",
        "capacity": "\n".join(cover) + "\n",
    }
