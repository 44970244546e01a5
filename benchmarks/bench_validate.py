"""Benchmark: validation of the bundled graph, SHACL and OWL together (target < 5 s).

Side by side, each in a fresh process (as a user runs it), interleaved, n repetitions:

* ``policykg``      — ``run_validate``'s work: per-document SHACL + HermiT in parallel
* ``policykg-shacl`` — the per-document SHACL validation alone (``validate_dataset``)
* ``policykg-owl``   — the OWL consistency check alone (owlready2 + HermiT)
* ``plain-pyshacl``  — ``pyshacl.validate`` on the whole dataset with the same shapes
  (advanced=True, allow_warnings=True, default options otherwise)

The dataset is built once and written as N-Quads; loading it is not timed. With
``--docs N`` the document graph is copied N times under other document numbers to show
how each approach grows with the number of documents. Wall time and CPU time (the
process and its children, HermiT's JVM included) are reported as median [min-max].

    .venv/bin/python benchmarks/bench_validate.py [--reps 3] [--docs 1 4]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MODES = ("policykg", "policykg-shacl", "policykg-owl", "plain-pyshacl")


def cpu_seconds() -> float:
    """CPU time of this process and its finished children."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def make_dataset(path: Path, docs: int) -> int:
    """Build the bundled dataset, copy its document graph ``docs`` times, write N-Quads."""
    from rdflib import URIRef

    from policykg.graph.pipeline import build_dataset

    dataset = build_dataset()
    originals = [g for g in dataset.graphs() if "/graph/doc/" in str(g.identifier)]
    for k in range(2, docs + 1):
        for graph in originals:
            old = str(graph.identifier).rsplit("/", 1)[-1]
            copy = dataset.graph(URIRef(str(graph.identifier) + f"0{k}"))

            def rename(term, old=old, k=k):
                if isinstance(term, URIRef) and f"/{old}" in term:
                    return URIRef(term.replace(f"/{old}", f"/{old}0{k}", 1))
                return term

            copy.addN((rename(s), p, rename(o), copy) for s, p, o in graph)
    dataset.serialize(path, format="nquads", encoding="utf-8")
    return len(dataset)


def run_one(mode: str, path: Path) -> dict:
    """Time one mode in this (fresh) process; loading the file is not timed."""
    from policykg.graph.rdfio import read_dataset

    dataset = read_dataset([path])
    wall, cpu = time.perf_counter(), cpu_seconds()
    if mode == "policykg":
        from policykg.shapes.validate import validate_with_owl

        result = validate_with_owl(dataset)  # HermiT runs while pySHACL validates
        conforms, results = result.conforms, len(result.results)
    elif mode == "policykg-shacl":
        from policykg.shapes.validate import validate_dataset

        result = validate_dataset(dataset)
        conforms, results = result.conforms, len(result.results)
    elif mode == "policykg-owl":
        from policykg.shapes.owl import check_consistency

        outcome = check_consistency(dataset)
        conforms, results = outcome.consistent, len(outcome.conflicts)
    else:
        import pyshacl
        from rdflib import Graph

        from policykg.shapes.loading import bundled_shapes_path

        shapes = Graph().parse(
            data=bundled_shapes_path().read_text(encoding="utf-8"), format="turtle"
        )
        conforms, report, _ = pyshacl.validate(
            dataset, shacl_graph=shapes, advanced=True, allow_warnings=True
        )
        from policykg.graph.namespaces import SH

        results = len(set(report.objects(None, SH.result)))
    return {
        "wall": time.perf_counter() - wall,
        "cpu": cpu_seconds() - cpu,
        "conforms": bool(conforms),
        "results": results,
    }


def child(mode: str, path: Path) -> dict:
    """Run one mode in a fresh interpreter and return its timing."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} [{min(values):.2f}-{max(values):.2f}]"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--docs", type=int, nargs="+", default=[1])
    parser.add_argument("--modes", nargs="+", default=list(MODES), choices=MODES)
    parser.add_argument("--child", nargs=2, metavar=("MODE", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_one(args.child[0], Path(args.child[1]))))
        return
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for docs in args.docs:
            path = Path(tmp) / f"bundled-{docs}.nq"
            quads = make_dataset(path, docs)
            runs: dict[str, list[dict]] = {m: [] for m in args.modes}
            for _ in range(args.reps):  # interleaved, so that machine noise hits every mode
                for mode in args.modes:
                    runs[mode].append(child(mode, path))
            for mode in args.modes:
                r = runs[mode]
                rows.append(
                    (
                        docs,
                        quads,
                        mode,
                        summary([x["wall"] for x in r]),
                        summary([x["cpu"] for x in r]),
                        len(r),
                        r[0]["conforms"],
                        r[0]["results"],
                    )
                )
    line = "{:>4} {:>7}  {:<15} {:>20} {:>20} {:>2}  {!s:<8} {}"
    print(line.format("docs", "quads", "mode", "wall s", "cpu s", "n", "conforms", "results"))
    for row in rows:
        print(line.format(*row))


if __name__ == "__main__":
    main()
