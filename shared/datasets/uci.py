"""The UCI data sets of Breiman (2001), "Random Forests", Table 1, from their upstream files.

Each file is fetched from the UCI repository or an exact copy (cache -> ``$HYPE_DATA_MIRROR``
-> download) and its content checked against a pinned sha256 (see the mirror's
``uci/SOURCES.md`` for where every copy came from). Parsers read the real UCI formats
(comma- or whitespace-separated, ``?`` for a missing value) and refuse anything else
with a one-line :class:`HypeError`.

Small sets (Breiman holds out a random 10%) load as :class:`Table`; the sets with a
fixed test set (letters, sat-images) as :class:`LabelledData`. Two files are rebuilt from
copies that agree rather than byte-proven originals (vowel-context.data, soybean-large.data);
their content is pinned like the rest. A file that cannot be had is a :class:`HypeError`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from shared.datasets.fetch import RemoteFile, fetch
from shared.datasets.labelled import LabelledData
from shared.errors import HypeError
from shared.record import used

UCI = "https://archive.ics.uci.edu/ml/machine-learning-databases/"
_GH = "https://raw.githubusercontent.com/"
_BROWNLEE = _GH + "jbrownlee/Datasets/d20fcb6402ae34e653d4513b00f39257bb37ed7f/"
_ROHIT = _GH + "rohitpaul23/density_based_clustering/9fca3d3f94fd740ed01084ba7e01ee622a53fc3b/"
_RAJDEEP = _GH + "rajdeep-cse17/Class_Imbalance/5ef9e2bc47419dd7b20d0a9f6bb1c665dfebd3a4/data/"
_GLVQ = (
    _GH + "CameronDiao/GLVQ-For-Classification-In-Randomized-NN-And-HDC/"
    "dec0fe3169b95a7dc8e224cf1aabcb6be914fc96/data/statlog-landsat/"
)

# file -> (folder, upstream path under UCI, content sha256, exact copies)
FILES: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    "glass.data": (
        "glass",
        "glass/glass.data",
        "dd67373f4baf2807345df02cbfef2093d342e61ad0d82a4fb79af43ef8ce449d",
        (_BROWNLEE + "glass.data",),
    ),
    "breast-cancer-wisconsin.data": (
        "breast-cancer-wisconsin",
        "breast-cancer-wisconsin/breast-cancer-wisconsin.data",
        "402c585309c399237740f635ef9919dc512cca12cbeb20de5e563a4593f22b64",
        (
            _BROWNLEE + "breast-cancer-wisconsin.data",
            _GH + "tranthn/class-machine-learning/"
            "aeecc0c42cce7f95470ae5bb3a298a6028d012af/data/breast-cancer-wisconsin.data",
        ),
    ),
    # removed from UCI: its URL is kept for reference, the copy serves
    "pima-indians-diabetes.data": (
        "pima-indians-diabetes",
        "pima-indians-diabetes/pima-indians-diabetes.data",
        "06f5b7c2cd7bca686fda4f92eab5f61e7ff6426a9acefa2e3dda04fc54293cf5",
        (_ROHIT + "pima.data",),
    ),
    "sonar.all-data": (
        "sonar",
        "undocumented/connectionist-bench/sonar/sonar.all-data",
        "e90434cdbf00fcf93ffa911fe447ae25606979658e60f1d32e155c3b5240234d",
        (
            _GH + "utomoreza/C1_LBB/d975b20a3a2013e682f46aa182f988323e8db0de/sonar.all-data",
            _GH + "rfigueror1/tareas_teoria_cerebro/"
            "7e3e4bfa8b250dd36d0be11907c3b5a5529d5759/sonar.all-data.csv",
        ),
    ),
    "ionosphere.data": (
        "ionosphere",
        "ionosphere/ionosphere.data",
        "46d52186b84e20be52918adb93e8fb9926b34795ff7504c24350ae0616a04bbd",
        (_ROHIT + "ionosphere.data",),
    ),
    "ecoli.data": (
        "ecoli",
        "ecoli/ecoli.data",
        "008bd8fbb1d8b34040c3c8c4e987cac2a7ebf116e008b140cc6441be5261ba1d",
        (
            _BROWNLEE + "ecoli.data",
            _GH + "pravjey/python/9ecb05c59e3616d46b2e4c4519007465d81f9c21/Ecoli/ecoli.data",
        ),
    ),
    "bupa.data": (
        "liver-disorders",
        "liver-disorders/bupa.data",
        "a166a3e7a6f4dc41aaaedc59a107e57d8adcaeb8821f0873d756982f1ea74c92",
        (_ROHIT + "liverdisorder.data",),
    ),
    "house-votes-84.data": (
        "house-votes-84",
        "voting-records/house-votes-84.data",
        "c87c14110a5ba91d4a1e313ec7392824458152bf071fa5f5452340488337936e",
        (),
    ),
    "german.data-numeric": (
        "statlog-german",
        "statlog/german/german.data-numeric",
        "2752b044394958ab6dd193a0b56ca0f0b3a2d8bc7cb8c008e35a5e84bbec02f8",
        (
            _GH + "KevinChittilapilly/Fairness-Research/"
            "586a031c8777efe33042cb60c3b84595e8964c7d/german.data-numeric.txt",
        ),
    ),
    "segmentation.data": (
        "image-segmentation",
        "image/segmentation.data",
        "ed5b5aee8081bbe875357149f73f50d7085e22cc0897f5b52eb7b52fea969a5b",
        (
            _GH + "SinghGauravKumar/Image-Segmentation/"
            "d6e33017ca6eb54ecb83c8637be03fda5e2303bc/segmentation.data",
            _GH + "yaronw/decision_trees_from_scratch/"
            "9fe4d3455fec734efb1ef8b7cbcc1f2bb48b8ab0/data/segmentation.data",
        ),
    ),
    "segmentation.test": (
        "image-segmentation",
        "image/segmentation.test",
        "2e9e966479d54c6aaec309059376dd9c89c1b46bf3a23aceeefb36d20d93a189",
        (
            _GH + "marcosvor/csvfiles/1cb1a2a1e9ce2c6ab457277cc8a0e8e46aec88d5/segmentation.test",
            _GH + "Ivesf1m/kcm_f_gh/15e4d86ee47480d953706d32bc8f688a191dad2f/segmentation.test",
        ),
    ),
    "letter-recognition.data": (
        "letter-recognition",
        "letter-recognition/letter-recognition.data",
        "2b89f3602cf768d3c8355267d2f13f2417809e101fc2b5ceee10db19a60de6e2",
        (
            _GH + "betterenvi/Adaboost-Muliclass/"
            "7eecaeb8b8c96d3b3fb37f56a5d1d91a7981834a/Downloads/letter-recognition.data",
        ),
    ),
    # Vowel and soybean-large.data are rebuilt from copies that agree, not byte-proven originals
    # (the mirror's SOURCES.md says how): their content is pinned, and only the UCI URL serves them.
    "vowel-context.data": (
        "vowel",
        "undocumented/connectionist-bench/vowel/vowel-context.data",
        "1e5c40bdd0b6705c75586eb23f5d9c3078e9588f48bc5c2c98da219fe83fff29",
        (),
    ),
    "soybean-large.data": (
        "soybean",
        "soybean/soybean-large.data",
        "04b99f2728ded9f544022d2b4f6cce0ebe11ef5c9d44f10e21acd7093876507e",
        (),
    ),
    "soybean-large.test": (
        "soybean",
        "soybean/soybean-large.test",
        "ff1c5f5c41ddc9a8e3746648a2fe5cafb6b0eef86bd49575decbb665e1b6a104",
        (
            _GH
            + "paulopieczarka/water-based-optimization/4735de6431927661f2b827e1f36010f3876be4d1/"
            "datasets/soybean-large.test",
        ),
    ),
    "sat.trn": (
        "satimage",
        "statlog/satimage/sat.trn",
        "e896dc88a960fa2404160fc4c3cb3dc53fcf4afd80ba920bf2d261bd42d12613",
        (_GLVQ + "sat.trn",),
    ),
    "sat.tst": (
        "satimage",
        "statlog/satimage/sat.tst",
        "4b9167b8a92baafafed7c8809aef86d0683a5e685c19d98d119fa6974f0f2479",
        (_GLVQ + "sat.tst",),
    ),
}
_VEHICLE_SHA = {
    "xaa": "091ec73ae54031aea8432d00caaef101a445eae13196039db9079b0eac13331d",
    "xab": "3fbc55ac03592425521df18d59ba2ed7ddca626b22f84f5fc3253ebda6b82145",
    "xac": "43536f3aadb2a285fa2ba6e13dacc7013c2298fbd728f011e88669bb44856b8d",
    "xad": "371b0de9ba3564d8220d8ad17c5f2f886bafebd2c486de1b0273ceb0c24d3035",
    "xae": "503f9c87feb46dfaab6e3c4275e121640a39c0b30b29f120e679ce8e3fbc7be2",
    "xaf": "460e14ec4746a1464d7a03671e09310695c348d6831452cb53172734a6a70531",
    "xag": "c279f285c353beaa661168e68feeac726cd446f076f717662635267d89006601",
    "xah": "467735394d1a058e15da81d51fd8e1147d425e7f53392ac6b8e730a34a02049e",
    "xai": "feba2f3aad6db050bc7acbd224cd4e0d32846865ab5cfc53cc59baea2e1ff484",
}
for (
    _part,
    _sha,
) in _VEHICLE_SHA.items():  # the only copy of xaa.dat is stored as a backup file, xaa.dat~
    FILES[f"{_part}.dat"] = (
        "statlog-vehicle",
        f"statlog/vehicle/{_part}.dat",
        _sha,
        (_RAJDEEP + f"{_part}.dat" + ("~" if _part == "xaa" else ""),),
    )


def remote(name: str) -> RemoteFile:
    """The :class:`RemoteFile` of one UCI file (upstream URL first, then exact copies)."""
    folder, path, sha, copies = FILES[name]
    return RemoteFile(f"uci/{folder}", name, sha, (UCI + path, *copies))


@dataclass(frozen=True)
class Table:
    """A data set without a fixed split: inputs (NaN where missing), class codes 0..K-1."""

    x: np.ndarray  # (n, M) float64
    y: np.ndarray  # (n,) int32
    classes: tuple[str, ...]
    sha256: dict[str, str] = field(default_factory=dict)
    note: str = ""


def rows_of(
    text: str,
    name: str,
    sep: str | None = ",",
    width: int | None = None,
    skip: Callable[[str], bool] = lambda line: False,
) -> list[list[str]]:
    """Split a UCI text file into fields (``sep=None``: whitespace); check the row width."""
    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or skip(line):
            continue
        fields = [f.strip() for f in line.split(sep)] if sep else line.split()
        if width is not None and len(fields) != width:
            raise HypeError(
                f"{name} line {number}: {len(fields)} fields, expected {width}",
                "the file is truncated or not the UCI original: fetch it again",
            )
        rows.append(fields)
    if not rows:
        raise HypeError(f"{name} holds no data rows", "fetch the file again")
    return rows


def numbers(rows: list[list[str]], name: str, missing: str = "?") -> np.ndarray:
    """Fields to float64; the UCI missing-value mark becomes NaN."""
    try:
        return np.array(
            [[np.nan if f == missing else float(f) for f in row] for row in rows], dtype=np.float64
        )
    except ValueError as error:
        raise HypeError(
            f"{name}: a non-numeric input field ({error})", "fetch the file again"
        ) from None


def codes(labels: list[str]) -> tuple[np.ndarray, tuple[str, ...]]:
    """Class names to codes 0..K-1, in sorted order of the names."""
    classes = tuple(sorted(set(labels)))
    index = {c: i for i, c in enumerate(classes)}
    return np.array([index[c] for c in labels], dtype=np.int32), classes


def parse_delimited(
    text: str,
    name: str,
    *,
    width: int,
    label: int,
    drop: tuple[int, ...] = (),
    sep: str | None = ",",
    skip: Callable[[str], bool] = lambda line: False,
) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """The common UCI layout: one case per line, the class in column ``label``, ``?`` missing."""
    rows = rows_of(text, name, sep, width, skip)
    label = label % width
    keep = [i for i in range(width) if i != label and i not in drop]
    y, classes = codes([row[label] for row in rows])
    return numbers([[row[i] for i in keep] for row in rows], name), y, classes


def parse_votes(
    text: str, name: str = "house-votes-84.data"
) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """Votes: party, then 16 votes y/n/?. The .names file says '?' is not unknown but "neither
    yea nor nay" (abstained, paired...), so it is a third value: y = 1, ? = 0, n = -1."""
    rows = rows_of(text, name, ",", 17)
    value = {"y": 1.0, "n": -1.0, "?": 0.0}
    try:
        x = np.array([[value[f] for f in row[1:]] for row in rows])
    except KeyError as error:
        raise HypeError(f"{name}: vote {error} is not y, n or ?", "fetch the file again") from None
    y, classes = codes([row[0] for row in rows])
    return x, y, classes


def _segmentation_header(line: str) -> bool:
    return line.startswith(";") or line.startswith("REGION-CENTROID-COL")


# name -> (files, parser of one file's text); files of a set are concatenated (vehicle, image).
_SMALL: dict[str, tuple[tuple[str, ...], Callable[[str, str], tuple]]] = {
    "glass": (("glass.data",), lambda t, n: parse_delimited(t, n, width=11, label=-1, drop=(0,))),
    "breast cancer": (
        ("breast-cancer-wisconsin.data",),
        lambda t, n: parse_delimited(t, n, width=11, label=-1, drop=(0,)),
    ),
    "diabetes": (
        ("pima-indians-diabetes.data",),
        lambda t, n: parse_delimited(t, n, width=9, label=-1),
    ),
    "sonar": (("sonar.all-data",), lambda t, n: parse_delimited(t, n, width=61, label=-1)),
    "vowel": (
        ("vowel-context.data",),  # train/test flag, speaker, sex, 10 inputs, class
        lambda t, n: parse_delimited(t, n, width=14, label=-1, drop=(0, 1, 2), sep=None),
    ),
    "ionosphere": (("ionosphere.data",), lambda t, n: parse_delimited(t, n, width=35, label=-1)),
    "vehicle": (
        tuple(f"{p}.dat" for p in _VEHICLE_SHA),
        lambda t, n: parse_delimited(t, n, width=19, label=-1, sep=None),
    ),
    "soybean": (
        ("soybean-large.data", "soybean-large.test"),
        lambda t, n: parse_delimited(t, n, width=36, label=0),
    ),
    "German credit": (
        ("german.data-numeric",),
        lambda t, n: parse_delimited(t, n, width=25, label=-1, sep=None),
    ),
    "image": (
        ("segmentation.data", "segmentation.test"),
        lambda t, n: parse_delimited(t, n, width=20, label=0, skip=_segmentation_header),
    ),
    "ecoli": (
        ("ecoli.data",),
        lambda t, n: parse_delimited(t, n, width=9, label=-1, drop=(0,), sep=None),
    ),
    "votes": (("house-votes-84.data",), parse_votes),
    "liver": (("bupa.data",), lambda t, n: parse_delimited(t, n, width=7, label=-1)),
}
SMALL = tuple(_SMALL)
LARGE = ("letters", "sat-images")


def load_table(name: str) -> Table:
    """One of Breiman's small sets (Table 1, first 13 rows), all files of it joined."""
    if name not in _SMALL:
        raise HypeError(f"unknown UCI set {name!r}", f"choose one of: {', '.join(SMALL)}")
    files, parse = _SMALL[name]
    remotes = [remote(f) for f in files]
    parts = [parse(fetch(r).read_text(), r.name) for r in remotes]
    names = sorted({c for _, _, classes in parts for c in classes})
    index = {c: i for i, c in enumerate(names)}
    y = np.concatenate(
        [np.array([index[classes[k]] for k in yy], np.int32) for _, yy, classes in parts]
    )
    x = np.concatenate([xx for xx, _, _ in parts])
    used({r.key: r.sha256 for r in remotes})
    return Table(x, y, tuple(names), sha256={r.key: r.sha256 for r in remotes})


def load_split(name: str) -> LabelledData:
    """A large set on its fixed test set: letters (first 15,000 / last 5,000), sat-images."""
    if name == "letters":
        r = remote("letter-recognition.data")
        x, y, _ = parse_delimited(fetch(r).read_text(), r.name, width=17, label=0)
        used({r.key: r.sha256})
        return LabelledData(x[:15000], y[:15000], x[15000:], y[15000:], sha256={r.key: r.sha256})
    if name == "sat-images":
        train, test = remote("sat.trn"), remote("sat.tst")
        x_train, y_train, c_train = parse_delimited(
            fetch(train).read_text(), train.name, width=37, label=-1, sep=None
        )
        x_test, y_test, c_test = parse_delimited(
            fetch(test).read_text(), test.name, width=37, label=-1, sep=None
        )
        if c_train != c_test:
            raise HypeError("sat.trn and sat.tst have different classes", "fetch both files again")
        used({train.key: train.sha256, test.key: test.sha256})
        return LabelledData(
            x_train,
            y_train,
            x_test,
            y_test,
            sha256={train.key: train.sha256, test.key: test.sha256},
        )
    raise HypeError(f"unknown large UCI set {name!r}", f"choose one of: {', '.join(LARGE)}")
