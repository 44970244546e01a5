"""A resource's RDF description, and its serialisation in the formats RDF clients ask for.

The description of a resource is every triple with it as subject, the triples of the
blank nodes reachable from it (OWL restrictions, lists), and the labels of the resources
it points to, so that a client can show the description without further requests.
"""

from __future__ import annotations

from itertools import islice

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDFS, SKOS
from werkzeug.datastructures import MIMEAccept

from policykg.graph.namespaces import DCT, ELI, bind_prefixes

from .lookup import Lookup

# Media type → rdflib serialiser, in the order offered when a client accepts several.
RDF_FORMATS: dict[str, str] = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}

# Short names for the ?format= parameter that browsers can use instead of Accept.
# The names of /sparql's format= (protocol.py) are accepted too.
FORMAT_NAMES: dict[str, str] = {
    "ttl": "text/turtle",
    "turtle": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "rdf": "application/rdf+xml",
    "rdfxml": "application/rdf+xml",
    "html": "text/html",
}
# The format= name each media type is linked with (alternate links, Content-Location).
SHORT_NAMES: dict[str, str] = {
    "text/html": "html",
    "text/turtle": "ttl",
    "application/ld+json": "jsonld",
    "application/n-triples": "nt",
    "application/rdf+xml": "rdf",
}

MAX_INCOMING = 1000
LABEL_PROPERTIES = (SKOS.prefLabel, RDFS.label, DCT.title, ELI.id_local)


def _new_graph() -> Graph:
    """An empty graph with the policykg prefixes bound."""
    graph = Graph()
    bind_prefixes(graph.namespace_manager)
    return graph


def choose_media_type(accept: MIMEAccept, format_name: str | None) -> str | None:
    """The media type to answer with: ?format= first, then Accept; None when none fits.

    HTML is offered first, so that a client accepting anything gets the page; a request
    with no Accept at all is treated as accepting anything (RFC 9110).
    """
    if format_name:
        return FORMAT_NAMES.get(format_name)
    if not accept:
        return "text/html"
    return accept.best_match(["text/html", *RDF_FORMATS])


def _add_closure(
    lookup: Lookup,
    graph: Graph,
    subject: URIRef | BNode,
    graph_name: URIRef | None,
    seen: set[BNode],
) -> list[URIRef]:
    """Add the subject's triples and its blank nodes' triples; return the IRIs it points to."""
    objects: list[URIRef] = []
    for s, p, o in lookup.triples(subject, None, None, graph_name):
        graph.add((s, p, o))
        if isinstance(o, BNode) and o not in seen:
            seen.add(o)
            objects.extend(_add_closure(lookup, graph, o, graph_name, seen))
        elif isinstance(o, URIRef):
            objects.append(o)
    return objects


def description(lookup: Lookup, iri: str) -> Graph:
    """The resource's description: its triples, their blank-node closure, labels of objects.

    A resource that is never a subject is described by the triples that point to it.
    """
    graph = _new_graph()
    objects = _add_closure(lookup, graph, URIRef(iri), None, set())
    if not len(graph):
        # a resource only ever pointed to (a software release, say) is described by
        # what points to it
        for triple in islice(lookup.triples(None, None, URIRef(iri)), MAX_INCOMING):
            graph.add(triple)
    for obj in dict.fromkeys(objects):
        for prop in LABEL_PROPERTIES:
            for triple in lookup.triples(obj, prop, None):
                graph.add(triple)
    return graph


def named_graph(lookup: Lookup, graph_iri: str) -> Graph:
    """Every triple of one named graph."""
    graph = _new_graph()
    for triple in lookup.triples(None, None, None, URIRef(graph_iri)):
        graph.add(triple)
    return graph


def serialize(graph: Graph, media_type: str) -> bytes:
    """The graph in one of RDF_FORMATS, UTF-8."""
    data = graph.serialize(format=RDF_FORMATS[media_type], encoding="utf-8")
    return data if isinstance(data, bytes) else data.encode("utf-8")
