"""The import graph of solver/: no circles, no pvplanner, parts never import the face.

Every ``import`` statement counts, wherever it stands: at module level, inside a function
(a lazy import) or under ``if TYPE_CHECKING``. The graph is read from the source with
:mod:`ast`, so nothing is imported to check it.
"""

from __future__ import annotations

import ast
from pathlib import Path

SOLVER = Path(__file__).resolve().parents[1] / "solver"
FACE = "solver"


def _modules() -> dict[str, Path]:
    """Dotted name of every module of the package -> its file."""
    out = {}
    for path in sorted(SOLVER.glob("*.py")):
        out[FACE if path.stem == "__init__" else f"{FACE}.{path.stem}"] = path
    return out


def _targets(node: ast.AST, known: dict[str, Path]) -> list[str]:
    """Modules of the project (or ``pvplanner...``) that one import statement names."""
    names: list[str] = []
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    elif isinstance(node, ast.ImportFrom):
        if node.level:  # relative: the house uses absolute imports only
            return [f"<relative import level {node.level}>"]
        base = node.module or ""
        names = []
        for alias in node.names:
            sub = f"{base}.{alias.name}"
            names.append(sub if sub in known else base)
    return [n for n in names if n == FACE or n.startswith(f"{FACE}.")
            or n.split(".")[0] == "pvplanner" or n.startswith("<")]


def import_graph() -> dict[str, set[str]]:
    """Module -> modules it imports (all statements, lazy ones included)."""
    known = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        edges: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                edges.update(_targets(node, known))
        graph[name] = edges
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module, or a module importing
    itself (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in graph:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1 or v in graph[v]:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_cycle_finder_finds_a_lazy_circle():
    graph = {"solver.a": {"solver.b"}, "solver.b": {"solver.a"}, "solver.c": {"solver.a"}}
    assert cycles(graph) == [["solver.a", "solver.b"]]
    tree = ast.parse("def f():\n    from solver.a import x\n")
    node = next(n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom))
    assert _targets(node, {"solver.a": Path("a.py")}) == ["solver.a"]


def test_no_import_circle_in_solver():
    graph = import_graph()
    assert "solver.api" in graph and len(graph) > 5
    assert cycles(graph) == []


def test_solver_never_imports_pvplanner_nor_its_own_face():
    for module, targets in import_graph().items():
        assert not any(t.startswith("pvplanner") for t in targets), module
        assert not any(t.startswith("<") for t in targets), module
        if module != FACE:
            assert FACE not in targets, f"{module} imports the package face {FACE!r}"
