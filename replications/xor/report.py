"""Extra tables for the XOR page, generated from the results file."""

from __future__ import annotations

# What n counts and what ± is, per claim (first id prefix that matches): the site says it in the
# row and in the Cite text (website.report.sample_text).
SAMPLES = (("MP-xor-rule", "runs of the rule, each from its own random initial weights", None),)


def fragments(results: dict) -> dict[str, str]:
    tables = results["tables"]
    rows = tables["parity_order"]
    size = rows[-1]["n"]
    parity = [
        "| n \\ k | " + " | ".join(str(k) for k in range(1, size + 1)) + " | order |",
        "| --- |" + " :---: |" * (size + 1),
    ]
    for r in rows:
        cells = ["✓" if ok else "✗" for ok in r["feasible_by_k"]] + [""] * (size - r["n"])
        parity.append(f"| {r['n']} | " + " | ".join(cells) + f" | {r['order']} |")
    rule = tables["rule"]
    periods = ", ".join(
        f"{count:,} runs of period {p}"
        for p, count in sorted(rule["period_counts"].items(), key=lambda kv: int(kv[0]))
    )
    summary = (
        f"{rule['runs']:,} runs, each watched for {rule['epochs_watched']} epochs: "
        f"{rule['converged']:,} converged, {rule['cycling']:,} cycled ({periods}); "
        f"the largest weight ever reached was {rule['max_abs_weight']:g}.\n"
    )
    certificate = tables.get("farkas_certificate")
    farkas = (
        "Farkas certificate λ over the inputs (0,0), (0,1), (1,0), (1,1): "
        f"({', '.join(certificate)}), non-negative, and Σ λᵢ yᵢ (xᵢ, 1) = 0 exactly.\n"
        if certificate
        else "No certificate found.\n"
    )
    return {"parity": "\n".join(parity) + "\n", "rule": summary, "farkas": farkas}
