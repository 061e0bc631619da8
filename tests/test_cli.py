"""The command line: bad input gets one line and a non-zero exit; results land atomically."""

from __future__ import annotations

import json

import pytest

from shared import cli
from shared.registry import all_replications, get


@pytest.mark.parametrize("argv", [
    ["replicate", "no-such-paper"],
    ["replicate", "xor", "--profile", "huge"],
    ["replicate", "xor", "--seed", "-1"],
    ["replicate", "xor", "--seeds", "0"],
])
def test_bad_input_is_one_line_and_exit_2(argv, capsys):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1


def test_unknown_name_lists_the_choices(capsys):
    cli.main(["replicate", "perceptrons"])
    assert "perceptron" in capsys.readouterr().err


def test_names_accept_session_spelling():
    assert get("replicate-xor").name == "xor"
    for replication in all_replications():
        assert get(replication.session).name == replication.name


def test_failed_run_leaves_previous_results(tmp_path, monkeypatch, capsys):
    out = tmp_path / "xor.json"
    out.write_text('{"previous": true}')

    def explode(config, *, seed):
        raise RuntimeError("boom")

    monkeypatch.setattr(get("xor").module("experiment"), "run", explode)
    assert cli.main(["replicate", "xor", "--profile", "smoke", "--out", str(out)]) == 1
    assert json.loads(out.read_text()) == {"previous": True}
    assert "internal error" in capsys.readouterr().err


def test_smoke_run_writes_results_with_provenance(tmp_path, capsys):
    out = tmp_path / "xor.json"
    assert cli.main(["replicate", "xor", "--profile", "smoke", "--seed", "2", "--out", str(out)]) == 0
    results = json.loads(out.read_text())
    assert results["profile"] == "smoke" and results["provenance"]["base_seed"] == 2
    assert all(row["verdict"] != "not run" for row in results["claims"])
    assert (tmp_path / "figures" / "xor" / "parity_order.png").exists()
    assert "MP-parity" in capsys.readouterr().out


def test_every_replication_has_both_profiles_and_a_run():
    for replication in all_replications():
        profiles = replication.module("config").PROFILES
        assert {"paper", "smoke"} <= set(profiles), replication.name
        assert callable(replication.module("experiment").run)
        assert profiles["paper"].__doc__, f"{replication.name}: the paper profile needs its docstring"
