"""Profiles of the XOR / parity replication."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Config:
    seeds: int  # initial weights x presentation orders for the perceptron rule on XOR
    epochs: int  # epochs each run is watched for a repeated state (a cycle)
    init_range: int  # initial integer weights drawn from [-init_range, init_range]
    max_parity_bits: int  # the parity-order theorem is checked for n = 2 .. this


def paper() -> Config:
    """Minsky & Papert's statements checked exhaustively: 1,000 runs of the rule on XOR, and
    the order of n-bit parity for n = 2..10 by linear programming over all 2^n inputs.
    Measured: 14 s on a 2-core CPU (the n = 10 LPs dominate); the LPs run on the CPU
    whatever the device. ``nox -s replicate-xor``."""
    return Config(seeds=1000, epochs=200, init_range=3, max_parity_bits=10)


def smoke() -> Config:
    """Seconds: 32 runs, parity up to 5 bits."""
    return Config(seeds=32, epochs=60, init_range=3, max_parity_bits=5)


PROFILES = {"paper": paper, "smoke": smoke}
