"""Goodfellow, Shlens & Szegedy (2014): FGSM on MNIST softmax and maxout (Sec. 4), adversarial
training (Sec. 6), robust error against epsilon.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from replications.adversarial.attacks import fgsm, fgsm_sweep
from replications.adversarial.config import Config
from replications.adversarial.model import Maxout
from replications.adversarial.train import Logits, error_rate, fit, logits_fn, predict


def train_maxout(
    x: np.ndarray, y: np.ndarray, config: Config, key: jax.Array, *, adversarial: bool
) -> tuple[Logits, dict]:
    """The maxout net (``config.maxout_net``: 240 x 5, two layers, dropout) trained by its recipe:
    ``config.maxout`` (Goodfellow et al. 2013 Sec. 5.1), or with ``adversarial`` the objective of
    Goodfellow et al. 2014 Sec. 6 (alpha 0.5, epsilon 0.25, FGSM examples re-made at every step)
    by ``config.maxout_adversarial``. Returns the net and what its stopping rule did."""
    net = config.maxout_net
    model = Maxout(
        net.units,
        net.pieces,
        input_drop=net.input_drop,
        hidden_drop=net.hidden_drop,
        init_range=net.init_range,
        rescale_input=net.rescale_input,
        rngs=nnx.Rngs(jax.random.fold_in(key, 0)),
    )
    recipe = config.maxout_adversarial if adversarial else config.maxout
    log = fit(
        model,
        x,
        y,
        recipe,
        key=jax.random.fold_in(key, 1),
        adversarial=(config.epsilon, config.alpha) if adversarial else None,
    )
    return logits_fn(model), log.as_dict()


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


def adversarial_training(
    data: dict[str, np.ndarray],
    softmax: Logits,
    config: Config,
    key: jax.Array,
) -> tuple[dict, dict[str, Logits], dict[str, np.ndarray], dict]:
    """FGSM at epsilon 0.25 on the test set against softmax, maxout and adversarially trained
    maxout.

    Returns the table (clean error; adversarial error and confidence; the two transfer
    numbers of Sec. 6), the models, the adversarial test images per model, and the maxout
    nets' training logs.
    """
    x, y, xt, yt = data["x_train"], data["y_train"], data["x_test"], data["y_test"]
    base, base_log = train_maxout(x, y, config, jax.random.fold_in(key, 0), adversarial=False)
    robust, robust_log = train_maxout(x, y, config, jax.random.fold_in(key, 1), adversarial=True)
    models = {"softmax": softmax, "maxout": base, "maxout, adversarially trained": robust}
    logs = {"maxout": base_log, "maxout, adversarially trained": robust_log}
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
    return table, models, adv, logs
