"""Fetch a dataset file once, verify its content, cache it.

Order of lookup for a file ``<folder>/<name>``:

1. the cache (``$HYPE_DATA_DIR``, default the user cache dir), verified by sha256;
2. the offline mirror ``$HYPE_DATA_MIRROR`` (same file names as upstream);
3. each upstream URL in turn, downloaded by pooch with a progress bar.

The sha256 is of the *decompressed* content: mirrors re-compress files, so the hash of
a ``.gz`` is not stable, but its content is. A file whose content does not match is
refused with both hashes named, and never used.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import zlib
from dataclasses import dataclass
from pathlib import Path

import pooch

from shared.atomic import atomic_write_bytes
from shared.errors import HypeError


@dataclass(frozen=True)
class RemoteFile:
    """One upstream file: where it lives and the sha256 of its (decompressed) content."""

    folder: str  # e.g. "mnist": the sub-folder in the cache and in the mirror
    name: str  # the upstream file name, e.g. "train-images-idx3-ubyte.gz"
    sha256: str
    urls: tuple[str, ...]  # full URLs of mirrors, tried in order

    @property
    def content_name(self) -> str:
        """The name of the decompressed file in the cache."""
        return self.name.removesuffix(".gz")

    @property
    def key(self) -> str:
        return f"{self.folder}/{self.content_name}"


def cache_dir() -> Path:
    return Path(os.environ.get("HYPE_DATA_DIR") or pooch.os_cache("history-of-hype"))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _mirror_copy(remote: RemoteFile) -> Path | None:
    mirror = os.environ.get("HYPE_DATA_MIRROR")
    if not mirror:
        return None
    for candidate in (
        Path(mirror) / remote.folder / remote.name,
        Path(mirror) / remote.name,
        Path(mirror) / remote.folder / remote.content_name,
    ):
        if candidate.is_file():
            return candidate
    return None


def _download(remote: RemoteFile, into: Path) -> Path:
    failures = []
    for url in remote.urls:
        try:
            return Path(
                pooch.retrieve(url, known_hash=None, fname=remote.name, path=into, progressbar=True)
            )
        except Exception as error:  # any network or HTTP failure: try the next mirror
            failures.append(f"{url}: {type(error).__name__}")
    where = "; ".join(failures) or "no URLs"
    raise HypeError(
        f"could not download {remote.name} ({where})",
        "check the network, or set HYPE_DATA_MIRROR to a folder holding the file",
    )


def _decompress(source: Path, remote: RemoteFile) -> bytes:
    try:
        if source.name.endswith(".gz"):
            with gzip.open(source, "rb") as f:
                return f.read()
        return source.read_bytes()
    except (EOFError, OSError, zlib.error) as error:
        raise HypeError(
            f"{source} is truncated or corrupt ({error})",
            "delete it and fetch it again (or replace the mirror's copy)",
        ) from None


def fetch(remote: RemoteFile) -> Path:
    """Return the path of the verified, decompressed content of ``remote``."""
    target = cache_dir() / remote.folder / remote.content_name
    if target.is_file():
        actual = sha256_of(target)
        if actual != remote.sha256:
            raise HypeError(
                f"cached {target} has sha256 {actual}, expected {remote.sha256}",
                f"delete {target} so it is fetched again",
            )
        return target

    source = _mirror_copy(remote)
    downloaded = None
    if source is None:
        downloaded = source = _download(remote, cache_dir() / remote.folder / "download")
    content = _decompress(source, remote)
    actual = hashlib.sha256(content).hexdigest()
    if actual != remote.sha256:
        if downloaded is not None:
            downloaded.unlink(missing_ok=True)
        raise HypeError(
            f"{source} has content sha256 {actual}, expected {remote.sha256}",
            "the file is corrupt or not the right one: delete it or fix the mirror, then retry",
        )
    atomic_write_bytes(target, content)
    if downloaded is not None:
        shutil.rmtree(downloaded.parent, ignore_errors=True)
    return target
