"""The dataset layer on tiny files in the real formats: IDX, gzip, USPS text; no network."""

from __future__ import annotations

import gzip
import hashlib
import struct

import numpy as np
import pooch
import pytest

from shared.datasets import RemoteFile, fetch
from shared.datasets.idx import parse_idx
from shared.datasets.usps import parse_usps
from shared.errors import HypeError


def idx_bytes(array: np.ndarray) -> bytes:
    """An IDX file as LeCun's files are written: magic (0, 0, 0x08, ndim), big-endian sizes."""
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(struct.pack(">I", d) for d in array.shape)
    return header + array.astype(np.uint8).tobytes()


@pytest.fixture
def images() -> np.ndarray:
    return np.arange(2 * 28 * 28, dtype=np.uint8).reshape(2, 28, 28)


def remote_for(content: bytes, name: str = "tiny-images-idx3-ubyte.gz") -> RemoteFile:
    return RemoteFile(
        "tiny", name, hashlib.sha256(content).hexdigest(), ("https://example.invalid/" + name,)
    )


def test_parse_idx_round_trip(images):
    assert np.array_equal(parse_idx(idx_bytes(images)), images)
    labels = np.array([3, 1, 4], np.uint8)
    assert np.array_equal(parse_idx(idx_bytes(labels)), labels)


@pytest.mark.parametrize("cut", [3, 10, -1])
def test_parse_idx_refuses_truncated(images, cut):
    with pytest.raises(HypeError, match="IDX|truncated|promises"):
        parse_idx(idx_bytes(images)[:cut])


def test_parse_idx_refuses_wrong_magic(images):
    with pytest.raises(HypeError, match="magic"):
        parse_idx(b"\x1f\x8b" + idx_bytes(images)[2:])


def test_fetch_finds_recompressed_mirror_copy(tmp_path, monkeypatch, images):
    content = idx_bytes(images)
    (tmp_path / "mirror" / "tiny").mkdir(parents=True)
    # A mirror re-compresses: a different .gz, the same content. The content hash still verifies.
    (tmp_path / "mirror" / "tiny" / "tiny-images-idx3-ubyte.gz").write_bytes(
        gzip.compress(content, compresslevel=1)
    )
    monkeypatch.setenv("HYPE_DATA_MIRROR", str(tmp_path / "mirror"))
    monkeypatch.setattr(
        pooch, "retrieve", lambda *a, **k: pytest.fail("downloaded despite the mirror")
    )
    path = fetch(remote_for(content))
    assert path.read_bytes() == content
    assert fetch(remote_for(content)) == path  # second call: from the cache


def test_fetch_refuses_checksum_mismatch(tmp_path, monkeypatch, images):
    (tmp_path / "tiny").mkdir()
    (tmp_path / "tiny" / "tiny-images-idx3-ubyte.gz").write_bytes(gzip.compress(idx_bytes(images)))
    monkeypatch.setenv("HYPE_DATA_MIRROR", str(tmp_path))
    wrong = RemoteFile("tiny", "tiny-images-idx3-ubyte.gz", "0" * 64, ())
    with pytest.raises(HypeError) as error:
        fetch(wrong)
    message = str(error.value)
    assert "0" * 64 in message and hashlib.sha256(idx_bytes(images)).hexdigest() in message
    assert "\n" not in message


def test_fetch_refuses_truncated_gzip(tmp_path, monkeypatch, images):
    (tmp_path / "tiny").mkdir()
    packed = gzip.compress(idx_bytes(images))
    (tmp_path / "tiny" / "tiny-images-idx3-ubyte.gz").write_bytes(packed[: len(packed) // 2])
    monkeypatch.setenv("HYPE_DATA_MIRROR", str(tmp_path))
    with pytest.raises(HypeError, match="truncated or corrupt"):
        fetch(remote_for(idx_bytes(images)))


def test_fetch_never_uses_a_corrupt_cached_file(tmp_path, monkeypatch, images):
    content = idx_bytes(images)
    remote = remote_for(content)
    cached = tmp_path / "cache" / "tiny" / remote.content_name
    cached.parent.mkdir(parents=True)
    cached.write_bytes(content[:-5])
    monkeypatch.setenv("HYPE_DATA_DIR", str(tmp_path / "cache"))
    with pytest.raises(HypeError, match="delete"):
        fetch(remote)


def test_fetch_without_mirror_or_network_says_what_to_do(monkeypatch, images):
    monkeypatch.delenv("HYPE_DATA_MIRROR", raising=False)

    def offline(*args, **kwargs):
        raise ConnectionError("no network")

    monkeypatch.setattr(pooch, "retrieve", offline)
    with pytest.raises(HypeError, match="HYPE_DATA_MIRROR"):
        fetch(remote_for(idx_bytes(images)))


def _offline(*args, **kwargs):
    raise ConnectionError("no network")


def test_a_mirror_without_the_file_names_the_folder_and_the_path(tmp_path, monkeypatch, images):
    (tmp_path / "mirror").mkdir()
    monkeypatch.setenv("HYPE_DATA_MIRROR", str(tmp_path / "mirror"))
    monkeypatch.setattr(pooch, "retrieve", _offline)
    with pytest.raises(HypeError) as error:
        fetch(remote_for(idx_bytes(images)))
    message = str(error.value)
    assert f"HYPE_DATA_MIRROR={tmp_path / 'mirror'}" in message
    assert str(tmp_path / "mirror" / "tiny" / "tiny-images-idx3-ubyte.gz") in message


@pytest.mark.parametrize("where", ["too deep", "too shallow"])
def test_a_mirror_one_level_off_names_the_right_folder(tmp_path, monkeypatch, images, where):
    content = idx_bytes(images)
    remote = RemoteFile("sets/tiny", "t.gz", hashlib.sha256(content).hexdigest(), ())
    mirror = tmp_path / "data"
    (mirror / "sets" / "tiny").mkdir(parents=True)
    (mirror / "sets" / "tiny" / "t.gz").write_bytes(gzip.compress(content))
    # Too deep: data/sets instead of data (the one above is right); too shallow: the folder
    # holding data (the one below is right).
    monkeypatch.setenv(
        "HYPE_DATA_MIRROR", str(mirror / "sets" if where == "too deep" else tmp_path)
    )
    monkeypatch.setattr(pooch, "retrieve", lambda *a, **k: pytest.fail("downloaded"))
    with pytest.raises(HypeError, match=f"set HYPE_DATA_MIRROR={mirror}$"):
        fetch(remote)


def test_download_attempts_print_no_log_line():
    """pooch logs "Downloading data from ..." at INFO for every attempt; only warnings pass."""
    import logging

    assert not pooch.get_logger().isEnabledFor(logging.INFO)


def test_fetch_downloads_and_verifies(tmp_path, monkeypatch, images):
    content = idx_bytes(images)
    monkeypatch.delenv("HYPE_DATA_MIRROR", raising=False)
    tried = []

    def fake_retrieve(url, known_hash, fname, path, progressbar):
        tried.append(url)
        if "first" in url:
            raise ConnectionError("403")
        target = path / fname
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(gzip.compress(content))
        return str(target)

    monkeypatch.setattr(pooch, "retrieve", fake_retrieve)
    remote = RemoteFile(
        "tiny",
        "t.gz",
        hashlib.sha256(content).hexdigest(),
        ("https://first.invalid/t.gz", "https://second.invalid/t.gz"),
    )
    assert fetch(remote).read_bytes() == content
    assert len(tried) == 2


def test_parse_usps_real_layout():
    rows = [
        " ".join(["3.0000"] + [f"{v:.4f}" for v in np.linspace(-1, 1, 256)]),
        " ".join(["7.0000"] + ["-1.0000"] * 256),
    ]
    x, y = parse_usps("\n".join(rows) + "\n")
    assert x.shape == (2, 16, 16) and list(y) == [3, 7] and x.min() == -1 and x.max() == 1


def test_parse_usps_refuses_short_rows():
    with pytest.raises(HypeError, match="257"):
        parse_usps("1.0 0.5 0.5\n")
