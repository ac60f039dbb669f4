"""Every runnable example (``>>>``) in every module of the kit runs and stays true.

Modules are found by walking the installed ``zerowaste`` package (``zerowaste.submission``,
``zerowaste.synth`` and ``zerowaste.baselines`` included), not from a hand-kept list: a new module's
examples are tested the day it is added. A module is imported only when its source holds an example doctest would run.
"""

from __future__ import annotations

import ast
import doctest
import importlib
import importlib.util
import pkgutil
from pathlib import Path

import pytest

import zerowaste

#: The parts installed under the namespace from their own folders (see setup.py).
PARTS = ("submission", "synth", "baselines")


def _walk() -> list[pkgutil.ModuleInfo]:
    infos = list(pkgutil.walk_packages(zerowaste.__path__, prefix="zerowaste."))
    for part in PARTS:
        package = importlib.import_module(f"zerowaste.{part}")
        infos += pkgutil.walk_packages(package.__path__, prefix=f"zerowaste.{part}.")
    return infos


def _runnable_examples(source: str) -> list[doctest.Example]:
    """The examples in a module's docstrings that doctest would run (not ``+SKIP``, not comments only)."""
    nodes = [n for n in ast.walk(ast.parse(source))
             if isinstance(n, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)]
    examples = []
    for node in nodes:
        docstring = ast.get_docstring(node, clean=True) or ""
        examples += doctest.DocTestParser().get_examples(docstring)
    return [e for e in examples if not e.options.get(doctest.SKIP) and not e.source.lstrip().startswith("#")]


def _modules_with_examples() -> list[str]:
    names = []
    for info in _walk():
        spec = importlib.util.find_spec(info.name)
        if spec is None or not spec.origin or not spec.origin.endswith(".py"):
            continue
        if _runnable_examples(Path(spec.origin).read_text(encoding="utf-8")):
            names.append(info.name)
    return sorted(set(names))


MODULES = _modules_with_examples()


def test_the_walk_reaches_every_part() -> None:
    parts = {name.split(".")[1] for name in MODULES}
    assert {"data", "submission", "synth", "baselines"} <= parts, parts
    assert len(MODULES) >= 40


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    assert result.attempted > 0, f"{name} has examples in its source but none in a docstring doctest reads"
