"""The CIFAR-10 binary loader: parser, safe archive extraction, the lossy offline fallback.

Tiny files in the real formats, written in tmp_path; no network.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import tarfile

import numpy as np
import pytest

from shared.datasets import cifar10
from shared.errors import HypeError


def records(labels: list[int], seed: int = 0) -> tuple[bytes, np.ndarray]:
    """CIFAR-10 binary records and the NHWC images they hold."""
    rng = np.random.default_rng(seed)
    planes = rng.integers(0, 256, (len(labels), 3, 32, 32), dtype=np.uint8)  # R, G, B planes
    raw = b"".join(bytes([label]) + planes[i].tobytes() for i, label in enumerate(labels))
    return raw, planes.transpose(0, 2, 3, 1)


def test_parse_reads_planes_into_nhwc() -> None:
    raw, images = records([3, 9, 0])
    x, y = cifar10.parse_cifar_binary(raw)
    assert x.shape == (3, 32, 32, 3) and x.dtype == np.uint8
    np.testing.assert_array_equal(y, [3, 9, 0])
    np.testing.assert_array_equal(x, images)
    # Pixel (row 0, col 1) of image 0, green channel: byte 1 + 1024 + 1 of the record.
    assert x[0, 0, 1, 1] == raw[1 + 1024 + 1]


@pytest.mark.parametrize("raw", [b"", b"\x00" * 3072, records([1])[0] + b"\x01"])
def test_parse_refuses_partial_records(raw: bytes) -> None:
    with pytest.raises(HypeError, match="records"):
        cifar10.parse_cifar_binary(raw, "bad.bin")


def test_parse_refuses_labels_outside_0_9() -> None:
    raw = bytearray(records([1])[0])
    raw[0] = 10
    with pytest.raises(HypeError, match="label"):
        cifar10.parse_cifar_binary(bytes(raw))


def _tar(path, members: dict[str, bytes], extra: list[tarfile.TarInfo] = ()) -> None:
    with tarfile.open(path, "w:gz") as tar:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
        for info in extra:
            tar.addfile(info)


def test_extract_writes_only_known_members(tmp_path) -> None:
    contents = {"data_batch_1.bin": records([1, 2])[0], "test_batch.bin": records([4])[0]}
    expected = {name: hashlib.sha256(c).hexdigest() for name, c in contents.items()}
    evil = tarfile.TarInfo("../../escape.bin")
    evil.size = 0
    link = tarfile.TarInfo(f"{cifar10.MEMBER_DIR}/link")
    link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
    archive = tmp_path / "a.tar.gz"
    _tar(archive, {f"{cifar10.MEMBER_DIR}/{n}": c for n, c in contents.items()}, [evil, link])
    into = tmp_path / "out" / "deep"
    cifar10.extract_archive(archive, into, expected)
    assert sorted(p.name for p in into.iterdir()) == sorted(contents)
    assert not (tmp_path / "escape.bin").exists() and not (tmp_path / "out" / "escape.bin").exists()
    assert (into / "data_batch_1.bin").read_bytes() == contents["data_batch_1.bin"]


def test_extract_refuses_a_member_with_the_wrong_hash(tmp_path) -> None:
    archive = tmp_path / "a.tar.gz"
    _tar(archive, {f"{cifar10.MEMBER_DIR}/test_batch.bin": records([4])[0]})
    with pytest.raises(HypeError, match="sha256"):
        cifar10.extract_archive(archive, tmp_path / "out", {"test_batch.bin": "0" * 64})
    assert not (tmp_path / "out").exists()


def test_extract_refuses_an_archive_missing_members(tmp_path) -> None:
    archive = tmp_path / "a.tar.gz"
    _tar(archive, {"other/test_batch.bin": records([4])[0]})
    with pytest.raises(HypeError, match="lacks"):
        cifar10.extract_archive(archive, tmp_path / "out", {"test_batch.bin": "0" * 64})


def _lossy_mirror(tmp_path, monkeypatch) -> dict[str, bytes]:
    folder = tmp_path / "mirror" / cifar10.LOSSY_FOLDER
    folder.mkdir(parents=True)
    hashes, raws = {}, {}
    for i, name in enumerate([*cifar10.TRAIN_FILES, cifar10.TEST_FILE]):
        raw = records([i, (i + 1) % 10], seed=i)[0]
        packed = gzip.compress(raw, mtime=0)
        (folder / f"{name}.gz").write_bytes(packed)
        hashes[name], raws[name] = hashlib.sha256(raw).hexdigest(), raw
    monkeypatch.setattr(cifar10, "LOSSY_SHA256", hashes)
    monkeypatch.setenv("HYPE_DATA_MIRROR", str(tmp_path / "mirror"))
    monkeypatch.setenv("HYPE_DATA_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cifar10, "ARCHIVE_URLS", ())  # offline
    monkeypatch.setattr(cifar10, "_said", set())  # a fresh process: nothing said yet
    return raws


def test_offline_fallback_is_the_lossy_copy_and_says_so(tmp_path, monkeypatch, capsys) -> None:
    _lossy_mirror(tmp_path, monkeypatch)
    data = cifar10.load_cifar10()
    said = capsys.readouterr().err.strip().splitlines()
    assert len(said) == 1 and "JPEG-degraded" in said[0]
    assert data.x_train.shape == (10, 32, 32, 3) and data.x_test.shape == (2, 32, 32, 3)
    np.testing.assert_array_equal(data.y_train, [0, 1, 1, 2, 2, 3, 3, 4, 4, 5])
    assert "JPEG" in data.note
    assert set(data.sha256) == {f"{cifar10.LOSSY_FOLDER}/{n}" for n in cifar10.LOSSY_SHA256}
    with pytest.raises(HypeError, match="genuine"):
        cifar10.load_cifar10(allow_lossy=False)


def test_the_note_is_said_once_and_an_unreachable_host_tried_once(tmp_path, monkeypatch, capsys):
    _lossy_mirror(tmp_path, monkeypatch)
    tried = []

    def offline(url, **kwargs):
        tried.append(url)
        raise OSError("offline")

    monkeypatch.setattr(cifar10, "ARCHIVE_URLS", ("https://a.example/c.tar.gz",))
    monkeypatch.setattr(cifar10, "_unreachable", set())
    monkeypatch.setattr(cifar10.pooch, "retrieve", offline)
    for _ in range(2):  # a run loads CIFAR-10 twice: to check it, then to use it
        assert "JPEG" in cifar10.load_cifar10().note
    assert tried == ["https://a.example/c.tar.gz"]
    assert capsys.readouterr().err.count("JPEG-degraded") == 1


def test_lossy_copy_with_a_wrong_hash_is_refused(tmp_path, monkeypatch) -> None:
    _lossy_mirror(tmp_path, monkeypatch)
    (tmp_path / "mirror" / cifar10.LOSSY_FOLDER / "test_batch.bin.gz").write_bytes(
        gzip.compress(b"x")
    )
    with pytest.raises(HypeError, match="sha256"):
        cifar10.load_cifar10()


def test_a_recompressed_lossy_copy_is_the_same_data(tmp_path, monkeypatch) -> None:
    raws = _lossy_mirror(tmp_path, monkeypatch)
    before = cifar10.load_cifar10()
    for name, raw in raws.items():  # other .gz bytes (level, mtime), same content
        (tmp_path / "mirror" / cifar10.LOSSY_FOLDER / f"{name}.gz").write_bytes(
            gzip.compress(raw, 1, mtime=7)
        )
    after = cifar10.load_cifar10()
    assert after.sha256 == before.sha256 and (after.x_train == before.x_train).all()


def test_a_truncated_lossy_copy_is_one_clear_error(tmp_path, monkeypatch) -> None:
    _lossy_mirror(tmp_path, monkeypatch)
    path = tmp_path / "mirror" / cifar10.LOSSY_FOLDER / "test_batch.bin.gz"
    path.write_bytes(path.read_bytes()[:20])
    with pytest.raises(HypeError, match="truncated or corrupt"):
        cifar10.load_cifar10()


def test_genuine_archive_in_the_mirror_is_preferred(tmp_path, monkeypatch) -> None:
    raws = _lossy_mirror(tmp_path, monkeypatch)
    archive = tmp_path / "mirror" / cifar10.ARCHIVE
    _tar(archive, {f"{cifar10.MEMBER_DIR}/{n}": raw for n, raw in raws.items()})
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    monkeypatch.setattr(cifar10, "ARCHIVE_SHA256", digest)
    monkeypatch.setattr(cifar10, "ARCHIVE_MD5", hashlib.md5(archive.read_bytes()).hexdigest())
    monkeypatch.setattr(
        cifar10, "GENUINE_SHA256", {n: hashlib.sha256(r).hexdigest() for n, r in raws.items()}
    )
    data = cifar10.load_cifar10()
    assert data.note == "" and all(k.startswith("cifar10/") for k in data.sha256)
    assert (tmp_path / "cache" / "cifar10" / cifar10.MEMBER_DIR / "test_batch.bin").is_file()
    assert cifar10.load_cifar10().y_test.tolist() == data.y_test.tolist()  # now from the cache
