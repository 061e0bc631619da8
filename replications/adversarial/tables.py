"""What an adversarial run stores: the ``Tables`` that ``experiment.run`` returns, the page and the
figures read, and ``measure`` grades from; with the papers' model names and their claim-id slugs.

Threat model: pixels in [0, 1]; epsilon and RMS distortion in those units; errors in percent.
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

# Szegedy et al. 2013: the models of Table 1 (and Table 2's rows and columns) and of Table 3 / 4
TABLE1 = ("FC10(1e-4)", "FC10(1e-2)", "FC10(1)", "FC100-100-10", "FC200-200-10", "AE400-10")
TABLE3 = ("FC100-100-10 (P1)", "FC123-456-10 (P1)", "FC100-100-10' (P2)")
# Model (or noise row) name -> its part of a claim id: ``SZ-T2-FC100-on-AE400``
SLUG = {
    "FC10(1e-4)": "FC10-1e-4",
    "FC10(1e-2)": "FC10-1e-2",
    "FC10(1)": "FC10-1",
    "FC100-100-10": "FC100",
    "FC200-200-10": "FC200",
    "AE400-10": "AE400",
    "FC100-100-10 (P1)": "P1-FC100",
    "FC123-456-10 (P1)": "P1-FC123",
    "FC100-100-10' (P2)": "P2-FC100",
}
NOISE2 = {"Gaussian noise, sigma 0.1": "noise-0.1", "Gaussian noise, sigma 0.3": "noise-0.3"}
NOISE4 = {"Gaussian noise, sigma 0.06": "noise-0.06", "Gaussian noise, sigma 0.1": "noise-0.1"}


class Tables(TypedDict):
    # A stage's tables are absent while its models train (``pending``).
    # Szegedy Table 1: model -> {test_error, train_error, distortion (mean RMS of the minimal
    # L-BFGS examples)}
    table1: NotRequired[dict[str, dict[str, Any]]]
    # Table 2: row (examples made for a model, or a noise row) -> {errors: column model -> %,
    # success (own examples, %), distortion}
    table2: NotRequired[dict[str, dict[str, Any]]]
    table3: NotRequired[dict[str, dict[str, Any]]]  # Table 3: model -> {train_error, test_error}
    table4: NotRequired[
        dict[str, dict[str, Any]]
    ]  # Table 4: as Table 2, with "<model>, magnified" rows
    # Goodfellow et al.: model -> {error, confidence, clean_error} under FGSM at epsilon; and
    # "transfer" -> {robust_on_base_examples, base_on_robust_examples}
    fgsm: NotRequired[dict[str, dict[str, Any]]]
    robustness: NotRequired[
        dict[str, Any]
    ]  # error (%) against epsilon, per model, and the epsilons
    examples: NotRequired[
        dict[str, Any]
    ]  # the first test digits, clean and adversarial, for the figure
    # beyond the papers: "errors" -> attack -> model -> % (SVM, random forest, linear SVM)
    beyond: NotRequired[dict[str, Any]]
    # the CIFAR-10 FGSM stage: error, confidence, model, epochs, clean_error, data_note,
    # sha256; or {error: None, note: why it did not run}
    cifar: dict[str, Any]
    # Tables 2 and 4's Gaussian rows under every reading of the paper (one graded), by table
    noise_readings: NotRequired[dict[str, list[dict[str, Any]]]]
    matmul_precision: str  # of float32 products (the GPU's TF32 default is switched off)
    training: dict[str, dict[str, Any]]  # each model's training log (stopping rule, epochs)
    sizes: dict[str, int]  # n_attack, n_train, n_test
    # stages not computed yet (a run carried across sessions): stage -> {done, total, unclean:
    # its own models, waits_for: the stages whose models it also uses}; their tables are absent
    pending: NotRequired[dict[str, dict[str, Any]]]


# The stages whose models a stage's tables also use (its own models are the jobs of that stage,
# ``jobs.ModelJob.stage``): the FGSM table attacks Table 1's softmax, the transfer stage the
# maxout net and the L-BFGS examples of Table 4.
STAGE_NEEDS: dict[str, tuple[str, ...]] = {
    "szegedy": (),
    "cross_training_set": (),
    "goodfellow": ("szegedy",),
    "beyond": ("szegedy", "cross_training_set", "goodfellow"),
}
CIFAR_CLAIMS = ("GSS-cifar", "GSS-cifar-conf")  # the CIFAR-10 stage: no jobs, run in one piece


def stages_of(claim_id: str) -> tuple[str, ...]:
    """The stages of ``experiment`` whose tables a claim is measured from."""
    if claim_id == "SZ-self":
        return ("szegedy", "cross_training_set")
    if claim_id.startswith(("SZ-T1-", "SZ-T2-")):
        return ("szegedy",)
    if claim_id.startswith(("SZ-T3-", "SZ-T4-")):
        return ("cross_training_set",)
    if claim_id.startswith("BEYOND-"):
        return ("beyond",)
    return ("goodfellow",)


def job_stages(claim_id: str) -> tuple[str, ...]:
    """The stages whose jobs trained the models a claim is measured from: its own stages and
    those whose models they also use (its citation names their commits)."""
    if claim_id in CIFAR_CLAIMS:
        return ()
    stages = list(stages_of(claim_id))
    for stage in list(stages):
        stages += [need for need in STAGE_NEEDS[stage] if need not in stages]
    return tuple(stages)


def not_yet(pending: dict[str, Any]) -> str:
    """The note of a claim whose stage is still running: its own models trained, and the stages
    whose models it also uses that are still running."""
    parts = []
    if pending["total"]:
        parts.append(f"{pending['done']} of {pending['total']} models trained")
        if pending.get("unclean"):
            parts[-1] += f" ({pending['unclean']} from a modified tree, to be re-run)"
    if pending.get("waits_for"):
        parts.append(f"waits for the {', '.join(pending['waits_for'])} stage(s)")
    return "not run yet: " + "; ".join(parts)
