"""Media types of SPARQL results and RDF, and content negotiation with q-values.

SELECT and ASK answers can be written as SPARQL JSON, XML, CSV and TSV; CONSTRUCT and
DESCRIBE answers (and the service description, downloads, resource descriptions) as
Turtle, N-Triples, JSON-LD, RDF/XML, N-Quads and TriG. Every format is written by
pyoxigraph's serialisers, whichever engine evaluated the query, so the two engines'
answers are byte-compatible. Browsers that cannot set Accept use `format=`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import pyoxigraph as ox
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from policykg.graph.errors import NotAcceptable
from policykg.graph.namespaces import PREFIXES

# media type -> (format= name, pyoxigraph format); the first is the default
RESULTS_TYPES: dict[str, tuple[str, ox.QueryResultsFormat]] = {
    "application/sparql-results+json": ("json", ox.QueryResultsFormat.JSON),
    "application/sparql-results+xml": ("xml", ox.QueryResultsFormat.XML),
    "text/csv": ("csv", ox.QueryResultsFormat.CSV),
    "text/tab-separated-values": ("tsv", ox.QueryResultsFormat.TSV),
}
GRAPH_TYPES: dict[str, tuple[str, ox.RdfFormat]] = {
    "text/turtle": ("turtle", ox.RdfFormat.TURTLE),
    "application/n-triples": ("ntriples", ox.RdfFormat.N_TRIPLES),
    "application/ld+json": ("jsonld", ox.RdfFormat.JSON_LD),
    "application/rdf+xml": ("rdfxml", ox.RdfFormat.RDF_XML),
    "application/n-quads": ("nquads", ox.RdfFormat.N_QUADS),
    "application/trig": ("trig", ox.RdfFormat.TRIG),
}
# Types clients send that mean one of the above.
ALIASES = {
    "application/json": {
        "select": "application/sparql-results+json",
        "ask": "application/sparql-results+json",
        "graph": "application/ld+json",
    },
    "application/xml": {
        "select": "application/sparql-results+xml",
        "ask": "application/sparql-results+xml",
        "graph": "application/rdf+xml",
    },
    "text/xml": {
        "select": "application/sparql-results+xml",
        "ask": "application/sparql-results+xml",
        "graph": "application/rdf+xml",
    },
    "text/plain": {"graph": "application/n-triples"},
}
# format= values that mean a results format for SELECT/ASK but a graph format otherwise
FORMAT_ALIASES = {"json": "jsonld", "xml": "rdfxml"}
# Prefixes written in Turtle/TriG answers. pkid: and pkgraph: are left out: their IRIs have
# slashes in the local part, which Turtle would have to escape (pkid:doc\/…).
TURTLE_PREFIXES = {p: iri for p, iri in PREFIXES.items() if p not in ("pkid", "pkgraph")}
CHARSET_TYPES = {
    "text/plain",
    "text/csv",
    "text/tab-separated-values",
    "text/turtle",
    "application/n-triples",
    "application/n-quads",
    "application/trig",
}


def kind_of_form(form: str | None) -> str:
    """'select', 'ask' or 'graph' for a query form keyword (None: SELECT's types)."""
    return {"ASK": "ask", "CONSTRUCT": "graph", "DESCRIBE": "graph"}.get(form or "", "select")


def types_for(kind: str) -> dict[str, tuple[str, object]]:
    """The media types an answer of this kind can be written in, default first."""
    return GRAPH_TYPES if kind == "graph" else RESULTS_TYPES


def content_type(media_type: str) -> str:
    """The Content-Type header value for a media type (UTF-8 stated for text formats)."""
    return f"{media_type}; charset=utf-8" if media_type in CHARSET_TYPES else media_type


@dataclass(frozen=True)
class Choice:
    """The media type an answer will be written in."""

    media_type: str
    kind: str


def negotiate(kind: str, accept: MIMEAccept | None, format_param: str | None = None) -> Choice:
    """Pick a media type for an answer of `kind` from format= or the Accept header.

    No Accept, or */*, gives the kind's default type. Raises NotAcceptable listing the
    types that can be served.
    """
    available = types_for(kind)
    if format_param:
        wanted = format_param.strip().lower()
        if kind == "graph":
            wanted = FORMAT_ALIASES.get(wanted, wanted)
        for media_type, (name, _) in available.items():
            if wanted in (name, media_type):
                return Choice(media_type, kind)
        names = [name for name, _ in available.values()]
        raise NotAcceptable(f"format={format_param!r} cannot be served for this answer", names)
    if accept is None or not accept:
        return Choice(next(iter(available)), kind)
    candidates = list(available)
    for alias, targets in ALIASES.items():
        if kind in targets:
            candidates.append(alias)
    best = accept.best_match(candidates)
    if best is None:
        raise NotAcceptable(
            "none of the media types in Accept can be served for this answer", list(available)
        )
    return Choice(ALIASES[best][kind] if best in ALIASES else best, kind)


@functools.lru_cache(maxsize=256)
def negotiate_header(
    kind: str, accept_header: str | None, format_param: str | None = None
) -> Choice:
    """negotiate() for a raw Accept header value, remembered: clients send the same few
    headers again and again, and parsing and matching them is a tenth of a request's time."""
    accept = parse_accept_header(accept_header, MIMEAccept) if accept_header else None
    return negotiate(kind, accept, format_param)
