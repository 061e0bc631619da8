"""Extra tables of the SVM page (Table 2 and Table 3 side by side), from the results file."""

from __future__ import annotations

from replications.svm.tables import (
    PAPER_DIMS,
    PAPER_ERROR,
    PAPER_SV,
    PAPER_T3_SV,
    PAPER_T3_TEST,
    PAPER_T3_TRAIN,
)
from shared.display import fmt

# What n counts and what ± is, per claim (first id prefix that matches): the site says it in the
# row and in the Cite text (website.report.sample_text).
SAMPLES = (
    ("SVN-T2-d", "one-vs-rest machines (the value is their mean)", None),
    ("SVN-USPS-trainerr", "one-vs-rest machines (the value is their mean)", None),
    ("SVN-T3-SV", "one-vs-rest machines (the value is their mean)", None),
)


def _range(values: list) -> str:
    values = [v for v in values if v is not None]
    return f"{fmt(min(values), 2)} – {fmt(max(values), 2)}" if values else "–"


def table2(results: dict) -> str:
    usps = results["tables"]["usps"]
    lines = [
        "| degree | C (chosen) | validation error (%) per C | test error, paper (%) | "
        "test error, ours (%) | SVs, paper | SVs, ours (mean) | training errors (mean) | "
        "dim, paper | dim, exact C(256+d, d) | paper-form C (k = 2) | KKT gap | fit (s) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for d in sorted(usps["degrees"], key=int):
        r = usps["degrees"][d]
        cv = ", ".join(f"{fmt(100 * e, 3)}" for e in r["cv_error"])
        lines.append(
            f"| {d} | {fmt(r['C'])} | {cv} | {fmt(PAPER_ERROR[int(d)])} | {fmt(r['test_error'])} | "
            f"{PAPER_SV[int(d)]} | {fmt(sum(r['support_vectors']) / 10)} | "
            f"{fmt(sum(r['train_errors']) / 10)} | {PAPER_DIMS[int(d)]:.3g} | "
            f"{r['dims']['up_to_d']:.3g} | {_range(r['paper_form_C'])} | "
            f"{r['kkt_gap']:.1e} | {fmt(r['fit_seconds'], 2)} |"
        )
    grid = ", ".join(fmt(c) for c in usps["grid"])
    runs = usps.get("fold_runs", usps["folds"])
    how = (
        f"{usps['folds']}-fold cross-validation"
        if runs == usps["folds"]
        else f"validation on {runs} of {usps['folds']} folds (a random 1/{usps['folds']} held out)"
    )
    lines += [
        "",
        f"C grid: {grid}, smaller C first; {how} of the {fmt(usps['n_train'])} training "
        f"digits; test on {fmt(usps['n_test'])}. Inputs divided by {fmt(usps['scale'], 4)} "
        "(the root mean squared norm of the smoothed training images).",
    ]
    if "permutation" in usps:
        p = usps["permutation"]
        lines += [
            "",
            f"Pixel permutation (degree {p['degree']}, C = {fmt(p['C'])}, raw pixels): "
            f"{fmt(100 * p['agreement'], 4)}% of test predictions unchanged; test error "
            f"{fmt(p['error_plain'])}% plain, {fmt(p['error_permuted'])}% permuted.",
        ]
    return "\n".join(lines) + "\n"


def table3(results: dict) -> str:
    m = results["tables"].get("mnist")
    if not m:
        return "_The NIST/MNIST run is not in this results file._\n"
    lines = [
        "| machine (digit) | SVs, paper | SVs, ours | training errors, paper | "
        "training errors, ours | test errors, paper | test errors, ours |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for c in range(10):
        lines.append(
            f"| {c} | {PAPER_T3_SV[c]} | {fmt(m['support_vectors'][c])} | {PAPER_T3_TRAIN[c]} | "
            f"{fmt(m['train_errors'][c])} | {PAPER_T3_TEST[c]} | "
            f"{fmt(m['binary_test_errors'][c])} |"
        )
    lines.append(
        f"| **total** | {sum(PAPER_T3_SV):,} | {fmt(sum(m['support_vectors']))} | "
        f"{sum(PAPER_T3_TRAIN)} | {fmt(sum(m['train_errors']))} | {sum(PAPER_T3_TEST)} | "
        f"{fmt(sum(m['binary_test_errors']))} |"
    )
    valid = ", ".join(
        f"C = {fmt(c)}: {fmt(100 * e, 3)}%"
        for c, e in zip(m["grid"], m["validation_error"], strict=True)
    )
    lines += [
        "",
        f"Combined test error {fmt(m['test_error'])}% (paper 1.1%) on {fmt(m['n_test'])} digits, "
        f"{fmt(m['n_train'])} training digits, C = {fmt(m['C'])} chosen on a hold-out split of "
        f"the training set ({fmt(m['select'])} / {fmt(m['select'])}; validation error {valid}). "
        f"{fmt(m['support_union'])} distinct training digits are support vectors of at least one "
        "machine. "
        f"Solver: {m['rounds']} chunking rounds, final KKT gap {m['kkt_gap']:.1e}, "
        f"fit {fmt(m['fit_seconds'], 3)} s; paper-form C (k = 2) {_range(m['paper_form_C'])}.",
    ]
    return "\n".join(lines) + "\n"


def fragments(results: dict) -> dict[str, str]:
    return {"table2": table2(results), "table3": table3(results)}
