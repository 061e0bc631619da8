"""AlexNet replication: the layers' maths, the parameter count, resumable jobs, the smoke
profile."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from flax import nnx

from replications.alexnet import model, train
from replications.alexnet.config import PROFILES
from shared.claims import Verdict, grade, load_claims
from shared.registry import get


def test_lrn_is_the_formula_of_section_3_3() -> None:
    a = jax.random.normal(jax.random.key(0), (2, 3, 3, 7)) * 30
    ours = np.asarray(model.local_response_norm(a))
    x = np.asarray(a, np.float64)
    expected = np.empty_like(x)
    for i in range(
        7
    ):  # b_i = a_i / (k + alpha sum_{j = max(0, i-n/2)}^{min(N-1, i+n/2)} a_j^2)^beta
        window = (x[..., max(0, i - 2) : min(6, i + 2) + 1] ** 2).sum(-1)
        expected[..., i] = x[..., i] / (2 + 1e-4 * window) ** 0.75
    np.testing.assert_allclose(ours, expected, rtol=1e-5)


@pytest.mark.parametrize(
    ("size", "stride", "ceil", "side", "out"),
    [(3, 2, True, 32, 16), (2, 2, True, 32, 16), (3, 2, False, 55, 27), (3, 2, True, 8, 4)],
)
def test_max_pool_windows(size: int, stride: int, ceil: bool, side: int, out: int) -> None:
    x = jax.random.normal(jax.random.key(1), (1, side, side, 2))
    pooled = np.asarray(model.max_pool(x, size, stride, ceil=ceil))
    assert pooled.shape == (1, out, out, 2)
    xs = np.asarray(x)
    for i, j in [(0, 0), (out - 1, out - 1), (1, out // 2)]:
        window = xs[0, i * stride : i * stride + size, j * stride : j * stride + size]
        np.testing.assert_allclose(pooled[0, i, j], window.max(axis=(0, 1)))


def test_imagenet_alexnet_has_sixty_million_parameters() -> None:
    """The two-GPU net of Fig. 2: 60,965,224 weights and biases (62,378,344 without the
    grouping)."""
    assert model.imagenet_alexnet_parameters() == 60_965_224
    claim = next(c for c in load_claims(get("alexnet").claims_file) if c.id == "AX-size")
    from shared.claims import Measurement

    assert grade(claim, Measurement(60.965224)) is Verdict.REPRODUCED


def test_dropout_drops_half_in_training_and_halves_at_test() -> None:
    x = jnp.ones((200, 50))
    dropped = np.asarray(model.dropout(x, 0.5, jax.random.key(0)))
    assert set(np.unique(dropped)) <= {0.0, 1.0}
    assert 0.45 < dropped.mean() < 0.55
    np.testing.assert_array_equal(model.dropout(x, 0.5, None), 0.5 * np.ones((200, 50)))


def test_paper_initialisation() -> None:
    net = model.SmallAlexNet(rngs=nnx.Rngs(0))
    assert float(net.conv2.bias[...].mean()) == 1.0 and float(net.conv1.bias[...].mean()) == 0.0
    assert float(net.fc6.bias[...].mean()) == 1.0 and float(net.fc8.bias[...].mean()) == 0.0
    assert abs(float(net.conv2.kernel[...].std()) - 0.01) < 1e-3


def test_epochs_to_converge() -> None:
    assert train.epochs_to_converge([0.5, 0.3, 0.205, 0.2, 0.21], 0.005) == 3
    assert train.epochs_to_converge([], 0.005) is None


@pytest.mark.needs_data("cifar10")
@pytest.mark.slow
def test_smoke_profile_end_to_end(tmp_path) -> None:
    from replications.alexnet import figures, report
    from shared.cli import run_and_measure
    from shared.datasets import cifar10
    from shared.results import build_results

    config = PROFILES["smoke"]()
    tables, values, record = run_and_measure(get("alexnet"), config, 0)
    claims = load_claims(get("alexnet").claims_file)
    assert set(values) == {c.id for c in claims}
    assert values["AX-size"].value == pytest.approx(60.965224)
    assert set(tables["init_signal"]) == {"four_layer", "small_alexnet"}
    fig1 = tables["fig1"]
    assert set(fig1["curves"]) == {"relu-s0", "relu-s1", "tanh-s0", "tanh-s1"}
    for checks in fig1["curves"].values():
        epochs = [c[0] for c in checks]
        assert epochs == sorted(epochs) and all(0 <= c[1] <= 1 for c in checks)
    for rows in (tables["four_layer"], tables["small_alexnet"]):
        for row in rows.values():
            assert all(0 <= e <= 1 for e in row["test_error"] + row["train_error"])
            assert len(row["test_error"]) == config.seeds
    # Every CIFAR-10 file used is recorded with the sha256 of its content: all six, genuine or
    # JPEG copy.
    names = {key.rsplit("/", 1)[1] for key in record.datasets}
    assert names == set(cifar10.GENUINE_SHA256) and set(record.datasets.values()) <= (
        set(cifar10.GENUINE_SHA256.values()) | set(cifar10.LOSSY_SHA256.values())
    )
    # The report and the figures run against a real results file.
    provenance = {
        "wall_seconds": {"total": 1.0},
        "device": {"count": 1, "kind": "cpu"},
        "datasets_sha256": record.datasets,
    }
    results = build_results("alexnet", "smoke", claims, tables, values, provenance)
    fragments = report.fragments(results)
    assert "relu" in fragments["fig1"].lower() and fragments["regularisers"].count("|") > 10
    assert all(sha in fragments["data"] for sha in record.datasets.values())
    drawn = figures.make_figures(results, tmp_path)
    assert drawn and all(path.stat().st_size > 1000 for path in drawn)


def test_profiles_are_the_papers_recipe() -> None:
    paper = PROFILES["paper"]()
    assert (paper.batch_size, paper.learning_rate, paper.weight_decay, paper.lr_drops) == (
        128,
        0.01,
        5e-4,
        3,
    )
    assert paper.seeds >= 3 and paper.fig1_target_error == 0.25 and paper.n_test == 10_000
    assert paper.n_train + paper.n_val == 50_000 and paper.fig1_max_epochs >= 50


def _variant(test: list, train_: list, stalled: list[bool], converge: list) -> dict:
    return {
        "test_error": test,
        "train_error": train_,
        "gap": [None if t is None else t - r for t, r in zip(test, train_, strict=True)],
        "diverged": stalled,
        "stalled": stalled,
        "epochs": [3 if s else 60 for s in stalled],
        "converge": converge,
        "val_error": [[0.9]] * len(test),
    }


def test_a_stalled_seed_is_left_out_of_its_pairs_and_named() -> None:
    from replications.alexnet import measure, report

    plain = _variant([0.38, None, 0.40], [0.22, None, 0.25], [False, True, False], [50, 1, 55])
    lrn = _variant([0.36, 0.37, 0.39], [0.21, 0.22, 0.24], [False] * 3, [52, 50, 54])
    values = measure.lrn_pool({"plain": plain, "lrn": lrn, "pool2": lrn})
    assert values["AX-lrn-cifar"].value == pytest.approx(1.5) and values["AX-lrn-cifar"].n == 2
    assert "over 2 of 3 seeds: seed 1" in values["AX-lrn-cifar"].note
    with_lrn = values["AX-lrn-cifar-with"]
    assert with_lrn.value == pytest.approx(37.333, abs=1e-3) and with_lrn.n == 3
    assert with_lrn.note == ""
    # A stalled run's flat validation curve "converges" at once: it must not enter the ratio.
    no_dropout = _variant([0.4, 0.41, None], [0.1, 0.1, None], [False, False, True], [20, 22, 1])
    dropout = _variant([0.35, 0.36, 0.37], [0.3, 0.3, 0.3], [False] * 3, [40, 44, 45])
    values = measure.dropout({"dropout": dropout, "no_dropout": no_dropout})
    assert values["AX-dropout"].value == pytest.approx(2.0) and values["AX-dropout"].n == 2
    assert values["AX-dropout-gap"].value == pytest.approx(25.0)
    every = _variant([None] * 2, [None] * 2, [True] * 2, [1, 1])
    nothing = measure.dropout({"dropout": every, "no_dropout": every})["AX-dropout"]
    assert nothing.value is None and nothing.inconclusive  # run, not "not run": inconclusive
    assert report.trained_runs(plain) == "2 of 3 (seed 1 stalled at chance)"
    tables = {"four_layer": {"plain": plain, "lrn": lrn, "pool2": lrn}}
    table = report.regulariser_table(tables)
    assert "| four-layer, 3x3/2 pooling | 2 of 3 (seed 1 stalled at chance) | 39% " in table
    assert "| 50, –, 55 |" in table
    # LRN and pooling in, dropout still running: the table says so under it.
    tables["pending"] = {"dropout": {"done": 2, "total": 6, "unclean": 0}}
    assert "Still running: 2 of 6 jobs done" in report.regulariser_table(tables)


def test_the_papers_init_leaves_little_of_the_image_in_the_small_alexnet() -> None:
    from replications.alexnet import experiment, report

    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (64, 32, 32, 3), dtype=np.uint8)
    labels = rng.integers(0, 10, 64)
    split = train.Split(
        images, labels, images, labels, images, labels, images.mean(0), fingerprint=""
    )
    keys = {name: jax.random.key(i) for i, name in enumerate(experiment.STAGE_TABLES)}
    signal = experiment.init_signal(split, keys, images=32)
    ratio = {name: row["spread"] / row["offset"] for name, row in signal.items()}
    assert signal["small_alexnet"]["images"] == 32
    assert ratio["small_alexnet"] < 1e-2 < ratio["four_layer"]
    assert "| small AlexNet |" in report.signal_table({"init_signal": signal})


def test_the_sweep_table_says_how_each_rate_ended() -> None:
    from replications.alexnet.report import sweep_outcome

    row = {"activation": "relu", "lr": 0.02, "epochs": None, "budget": 6, "diverged": True}
    assert sweep_outcome(row) == "diverged or stalled at chance"  # an older file: not told which
    assert sweep_outcome({**row, "stalled": True}) == "stalled at chance"
    assert sweep_outcome({**row, "stalled": False}) == "diverged"
    assert sweep_outcome({**row, "diverged": False, "stalled": False}) == "not within its budget"
    assert sweep_outcome({**row, "epochs": 5.1, "diverged": False}) == "reached the target"


def test_fig1_table_gives_the_ratio_on_the_seeds_that_did_not_choose_the_rates() -> None:
    from replications.alexnet.report import fig1_table

    fig1 = {
        "sweep": [],
        "chosen_lr": {"relu": 0.002, "tanh": 0.005},
        "epochs": {"relu": [5.0, 6.0, 4.0], "tanh": [20.0, 12.0, None]},
    }
    text = fig1_table({"fig1": fig1})
    assert "| relu | 0.002 | 5 | 6 | 4 |" in text
    # Seed 0 chose the rates; seed 2's tanh never got there: seed 1 alone, 12 / 6.
    assert "On the other seeds alone (1), the ratio of mean epochs (tanh over ReLU) is 2." in text
