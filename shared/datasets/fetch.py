"""Fetch a dataset file once, verify its content, cache it.

Order of lookup for a file ``<folder>/<name>``:

1. the cache (``$HYPE_DATA_DIR``, default the user cache dir), verified by sha256;
2. the offline mirror ``$HYPE_DATA_MIRROR`` (same file names as upstream);
3. each upstream URL in turn, downloaded by pooch with a progress bar.

The sha256 is of the *decompressed* content: mirrors re-compress files, so the hash of
a ``.gz`` is not stable, but its content is. A file whose content does not match is
refused with both hashes named, and never used.

Quiet unless something happens: a cache or mirror hit prints nothing, a download shows pooch's
progress bar (not its log line), and a file that cannot be had names where it was looked for.
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

pooch.get_logger().setLevel("WARNING")  # its "Downloading data from ..." line, once per attempt


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


def mirror_dir() -> Path | None:
    """The offline mirror (``$HYPE_DATA_MIRROR``), or None when it is not set."""
    mirror = os.environ.get("HYPE_DATA_MIRROR")
    return Path(mirror).expanduser() if mirror else None


def _in(folder: Path, remote: RemoteFile) -> Path | None:
    for candidate in (
        folder / remote.folder / remote.name,
        folder / remote.name,
        folder / remote.folder / remote.content_name,
    ):
        if candidate.is_file():
            return candidate
    return None


def misplaced_mirror(mirror: Path, relative: str) -> Path | None:
    """The folder a mirror that misses ``relative`` (``usps/zip.train.gz``) was probably meant to
    be: the one above it or one below it that holds the file; None when neither does."""
    below = sorted(p for p in mirror.iterdir() if p.is_dir()) if mirror.is_dir() else []
    return next((g for g in (mirror.parent, *below) if (g / relative).is_file()), None)


def _mirror_copy(remote: RemoteFile) -> Path | None:
    """The mirror's copy of ``remote``; a mirror one level off is one line naming the right one."""
    mirror = mirror_dir()
    if mirror is None:
        return None
    found = _in(mirror, remote)
    relative = f"{remote.folder}/{remote.name}"
    if found is None and (meant := misplaced_mirror(mirror, relative)) is not None:
        raise HypeError(
            f"HYPE_DATA_MIRROR={mirror} has no {relative}, but {meant} has",
            f"set HYPE_DATA_MIRROR={meant}",
        )
    return found


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
    relative = f"{remote.folder}/{remote.name}"
    mirror = mirror_dir()
    if mirror is None:
        raise HypeError(
            f"could not download {relative} ({where})",
            f"check the network, or set HYPE_DATA_MIRROR to a folder holding {relative}",
        )
    raise HypeError(
        f"{relative} is not in HYPE_DATA_MIRROR={mirror} and could not be downloaded ({where})",
        f"put the file at {mirror / relative}, or check the network",
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
