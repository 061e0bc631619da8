"""Beyond the papers, the question readers asked: do adversarial images made for a net also
fool a polynomial-kernel SVM (Cortes & Vapnik 1995) and a random forest (Breiman 2001)?
And how does FGSM fare against a linear SVM attacked directly?

scikit-learn is the reference implementation of both; they are trained on the same MNIST
pixels in [0, 1] (the SVMs on a stated subsample, for time).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.svm import SVC, LinearSVC

from replications.adversarial.config import Config
from replications.adversarial.goodfellow import fgsm_examples
from replications.adversarial.szegedy import CLIPPED_NOISE, gaussian

POLY_SVM, FOREST, LINEAR_SVM = "SVM, polynomial kernel", "random forest", "linear SVM"


def train_classifiers(x: np.ndarray, y: np.ndarray, config: Config, seed: int) -> dict:
    """The poly-kernel SVC and LinearSVC on the first ``n_svm_train`` images of a seeded
    permutation; the forest on all of ``x``."""
    rng = np.random.default_rng(seed)
    sub = rng.permutation(len(x))[: config.n_svm_train]
    poly = SVC(kernel="poly", degree=config.svm_degree, coef0=1.0, gamma="scale", random_state=seed)
    linear = LinearSVC(C=0.1, max_iter=2_000, random_state=seed)
    forest = RandomForestClassifier(n_estimators=config.forest_trees, random_state=seed, n_jobs=1)
    return {
        POLY_SVM: poly.fit(x[sub], y[sub]),
        FOREST: forest.fit(x, y),
        LINEAR_SVM: linear.fit(x[sub], y[sub]),
    }


def linear_svm_logits(svm: LinearSVC):
    """The linear SVM's decision values ``x W + b`` as a JAX function, so FGSM can attack it.

    The SVM defines no probabilities; FGSM follows the sign of the gradient of the
    cross-entropy of these scores, which for a linear model is a fixed per-class direction.
    """
    w, b = (
        jnp.asarray(svm.coef_.T, dtype=jnp.float32),
        jnp.asarray(svm.intercept_, dtype=jnp.float32),
    )
    return jax.jit(lambda x: x @ w + b)


def transfer_table(
    classifiers: dict, sources: dict[str, np.ndarray], y: np.ndarray
) -> dict[str, dict[str, float]]:
    """Error (%) of each classifier on each set of images (all with true labels ``y``)."""
    return {
        name: {
            clf: float(100.0 * np.mean(model.predict(images) != y))
            for clf, model in classifiers.items()
        }
        for name, images in sources.items()
    }


def run_beyond(
    data: dict[str, np.ndarray],
    nets: dict,
    lbfgs_test: tuple[np.ndarray, np.ndarray, np.ndarray],
    config: Config,
    seed: int,
    key: jax.Array,
) -> dict:
    """Transfer of FGSM (epsilon 0.25) and L-BFGS examples to an SVM and a forest; FGSM on a
    linear SVM.

    Args:
        data: MNIST arrays (pixels in [0, 1]).
        nets: name -> logits function of the nets whose FGSM examples are transferred.
        lbfgs_test: ``(x_clean, x_adv, y)`` of L-BFGS examples made against FC100-100-10 (P1)
            on test images (Szegedy et al. Table 4's first row).
    """
    classifiers = train_classifiers(data["x_train"], data["y_train"], config, seed)
    x, y = data["x_test"][: config.n_beyond], data["y_test"][: config.n_beyond]
    sources = {"clean": x}
    for name, f in nets.items():
        sources[f"FGSM eps {config.epsilon:g} vs {name}"] = fgsm_examples(f, x, y, config.epsilon)
    svm_f = linear_svm_logits(classifiers[LINEAR_SVM])
    sources[f"FGSM eps {config.epsilon:g} vs linear SVM"] = fgsm_examples(
        svm_f, x, y, config.epsilon
    )
    first = next(iter(nets))
    fgsm_rms = float(
        np.sqrt(np.mean((sources[f"FGSM eps {config.epsilon:g} vs {first}"] - x) ** 2))
    )
    noisy = gaussian(x, fgsm_rms, key, CLIPPED_NOISE)
    sources[f"Gaussian noise, same RMS as FGSM ({fgsm_rms:.3f})"] = noisy
    table = transfer_table(classifiers, sources, y)
    lb_clean, lb_adv, lb_y = lbfgs_test
    table.update(
        transfer_table(
            classifiers,
            {"clean (L-BFGS subset)": lb_clean, "L-BFGS vs FC100-100-10 (P1)": lb_adv},
            lb_y,
        )
    )
    return {
        "errors": table,
        "n_eval": len(x),
        "n_lbfgs": len(lb_y),
        "n_svm_train": config.n_svm_train,
        "fgsm_rms": fgsm_rms,
    }
