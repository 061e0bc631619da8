"""Dataset registry: each loader fetches (cache -> offline mirror -> upstream), verifies, parses.

Loaders return :class:`LabelledData` with the sha256 of every file used, and note those
files in the run's record (``shared.record.used``), which the results file's provenance keeps.
Add a dataset family as one module here.
"""

from shared.datasets.fetch import RemoteFile, fetch, sha256_of
from shared.datasets.labelled import LabelledData
from shared.datasets.mnist import load_mnist
from shared.datasets.usps import load_usps

__all__ = ["LabelledData", "RemoteFile", "fetch", "load_mnist", "load_usps", "sha256_of"]
