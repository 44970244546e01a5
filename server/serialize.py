"""Every RDF and SPARQL-results body the service sends, written by pyoxigraph's serialisers.

Query answers (whichever engine evaluated them), downloads of the dataset, resource and
named-graph descriptions and the service description all pass through here, so that one
media type always gives the same syntax. The media type names the format through
policykg.graph.rdfio (RDF) or pyoxigraph's QueryResultsFormat (SELECT and ASK answers).
Turtle and TriG bodies declare policykg's prefixes: a small body only those it uses, a
large one all of them (it is written as it comes, never held whole). A body larger than
its cap raises ResultTooLarge while it is written.
"""

from __future__ import annotations

import io
import itertools
import sys
from collections.abc import Iterable, Mapping
from typing import Any

import pyoxigraph as ox

from policykg.graph.errors import ResultTooLarge
from policykg.graph.namespaces import PREFIXES
from policykg.graph.rdfio import format_for_media_type

# Prefixes written in Turtle/TriG bodies. pkid: and pkgraph: are left out: their IRIs have
# slashes in the local part, which Turtle would have to escape (pkid:doc\/…).
TURTLE_PREFIXES = {p: iri for p, iri in PREFIXES.items() if p not in ("pkid", "pkgraph")}
# Turtle/TriG bodies up to this many statements declare only the prefixes they use
PREFIX_SCAN = 10_000


class CappedWriter(io.RawIOBase):
    """A byte sink that refuses to grow past a cap (pyoxigraph writes into it)."""

    def __init__(self, cap: int) -> None:
        self.cap, self.size = cap, 0
        self.parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.size += len(data)
        if self.size > self.cap:
            raise ResultTooLarge(
                f"the answer is larger than {self.cap} bytes",
                hint="add a LIMIT or select fewer variables",
            )
        self.parts.append(bytes(data))
        return len(data)

    def getvalue(self) -> bytes:
        return b"".join(self.parts)


def rdf_format(media_type: str) -> ox.RdfFormat:
    """pyoxigraph's format for an RDF media type the service writes."""
    found = format_for_media_type(media_type)
    if found is None or found.oxigraph is None:
        raise ValueError(f"no RDF writer for {media_type}")
    return found.oxigraph


def write_results(results: Any, media_type: str, max_bytes: int = sys.maxsize) -> bytes:
    """A SELECT or ASK answer (pyoxigraph's solutions or boolean) in a results format."""
    out = CappedWriter(max_bytes)
    results.serialize(out, format=ox.QueryResultsFormat.from_media_type(media_type))
    return out.getvalue()


def write_rdf(
    statements: Iterable[ox.Triple | ox.Quad],
    media_type: str,
    max_bytes: int = sys.maxsize,
    extra_prefixes: Mapping[str, str] | None = None,
) -> bytes:
    """Triples or quads in an RDF format, written as they come.

    A format without graphs (Turtle, N-Triples, RDF/XML) takes triples; a dataset format
    (N-Quads, TriG, JSON-LD) takes either."""
    fmt = rdf_format(media_type)
    out = CappedWriter(max_bytes)
    if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
        known = {**TURTLE_PREFIXES, **(extra_prefixes or {})}
        stream = iter(statements)
        head = list(itertools.islice(stream, PREFIX_SCAN))
        prefixes = used_prefixes(head, known) if len(head) < PREFIX_SCAN else known
        # pyoxigraph's stubs are narrower than its writer: it takes any object with write()
        # and, for a dataset format, triples and quads mixed in one iterable.
        chained = itertools.chain(head, stream)
        ox.serialize(chained, out, format=fmt, prefixes=prefixes)  # type: ignore[arg-type]
    else:
        ox.serialize(statements, out, format=fmt)  # type: ignore[arg-type]
    return out.getvalue()


def write_description(
    triples: Iterable[ox.Triple],
    media_type: str,
    extra_prefixes: Mapping[str, str] | None = None,
) -> bytes:
    """A description (of a resource, a graph, the service) in an RDF format: sorted, named
    subjects first, so that Turtle groups each subject's statements."""
    ordered = sorted(
        triples,
        key=lambda t: (
            isinstance(t.subject, ox.BlankNode),
            str(t.subject),
            str(t.predicate),
            str(t.object),
        ),
    )
    return write_rdf(ordered, media_type, extra_prefixes=extra_prefixes)


def rdflib_triples(graph: Any) -> list[ox.Triple]:
    """An rdflib graph's triples as pyoxigraph triples (to be written here)."""
    nt = graph.serialize(format="application/n-triples", encoding="utf-8")
    return [quad.triple for quad in ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)]


def _namespace(iri: str) -> str:
    return iri[: max(iri.rfind("#"), iri.rfind("/")) + 1]


def used_prefixes(
    statements: Iterable[ox.Triple | ox.Quad], known: Mapping[str, str] = TURTLE_PREFIXES
) -> dict[str, str]:
    """The prefixes whose namespace some IRI of the statements is in (no unused lines)."""
    namespaces = set()
    for statement in statements:
        for term in (statement.subject, statement.predicate, statement.object):
            if isinstance(term, ox.NamedNode):
                namespaces.add(_namespace(term.value))
            elif isinstance(term, ox.Literal):
                namespaces.add(_namespace(term.datatype.value))
    return {p: ns for p, ns in known.items() if ns in namespaces}
