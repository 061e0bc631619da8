"""The shape of the code: what one replication may take from another, and from where."""

from __future__ import annotations

import ast
from pathlib import Path

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
