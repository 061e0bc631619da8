"""Every HYPE_* variable is checked when a command starts: one line naming it, its value and the
fix; an empty value is unset."""

from __future__ import annotations

import pytest

from shared.environment import VARIABLES, check_environment, help_text
from shared.errors import HypeError


def test_usable_values_pass(tmp_path):
    check_environment(
        {
            "HYPE_DATA_MIRROR": str(tmp_path),
            "HYPE_DATA_DIR": str(tmp_path / "not" / "made" / "yet"),
            "HYPE_STATE_DIR": str(tmp_path),
            "HYPE_DEBUG": "1",
            "HYPE_SOURCE_COMMIT": "653e38c",
            "HYPE_SOURCE_TREE_CLEAN": "0",
            "HYPE_SITE_URL": "https://example.github.io/history-of-hype/",
            "HYPE_CACHE": "",  # empty: as if unset
            "PATH": "/usr/bin",  # not ours
        }
    )


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("HYPE_DATA_DIR", "{file}", "is a file, not a folder"),
        ("HYPE_STATE_DIR", "{file}/below", "is not a writable folder"),
        ("HYPE_DATA_MIRROR", "{tmp}/missing", "is not a folder"),
        ("HYPE_DATA_MIRROR", "{file}", "is not a folder"),
        ("HYPE_CHECKPOINT_DIR", "{tmp}", "unknown environment variable HYPE_CHECKPOINT_DIR"),
        ("HYPE_DEBUG", "true", "is not 0 or 1"),
        ("HYPE_SOURCE_TREE_CLEAN", "yes", "is not 0 or 1"),
        ("HYPE_SOURCE_COMMIT", "main", "is not a commit hash"),
        ("HYPE_CHROMIUM", "{tmp}", "is not an executable file"),
        ("HYPE_SITE_URL", "example.org/hype", "is not an http"),
    ],
)
def test_an_unusable_value_is_one_line_with_the_fix(tmp_path, name, value, said):
    (tmp_path / "a-file").write_text("x")
    value = value.format(file=tmp_path / "a-file", tmp=tmp_path)
    with pytest.raises(HypeError, match=said) as error:
        check_environment({name: value})
    assert name in str(error.value) and " -> " in str(error.value)
    assert "\n" not in str(error.value)


def test_the_help_lists_every_variable():
    text = help_text()
    for name in VARIABLES:
        assert f"  {name} " in text, name
