"""Issue #17.1: the API and the pages are routers on the app's context; neither imports the app or
the other, and no server module hides an import inside a function to break a cycle."""

import ast
from pathlib import Path

SERVER = Path(__file__).parents[2] / "submission" / "server"


def local_imports(path: Path) -> dict[str, bool]:
    """``{module: imported inside a function}`` for the relative imports of a server module."""
    found: dict[str, bool] = {}
    tree = ast.parse(path.read_text())
    nested = {id(n) for f in ast.walk(tree) if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
              for n in ast.walk(f)}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            names = [node.module] if node.module else [a.name for a in node.names]
            for name in names:
                found[name.split(".")[0]] = found.get(name.split(".")[0], False) or id(node) in nested
    return found


def test_no_import_cycle_between_the_app_the_api_and_the_pages():
    graph = {p.stem: local_imports(p) for p in SERVER.glob("*.py")}
    for module in ("api", "pages", "uploads", "context"):
        assert "app" not in graph[module], f"{module}.py imports app.py"
    assert "pages" not in graph["api"] and "api" not in graph["pages"]
    assert graph["pages"]["uploads"] is False and graph["api"]["uploads"] is False  # top-level imports

    def reaches(start: str, target: str, seen: set[str]) -> bool:
        for dep in graph.get(start, {}):
            if dep == target or (dep not in seen and reaches(dep, target, seen | {dep})):
                return True
        return False

    cycles = [m for m in graph if reaches(m, m, {m})]
    assert cycles == [], f"import cycles through: {cycles}"
