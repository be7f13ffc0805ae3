"""The import graph: vendors → payments ← tuition, every domain → market, nothing else
(market's factory and the demo excepted). Read from the source with ast, not by importing."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("market", "payments", "vendors", "tuition")
ALLOWED = {
    "market": {"market"},
    "payments": {"payments", "market"},
    "vendors": {"vendors", "payments", "market"},
    "tuition": {"tuition", "payments", "market"},
}
# The factory wires every domain in; nothing else in market may name one.
EXCEPTIONS = {"market/__init__.py"}


def imported_packages(path: Path) -> set[str]:
    """The top-level packages a module imports, anywhere in it (functions included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def edges() -> list[tuple[str, str, str]]:
    """(module path, its package, a package of ours it imports) for every module."""
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            for target in imported_packages(path) & set(PACKAGES) | (
                imported_packages(path) & {"demo", "bench", "tests"}
            ):
                found.append((name, package, target))
    return found


def test_no_module_imports_across_the_allowed_edges():
    wrong = [
        f"{name} imports {target}"
        for name, package, target in edges()
        if target not in ALLOWED[package] and name not in EXCEPTIONS
    ]
    assert wrong == []


def test_the_reader_finds_real_imports_and_the_graph_has_the_edges_it_should():
    seen = {(package, target) for _, package, target in edges() if package != target}
    assert {("vendors", "payments"), ("tuition", "payments"), ("payments", "market")} <= seen
    assert imported_packages(ROOT / "market" / "__init__.py") >= {"payments", "vendors"}


def test_a_forbidden_edge_is_caught(tmp_path):
    module = tmp_path / "x.py"
    module.write_text("def f():\n    from vendors.models import Vendor\n")
    assert "vendors" in imported_packages(module)
