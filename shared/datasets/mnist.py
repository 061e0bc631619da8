"""MNIST (LeCun, Bottou, Bengio & Haffner 1998): 60,000 + 10,000 digits, 28x28, IDX files."""

from __future__ import annotations

from shared.datasets.fetch import RemoteFile, fetch
from shared.datasets.idx import parse_idx
from shared.datasets.labelled import LabelledData
from shared.record import used

# The original host (yann.lecun.com) answers 403; these mirrors serve the same files.
_MIRRORS = (
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)

FILES = {
    "train_images": (
        "train-images-idx3-ubyte.gz",
        "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    ),
    "train_labels": (
        "train-labels-idx1-ubyte.gz",
        "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    ),
    "test_images": (
        "t10k-images-idx3-ubyte.gz",
        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    ),
    "test_labels": (
        "t10k-labels-idx1-ubyte.gz",
        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    ),
}

REMOTES = {
    part: RemoteFile("mnist", name, sha, tuple(m + name for m in _MIRRORS))
    for part, (name, sha) in FILES.items()
}


def load_mnist() -> LabelledData:
    """The MNIST training and test sets: uint8 images (N, 28, 28), int labels."""
    arrays = {}
    for part, remote in REMOTES.items():
        arrays[part] = parse_idx(fetch(remote).read_bytes(), remote.name)
    used({r.key: r.sha256 for r in REMOTES.values()})
    return LabelledData(
        x_train=arrays["train_images"],
        y_train=arrays["train_labels"].astype("int32"),
        x_test=arrays["test_images"],
        y_test=arrays["test_labels"].astype("int32"),
        sha256={r.key: r.sha256 for r in REMOTES.values()},
    )
