"""The shape docs/architecture.md promises: no import cycles between the kit's modules (imports inside
functions included, which is where cycles hide) and no part importing "upward"."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: folder -> the package it installs as (see setup.py)
FOLDERS = {"zerowaste": "zerowaste", "submission": "zerowaste.submission", "synth": "zerowaste.synth",
           "baselines": "zerowaste.baselines"}


def _module_name(path: Path) -> str:
    folder, *rest = path.relative_to(ROOT).with_suffix("").parts
    parts = [FOLDERS[folder], *rest]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for folder in FOLDERS for p in (ROOT / folder).rglob("*.py")
            if "configs" not in p.relative_to(ROOT).parts}


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """Kit modules that ``name`` imports anywhere in its file (top level or inside functions)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name and not name.startswith(target + "."):
                found.add(target)
    return found


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _cycles() -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in GRAPH:
        if v not in index:
            visit(v)
    return out


def test_the_graph_sees_the_kit() -> None:
    assert "zerowaste.contract" in GRAPH["zerowaste.submission.scoring"] | {
        m for dep in GRAPH["zerowaste.submission.scoring"] for m in GRAPH[dep]}
    assert len(MODULES) > 80


def test_no_import_cycles() -> None:
    assert _cycles() == []


@pytest.mark.parametrize(("part", "forbidden"), [
    ("zerowaste.contract", ("zerowaste.",)),
    ("zerowaste.data", ("zerowaste.submission", "zerowaste.synth", "zerowaste.baselines")),
    ("zerowaste.submission", ("zerowaste.synth", "zerowaste.baselines")),
    ("zerowaste.synth", ("zerowaste.submission", "zerowaste.baselines")),
])
def test_nothing_imports_upward(part: str, forbidden: tuple[str, ...]) -> None:
    allowed = {"zerowaste.errors", "zerowaste.io", "zerowaste.contract"} if part != "zerowaste.contract" else set()
    bad = sorted(f"{name} -> {dep}" for name, deps in GRAPH.items() if name == part or name.startswith(part + ".")
                 for dep in deps if dep.startswith(forbidden) and dep not in allowed and not dep.startswith(part))
    assert bad == []
