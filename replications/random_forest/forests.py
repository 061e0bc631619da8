"""The three classifiers of Breiman (2001), Table 2 and Table 5, on scikit-learn's CART.

- Forest-RI (§4): bagged unpruned CART trees, F random inputs tried at each node;
  scikit-learn's ``RandomForestClassifier(max_features=F)`` is exactly this.
- Adaboost (§4, "Adaboost with CART"): AdaBoost.M1 over unpruned trees, each grown on a
  sample drawn with the current weights, as in Breiman's own runs (Breiman 1998,
  "Arcing classifiers", §2). Written here because scikit-learn's ``AdaBoostClassifier``
  reweights instead of resampling, and an unpruned tree fitted to weighted data has no
  training error, which stops its boosting after one tree.
- Forest-RC (§5): each node chooses among F random linear combinations of L = 3 inputs
  with coefficients uniform on [-1, 1]. scikit-learn's trees split on single columns,
  so ours (clearly a variant) draws a pool of such combinations per tree and lets each
  node try F of them; Breiman draws F fresh ones at every node.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.tree import DecisionTreeClassifier

_MAX_SEED = 2**31 - 1


@dataclass(frozen=True)
class ForestResult:
    test_error: float  # fraction of the test cases misclassified
    oob_error: float  # the forest's out-of-bag estimate on the training cases (§3.1)
    tree_oob_error: float  # mean out-of-bag error of the single trees: Table 2's "one tree"


def impute_median(x_train: np.ndarray, *others: np.ndarray) -> tuple[np.ndarray, ...]:
    """Missing inputs (NaN) -> the training part's median of that input (our choice: the paper
    does not say; Breiman's Fortran fills missing values with the median)."""
    if not (np.isnan(x_train).any() or any(np.isnan(o).any() for o in others)):
        return (x_train, *others)
    median = np.nanmedian(x_train, axis=0)
    median = np.where(np.isnan(median), 0.0, median)
    return tuple(np.where(np.isnan(a), median, a) for a in (x_train, *others))


def default_features(inputs: int) -> int:
    """F = int(log2 M + 1), the second setting of Forest-RI (§4)."""
    return int(np.log2(inputs) + 1)


def grow_forest(
    x_train: np.ndarray, y_train: np.ndarray, *, features: int, trees: int, random_state: int
) -> RandomForestClassifier:
    """Forest-RI: ``trees`` unpruned CART trees on bootstrap samples, F = ``features`` inputs per
    node."""
    forest = RandomForestClassifier(
        n_estimators=trees,
        max_features=features,
        oob_score=True,
        random_state=random_state,
        n_jobs=1,
    )
    return forest.fit(x_train, y_train)


def forest_ri(
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_test: np.ndarray,
    y_test: np.ndarray,
    *,
    features: int,
    trees: int,
    random_state: int,
) -> ForestResult:
    """Forest-RI with ``features`` = F inputs tried per node (Breiman 2001, §4, Table 2)."""
    forest = grow_forest(
        x_train, y_train, features=features, trees=trees, random_state=random_state
    )
    test_error = float(np.mean(forest.predict(x_test) != y_test))
    # Table 2, column 4: each tree on its own left-out cases, averaged over the trees.
    errors = []
    n = len(y_train)
    for tree, drawn in zip(forest.estimators_, forest.estimators_samples_, strict=True):
        out = np.ones(n, dtype=bool)
        out[drawn] = False
        if out.any():
            predicted = forest.classes_[tree.predict(x_train[out]).astype(np.intp)]
            errors.append(np.mean(predicted != y_train[out]))
    return ForestResult(test_error, 1.0 - float(forest.oob_score_), float(np.mean(errors)))


@dataclass(frozen=True)
class Boosted:
    """An AdaBoost.M1 committee: trees and their vote weights log(1 / beta)."""

    trees: list[DecisionTreeClassifier]
    votes: list[float]
    classes: int

    def predict(self, x: np.ndarray) -> np.ndarray:
        tally = np.zeros((len(x), self.classes))
        for tree, vote in zip(self.trees, self.votes, strict=True):
            tally[np.arange(len(x)), tree.predict(x).astype(np.intp)] += vote
        return tally.argmax(axis=1)


def boost(
    x_train: np.ndarray,
    y_train: np.ndarray,
    *,
    trees: int,
    random_state: int,
    classes: int | None = None,
) -> Boosted:
    """AdaBoost.M1 (Freund & Schapire 1996) over unpruned CART, by weighted resampling.

    Round k: grow a tree on n cases drawn with probabilities w; eps = weighted training
    error; vote weight log((1 - eps) / eps); misclassified weights x (1 - eps) / eps. As in
    Breiman (1998, §2), when eps >= 1/2 the tree is dropped and the weights reset to equal.
    A tree with eps = 0 is kept with eps taken as half a case (1 / 2n: our choice, where
    the vote weight would be infinite) and the weights reset.
    """
    rng = np.random.default_rng(random_state)
    n = len(y_train)
    w = np.full(n, 1.0 / n)
    committee = Boosted([], [], int(y_train.max()) + 1 if classes is None else classes)
    for _ in range(trees):
        drawn = rng.choice(n, size=n, replace=True, p=w)
        tree = DecisionTreeClassifier(random_state=int(rng.integers(_MAX_SEED)))
        tree.fit(x_train[drawn], y_train[drawn])
        wrong = tree.predict(x_train) != y_train
        eps = float(w[wrong].sum())
        if eps >= 0.5:
            w = np.full(n, 1.0 / n)
            continue
        reset = eps <= 0.0
        eps = max(eps, 0.5 / n)
        beta = eps / (1.0 - eps)
        committee.trees.append(tree)
        committee.votes.append(float(np.log(1.0 / beta)))
        if reset:
            w = np.full(n, 1.0 / n)
        else:
            w = np.where(wrong, w, w * beta)
            w /= w.sum()
    return committee


def adaboost(
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_test: np.ndarray,
    y_test: np.ndarray,
    *,
    trees: int,
    random_state: int,
) -> float:
    """Test error of :func:`boost`'s committee (Breiman 2001, Table 2, column "Adaboost")."""
    classes = int(max(y_train.max(), y_test.max())) + 1
    committee = boost(x_train, y_train, trees=trees, random_state=random_state, classes=classes)
    return float(np.mean(committee.predict(x_test) != y_test))


def forest_rc(
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_test: np.ndarray,
    y_test: np.ndarray,
    *,
    features: int,
    trees: int,
    random_state: int,
    combine: int = 3,
    pool: int = 100,
) -> ForestResult:
    """Forest-RC (§5), our approximation: per tree, ``pool`` random combinations of ``combine``
    = L inputs (standardised on the training part) with coefficients U[-1, 1]; each node
    tries ``features`` = F of them. Returns test error, OOB error and the mean tree OOB error."""
    rng = np.random.default_rng(random_state)
    mean, scale = x_train.mean(axis=0), x_train.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    xs_train, xs_test = (x_train - mean) / scale, (x_test - mean) / scale
    n, inputs = xs_train.shape
    combine = min(combine, inputs)
    classes = int(max(y_train.max(), y_test.max())) + 1
    oob_votes = np.zeros((n, classes))
    test_votes = np.zeros((len(y_test), classes))
    tree_errors = []
    for _ in range(trees):
        drawn = rng.integers(0, n, n)
        chosen = np.argsort(rng.random((pool, inputs)), axis=1)[
            :, :combine
        ]  # L distinct inputs each
        coef = rng.uniform(-1.0, 1.0, (pool, combine))

        z_train = np.einsum("npl,pl->np", xs_train[:, chosen], coef)
        tree = DecisionTreeClassifier(
            max_features=features, random_state=int(rng.integers(_MAX_SEED))
        )
        tree.fit(z_train[drawn], y_train[drawn])
        out = np.ones(n, dtype=bool)
        out[drawn] = False
        if out.any():
            predicted = tree.predict(z_train[out]).astype(np.intp)
            oob_votes[np.flatnonzero(out), predicted] += 1
            tree_errors.append(np.mean(predicted != y_train[out]))
        z_test = np.einsum("npl,pl->np", xs_test[:, chosen], coef)
        test_votes[np.arange(len(y_test)), tree.predict(z_test).astype(np.intp)] += 1
    voted = oob_votes.sum(axis=1) > 0
    oob_error = float(np.mean(oob_votes[voted].argmax(axis=1) != y_train[voted]))
    return ForestResult(
        float(np.mean(test_votes.argmax(axis=1) != y_test)), oob_error, float(np.mean(tree_errors))
    )


def flip_labels(
    y: np.ndarray, *, fraction: float, classes: int, rng: np.random.Generator
) -> np.ndarray:
    """§8: change ``fraction`` of the class labels at random, each to another class (uniform)."""
    y = y.copy()
    flipped = rng.choice(len(y), size=round(fraction * len(y)), replace=False)
    shift = rng.integers(1, classes, size=len(flipped))
    y[flipped] = (y[flipped] + shift) % classes
    return y
