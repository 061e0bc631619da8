"""CIFAR-10 (Krizhevsky 2009), binary version: 50,000 + 10,000 colour images, 32x32, 10 classes.

The binary layout is one record per image: 1 label byte, then 3,072 pixel bytes (the R plane,
then G, then B, each 32x32 row-major); 10,000 records per file. It is parsed with numpy, never
unpickled (the "python version" of CIFAR-10 is a pickle: loading it would run code).

Where the data comes from, in order:

1. the genuine files already extracted in the cache (each ``.bin`` checked by sha256);
2. the genuine archive ``cifar-10-binary.tar.gz`` in ``$HYPE_DATA_MIRROR`` (or ``.../cifar10/``),
   else downloaded from the authors' host; the archive's sha256 (and the md5 the authors
   publish) are checked, then only the six known members are read out of it, each verified,
   and written under the cache by *our* name: no member path is ever used to write a file;
3. otherwise (offline), the JPEG-degraded copy ``$HYPE_DATA_MIRROR/cifar10_jpeg_lossy``
   (see its SOURCES.md): its pixels are not the original ones and its test set is sorted by
   class. :class:`LabelledData.note` says so, one line on stderr says so (once per process: a
   run loads the data twice, to check it before it starts and to use it), and the sha256s
   recorded are those of that copy's decompressed content. A host that could not be reached is
   not tried again in the same process.
"""

from __future__ import annotations

import gzip
import hashlib
import sys
import tarfile
import zlib
from pathlib import Path

import numpy as np
import pooch

from shared.atomic import atomic_write_bytes
from shared.datasets.fetch import cache_dir, mirror_dir, sha256_of
from shared.datasets.labelled import LabelledData
from shared.errors import HypeError
from shared.record import used

RECORD = 1 + 3 * 32 * 32
CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
ARCHIVE = "cifar-10-binary.tar.gz"
ARCHIVE_SHA256 = "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd"
ARCHIVE_MD5 = "c32a1d4ab5d03f1284b67883e8d87530"  # the one the authors publish on their page
ARCHIVE_URLS = (
    "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz",
    "http://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz",
)
MEMBER_DIR = "cifar-10-batches-bin"
TRAIN_FILES = tuple(f"data_batch_{i}.bin" for i in range(1, 6))
TEST_FILE = "test_batch.bin"
# sha256 of each extracted file (as listed by torchvision-ruby's CIFAR10 dataset).
GENUINE_SHA256 = {
    "data_batch_1.bin": "cee916563c9f80d84e3cc88e17fdc0941787f1244f00a67874d45b261883ada5",
    "data_batch_2.bin": "a591ca11fa1708a91ee40f54b3da4784ccd871ecf2137de63f51ada8b3fa57ed",
    "data_batch_3.bin": "bbe8596564c0f86427f876058170b84dac6670ddf06d79402899d93ceea26f67",
    "data_batch_4.bin": "014e562d6e23c72197cc727519169a60359f5eccd8945ad5a09d710285ff4e48",
    "data_batch_5.bin": "755304fc0b379caeae8c14f0dac912fbc7d6cd469eb67a1029a08a39453a9add",
    "test_batch.bin": "8e2eb146ae340b09e24670f29cabc6326dba54da8789dab6768acf480273f65b",
}
LOSSY_FOLDER = "cifar10_jpeg_lossy"
# sha256 of each file's decompressed content (the mirror's SOURCES.md lists them): a re-compressed
# copy of the same data, such as the GPU machines' rebuild from the JPEG-source pack, is accepted.
LOSSY_SHA256 = {
    "data_batch_1.bin": "8da035fc1631e8ce5f25904206b8993b0f3ad02a504c0584d662e806fd76c12b",
    "data_batch_2.bin": "106eeaad9f1fa7a999292fdafe68ee909080f58aee038a76994035aedf40ba26",
    "data_batch_3.bin": "99cb88ba00fca88bf28c517a74307b6b78a346c6ea747a561cb8e660c787d5cb",
    "data_batch_4.bin": "76b482bc3bb79c0370e48ea71bb6e4f567a3770d224dc09a9ddc8cfa2369f294",
    "data_batch_5.bin": "490f5ead4f04a3eb71d5898eb551e0d8d2c592feb778fb9b109a006b3f231495",
    "test_batch.bin": "cf28711b3059b27ed8a78d6529b5ba5b5c94130096ca62a1a924268a9a9ec05b",
}
_unreachable: set[str] = set()  # archive URLs that failed in this process
_said: set[str] = set()  # notes already printed in this process
LOSSY_NOTE = (
    "JPEG-degraded CIFAR-10 (offline fallback, not the original pixels; test set sorted by class): "
    "numbers are not strictly comparable to published CIFAR-10 results"
)


def parse_cifar_binary(data: bytes, name: str = "CIFAR-10 file") -> tuple[np.ndarray, np.ndarray]:
    """Records of ``label, R(1024), G(1024), B(1024)`` -> images (N, 32, 32, 3) uint8 (NHWC),
    labels int32."""
    if not data or len(data) % RECORD:
        raise HypeError(
            f"{name} holds {len(data)} bytes, not a whole number of {RECORD}-byte records",
            "the file is truncated or not CIFAR-10 binary: fetch it again",
        )
    records = np.frombuffer(data, np.uint8).reshape(-1, RECORD)
    labels = records[:, 0].astype(np.int32)
    if labels.max() >= len(CLASSES):
        raise HypeError(
            f"{name} has a label {labels.max()} outside 0-9", "the file is corrupt: fetch it again"
        )
    images = records[:, 1:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    return np.ascontiguousarray(images), labels


def _genuine_dir() -> Path:
    return cache_dir() / "cifar10" / MEMBER_DIR


def _verified(path: Path, expected: str) -> bool:
    if not path.is_file():
        return False
    actual = sha256_of(path)
    if actual != expected:
        raise HypeError(
            f"{path} has sha256 {actual}, expected {expected}",
            f"delete {path} so it is fetched again",
        )
    return True


def extract_archive(archive: Path, into: Path, expected: dict[str, str] | None = None) -> None:
    """Read the known members of the CIFAR-10 binary archive and write each, verified, under
    ``into``.

    Safe by construction: only regular-file members named ``<MEMBER_DIR>/<known name>`` are
    read, and their bytes are written to ``into/<known name>``; links, devices, absolute or
    ``..`` paths never reach the file system.
    """
    expected = GENUINE_SHA256 if expected is None else expected
    wanted = {f"{MEMBER_DIR}/{name}": name for name in expected}
    found: dict[str, bytes] = {}
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                name = wanted.get(member.name.removeprefix("./"))
                if name is None or not member.isreg():
                    continue
                handle = tar.extractfile(member)
                found[name] = handle.read() if handle else b""
    except (tarfile.TarError, OSError, EOFError) as error:
        raise HypeError(
            f"{archive} is not a readable tar.gz ({error})", f"delete {archive} and fetch it again"
        ) from None
    missing = sorted(set(expected) - set(found))
    if missing:
        raise HypeError(
            f"{archive} lacks {missing}", f"it is not the CIFAR-10 binary archive: delete {archive}"
        )
    for name, content in found.items():
        actual = hashlib.sha256(content).hexdigest()
        if actual != expected[name]:
            raise HypeError(
                f"{archive}:{name} has sha256 {actual}, expected {expected[name]}",
                f"delete {archive} and fetch it again",
            )
    for name, content in found.items():
        atomic_write_bytes(into / name, content)


def _archive_from_mirror() -> Path | None:
    mirror = mirror_dir()
    if mirror is None:
        return None
    for candidate in (mirror / "cifar10" / ARCHIVE, mirror / ARCHIVE):
        if candidate.is_file():
            return candidate
    return None


def _check_archive(path: Path) -> None:
    sha, md5 = hashlib.sha256(), hashlib.md5()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            sha.update(block)
            md5.update(block)
    if sha.hexdigest() != ARCHIVE_SHA256 or md5.hexdigest() != ARCHIVE_MD5:
        raise HypeError(
            f"{path} has sha256 {sha.hexdigest()} (md5 {md5.hexdigest()}), "
            f"expected {ARCHIVE_SHA256}",
            f"delete {path} and fetch it again",
        )


def _genuine_files() -> Path | None:
    """The folder of verified genuine ``.bin`` files, fetching them if possible; None when
    offline."""
    folder = _genuine_dir()
    if all(_verified(folder / name, sha) for name, sha in GENUINE_SHA256.items()):
        return folder
    archive = _archive_from_mirror()
    downloaded = False
    if archive is None:
        for url in (u for u in ARCHIVE_URLS if u not in _unreachable):
            try:
                archive = Path(
                    pooch.retrieve(
                        url,
                        known_hash=f"sha256:{ARCHIVE_SHA256}",
                        fname=ARCHIVE,
                        path=cache_dir() / "cifar10",
                        progressbar=True,
                    )
                )
                downloaded = True
                break
            except ValueError as error:  # pooch: hash mismatch (it deletes the bad file itself)
                raise HypeError(
                    f"{url} served a file that is not the CIFAR-10 archive ({error})",
                    "retry later or put a good copy in HYPE_DATA_MIRROR",
                ) from None
            except Exception:  # network failure: try the next host, then fall back
                _unreachable.add(url)
    if archive is None:
        return None
    _check_archive(archive)
    extract_archive(archive, folder)
    if downloaded:
        archive.unlink(missing_ok=True)
    return folder


def _lossy_bytes() -> tuple[dict[str, bytes], dict[str, str]]:
    mirror = mirror_dir()
    folder = mirror / LOSSY_FOLDER if mirror else None
    if folder is None or not folder.is_dir():
        raise HypeError(
            "CIFAR-10 could not be downloaded and no offline copy was found",
            f"connect to the network, or set HYPE_DATA_MIRROR to a folder holding {ARCHIVE}",
        )
    contents, hashes = {}, {}
    for name, expected in LOSSY_SHA256.items():
        path = folder / f"{name}.gz"
        if not path.is_file():
            raise HypeError(
                f"{path} is missing", f"restore the {LOSSY_FOLDER} mirror (see its SOURCES.md)"
            )
        try:
            content = gzip.decompress(path.read_bytes())
        except (OSError, EOFError, zlib.error) as error:
            raise HypeError(
                f"{path} is truncated or corrupt ({error})", "restore it from its SOURCES.md"
            ) from None
        actual = hashlib.sha256(content).hexdigest()
        if actual != expected:
            raise HypeError(
                f"{path} has content sha256 {actual}, expected {expected}",
                "restore it from its SOURCES.md",
            )
        contents[name] = content
        hashes[f"{LOSSY_FOLDER}/{name}"] = expected
    return contents, hashes


def load_cifar10(allow_lossy: bool = True) -> LabelledData:
    """CIFAR-10: x uint8 (N, 32, 32, 3) NHWC in 0-255, y int32 in 0-9; 50,000 train, 10,000 test.

    The genuine binary version when it is cached, in the mirror or downloadable; otherwise
    (``allow_lossy``) the JPEG-degraded offline copy, with ``note`` saying so.
    """
    folder = _genuine_files()
    if folder is not None:
        contents = {name: (folder / name).read_bytes() for name in GENUINE_SHA256}
        hashes, note = {f"cifar10/{name}": sha for name, sha in GENUINE_SHA256.items()}, ""
    elif allow_lossy:
        contents, hashes = _lossy_bytes()
        note = LOSSY_NOTE
        said = (
            f"note: the genuine CIFAR-10 could not be had; using the JPEG-degraded copy in "
            f"$HYPE_DATA_MIRROR/{LOSSY_FOLDER} (not the original pixels)"
        )
        if said not in _said:
            _said.add(said)
            print(said, file=sys.stderr)
    else:
        raise HypeError(
            "the genuine CIFAR-10 could not be downloaded",
            f"connect to the network, or put {ARCHIVE} in HYPE_DATA_MIRROR",
        )
    train = [parse_cifar_binary(contents[name], name) for name in TRAIN_FILES]
    x_test, y_test = parse_cifar_binary(contents[TEST_FILE], TEST_FILE)
    used(hashes)
    return LabelledData(
        x_train=np.concatenate([x for x, _ in train]),
        y_train=np.concatenate([y for _, y in train]),
        x_test=x_test,
        y_test=y_test,
        sha256=hashes,
        note=note,
    )
