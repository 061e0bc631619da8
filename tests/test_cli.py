"""The command line: bad input gets one line and a non-zero exit; results land atomically."""

from __future__ import annotations

import json
import os

import pytest

from shared import cli, destinations
from shared.datasets import needs
from shared.errors import HypeError
from shared.registry import FIGURES_DIR, RESULTS_DIR, ROOT, all_replications, get


@pytest.mark.parametrize(
    "argv",
    [
        ["replicate", "no-such-paper"],
        ["replicate", "xor", "--profile", "huge"],
        ["replicate", "xor", "--seed", "-1"],
        ["replicate", "xor", "--seeds", "0"],
        ["replicate", "xor", "--frobnicate"],
    ],
)
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
    assert (
        cli.main(["replicate", "xor", "--profile", "smoke", "--seed", "2", "--out", str(out)]) == 0
    )
    results = json.loads(out.read_text())
    assert results["profile"] == "smoke" and results["provenance"]["base_seed"] == 2
    assert all(row["verdict"] != "not run" for row in results["claims"])
    assert (tmp_path / "figures" / "xor" / "parity_order.png").exists()  # drawn beside the results
    assert "figures" not in results  # captions are the site build's, not the results file's
    out = capsys.readouterr().out
    assert "MP-parity" in out and "figures in" in out


def test_every_replication_has_both_profiles_and_a_run():
    for replication in all_replications():
        profiles = replication.module("config").PROFILES
        assert {"paper", "smoke"} <= set(profiles), replication.name
        assert callable(replication.module("experiment").run)
        assert profiles["paper"].__doc__, (
            f"{replication.name}: the paper profile needs its docstring"
        )
        for name, make in profiles.items():  # every data set a profile loads is declared up front
            declared = replication.module("experiment").datasets(make())
            assert set(declared) <= set(needs.known()), (replication.name, name, declared)


def test_help_lists_replications_environment_and_examples_and_exits_0(capsys):
    with pytest.raises(SystemExit) as done:
        cli.main(["replicate", "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    for text in (
        "perceptron",
        "alexnet",
        "HYPE_DATA_MIRROR",
        "HYPE_DATA_DIR",
        "HYPE_STATE_DIR",
        "HYPE_DEBUG",
        "--device",
        "--publish",
        "examples:",
        "smoke",
    ):
        assert text in out, text


def _run_must_not_start(monkeypatch, name="xor"):
    def forbidden(config, *, seed):
        raise AssertionError("the run started")

    monkeypatch.setattr(get(name).module("experiment"), "run", forbidden)


def test_an_unwritable_results_folder_stops_before_the_run(tmp_path, monkeypatch, capsys):
    _run_must_not_start(monkeypatch)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert (
        cli.main(["replicate", "xor", "--profile", "smoke", "--out", str(blocker / "xor.json")])
        == 2
    )
    err = capsys.readouterr().err
    assert err.startswith("error: cannot write to") and err.count("\n") == 1


def test_missing_data_stops_before_the_run_with_one_line(tmp_path, monkeypatch, capsys):
    _run_must_not_start(monkeypatch)
    monkeypatch.setattr(get("xor").module("experiment"), "datasets", lambda config: ("usps",))
    (tmp_path / "empty-mirror").mkdir()
    monkeypatch.setenv("HYPE_DATA_MIRROR", str(tmp_path / "empty-mirror"))
    monkeypatch.setattr("pooch.retrieve", lambda *a, **k: (_ for _ in ()).throw(OSError("offline")))
    assert (
        cli.main(["replicate", "xor", "--profile", "smoke", "--out", str(tmp_path / "x.json")]) == 2
    )
    err = capsys.readouterr().err
    assert f"usps/zip.train.gz is not in HYPE_DATA_MIRROR={tmp_path / 'empty-mirror'}" in err
    assert err.count("\n") == 1


def test_a_truncated_mirror_file_stops_before_the_run(tmp_path, monkeypatch, capsys):
    import gzip

    _run_must_not_start(monkeypatch)
    monkeypatch.setattr(get("xor").module("experiment"), "datasets", lambda config: ("mnist",))
    (tmp_path / "mirror" / "mnist").mkdir(parents=True)
    (tmp_path / "mirror" / "mnist" / "train-images-idx3-ubyte.gz").write_bytes(
        gzip.compress(bytes(range(256)) * 40)[:100]
    )
    monkeypatch.setenv("HYPE_DATA_MIRROR", str(tmp_path / "mirror"))
    assert (
        cli.main(["replicate", "xor", "--profile", "smoke", "--out", str(tmp_path / "x.json")]) == 2
    )
    err = capsys.readouterr().err
    assert "train-images-idx3-ubyte.gz" in err and "truncated or corrupt" in err


def test_gpu_requested_without_one_is_one_line_before_any_work(tmp_path, monkeypatch, capsys):
    import jax

    if jax.default_backend() == "gpu":
        pytest.skip("this machine has a GPU")
    _run_must_not_start(monkeypatch)
    monkeypatch.setenv("JAX_PLATFORMS", os.environ.get("JAX_PLATFORMS", ""))  # main sets cuda
    argv = ["replicate", "xor", "--profile", "smoke", "--device", "gpu"]
    assert cli.main([*argv, "--out", str(tmp_path / "x.json")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --device gpu, but ") and err.count("\n") == 1
    assert not tmp_path.joinpath("x.json").exists()


@pytest.mark.parametrize("plugin", [True, False])
def test_a_gpu_backend_failing_with_an_empty_assertion_is_one_line(plugin, monkeypatch):
    """jax 0.10 without a usable CUDA backend: ``jax.devices("gpu")`` fails with a bare
    AssertionError (no message) rather than a RuntimeError."""
    import importlib.util

    import jax

    def no_backend(*args):
        raise AssertionError

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: (
            (object() if plugin else None)
            if name.startswith("jax_cuda")
            else real_find_spec(name, *a)
        ),
    )
    monkeypatch.setattr(jax, "devices", no_backend)
    reason = "AssertionError" if plugin else "the CUDA build of JAX is not installed"
    with pytest.raises(cli.HypeError, match=rf"no GPU is usable \({reason}\) -> drop") as error:
        cli.check_device("gpu", "replicate-alexnet")
    assert "`nox -s replicate-alexnet -- --device gpu`" in str(error.value)


@pytest.mark.parametrize(
    ("profile", "seed", "seeds", "dirty", "publish", "published"),
    [
        ("paper", 0, None, False, False, True),  # the deliberate publish
        ("paper", 1, None, False, False, False),  # another seed: runs/
        ("paper", 0, 3, False, False, False),  # another seed count: runs/
        ("smoke", 0, None, False, False, False),  # smoke never feeds the site
        ("paper", 0, None, True, False, False),  # a modified tree: runs/, unless asked
        ("paper", 0, None, True, True, True),  # ... asked explicitly (recorded as dirty)
    ],
)
def test_only_a_deliberate_publish_touches_the_site(
    profile, seed, seeds, dirty, publish, published
):
    import datetime as dt

    xor = get("xor")
    where = destinations.choose(
        xor,
        profile=profile,
        seed=seed,
        n_seeds=seeds,
        dirty=dirty,
        publish=publish,
        now=dt.datetime(2026, 11, 30, 1, 2, 3, tzinfo=dt.UTC),
    )
    assert where.published == published
    if published:
        assert where.results == RESULTS_DIR / "xor.json" and where.figures == FIGURES_DIR / "xor"
    else:
        assert (
            where.results
            == ROOT / "runs" / "xor" / f"20261130T010203Z-{profile}-seed{seed}" / "xor.json"
        )
        assert "not published" in where.reason


def test_publish_is_refused_for_anything_but_the_paper_defaults():
    with pytest.raises(cli.HypeError, match="only for the paper profile"):
        destinations.choose(
            get("xor"), profile="smoke", seed=0, n_seeds=None, dirty=False, publish=True
        )


def test_a_results_file_of_the_wrong_shape_names_the_file_and_field(tmp_path, capsys):
    bad = tmp_path / "xor.json"
    bad.write_text(json.dumps({"schema": 1, "replication": "xor", "claims": [], "tables": {}}))
    assert cli.main(["compare", str(bad), str(bad)]) == 2
    err = capsys.readouterr().err
    assert str(bad) in err and "'profile'" in err and err.count("\n") == 1


def test_compare_shows_changed_verdicts_and_exits_1(tmp_path, capsys):
    published = json.loads((RESULTS_DIR / "xor.json").read_text())
    other = json.loads(json.dumps(published))
    row = next(r for r in other["claims"] if r["id"] == "MP-xor-rule")
    row["ours"]["value"] = 0.5  # half the runs converge: the claim no longer holds
    (tmp_path / "a.json").write_text(json.dumps(published))
    (tmp_path / "b.json").write_text(json.dumps(other))
    assert cli.main(["compare", str(tmp_path / "a.json"), str(tmp_path / "a.json")]) == 0
    assert cli.main(["compare", str(tmp_path / "a.json"), str(tmp_path / "b.json")]) == 1
    assert "changed: MP-xor-rule" in capsys.readouterr().out


def test_claims_table_keeps_every_id_whole_at_80_columns(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COLUMNS", "80")
    results = json.loads((RESULTS_DIR / "random_forest.json").read_text())
    cli.print_claims(results, tmp_path / "x.json")
    out = capsys.readouterr().out
    assert max(len(line) for line in out.splitlines()) <= 80
    for row in results["claims"]:
        assert row["id"] in out, row["id"]


def test_without_the_dependencies_it_says_how_to_install(monkeypatch, capsys):
    monkeypatch.setattr(cli, "missing_packages", lambda: ["jax", "flax"])
    assert cli.main(["replicate", "xor"]) == 2
    err = capsys.readouterr().err
    assert "not installed" in err and "pip install -e ." in err


def test_runtimes_come_from_the_results_files(tmp_path):
    from shared.registry import measured_runtime

    assert measured_runtime(tmp_path / "none.json") == "not yet measured"
    text = measured_runtime(RESULTS_DIR / "xor.json")
    seconds = json.loads((RESULTS_DIR / "xor.json").read_text())["provenance"]["wall_seconds"][
        "total"
    ]
    assert text.startswith(f"{seconds:.0f} s on a ") and "CPU" in text


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        ("HYPE_DATA_DIR", "a-file", "HYPE_DATA_DIR={} is a file, not a folder"),
        ("HYPE_STATE_DIR", "a-file", "HYPE_STATE_DIR={} is a file, not a folder"),
        ("HYPE_DATA_MIRROR", "missing", "HYPE_DATA_MIRROR={} is not a folder"),
        ("HYPE_DATA_MIRRORS", "missing", "unknown environment variable HYPE_DATA_MIRRORS"),
        ("HYPE_DEBUG", "yes", "HYPE_DEBUG='yes' is not 0 or 1"),
    ],
)
def test_a_bad_hype_variable_is_one_line_before_anything_runs(
    variable, value, said, tmp_path, monkeypatch, capsys
):
    _run_must_not_start(monkeypatch)
    (tmp_path / "a-file").write_text("not a folder")
    path = tmp_path / value if value != "yes" else value
    monkeypatch.setenv(variable, str(path))
    out = tmp_path / "out" / "x.json"
    assert cli.main(["replicate", "xor", "--profile", "smoke", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {said.format(path)} -> ") and err.count("\n") == 1
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("failure", ["run", "data"])
def test_a_run_that_fails_leaves_no_folder_behind(failure, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(destinations, "RUNS_DIR", tmp_path / "runs")
    experiment = get("xor").module("experiment")
    if failure == "run":
        monkeypatch.setattr(
            experiment, "run", lambda config, *, key: (_ for _ in ()).throw(RuntimeError("boom"))
        )
    else:  # a data set that cannot be had: stops before the run
        monkeypatch.setattr(experiment, "datasets", lambda config: ("usps",))
        monkeypatch.delenv("HYPE_DATA_MIRROR", raising=False)
        monkeypatch.setattr("pooch.retrieve", lambda *a, **k: (_ for _ in ()).throw(OSError()))
    assert cli.main(["replicate", "xor", "--profile", "smoke"]) == {"run": 1, "data": 2}[failure]
    assert not (tmp_path / "runs").exists()


def _published_xor_with(tmp_path, name: str, **changes) -> str:
    """The published xor file with its profile, seed or seed count changed, as a path."""
    results = json.loads((RESULTS_DIR / "xor.json").read_text())
    for key, value in changes.items():
        if key == "profile":
            results["profile"] = results["provenance"]["profile"] = value
        else:
            results["provenance"][key] = value
    path = tmp_path / name
    path.write_text(json.dumps(results))
    return str(path)


def test_compare_refuses_another_profile_in_one_line_unless_forced(tmp_path, capsys):
    published = str(RESULTS_DIR / "xor.json")
    smoke = _published_xor_with(tmp_path, "smoke.json", profile="smoke", n_seeds=32)
    assert cli.main(["compare", published, smoke]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        "error: A and B differ in profile (A paper, B smoke), seed count (A 1000, B 32)"
    )
    assert err.count("\n") == 1 and "--force" in err
    assert cli.main(["compare", published, smoke, "--force"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("A and B differ in profile (A paper, B smoke)")
    assert "the smoke profile is scaled down" in out


def test_compare_names_another_seed_at_the_top_and_still_compares(tmp_path, capsys):
    other = _published_xor_with(tmp_path, "seed1.json", base_seed=1)
    assert cli.main(["compare", str(RESULTS_DIR / "xor.json"), other]) == 0
    out = capsys.readouterr().out
    assert out.startswith("A and B differ in seed (A 0, B 1)\n")
    assert "scaled down" not in out


def test_a_smoke_table_says_its_verdicts_grade_toy_numbers(tmp_path, capsys):
    results = json.loads((RESULTS_DIR / "xor.json").read_text())
    cli.print_claims(results, tmp_path / "x.json")
    assert "scaled down" not in capsys.readouterr().out
    results["profile"] = "smoke"
    cli.print_claims(results, tmp_path / "x.json")
    assert "the smoke profile is scaled down: its verdicts grade toy-scale" in " ".join(
        capsys.readouterr().out.split()
    )


def test_report_says_how_many_and_where_and_lists_only_when_verbose(monkeypatch, capsys):
    from website import report

    written = [report.GENERATED / "xor" / "claims.md", report.DOCS / "figures" / "xor" / "a.png"]
    monkeypatch.setattr(report, "write_site_fragments", lambda: written)
    assert cli.main(["report"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "wrote 1 fragments to site/docs/_generated/ and 1 figures to site/docs/figures/ "
        "(--verbose lists them)"
    ]
    assert cli.main(["report", "--verbose"]) == 0
    assert "site/docs/figures/xor/a.png" in capsys.readouterr().out.splitlines()


def test_help_through_nox_is_in_nox_form_with_the_same_options():
    from shared.run_options import nox_parser

    text = nox_parser("replicate-xor").format_help()
    assert text.startswith("usage: nox -s replicate-xor -- ")
    assert "python -m shared.cli" not in text and "see above" not in text
    assert "nox -s replicate-xor -- --out /tmp/xor.json" in text

    def options(parser):
        return {o for a in parser._actions for o in a.option_strings}

    replicate = next(
        a for a in cli.parser()._actions if hasattr(a, "choices") and a.choices
    ).choices["replicate"]
    assert options(nox_parser("replicate-xor")) == options(replicate)
    assert nox_parser("replicate-xor").parse_args(["--out", "x.json"]).out.name == "x.json"
    assert "--out" not in options(nox_parser("replicate-all", out=False))


def test_help_gives_each_profile_a_measured_time_or_says_not_measured(capsys):
    with pytest.raises(SystemExit):
        cli.main(["replicate", "--help"])
    out = capsys.readouterr().out
    assert "see above" not in out and "(seconds" not in out
    assert "not measured" in out and "(published)" in out


def test_nox_checks_the_options_with_nothing_installed_and_spares_one_go_runs_the_job_options():
    """nox's own Python has none of the project's dependencies: the checks it makes before it
    installs anything read the configs' source (``runs_as_jobs``, ``profile_names``), and agree
    with the configs themselves; ``replicate-all`` gives ``--stop-after``/``--workers`` only to
    the runs made of jobs."""
    from shared.run_options import check_run_options, without_job_options
    from shared.runtimes import runs_as_jobs

    for r in all_replications():  # the static reading agrees with the imported config
        module = r.module("config")
        paper = module.PROFILES["paper"]()
        assert runs_as_jobs(r) == (hasattr(module, "KEEPS_STATE") or hasattr(paper, "checkpoint"))
    assert [r.name for r in all_replications() if runs_as_jobs(r)] == ["alexnet", "adversarial"]
    good = {"profile": "paper", "seed": 0, "seeds": None, "workers": 2, "stop_after": "2h"}
    check_run_options(get("alexnet"), **good)
    for bad in ({"profile": "papr"}, {"workers": 0}, {"stop_after": "2x"}, {"seed": -1}):
        with pytest.raises(HypeError):
            check_run_options(get("alexnet"), **(good | bad))
    with pytest.raises(HypeError, match="xor runs in one go"):
        check_run_options(get("xor"), **good)
    options = ["--profile", "smoke", "--stop-after", "2h", "--workers=2", "--seed", "1"]
    assert without_job_options(options) == ["--profile", "smoke", "--seed", "1"]
