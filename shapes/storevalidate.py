"""SHACL validation of an on-disk store, in parallel, re-validating only what changed.

The units are those of shapes/validate.py (one per document graph, one for the
reference graphs), and each unit's data graph is made the same way (its graph, the
schema context, the descriptions of the nodes it points to), except that the
descriptions are looked up in the store rather than in an rdflib dataset held in memory:
a worker holds one unit at a time. A unit whose record (shapes/ledger.py) matches its
graph's content hash and the context hash is not validated again: its results are read
from the record. The others are validated in ``jobs`` forked processes, each opening the
store read-only, and their records are kept.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from policykg.graph.namespaces import PKG, bind_prefixes
from policykg.graph.pipeline import version
from policykg.graph.publishing import DESCRIPTION_GRAPH
from policykg.graph.rdfio import rdflib_term
from policykg.graph.store import (
    LINKSET,
    as_graph,
    graph_hash,
    open_read_only,
    stored_hashes,
)

from .ledger import Ledger, Record, context_hash
from .loading import bundled_shapes, bundled_shapes_path, load_shapes
from .records import ResultRecord, build_report_graph, record_from_report
from .result import ValidationResult
from .validate import Unit, own_nodes, run_pyshacl, schema_context, unit_data_graph

Progress = Callable[[str], None]
REFERENCE = "reference"
_DOCUMENT_GRAPHS = f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?d a <{PKG.PolicyDocument}> }} }}"
_SCHEMA_GRAPHS = (
    "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?o a <http://www.w3.org/2002/07/owl#Ontology> } }"
)


def to_oxigraph(node: Node) -> Any:
    """A pyoxigraph term for an rdflib IRI or blank node (None for a literal)."""
    if isinstance(node, URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, BNode):
        return ox.BlankNode(str(node))
    return None


class StoreSubjectIndex:
    """Which graphs of a store describe a node, and its description in the non-schema
    graphs: the interface of validate.SubjectIndex over a store."""

    def __init__(self, store: ox.Store, skip: set[str]) -> None:
        self.store = store
        self.skip = skip
        self._graphs: dict[Node, set[str]] = {}

    def graphs(self, node: Node) -> set[str]:
        found = self._graphs.get(node)
        if found is None:
            term = to_oxigraph(node)
            found = set()
            if term is not None:
                found = {
                    q.graph_name.value
                    for q in self.store.quads_for_pattern(term, None, None, None)
                    if isinstance(q.graph_name, ox.NamedNode)
                }
            self._graphs[node] = found
        return found

    def __contains__(self, node: Node) -> bool:
        return bool(self.graphs(node))

    def elsewhere(self, node: Node, own: set[URIRef]) -> bool:
        owned = {str(g) for g in own} | self.skip
        return any(g not in owned for g in self.graphs(node))

    def description(self, node: Node) -> list[tuple[Node, Node, Node]]:
        term = to_oxigraph(node)
        if term is None:
            return []
        return [
            (node, rdflib_term(q.predicate), rdflib_term(q.object))
            for q in self.store.quads_for_pattern(term, None, None, None)
            if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value not in self.skip
        ]


@dataclass
class _Plan:
    """What the workers share, set before they are forked."""

    path: Path
    shapes: Graph
    schema: list[str]
    rest: list[str]
    context: list[tuple[Node, Node, Node]]


_PLAN: list[_Plan] = []


def _validate_unit(name: str) -> tuple[str, list[ResultRecord]]:
    """Validate one unit of the store (a document graph's name, or 'reference')."""
    plan = _PLAN[0]
    store = open_read_only(plan.path)
    names = plan.rest + plan.schema if name == REFERENCE else [name]
    unit = Unit(name, [as_graph(store, g) for g in names])
    index = StoreSubjectIndex(store, set(plan.schema))
    data = unit_data_graph(unit, plan.context, index)  # type: ignore[arg-type]
    report = run_pyshacl(data, plan.shapes)
    bind_prefixes(report.namespace_manager)
    mine = own_nodes(unit)
    records: dict[tuple[Any, ...], ResultRecord] = {}
    for result in report.objects(None, URIRef("http://www.w3.org/ns/shacl#result")):
        focus = report.value(result, URIRef("http://www.w3.org/ns/shacl#focusNode"))
        if focus not in mine and focus is not None and focus in index:
            continue  # about another unit's node, seen here as context only
        record = record_from_report(report, result, plan.shapes, data)
        records.setdefault(record.key, record)
    return name, list(records.values())


def _in_workers(names: list[str], jobs: int) -> Iterator[tuple[str, list[ResultRecord]]]:
    if jobs <= 1 or len(names) <= 1:
        yield from map(_validate_unit, names)
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=min(jobs, len(names)), mp_context=context) as pool:
        yield from pool.map(_validate_unit, names)


def graphs_holding(store: ox.Store, query: str) -> list[str]:
    """The graph names a SELECT ?g query over the store finds, sorted."""
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    return sorted(str(row["g"].value) for row in solutions)


def shapes_bytes(shapes: str | Path | None) -> bytes:
    """The shapes file's bytes (for the context hash)."""
    if shapes is None:
        return bundled_shapes_path().read_bytes()
    return Path(shapes).read_bytes()


def validate_store(
    path: Path,
    shapes: str | Path | None = None,
    jobs: int | None = None,
    revalidate: bool = False,
    progress: Progress | None = None,
) -> ValidationResult:
    """Validate the store's units whose records do not match, and merge every unit's
    results (new or recorded) into one report; the records are kept in the store folder
    when it can be written."""
    say = progress or (lambda _m: None)
    store = open_read_only(path)
    documents = graphs_holding(store, _DOCUMENT_GRAPHS)
    schema = graphs_holding(store, _SCHEMA_GRAPHS)
    graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    rest = [g for g in graphs if g not in documents and g not in schema]
    hashes = stored_hashes(path)
    for name in graphs:
        if name not in hashes:
            quads = store.quads_for_pattern(None, None, None, ox.NamedNode(name))
            hashes[name] = graph_hash(quads)
    shapes_graph = load_shapes(shapes) if shapes is not None else bundled_shapes()
    # what a document's validation reads besides its graph: the reference graphs (not the
    # linkset and the dataset's description, which change with any document), the shapes
    whole_dataset = {str(LINKSET), str(DESCRIPTION_GRAPH)}
    reference = {g: hashes[g] for g in rest + schema if g not in whole_dataset}
    context = context_hash(reference, shapes_bytes(shapes), version())
    ledger = Ledger() if revalidate else Ledger.read(Path(path))
    contents = {g: hashes[g] for g in documents}
    everything = {g: hashes[g] for g in rest + schema}
    contents[REFERENCE] = context_hash(everything, shapes_bytes(shapes), version())
    stale = [u for u in [*documents, REFERENCE] if not ledger.current(u, contents[u], context)]
    say(
        f"SHACL: {len(documents) + 1 - len(stale):,} units unchanged since their validation, "
        f"{len(stale):,} to validate"
    )
    schema_graphs = [as_graph(store, g) for g in schema]
    if not schema_graphs:
        from .loading import bundled_ontology

        schema_graphs = [bundled_ontology()]
    _PLAN[:] = [_Plan(Path(path), shapes_graph, schema, rest, schema_context(schema_graphs))]
    del store
    done = 0
    try:
        for name, results in _in_workers(stale, jobs or os.cpu_count() or 1):
            ledger.records[name] = Record(contents[name], context, results)
            done += 1
            if done % 50 == 0 or done == len(stale):
                say(f"SHACL: {done:,}/{len(stale):,} validated")
    finally:
        _PLAN.clear()
    for unit in list(ledger.records):
        if unit not in contents:
            del ledger.records[unit]  # a graph no longer in the store
    if stale and not ledger.write(Path(path)):
        say(f"the validation records could not be kept in {path} (read-only)")
    return merged_result(r.results for r in ledger.records.values())


def merged_result(unit_results: Iterable[list[ResultRecord]]) -> ValidationResult:
    """One result from the results of every unit."""
    records: dict[tuple[Any, ...], ResultRecord] = {}
    for results in unit_results:
        for record in results:
            records.setdefault(record.key, record)
    ordered = sorted(records.values(), key=lambda r: r.sort_key)
    conforms = not any(r.severity == "Violation" for r in ordered)
    return ValidationResult(conforms, ordered, build_report_graph(conforms, ordered))
