"""XLA settings, made once where a program starts (the CLI, the bench, the tests' conftest).

XLA reads its flags when the backend starts, so :func:`configure` must run before the first
JAX computation. A flag the user already set is left as it is.

- ``xla_gpu_deterministic_ops``: on GPUs the same seed gives the same run (DESIGN: GPU runs
  must give the CPU run's verdicts); recorded by the provenance's ``xla_flags``.
- YNNPACK for convolutions on CPUs, instead of XLA's default Eigen path: the whole train step
  of the AlexNet Fig. 1 net ran ~1.7x faster on a 2-core CPU (replications/alexnet/bench.py).
"""

from __future__ import annotations

import os

FLAGS = {
    "xla_gpu_deterministic_ops": "true",
    "xla_cpu_experimental_ynn_fusion_type": "LIBRARY_FUSION_TYPE_INDIVIDUAL_CONVOLUTION",
}
PLATFORMS = {"cpu": "cpu", "gpu": "cuda"}  # --device -> JAX_PLATFORMS


def configure(device: str = "auto") -> None:
    """Set the XLA flags, and pin JAX to ``device`` ("cpu", "gpu"; "auto": JAX's own choice)."""
    flags = os.environ.get("XLA_FLAGS", "")
    for name, value in FLAGS.items():
        if name not in flags:
            flags = f"{flags} --{name}={value}".strip()
    os.environ["XLA_FLAGS"] = flags
    if device in PLATFORMS:
        os.environ["JAX_PLATFORMS"] = PLATFORMS[device]
