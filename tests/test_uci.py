"""UCI parsers on tiny files in the real formats, and the loader's refusals (no network)."""

from __future__ import annotations

import numpy as np
import pytest

from shared.datasets import uci
from shared.errors import HypeError

BREAST = """1000025,5,1,1,1,2,1,3,1,1,2
1002945,5,4,4,5,7,10,3,2,1,2
1057013,8,4,5,1,2,?,7,3,1,4
"""
VOTES = """republican,n,y,n,y,y,y,n,n,n,y,?,y,y,y,n,y
democrat,?,y,y,?,y,y,n,n,n,n,y,n,y,y,n,n
"""
SEGMENTATION = f""";;; -*- Mode:Common-Lisp; Base:10 -*-
;;; *-* Last-edit: 11/21/90 15:28:30 by Brodley; *-*

REGION-CENTROID-COL,REGION-CENTROID-ROW,REGION-PIXEL-COUNT,SHORT-LINE-DENSITY-5,\
SHORT-LINE-DENSITY-2,VEDGE-MEAN,VEDGE-SD,HEDGE-MEAN,HEDGE-SD,INTENSITY-MEAN,RAWRED-MEAN,\
RAWBLUE-MEAN,RAWGREEN-MEAN,EXRED-MEAN,EXBLUE-MEAN,EXGREEN-MEAN,VALUE-MEAN,SATURATION-MEAN,\
HUE-MEAN{" "}

BRICKFACE,140.0,125.0,9,0.0,0.0,0.2777779,0.06296301,0.66666675,0.31111118,6.185185,7.3333335,7.6666665,3.5555556,3.4444444,4.4444447,-7.888889,7.7777777,0.5456349,-1.1218182
SKY,188.0,133.0,9,0.0,0.0,0.33333334,0.26666674,0.5,0.077777736,6.6666665,8.333334,7.7777777,3.8888888,5.0,3.3333333,-8.333333,8.444445,0.53858024,-0.92481726
"""
ECOLI = """AAT_ECOLI   0.49  0.29  0.48  0.50  0.56  0.24  0.35   cp
ACEA_ECOLI  0.07  0.40  0.48  0.50  0.54  0.35  0.44   im
"""
# Statlog pads 3-letter class names with a trailing space
VEHICLE = (
    "95 48 83 178 72 10 162 42 20 159 176 379 184 70 6 16 187 197 van \n"
    "104 50 106 209 66 10 207 32 23 158 223 635 220 73 14 9 188 196 saab\n"
)


def test_breast_cancer_format_drops_the_id_and_marks_missing_values() -> None:
    x, y, classes = uci.parse_delimited(BREAST, "breast", width=11, label=-1, drop=(0,))
    assert x.shape == (3, 9)
    assert np.isnan(x[2, 5]) and np.isnan(x).sum() == 1
    assert classes == ("2", "4") and y.tolist() == [0, 0, 1]
    assert x[0, 0] == 5.0  # the sample code number is not an input


def test_votes_question_mark_is_a_third_value_not_missing() -> None:
    x, y, classes = uci.parse_votes(VOTES)
    assert x.shape == (2, 16) and not np.isnan(x).any()
    assert x[0, :3].tolist() == [-1.0, 1.0, -1.0] and x[0, 10] == 0.0 and x[1, 0] == 0.0
    assert classes == ("democrat", "republican") and y.tolist() == [1, 0]


def test_segmentation_skips_its_lisp_header_and_takes_the_class_first() -> None:
    x, y, classes = uci.parse_delimited(
        SEGMENTATION, "segmentation.data", width=20, label=0, skip=uci._segmentation_header
    )
    assert x.shape == (2, 19) and classes == ("BRICKFACE", "SKY")
    assert x[0, 0] == 140.0


def test_whitespace_formats_ecoli_and_vehicle() -> None:
    x, _, classes = uci.parse_delimited(ECOLI, "ecoli", width=9, label=-1, drop=(0,), sep=None)
    assert x.shape == (2, 7) and classes == ("cp", "im")
    x, _, classes = uci.parse_delimited(VEHICLE, "xaa.dat", width=19, label=-1, sep=None)
    assert x.shape == (2, 18) and classes == ("saab", "van")


def test_bad_rows_are_one_line_errors() -> None:
    with pytest.raises(HypeError, match="line 2: 10 fields, expected 11"):
        uci.parse_delimited(
            "1,2,3,4,5,6,7,8,9,10,2\n1,2,3,4,5,6,7,8,9,2\n", "f", width=11, label=-1
        )
    with pytest.raises(HypeError, match="non-numeric"):
        uci.parse_delimited("1,x,3\n", "f", width=3, label=-1)
    with pytest.raises(HypeError, match="no data rows"):
        uci.parse_delimited("\n\n", "f", width=3, label=-1)
    with pytest.raises(HypeError, match="is not y, n or"):
        uci.parse_votes("democrat" + ",x" * 16 + "\n")


def test_every_set_is_pinned_and_a_missing_file_names_its_upstream(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    monkeypatch.setenv("HYPE_DATA_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("HYPE_DATA_MIRROR", str(tmp_path / "empty"))
    monkeypatch.setattr("pooch.retrieve", lambda *a, **k: (_ for _ in ()).throw(OSError("offline")))
    with pytest.raises(HypeError, match="vowel-context.data is not in HYPE_DATA_MIRROR=") as error:
        uci.load_table("vowel")
    assert "archive.ics.uci.edu" in str(error.value) and "HYPE_DATA_MIRROR" in str(error.value)


def test_a_wrong_mirror_copy_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    (tmp_path / "mirror" / "uci" / "glass").mkdir(parents=True)
    (tmp_path / "mirror" / "uci" / "glass" / "glass.data").write_text("1,1.5,13,4,1,71,0,8,0,0,1\n")
    monkeypatch.setenv("HYPE_DATA_MIRROR", str(tmp_path / "mirror"))
    monkeypatch.setenv("HYPE_DATA_DIR", str(tmp_path / "cache"))
    with pytest.raises(HypeError, match="expected dd67373f"):
        uci.load_table("glass")


def test_every_file_has_the_uci_url_first_and_copies_after() -> None:
    for name in uci.FILES:
        folder, path, sha, copies = uci.FILES[name]
        assert len(sha) == 64, name
        urls = uci.remote(name).urls
        assert urls[0] == uci.UCI + path and all(u.startswith("https://") for u in urls)


SIZES = {
    "glass": (214, 9, 6),
    "breast cancer": (699, 9, 2),
    "diabetes": (768, 8, 2),
    "sonar": (208, 60, 2),
    "ionosphere": (351, 34, 2),
    "vehicle": (846, 18, 4),
    "German credit": (1000, 24, 2),
    "image": (2310, 19, 7),
    "ecoli": (336, 7, 8),
    "votes": (435, 16, 2),
    "liver": (345, 6, 2),
    # Breiman's Table 1 says 990 vowel cases and 685 soybean cases; the UCI soybean-large files
    # hold 683.
    "vowel": (990, 10, 11),
    "soybean": (683, 35, 19),
}


@pytest.mark.parametrize("name", sorted(SIZES))
def test_mirrored_sets_match_breiman_table_1(name: str) -> None:
    """Breiman (2001) Table 1: cases, inputs, classes (needs the offline mirror, no network)."""
    import os

    if not os.environ.get("HYPE_DATA_MIRROR"):
        pytest.skip("HYPE_DATA_MIRROR not set")
    table = uci.load_table(name)
    assert (len(table.y), table.x.shape[1], len(table.classes)) == SIZES[name]


def test_sat_images_match_breiman_table_1() -> None:
    """Breiman (2001) Table 1: sat-images, 4,435 training and 2,000 test cases, 36 inputs, 6
    classes."""
    import os

    if not os.environ.get("HYPE_DATA_MIRROR"):
        pytest.skip("HYPE_DATA_MIRROR not set")
    data = uci.load_split("sat-images")
    assert data.x_train.shape == (4435, 36) and data.x_test.shape == (2000, 36)
    assert len(set(data.y_train.tolist())) == 6
