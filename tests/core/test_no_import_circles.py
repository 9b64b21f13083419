"""No two modules of the package import each other, directly or through others.

Every import that runs counts: at the top of a module and inside a function (a deferred
import still ties the two modules together). Imports under ``if TYPE_CHECKING:`` do not
run, but a type named for the checker ties the two modules too: the second test counts
them, so that no circle is left even for types (a helper takes a Protocol, a callable or
the data instead of importing its owner). ``from package import module`` is an import of
that module.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import rollback_tui

ROOT = Path(rollback_tui.__file__).parent


def modules() -> dict[str, Path]:
    found = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _runs(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node of *tree* except what is under ``if TYPE_CHECKING:``."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from (n for child in node.orelse for n in (child, *_runs(child)))
            continue
        yield node
        yield from _runs(node)


def _all(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node of *tree*, under ``if TYPE_CHECKING:`` too."""
    return (node for node in ast.walk(tree) if node is not tree)


def imports(name: str, path: Path, known: dict[str, Path], *, types: bool = False) -> set[str]:
    """The package's modules that *name* imports (with *types*, for the type checker too)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    walk = _all if types else _runs
    for node in walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            subs = [f"{base}.{alias.name}" for alias in node.names]
            targets = [s for s in subs if s in known] or [base]
            if len(targets) < len(subs):  # names from the package itself, too
                targets.append(base)
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_the_package_has_no_import_circle() -> None:
    known = modules()
    graph = {name: imports(name, path, known) for name, path in known.items()}
    assert circles(graph) == []


def test_no_circle_even_for_types() -> None:
    """Counting the imports under ``if TYPE_CHECKING:``, no circle at all."""
    known = modules()
    graph = {name: imports(name, path, known, types=True) for name, path in known.items()}
    assert circles(graph) == []


def test_type_only_imports_are_read() -> None:
    """The check for types sees an import under ``if TYPE_CHECKING:``, the other does not."""
    source = "import p.b\nif TYPE_CHECKING:\n    import p.c\n"
    tree = ast.parse(source)
    seen = {ast.unparse(n) for n in _all(tree) if isinstance(n, ast.Import | ast.ImportFrom)}
    assert seen == {"import p.b", "import p.c"}


def test_a_circle_is_found() -> None:
    """The check itself: a deferred import back is a circle; a type-only one is not."""
    graph = {"p.a": {"p.b"}, "p.b": {"p.c"}, "p.c": {"p.a"}}
    assert circles(graph) == [["p.a", "p.b", "p.c"]]
    source = "import p.b\nif TYPE_CHECKING:\n    import p.c\ndef f():\n    from p import c\n"
    tree = ast.parse(source)
    seen = {ast.unparse(n) for n in _runs(tree) if isinstance(n, ast.Import | ast.ImportFrom)}
    assert seen == {"import p.b", "from p import c"}
