"""The IDX format of the MNIST files (LeCun et al.): a 4-byte magic, big-endian sizes, data."""

from __future__ import annotations

import numpy as np

from shared.errors import HypeError

_TYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def parse_idx(data: bytes, name: str = "IDX file") -> np.ndarray:
    """Parse IDX bytes into an array of the stored shape and type."""
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in _TYPES:
        raise HypeError(f"{name} is not an IDX file (bad magic number)", "fetch the file again")
    dtype = np.dtype(_TYPES[data[2]])
    ndim = data[3]
    header = 4 + 4 * ndim
    if len(data) < header:
        raise HypeError(f"{name} is truncated inside its header", "fetch the file again")
    shape = tuple(int(d) for d in np.frombuffer(data, ">u4", count=ndim, offset=4))
    expected = header + int(np.prod(shape)) * dtype.itemsize
    if len(data) != expected:
        raise HypeError(
            f"{name} holds {len(data)} bytes, its header promises {expected}",
            "the file is truncated or corrupt: fetch it again",
        )
    return np.frombuffer(data, dtype, offset=header).reshape(shape)
