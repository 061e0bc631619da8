"""Matrix-product precision where a result is compared with a reference.

On NVIDIA GPUs float32 matrix products default to TF32 (10-bit mantissa): fast, and fine for
training a net, but it moved our SVM kernel values by up to 3.4% relative on an H200, enough to
change which points are support vectors. Code whose numbers are checked against an exact
reference (libsvm, a separability bound, a mistake count) passes ``precision=EXACT`` to its
products; everything else keeps the fast default. On a CPU both are full float32.
The provenance records both (``device.matmul_precision``).
"""

from __future__ import annotations

import jax

EXACT = jax.lax.Precision.HIGHEST
EXACT_PATHS = (
    "svm: polynomial kernel and decision values",
    "perceptron and xor: the rule's margins y (w . x)",
    "perceptron: the photo-perceptron's A-unit thresholds",
)


def recorded() -> dict[str, object]:
    """What the provenance says about matrix-product precision."""
    default = jax.config.jax_default_matmul_precision
    return {
        "default": default or "backend default (TF32 on NVIDIA GPUs, float32 on CPUs)",
        "exact": "HIGHEST (full float32)",
        "exact_paths": list(EXACT_PATHS),
    }
