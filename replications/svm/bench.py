"""``nox -s bench -- svm``: fit time of the JAX solver against scikit-learn's SVC (libsvm) on
USPS, ten one-vs-rest machines with the same kernel, C and tolerance, side by side in one run.

libsvm trains one machine at a time on one core; our ten machines share one kernel matrix
and run as one vmapped SMO. The MNIST degree-4 fit time is read from the paper run's
results file (a 60,000-digit fit is too long to repeat here), with that run's device.
"""

from __future__ import annotations

import json
import time

import numpy as np
from sklearn.svm import SVC

from replications.svm.protocol import one_vs_rest, scale_inputs, smooth
from replications.svm.solver import fit
from shared.datasets import load_usps
from shared.provenance import device_info
from shared.registry import RESULTS_DIR

DEGREE, C, TOL = 3, 10.0, 1e-3


def _ours(x, targets, x_test) -> tuple[float, np.ndarray]:
    start = time.perf_counter()
    machines = fit(x, targets, DEGREE, C, tol=TOL)
    seconds = time.perf_counter() - start
    return seconds, np.sign(machines.decision(x_test)).T


def _libsvm(x, targets, x_test) -> tuple[float, np.ndarray]:
    start = time.perf_counter()
    models = [
        SVC(kernel="poly", degree=DEGREE, gamma=1.0, coef0=1.0, C=C, tol=TOL, cache_size=1000).fit(
            x, t
        )
        for t in targets
    ]
    seconds = time.perf_counter() - start
    return seconds, np.stack([m.predict(x_test) for m in models])


def run() -> dict:
    data = load_usps()
    x, x_test, _ = scale_inputs(smooth(data.x_train, 0.75), smooth(data.x_test, 0.75))
    targets = one_vs_rest(data.y_train)
    cold, _ = _ours(x, targets, x_test)  # includes compilation
    warm, ours_pred = _ours(x, targets, x_test)
    libsvm, lib_pred = _libsvm(x.astype(np.float64), targets, x_test.astype(np.float64))
    record = {
        "task": (
            f"USPS 7,291 digits, ten one-vs-rest machines, (u.v + 1)^{DEGREE}, C = {C:g}, "
            f"tol = {TOL:g}"
        ),
        "ours_seconds": warm,
        "ours_seconds_with_compile": cold,
        "libsvm_seconds": libsvm,
        "speedup_vs_libsvm": libsvm / warm,
        "speedup_vs_libsvm_with_compile": libsvm / cold,
        "prediction_agreement": float((ours_pred == lib_pred).mean()),
        "device": device_info(),
    }
    paper_run = RESULTS_DIR / "svm.json"
    if paper_run.exists():
        results = json.loads(paper_run.read_text())
        mnist = results["tables"].get("mnist")
        if mnist:
            record["mnist_degree4_fit_seconds"] = mnist["fit_seconds"]
            record["mnist_fit_device"] = results["provenance"]["device"]
            record["mnist_fit_note"] = (
                "from site/results/svm.json (the paper run), not re-measured here"
            )
    return record
