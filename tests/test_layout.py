"""The house rules of DESIGN.md, checked on the source: one-way imports, no import circles
(lazy imports inside functions count), parts never import their own package's face, no file
over 1,000 lines, a small top level, and a public API that imports lazily."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("pvplanner", "solver", "weather")
MAX_LINES = 1000


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources() -> dict[str, Path]:
    return {_module_name(p): p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))}


def _imports(path: Path, module: str, known: set[str]) -> set[str]:
    """Every project module this file imports, at the top or inside functions.

    ``from a.b import c`` counts as importing ``a.b.c`` when that is a module, else ``a.b``;
    importing ``a.b`` also imports the faces ``a`` (Python runs every parent ``__init__``).
    TYPE_CHECKING blocks do not run and do not count.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for n in ast.walk(node))
    found: set[str] = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base
                       for a in node.names]
        for target in targets:
            parts = target.split(".")
            for i in range(1, len(parts) + 1):
                name = ".".join(parts[:i])
                if name in known and name != module:
                    found.add(name)
    return found


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    sources = _sources()
    known = set(sources)
    return {name: _imports(path, name, known) for name, path in sources.items()}


def _faces_of(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def test_solver_and_weather_never_import_pvplanner(graph):
    wrong = {m: sorted(i for i in deps if i.split(".")[0] == "pvplanner")
             for m, deps in graph.items() if m.split(".")[0] in ("solver", "weather")}
    assert not {m: d for m, d in wrong.items() if d}


def test_nothing_imports_the_app(graph):
    wrong = {m: sorted(d for d in deps if d.startswith("pvplanner.app"))
             for m, deps in graph.items() if not m.startswith("pvplanner.app")}
    assert not {m: d for m, d in wrong.items() if d}


def _edges_without_faces(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """Drop the implicit edge to every parent face (``a.b.c`` runs ``a`` and ``a.b``): a face
    may import its own parts, and a part importing a sibling passes through the face, which
    Python has already started; those are not circles of the code. Explicit face imports by
    a part are caught by the next test."""
    out = {}
    for module, deps in graph.items():
        keep = set()
        for dep in deps:
            if module.startswith(dep + ".") and dep in graph:
                continue  # a parent face of this very module
            keep.add(dep)
        out[module] = keep
    return out


def test_a_part_never_imports_its_own_package_face():
    sources = _sources()
    assert sources
    wrong = []
    for module, path in sources.items():
        if path.name == "__init__.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        faces = set(_faces_of(module)) - {"pvplanner", "solver", "weather"}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module in faces and not node.level:
                # Even ``from pvplanner.report import charts`` goes through the face while
                # the face may be importing this very part: name the module itself.
                names = ", ".join(a.name for a in node.names)
                wrong.append(f"{module}: from {node.module} import {names}")
            if isinstance(node, ast.Import):
                wrong += [f"{module}: import {a.name}" for a in node.names if a.name in faces]
    assert not wrong


def test_no_import_circles(graph):
    edges = _edges_without_faces(graph)
    # Faces re-export their parts: an edge into a face stands for edges into its parts.
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for dep in sorted(edges.get(node, ())):
            if dep not in index:
                visit(dep)
                low[node] = min(low[node], low[dep])
            elif dep in on_stack:
                low[node] = min(low[node], index[dep])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for node in sorted(edges):
        if node not in index:
            visit(node)
    assert not cycles


def test_no_file_over_1000_lines():
    long = {str(p.relative_to(ROOT)): n for pkg in (*PACKAGES, "tests", "benchmarks")
            for p in (ROOT / pkg).rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long


def test_top_level_is_small():
    modules = sorted(p.name for p in (ROOT / "pvplanner").glob("*.py"))
    assert len(modules) < 16, modules


def test_public_api_is_lazy_and_complete():
    code = (
        "import sys, pvplanner\n"
        "heavy = [m for m in ('pandas', 'pvlib', 'highspy', 'streamlit') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "for name in ('plan', 'Scenario', 'Result', 'load_scenario', 'demo_scenario', 'errors'):\n"
        "    assert getattr(pvplanner, name) is not None, name\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
