"""Goodfellow, Shlens & Szegedy (2014): FGSM on MNIST softmax and maxout (Sec. 4), the
adversarially trained maxout net (Sec. 6), robust error against epsilon. The nets are trained
by ``jobs``.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from replications.adversarial.attacks import fgsm, fgsm_sweep
from replications.adversarial.config import Config
from replications.adversarial.train import Logits, error_rate, predict


def fgsm_examples(
    f: Logits, x: np.ndarray, y: np.ndarray, epsilon: float, chunk: int = 2_000
) -> np.ndarray:
    """FGSM images (clipped to [0, 1]) against ``f`` for every row of ``x``."""
    attack = jax.jit(lambda xb, yb: fgsm(f, xb, yb, epsilon))
    return np.concatenate(
        [
            np.asarray(attack(jnp.asarray(x[i : i + chunk]), jnp.asarray(y[i : i + chunk])))
            for i in range(0, len(x), chunk)
        ]
    )


def error_and_confidence(f: Logits, x_adv: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Error (%) and the mean probability given to the predicted (wrong) class on the errors.

    Goodfellow et al. Sec. 4 report "error rate ... with an average confidence of 79.3%"
    on the misclassified examples; we average the top softmax probability over them.
    """
    probs = predict(f, x_adv)
    wrong = probs.argmax(1) != y
    confidence = float(100.0 * probs.max(1)[wrong].mean()) if wrong.any() else None
    return {"error": float(100.0 * wrong.mean()), "confidence": confidence}


def robustness_curves(
    models: dict[str, Logits],
    x: np.ndarray,
    y: np.ndarray,
    epsilons: tuple[float, ...],
    chunk: int = 2_000,
) -> dict[str, list[float]]:
    """FGSM error (%) against epsilon on ``(x, y)`` for each model (vmapped over epsilon)."""
    eps = jnp.asarray(epsilons)
    curves = {}
    for name, f in models.items():
        sweep = jax.jit(lambda xb, yb, f=f: fgsm_sweep(f, xb, yb, eps))
        parts = [
            np.asarray(sweep(jnp.asarray(x[i : i + chunk]), jnp.asarray(y[i : i + chunk])))
            * len(x[i : i + chunk])
            for i in range(0, len(x), chunk)
        ]
        curves[name] = (np.sum(parts, axis=0) / len(x)).tolist()
    return {"epsilon": list(epsilons), **curves}


def fgsm_table(
    data: dict[str, np.ndarray], models: dict[str, Logits], config: Config
) -> tuple[dict, dict[str, np.ndarray]]:
    """FGSM at epsilon 0.25 on the test set against softmax, maxout and adversarially trained
    maxout (Goodfellow et al. 2014 Sec. 4 and 6; ``models`` by those names, trained by
    ``jobs``).

    Returns the table (clean error; adversarial error and confidence; the two transfer
    numbers of Sec. 6) and the adversarial test images per model.
    """
    xt, yt = data["x_test"], data["y_test"]
    adv = {name: fgsm_examples(f, xt, yt, config.epsilon) for name, f in models.items()}
    table = {
        name: {"clean_error": error_rate(f, xt, yt), **error_and_confidence(f, adv[name], yt)}
        for name, f in models.items()
    }
    base, robust = models["maxout"], models["maxout, adversarially trained"]
    table["transfer"] = {
        "robust_on_base_examples": error_and_confidence(robust, adv["maxout"], yt)["error"],
        "base_on_robust_examples": error_and_confidence(
            base, adv["maxout, adversarially trained"], yt
        )["error"],
    }
    return table, adv
