"""Every data set a run needs, located and verified before its first step.

A replication's ``experiment.datasets(config)`` names what its profile will load; the CLI
calls :func:`require` on those names before ``run``, so missing, truncated or mismatched data
stops the run at once (one line: which file, what is wrong, what to do), never after an hour
of computing and never as a claim "not run".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from shared.errors import HypeError


def _loaders() -> dict[str, Callable[[], Any]]:
    from shared.datasets import uci
    from shared.datasets.cifar10 import load_cifar10
    from shared.datasets.mnist import load_mnist
    from shared.datasets.usps import load_usps

    loaders: dict[str, Callable[[], Any]] = {
        "mnist": load_mnist,
        "usps": load_usps,
        "cifar10": load_cifar10,
    }
    loaders.update({f"uci:{name}": (lambda name=name: uci.load_table(name)) for name in uci.SMALL})
    loaders.update({f"uci:{name}": (lambda name=name: uci.load_split(name)) for name in uci.LARGE})
    return loaders


def known() -> tuple[str, ...]:
    return tuple(_loaders())


def require(names: Iterable[str]) -> None:
    """Load (fetch and verify) each named data set once; the first problem is a HypeError."""
    loaders = _loaders()
    for name in dict.fromkeys(names):
        if name not in loaders:
            raise HypeError(
                f"unknown data set {name!r} in a replication's datasets()",
                f"use one of: {', '.join(loaders)}",
            )
        loaders[name]()
