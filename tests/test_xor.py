"""XOR / parity: the smoke profile asserts Minsky & Papert's claims; the maths is checked."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from replications.xor.config import smoke
from replications.xor.experiment import XOR_INPUTS, XOR_LABELS, two_layer_xor
from replications.xor.order import (
    all_inputs,
    best_single_unit_accuracy,
    farkas_certificate,
    masks,
    threshold_feasible,
)
from replications.xor.tables import XOR_TRUTH
from shared.cli import run_and_measure
from shared.registry import get


@pytest.fixture(scope="module")
def measured():
    return run_and_measure(get("xor"), smoke(), 0)


def test_smoke_reproduces_the_claims(measured):
    _, values, _ = measured
    assert values["MP-xor-lp"].value is True
    assert values["MP-xor-best"].value == 0.75
    assert values["MP-xor-rule"].value == 1.0  # every run cycles, none converges
    assert values["MP-parity"].value is True
    assert values["MP-xor-order"].value == 2
    assert values["MP-xor-two-layer"].value is True


def test_deterministic(measured):
    again = run_and_measure(get("xor"), smoke(), 0)
    assert {k: v.as_dict() for k, v in again[1].items()} == {
        k: v.as_dict() for k, v in measured[1].items()
    }
    assert again[0] == measured[0]


def test_the_stored_truth_table_is_xor():
    assert XOR_LABELS.tolist() == XOR_TRUTH


def test_farkas_certificate_is_exact():
    lam = farkas_certificate(XOR_INPUTS, XOR_LABELS)
    assert lam is not None and sum(lam) == 1 and all(v >= 0 for v in lam)
    y = [1 if v else -1 for v in XOR_LABELS]
    for column in range(2):
        assert sum(Fraction(int(XOR_INPUTS[i, column])) * y[i] * lam[i] for i in range(4)) == 0
    # AND is separable: no certificate may exist.
    assert farkas_certificate(XOR_INPUTS, XOR_INPUTS.prod(axis=1)) is None


def test_single_unit_limits():
    assert best_single_unit_accuracy(XOR_INPUTS, XOR_LABELS) == 0.75
    assert best_single_unit_accuracy(XOR_INPUTS, XOR_INPUTS.max(axis=1)) == 1.0  # OR


def test_masks_and_order_small_cases():
    x = all_inputs(3)
    assert masks(x, 1).shape == (8, 3) and masks(x, 3).shape == (8, 7)
    parity = x.sum(axis=1) % 2
    assert not threshold_feasible(masks(x, 2), parity)
    assert threshold_feasible(masks(x, 3), parity)
    majority = (x.sum(axis=1) >= 2).astype(float)
    assert threshold_feasible(masks(x, 1), majority)  # majority has order 1


def test_two_layer_construction():
    assert np.array_equal(two_layer_xor(XOR_INPUTS), XOR_LABELS)


def test_the_parity_programs_show_progress(capsys):
    """A paper run spends most of its time in these linear programs: a bar counts them."""
    from replications.xor.order import parity_order_table

    rows = parity_order_table(3)
    assert [row["order"] for row in rows] == [2, 3]
    err = capsys.readouterr().err
    assert "parity order: linear programs: 100%" in err and "5/5" in err
