"""Type-check the policykg package with mypy, under the module names it is installed with.

setup.cfg maps each package of the PEP 420 namespace `policykg` to a top-level folder
(`policykg.graph` is `graph/`, …). Plain `mypy graph` cannot check that layout: it names
a file after its folders (`graph/build.py` becomes `graph.build`), and the editable
install finds `policykg.*` through an import hook that mypy does not run, so every
`from policykg.graph.model import …` is "module not found". No mypy option maps a module
name to another folder; its build API does take a module name for each source file.

This script reads mypy's options as mypy does (the command line and pyproject.toml's
[tool.mypy]), gives every file of the package folders ([tool.mypy] `files`) the module
name setup.cfg's package_dir gives it (`graph/build.py` is `policykg.graph.build`) and
runs mypy's build on them all. Messages name the real files; the exit code is mypy's
(0 clean, 1 errors, 2 a blocking error). The whole package is always checked, since a
module is checked against what it imports; folders or files on the command line choose
whose messages are shown.

Usage, from the repository (mypy comes with the test extra):

    .venv/bin/python tools/typecheck.py                   # the whole package
    .venv/bin/python tools/typecheck.py server            # only server/'s messages
    .venv/bin/python tools/typecheck.py --strict server   # with any mypy option

A build-time tool, not installed.
"""

from __future__ import annotations

import configparser
import sys
from pathlib import Path

from mypy import build, util
from mypy.errors import CompileError
from mypy.find_sources import create_source_list
from mypy.fscache import FileSystemCache
from mypy.main import process_options
from mypy.modulefinder import BuildSource

ROOT = Path(__file__).resolve().parent.parent


def package_folders(setup_cfg: Path) -> dict[Path, str]:
    """Each package folder of setup.cfg's [options] package_dir, with its package name."""
    config = configparser.ConfigParser()
    config.read(setup_cfg, encoding="utf-8")
    folders: dict[Path, str] = {}
    for line in config["options"]["package_dir"].strip().splitlines():
        package, _, folder = (part.strip() for part in line.partition("="))
        folders[(ROOT / folder).resolve()] = package
    return folders


def module_name(path: Path, folders: dict[Path, str]) -> str:
    """The module a source file is imported as once installed (graph/x.py: policykg.graph.x)."""
    path = path.resolve()
    for folder, package in folders.items():
        if path.is_relative_to(folder):
            parts = list(path.relative_to(folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            return ".".join([package, *parts])
    raise SystemExit(f"typecheck: {path} is in none of setup.cfg's package folders")


def with_package_names(sources: list[BuildSource], folders: dict[Path, str]) -> list[BuildSource]:
    """The sources mypy collected, each named as it is installed."""
    return [
        BuildSource(source.path, module_name(Path(source.path), folders), source.text)
        for source in sources
        if source.path
    ]


def main(argv: list[str]) -> int:
    """Check the package; show the messages of argv's folders or files (default: all)."""
    folders = package_folders(ROOT / "setup.cfg")
    fscache = FileSystemCache()
    chosen, options = process_options(argv, fscache=fscache)
    shown = {Path(source.path).resolve() for source in with_package_names(chosen, folders)}
    package = create_source_list(options.files or [], options, fscache)
    sources = with_package_names(package, folders)
    unknown = shown - {Path(source.path).resolve() for source in sources if source.path}
    if unknown:
        raise SystemExit(
            f"typecheck: not a source file of the package: {', '.join(map(str, unknown))}"
        )
    messages: list[str] = []

    def show(path: str | None, new: list[str], serious: bool) -> None:
        if new and (path is None or Path(path).resolve() in shown):
            messages.extend(new)
            print("\n".join(new), file=sys.stderr if serious else sys.stdout)

    try:
        build.build(sources, options, flush_errors=show, fscache=fscache)
        blockers = False
    except CompileError:
        blockers = True
    formatter = util.FancyFormatter(sys.stdout, sys.stderr, options.hide_error_codes)
    n_errors, _, n_files = util.count_stats(messages)
    if n_errors:
        summary = formatter.format_error(
            n_errors, n_files, len(shown), blockers=blockers, use_color=options.color_output
        )
        print(summary)
        return 2 if blockers else 1
    print(formatter.format_success(len(shown), options.color_output))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
