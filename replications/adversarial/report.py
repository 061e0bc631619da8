"""Extra page tables, generated from the results file: Szegedy et al. Tables 1-4 (ours beside
the paper's), every reading of their Gaussian-noise rows, Goodfellow et al.'s FGSM table, the
transfer to an SVM and a random forest, and the training recipes with what their stopping
rules did.
"""

from __future__ import annotations

import math
from typing import Any

from replications.adversarial.tables import NOISE2, NOISE4, SLUG, TABLE1, TABLE3, not_yet
from replications.adversarial.tables import job_stages as job_stages  # website.report's citations
from shared.display import fmt
from website.report import run_status

# The stages of a run carried across sessions as the page's sections name them (website.report).
STAGE_NAMES = {
    "szegedy": "Szegedy et al. Tables 1-2",
    "cross_training_set": "Szegedy et al. Tables 3-4",
    "goodfellow": "Goodfellow et al.'s FGSM",
    "beyond": "beyond the papers",
}

# What n counts and what ± is, per claim (first id prefix that matches): the site says it in the
# row and in the Cite text (website.report.sample_text). Every number here is from one run (n = 1).
SAMPLES: tuple[tuple[str, str, str | None], ...] = ()


def _paper(results: dict[str, Any]) -> dict[str, Any]:
    return {row["id"]: row for row in results["claims"]}


def _pct(value: float | None) -> str:
    """A paper's percentage with the digits it was printed with (3.9%, not 3.90%; 11%)."""
    return "–" if value is None else f"{value:g}%"


def _ours_pct(value: float | None) -> str:
    """A measured percentage to 3 significant digits, also when it happens to be whole: 11.0%
    beside 29.0%, not 11% (which ``fmt`` gives a whole number)."""
    if value is None:
        return "–"
    if value == 0:
        return "0%"
    decimals = max(2 - math.floor(math.log10(abs(value))), 0)
    return f"{value:,.{decimals}f}%"


def _ours_vs(
    claims: dict[str, Any], claim_id: str, ours: float | None, percent: bool = True
) -> str:
    """``ours (paper)``, the paper's value in italics where it is recalled (uncertain)."""
    row = claims.get(claim_id)
    text = _ours_pct(ours) if percent else fmt(ours, 2)
    if row is None:
        return text
    paper = _pct(row["paper"]) if percent else fmt(row["paper"], 2)
    paper = f"*{paper}*" if row["confidence"] == "uncertain" else paper
    return f"{text} ({paper})"


def table1(results: dict[str, Any]) -> str:
    claims, t1 = _paper(results), results["tables"]["table1"]
    lines = [
        "| model | test error | train error | mean min. distortion | attack success |",
        "| --- | --- | --- | --- | --- |",
    ]
    for m in TABLE1:
        s, r = SLUG[m], t1[m]
        lines.append(
            f"| {m} | {_ours_vs(claims, f'SZ-T1-{s}-test', r['test_error'])} | "
            f"{_ours_vs(claims, f'SZ-T1-{s}-train', r['train_error'])} | "
            f"{_ours_vs(claims, f'SZ-T1-{s}-dist', r['distortion'], percent=False)} | "
            f"{_ours_pct(r['success'])} |"
        )
    n = results["tables"]["sizes"]["n_attack"]
    return (
        "\n".join(lines)
        + f"\n\nOurs (Szegedy et al.). Distortion: RMS per pixel, pixels in [0, 1], over {n:,} "
        "training images attacked with random target labels.\n"
    )


def _matrix(
    results: dict[str, Any],
    table: str,
    models: tuple[str, ...],
    rows: list[str],
    prefix: str,
    slug: dict[str, str],
) -> str:
    claims, t = _paper(results), results["tables"][table]
    lines = [
        "| examples made for | " + " | ".join(SLUG[c] for c in models) + " | distortion |",
        "| --- |" + " --- |" * (len(models) + 1),
    ]
    for row in rows:
        cells = [
            _ours_vs(claims, f"{prefix}-{slug[row]}-on-{SLUG[c]}", t[row]["errors"][c])
            for c in models
        ]
        lines.append(f"| {row} | " + " | ".join(cells) + f" | {fmt(t[row]['distortion'], 2)} |")
    return "\n".join(lines) + "\n"


def table2(results: dict[str, Any]) -> str:
    slug = {**SLUG, **NOISE2}
    text = _matrix(results, "table2", TABLE1, [*TABLE1, *NOISE2], "SZ-T2", slug)
    return text + (
        "\nError (%) of the column model; ours (Szegedy et al.; *italic*: recalled, uncertain). "
        f"{_noise_note(results)}\n"
    )


def _noise_note(results: dict[str, Any]) -> str:
    """Which Gaussian-noise reading the noise rows of this results file are."""
    if "noise_readings" not in results["tables"]:
        return (
            "Gaussian noise: clipped to [0, 1], so its measured RMS is below sigma (this "
            "results file predates the noise readings)."
        )
    graded = next(
        r["reading"] for r in results["tables"]["noise_readings"]["table2"] if r["graded"]
    )
    return f"Gaussian noise rows: {graded} (the graded reading; all readings below)."


def table4(results: dict[str, Any]) -> str:
    claims, t3 = _paper(results), results["tables"]["table3"]
    head = ["| model | train error (own half) | test error |", "| --- | --- | --- |"]
    for m in TABLE3:
        head.append(
            f"| {m} | {_ours_vs(claims, f'SZ-T3-{SLUG[m]}-train', t3[m]['train_error'])} | "
            f"{_ours_vs(claims, f'SZ-T3-{SLUG[m]}-test', t3[m]['test_error'])} |"
        )
    slug = {**SLUG, **NOISE4, **{f"{m}, magnified": f"{SLUG[m]}-x0.1" for m in TABLE3}}
    rows = [*TABLE3, *(f"{m}, magnified" for m in TABLE3), *NOISE4]
    return (
        "\n".join(head)
        + "\n\nTable 3: ours (Szegedy et al., recalled).\n\n"
        + _matrix(results, "table4", TABLE3, rows, "SZ-T4", slug)
        + '\nTable 4: error (%) of the column model on test images; "magnified" rows scale each '
        "perturbation to RMS 0.1 (then clip). Ours (Szegedy et al.). "
        f"{_noise_note(results)}\n"
    )


def _paper_cell(claim: dict[str, Any] | None) -> str:
    if claim is None:
        return "–"
    return (
        f"*{_pct(claim['paper'])}*" if claim["confidence"] == "uncertain" else _pct(claim["paper"])
    )


def noise_readings(results: dict[str, Any]) -> str:
    """Every reading of the Gaussian-noise rows (Szegedy et al. Tables 2 and 4) the paper allows,
    the graded one in bold, with the paper's row for comparison."""
    readings = results["tables"].get("noise_readings")
    if readings is None:
        return (
            "This results file predates the noise readings: its Gaussian rows are one "
            "reading only (sigma on [0, 1], clipped, fresh per image). A run of the current "
            "code fills this table.\n"
        )
    claims, blocks = _paper(results), []
    for table, models, slug_of in (("table2", TABLE1, NOISE2), ("table4", TABLE3, NOISE4)):
        prefix = "SZ-T2" if table == "table2" else "SZ-T4"
        head = " | ".join(SLUG[m] for m in models)
        lines = [
            f"| sigma | reading | {head} | RMS change | outside [0, 1] |",
            "| --- | --- |" + " --- |" * (len(models) + 2),
        ]
        for row in readings[table]:
            name = f"**{row['reading']}** (graded)" if row["graded"] else row["reading"]
            cells = " | ".join(_ours_pct(row["errors"][m]) for m in models)
            lines.append(
                f"| {fmt(row['sigma'], 2)} | {name} | {cells} | "
                f"{fmt(row['distortion'], 2)} | {_ours_pct(row['outside_box'])} |"
            )
        for sigma in sorted({row["sigma"] for row in readings[table]}):
            slug = slug_of[f"Gaussian noise, sigma {sigma:g}"]
            cells = " | ".join(
                _paper_cell(claims.get(f"{prefix}-{slug}-on-{SLUG[m]}")) for m in models
            )
            lines.append(f"| {fmt(sigma, 2)} | Szegedy et al. | {cells} | {fmt(sigma, 2)} | – |")
        where = "Table 2 (training images)" if table == "table2" else "Table 4 (test images)"
        blocks.append(f"**{where}**\n\n" + "\n".join(lines) + "\n")
    return (
        "\n".join(blocks) + "\nError (%) of each model on the attacked images with Gaussian "
        "noise of standard deviation sigma, for every reading: sigma on pixels in [0, 1] or on "
        "grey levels [0, 255] (255 times less noise), clipped back into the pixel box or not, "
        "a fresh draw for each image or one pattern for all. The same draw serves every "
        "reading of a sigma. *Italic*: recalled, uncertain.\n"
    )


def fgsm(results: dict[str, Any]) -> str:
    claims, fg = _paper(results), results["tables"]["fgsm"]
    ids = {
        "softmax": (None, "GSS-softmax-error", "GSS-softmax-conf"),
        "maxout": ("GSS-0.94", "GSS-maxout-error", "GSS-maxout-conf"),
        "maxout, adversarially trained": ("GSS-0.84", "GSS-advrobust", "GSS-advrobust-conf"),
    }
    lines = [
        "| model | clean test error | FGSM error (eps 0.25) | confidence on the errors |",
        "| --- | --- | --- | --- |",
    ]
    for name, (clean, err, conf) in ids.items():
        r = fg[name]
        clean_text = (
            _ours_vs(claims, clean, r["clean_error"]) if clean else _ours_pct(r["clean_error"])
        )
        lines.append(
            f"| {name} | {clean_text} | {_ours_vs(claims, err, r['error'])} | "
            f"{_ours_vs(claims, conf, r['confidence'])} |"
        )
    tr = fg["transfer"]
    lines += [
        "",
        "| transfer | error |",
        "| --- | --- |",
        f"| adversarially trained maxout on the original maxout's FGSM images | "
        f"{_ours_vs(claims, 'GSS-transfer-19.6', tr['robust_on_base_examples'])} |",
        f"| original maxout on the adversarially trained maxout's FGSM images | "
        f"{_ours_vs(claims, 'GSS-transfer-40.9', tr['base_on_robust_examples'])} |",
    ]
    n = results["tables"]["sizes"]["n_test"]
    return (
        "\n".join(lines)
        + f"\n\nOurs (Goodfellow et al.), on the {n:,} MNIST test images, FGSM clipped to [0, 1].\n"
        + cifar(results)
    )


def cifar(results: dict[str, Any]) -> str:
    """The CIFAR-10 row (Goodfellow et al. Sec. 4, epsilon 0.1), with what its number rests on."""
    claims, c = _paper(results), results["tables"].get("cifar") or {}
    if c.get("error") is None:
        note = c.get("note", "no CIFAR-10 stage in this run").removeprefix("not run: ")
        return f"\nCIFAR-10 (epsilon 0.1): not run: {note}.\n"
    data = (
        "the **JPEG-degraded** offline copy of CIFAR-10 (not the original pixels; see the AlexNet "
        "page)"
        if c.get("data_note")
        else "the genuine CIFAR-10"
    )
    maxout = c.get("net") == "maxout"
    net = "convolutional maxout net" if maxout else "four-layer convnet"
    if maxout:
        about = (
            f"The net is Goodfellow et al.'s convolutional maxout net with its preprocessing, "
            f"trained by its recipe (see Recipes): the final net {c['epochs']} epochs on "
            f"{c['n_train']:,} images."
        )
    else:
        about = (
            f"The net is the AlexNet replication's four-layer convnet trained for only "
            f"{c['epochs']} epochs on {c['n_train']:,} images, far from converged (chance is "
            "90% error)."
        )
    return (
        "\n| CIFAR-10 net | clean test error | FGSM error (eps 0.1) | confidence on the errors |\n"
        "| --- | --- | --- | --- |\n"
        f"| {net}, {c['epochs']} epochs | {_ours_pct(c['clean_error'])} | "
        f"{_ours_vs(claims, 'GSS-cifar', c['error'])} | "
        f"{_ours_vs(claims, 'GSS-cifar-conf', c['confidence'])} |\n\n"
        f"Ours (in brackets: Goodfellow et al.'s convolutional maxout net on the genuine data), "
        f"on the {c['n_test']:,} test images of {data}, pixels in [0, 1], FGSM clipped to "
        f"[0, 1]. {about}\n"
    )


def beyond(results: dict[str, Any]) -> str:
    b = results["tables"]["beyond"]
    table = b["errors"]
    classifiers = list(next(iter(table.values())))
    lines = [
        "| images | " + " | ".join(classifiers) + " |",
        "| --- |" + " --- |" * len(classifiers),
    ]
    order = (
        "clean",
        "FGSM eps 0.25 vs softmax",
        "FGSM eps 0.25 vs maxout",
        "FGSM eps 0.25 vs linear SVM",
        "Gaussian",
        "clean (L-BFGS subset)",
        "L-BFGS",
    )

    def rank(name: str) -> int:
        prefixed = ("Gaussian", "L-BFGS")  # rows named by their prefix and a setting
        matches = (
            i for i, p in enumerate(order) if name == p or (p in prefixed and name.startswith(p))
        )
        return next(matches, len(order))

    for source in sorted(table, key=rank):
        lines.append(
            f"| {source} | " + " | ".join(_ours_pct(table[source][c]) for c in classifiers) + " |"
        )
    return (
        "\n".join(lines)
        + f"\n\nError (%) on the first {b['n_eval']:,} MNIST test images (L-BFGS rows: "
        f"{b['n_lbfgs']:,} test images). The SVMs are trained on {b['n_svm_train']:,} training "
        f"images, the forest on all {results['tables']['sizes']['n_train']:,}.\n"
    )


# Which recipe of the run's config trained which model (config.Config's fields), in page order.
RECIPE_OF = {
    **{m: "softmax" for m in TABLE1[:3]},
    "FC100-100-10": "mlp",
    "FC200-200-10": "mlp",
    "AE400-10": "softmax",
    "AE400-10, autoencoder": "autoencoder",
    **{m: "mlp" for m in TABLE3},
    "maxout": "maxout",
    "maxout, adversarially trained": "maxout_adversarial",
    "CIFAR-10 maxout net": "cifar",
}
MONITORS = {
    "train_objective": "the training objective",
    "valid_error": "the error on the held-out images",
    "adversarial_valid_error": "the FGSM error on the held-out images",
}
RETRAIN = {
    "none": "",
    "continue": "; then on all images until their held-out loss falls to the best epoch's "
    "training loss",
    "same_epochs": "; then from the start on all images for the best epoch's count",
}


# Recipes stored before the fields were renamed (the published cpu-profile file) use the old names.
OLD_RECIPE_NAMES = {
    "batch": "batch_size",
    "lr": "learning_rate",
    "lr_schedule": "learning_rate_schedule",
    "lr_decay": "learning_rate_decay",
    "lr_saturate": "learning_rate_saturate",
    "min_lr": "min_learning_rate",
    "lr_scale": "learning_rate_scale",
}


def _learning_rate(r: dict[str, Any]) -> str:
    rate = f"rate {r['learning_rate']:g}"
    return {
        "constant": rate,
        "cosine": f"{rate} along a cosine to 0 over {r['max_epochs']} epochs",
        "exponential": f"{rate} divided by {r['learning_rate_decay']} after each update "
        f"(floor {r['min_learning_rate']:g})",
        "linear": f"{rate} falling linearly to {100 * r['learning_rate_decay']:g}% at epoch "
        f"{r['learning_rate_saturate']}",
    }[r["learning_rate_schedule"]]


def describe_recipe(recipe: dict[str, Any]) -> tuple[str, str]:
    """A recipe (a ``config.Recipe`` as stored in the results file) in words: (optimiser and
    schedules, stopping rule)."""
    r = {OLD_RECIPE_NAMES.get(name, name): value for name, value in recipe.items()}
    if r["optimiser"] == "adam":
        how = f"Adam, {_learning_rate(r)}, batch {r['batch_size']}"
    else:
        how = (
            f"SGD, {_learning_rate(r)}, momentum {r['momentum']:g} rising to "
            f"{r['final_momentum']:g} at epoch {r['momentum_saturate']}, batch {r['batch_size']}"
        )
    if r["learning_rate_scale"]:
        how += ", rate x" + ", x".join(f"{v:g} on {k}" for k, v in r["learning_rate_scale"])
    if r["max_norm"]:
        how += "; max-norm " + ", ".join(f"{v:g} ({k})" for k, v in r["max_norm"])
    if r["monitor"] == "none":
        return how, _epochs(r["max_epochs"])
    held = f", the last {r['n_valid']:,} training images held out" if r["n_valid"] else ""
    decrease = f" of {100 * r['min_decrease']:g}%" if r["min_decrease"] else ""
    stop = (
        f"keep the best epoch by {MONITORS[r['monitor']]}{held}; stop after "
        f"{_epochs(r['patience'])} without a decrease{decrease} (at most {r['max_epochs']:,})"
        f"{RETRAIN[r['retrain']]}"
    )
    return how, stop


def _epochs(n: int) -> str:
    return f"{n:,} epoch" if n == 1 else f"{n:,} epochs"


def _outcome(log: dict[str, Any]) -> str:
    text = f"{_epochs(log['epochs'])} ({log['stopped']}), best {log['best_epoch']}"
    if log.get("retrain_epochs"):
        why = f" ({log['retrain_stopped']})" if log.get("retrain_stopped") else ""
        text += f"; then {log['retrain_epochs']} on all images{why}"
    return text


def recipes(results: dict[str, Any]) -> str:
    """Each model's recipe, from the run's config, and what its stopping rule did, from the run."""
    config, tables = results["provenance"].get("config") or {}, results["tables"]
    if not isinstance(config.get("maxout"), dict) or "training" not in tables:
        epochs = ", ".join(
            f"{k.removeprefix('epochs_')} {v}"
            for k, v in sorted(config.items())
            if k.startswith("epochs_")
        )
        return (
            "This results file was made before the recipes, with the shortened settings now "
            "called the `cpu` profile: Adam, rate decayed to 0 along a cosine, fixed epochs "
            f"({epochs}).\n"
        )
    logs = dict(tables["training"])
    if "autoencoder" in logs.get("AE400-10", {}):
        logs["AE400-10, autoencoder"] = logs["AE400-10"]["autoencoder"]
    if (tables.get("cifar") or {}).get("training"):
        logs["CIFAR-10 maxout net"] = tables["cifar"]["training"]
    lines = [
        "| model | optimiser and schedules | stopping rule | what it did |",
        "| --- | --- | --- | --- |",
    ]
    for model in (m for m in RECIPE_OF if m in logs):  # the results file sorts its keys
        how, stop = describe_recipe(config[RECIPE_OF[model]])
        lines.append(f"| {model} | {how} | {stop} | {_outcome(logs[model])} |")
    cifar = tables.get("cifar") or {}
    if cifar.get("net") == "four-layer" and cifar.get("clean_error") is not None:
        # The stand-in convnet has no recipe of its own: the config's cifar_* settings.
        lines.append(
            f"| CIFAR-10 four-layer convnet (stand-in for the maxout net) | SGD, momentum 0.9, "
            f"weight decay 5e-4, rate {config.get('cifar_learning_rate', '?')}, batch "
            f"{config.get('batch_size', '?')}, on {cifar['n_train']:,} images | "
            f"{cifar['epochs']} epochs | clean test error {_ours_pct(cifar['clean_error'])} |"
        )
    return (
        "\n".join(lines) + f"\n\nProfile `{results['profile']}`. Epochs counted from 1; "
        '"best": the epoch whose weights were kept.\n'
    )


# Each fragment's tables and the stage of ``experiment`` that computes them.
FRAGMENT_TABLES = {
    "table1": (("table1",), "szegedy"),
    "table2": (("table2",), "szegedy"),
    "table34": (("table3", "table4"), "cross_training_set"),
    "noise_readings": (("table2", "table4"), "cross_training_set"),
    "fgsm": (("fgsm",), "goodfellow"),
    "beyond": (("beyond",), "beyond"),
}


def still_training(results: dict[str, Any], stage: str) -> str:
    """What a fragment says while its stage's models are still training (a run carried across
    sessions, ``tables.STAGE_NEEDS``)."""
    pending = results["tables"].get("pending", {}).get(stage)
    where = f" ({not_yet(pending).removeprefix('not run yet: ')})" if pending else ""
    return (
        f"*Not computed yet: the models of this stage are still training{where}. "
        "`nox -s replicate-adversarial` continues the run.*\n"
    )


def fragments(results: dict[str, Any]) -> dict[str, str]:
    """``site/docs/_generated/adversarial/<key>.md`` for each extra table of the page (a stage
    still training says so instead)."""
    makers = {
        "table1": table1,
        "table2": table2,
        "table34": table4,
        "noise_readings": noise_readings,
        "fgsm": fgsm,
        "beyond": beyond,
    }
    tables = results["tables"]
    out = {}
    for key, make in makers.items():
        needed, stage = FRAGMENT_TABLES[key]
        ready = all(name in tables for name in needed)
        out[key] = make(results) if ready else still_training(results, stage)
    out["recipes"] = recipes(results)
    out["status"] = status(results)
    return out


def status(results: dict[str, Any]) -> str:
    """Where the run stands: each stage that trains models, its jobs done and their hours, and
    every finished job with its key, commit and device (``website.report.run_status``). A run
    made in one go (the ``cpu`` and ``smoke`` profiles) has no jobs, and says so."""
    if not results["provenance"].get("jobs"):
        return (
            f"The `{results['profile']}` run behind this page trained its models in one go, not "
            "as jobs carried across sessions; its wall time is under [Run it](#run-it).\n"
        )
    jobs, pending = results["provenance"]["jobs"], results["tables"].get("pending", {})
    trains = {  # "beyond" trains nothing of its own: it waits for the others' models
        name: label
        for name, label in STAGE_NAMES.items()
        if jobs.get(name) or pending.get(name, {}).get("total")
    }
    return run_status(results, trains)
