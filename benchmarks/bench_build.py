"""How long building the bundled corpus takes, stage by stage (in-process, best of N).

Extraction (reading, parsing and extracting the entities of the text) is the stage with
a target: under 0.2 s for the bundled corpus, interpreter start-up excluded. The other
stages are reported beside it, and loading the written N-Quads is measured with rdflib
and with pyoxigraph, the two libraries a user would load it with.

    python benchmarks/bench_build.py [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph
from rdflib import Dataset

from policykg.graph.pipeline import build, extract_document, jurisdiction_of, read_documents
from policykg.graph.rdfio import write_dataset
from policykg.graph.reference import load_reference


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """Best and median wall time of ``fn`` over ``runs`` runs, in ms."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return min(times), statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    ref = load_reference()

    def reference_data() -> None:
        load_reference.cache_clear()
        load_reference()

    def extraction() -> None:
        for doc in read_documents(None):
            extract_document(doc, ref, jurisdiction_of(doc, ref))

    result = build(reference=ref)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "bundled.nq"
        rows = [
            ("read the reference data (load_reference)", timed(reference_data, runs)),
            ("read + parse + extract (target < 200 ms)", timed(extraction, runs)),
            (
                "whole build in memory (reference data cached)",
                timed(lambda: build(reference=ref), runs),
            ),
            ("write N-Quads (sorted)", timed(lambda: write_dataset(result.dataset, out), runs)),
            (
                "load N-Quads: rdflib Dataset",
                timed(lambda: Dataset().parse(out, format="nquads"), runs),
            ),
            (
                "load N-Quads: pyoxigraph Store",
                timed(
                    lambda: pyoxigraph.Store().load(
                        path=str(out), format=pyoxigraph.RdfFormat.N_QUADS
                    ),
                    runs,
                ),
            ),
        ]
    print(
        f"bundled corpus: {len(result.documents)} document(s), "
        f"{len(result.dataset):,} triples; {runs} runs\n"
    )
    print("| stage | best ms | median ms |\n| --- | ---: | ---: |")
    for name, (best, median) in rows:
        print(f"| {name} | {best:.1f} | {median:.1f} |")


if __name__ == "__main__":
    main()
