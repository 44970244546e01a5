"""Content negotiation: which media type an answer is written in. The only place it is
decided, for every route.

Each kind of answer has an :class:`Offer`: the media types it can be written in (the
default first) and the types clients send that mean one of them (`application/json`
for a SPARQL answer means SPARQL JSON, for a graph JSON-LD). A request picks one by
`format=` (a short name or a media type: browsers cannot set Accept), else by Accept
with q-values; no Accept, or `*/*`, gives the default. Nothing that fits is a 406
listing what does.

| offer | types |
| --- | --- |
| SELECT, ASK answers | SPARQL JSON, XML, CSV, TSV |
| CONSTRUCT, DESCRIBE, service description | Turtle, N-Triples, JSON-LD, RDF/XML, N-Quads, TriG |
| a resource's page | HTML, Turtle, JSON-LD, N-Triples, RDF/XML |
| a validation report | Turtle, JSON-LD, HTML, the text report, the other RDF types |

Every body is written by server/serialize.py in the type chosen here.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from policykg.graph.errors import NotAcceptable

RESULTS_TYPES = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
)
GRAPH_TYPES = (
    "text/turtle",
    "application/n-triples",
    "application/ld+json",
    "application/rdf+xml",
    "application/n-quads",
    "application/trig",
)
HTML = "text/html"
TEXT = "text/plain"

# The format= names of each media type; the first is the one links use. A name shared by
# two types (json, xml) means the first of them the answer can be written in.
NAMES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "application/sparql-results+json": ("json",),
        "application/sparql-results+xml": ("xml",),
        "text/csv": ("csv",),
        "text/tab-separated-values": ("tsv",),
        # n3: Turtle is N3 (SPARQLWrapper's N3 return format sends format=n3)
        "text/turtle": ("ttl", "turtle", "n3"),
        "application/n-triples": ("nt", "ntriples", "n-triples"),
        "application/ld+json": ("jsonld", "json", "json-ld"),
        "application/rdf+xml": ("rdf", "rdfxml", "xml", "rdf+xml"),
        "application/n-quads": ("nq", "nquads", "n-quads"),
        "application/trig": ("trig",),
        HTML: ("html",),
        TEXT: ("text",),
    }
)
CHARSET_TYPES = {
    HTML,
    TEXT,
    "text/csv",
    "text/tab-separated-values",
    "text/turtle",
    "application/n-triples",
    "application/n-quads",
    "application/trig",
}
_XML_ALIASES = ("application/xml", "text/xml")
# what clients send for Turtle or N3 (SPARQLWrapper's TURTLE and N3 return formats)
_TURTLE_ALIASES = (
    "application/turtle",
    "application/x-turtle",
    "text/n3",
    "text/rdf+n3",
    "application/n3",
)


@dataclass(frozen=True, eq=False)  # offers are module constants: compared by identity
class Offer:
    """What one kind of answer can be written in."""

    what: str  # "this answer", "this resource" …, for the 406 message
    types: tuple[str, ...]  # the default first
    aliases: Mapping[str, str] = field(default_factory=dict)  # sent → meant

    def names(self) -> list[str]:
        """The format= names this offer answers to."""
        return [name for media_type in self.types for name in NAMES.get(media_type, ())]


RESULTS = Offer(
    "this answer",
    RESULTS_TYPES,
    {"application/json": RESULTS_TYPES[0], **dict.fromkeys(_XML_ALIASES, RESULTS_TYPES[1])},
)
GRAPH = Offer(
    "this answer",
    GRAPH_TYPES,
    {
        "application/json": "application/ld+json",
        **dict.fromkeys(_XML_ALIASES, "application/rdf+xml"),
        TEXT: "application/n-triples",
        **dict.fromkeys(_TURTLE_ALIASES, "text/turtle"),
        "application/x-json+ld": "application/ld+json",
    },
)
PAGE = Offer(
    "this resource",
    (HTML, "text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml"),
)
REPORT = Offer(
    "this report",
    ("text/turtle", "application/ld+json", HTML, TEXT)
    + tuple(t for t in GRAPH_TYPES if t not in ("text/turtle", "application/ld+json")),
    {
        "application/json": "application/ld+json",
        **dict.fromkeys(_XML_ALIASES, "application/rdf+xml"),
    },
)


def offer_for(form: str | None) -> Offer:
    """The offer of a query's answer, by its form (SELECT when unknown)."""
    return GRAPH if form in ("CONSTRUCT", "DESCRIBE") else RESULTS


def kind_of_form(form: str | None) -> str:
    """'select', 'ask' or 'graph' for a query form keyword (None: SELECT)."""
    return {"ASK": "ask", "CONSTRUCT": "graph", "DESCRIBE": "graph"}.get(form or "", "select")


def offer_for_kind(kind: str) -> Offer:
    """The offer of an answer of a kind ('select', 'ask', 'graph')."""
    return GRAPH if kind == "graph" else RESULTS


def short_name(media_type: str) -> str:
    """The format= name links use for a media type."""
    return NAMES[media_type][0]


def content_type(media_type: str) -> str:
    """The Content-Type header value for a media type (UTF-8 stated for text formats)."""
    return f"{media_type}; charset=utf-8" if media_type in CHARSET_TYPES else media_type


def media_type_named(offer: Offer, name: str) -> str | None:
    """The offered media type a format= value means (a short name or the type itself)."""
    wanted = name.strip().lower()
    for media_type in offer.types:
        if wanted == media_type or wanted in NAMES.get(media_type, ()):
            return media_type
    return None


@functools.lru_cache(maxsize=512)
def negotiate(offer: Offer, accept_header: str | None, format_param: str | None = None) -> str:
    """The media type to write an answer in: format= first, then Accept; NotAcceptable
    (406) listing what can be served. Remembered: clients send the same few headers again
    and again, and parsing and matching them is a tenth of a request's time."""
    if format_param:
        named = media_type_named(offer, format_param)
        if named is not None:
            return named
        raise NotAcceptable(
            f"format={format_param!r} cannot be served for {offer.what}", offer.names()
        )
    accept = parse_accept_header(accept_header, MIMEAccept) if accept_header else None
    if not accept:
        return offer.types[0]
    best = accept.best_match([*offer.types, *offer.aliases])
    if best is None:
        raise NotAcceptable(
            f"none of the media types in Accept can be served for {offer.what}", list(offer.types)
        )
    return offer.aliases.get(best, best)
