"""The shape of the code: what one replication may take from another, and from where."""

from __future__ import annotations

import ast
import importlib
import inspect
import typing
from pathlib import Path

import pytest

from shared.claims import Measurement

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> list[str]:
    modules = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.module:
            modules.append(node.module)
        elif isinstance(node, ast.Import):
            modules += [alias.name for alias in node.names]
    return modules


def test_replications_share_only_public_names() -> None:
    """A piece several replications use is imported from its replication's package (its
    ``__init__`` lists it), never reached for in another replication's internal module."""
    reached = []
    for path in sorted((ROOT / "replications").glob("*/*.py")):
        own = path.parent.name
        for module in _imports(path):
            parts = module.split(".")
            if parts[0] == "replications" and len(parts) > 2 and parts[1] != own:
                reached.append(f"{path.relative_to(ROOT)}: {module}")
    assert not reached, "import these from the replication's package instead:\n" + "\n".join(
        reached
    )


def test_shared_never_imports_a_replication_module_by_name() -> None:
    """``shared/`` serves every replication; it finds them through the registry, not by import."""
    offenders = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in sorted((ROOT / "shared").rglob("*.py"))
        for module in _imports(path)
        if module.startswith("replications.")
    ]
    assert not offenders, "\n".join(offenders)


# --- Every replication has the same shape (issue 15, item 1) -----------------------------------

REPLICATIONS = sorted(p.parent.name for p in (ROOT / "replications").glob("*/claims.toml"))


def _own_imports(path: Path, own: str) -> list[str]:
    """The modules of replication ``own`` (or of another replication) that ``path`` imports."""
    return [m for m in _imports(path) if m.split(".")[0] == "replications" and m != "replications"]


@pytest.mark.parametrize("name", REPLICATIONS)
def test_every_replication_has_the_same_shape(name: str) -> None:
    """``tables.py`` declares ``Tables``; ``measure.py`` has ``measure(tables) -> {claim id:
    Measurement}``; ``experiment.run(config, *, key) -> Tables``; ``experiment.datasets(config)``
    names the data checked before the run."""
    tables = importlib.import_module(f"replications.{name}.tables")
    measure = importlib.import_module(f"replications.{name}.measure")
    experiment = importlib.import_module(f"replications.{name}.experiment")
    assert isinstance(tables.Tables, type), f"{name}/tables.py: Tables is not a type"
    signature = inspect.signature(experiment.run)
    params = list(signature.parameters.values())
    assert [p.name for p in params] == ["config", "key"], f"{name}: run{signature}"
    assert params[1].kind is inspect.Parameter.KEYWORD_ONLY, f"{name}: key is keyword-only"
    hints = typing.get_type_hints(experiment.run)
    assert hints["return"] is tables.Tables, f"{name}: run returns {hints['return']}"
    m_params = list(inspect.signature(measure.measure).parameters)
    assert m_params == ["tables"], f"{name}: measure{inspect.signature(measure.measure)}"
    m_hints = typing.get_type_hints(measure.measure)
    assert m_hints["tables"] is tables.Tables
    assert m_hints["return"] == dict[str, Measurement]
    assert callable(experiment.datasets)


@pytest.mark.parametrize("name", REPLICATIONS)
def test_report_and_figures_read_only_the_tables_type(name: str) -> None:
    """The page's fragments and figures are drawn from the results file and ``claims.toml``: from
    their own replication they import ``tables`` alone, from other replications nothing."""
    allowed = {f"replications.{name}.tables"}
    offenders = [
        f"{path.relative_to(ROOT)}: {module}"
        for part in ("report", "figures")
        if (path := ROOT / "replications" / name / f"{part}.py").is_file()
        for module in _own_imports(path, name)
        if module not in allowed
    ]
    assert not offenders, "\n".join(offenders)


@pytest.mark.parametrize("name", REPLICATIONS)
def test_measure_imports_no_experiment_code(name: str) -> None:
    """``measure`` is pure: from its replication it takes only ``tables``, so it runs on a stored
    results file without JAX training code."""
    path = ROOT / "replications" / name / "measure.py"
    offenders = [m for m in _own_imports(path, name) if m != f"replications.{name}.tables"]
    assert not offenders, f"{path.relative_to(ROOT)}: {offenders}"
