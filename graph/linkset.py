"""The VoID description of the links from the policykg dataset to outside datasets.

Two kinds of outside dataset are linked: Wikidata, by skos:exactMatch on places, and the
higher-level documents the plans implement (the national opinion), by
eli:ensures_implementation_of from documents (as their texts state) and by
pkg:correspondsTo from items (the computed crosswalk), one linkset each. Each is described as a
void:Linkset whose triple count is read off the dataset, so the description stays true
whatever documents are built. The dataset itself (``id/dataset``) is described, with
its statistics, by graph/publishing.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from .literals import integer
from .namespaces import ELI, PKG, PKID, VOID, WD, bind_prefixes
from .rdfio import union_view

DATASET = PKID["dataset"]
# what the linkset reads off the documents' graphs (graph/stream.py keeps only these)
LINK_PREDICATES = frozenset((ELI.ensures_implementation_of, PKG.correspondsTo, SKOS.exactMatch))
DOCUMENT_PREDICATES = frozenset((DCTERMS.title, ELI.id_local, DCTERMS.source))
WIKIDATA = PKID["dataset/wikidata"]


def wikidata_links(union: Graph) -> int:
    """How many skos:exactMatch links point into Wikidata."""
    return sum(1 for o in union.objects(None, SKOS.exactMatch) if str(o).startswith(str(WD)))


def implemented_documents(data: Graph) -> list[URIRef]:
    """Documents that others implement and that implement nothing themselves, in IRI order."""
    docs = set(data.subjects(RDF.type, PKG.PolicyDocument))
    links = list(data.subject_objects(ELI.ensures_implementation_of))
    implementing = {s for s, _ in links}
    targets = {o for s, o in links if isinstance(o, URIRef) and s in docs and o in docs}
    return sorted(t for t in targets if t not in implementing)


def implementation_counts(
    union: Graph, documents: list[URIRef], predicate: URIRef
) -> dict[URIRef, int]:
    """For each document, how many links by ``predicate`` point at it or at anything inside
    it (one pass over the links: an object is matched by its prefixes)."""
    counts = dict.fromkeys(documents, 0)
    wanted = {str(d): d for d in documents}
    for o in union.objects(None, predicate):
        text = str(o)
        cut = len(text)
        while cut > 0:
            document = wanted.get(text[:cut])
            if document is not None:
                counts[document] += 1
                break  # documents do not nest: one prefix is the document
            cut = text.rfind("/", 0, cut)
    return counts


def linkset_graph(data: Graph) -> Graph:
    """The VoID description of the dataset's links to Wikidata and to the documents it
    implements."""
    union = union_view(data)
    g = Graph()
    bind_prefixes(g.namespace_manager)
    g.add((WIKIDATA, RDF.type, VOID.Dataset))
    g.add((WIKIDATA, DCTERMS.title, Literal("Wikidata", lang="en")))
    g.add((WIKIDATA, VOID.uriSpace, Literal(str(WD))))
    g.add((WIKIDATA, VOID.sparqlEndpoint, URIRef("https://query.wikidata.org/sparql")))
    places = PKID["dataset/linkset/wikidata-places"]
    _linkset(
        g,
        places,
        WIKIDATA,
        SKOS.exactMatch,
        wikidata_links(union),
        "places matched to Wikidata items",
    )

    implemented = implemented_documents(union)
    stated = implementation_counts(union, implemented, ELI.ensures_implementation_of)
    computed = implementation_counts(union, implemented, PKG.correspondsTo)
    for doc in implemented:
        number = union.value(doc, ELI.id_local)
        key = str(doc)[len(str(PKID)) :]  # doc/{issuerCode}/{year}/{serial}
        target = PKID[f"dataset/{key}"]
        g.add((target, RDF.type, VOID.Dataset))
        for title in union.objects(doc, DCTERMS.title):
            g.add((target, DCTERMS.title, title))
        g.add((target, VOID.uriSpace, Literal(f"{doc}")))
        g.add((target, VOID.rootResource, doc))
        for source in union.objects(doc, DCTERMS.source):
            g.add((target, DCTERMS.source, source))
        _linkset(
            g,
            PKID[f"dataset/linkset/{key}"],
            target,
            ELI.ensures_implementation_of,
            stated[doc],
            f"documents implementing {number or doc}, as their texts state",
        )
        _linkset(
            g,
            PKID[f"dataset/linkset/{key}/crosswalk"],
            target,
            PKG.correspondsTo,
            computed[doc],
            f"items corresponding to the items of {number or doc} (the computed crosswalk)",
        )
    return g


def _linkset(
    g: Graph, node: URIRef, target: URIRef, predicate: URIRef, count: int, title: str
) -> None:
    """One void:Linkset from the policykg dataset to a target dataset."""
    g.add((node, RDF.type, VOID.Linkset))
    g.add((node, DCTERMS.title, Literal(title, lang="en")))
    g.add((node, VOID.subjectsTarget, DATASET))
    g.add((node, VOID.objectsTarget, target))
    g.add((node, VOID.linkPredicate, predicate))
    g.add((node, VOID.triples, integer(count)))
    g.add((DATASET, VOID.subset, node))


def link_triples(
    triples: Iterable[tuple[Any, Any, Any]], documents: set[URIRef]
) -> list[tuple[Any, Any, Any]]:
    """The triples of a graph the linkset is computed from: the links, and the type, titles,
    numbers and sources of documents."""
    return [
        (s, p, o)
        for s, p, o in triples
        if p in LINK_PREDICATES
        or (o == PKG.PolicyDocument and p == RDF.type)
        or (s in documents and p in DOCUMENT_PREDICATES)
    ]
