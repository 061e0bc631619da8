"""USPS zip codes as distributed with *The Elements of Statistical Learning* (Hastie et al.).

``zip.train`` (7,291) and ``zip.test`` (2,007): one row per digit, the label first, then
256 grey values in [-1, 1] of a 16x16 image, whitespace-separated.
"""

from __future__ import annotations

import numpy as np

from shared.datasets.fetch import RemoteFile, fetch
from shared.datasets.labelled import LabelledData
from shared.errors import HypeError
from shared.record import used

_MIRRORS = (
    "https://hastie.su.domains/ElemStatLearn/datasets/",
    "https://web.stanford.edu/~hastie/ElemStatLearn/datasets/",
)
REMOTES = {
    "train": RemoteFile(
        "usps",
        "zip.train.gz",
        "abc9f5c75b997cabe66b5d01727d5a681c69298e1641a8d37b55433a52129dc0",
        tuple(m + "zip.train.gz" for m in _MIRRORS),
    ),
    "test": RemoteFile(
        "usps",
        "zip.test.gz",
        "6bde17b4f1cd68e0630cd2751d6495b5795d9165ab2dc4a0be8b7002b732f4cc",
        tuple(m + "zip.test.gz" for m in _MIRRORS),
    ),
}


def parse_usps(text: str, name: str = "USPS file") -> tuple[np.ndarray, np.ndarray]:
    """Rows of ``label v1 ... v256`` -> images (N, 16, 16) float32 in [-1, 1], labels int32."""
    try:
        table = np.array(
            [line.split() for line in text.splitlines() if line.strip()], dtype=np.float64
        )
    except ValueError:
        raise HypeError(
            f"{name} has a row that is not 257 numbers", "fetch the file again"
        ) from None
    if table.ndim != 2 or table.shape[1] != 257:
        raise HypeError(
            f"{name}: expected 257 columns, found {table.shape[-1] if table.ndim == 2 else '?'}",
            "fetch the file again",
        )
    labels = table[:, 0]
    if not np.all(np.isin(labels, np.arange(10))):
        raise HypeError(f"{name} has labels outside 0-9", "fetch the file again")
    return table[:, 1:].reshape(-1, 16, 16).astype(np.float32), labels.astype(np.int32)


def load_usps() -> LabelledData:
    x_train, y_train = parse_usps(fetch(REMOTES["train"]).read_text(), "zip.train")
    x_test, y_test = parse_usps(fetch(REMOTES["test"]).read_text(), "zip.test")
    used({r.key: r.sha256 for r in REMOTES.values()})
    return LabelledData(
        x_train, y_train, x_test, y_test, sha256={r.key: r.sha256 for r in REMOTES.values()}
    )
