"""Read access to the served dataset for the pages: SPARQL SELECT and triple patterns.

The pages need two things from a store: the rows of a SELECT over the union of all named
graphs, and the triples matching a pattern (for descriptions with their blank-node
closure). Both engines the endpoint offers (pyoxigraph, rdflib) are adapted here to that
one interface, with rdflib terms on the way out so that the pages see one term model.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from policykg.graph.namespaces import PREFIXES, sparql_prologue

Row = dict[str, Node]
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
Triple = tuple[Node, Node, Node]


class Lookup(Protocol):
    """What the pages read from the dataset."""

    def select(self, query: str) -> list[Row]:
        """The solutions of a SELECT (policykg prefixes predeclared), unbound vars absent."""
        ...

    def triples(
        self, s: Node | None, p: Node | None, o: Node | None, graph: URIRef | None = None
    ) -> Iterator[Triple]:
        """The distinct triples matching a pattern, in one named graph or in all of them."""
        ...


def iri_ref(iri: str) -> str:
    """An IRI written for a SPARQL query; refuses IRIs that would need escaping."""
    from .linking import is_safe_iri

    if not is_safe_iri(iri):
        raise ValueError(f"not a writable IRI: {iri!r}")
    return f"<{iri}>"


def _to_rdflib(term: object) -> Node:
    """An rdflib term for a pyoxigraph term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unsupported term {term!r}")


def _to_oxigraph(term: Node | None) -> object:
    """A pyoxigraph term for an rdflib term (None stays None: a wildcard)."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unsupported term {term!r}")


class OxigraphLookup:
    """The pages' view of a pyoxigraph Store whose default graph is the union."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    def select(self, query: str) -> list[Row]:
        solutions = self.store.query(
            query, prefixes=dict(PREFIXES), use_default_graph_as_union=True
        )
        names = [v.value for v in solutions.variables]
        rows: list[Row] = []
        seen: set[frozenset[tuple[str, Node]]] = set()
        for solution in solutions:
            row = {name: _to_rdflib(solution[name]) for name in names if solution[name] is not None}
            key = frozenset(row.items())
            # pyoxigraph's union default graph yields a triple once per named graph that
            # holds it (an instant shared by two documents' graphs); the pages read the
            # union as the RDF merge, a set
            if key not in seen:
                seen.add(key)
                rows.append(row)
        return rows

    def triples(
        self, s: Node | None, p: Node | None, o: Node | None, graph: URIRef | None = None
    ) -> Iterator[Triple]:
        seen: set[Triple] = set()
        quads = self.store.quads_for_pattern(
            _to_oxigraph(s), _to_oxigraph(p), _to_oxigraph(o), _to_oxigraph(graph)
        )
        for quad in quads:
            triple = (_to_rdflib(quad.subject), _to_rdflib(quad.predicate), _to_rdflib(quad.object))
            if triple not in seen:
                seen.add(triple)
                yield triple


class RdflibLookup:
    """The pages' view of an rdflib Dataset, read as the union of its graphs."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self._union = Dataset(store=dataset.store, default_union=True)

    def select(self, query: str) -> list[Row]:
        result = self._union.query(sparql_prologue() + query)
        names = [str(v) for v in result.vars or []]
        return [{name: row[name] for name in names if row[name] is not None} for row in result]

    def triples(
        self, s: Node | None, p: Node | None, o: Node | None, graph: URIRef | None = None
    ) -> Iterator[Triple]:
        seen: set[Triple] = set()
        # a Graph over the same store reads one named graph without registering it
        context = None if graph is None else Graph(store=self.dataset.store, identifier=graph)
        for s2, p2, o2, _ in self.dataset.quads((s, p, o, context)):
            triple = (s2, p2, o2)
            if triple not in seen:
                seen.add(triple)
                yield triple
