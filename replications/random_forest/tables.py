"""What a random-forest run stores: the ``Tables`` that ``experiment.run`` returns, the page and the
figures read, and ``measure`` grades from. Errors are test-set error rates in percent."""

from __future__ import annotations

from typing import NotRequired, TypedDict

# Breiman's data-set name -> the key in claim ids (``RF-T2-breast-sel``)
KEYS = {
    "glass": "glass",
    "breast cancer": "breast",
    "diabetes": "diabetes",
    "sonar": "sonar",
    "vowel": "vowel",
    "ionosphere": "ionosphere",
    "vehicle": "vehicle",
    "soybean": "soybean",
    "German credit": "german",
    "image": "image",
    "ecoli": "ecoli",
    "votes": "votes",
    "liver": "liver",
    "letters": "letters",
    "sat-images": "sat",
    "zip-code": "zip",
}
# Table 2 column -> claim-id suffix: Adaboost, Forest-RI with F chosen by OOB error, with F = 1,
# and one tree of that forest
COLUMNS = {"adaboost": "ada", "selection": "sel", "single": "single", "one_tree": "onetree"}
# Table 5 column -> claim-id suffix: Adaboost, Forest-RI, Forest-RC under 5% label noise
NOISE = {"adaboost": "ada", "selection": "ri", "rc": "rc"}


class Stats(TypedDict):
    mean: float
    sd: float | None  # over repeats (None for one repeat)
    se: float | None
    n: int  # repeats


class Table2Row(TypedDict):
    """One data set of Table 2 (every set of the replication, run or not)."""

    set: str
    key: str  # claim-id key (``KEYS``), or the set's name for a synthetic one
    repeats: int
    note: NotRequired[str]  # "not in this profile" when not run
    adaboost: NotRequired[Stats]
    selection: NotRequired[Stats]
    single: NotRequired[Stats]
    one_tree: NotRequired[Stats]
    oob: NotRequired[Stats]  # the out-of-bag estimate of Forest-RI's error
    rc: NotRequired[Stats]  # Forest-RC
    n_test: NotRequired[int]
    features_chosen: NotRequired[list[int]]


class NoiseColumn(TypedDict):
    clean: float  # mean test error without noise
    noisy: float  # with 5% of the training labels changed
    increase: float | None  # % increase of the mean (None when the clean error is 0)
    sd: float | None  # of the per-repeat change, in % of the clean mean


class NoiseRow(TypedDict):
    """One data set of Table 5 (§8)."""

    set: str
    key: str
    repeats: NotRequired[int]
    note: NotRequired[str]  # why it was not run
    adaboost: NotRequired[NoiseColumn]
    selection: NotRequired[NoiseColumn]
    rc: NotRequired[NoiseColumn]


class Protocol(TypedDict):
    trees: int
    boost_rounds: int
    small_repeats: int
    noise_repeats: int
    large_repeats: int
    synthetic_repeats: int


class Tables(TypedDict):
    table2: list[Table2Row]
    noise: list[NoiseRow]
    protocol: Protocol
