"""Backprop 1986: the hand-written delta rule against jax.grad, the family trees, the measures,
and the smoke profile end to end."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from replications.backprop import analysis
from replications.backprop.config import smoke
from replications.backprop.delta_rule import error_gradient, forward, init_uniform, squared_error
from replications.backprop.family_hypotheses import (
    HYPOTHESES,
    HYPOTHESIS_NAMES,
    Hypothesis,
    initial_params,
    knobs,
    train,
)
from replications.backprop.family_trees import PEOPLE, RELATIONSHIPS, family_cases, family_net
from replications.backprop.report import fragments
from replications.backprop.tables import smallest_change
from replications.backprop.tasks import small_tasks
from replications.backprop.training import Momentum, Schedule, run_keys, train_runs
from shared.cli import run_and_measure
from shared.registry import get


def _family_task():
    data = family_cases()
    inputs = {"person1": jnp.asarray(data.person1), "relationship": jnp.asarray(data.relationship)}
    return family_net(), inputs, jnp.asarray(data.person2)


def _cases():
    tasks = small_tasks()
    net, inputs, targets = _family_task()
    held_out = jnp.ones(104).at[jnp.array([3, 50, 77, 101])].set(0.0)
    return [
        (
            "xor_211",
            tasks["xor_211"].net,
            tasks["xor_211"].inputs,
            tasks["xor_211"].targets,
            jnp.ones(4),
            None,
        ),
        (
            "symmetry",
            tasks["symmetry"].net,
            tasks["symmetry"].inputs,
            tasks["symmetry"].targets,
            jnp.ones(64),
            None,
        ),
        ("family, margins, 4 held out", net, inputs, targets, held_out, 0.2),
    ]


@pytest.mark.parametrize(
    "name, net, inputs, targets, case_weights, margin", _cases(), ids=lambda c: str(c)[:20]
)
def test_delta_rule_matches_jax_grad(name, net, inputs, targets, case_weights, margin):
    # Large weights (scale 2) so the gradients are far from zero and every path matters.
    params = init_uniform(net, key=jax.random.key(7), scale=2.0)
    ours, _ = error_gradient(net, params, inputs, jnp.asarray(targets), case_weights, margin)

    def error(p):
        return squared_error(
            forward(net, p, inputs)[net.output], jnp.asarray(targets), case_weights, margin
        )

    reference = jax.grad(error)(params)
    for a, b in zip(jax.tree.leaves(ours), jax.tree.leaves(reference), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    assert max(float(jnp.abs(g).max()) for g in jax.tree.leaves(reference)) > 1e-2


def test_momentum_is_eq_9():
    opt = Momentum(eps=0.5, alpha=0.9)
    grads = {"w": jnp.array([2.0])}
    change, state = opt.update(grads, {"w": jnp.array([1.0])}, jnp.array(5))
    assert float(change["w"][0]) == pytest.approx(-0.5 * 2.0 + 0.9 * 1.0)
    schedule = Momentum(eps=0.01, alpha=0.9, eps_early=0.005, alpha_early=0.5, early_sweeps=20)
    early, _ = schedule.update(grads, {"w": jnp.array([1.0])}, jnp.array(19))
    late, _ = schedule.update(grads, {"w": jnp.array([1.0])}, jnp.array(20))
    assert float(early["w"][0]) == pytest.approx(-0.005 * 2 + 0.5)
    assert float(late["w"][0]) == pytest.approx(-0.01 * 2 + 0.9)


def test_family_trees_have_104_triples():
    data = family_cases()
    assert len(data.queries) == 104
    assert data.person1.shape == (104, 24) and data.relationship.shape == (104, 12)
    assert np.all(data.person2.sum(axis=1) >= 1)  # every query has an answer
    answers = {
        q: {PEOPLE[i] for i in np.flatnonzero(row)}
        for q, row in zip(data.queries, data.person2, strict=True)
    }
    assert answers[("Colin", "aunt")] == {"Jennifer", "Margaret"}  # "Colin has two aunts"
    assert answers[("Colin", "uncle")] == {"Arthur", "Charles"}
    assert answers[("Victoria", "husband")] == {"James"}
    assert answers[("Sophia", "father")] == {"Marco"}
    assert answers[("Tomaso", "nephew")] == {"Alfonso"}
    assert ("Christopher", "father") not in answers
    # The trees are isomorphic: person k and person k + 12 have the same queries.
    english = {(PEOPLE.index(p), r) for p, r in data.queries if PEOPLE.index(p) < 12}
    italian = {(PEOPLE.index(p) - 12, r) for p, r in data.queries if PEOPLE.index(p) >= 12}
    assert english == italian and len(english) == 52
    assert set(RELATIONSHIPS) == {r for _, r in data.queries}


def test_wilson_interval():
    low, high = analysis.wilson(2, 200)
    assert low == pytest.approx(0.00275, abs=1e-4) and high == pytest.approx(0.0358, abs=1e-4)
    assert analysis.wilson(0, 50)[0] == 0.0


def test_symmetry_solution_detects_the_papers_pattern():
    unit = np.array([-3.6, 7.2, -14.4, 14.4, -7.2, 3.6])  # mirror-antisymmetric, 1:2:4
    w_in = np.stack([np.stack([unit, -unit], axis=1), np.stack([unit, unit], axis=1)])
    sol = analysis.symmetry_solution(
        w_in, np.array([[-1.0, -1.0]] * 2), np.ones((2, 2, 1)), np.array([[1.0]] * 2)
    )
    assert sol["antisymmetric"].tolist() == [True, True]
    assert sol["ratio_124"].tolist() == [True, True]
    assert sol["mirrored_units"].tolist() == [True, False]  # the second run's units are identical
    broken = w_in.copy()
    broken[:, 0, :] = 5.0
    assert not analysis.symmetry_solution(
        broken, np.ones((2, 2)), np.ones((2, 2, 1)), np.ones((2, 1))
    )["antisymmetric"].any()


def test_encoder_codes():
    corners = np.array([[(k >> 2) & 1, (k >> 1) & 1, k & 1] for k in range(8)], dtype=float)
    codes = analysis.encoder_codes(np.stack([0.05 + 0.9 * corners, np.full((8, 3), 0.5)]))
    assert codes["distinct"].tolist() == [True, False]
    assert codes["near_binary"].tolist() == [True, False]


def test_training_is_deterministic_and_learns_xor():
    task = small_tasks()["xor_221_eta05"]
    keys = run_keys(jax.random.key(3), 16)
    args = (
        task.net,
        Momentum(task.eps, task.alpha),
        Schedule(max_sweeps=3000),
        init_uniform,
        task.inputs,
        task.targets,
        keys,
        jnp.ones((16, 4)),
    )
    first, second = train_runs(*args), train_runs(*args)
    for a, b in zip(jax.tree.leaves(first), jax.tree.leaves(second), strict=True):
        np.testing.assert_array_equal(a, b)
    converged = np.asarray(first["converged_at"]) >= 0
    assert converged.mean() >= 0.75
    # A converged run is frozen where it met the rule: every output within 0.1.
    assert np.all(np.asarray(first["final_deviation"])[converged] < 0.1)


@pytest.mark.slow
def test_smoke_profile():
    tables, values, record = run_and_measure(get("backprop"), smoke(), 0)
    xor = tables["sweeps"]["xor_211"]
    assert xor["converged"] >= 0.8 * xor["n"]  # XOR is learned
    assert values["RHW-sym-solution"].value >= 0.9  # opposite signs about the middle
    assert values["RHW-sym-units"].value >= 0.9
    assert values["RHW-ft-data"].value is True
    assert tables["family"]["paper"]["n"] == 8
    # The hypotheses stage: every hypothesis, each with the three measures.
    rows = tables["family_hypotheses"]["rows"]
    assert [r["name"] for r in rows] == list(HYPOTHESIS_NAMES)
    for r in rows:
        assert r["n"] == 4 and 0 <= r["train_all_fraction"] <= 1 and 0 <= r["test_mean"] <= 4
        assert set(r["feature_found_fraction"]) == {"nationality", "generation", "branch"}
    device = {"cpu": "test CPU", "cpu_count": 2}
    results = {
        "tables": tables,
        "provenance": {"wall_seconds": record.stages, "device": device},
    }
    page = fragments(results)
    assert all(h.label in page["hypotheses"] for h in HYPOTHESES)
    assert page["hypotheses_smallest"].startswith("**Smallest change that makes Fig. 4 appear:**")


def _hypothesis_runs(h: Hypothesis, masks: np.ndarray, sweeps: int, online: bool, rule: Momentum):
    keys = run_keys(jax.random.key(11), len(masks))
    return train(
        knobs(h, len(masks)), keys, jnp.asarray(masks), sweeps=sweeps, online=online, rule=rule
    )


@pytest.mark.parametrize("online", [False, True], ids=["batch", "online"])
def test_hypotheses_decay_mechanics(online):
    # With ε = 0 only the decay moves the weights, so its count and its targets are exact.
    still = Momentum(eps=0.0, alpha=0.0)
    masks = np.ones((4, 104), np.float32)
    masks[:, :4] = 0.0  # 4 held-out cases: no change and no decay for them
    cases = [
        (Hypothesis("kept", "", decay_biases=False), 0.998**3, 1.0),
        (Hypothesis("per_case", "", decay_per_case=True), 0.998**300, 0.998**300),
        (Hypothesis("printed", ""), 0.998**3, 0.998**3),
    ]
    for h, weight_factor, bias_factor in cases:
        out = _hypothesis_runs(h, masks, 3, online, still)
        start = jax.vmap(initial_params)(run_keys(jax.random.key(11), 4), jnp.full(4, h.init_range))
        for layer, p in out["params"].items():
            # rtol: up to 300 float32 multiplications by 0.998
            np.testing.assert_allclose(p["b"], start[layer]["b"] * bias_factor, rtol=1e-4)
            for s, w in p["w"].items():
                np.testing.assert_allclose(w, start[layer]["w"][s] * weight_factor, rtol=1e-4)


def test_online_sweep_with_one_case_is_a_batch_sweep():
    # With a single training case, one change per case is one change per sweep: the online
    # path must give the batch result (it skips the 103 held-out cases).
    masks = np.zeros((2, 104), np.float32)
    masks[0, 7] = masks[1, 60] = 1.0
    h = Hypothesis("one", "", init_range=1.0)
    batch = _hypothesis_runs(h, masks, 2, False, Momentum(eps=0.5, alpha=0.9))
    online = _hypothesis_runs(h, masks, 2, True, Momentum(eps=0.5, alpha=0.9))
    start = jax.vmap(initial_params)(run_keys(jax.random.key(11), 2), jnp.ones(2))
    pairs = zip(jax.tree.leaves(batch["params"]), jax.tree.leaves(online["params"]), strict=True)
    for a, b in pairs:
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert (
        max(
            float(jnp.abs(a - s).max())
            for a, s in zip(jax.tree.leaves(batch["params"]), jax.tree.leaves(start), strict=True)
        )
        > 1e-3
    )


def test_smallest_change_picks_fewest_changes():
    def row(changes, learned, features):
        return {
            "changes": changes,
            "train_all_fraction": learned,
            "all_features_fraction": features,
        }

    rows = [
        row([], 0.0, 0.0),
        row(["init_range", "sweeps"], 0.9, 0.6),
        row(["decay"], 0.8, 0.2),
        row(["margin"], 0.6, 0.55),
        row(["sweeps"], 0.7, 0.7),
    ]
    assert smallest_change(rows) is rows[4]  # fewest changes, tie broken by more runs learning
    assert smallest_change(rows[:1] + rows[2:3]) is None
    assert Hypothesis("x", "", margin=0.0, sweeps=5000).changes() == ("margin", "sweeps")
    assert HYPOTHESES[0].changes() == ()
