"""Extra tables for the backprop page, generated from the results file only."""

from __future__ import annotations

from replications.backprop.tables import FAMILY_VARIANTS, SMALL_TASKS, smallest_change
from shared.display import fmt

# What n counts and what ± is, per claim (first id prefix that matches): the site says it in the
# row and in the Cite text (website.report.sample_text).
SAMPLES = (
    ("RHW-sym-sweeps", "runs, each from its own random initial weights", None),
    ("RHW-sym-", "runs that converged, of those from random initial weights", None),
    ("PDP-", "runs, each from its own random initial weights", None),
    ("RHW-ft-", "runs, each from its own random initial weights and held-out triples", None),
)


VARIANTS = {
    "paper": "1986 procedure",
    "adam_uniform": "Adam, paper's init",
    "adam_glorot": "Adam, Glorot init",
}


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _stuck(s: dict) -> str:
    low, high = s["stuck_ci95"]
    return (
        f"{fmt(s['stuck'])} / {fmt(s['n'])} ({_pct(s['stuck_fraction'])}; "
        f"95% CI {_pct(low)}–{_pct(high)})"
    )


def _plateau(s: dict) -> str:
    d = s["stuck_runs"]
    if d["plateau_share"] is None:
        return "–"
    return (
        f"{_pct(d['plateau_share'])} (median E {fmt(d['final_error_median'])}, "
        f"worst error {fmt(d['final_deviation_median'])})"
    )


def _sweeps(s: dict) -> str:
    if "p50" not in s:
        return "–"
    return f"{fmt(s['p50'])} [{fmt(s['p5'])}–{fmt(s['p95'])}]"


def sweeps_table(tables: dict) -> str:
    lines = [
        "| task | ε, α | paper (one run) | runs stuck at the cap | stuck runs on a plateau | "
        "sweeps to within 0.1: median [5th–95th pct] | to within 0.4: median | "
        "paper's run faster than | runs/s |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name in (n for n in SMALL_TASKS if n in tables["sweeps"]):
        s, t = tables["sweeps"][name], tables["tasks"][name]
        faster = _pct(1 - s["paper_rank"]) + " of ours" if "paper_rank" in s else "–"
        lines.append(
            f"| {t['title']} ({t['source']}) | {t['eps']:g}, {t['alpha']:g} | "
            f"{fmt(s['paper']) if s['paper'] else '–'} | {_stuck(s)} (cap {fmt(s['cap'])}) | "
            f"{_plateau(s)} | {_sweeps(s)} | "
            f"{fmt(s['loose'].get('p50'))} | {faster} | {fmt(s['seeds_per_second'], 3)} |"
        )
    return "\n".join(lines) + "\n"


def modern_table(tables: dict) -> str:
    lines = [
        "| task | variant | runs stuck at the cap | stuck runs on a plateau | "
        "sweeps to within 0.1: median [5th–95th pct] |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name in (n for n in SMALL_TASKS if n in tables["modern"]):
        for variant, label in VARIANTS.items():
            s = (
                tables["sweeps"][name]
                if variant == "paper"
                else tables["modern"][name].get(variant)
            )
            if s:
                lines.append(
                    f"| {tables['tasks'][name]['title']} | {label} | {_stuck(s)} | {_plateau(s)} | "
                    f"{_sweeps(s)} |"
                )
    return "\n".join(lines) + "\n"


def solutions_table(tables: dict) -> str:
    lines = ["| measure | runs | share |", "| --- | --- | --- |"]
    sym, enc = tables.get("symmetry"), tables.get("encoder")
    if sym and sym["converged"]:
        n = sym["converged"]
        for key, label in (
            ("antisymmetric", "symmetry: mirror weights opposite and equal"),
            ("mirrored_units", "symmetry: hidden units mirror each other, biases as in Fig. 1"),
            ("ratio_124", "symmetry: pair magnitudes 1:2:4 (±25%)"),
        ):
            lines.append(
                f"| {label} | {fmt(sym[key])} of {fmt(n)} converged | {_pct(sym[key] / n)} |"
            )
    if enc and enc["converged"]:
        n = enc["converged"]
        lines.append(
            f"| encoder: 8 distinct binary codes | {fmt(enc['distinct'])} of {fmt(n)} converged | "
            f"{_pct(enc['distinct'] / n)} |"
        )
        lines.append(
            f"| encoder: all 24 hidden states within 0.2 of 0 or 1 | "
            f"{fmt(enc['near_binary'])} of {fmt(n)} converged | {_pct(enc['near_binary'] / n)} |"
        )
    return "\n".join(lines) + "\n"


def family_table(tables: dict) -> str:
    lines = [
        "| variant | runs | all 100 training triples right | "
        "held out right: 0 / 1 / 2 / 3 / 4 of 4 | mean held out right | "
        "units found: nationality / generation / branch | runs/s |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name in (v for v in FAMILY_VARIANTS if v in tables["family"]):
        f = tables["family"][name]
        found = " / ".join(
            _pct(f["feature_found_fraction"][k]) for k in ("nationality", "generation", "branch")
        )
        low, high = f["train_all_ci95"]
        lines.append(
            f"| {f['description']} | {fmt(f['n'])} | {_pct(f['train_all_fraction'])} "
            f"(95% CI {_pct(low)}–{_pct(high)}) | "
            f"{' / '.join(fmt(c) for c in f['test_right_counts'])} | "
            f"{f['test_mean']:.2f} | {found} | {fmt(f['seeds_per_second'], 3)} |"
        )
    return "\n".join(lines) + "\n"


HYPOTHESES_MISSING = (
    '!!! note "Not in the published results yet"\n'
    "    The results file predates this stage; `nox -s replicate-backprop` "
    "runs it.\n"
)
STAGE = "family trees: hypotheses"
FEATURES = ("nationality", "generation", "branch")


def _ci(x: float, ci: list[float]) -> str:
    return f"{_pct(x)} ({_pct(ci[0])}–{_pct(ci[1])})"


def hypotheses_table(results: dict) -> str:
    """One row per hypothesis of ``family_hypotheses.py``, from the results file."""
    h = results["tables"]["family_hypotheses"]
    lines = [
        "| hypothesis | sweeps | runs | all 100 training triples right (95% CI) | "
        "training triples right, mean of 100 | held out right, mean of 4 | "
        "units found: nationality / generation / branch | all three (95% CI) | median E |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in h["rows"]:
        found = " / ".join(_pct(r["feature_found_fraction"][k]) for k in FEATURES)
        lines.append(
            f"| {r['label']} | {fmt(r['sweeps'])} | {fmt(r['n'])} | "
            f"{_ci(r['train_all_fraction'], r['train_all_ci95'])} | {r['train_mean']:.1f} | "
            f"{r['test_mean']:.2f} | {found} | "
            f"{_ci(r['all_features_fraction'], r['all_features_ci95'])} | "
            f"{fmt(r['error_median'])} |"
        )
    p = results["provenance"]
    seconds, device = p["wall_seconds"].get(STAGE), p["device"]
    runs = ", ".join(sorted({fmt(r["n"]) for r in h["rows"]}))
    lines.append(
        f"\nRuns per hypothesis: {runs}. Run i of every row holds out the same 4 triples and "
        "starts from the same uniform draw, scaled to the row's range. Median E: the error "
        "with the letter's 0.2 / 0.8 margins, in every row. The stage took "
        f"{fmt(seconds)} s on {device['cpu']} ({device['cpu_count']} cores)."
    )
    return "\n".join(lines) + "\n"


def smallest_change_line(results: dict) -> str:
    """The smallest change that makes Fig. 4 appear, as ``smallest_change`` finds it."""
    h = results["tables"]["family_hypotheses"]
    rows, share = h["rows"], h["fig4_share"]
    rule = (
        f"at least {_pct(share)} of runs learn all 100 training triples and have a person "
        "unit for each of nationality, generation and branch (the `reproduced` thresholds "
        "of RHW-ft-learn and RHW-ft-features)"
    )
    best = smallest_change(rows)
    if best is not None:
        return (
            f"**Smallest change that makes Fig. 4 appear:** {best['label']} "
            f"({len(best['changes'])} change(s) from the letter as we read it): "
            f"{_pct(best['train_all_fraction'])} of runs learn all 100 triples and "
            f"{_pct(best['all_features_fraction'])} have all three units. "
            f"Criterion: {rule}.\n"
        )
    closest = max(
        rows, key=lambda r: (r["train_all_fraction"], r["all_features_fraction"], r["train_mean"])
    )
    return (
        f"**Smallest change that makes Fig. 4 appear:** none of the {len(rows)} hypotheses. "
        f"Criterion: {rule}. Closest: {closest['label']}, where "
        f"{_pct(closest['train_all_fraction'])} of runs learn all 100 triples and "
        f"{_pct(closest['all_features_fraction'])} have all three units.\n"
    )


def fragments(results: dict) -> dict[str, str]:
    tables = results["tables"]
    out = {
        "sweeps": sweeps_table(tables),
        "modern": modern_table(tables),
        "solutions": solutions_table(tables),
        "family": family_table(tables),
        "hypotheses": HYPOTHESES_MISSING,
        "hypotheses_smallest": HYPOTHESES_MISSING,
    }
    if "family_hypotheses" in tables:
        out |= {
            "hypotheses": hypotheses_table(results),
            "hypotheses_smallest": smallest_change_line(results),
        }
    return out
