"""The small tasks of the Nature letter and the PDP chapter: patterns, nets and settings.

Each task is every input pattern of the problem at once (the papers train on all of
them, full batch), the network that the paper names, and the paper's learning rate ε
(η in the chapter) and momentum α. Settings the papers do not give are marked.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from replications.backprop.delta_rule import Layer, Net


@dataclass(frozen=True)
class Task:
    """A task: inputs ``{name: (cases, units)}``, targets, net, ε, α and where they come from."""

    name: str
    title: str
    net: Net
    inputs: dict[str, np.ndarray]
    targets: np.ndarray
    eps: float
    alpha: float
    paper_sweeps: int | None  # the one run the paper reports, if it reports one
    source: str


def all_bits(n: int) -> np.ndarray:
    """Every n-bit vector, (2^n, n), in binary counting order."""
    return np.array(list(itertools.product((0.0, 1.0), repeat=n)), dtype=np.float32)


def xor_one_hidden() -> Task:
    """PDP Ch. 8, Fig. 2 and p. 331: one hidden unit plus direct input -> output connections;
    "558 sweeps" at η = 0.5. α is not given for this run: we take the chapter's usual 0.9."""
    x = all_bits(2)
    net = Net(
        inputs=(("in", 2),), layers=(Layer("hidden", 1, ("in",)), Layer("out", 1, ("in", "hidden")))
    )
    return Task(
        "xor_211",
        "XOR, 2-1-1 with direct connections",
        net,
        {"in": x},
        (x[:, :1] != x[:, 1:]).astype(np.float32),
        eps=0.5,
        alpha=0.9,
        paper_sweeps=558,
        source="PDP Ch. 8, p. 331",
    )


def xor_two_hidden(eps: float) -> Task:
    """The 2-2-1 XOR net: the chapter met a local minimum with it at η = 0.25 (pp. 331-333)."""
    x = all_bits(2)
    net = Net(
        inputs=(("in", 2),), layers=(Layer("hidden", 2, ("in",)), Layer("out", 1, ("hidden",)))
    )
    tag = f"{eps:g}".replace(".", "")
    return Task(
        f"xor_221_eta{tag}",
        f"XOR, 2-2-1, η = {eps:g}",
        net,
        {"in": x},
        (x[:, :1] != x[:, 1:]).astype(np.float32),
        eps=eps,
        alpha=0.9,
        paper_sweeps=None,
        source="PDP Ch. 8, pp. 331-333",
    )


def mirror_symmetry() -> Task:
    """Nature Fig. 1: 6-2-1 net, all 64 vectors, output on iff the vector is symmetric about
    its middle; ε = 0.1, α = 0.9; "1,425 sweeps"."""
    x = all_bits(6)
    symmetric = np.all(x == x[:, ::-1], axis=1, keepdims=True).astype(np.float32)
    net = Net(
        inputs=(("in", 6),), layers=(Layer("hidden", 2, ("in",)), Layer("out", 1, ("hidden",)))
    )
    return Task(
        "symmetry",
        "Mirror symmetry, 6-2-1",
        net,
        {"in": x},
        symmetric,
        eps=0.1,
        alpha=0.9,
        paper_sweeps=1425,
        source="Nature, Fig. 1 caption",
    )


def encoder(eps: float = 0.25) -> Task:
    """PDP Ch. 8, pp. 335-338: the 8-3-8 encoder (8 one-hot patterns reproduced through 3
    hidden units). The chapter's η and sweep count were not retrieved: η = 0.25 is ours."""
    x = np.eye(8, dtype=np.float32)
    net = Net(
        inputs=(("in", 8),), layers=(Layer("hidden", 3, ("in",)), Layer("out", 8, ("hidden",)))
    )
    return Task(
        "encoder",
        "Encoder, 8-3-8",
        net,
        {"in": x},
        x,
        eps=eps,
        alpha=0.9,
        paper_sweeps=None,
        source="PDP Ch. 8, pp. 335-338",
    )


def parity4() -> Task:
    """PDP Ch. 8, pp. 334-335: 4-bit parity with 4 hidden units, "2,825 presentations" at
    η = 0.5. We read a presentation as one sweep through all 16 patterns, and α = 0.9."""
    x = all_bits(4)
    net = Net(
        inputs=(("in", 4),), layers=(Layer("hidden", 4, ("in",)), Layer("out", 1, ("hidden",)))
    )
    return Task(
        "parity4",
        "Parity, 4-4-1",
        net,
        {"in": x},
        (x.sum(1, keepdims=True) % 2).astype(np.float32),
        eps=0.5,
        alpha=0.9,
        paper_sweeps=2825,
        source="PDP Ch. 8, pp. 334-335",
    )


def small_tasks() -> dict[str, Task]:
    """Every small task, by name, in the order the page shows them."""
    tasks = [
        xor_one_hidden(),
        xor_two_hidden(0.5),
        xor_two_hidden(0.25),
        mirror_symmetry(),
        encoder(),
        parity4(),
    ]
    return {t.name: t for t in tasks}
