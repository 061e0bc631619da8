"""Fill the CI's data folder with every data set the tests load, by the project's own loaders.

The folder is both the loaders' cache (``HYPE_DATA_DIR``: verified, decompressed files under
``<data set>/``) and, for the tests, the offline mirror (``HYPE_DATA_MIRROR``), which reads the
same layout: every test has an empty cache of its own (``tests/conftest.py``), so it finds the
data in the mirror or skips. The workflow caches the folder, keyed by the loaders' sha256s.
"""

import os
from pathlib import Path

import pooch

from shared.datasets import cifar10
from shared.datasets.needs import known, require

data = Path(os.environ["HYPE_DATA_DIR"])
assert os.environ.get("HYPE_DATA_MIRROR") == str(data), "the tests read this folder as the mirror"
# CIFAR-10's loader deletes the archive it downloads once extracted, but a test with an empty cache
# can only take the archive from the mirror: so it goes there first, checked by the loader's sha256
# (the loader checks it again, with the md5 its authors publish).
pooch.retrieve(
    cifar10.ARCHIVE_URLS[0],
    known_hash=f"sha256:{cifar10.ARCHIVE_SHA256}",
    fname=cifar10.ARCHIVE,
    path=data / "cifar10",
)
require(known())  # every data set: downloaded, verified, decompressed into the cache
