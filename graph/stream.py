"""The streaming, parallel build: a corpus of any size, in memory a few documents at a time.

Two passes over the files, each spread over ``jobs`` worker processes forked after the
reference data is read (so it is read once):

1. *index*: parse every file and keep its index entry (graph/corpus.py): its IRI, the
   titles it may be cited by, its items;
2. *build*: parse it again, extract, build and crosswalk it with the index
   (pipeline.build_document), and write its named graph as sorted, distinct N-Quads to a
   run file of its own; only a small report (warnings, counts, the triples the linkset
   counts) goes back to the parent.

The reference graphs (holding the counties the documents need) and the linkset are made
last, from the reports, and every run is merged in sorted order into the output: the
same bytes as the in-memory build's N-Quads (pipeline.build, rdfio.write_dataset),
whatever the job count. A worker holds one document at a time; the parent holds the
index and the reports, never a document (``peak_documents`` counts the documents alive in
any process at once, through this module's own accounting).
"""

from __future__ import annotations

import bisect
import contextlib
import heapq
import multiprocessing
import os
import shutil
import tempfile
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Dataset, URIRef

from . import iris
from .confine import Limits, current_limits, reader_limits
from .corpus import CitationResolver, CorpusIndex, IndexEntry, index_entry, refuse_duplicate
from .errors import PolicyKGError
from .formats import expand_folders
from .linkset import link_triples, linkset_graph
from .model import Document
from .namespaces import bind_prefixes
from .parse import parse_document
from .pipeline import (
    DocumentBuild,
    Outcome,
    Progress,
    build_document,
    bundled_corpus,
    merged_outcome,
    nothing_built,
    reference_graphs,
    version,
)
from .publishing import (
    DEFAULT_LICENSE,
    DESCRIPTION_GRAPH,
    Described,
    data_tally,
    describe_tally,
)
from .rdfio import (
    atomic_output,
    check_destination,
    format_of_path,
    nquads_lines,
    parse_file,
    serialize_dataset,
    triple_line,
    union_lines,
    write_bytes,
)
from .reference import Reference, load_reference
from .source import current_source_limit, read_source, read_source_text, source_size_limit
from .store import nquads_hash
from .tally import Tally

# (stage, documents done, documents in all) for a progress bar
Tick = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Source:
    """One input: a file, or a text of the bundled corpus."""

    name: str
    path: Path | None = None
    text: str | None = None


def sources_of(paths: Sequence[Path] | None, note: Progress) -> list[Source]:
    """The files of ``paths`` (folders expanded), or the bundled corpus when there are none."""
    if not paths:
        return [Source(name, text=text) for name, text in bundled_corpus()]
    return [Source(p.name, path=p) for p in expand_folders([Path(p) for p in paths], note)]


# -- the documents alive in this process ----------------------------------------------------

_alive = [0]
_peak = [0]


def _released() -> None:
    _alive[0] -= 1


def _parsed(source: Source) -> Document:
    """The parsed document of a source, counted while it is alive."""
    if source.path is not None:
        doc = parse_document(read_source(source.path))
    else:
        doc = parse_document(read_source_text(source.text or "", source.name))
    _alive[0] += 1
    weakref.finalize(doc, _released)
    _peak[0] = max(_peak[0], _alive[0])
    return doc


# -- the work of one document, in a worker ----------------------------------------------------


@dataclass
class _State:
    """What every worker needs, set in the parent before the workers are forked (the
    limits on inputs too: a context variable is the parent's thread's own)."""

    ref: Reference
    max_bytes: int
    limits: Limits
    runs: Path | None = None
    index: CorpusIndex | None = None
    resolver: CitationResolver | None = None


_STATE: list[_State] = []


@dataclass
class DocumentReport:
    """What a worker sends back about one built document (its graph is in its run file)."""

    build: DocumentBuild
    quads: int
    links: list[tuple[Any, Any, Any]]
    peak: int
    hash: str  # of the graph's content (graph/store.py)


@contextlib.contextmanager
def _input_limits(state: _State) -> Iterator[None]:
    """The parent's limits on input files, in this process."""
    limits = state.limits
    with (
        source_size_limit(state.max_bytes),
        reader_limits(limits.memory_bytes, limits.cpu_seconds),
    ):
        yield


def _index_one(source: Source) -> IndexEntry | PolicyKGError:
    state = _STATE[0]
    with _input_limits(state):
        try:
            return index_entry(_parsed(source))
        except PolicyKGError as err:
            return err


def _build_one(job: tuple[int, Source]) -> DocumentReport:
    number, source = job
    state = _STATE[0]
    assert state.index is not None and state.resolver is not None and state.runs is not None
    with _input_limits(state):
        doc = _parsed(source)
    built = build_document(doc, state.index, state.resolver, state.ref, lambda _m: None)
    del doc
    lines = nquads_lines(built.triples, built.graph)
    (state.runs / f"{number:07d}.nq").write_bytes(b"".join(lines))
    links = link_triples(built.triples, state.resolver.known)
    built.triples = []
    return DocumentReport(built, len(lines), links, _peak[0], nquads_hash(b"".join(lines)))


# -- running the passes -------------------------------------------------------------------------


def _in_workers(
    function: Callable[[Any], Any], jobs_: Sequence[Any], jobs: int, stage: str, tick: Tick
) -> Iterator[Any]:
    """``function`` over the items, in order, in ``jobs`` forked processes (here when 1)."""
    total = len(jobs_)
    if jobs <= 1 or total <= 1:
        for done, item in enumerate(jobs_, start=1):
            yield function(item)
            tick(stage, done, total)
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=min(jobs, total), mp_context=context) as pool:
        for done, result in enumerate(pool.map(function, jobs_), start=1):
            yield result
            tick(stage, done, total)


@dataclass
class StreamResult:
    """What a streaming build wrote and learnt."""

    output: Path | None
    size: int  # bytes written to the output file
    outcome: Outcome
    failures: list[tuple[str, str]] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    triples: int = 0  # distinct triples over all graphs
    quads: int = 0
    graphs: list[URIRef] = field(default_factory=list)
    peak_documents: int = 0  # documents alive at once in any one process

    def summary(self) -> dict[str, int]:
        return self.outcome.counts.summary(self.quads)


def stream_build(
    paths: Sequence[Path] | None = None,
    output: Path | None = None,
    jobs: int | None = None,
    strict: bool = True,
    progress: Progress | None = None,
    tick: Tick | None = None,
    reference: Reference | None = None,
    merged: Callable[[Path, list[URIRef], dict[str, str], Described], None] | None = None,
    license_iri: str = DEFAULT_LICENSE,
) -> StreamResult:
    """Build the given files (the bundled corpus when none) into ``output`` document by
    document, in ``jobs`` processes (default: the CPU count).

    ``merged`` is called with the sorted N-Quads of the whole dataset, its graphs, the
    content hashes of the documents' graphs and what the whole file counts, before the
    temporary files go (graph/store.py loads a store from it). Failures are handled as
    pipeline.build handles them (``strict``)."""
    say = progress or (lambda _m: None)
    bar = tick or (lambda _s, _d, _t: None)
    jobs = jobs or os.cpu_count() or 1
    rdf_format = check_destination(output) if output is not None else None
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    ref = reference or load_reference()
    timings["reference"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    sources = sources_of(paths, say)
    _STATE[:] = [_State(ref, current_source_limit(), current_limits())]
    failures: list[tuple[str, str]] = []
    entries: list[IndexEntry] = []
    kept: list[Source] = []
    seen: dict[URIRef, str] = {}
    for source, found in zip(
        sources, _in_workers(_index_one, sources, jobs, "index", bar), strict=True
    ):
        try:
            if isinstance(found, PolicyKGError):
                raise found
            refuse_duplicate(found, seen)
        except PolicyKGError as err:
            if strict:
                raise
            failures.append((source.name, str(err)))
            say(f"not built: {str(err).splitlines()[0]}")
            continue
        entries.append(found)
        kept.append(source)
    if not kept:
        raise nothing_built(failures)
    timings["index"] = time.perf_counter() - t0

    with tempfile.TemporaryDirectory(prefix="policykg-build-") as folder:
        runs = Path(folder)
        t0 = time.perf_counter()
        index = CorpusIndex(entries)
        resolver = CitationResolver(entries, ref)
        _STATE[:] = [_State(ref, current_source_limit(), current_limits(), runs, index, resolver)]
        reports = list(_in_workers(_build_one, list(enumerate(kept)), jobs, "build", bar))
        _STATE.clear()
        timings["extraction"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        quads = sum(r.quads for r in reports)
        counties = set().union(*(r.build.counties for r in reports))
        names: list[URIRef] = [r.build.graph for r in reports]
        links = Dataset()
        for name, graph in reference_graphs(ref, counties).items():
            lines = nquads_lines(graph, name)
            (runs / f"ref-{len(names):04d}.nq").write_bytes(b"".join(lines))
            quads += len(lines)
            names.append(name)
            target = links.graph(name)
            target.addN((s, p, o, target) for s, p, o in graph)
        for r in reports:
            target = links.graph(r.build.graph)
            target.addN((s, p, o, target) for s, p, o in r.links)
        name = iris.reference_graph_iri("linkset")
        lines = nquads_lines(linkset_graph(links), name)
        (runs / "linkset.nq").write_bytes(b"".join(lines))
        quads += len(lines)
        names.append(name)
        del links

        data = runs / "data.nq.part"
        tally = data_tally()
        merge_runs(sorted(p for p in runs.iterdir() if p.suffix == ".nq"), data, tally)
        # last, as in the in-memory build: the description counts everything else
        description, whole_counts = describe_tally(tally, version(), license_iri)
        del tally
        names.append(DESCRIPTION_GRAPH)
        whole = runs / "dataset.nq"
        insert_lines(data, nquads_lines(description, DESCRIPTION_GRAPH), whole)
        data.unlink()
        triples = whole_counts.statistics.distinct_triples
        quads = whole_counts.statistics.triples  # the file's statements, as the summary counts them
        size = 0
        if output is not None and rdf_format is not None:
            size = write_output(whole, output, rdf_format)
        if merged is not None:
            merged(
                whole,
                names,
                {str(r.build.graph): r.hash for r in reports},
                whole_counts,
            )
        timings["rdf"] = time.perf_counter() - t0

    outcome = merged_outcome(r.build for r in reports)
    return StreamResult(
        output=output,
        size=size,
        outcome=outcome,
        failures=failures,
        timings=timings,
        triples=triples,
        quads=quads,
        graphs=names,
        peak_documents=max([_peak[0], *(r.peak for r in reports)]),
    )


def merge_runs(runs: Sequence[Path], target: Path, tally: Tally | None = None) -> int:
    """Merge sorted N-Quads runs into one sorted file without repeated lines; the count of
    distinct triples (lines of one triple in several graphs are next to each other).
    ``tally``, when given, is given every line written (graph/tally.py)."""
    triples = 0
    previous_line = previous_triple = b""
    with ExitStack() as stack, target.open("wb") as out:
        files = [stack.enter_context(path.open("rb")) for path in runs]
        for line in heapq.merge(*files):
            if line == previous_line or line == b"\n":
                continue
            out.write(line)
            previous_line = line
            if tally is not None:
                tally.add_line(line)
            triple = triple_line(line)
            if triple != previous_triple:
                triples += 1
                previous_triple = triple
    return triples


def _line_blocks(path: Path, size: int = 1 << 23) -> Iterator[list[bytes]]:
    """A file's lines, a few megabytes of them at a time."""
    rest = b""
    with path.open("rb") as source:
        while block := source.read(size):
            block = rest + block
            cut = block.rfind(b"\n") + 1
            rest = block[cut:]
            if cut:
                yield block[:cut].splitlines(keepends=True)
    if rest:
        yield [rest]


def insert_lines(data: Path, lines: Sequence[bytes], target: Path, block: int = 1 << 23) -> None:
    """Write the sorted file ``data`` into ``target`` with the sorted ``lines`` (a few)
    each in its place, once: the file is copied by blocks, not line by line."""
    pending = sorted(set(lines), reverse=True)
    with target.open("wb") as out:
        for found in _line_blocks(data, block):
            start = 0
            while pending and pending[-1] <= found[-1]:
                line = pending.pop()
                at = bisect.bisect_left(found, line, start)
                out.writelines(found[start:at])
                start = at
                if found[at] != line:
                    out.write(line)
            out.writelines(found[start:])
        out.writelines(reversed(pending))


def write_output(whole: Path, output: Path, rdf_format: Any) -> int:
    """Write the merged N-Quads as ``output``: streamed for N-Quads and N-Triples (the
    union, its lines distinct), through an in-memory dataset for the other formats."""
    if rdf_format.keeps_graphs and rdf_format.line_based:
        with atomic_output(output) as out, whole.open("rb") as lines:
            shutil.copyfileobj(lines, out, 1 << 20)
        return whole.stat().st_size
    if rdf_format.line_based:
        size = 0
        with atomic_output(output) as out, whole.open("rb") as lines:
            for line in union_lines(lines, in_order=True):
                out.write(line)
                size += len(line)
        return size
    dataset = Dataset()
    parse_file(whole, dataset)
    bind_prefixes(dataset.namespace_manager)
    return write_bytes(serialize_dataset(dataset, format_of_path(output)), output)
