"""A resource's RDF description and a named graph's triples, as RDF clients get them.

The description of a resource is every triple with it as subject, the triples of the
blank nodes reachable from it (OWL restrictions, lists), the triples that point at it
(its parts and items, an agency's responsibilities, the documents citing it …), and the
labels of the resources on the other side of both, so that a client can show the
description without further requests. The links that point at it come `max_incoming`
at a time, sorted by property and subject: page 1 holds the resource's own triples and
the first of them, page n the n-th slice; `has_next` says whether another page follows
(the route sends it as a `Link: <…&page=n+1>; rel="next"` header).

Bodies are written by server/serialize.py, except JSON-LD, which is compacted here
with the service's own context (every policykg prefix; served at /context.jsonld and
referenced by URL from every description, so no other site is ever asked for it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from pyld import jsonld  # type: ignore[import-untyped]
from rdflib.namespace import RDFS, SKOS

from policykg.graph.errors import InputError
from policykg.graph.namespaces import DCT, ELI, PREFIXES, SD

from .engine import Engine, Term, Triple, oxigraph_triple
from .serialize import write_description

LABEL_PROPERTIES = tuple(str(p) for p in (SKOS.prefLabel, RDFS.label, DCT.title, ELI.id_local))
JSON_LD = "application/ld+json"


@dataclass
class Description:
    """One page of a resource's description."""

    triples: list[Triple] = field(default_factory=list)
    has_next: bool = False


def _add_closure(engine: Engine, triples: list[Triple], subject: str, seen: set[str]) -> list[str]:
    """Add the subject's triples and its blank nodes' triples; return the IRIs it points to."""
    objects: list[str] = []
    for triple in engine.triples(subject, None, None):
        triples.append(triple)
        obj = triple[2]
        if obj.is_bnode and obj not in seen:
            seen.add(obj)
            objects.extend(_add_closure(engine, triples, obj, seen))
        elif obj.is_iri:
            objects.append(str(obj))
    return objects


def incoming(engine: Engine, iri: str) -> list[Triple]:
    """The triples that point at a resource, sorted by property and subject."""
    return sorted(
        engine.triples(None, None, Term(iri, "iri")), key=lambda t: (str(t[1]), str(t[0]))
    )


def description(engine: Engine, iri: str, max_incoming: int, page: int = 1) -> Description:
    """Page `page` of the resource's description (see the module's docstring); empty when
    the graph says nothing about it."""
    if page < 1:
        raise InputError(f"page must be 1 or more, not {page}")
    found = Description()
    neighbours: list[str] = []
    if page == 1:
        neighbours = _add_closure(engine, found.triples, Term(iri, "iri"), set())
    pointing = incoming(engine, iri)
    start = (page - 1) * max_incoming
    window = pointing[start : start + max_incoming]
    found.triples.extend(window)
    found.has_next = len(pointing) > start + max_incoming
    neighbours.extend(str(t[0]) for t in window if t[0].is_iri)
    for other in dict.fromkeys(neighbours):
        for prop in LABEL_PROPERTIES:
            found.triples.extend(engine.triples(other, prop, None))
    return found


def named_graph(engine: Engine, graph_iri: str) -> list[Triple]:
    """Every triple of one named graph."""
    return list(engine.triples(None, None, None, graph_iri))


def jsonld_context() -> dict[str, Any]:
    """The JSON-LD context of every description: the policykg prefixes (and sd:)."""
    return {"@context": {**PREFIXES, "sd": str(SD)}}


def _no_remote_documents(url: str, options: Any = None) -> Any:
    """PyLD's document loader: nothing is ever fetched (the context is given inline)."""
    raise jsonld.JsonLdError(f"remote document {url} not loaded", "loading document failed")


def compact_jsonld(statements: list[ox.Triple], context_url: str) -> bytes:
    """Triples as compact JSON-LD (PyLD's compaction with the service's context) whose
    @context is the context's URL."""
    expanded = json.loads(ox.serialize(statements, format=ox.RdfFormat.JSON_LD) or b"[]")
    compacted = jsonld.compact(
        expanded, jsonld_context(), options={"documentLoader": _no_remote_documents}
    )
    compacted["@context"] = context_url
    return json.dumps(compacted, ensure_ascii=False, indent=1).encode("utf-8")


def rdf_body(triples: list[Triple], media_type: str, context_url: str) -> bytes:
    """A description written in an RDF media type (duplicates dropped); JSON-LD compact,
    with its @context at ``context_url``."""
    unique = {tuple(t.key for t in triple): triple for triple in triples}
    statements = [oxigraph_triple(t) for t in unique.values()]
    return write_statements(statements, media_type, context_url)


def write_statements(statements: list[ox.Triple], media_type: str, context_url: str) -> bytes:
    """Triples in a media type: compact JSON-LD, or server/serialize.py's writers."""
    if media_type == JSON_LD:
        ordered = sorted(statements, key=lambda t: (str(t.subject), str(t.predicate)))
        return compact_jsonld(ordered, context_url)
    return write_description(statements, media_type)
