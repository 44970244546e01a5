"""The layout of the code: stages import in one direction, modules form no import cycle,
and no product file refers to anything outside the repository (docs/architecture.md)."""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
# folder → the policykg package it is (setup.cfg's package_dir)
PACKAGES = {"graph": "graph", "shapes": "shapes", "server": "server", "cli": "cli"}
# what each stage may import, besides itself
ALLOWED = {
    "graph": set(),
    "shapes": {"graph"},
    "server": {"graph", "shapes"},
    "cli": {"graph", "shapes", "server"},
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return "policykg." + ".".join(parts)


def modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for folder in PACKAGES
        for path in sorted((ROOT / folder).rglob("*.py"))
    }


def module_level(tree: ast.AST) -> list[ast.AST]:
    """The nodes of a module outside its functions (a function may import on demand)."""
    found, stack = [], [tree]
    while stack:
        node = stack.pop()
        found.append(node)
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            stack.extend(ast.iter_child_nodes(node))
    return found


def imports_of(name: str, path: Path, anywhere: bool = True) -> set[str]:
    """The policykg modules a module imports (relative imports resolved): anywhere in it,
    or only at module level (TYPE_CHECKING blocks included)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree) if anywhere else module_level(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    known = modules()
    return {t for t in found if t in known and t != name}


def stage(name: str) -> str:
    return name.split(".")[1]


def test_stages_import_in_one_direction_and_nothing_imports_cli():
    wrong = sorted(
        (name, target)
        for name, path in modules().items()
        for target in imports_of(name, path)
        if stage(target) != stage(name) and stage(target) not in ALLOWED[stage(name)]
    )
    assert wrong == []


def test_modules_form_no_import_cycle_at_module_level():
    graph = {name: imports_of(name, path, anywhere=False) for name, path in modules().items()}
    cycles = []

    def visit(node: str, path: list[str], done: set[str]) -> None:
        if node in path:
            cycles.append(path[path.index(node) :] + [node])
            return
        if node in done:
            return
        for target in sorted(graph.get(node, ())):
            # a package's __init__ importing its own submodules is no cycle
            if not target.startswith(node + "."):
                visit(target, [*path, node], done)
        done.add(node)

    done: set[str] = set()
    for name in sorted(graph):
        visit(name, [], done)
    assert cycles == []


OUTSIDE = re.compile(r"\.\./shared|\bshared/(spec|reference|corpus)\b|/work/|/root/")


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="needs the git checkout")
def test_no_product_file_refers_outside_the_repository():
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    product = [
        f
        for f in tracked
        if not f.startswith("tests/")
        and "/static/yasgui/" not in f
        and f.endswith((".py", ".ttl", ".md", ".rq", ".html", ".js", ".css", ".cfg", ".toml"))
    ]
    assert len(product) > 100
    found = [
        f"{f}:{n}"
        for f in product
        for n, line in enumerate((ROOT / f).read_text(encoding="utf-8").splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert found == []
