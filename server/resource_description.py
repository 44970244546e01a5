"""A resource's RDF description and a named graph's triples, as RDF clients get them.

The description of a resource is every triple with it as subject, the triples of the
blank nodes reachable from it (OWL restrictions, lists), and the labels of the resources
it points to, so that a client can show the description without further requests. A
resource that is never a subject is described by the triples that point to it (at most
`max_incoming` of them). Bodies are written by server/serialize.py.
"""

from __future__ import annotations

from itertools import islice

from rdflib.namespace import RDFS, SKOS

from policykg.graph.namespaces import DCT, ELI

from .engine import Engine, Term, Triple, oxigraph_triple
from .serialize import write_description

LABEL_PROPERTIES = tuple(str(p) for p in (SKOS.prefLabel, RDFS.label, DCT.title, ELI.id_local))


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


def description(engine: Engine, iri: str, max_incoming: int) -> list[Triple]:
    """The resource's description: its triples, their blank-node closure, labels of objects."""
    triples: list[Triple] = []
    objects = _add_closure(engine, triples, Term(iri, "iri"), set())
    if not triples:
        # a resource only ever pointed to (a software release, say) is described by what
        # points to it
        triples.extend(islice(engine.triples(None, None, iri), max_incoming))
    for obj in dict.fromkeys(objects):
        for prop in LABEL_PROPERTIES:
            triples.extend(engine.triples(obj, prop, None))
    return triples


def named_graph(engine: Engine, graph_iri: str) -> list[Triple]:
    """Every triple of one named graph."""
    return list(engine.triples(None, None, None, graph_iri))


def rdf_body(triples: list[Triple], media_type: str) -> bytes:
    """A description written in an RDF media type (duplicates dropped)."""
    unique = {tuple(t.key for t in triple): triple for triple in triples}
    return write_description((oxigraph_triple(t) for t in unique.values()), media_type)
