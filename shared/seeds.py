"""The base seed behind a run's key, for the streams that take an integer.

``experiment.run(config, key=jax.random.key(seed))`` gets its randomness as a JAX key. NumPy
generators, scikit-learn's ``random_state`` and the SVM solver's shuffles take an integer: they
get the base seed back from the key (:func:`base_seed`), so every stream is the one the same
``--seed`` has always given.
"""

from __future__ import annotations

import jax
import numpy as np

from shared.errors import HypeError


def base_seed(key: jax.Array) -> int:
    """The integer ``seed`` of ``key = jax.random.key(seed)``.

    A key that was split or folded has no such seed: refused, so no stream silently takes an
    unrelated integer.

    Example:
        >>> base_seed(jax.random.key(42))
        42
    """
    words = np.asarray(jax.random.key_data(key), dtype=np.uint64).ravel()
    seed = 0
    for word in words:  # threefry: (high 32 bits, low 32 bits) of the seed
        seed = (seed << 32) | int(word)
    if seed >= 2**63 or not np.array_equal(
        np.asarray(jax.random.key_data(jax.random.key(seed))), np.asarray(jax.random.key_data(key))
    ):
        raise HypeError(
            "this key was not made by jax.random.key(seed) from a base seed",
            "pass run(config, key=jax.random.key(seed)) with the run's base seed",
        )
    return seed
