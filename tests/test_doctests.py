"""The docstring examples of pvplanner/, solver/ and weather/, run as tests.

Every module whose source holds a ``>>>`` example is imported and its examples run with the
standard library's doctest, inside pytest so that the test-wide guards of ``conftest.py`` (no
internet, a private weather cache) hold for them too. ``pvplanner/app`` is left out: its
modules are Streamlit pages that draw on import. The modules are found on disk, so a new
module's examples are collected without a list to keep up to date.
"""

from __future__ import annotations

import doctest
import importlib
import io
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("pvplanner", "solver", "weather")
EXCLUDED = ("pvplanner.app",)


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules_with_examples() -> list[str]:
    names = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            name = _module_name(path)
            if name.startswith(EXCLUDED):
                continue
            if ">>>" in path.read_text(encoding="utf-8"):
                names.append(name)
    return names


MODULES = _modules_with_examples()


def test_the_collector_finds_the_examples():
    # a guard against collecting nothing (a moved package, a broken path)
    assert "pvplanner.pv.physics" in MODULES
    assert "weather.cache" in MODULES
    assert not any(name.startswith(EXCLUDED) for name in MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    report = io.StringIO()
    for test in finder.find(module, name):  # globals: a copy of the module's
        runner.run(test, out=report.write)
    results = runner.summarize(verbose=False)
    assert results.failed == 0, report.getvalue()
    # a module whose every example is skipped checks nothing: run one or drop the prompt
    assert results.attempted > 0, f"{name}: all docstring examples are skipped"
