"""In-process engine comparison on the competency questions: pyoxigraph vs rdflib.

Both engines load the same data (the bundled corpus's graph, or --data FILE) through
policykg.server.engine and answer each cq*.rq in turns; each timing covers parsing,
evaluation and serialising the whole answer as SPARQL JSON (what the endpoint does).
Prints a Markdown table and writes benchmarks/results/engines.md.

    python benchmarks/bench_engines.py [--data FILE] [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from policykg.server.engine import open_engine

ROOT = Path(__file__).resolve().parent.parent
QUERIES = sorted((ROOT / "server" / "queries").glob("cq*.rq"))
RESULTS = ROOT / "benchmarks" / "results" / "engines.md"


def timed(engine, query: str) -> float:
    """Milliseconds to answer and serialise one query."""
    begin = time.perf_counter()
    engine.query(query).serialize("application/sparql-results+json")
    return (time.perf_counter() - begin) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = args.data
        if data is None:
            from policykg.graph.pipeline import build_dataset
            from policykg.graph.rdfio import write_dataset

            data = Path(tmp) / "bundled.nq"
            write_dataset(build_dataset(), data)
        engines = {}
        for name in ("oxigraph", "rdflib"):
            begin = time.perf_counter()
            engines[name] = open_engine(name, data)
            print(f"{name}: loaded in {time.perf_counter() - begin:.2f} s", file=sys.stderr)
        lines = [
            "| query | rows | pyoxigraph ms | rdflib ms | rdflib / pyoxigraph |",
            "|---|---:|---:|---:|---:|",
        ]
        for path in QUERIES:
            query = path.read_text(encoding="utf-8")
            rows = len(engines["oxigraph"].select_rows(query))
            times: dict[str, list[float]] = {name: [] for name in engines}
            for name in engines:  # warm-up
                timed(engines[name], query)
            for _ in range(args.runs):  # engines take turns
                for name, engine in engines.items():
                    times[name].append(timed(engine, query))
            ox, rl = (statistics.median(times[n]) for n in ("oxigraph", "rdflib"))
            lines.append(f"| {path.stem} | {rows} | {ox:.2f} | {rl:.1f} | {rl / ox:.0f} |")
            print(lines[-1], file=sys.stderr)
    table = (
        f"# Engines in process (median of {args.runs} runs, JSON serialisation included)\n\n"
        + "\n".join(lines)
        + "\n"
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(table, encoding="utf-8")
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
