"""Page fragments of the no-silver-bullet matrix, generated from the results file only."""

from __future__ import annotations

from typing import Any

from replications.no_silver_bullet.tables import best_methods, by_year

# What n counts and what ± is, per claim (first id prefix that matches): the site says it in the
# row and in the Cite text (website.report.sample_text).
SAMPLES = (
    (
        "NSB-permuted-",
        "seeds, each a fresh draw of the data and of every model",
        "standard deviation over the seeds of each seed's change",
    ),
    (
        "NSB-",
        "seeds, each a fresh draw of the data and of every model",
        "standard deviation of the error over the seeds",
    ),
)


CURVE_TITLES = {"mnist": "MNIST", "letters": "letters (UCI)"}


def _number(mean: float, std: float, seeds: int) -> str:
    return f"{mean:.1f} ± {std:.1f}" if seeds > 1 else f"{mean:.1f}"


def matrix_table(matrix: dict[str, Any], seeds: int) -> str:
    """Problems down, methods across in the order of ``matrix["methods"]``; the best mean of each
    row in bold, n/a where a method does not apply (the CNN needs an image)."""
    methods = matrix["methods"]
    lines = [
        "| problem | " + " | ".join(f"{m['title']} ({m['year']})" for m in methods.values()) + " |",
        "| --- |" + " ---: |" * len(methods),
    ]
    for problem in matrix["problems"]:
        row = matrix["cells"][problem]
        cells = []
        for name in methods:
            if name not in row:
                cells.append("n/a")
                continue
            text = _number(row[name]["mean"], row[name]["std"], seeds)
            cells.append(f"**{text}**" if name in matrix["best"][problem] else text)
        label = matrix["titles"][problem] + (
            " †" if matrix["scored_on"][problem] == "the training patterns" else ""
        )
        # What each row trains on sits beside its numbers (2,000 MNIST digits, not 60,000), with
        # the data caveat where there is one, not only in the notes below.
        notes = matrix["notes"].get(problem) or ""
        note = notes.split(";")[0]
        if "JPEG-degraded" in notes:
            label += f" :material-alert-outline: <small>JPEG-degraded copy; {note}</small>"
        elif note:
            label += f"<br><small>{note}</small>"
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def timing_table(matrix: dict[str, Any], device: str) -> str:
    methods = matrix["methods"]
    lines = [
        "| problem | " + " | ".join(m["title"] for m in methods.values()) + " |",
        "| --- |" + " ---: |" * len(methods),
    ]
    for problem in matrix["problems"]:
        if problem == "shifted_mnist":
            continue  # the MNIST models, scored again: no training of their own
        row = matrix["cells"][problem]
        lines.append(
            f"| {matrix['titles'][problem]} | "
            + " | ".join(f"{row[m]['seconds']:.1f}" if m in row else "n/a" for m in methods)
            + " |"
        )
    return (
        f"Mean training time per fit in seconds, on {device} (compilation included).\n\n"
        + "\n".join(lines)
        + "\n"
    )


def curve_table(curve: dict[str, dict], titles: dict[str, dict]) -> str:
    curve = {name: curve[name] for name in titles if name in curve}
    sizes = sorted({int(s) for c in curve.values() for s in c})
    lines = [
        "| training cases | " + " | ".join(titles[m]["title"] for m in curve) + " |",
        "| ---: |" + " ---: |" * len(curve),
    ]
    for size in sizes:
        cells = []
        for m in curve:
            point = curve[m].get(str(size))
            cells.append("" if point is None else f"{point['mean']:.1f} ± {point['std']:.1f}")
        lines.append(f"| {size:,} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def crossover_list(rows: list[dict], titles: dict[str, dict]) -> str:
    """One row per pair of curves that cross, at the size where they cross (interpolated in log
    size)."""
    if not rows:
        return "No two curves cross: the ranking is the same at every size.\n"
    lines = [
        "| curves cross at about | better with fewer examples | better with more |",
        "| ---: | --- | --- |",
    ]
    lines += [
        f"| {round(r['at']):,} examples | {titles[r['below']]['title']} | "
        f"{titles[r['above']]['title']} |"
        for r in rows
    ]
    return "\n".join(lines) + "\n"


def leader(curve: dict[str, dict]) -> str | None:
    """The one method that is the best (as in the matrix, ties shared) at every size of the
    curve."""
    always: set[str] | None = None
    for size in {size for points in curve.values() for size in points}:
        best = set(best_methods({m: points[size] for m, points in curve.items() if size in points}))
        always = best if always is None else always & best
    return always.pop() if always and len(always) == 1 else None


def fragments(results: dict[str, Any]) -> dict[str, str]:
    tables = results["tables"]
    matrix = tables["matrix"]
    # The results file keeps the methods sorted by name; every table shows them by year.
    matrix = matrix | {
        "methods": {name: matrix["methods"][name] for name in by_year(matrix["methods"])}
    }
    seeds = results["provenance"].get("n_seeds") or 1
    device = results["provenance"]["device"]
    device_text = (
        f"{device.get('cpu_count', '?')} cores of an {device.get('cpu', 'unknown')} CPU"
        if device.get("kind") == "cpu"
        else device.get("name", device.get("kind", "unknown device"))
    )
    notes = "\n".join(
        f"- **{matrix['titles'][p]}**: {matrix['notes'][p]}"
        for p in matrix["problems"]
        if matrix["notes"].get(p)
    )
    out = {
        "matrix": matrix_table(matrix, seeds),
        "timing": timing_table(matrix, device_text),
        "notes": notes + "\n" if notes else "\n",
    }
    for problem, curve in tables["curves"].items():
        out[f"curve_{problem}"] = curve_table(curve, matrix["methods"])
        first = leader(curve)
        lead = (
            f"The {matrix['methods'][first]['title']} has the lowest error at every size, so no "
            "curve crosses it.\n\n"
            if first
            else ""
        )
        out[f"crossovers_{problem}"] = lead + crossover_list(
            tables["crossovers"].get(problem, []), matrix["methods"]
        )
    return out
