"""JAX's persistent compilation cache, in the user cache folder.

A run compiles its programs before it computes (USPS's SVM: 1.8 s of compiling beside 1.5 s of
fitting); with the cache on, a second run of the same code loads them from disk instead. JAX
reads these settings from the environment when it is first imported, so :func:`configure` runs
before that (the CLI's ``main``, the bench), and worker processes inherit them.

The cache is keyed by JAX on the program, the JAX version, the device and the XLA flags, so a
loaded program is the one a fresh compile would make: results do not change, only the time.
A folder the user chose with ``JAX_COMPILATION_CACHE_DIR`` is kept.
"""

from __future__ import annotations

import os
from pathlib import Path

# Programs that compile faster than this are not worth a file each (JAX's default is 1 s, which
# leaves most of a replication's programs out).
MIN_COMPILE_SECONDS = "0.1"


def default_folder() -> Path:
    import pooch  # platformdirs' user cache folder, as the data cache uses

    return Path(pooch.os_cache("history-of-hype")) / "jax-compilation-cache"


def configure(enabled: bool = True) -> Path | None:
    """Turn the cache on (in :func:`default_folder` unless the user chose one) or off; returns
    the folder in use, None when off. Has no effect once JAX is imported."""
    if not enabled:
        os.environ["JAX_ENABLE_COMPILATION_CACHE"] = "false"
        return None
    os.environ.setdefault("JAX_COMPILATION_CACHE_DIR", str(default_folder()))
    os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", MIN_COMPILE_SECONDS)
    return Path(os.environ["JAX_COMPILATION_CACHE_DIR"])
