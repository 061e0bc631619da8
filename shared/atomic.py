"""Atomic writes: a file is written whole or not at all.

Every output (results, figures, checkpoints, cached data) goes to a temporary file in the
same folder, is flushed to disk, and is renamed over the target: an interrupted or failing
run never leaves a half-written file and never touches the last good one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

# Read once, at import (setting it back at once): os.umask has no read-only form.
_UMASK = os.umask(0o022)
os.umask(_UMASK)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename (atomic on POSIX). The
    file gets the permissions of an ordinary new file (mkstemp's are owner-only)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            os.fchmod(f.fileno(), 0o666 & ~_UMASK)
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
