"""``nox -s bench -- adversarial``: Goodfellow et al.'s maxout net, JAX against PyTorch on the
same device, on random MNIST-shaped data (pixels uniform in [0, 1], random labels) held in memory.

The net and its recipe are the ``paper`` profile's (``config.paper``): two maxout layers of 240
units x 5 pieces and a softmax, dropout 0.2 on the input (kept pixels not rescaled) and 0.5 on
the hidden layers, SGD with momentum 0.5 on batches of 100, the learning rate 0.1 divided by
1.000004 after every update, max-norm 1.9365 on every layer's unit weight vectors (Goodfellow et
al. 2013 Sec. 5.1, with the authors' released config); FGSM at epsilon 0.25 and the adversarial
objective ``alpha J(x) + (1 - alpha) J(x + epsilon sign(grad_x J))`` with alpha 0.5 (Goodfellow
et al. 2014 Sec. 4 and 6). Each figure is the median over rounds that alternate between the two
sides (so a machine shared with other work slows both alike):

- ``epoch``: seconds per 60,000-image epoch of plain training: our ``train.Runner.train_epoch``
  (the epoch as one jitted ``lax.scan``, as ``fit`` runs it) against a PyTorch loop indexing the
  same device-resident tensor, step by step;
- ``adversarial epoch``: the same with the adversarial objective (ours: ``Runner.gradients``,
  one backward pass giving both the weights' and FGSM's input gradient; PyTorch: the same two
  passes, the FGSM batch made with the clean pass's dropout masks, as ours);
- ``FGSM``: the attack on 10,000 test images (2,000 per call: forward, input gradient, sign
  step, clipping), then a forward pass of all of them for the error rate and the confidence:
  ours as ``goodfellow.fgsm_table`` does it, once with the attack compiled once (its loop, the
  jit hoisted out) and once through ``goodfellow.fgsm_examples`` itself, which jits a new
  function, and so compiles again, on every call (a row "compilation included").

PyTorch runs eager (no ``torch.compile``), with torch.optim.SGD's momentum and an ExponentialLR
stepped after every update, and ``Tensor.renorm_`` for the max-norm. torch's momentum applies
the learning rate after the velocity (``v <- mu v + g; w <- w - rate v``) where pylearn2's
applies it before (``v <- mu v - rate g; w <- w + v``): the same work, and the same updates at a
constant rate. Not measured: the stopping rules' monitors, the retraining stages, the learning
rate's floor (not reached in an epoch), host-to-device copies of the training set, and our
compilation of the epochs (paid once per run).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from replications.adversarial.attacks import fgsm
from replications.adversarial.config import MaxoutNet, Recipe, paper
from replications.adversarial.goodfellow import error_and_confidence, fgsm_examples
from replications.adversarial.model import N_CLASSES, N_PIXELS, Maxout
from replications.adversarial.train import Runner, logits_fn, momentum
from shared.bench import alternating_rounds, seconds_row
from shared.errors import HypeError
from shared.provenance import device_info

ATTACK_CHUNK = 2_000  # images per attack call, as goodfellow.fgsm_examples


def jax_maxout(spec: MaxoutNet, seed: int = 0) -> Maxout:
    return Maxout(
        spec.units,
        spec.pieces,
        input_drop=spec.input_drop,
        hidden_drop=spec.hidden_drop,
        init_range=spec.init_range,
        rescale_input=spec.rescale_input,
        rngs=nnx.Rngs(seed),
    )


def torch_maxout(spec: MaxoutNet, device: str) -> Any:
    """``model.Maxout`` in PyTorch: the same layers, maxout groups, dropout and initialisation;
    ``net(x, masks)`` applies the given dropout masks (input, hidden 1, hidden 2)."""
    import torch
    from torch import nn

    class TorchMaxout(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            width = spec.units * spec.pieces
            self.h1 = nn.Linear(N_PIXELS, width)
            self.h2 = nn.Linear(spec.units, width)
            self.out = nn.Linear(spec.units, N_CLASSES)

        def forward(self, x: Any, masks: tuple[Any, Any, Any] | None = None) -> Any:
            for i, layer in enumerate((self.h1, self.h2)):
                x = x * masks[i] if masks else x
                x = layer(x).unflatten(-1, (spec.units, spec.pieces)).amax(-1)
            return self.out(x * masks[2] if masks else x)

    torch.manual_seed(0)
    net = TorchMaxout().to(device)
    if spec.init_range is not None:
        for layer in (net.h1, net.h2, net.out):
            nn.init.uniform_(layer.weight, -spec.init_range, spec.init_range)
            nn.init.zeros_(layer.bias)
    return net


def torch_work(
    spec: MaxoutNet,
    recipe: Recipe,
    epsilon: float,
    alpha: float,
    device: str,
    data: dict[str, np.ndarray],
    steps: int,
) -> tuple[Any, dict[str, Callable[[], object]]]:
    """The PyTorch net and its three timed pieces of work: ``steps`` updates of plain and of
    adversarial training, and the FGSM evaluation."""
    import torch
    import torch.nn.functional as F

    if (recipe.optimiser, recipe.learning_rate_schedule) != ("momentum", "exponential"):
        raise HypeError("the PyTorch side mirrors the momentum recipe with exponential decay only")
    net = torch_maxout(spec, device)
    optimiser = torch.optim.SGD(
        net.parameters(), lr=recipe.learning_rate, momentum=float(momentum(recipe, 1))
    )
    schedule = torch.optim.lr_scheduler.ExponentialLR(optimiser, 1.0 / recipe.learning_rate_decay)
    bounded = [(getattr(net, name).weight, bound) for name, bound in recipe.max_norm]
    x_held = torch.from_numpy(data["x"]).to(device)
    y_held = torch.from_numpy(data["y"]).to(device).long()
    keep_in, keep_hidden = 1.0 - spec.input_drop, 1.0 - spec.hidden_drop
    batch = recipe.batch_size

    def masks() -> tuple[Any, Any, Any]:
        inputs = torch.empty(batch, N_PIXELS, device=device).bernoulli_(keep_in)
        if spec.rescale_input:
            inputs /= keep_in
        hidden = torch.empty(2, batch, spec.units, device=device).bernoulli_(keep_hidden)
        return inputs, *(hidden / keep_hidden)

    def step(xb: Any, yb: Any, adversarial: bool) -> Any:
        optimiser.zero_grad(set_to_none=True)
        dropped = masks()
        if adversarial:  # as Runner.gradients: the clean pass gives FGSM's gradient too
            xb.requires_grad_(True)
            clean = F.cross_entropy(net(xb, dropped), yb)
            (alpha * clean).backward()
            x_adv = (xb.detach() + epsilon * xb.grad.sign()).clamp_(0.0, 1.0)
            loss = F.cross_entropy(net(x_adv, dropped), yb)
            ((1.0 - alpha) * loss).backward()
        else:
            loss = F.cross_entropy(net(xb, dropped), yb)
            loss.backward()
        optimiser.step()
        schedule.step()
        with torch.no_grad():
            for weight, bound in bounded:  # each unit's incoming weights: a row of (out, in)
                weight.renorm_(2, 0, bound)
        return loss

    def epoch(adversarial: bool) -> None:
        order = torch.randperm(len(x_held), device=device)
        for i in range(steps):
            rows = order[i * batch : (i + 1) * batch]
            loss = step(x_held[rows], y_held[rows], adversarial)
        loss.item()

    def attack() -> tuple[float, float]:  # from host arrays, as ours
        x, y = data["x_test"], torch.from_numpy(data["y_test"]).to(device).long()
        adversarial = []
        for i in range(0, len(x), ATTACK_CHUNK):
            xb = torch.from_numpy(x[i : i + ATTACK_CHUNK]).to(device).requires_grad_(True)
            loss = F.cross_entropy(net(xb), y[i : i + ATTACK_CHUNK], reduction="sum")
            (gradient,) = torch.autograd.grad(loss, xb)
            adversarial.append((xb.detach() + epsilon * gradient.sign()).clamp_(0.0, 1.0))
        with torch.no_grad():
            confidence, predicted = torch.softmax(net(torch.cat(adversarial)), -1).max(-1)
        wrong = predicted != y
        return wrong.float().mean().item(), confidence[wrong].mean().item()

    return net, {
        "torch_epoch": lambda: epoch(False),
        "torch_adversarial_epoch": lambda: epoch(True),
        "torch_fgsm": attack,
    }


def jax_work(
    spec: MaxoutNet,
    recipe: Recipe,
    epsilon: float,
    alpha: float,
    data: dict[str, np.ndarray],
    steps: int,
) -> tuple[Maxout, dict[str, Callable[[], object]]]:
    """Our net and the same pieces of work, through the replication's own code."""
    model = jax_maxout(spec)
    graphdef, params = nnx.split(model)
    xs, ys = jnp.asarray(data["x"]), jnp.asarray(data["y"])
    per_epoch = len(data["x"]) // recipe.batch_size

    def epoch(runner: Runner) -> Callable[[], object]:
        start = (params, runner.init_state(params), jnp.int32(0), jnp.int32(1))
        mu = jnp.float32(momentum(recipe, 1))
        return lambda: jax.block_until_ready(
            runner.train_epoch(
                *start, mu, xs, ys, jax.random.key(0), n_steps=steps, total_steps=per_epoch
            )
        )

    f = logits_fn(model)
    attack = jax.jit(lambda xb, yb: fgsm(f, xb, yb, epsilon))  # fgsm_examples' jit, made once
    x_test, y_test = data["x_test"], data["y_test"]

    def fgsm_hoisted() -> dict[str, float]:
        chunks = range(0, len(x_test), ATTACK_CHUNK)
        adversarial = np.concatenate(
            [
                np.asarray(
                    attack(
                        jnp.asarray(x_test[i : i + ATTACK_CHUNK]),
                        jnp.asarray(y_test[i : i + ATTACK_CHUNK]),
                    )
                )
                for i in chunks
            ]
        )
        return error_and_confidence(f, adversarial, y_test)

    def fgsm_as_the_run() -> dict[str, float]:
        return error_and_confidence(f, fgsm_examples(f, x_test, y_test, epsilon), y_test)

    return model, {
        "jax_epoch": epoch(Runner(graphdef, recipe, None, None)),
        "jax_adversarial_epoch": epoch(Runner(graphdef, recipe, (epsilon, alpha), None)),
        "jax_fgsm": fgsm_hoisted,
        "jax_fgsm_with_compile": fgsm_as_the_run,
    }


def run(
    rounds: int = 3, steps: int | None = None, n_train: int | None = None, n_test: int | None = None
) -> dict[str, Any]:
    """Median seconds per epoch (plain, adversarial) and per FGSM evaluation, both sides.

    ``steps``: updates timed per epoch, scaled to the epoch (default: the whole epoch);
    ``n_train``, ``n_test``: images (default: the ``paper`` profile's 60,000 and 10,000).
    """
    try:
        import torch
    except ImportError:
        raise HypeError(
            "the adversarial bench needs PyTorch, its peer", "run it as `nox -s bench`"
        ) from None
    config = paper()
    spec, recipe = config.maxout_net, config.maxout
    same = replace(config.maxout_adversarial, monitor=recipe.monitor, retrain=recipe.retrain)
    if same != recipe:  # one optimiser serves both epochs: the recipes differ in stopping only
        raise HypeError("the maxout recipes now differ in training", "time each one's own")
    n_train, n_test = n_train or config.n_train, n_test or config.n_test
    per_epoch = n_train // recipe.batch_size
    steps = min(steps or per_epoch, per_epoch)
    rng = np.random.default_rng(0)
    data = {
        "x": rng.random((n_train, N_PIXELS), dtype=np.float32),
        "y": rng.integers(0, N_CLASSES, n_train).astype(np.int32),
        "x_test": rng.random((n_test, N_PIXELS), dtype=np.float32),
        "y_test": rng.integers(0, N_CLASSES, n_test).astype(np.int32),
    }
    device = "cuda" if torch.cuda.is_available() and jax.default_backend() == "gpu" else "cpu"
    eps, alpha = config.epsilon, config.alpha
    model, ours = jax_work(spec, recipe, eps, alpha, data, steps)
    net, theirs = torch_work(spec, recipe, eps, alpha, device, data, steps)
    parameters = {
        "ours": sum(leaf.size for leaf in jax.tree.leaves(nnx.state(model, nnx.Param))),
        "peer": sum(p.numel() for p in net.parameters()),
    }
    if parameters["ours"] != parameters["peer"]:
        raise RuntimeError(f"the two nets differ: {parameters} parameters")
    order = ("epoch", "adversarial_epoch", "fgsm")  # the sides alternate within each round
    works = {
        f"{side}_{name}": (ours | theirs)[f"{side}_{name}"]
        for name in order
        for side in ("jax", "torch")
    }
    works["jax_fgsm_with_compile"] = ours["jax_fgsm_with_compile"]
    for work in works.values():  # warm-up: compile, allocate
        work()
    median, measured, _ = alternating_rounds(works, rounds)
    scale = per_epoch / steps
    peer = f"PyTorch {torch.__version__} eager, {torch.get_num_threads()} threads"

    def row(what: str, ours_key: str, peer_key: str, scaled: float = 1.0) -> dict:
        ours_s, peer_s = median[f"jax_{ours_key}"] * scaled, median[f"torch_{peer_key}"] * scaled
        return seconds_row(what, ours_s, peer_s, peer)

    images = f"{n_train:,}-image"
    attack = f"FGSM at eps {eps:g} on {n_test:,} test images, and their error rate"
    record = {
        "ratios": [
            row(f"one {images} epoch, batch {recipe.batch_size}", "epoch", "epoch", scale),
            row(
                f"one {images} epoch of adversarial training",
                "adversarial_epoch",
                "adversarial_epoch",
                scale,
            ),
            row(attack, "fgsm", "fgsm"),
            row("the same, our compilation included", "fgsm_with_compile", "fgsm"),
        ],
        "what": (
            f"Goodfellow et al.'s maxout net ({spec.units} x {spec.pieces} pieces, two layers), "
            f"the paper recipe's SGD, dropout and max-norm; random MNIST-shaped images held in "
            "memory on the device"
        ),
        "parameters": parameters,
        "rounds_seconds": measured,
        "torch_device": device,
        "torch_version": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "torch_compile": False,
        "device": device_info(),
        "load_average_1_5_15_min": list(os.getloadavg()),  # other work slows both sides
    }
    if steps < per_epoch:  # both sides timed over `steps` updates, scaled to the epoch
        record["epoch_steps"] = steps
        record["epoch_scaled_from_images"] = steps * recipe.batch_size
    return record


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=1))
