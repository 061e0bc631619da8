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
    """``shared/`` and ``website/`` serve every replication; they find them through the registry,
    not by import."""
    offenders = [
        f"{path.relative_to(ROOT)}: {module}"
        for half in HALVES
        for path in sorted((ROOT / half).rglob("*.py"))
        for module in _imports(path)
        if module.startswith("replications.")
    ]
    assert not offenders, "\n".join(offenders)


# --- Two halves: what runs a replication, what builds the site (issue 27) ----------------------

HALVES = ("shared", "website")
# The one import of the site half from the run half: `python -m shared.cli report` hands over to
# the site's report, imported inside main() only when that command runs.
SITE_DISPATCH = ("shared/cli.py", "main", "website.report")


def _located_imports(path: Path) -> list[tuple[str, str, int]]:
    """Every import of ``path`` (at module level or in a function) as (module, the function it
    is in or "" at module level, line); ``from X import Y`` gives X."""
    found = []

    def visit(node: ast.AST, function: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ImportFrom) and child.module and not child.level:
                found.append((child.module, function, child.lineno))
            elif isinstance(child, ast.Import):
                found.extend((alias.name, function, child.lineno) for alias in child.names)
            inner = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else ""
            visit(child, inner or function)

    visit(ast.parse(path.read_text(), filename=str(path)), "")
    return found


def test_the_run_half_never_imports_the_site_half() -> None:
    """``shared/`` runs a replication without the site: no module of it imports ``website``, but
    for the CLI's ``report`` command, which imports ``website.report`` in ``main`` when that
    command runs (so ``replicate``, ``compare`` and ``list`` never load it)."""
    reached = [
        (str(path.relative_to(ROOT)), function, module, line)
        for path in sorted((ROOT / "shared").rglob("*.py"))
        for module, function, line in _located_imports(path)
        if module.split(".")[0] == "website"
    ]
    assert [r[:3] for r in reached] == [SITE_DISPATCH], (
        "shared/ imports the site half (website/) only in "
        f"{SITE_DISPATCH[0]}'s {SITE_DISPATCH[1]}(), lazily, for `report`; found:\n"
        + "\n".join(f"{p}:{line} in {f or 'module level'}: {m}" for p, f, m, line in reached)
    )


def test_only_a_replications_report_imports_the_site_half() -> None:
    """A replication runs without the site too: of its files only ``report.py`` (the page's own
    fragments, written at the site build) may import ``website``; ``figures.py``, drawn at the end
    of every run, takes its helpers from ``shared.plots``."""
    offenders = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in sorted((ROOT / "replications").rglob("*.py"))
        if path.name != "report.py"
        for module in _imports(path)
        if module.split(".")[0] == "website"
    ]
    assert not offenders, "\n".join(offenders)


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _project_modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for top in (*HALVES, "replications")
        for path in sorted((ROOT / top).rglob("*.py"))
    }


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The project module that importing ``name`` loads last: the longest prefix that is one."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        if (prefix := ".".join(parts[:end])) in modules:
            return prefix
    return None


def import_graph() -> dict[str, set[str]]:
    """Which project modules each module of ``shared/``, ``website/`` and ``replications/``
    imports, anywhere in it (in functions too: a lazy import still closes a loop, it only hides
    it until it runs). ``from P import N`` is an import of ``P.N`` when that is a module."""
    modules = _project_modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                targets = [f"{node.module}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                continue
            for target in targets:
                if (found := _resolve(target, modules)) is not None and found != name:
                    graph[name].add(found)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One loop of imports as [a, b, ..., a], or [] when there is none (depth-first search)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return []


def test_find_cycle_finds_the_old_loop() -> None:
    """The check below can fail: the loop issue 27 broke is found, and a chain is not a loop."""
    loop = {"compare": {"report"}, "report": {"verification"}, "verification": {"compare"}}
    assert find_cycle(loop) == ["compare", "report", "verification", "compare"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_no_loop_of_imports_among_the_projects_modules() -> None:
    """No module of ``shared/``, ``website/`` or ``replications/`` imports, through any chain of
    imports (lazy ones included), a module that imports it back."""
    graph = import_graph()
    assert {"shared.cli", "shared.compare", "website.report"} <= graph.keys()
    cycle = find_cycle(graph)
    assert not cycle, "a loop of imports: " + " -> ".join(cycle)


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
