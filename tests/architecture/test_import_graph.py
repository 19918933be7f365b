"""No first-party module imports itself back, however far round: the import graph has no cycle.

import-linter keeps the packages apart; this keeps each one a tree. The graph is read from the
source (the AST of every module under libs/*/src, services/*/src, tools/*/src), not from an
interpreter, so nothing is imported to check it. An edge is every import a module makes outside
its functions, including those under `if TYPE_CHECKING:` (a circle drawn for the type checker is
still a circle to a reader). `from package import name` points at the submodule when `name` is
one, else at the package itself.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SOURCE_ROOTS = sorted(REPO.glob("libs/*/src")) + sorted(REPO.glob("services/*/src"))
SOURCE_ROOTS += sorted(REPO.glob("tools/*/src"))

Graph = dict[str, set[str]]


def modules_under(root: Path) -> dict[str, tuple[Path, bool]]:
    """Dotted name -> (file, is a package) for every module below a src folder."""
    found: dict[str, tuple[Path, bool]] = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if parts[-1] == "__init__":
            found[".".join(parts[:-1])] = (path, True)
        else:
            found[".".join(parts)] = (path, False)
    return found


def module_level_imports(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    """Imports run when the module is imported: not those inside functions."""
    pending: list[ast.AST] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            pending.extend(ast.iter_child_nodes(node))


def known_prefix(name: str, known: set[str]) -> str | None:
    """`name`, or its nearest enclosing module that is first-party; None for third-party."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in known:
            return candidate
        parts.pop()
    return None


def imported_by(name: str, is_package: bool, tree: ast.Module, known: set[str]) -> set[str]:
    targets: set[str] = set()
    for node in module_level_imports(tree):
        if isinstance(node, ast.Import):
            bases = [alias.name for alias in node.names]
            targets.update(t for t in (known_prefix(b, known) for b in bases) if t)
            continue
        if node.level:
            package = name if is_package else name.rpartition(".")[0]
            for _ in range(node.level - 1):
                package = package.rpartition(".")[0]
            base = f"{package}.{node.module}" if node.module else package
        else:
            base = node.module or ""
        for alias in node.names:
            target = known_prefix(f"{base}.{alias.name}", known) or known_prefix(base, known)
            if target:
                targets.add(target)
    targets.discard(name)  # `from . import x` inside x's own package __init__ is not a loop
    return targets


def import_graph(roots: list[Path]) -> Graph:
    modules: dict[str, tuple[Path, bool]] = {}
    for root in roots:
        modules.update(modules_under(root))
    known = set(modules)
    return {
        name: imported_by(name, is_package, ast.parse(path.read_text(), str(path)), known)
        for name, (path, is_package) in modules.items()
    }


def cycles(graph: Graph) -> list[list[str]]:
    """One cycle (a → … → a) for every strongly connected group of modules (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group: set[str] = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_one_cycle(graph, group) for group in groups]


def _one_cycle(graph: Graph, group: set[str]) -> list[str]:
    """A shortest way round from the group's first module back to itself."""
    start = min(group)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for nxt in sorted(graph[node] & group):
                if nxt == start:
                    return [*paths[node], start]
                if nxt not in paths:
                    paths[nxt] = [*paths[node], nxt]
                    following.append(nxt)
        frontier = following
    raise AssertionError(f"no cycle through {start} in {sorted(group)}")


def test_every_source_root_is_read() -> None:
    graph = import_graph(SOURCE_ROOTS)
    for package in ("mauzo_common", "mauzo_query_api", "mauzo_olap_lite", "mauzo_cli"):
        assert package in graph
    assert "mauzo_query_api.graphql.schema" in graph["mauzo_query_api.app"]


def test_no_module_imports_itself_back() -> None:
    found = cycles(import_graph(SOURCE_ROOTS))
    assert not found, "import cycles:\n" + "\n".join(" -> ".join(c) for c in found)


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {
                "pkg/__init__.py": "",
                "pkg/a.py": "from pkg.b import x\n",
                "pkg/b.py": "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    from .a import y\n",
            },
            [["pkg.a", "pkg.b", "pkg.a"]],
        ),
        (
            {
                "pkg/__init__.py": "",
                "pkg/sub/__init__.py": "from . import c\n",
                "pkg/sub/c.py": "from .. import d\n",
                "pkg/d.py": "from pkg import sub\n",
            },
            [["pkg.d", "pkg.sub", "pkg.sub.c", "pkg.d"]],
        ),
        (
            {
                "pkg/__init__.py": "",
                "pkg/a.py": "def later():\n    from pkg import b\n",
                "pkg/b.py": "import pkg.a\nimport json\n",
            },
            [],
        ),
    ],
    ids=["type-checking-circle", "relative-through-package-init", "function-level-import"],
)
def test_cycles_are_named_from_the_source(
    tmp_path: Path, files: dict[str, str], expected: list[list[str]]
) -> None:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert cycles(import_graph([tmp_path])) == expected
