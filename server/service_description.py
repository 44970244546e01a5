"""The SPARQL 1.1 Service Description of the endpoint, with a VoID description of the dataset.

Served on a bare GET /sparql and at /.well-known/void. The default graph is declared as
the union of the named graphs (sd:UnionDefaultGraph); each named graph is an sd:NamedGraph
and a void:subset with its own triple count.
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from policykg.graph.namespaces import PKG, PKID, SD, VOID, bind_prefixes

from .engine import Engine
from .negotiation import GRAPH_TYPES, RESULTS_TYPES
from .serialize import rdflib_triples, write_description

FORMATS = "http://www.w3.org/ns/formats/"
# W3C format IRIs (https://www.w3.org/ns/formats/) of the media types this service writes
FORMAT_IRIS = {
    "application/sparql-results+json": "SPARQL_Results_JSON",
    "application/sparql-results+xml": "SPARQL_Results_XML",
    "text/csv": "SPARQL_Results_CSV",
    "text/tab-separated-values": "SPARQL_Results_TSV",
    "text/turtle": "Turtle",
    "application/n-triples": "N-Triples",
    "application/ld+json": "JSON-LD",
    "application/rdf+xml": "RDF_XML",
    "application/n-quads": "N-Quads",
    "application/trig": "TriG",
}
DUMPS = {
    "dataset.nq": "application/n-quads",
    "dataset.trig": "application/trig",
    "dataset.jsonld": "application/ld+json",
}


def description_graph(engine: Engine, root: str) -> Graph:
    """The service description of the endpoint served under `root` (ends with /)."""
    stats = engine.stats()
    g = bind_prefixes(Graph(bind_namespaces="none").namespace_manager).graph
    service, dataset, default = URIRef(root + "sparql"), URIRef(root + ".well-known/void"), BNode()
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, service))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    for media_type in RESULTS_TYPES + GRAPH_TYPES:
        g.add((service, SD.resultFormat, URIRef(FORMATS + FORMAT_IRIS[media_type])))
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, RDF.type, VOID.Dataset))
    g.add(
        (
            dataset,
            DCTERMS.title,
            Literal("policykg: Chinese government policy documents", lang="en"),
        )
    )
    g.add((dataset, VOID.sparqlEndpoint, service))
    g.add((dataset, VOID.uriSpace, Literal(str(PKID))))
    g.add((dataset, VOID.vocabulary, URIRef(str(PKG))))
    for name in DUMPS:
        g.add((dataset, VOID.dataDump, URIRef(root + "download/" + name)))
    g.add((dataset, VOID.triples, Literal(stats.triples, datatype=XSD.integer)))
    g.add((dataset, VOID.entities, Literal(stats.entities, datatype=XSD.integer)))
    g.add((dataset, VOID.classes, Literal(stats.classes, datatype=XSD.integer)))
    g.add((dataset, VOID.properties, Literal(stats.properties, datatype=XSD.integer)))
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, VOID.triples, Literal(stats.triples, datatype=XSD.integer)))
    for iri, count in stats.graphs.items():
        named, graph = BNode(), BNode()
        g.add((dataset, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, URIRef(iri)))
        g.add((named, SD.graph, graph))
        g.add((graph, RDF.type, SD.Graph))
        g.add((graph, VOID.triples, Literal(count, datatype=XSD.integer)))
        g.add((dataset, VOID.subset, graph))
        g.add((graph, RDF.type, VOID.Dataset))
    return g


def description_body(engine: Engine, root: str, media_type: str) -> bytes:
    """The service description of the endpoint served under `root`, in an RDF media type."""
    graph = description_graph(engine, root)
    return write_description(rdflib_triples(graph), media_type, extra_prefixes={"sd": str(SD)})
