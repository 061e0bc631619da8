"""No silver bullet: the matrix's building blocks, and the smoke profile's qualitative claims."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from replications.no_silver_bullet import problems as P
from replications.no_silver_bullet.config import Config, smoke
from replications.no_silver_bullet.methods import METHODS, as_cnn_images
from replications.no_silver_bullet.tables import METHOD_NAMES, best_methods, crossover, crossovers
from shared.errors import HypeError


def test_crossover_interpolates_in_log_size() -> None:
    # a: 10 -> 1, b: 5 flat; they meet where 10 * (1/10)^t = 5 on the log axis between 100 and 1,000
    at = crossover([100, 1000], [10.0, 1.0], [5.0, 5.0])
    assert at == pytest.approx(10 ** (2 + 5 / 9), rel=1e-9)
    assert crossover([100, 1000], [1.0, 1.0], [2.0, 2.0]) is None


def test_crossovers_name_who_wins_below_and_above() -> None:
    curve = {
        "cnn": {"100": {"mean": 40.0}, "1000": {"mean": 5.0}},
        "forest": {"100": {"mean": 30.0}, "1000": {"mean": 8.0}},
    }
    [row] = crossovers(curve)
    assert row["below"] == "forest" and row["above"] == "cnn" and 100 < row["at"] < 1000


def test_best_methods_share_ties() -> None:
    cells = {"svm": {"mean": 0.0}, "forest": {"mean": 0.0}, "perceptron": {"mean": 50.0}}
    assert best_methods(cells) == ["forest", "svm"]


def test_boolean_problems_are_the_truth_tables() -> None:
    xor, parity, symmetry = P.xor(), P.parity(5), P.symmetry()
    assert xor.y_train.tolist() == [0, 1, 1, 0]
    assert len(parity.y_train) == 32 and parity.y_train.sum() == 16
    assert symmetry.y_train.sum() == 8  # 2^3 symmetric 6-bit vectors
    assert parity.scored_on == "the training patterns" and np.array_equal(
        parity.x_test, parity.x_train
    )


def test_shift_moves_every_image_by_one_pixel() -> None:
    rng = np.random.default_rng(0)
    images = np.zeros((40, 6, 6, 1), np.float32)
    images[:, 2:4, 2:4] = 1.0  # a square away from the border: a shift loses nothing
    moved = P.shift_one_pixel(images, rng)
    for before, after in zip(images, moved, strict=True):
        assert after.sum() == before.sum()
        shifts = [
            (dy, dx)
            for dy, dx in ((-1, 0), (1, 0), (0, -1), (0, 1))
            if np.array_equal(np.roll(before, (dy, dx), axis=(0, 1)), after)
        ]
        assert len(shifts) == 1


def _digits(n: int) -> P.Problem:
    rng = np.random.default_rng(1)
    x = rng.random((n, 28, 28, 1), dtype=np.float32)
    y = (x[:, :14].mean((1, 2, 3)) > x[:, 14:].mean((1, 2, 3))).astype(np.int32)
    return P.Problem(
        "mnist",
        "fake digits",
        x[: n // 2],
        y[: n // 2],
        x[n // 2 :],
        y[n // 2 :],
        2,
        True,
        "held-out test set",
    )


def test_permutation_keeps_labels_and_pixels() -> None:
    digits = _digits(40)
    scrambled = P.permuted(digits, np.random.default_rng(2))
    assert np.array_equal(scrambled.y_train, digits.y_train)
    assert np.array_equal(
        np.sort(scrambled.x_train.reshape(20, -1), 1), np.sort(digits.x_train.reshape(20, -1), 1)
    )
    assert not np.array_equal(scrambled.x_train, digits.x_train)


def test_the_svm_cannot_tell_scrambled_pixels() -> None:
    """Cortes & Vapnik §6.2.1: a dot-product kernel is blind to a permutation of the inputs."""
    digits, config = _digits(200), Config()
    scrambled = P.permuted(digits, np.random.default_rng(3))
    plain = METHODS["svm"].fit(digits, config, 0)
    mixed = METHODS["svm"].fit(scrambled, config, 0)
    assert plain(digits.x_test, digits.y_test) == mixed(scrambled.x_test, scrambled.y_test)


def test_subset_keeps_every_class() -> None:
    digits = dataclasses.replace(
        _digits(400), y_train=np.arange(200, dtype=np.int32) % 10, classes=10
    )
    small = digits.subset(12, np.random.default_rng(0))
    assert len(small.y_train) == 12 and set(small.y_train.tolist()) == set(range(10))


def test_cnn_inputs_are_32_by_32_colour() -> None:
    assert as_cnn_images(np.ones((2, 28, 28, 1), np.float32)).shape == (2, 32, 32, 3)
    assert as_cnn_images(np.ones((2, 16, 16, 1), np.float32)).shape == (2, 32, 32, 3)
    assert as_cnn_images(np.ones((1, 32, 32, 3), np.float32)).max() == 255.0
    with pytest.raises(HypeError, match="32x32"):
        as_cnn_images(np.ones((1, 20, 20, 1), np.float32))


def test_unknown_problem_is_one_clear_error() -> None:
    with pytest.raises(HypeError, match="unknown problem"):
        P.check_names(("mnist", "imagenet"))


@pytest.fixture(scope="module")
def measured():
    from shared.cli import run_and_measure
    from shared.registry import get

    return run_and_measure(get("no_silver_bullet"), smoke(), 0)


def test_the_stored_order_of_the_methods_is_the_experiments() -> None:
    from replications.no_silver_bullet.methods import METHODS

    assert tuple(METHODS) == METHOD_NAMES


@pytest.mark.needs_data("mnist", "uci:sonar")
@pytest.mark.slow
def test_smoke_profile_reproduces_the_exact_claims(measured) -> None:
    tables, v, _ = measured
    assert v["NSB-xor-perceptron"].value >= 25.0  # Minsky & Papert
    assert v["NSB-xor-others"].value is True
    assert v["NSB-parity-svm"].value > 0  # 6-bit parity is beyond a degree-4 kernel
    assert abs(v["NSB-permuted-svm"].value) < 0.5
    matrix = tables["matrix"]
    assert "cnn" not in matrix["cells"]["sonar"] and "cnn" in matrix["cells"]["mnist"]
    assert set(matrix["cells"]["shifted_mnist"]) == set(matrix["cells"]["mnist"])
    for method, cell in matrix["cells"]["mnist"].items():
        assert cell["mean"] < 60.0, method  # every method learns something from 300 digits
    assert set(tables["curves"]["mnist"]) == set(smoke().curve_methods)


@pytest.mark.needs_data("mnist", "uci:sonar")
@pytest.mark.slow
def test_report_and_figures_from_the_smoke_results(measured, tmp_path) -> None:
    from replications.no_silver_bullet import figures, report
    from shared.claims import load_claims
    from shared.registry import get
    from shared.results import build_results

    replication = get("no-silver-bullet")
    provenance = {"n_seeds": 1, "device": {"kind": "cpu", "cpu": "test CPU", "cpu_count": 2}}
    results = build_results(
        replication.name, "smoke", load_claims(replication.claims_file), *measured[:2], provenance
    )
    pages = report.fragments(results)
    assert "**" in pages["matrix"] and "n/a" in pages["matrix"]
    assert {"matrix", "timing", "curve_mnist", "crossovers_mnist"} <= set(pages)
    drawn = figures.make_figures(results, tmp_path)
    assert {p.name for p in drawn} == {"matrix.png", "curves.png"} and all(
        p.stat().st_size > 0 for p in drawn
    )


def test_report_orders_methods_by_year_and_names_the_leader() -> None:
    from replications.no_silver_bullet import report

    methods = {
        "cnn": {"title": "CNN", "year": 2012},
        "adaboost": {"title": "AdaBoost", "year": 1996},
        "perceptron": {"title": "Perceptron", "year": 1958},
    }
    assert report.by_year(methods) == ["perceptron", "adaboost", "cnn"]
    point = lambda mean: {"mean": mean, "std": 0.0}  # noqa: E731
    curve = {
        "adaboost": {"100": point(30.0), "1000": point(9.0)},
        "cnn": {"100": point(25.0), "1000": point(5.0)},
        "perceptron": {"100": point(28.0), "1000": point(15.0)},
    }
    assert report.leader(curve) == "cnn"
    curve["cnn"]["100"] = point(29.0)  # now the perceptron beats it at 100
    assert report.leader(curve) is None
    table = report.crossover_list(
        [{"at": 146.4, "below": "perceptron", "above": "adaboost"}], methods
    )
    assert "| 146 examples | Perceptron | AdaBoost |" in table
