"""The shape every loader of a fixed train/test dataset returns."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class LabelledData:
    """A dataset with a fixed train/test split and the sha256 of each file it came from."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    sha256: dict[str, str] = field(default_factory=dict)
    note: str = ""  # e.g. "JPEG-degraded copy": shown wherever the numbers are
