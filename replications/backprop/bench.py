"""``nox -s bench -- backprop``: the family-tree net trained over many seeds, our vmapped delta
rule against PyTorch on the same device, in one run.

The work is the ``paper`` profile's largest single training (its ``family trees (paper)`` stage;
the stage of the hypotheses is longer, but it is sixteen trainings of 100 runs): Rumelhart,
Hinton & Williams's family-tree net of Nature Fig. 3 (24 + 12 inputs, 6 + 6, 12, 6, 24 logistic
units, 630 weights and biases), trained full batch on the 104 triples of Fig. 2 with each run
holding out its own 4, for 1,500 sweeps by the Fig. 4 caption's rule: eq. 9's momentum with
ε = 0.005, α = 0.5 for 20 sweeps then ε = 0.01, α = 0.9, the error zero beyond 0.2 / 0.8 and
every weight decremented by 0.2% after each weight change (Nature, pp. 534-535). Each figure is
the median over rounds that alternate between the sides (so other work on a shared machine slows
both alike), after a warm-up:

- ours: ``training.train_runs``, the replication's jitted ``vmap`` over runs of a ``lax.scan``
  over sweeps, with the schedule and rule ``family_experiment.run_family`` gives it;
- PyTorch, the runs one after another in a Python loop: the same net (``torch.addmm`` and
  ``torch.sigmoid`` per layer, the two code layers concatenated into the central one), the error
  by autograd, eq. 9 and the decay written out with ``torch._foreach_*`` (what ``torch.optim``
  uses inside; ``torch.optim.SGD`` cannot be used as is: its momentum scales the old velocity by
  the new rate when ε changes, and its weight decay goes through the momentum). The loop is timed
  over its first ``loop_runs`` runs and scaled to all of them (every run is the same work);
- PyTorch batched over runs: the same, every weight with a leading runs axis and
  ``torch.baddbmm`` in place of ``addmm``, so one Python loop over sweeps trains all runs.

Both PyTorch sides start from our initial weights (``init_uniform`` from the same keys) with the
same held-out triples, so all three train the same nets; the record gives each side's largest
difference from our final weights. PyTorch runs eager (no ``torch.compile``) and keeps the error
every ``curve_every`` sweeps, as ours keeps its learning curve. Not timed: drawing the initial
weights and the held-out triples, the analysis of the trained nets (``family_measures``), and our
compilation (once per run).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import jax
import numpy as np

from replications.backprop.config import paper
from replications.backprop.delta_rule import Net
from replications.backprop.family_experiment import held_out_masks, variant
from replications.backprop.family_trees import family_cases, family_net
from replications.backprop.training import Momentum, Schedule, run_keys, train_runs
from shared.bench import alternating_rounds, seconds_row
from shared.errors import HypeError
from shared.provenance import device_info

MARGIN, DECAY = 0.2, 0.998  # family_experiment.run_family's schedule: the Fig. 4 caption's
WARM_UP_SWEEPS = 30


def _stacked(net: Net, params: dict) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per layer, (weights (runs, fan-in, units) with the sources stacked in order, biases)."""
    return [
        (
            np.concatenate([np.asarray(params[layer.name]["w"][s]) for s in layer.sources], -2),
            np.asarray(params[layer.name]["b"]),
        )
        for layer in net.layers
    ]


def torch_work(
    net: Net,
    rule: Momentum,
    curve_every: int,
    inputs: dict[str, np.ndarray],
    targets: np.ndarray,
    initial: list[tuple[np.ndarray, np.ndarray]],
    masks: np.ndarray,
    device: str,
) -> dict[str, Callable[[int, int], list[Any]]]:
    """PyTorch's two ways of training the runs for ``sweeps``: ``loop(n, sweeps)`` trains runs
    0..n-1 one after another, ``batched(n, sweeps)`` all at once; each returns the final weights
    and biases, layer after layer, with a leading runs axis."""
    import torch

    on = torch.as_tensor(targets, device=device) > 0.5
    x_in = {name: torch.as_tensor(v, device=device) for name, v in inputs.items()}
    start = [torch.tensor(p, device=device) for pair in initial for p in pair]
    kept = torch.tensor(masks, device=device)

    def rates(t: int) -> tuple[float, float]:
        early = t < rule.early_sweeps
        return (rule.eps_early, rule.alpha_early) if early else (rule.eps, rule.alpha)

    def error(y: Any, mask: Any) -> Any:  # Fig. 4 caption's margins; output_error's
        e = torch.where(on, (y - (1.0 - MARGIN)).clamp(max=0.0), (y - MARGIN).clamp(min=0.0))
        return 0.5 * (e * mask[..., None]).square().sum()

    def train(
        params: list[Any], forward: Callable[[list[Any]], Any], mask: Any, sweeps: int
    ) -> list[Any]:
        changes = [torch.zeros_like(p) for p in params]
        curve = []
        for t in range(sweeps):
            eps, alpha = rates(t)
            loss = error(forward(params), mask)
            grads = torch.autograd.grad(loss, params)
            with torch.no_grad():  # eq. 9, then w <- decay (w + Δw)
                torch._foreach_mul_(changes, alpha)
                torch._foreach_add_(changes, grads, alpha=-eps)
                torch._foreach_add_(params, changes)
                torch._foreach_mul_(params, DECAY)
            if t % curve_every == 0:
                curve.append(loss.detach())
        return params

    def join(sources: list[Any]) -> Any:  # the central layer's two inputs, side by side
        return sources[0] if len(sources) == 1 else torch.cat(sources, -1)

    def layers_of(params: list[Any]) -> list[tuple[Any, Any]]:
        return list(zip(params[::2], params[1::2], strict=True))

    def loop(n: int, sweeps: int) -> list[Any]:
        def forward(params: list[Any]) -> Any:
            states = dict(x_in)
            for layer, (w, b) in zip(net.layers, layers_of(params), strict=True):
                x = join([states[s] for s in layer.sources])
                states[layer.name] = torch.sigmoid(torch.addmm(b, x, w))
            return states[net.output]

        finals = []
        for r in range(n):
            params = [p[r].clone().requires_grad_() for p in start]
            finals.append(train(params, forward, kept[r], sweeps))
        return [torch.stack([f[i] for f in finals]) for i in range(len(finals[0]))]

    def batched(n: int, sweeps: int) -> list[Any]:
        x_runs = {name: v.expand(n, *v.shape).contiguous() for name, v in x_in.items()}

        def forward(params: list[Any]) -> Any:
            states = dict(x_runs)
            for layer, (w, b) in zip(net.layers, layers_of(params), strict=True):
                x = join([states[s] for s in layer.sources])
                states[layer.name] = torch.sigmoid(torch.baddbmm(b[:, None], x, w))
            return states[net.output]

        params = [p[:n].clone().requires_grad_() for p in start]
        return train(params, forward, kept[:n], sweeps)

    def synced(work: Callable[[int, int], list[Any]]) -> Callable[[int, int], list[Any]]:
        def run(n: int, sweeps: int) -> list[Any]:
            out = work(n, sweeps)
            if device == "cuda":
                torch.cuda.synchronize()
            return out

        return run

    return {"torch_loop": synced(loop), "torch_batched": synced(batched)}


def _largest_difference(ours: list[tuple[np.ndarray, np.ndarray]], theirs: list[Any]) -> float:
    flat = [a for pair in ours for a in pair]
    return max(
        float(np.abs(a[: len(t)] - t.detach().cpu().numpy()).max())
        for a, t in zip(flat, theirs, strict=True)
    )


def run(
    rounds: int = 3, runs: int | None = None, sweeps: int | None = None, loop_runs: int = 20
) -> dict[str, Any]:
    """Median seconds to train ``runs`` family-tree nets for ``sweeps`` sweeps, three ways.

    ``runs``, ``sweeps``: default the ``paper`` profile's 1,000 and 1,500; ``loop_runs``: the
    runs the one-after-another PyTorch loop is timed over, scaled to ``runs``.
    """
    try:
        import torch
    except ImportError:
        raise HypeError(
            "the backprop bench needs PyTorch, its peer", "run it as `nox -s bench`"
        ) from None
    config = paper()
    runs = runs or config.family_seeds or config.seeds
    sweeps = sweeps or config.family_sweeps
    loop_runs = min(loop_runs, runs)
    rule, init, _ = variant("paper", config.adam_learning_rate)
    sched = Schedule(
        max_sweeps=sweeps, tol=None, margin=MARGIN, decay=DECAY, curve_every=config.curve_every
    )
    net, data = family_net(), family_cases()
    inputs = {"person1": data.person1, "relationship": data.relationship}
    key = jax.random.key(0)
    keys = run_keys(key, runs)
    masks = held_out_masks(jax.random.fold_in(key, 1), runs, len(data.queries))

    def ours() -> dict[str, Any]:
        return jax.block_until_ready(
            train_runs(net, rule, sched, init, inputs, data.person2, keys, masks)
        )

    device = "cuda" if torch.cuda.is_available() and jax.default_backend() == "gpu" else "cpu"
    initial = _stacked(net, jax.vmap(lambda k: init(net, key=k))(keys))  # ours: init_uniform
    theirs = torch_work(
        net,
        rule,
        config.curve_every,
        inputs,
        data.person2,
        initial,
        np.asarray(masks),
        device,
    )
    works: dict[str, Callable[[], Any]] = {
        "ours": ours,
        "torch_loop": lambda: theirs["torch_loop"](loop_runs, sweeps),
        "torch_batched": lambda: theirs["torch_batched"](runs, sweeps),
    }
    ours()  # warm-up: our compilation; PyTorch's, a few sweeps (it has nothing to compile)
    theirs["torch_loop"](1, WARM_UP_SWEEPS)
    theirs["torch_batched"](runs, WARM_UP_SWEEPS)
    median, measured, finals = alternating_rounds(works, rounds)
    median["torch_loop"] *= runs / loop_runs

    ours_final = _stacked(net, finals["ours"]["params"])
    parameters = {
        "ours": sum(leaf.size for leaf in jax.tree.leaves(finals["ours"]["params"])) // runs,
        "peer": sum(int(p[0].numel()) for p in finals["torch_batched"]),
    }
    if parameters["ours"] != parameters["peer"]:
        raise RuntimeError(f"the two nets differ: {parameters} parameters")
    peer = f"PyTorch {torch.__version__} eager, {torch.get_num_threads()} threads"
    work = f"{runs:,} family-tree nets x {sweeps:,} sweeps"

    def row(what: str, peer_key: str) -> dict[str, Any]:
        return seconds_row(what, median["ours"], median[peer_key], peer)

    return {
        "ratios": [
            row(
                f"{work}, PyTorch one run after another (timed over {loop_runs:,} runs, scaled)",
                "torch_loop",
            ),
            row(f"{work}, PyTorch batched over the runs (baddbmm)", "torch_batched"),
        ],
        "what": (
            f"Nature Fig. 3's family-tree net ({parameters['ours']} weights and biases), full "
            f"batch on the 104 triples less each run's 4 held out, the Fig. 4 caption's rule "
            f"(eps {rule.eps_early:g}, alpha {rule.alpha_early:g} for {rule.early_sweeps} "
            f"sweeps, then eps {rule.eps:g}, alpha {rule.alpha:g}; margins {MARGIN:g}; decay "
            f"{1 - DECAY:.1%} per sweep)"
        ),
        "parameters": parameters,
        "nets": runs,
        "sweeps": sweeps,
        "cases": len(data.queries),
        "loop_runs_timed": loop_runs,
        "largest_weight_difference_from_ours": {
            "torch_loop": _largest_difference(ours_final, finals["torch_loop"]),
            "torch_batched": _largest_difference(ours_final, finals["torch_batched"]),
        },
        "rounds_seconds": measured,
        "torch_device": device,
        "torch_version": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "torch_compile": False,
        "device": device_info(),
        "load_average_1_5_15_min": list(os.getloadavg()),  # other work slows both sides
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=1))
