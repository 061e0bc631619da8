"""Random forest replication (Breiman 2001): generators, classifiers, protocol, smoke end to end."""

from __future__ import annotations

import dataclasses

import jax
import numpy as np
import pytest

from replications.random_forest import synthetic
from replications.random_forest.config import PROFILES
from replications.random_forest.forests import (
    adaboost,
    default_features,
    flip_labels,
    forest_rc,
    forest_ri,
    impute_median,
)
from replications.random_forest.protocol import hold_out, seeds_for
from shared.cli import run_and_measure
from shared.registry import get

INPUTS = {"waveform": 21, "twonorm": 20, "threenorm": 20, "ringnorm": 20}  # Breiman (2001) Table 1


def _twonorm(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    return synthetic.sample("twonorm", key=jax.random.key(seed), n=n)


@pytest.mark.parametrize("name", sorted(synthetic.GENERATORS))
def test_generators_shapes_and_balance(name: str) -> None:
    x, y = synthetic.sample(name, key=jax.random.key(0), n=3000)
    classes = 3 if name == "waveform" else 2
    assert x.shape == (3000, INPUTS[name]) and x.dtype == np.float64
    counts = np.bincount(y, minlength=classes)
    assert len(counts) == classes and counts.min() > 3000 / classes * 0.85


def test_generators_follow_breimans_definitions() -> None:
    x, y = synthetic.sample("twonorm", key=jax.random.key(1), n=20000)
    a = 2 / np.sqrt(20)
    np.testing.assert_allclose(x[y == 0].mean(axis=0), a, atol=0.05)
    np.testing.assert_allclose(x[y == 1].mean(axis=0), -a, atol=0.05)
    x, y = synthetic.sample("ringnorm", key=jax.random.key(2), n=20000)
    np.testing.assert_allclose(x[y == 0].var(axis=0), 4.0, rtol=0.08)  # class 1: N(0, 4I)
    np.testing.assert_allclose(x[y == 1].var(axis=0), 1.0, rtol=0.08)
    x, y = synthetic.sample("threenorm", key=jax.random.key(3), n=20000)
    np.testing.assert_allclose(
        x[y == 1].mean(axis=0)[:2], [a, -a], atol=0.05
    )  # (a, -a, a, -a, ...)
    np.testing.assert_allclose(np.abs(x[y == 0, 0]).mean(), np.abs(x[y == 1, 0]).mean(), atol=0.1)
    x, y = synthetic.sample("waveform", key=jax.random.key(4), n=20000)
    # at i = 15 (index 14): h1 = 2, h2 = 6, h3 = 0, so the class means are (2+6)/2, (2+0)/2, (6+0)/2
    np.testing.assert_allclose([x[y == k, 14].mean() for k in range(3)], [4.0, 1.0, 3.0], atol=0.1)


def test_default_features_matches_breiman() -> None:
    assert [default_features(m) for m in (9, 8, 34, 60, 6, 256)] == [
        4,
        4,
        6,
        6,
        3,
        9,
    ]  # Breiman (2001) §4: F = int(log2 M + 1)


def test_flip_labels_changes_exactly_the_fraction_to_other_classes() -> None:
    y = np.repeat(np.arange(4), 50)
    noisy = flip_labels(y, fraction=0.05, classes=4, rng=np.random.default_rng(0))
    assert (noisy != y).sum() == 10 and set(np.unique(noisy)) <= {0, 1, 2, 3}


def test_hold_out_is_a_partition() -> None:
    train, test = hold_out(214, 0.1, np.random.default_rng(0))
    assert (
        len(test) == 21 and len(np.intersect1d(train, test)) == 0 and len(train) + len(test) == 214
    )


def test_seeds_differ_by_repeat_and_set_and_repeat_exactly() -> None:
    assert seeds_for(0, 1, 2) == seeds_for(0, 1, 2)
    assert len({tuple(seeds_for(0, i, r)) for i in range(3) for r in range(3)}) == 9


def test_impute_median_uses_the_training_part() -> None:
    x_train = np.array([[1.0, np.nan], [3.0, 2.0], [5.0, 4.0]])
    x_test = np.array([[np.nan, np.nan]])
    filled_train, filled_test = impute_median(x_train, x_test)
    assert filled_test.tolist() == [[3.0, 3.0]] and filled_train[0, 1] == 3.0


def test_forest_beats_its_single_trees_and_oob_tracks_test_error() -> None:
    x, y = _twonorm(600, 5)
    result = forest_ri(x[:300], y[:300], x[300:], y[300:], features=4, trees=60, random_state=0)
    assert result.tree_oob_error > result.oob_error + 0.05  # Table 2: one tree is far worse
    assert result.test_error < 0.12 and abs(result.oob_error - result.test_error) < 0.06


def test_adaboost_resampling_boosts_and_is_deterministic() -> None:
    x, y = _twonorm(600, 6)
    one = adaboost(x[:300], y[:300], x[300:], y[300:], trees=1, random_state=0)
    many = adaboost(x[:300], y[:300], x[300:], y[300:], trees=30, random_state=0)
    assert many < one - 0.05  # a single unpruned tree is ~20% wrong on twonorm
    assert many == adaboost(x[:300], y[:300], x[300:], y[300:], trees=30, random_state=0)


def test_forest_rc_learns_linear_structure() -> None:
    x, y = _twonorm(600, 7)  # twonorm's Bayes boundary is linear: combinations help
    rc = forest_rc(x[:300], y[:300], x[300:], y[300:], features=2, trees=50, random_state=0)
    ri = forest_ri(x[:300], y[:300], x[300:], y[300:], features=1, trees=50, random_state=0)
    assert rc.test_error < 0.12 and rc.test_error <= ri.test_error + 0.02


@pytest.fixture(scope="module")
def smoke():
    return run_and_measure(get("random_forest"), PROFILES["smoke"](), 0)


@pytest.mark.needs_data("uci:glass", "uci:breast cancer", "uci:vowel")
@pytest.mark.slow
def test_smoke_profile_end_to_end(smoke) -> None:
    tables, v, record = smoke
    assert len(v) == 16 * 4 + 8 * 3 + 2  # every Table 2 cell, every Table 5 cell, headline, OOB
    assert v["RF-T2-vowel-sel"].n == 2 and v["RF-T2-soybean-sel"].note == "not in this profile"
    assert (
        v["RF-T2-letters-ada"].value is None
        and v["RF-T2-letters-ada"].note == "not in this profile"
    )
    for key in ("glass", "breast"):
        assert (
            v[f"RF-T2-{key}-onetree"].value > v[f"RF-T2-{key}-sel"].value
        )  # forests beat single trees
        assert v[f"RF-T2-{key}-sel"].n == 2
    assert v["RF-T2-breast-sel"].value < 10 and 10 < v["RF-T2-glass-sel"].value < 45
    assert v["RF-T5-breast-ada"].value is not None and v["RF-oob"].value is not None
    assert {"table2", "noise", "protocol"} <= set(tables)
    assert any(k.endswith("glass.data") for k in record.datasets)


@pytest.mark.needs_data("uci:glass", "uci:breast cancer", "uci:vowel")
@pytest.mark.slow
def test_same_seed_same_numbers_whatever_the_workers(smoke) -> None:
    again = run_and_measure(
        get("random_forest"), dataclasses.replace(PROFILES["smoke"](), n_jobs=2), 0
    )
    assert again[1] == smoke[1] and again[0] == smoke[0]


@pytest.mark.needs_data("uci:glass", "uci:breast cancer", "uci:vowel")
def test_report_and_figures_from_a_results_dict(smoke, tmp_path) -> None:
    from replications.random_forest import figures, report
    from shared.claims import load_claims
    from shared.results import build_results

    replication = get("random_forest")
    results = build_results(
        "random_forest", "smoke", load_claims(replication.claims_file), smoke[0], smoke[1], {}
    )
    fragments = report.fragments(results)
    vowel = next(line for line in fragments["table2"].splitlines() if line.startswith("| vowel"))
    assert "| glass | 2 |" in fragments["table2"] and "| 2 |" in vowel
    drawn = figures.make_figures(results, tmp_path)
    assert len(drawn) == 3 and all(p.stat().st_size > 1000 for p in drawn)
