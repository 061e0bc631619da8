"""``nox -s bench -- alexnet``: the Fig. 1 four-layer net, JAX against PyTorch on the same device,
both given the same advantages.

Two measurements, each the median over rounds that alternate between the two sides (so a
machine shared with other work slows both alike), as ratios from one run:

- ``step``: images/s of one training step (preprocess, forward, backward, update) on a batch
  of 128 uint8 images already on the device: the replication's jitted ``Stepper`` step against
  a PyTorch eager step;
- ``epoch``: seconds per 45,000-image epoch of the training loop over a training set held on
  the device: our ``Stepper.train_steps`` (the epoch as one XLA program) against a PyTorch loop
  indexing the same device-resident tensor. On a CPU a shorter stretch is timed and scaled to
  45,000 images (``epoch_steps`` says how many steps were timed).

PyTorch runs eager: ``torch.compile`` is not used (it is not what a user of the paper's recipe
would reach for first, and on a CPU it needs a C++ toolchain at run time).

Notes from earlier measurements: on CPUs, XLA's default Eigen convolutions were the gap;
YNNPACK convolutions (``shared.xla``) made the JAX step ~1.75x faster. Max pooling's backward
as strided-slice maxima instead of reduce_window gave nothing.
"""

from __future__ import annotations

import os
import statistics
import time
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from replications.alexnet.model import FourLayerNet
from replications.alexnet.train import subtract_mean
from shared.provenance import device_info
from shared.training import Stepper, paper_sgd

BATCH = 128


def jax_stepper(seed: int = 0) -> Stepper:
    model = FourLayerNet(activation="relu", rngs=nnx.Rngs(params=seed))
    return Stepper(
        model,
        paper_sgd(learning_rate=0.01),
        preprocess=subtract_mean,
        aux=jnp.full((32, 32, 3), 120.0, jnp.float32),
        cache_key="paper_sgd",
    )


def torch_loops(
    device: str, x_all: np.ndarray, y_all: np.ndarray, steps: int, epoch_steps: int
) -> Any:
    """The same net and update in PyTorch (NCHW, eager), on data held on ``device``: returns
    (``steps`` steps on one batch, one epoch of ``epoch_steps`` steps)."""
    import torch
    from torch import nn

    torch.manual_seed(0)
    net = nn.Sequential(
        nn.Conv2d(3, 32, 5, padding=2),
        nn.ReLU(),
        nn.MaxPool2d(3, 2, ceil_mode=True),
        nn.Conv2d(32, 32, 5, padding=2),
        nn.ReLU(),
        nn.MaxPool2d(3, 2, ceil_mode=True),
        nn.Conv2d(32, 64, 5, padding=2),
        nn.ReLU(),
        nn.MaxPool2d(3, 2, ceil_mode=True),
        nn.Flatten(),
        nn.Linear(4 * 4 * 64, 10),
    ).to(device)
    for p in net.parameters():
        nn.init.normal_(p, std=0.01)
    optimiser = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    mean = torch.full((1, 3, 32, 32), 120.0, device=device)
    loss_fn = nn.CrossEntropyLoss()

    x_held = torch.from_numpy(x_all).to(device)
    y_held = torch.from_numpy(y_all).to(device).long()

    def train(rows: Any) -> Any:  # a slice or a tensor of indices
        xb = x_held[rows].permute(0, 3, 1, 2).float() - mean
        optimiser.zero_grad(set_to_none=True)
        loss = loss_fn(net(xb), y_held[rows])
        loss.backward()
        optimiser.step()
        return loss

    def steps_on_one_batch() -> None:
        for _ in range(steps):
            loss = train(slice(0, BATCH))
        loss.item()

    def epoch() -> None:
        order = torch.arange(len(x_all), device=device)
        for i in range(epoch_steps):
            loss = train(order[i * BATCH : (i + 1) * BATCH])
        loss.item()

    return steps_on_one_batch, epoch


def _seconds(work: Any) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


EPOCH_IMAGES = 45_000  # the paper profile's training set


def run(rounds: int = 3, steps: int = 10) -> dict[str, Any]:
    """Median images/s (step) and seconds per epoch (loop) of JAX and PyTorch, and their ratios."""
    import torch

    jax_device = jax.devices()[0]
    device = "cuda" if torch.cuda.is_available() and jax_device.platform == "gpu" else "cpu"
    epoch_steps = EPOCH_IMAGES // BATCH if device == "cuda" else 24
    rng = np.random.default_rng(0)
    n_held = epoch_steps * BATCH
    x_all = rng.integers(0, 256, (n_held, 32, 32, 3), dtype=np.uint8)
    y_all = rng.integers(0, 10, n_held).astype(np.int32)

    stepper = jax_stepper()
    key = jax.random.key(0)
    held = stepper.put(x_all, y_all)
    xb, yb = jax.device_put((x_all[:BATCH], y_all[:BATCH]), stepper.batched)
    order = np.arange(n_held).reshape(epoch_steps, BATCH)
    programs = stepper.programs

    def jax_steps() -> None:
        loss = None
        for _ in range(steps):
            stepper.params, stepper.opt_state, loss, _ = programs.train(
                stepper.params, stepper.opt_state, stepper.aux, xb, yb, key
            )
        loss.block_until_ready()

    def jax_epoch() -> None:
        stepper.train_steps(held, order, key)[0].block_until_ready()

    t_step, t_epoch = torch_loops(device, x_all, y_all, steps, epoch_steps)
    for work in (jax_steps, jax_epoch, t_step, t_epoch):  # warm-up: compile, allocate
        work()
    measured: dict[str, list[float]] = {
        "jax_step": [],
        "torch_step": [],
        "jax_epoch": [],
        "torch_epoch": [],
    }
    for _ in range(rounds):
        for name, work in (
            ("jax_step", jax_steps),
            ("torch_step", t_step),
            ("jax_epoch", jax_epoch),
            ("torch_epoch", t_epoch),
        ):
            measured[name].append(_seconds(work))
    median = {name: statistics.median(values) for name, values in measured.items()}
    scale = EPOCH_IMAGES / n_held
    peer = f"PyTorch {torch.__version__} eager, {torch.get_num_threads()} threads"
    return {
        "ratios": [
            {
                "what": "train step, batch 128",
                "ours": BATCH * steps / median["jax_step"],
                "peer": BATCH * steps / median["torch_step"],
                "unit": "images/s",
                "peer_name": peer,
                "ratio": median["torch_step"] / median["jax_step"],
            },
            {
                "what": f"one {EPOCH_IMAGES:,}-image epoch, data on the device",
                "ours": median["jax_epoch"] * scale,
                "peer": median["torch_epoch"] * scale,
                "unit": "s",
                "peer_name": peer,
                "ratio": median["torch_epoch"] / median["jax_epoch"],
            },
        ],
        "what": (
            "Fig. 1 four-layer net, batch 128, SGD momentum + weight decay; data already on the "
            "device"
        ),
        "jax_images_per_s": BATCH * steps / median["jax_step"],
        "torch_images_per_s": BATCH * steps / median["torch_step"],
        "ratio_jax_over_torch": median["torch_step"] / median["jax_step"],
        "jax_seconds_per_epoch": median["jax_epoch"] * scale,
        "torch_seconds_per_epoch": median["torch_epoch"] * scale,
        "epoch_ratio_jax_over_torch": median["torch_epoch"] / median["jax_epoch"],
        "epoch_steps": epoch_steps,
        "epoch_scaled_from_images": n_held,
        "rounds_seconds": measured,
        "torch_device": device,
        "torch_version": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "torch_compile": False,
        "device": device_info(),
        "load_average_1_5_15_min": list(
            os.getloadavg()
        ),  # other work on a shared machine slows both sides
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=1))
