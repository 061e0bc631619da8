"""The problems of the matrix, one per era's favourite task, each as train and test arrays.

Images are kept as float pixels in [0, 1] with their shape, so the CNN sees a grid and
every other method sees the same pixels flattened. Boolean tasks (XOR, parity, symmetry)
are asked the papers' question, "can the method learn the function?": trained on every
pattern and scored on the same patterns (Minsky & Papert 1969; Rumelhart et al. 1986).
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
from dataclasses import dataclass, field

import numpy as np

from shared.datasets.cifar10 import load_cifar10
from shared.datasets.labelled import LabelledData
from shared.datasets.mnist import load_mnist as _parse_mnist
from shared.datasets.uci import load_split, load_table
from shared.datasets.usps import load_usps
from shared.errors import HypeError
from shared.record import used

_parsed_mnist = functools.cache(_parse_mnist)  # parsed once per process, not once per seed


def load_mnist() -> LabelledData:
    """MNIST, parsed once; its files are noted in the record of every run that uses it."""
    data = _parsed_mnist()
    used(data.sha256)
    return data


load_cifar10 = functools.cache(load_cifar10)
load_table = functools.cache(load_table)
load_usps = functools.cache(load_usps)


@dataclass(frozen=True)
class Problem:
    """One task: arrays, whether it is an image (the CNN applies), and how it is scored."""

    name: str
    title: str
    x_train: np.ndarray  # (n, ...) float32; images (n, H, W, C) in [0, 1]
    y_train: np.ndarray  # (n,) int class labels 0..classes-1
    x_test: np.ndarray
    y_test: np.ndarray
    classes: int
    image: bool
    scored_on: str  # "held-out test set" or "the training patterns"
    sha256: dict[str, str] = field(default_factory=dict)
    note: str = ""

    def flat(self) -> tuple[np.ndarray, np.ndarray]:
        """Train and test inputs as (n, features) rows."""
        return self.x_train.reshape(len(self.x_train), -1), self.x_test.reshape(
            len(self.x_test), -1
        )

    def with_test(self, n: int) -> Problem:
        """The first ``n`` test cases only (the smoke profile's shortcut; the paper profile keeps
        all)."""
        return dataclasses.replace(self, x_test=self.x_test[:n], y_test=self.y_test[:n])

    def subset(self, n: int, rng: np.random.Generator) -> Problem:
        """The same problem trained on ``n`` training cases drawn without replacement, every
        class present at least once where ``n`` allows (stratified by rejection)."""
        if n >= len(self.y_train):
            return self
        for _ in range(100):
            pick = rng.choice(len(self.y_train), size=n, replace=False)
            if len(np.unique(self.y_train[pick])) == min(self.classes, n):
                break
        return dataclasses.replace(self, x_train=self.x_train[pick], y_train=self.y_train[pick])


def all_bits(n: int) -> np.ndarray:
    """Every n-bit vector, (2^n, n), in binary counting order."""
    return np.array(list(itertools.product((0.0, 1.0), repeat=n)), dtype=np.float32)


def boolean(name: str, title: str, x: np.ndarray, y: np.ndarray) -> Problem:
    return Problem(
        name, title, x, y.astype(np.int32), x, y.astype(np.int32), 2, False, "the training patterns"
    )


def xor() -> Problem:
    """XOR of two bits: Minsky & Papert's (1969) example of what one layer cannot compute."""
    x = all_bits(2)
    return boolean("xor", "XOR (2 bits)", x, x.sum(1) % 2)


def parity(bits: int) -> Problem:
    """n-bit parity: the predicate of order n (Minsky & Papert 1969, §3.1; PDP ch. 8)."""
    x = all_bits(bits)
    return boolean("parity", f"{bits}-bit parity", x, x.sum(1) % 2)


def symmetry(bits: int = 6) -> Problem:
    """Mirror symmetry about the middle of a 6-bit vector (Rumelhart et al. 1986, Fig. 1)."""
    x = all_bits(bits)
    return boolean("symmetry", f"{bits}-bit mirror symmetry", x, np.all(x == x[:, ::-1], axis=1))


def standardised(x_train: np.ndarray, x_test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Z-scores with the training part's mean and spread (constant inputs left at zero)."""
    mean, std = x_train.mean(0), x_train.std(0)
    std = np.where(std > 0, std, 1.0)
    return ((x_train - mean) / std).astype(np.float32), ((x_test - mean) / std).astype(np.float32)


def sonar(rng: np.random.Generator) -> Problem:
    """Sonar (Gorman & Sejnowski 1988; Breiman 2001 Table 1): 208 cases, 60 inputs; a random
    quarter held out, stratified, drawn from ``rng`` (each seed its own split)."""
    table = load_table("sonar")
    test = np.zeros(len(table.y), bool)
    for c in np.unique(table.y):
        members = np.flatnonzero(table.y == c)
        test[rng.choice(members, size=round(len(members) / 4), replace=False)] = True
    x_train, x_test = standardised(table.x[~test], table.x[test])
    return Problem(
        "sonar",
        "sonar (UCI)",
        x_train,
        table.y[~test],
        x_test,
        table.y[test],
        2,
        False,
        "held-out test set",
        table.sha256,
        "a random stratified quarter held out per seed",
    )


def letters(train: int, rng: np.random.Generator) -> Problem:
    """Letter recognition (UCI; Breiman 2001 Table 1): 16 inputs, 26 classes; ``train`` cases drawn
    from the first 15,000, tested on the last 5,000."""
    data = load_split("letters")
    pick = np.sort(rng.choice(len(data.y_train), size=min(train, len(data.y_train)), replace=False))
    x_train, x_test = standardised(data.x_train[pick], data.x_test)
    return Problem(
        "letters",
        "letters (UCI)",
        x_train,
        data.y_train[pick].astype(np.int32),
        x_test,
        data.y_test.astype(np.int32),
        26,
        False,
        "held-out test set",
        data.sha256,
        f"{len(pick):,} training cases drawn from the 15,000; the fixed test set of 5,000",
    )


def usps(train: int, rng: np.random.Generator) -> Problem:
    """USPS zip-code digits, 16x16 in [-1, 1] mapped to [0, 1] (Cortes & Vapnik 1995, §6.2);
    ``train`` digits drawn from the 7,291, the full test set of 2,007."""
    data = load_usps()
    pick = np.sort(rng.choice(len(data.y_train), size=min(train, len(data.y_train)), replace=False))
    scale = lambda x: ((x + 1.0) / 2.0)[..., None].astype(np.float32)  # noqa: E731
    return Problem(
        "usps",
        "USPS digits",
        scale(data.x_train[pick]),
        data.y_train[pick],
        scale(data.x_test),
        data.y_test,
        10,
        True,
        "held-out test set",
        data.sha256,
        f"{len(pick):,} training digits drawn from the 7,291",
    )


def mnist(train: int, rng: np.random.Generator) -> Problem:
    """MNIST, ``train`` digits drawn from the 60,000 (the same draw for every method), full test
    set."""
    data = load_mnist()
    pick = np.sort(rng.choice(len(data.y_train), size=min(train, len(data.y_train)), replace=False))
    pixels = lambda x: (x.astype(np.float32) / 255.0)[..., None]  # noqa: E731
    return Problem(
        "mnist",
        "MNIST",
        pixels(data.x_train[pick]),
        data.y_train[pick].astype(np.int32),
        pixels(data.x_test),
        data.y_test.astype(np.int32),
        10,
        True,
        "held-out test set",
        data.sha256,
        f"{len(pick):,} training digits drawn from the 60,000",
    )


def permuted(problem: Problem, rng: np.random.Generator) -> Problem:
    """The same images with one fixed random permutation of the pixels, train and test alike.

    Cortes & Vapnik (1995, §6.2.1): the SVM "would give the same result" if the pixels were
    scrambled, since its kernel sees only dot products; a convolutional net's prior (nearby
    pixels belong together) is then wrong.
    """
    shape = problem.x_train.shape[1:]
    order = rng.permutation(int(np.prod(shape)))
    scramble = lambda x: x.reshape(len(x), -1)[:, order].reshape(len(x), *shape)  # noqa: E731
    return Problem(
        "permuted_mnist",
        "MNIST, pixels permuted",
        scramble(problem.x_train),
        problem.y_train,
        scramble(problem.x_test),
        problem.y_test,
        problem.classes,
        True,
        problem.scored_on,
        problem.sha256,
        "one fixed random permutation of the 784 pixels",
    )


def shift_one_pixel(images: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Each image moved one pixel up, down, left or right (drawn per image), zeros shifted in."""
    out = np.zeros_like(images)
    direction = rng.integers(4, size=len(images))
    out[direction == 0, :-1] = images[direction == 0, 1:]  # up
    out[direction == 1, 1:] = images[direction == 1, :-1]  # down
    out[direction == 2, :, :-1] = images[direction == 2, :, 1:]  # left
    out[direction == 3, :, 1:] = images[direction == 3, :, :-1]  # right
    return out


def cifar10(train: int, rng: np.random.Generator) -> Problem:
    """CIFAR-10, ``train`` images drawn from the 50,000, full test set. Offline the only copy is
    the JPEG-degraded mirror: ``note`` says so and the page repeats it."""
    data = load_cifar10()
    pick = np.sort(rng.choice(len(data.y_train), size=min(train, len(data.y_train)), replace=False))
    pixels = lambda x: x.astype(np.float32) / 255.0  # noqa: E731
    note = f"{len(pick):,} training images drawn from the 50,000" + (
        f"; {data.note}" if data.note else ""
    )
    return Problem(
        "cifar10",
        "CIFAR-10",
        pixels(data.x_train[pick]),
        data.y_train[pick].astype(np.int32),
        pixels(data.x_test),
        data.y_test.astype(np.int32),
        10,
        True,
        "held-out test set",
        data.sha256,
        note,
    )


ORDER = (
    "xor",
    "parity",
    "symmetry",
    "sonar",
    "letters",
    "usps",
    "mnist",
    "permuted_mnist",
    "shifted_mnist",
    "cifar10",
)


def check_names(names: tuple[str, ...]) -> None:
    unknown = [n for n in names if n not in ORDER]
    if unknown:
        raise HypeError(
            f"unknown problem(s) {', '.join(unknown)}", f"choose from: {', '.join(ORDER)}"
        )
