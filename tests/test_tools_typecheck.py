"""tools/typecheck.py: mypy on the package under the module names setup.cfg gives its files.

The tool is run as a developer and CI run it, in a copy of the repository's package
folders and configuration, so that a type error can be put into a module without
touching the working tree.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).parent.parent
PACKAGE_FOLDERS = ("cli", "corpus", "graph", "ontology", "server", "shapes")


def run_tool(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(root / "tools" / "typecheck.py"), *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def checkout(tmp_path_factory) -> Path:
    """A copy of the package folders, setup.cfg, pyproject.toml and the tool."""
    root = tmp_path_factory.mktemp("checkout")
    for name in ("setup.cfg", "pyproject.toml"):
        shutil.copy(ROOT / name, root / name)
    (root / "tools").mkdir()
    shutil.copy(ROOT / "tools" / "typecheck.py", root / "tools" / "typecheck.py")
    for folder in PACKAGE_FOLDERS:
        shutil.copytree(
            ROOT / folder,
            root / folder,
            ignore=shutil.ignore_patterns("__pycache__", "static", "*.ttl", "*.txt"),
        )
    return root


def test_every_package_folder_is_checked(checkout):
    result = run_tool(checkout)
    assert result.returncode == 0, result.stdout + result.stderr
    count = sum(1 for f in PACKAGE_FOLDERS for _ in (checkout / f).rglob("*.py"))
    assert f"no issues found in {count} source files" in result.stdout


def test_an_error_across_modules_is_reported_at_its_file(checkout):
    # The error is only visible when policykg.graph.numerals is found from graph/iris.py:
    # unresolved, the import would be "module not found" instead.
    module = checkout / "graph" / "iris.py"
    original = module.read_text(encoding="utf-8")
    module.write_text(
        original + "\n\ndef _wrong() -> str:\n"
        "    from policykg.graph.numerals import parse_chinese_integer\n\n"
        '    return parse_chinese_integer("三")\n',
        encoding="utf-8",
    )
    try:
        everything = run_tool(checkout)
        elsewhere = run_tool(checkout, "server")
    finally:
        module.write_text(original, encoding="utf-8")
    assert everything.returncode == 1
    [error] = [line for line in everything.stdout.splitlines() if ": error:" in line]
    assert error.startswith("graph/iris.py:")
    assert 'Incompatible return value type (got "int", expected "str")' in error
    assert elsewhere.returncode == 0, elsewhere.stdout
    assert "graph/iris.py" not in elsewhere.stdout


def test_a_file_outside_the_package_is_refused(checkout):
    outside = checkout / "script.py"
    outside.write_text("x = 1\n", encoding="utf-8")
    result = run_tool(checkout, "script.py")
    assert result.returncode != 0
    assert "none of setup.cfg's package folders" in result.stderr


def test_strict_options_hold_in_every_module(checkout):
    """An untyped function is an error everywhere: in cli/, shapes/ and the server modules
    once checked with mypy's default options (the pages, a view model, the exports)."""
    strict = (
        "cli/main.py",
        "shapes/records.py",
        "server/guard.py",
        "server/sparql.py",
        "server/pages.py",
        "server/viewmodels/terms.py",
        "server/exports.py",
    )
    originals = {name: (checkout / name).read_text(encoding="utf-8") for name in strict}
    try:
        for name, text in originals.items():
            (checkout / name).write_text(
                text + "\n\ndef _untyped(x):\n    return x\n", encoding="utf-8"
            )
        result = run_tool(checkout)
    finally:
        for name, text in originals.items():
            (checkout / name).write_text(text, encoding="utf-8")
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert result.returncode == 1, result.stdout
    assert sorted(error.split(":")[0] for error in errors) == sorted(strict), errors
    assert all("Function is missing a type annotation" in error for error in errors)
