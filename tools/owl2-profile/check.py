"""Check RDF files against the OWL 2 DL profile with the OWL API's profile checker.

A development tool, not part of the installed package (the tests run it). Usage:

    python tools/owl2-profile/check.py ontology/policykg.ttl
    python tools/owl2-profile/check.py out/policykg.nq      # a build holds the ontology graph

The files, in any format policykg reads (N-Quads, TriG, Turtle, N-Triples, JSON-LD,
RDF/XML), are read as one graph: the union of their graphs, as an OWL tool sees a
dataset. It is written as N-Triples and checked by ProfileCheck.java (beside this file)
with the OWL API 5 of Debian's libowlapi-java (``apt-get install libowlapi-java``), on the
Java that HermiT runs on; Java 11 or newer runs the source file directly. Every violation
is printed on a line of its own, then the number of violations; exit status 0 when there
is none, 1 when there are some, 2 when the check cannot run.

owl:imports are not followed (nothing is fetched): each is removed and reported as a
violation, since the check would not cover what it imports.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import OWL

from policykg.graph.errors import PolicyKGError
from policykg.graph.rdfio import read_dataset

HERE = Path(__file__).resolve().parent
CHECKER = HERE / "ProfileCheck.java"
JAR_FOLDER = Path(os.environ.get("OWLAPI_JAR_FOLDER", "/usr/share/java"))
# The OWL API and what it needs to parse Turtle and check a profile (Debian's unversioned
# names; libowlapi-java depends on the packages that ship them).
JARS = (
    "owlapi-distribution",
    "guava",
    "caffeine",
    "commons-io",
    "commons-rdf-api",
    "hppcrt",
    "xz",
    "slf4j-api",
    "slf4j-nop",
    "atinject-jsr330-api",
    "rdf4j-model-api",
    "rdf4j-model",
    "rdf4j-rio-api",
    "rdf4j-util",
)
TIMEOUT = 600  # seconds


class CheckUnavailable(Exception):
    """Java or the OWL API is missing: the check cannot run."""


def classpath(folder: Path = JAR_FOLDER) -> str:
    """The OWL API's jars, or CheckUnavailable naming what to install."""
    jars = [folder / f"{name}.jar" for name in JARS]
    missing = [jar.name for jar in jars if not jar.is_file()]
    if missing:
        raise CheckUnavailable(
            f"missing in {folder}: {', '.join(missing)} "
            "(install them: apt-get install libowlapi-java)"
        )
    return os.pathsep.join(str(jar) for jar in jars)


def java_executable() -> str:
    """The java command, or CheckUnavailable."""
    java = shutil.which("java")
    if java is None:
        raise CheckUnavailable("no java on PATH (install a JRE 11 or newer: default-jre-headless)")
    return java


def union_without_imports(paths: list[Path]) -> tuple[Graph, list[str]]:
    """The union of every graph of the files, and the owl:imports taken out of it."""
    union = Graph()
    imports: list[str] = []
    for graph in read_dataset(paths).graphs():
        for s, p, o in graph:
            if p == OWL.imports:
                imports.append(f"ImportNotFollowed\towl:imports <{o}> of <{s}> was not followed")
            else:
                union.add((s, p, o))
    return union, imports


def check(paths: list[Path]) -> tuple[int, str]:
    """The exit status and the report of the OWL 2 DL profile check of the files' union."""
    command = [java_executable(), "-cp", classpath(), str(CHECKER)]
    union, imports = union_without_imports(paths)
    with tempfile.TemporaryDirectory(prefix="policykg-profile-") as folder:
        path = Path(folder) / "union.nt"
        union.serialize(path, format="nt", encoding="utf-8")
        done = subprocess.run(
            [*command, str(path)], capture_output=True, text=True, timeout=TIMEOUT
        )
    if done.returncode not in (0, 1):
        raise CheckUnavailable(f"the OWL API could not check the files: {done.stderr.strip()}")
    lines = done.stdout.splitlines()
    found = int(lines[-1].split()[-1]) + len(imports)
    report = [*imports, *lines[:-1], f"violations {found}"]
    return (1 if found else 0), "\n".join(report)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path, help="RDF files, checked as one graph")
    args = parser.parse_args(argv)
    try:
        status, report = check(args.files)
    except (CheckUnavailable, PolicyKGError, subprocess.TimeoutExpired) as exc:
        print(f"owl2-profile: {exc}", file=sys.stderr)
        return 2
    print(report)
    return status


if __name__ == "__main__":
    sys.exit(main())
