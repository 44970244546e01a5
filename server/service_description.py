"""The SPARQL 1.1 Service Description of the endpoint, with the DCAT and VoID description of
the dataset it serves.

Served on a bare GET /sparql, at /.well-known/void and as the RDF of ``{BASE_IRI}id/dataset``
(the dataset's IRI comes from BASE_IRI, the endpoint's and downloads' addresses from
PUBLIC_URL: never from a request header). The description is what the data says about the
dataset (graph/publishing.py: title, publisher, rights, dates, distributions, build)
with the figures the server counts itself in place of the data's: the VoID statistics of
the served statements, the content digest as dcat:version, and the configured licence.
The default graph is the union of the named graphs (sd:UnionDefaultGraph, its distinct
triples counted); each named graph is an sd:NamedGraph whose graph is the void:subset
named by the graph's IRI, with its own triple count.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from policykg.graph.namespaces import DCAT, PKG, SD, VOID, bind_prefixes
from policykg.graph.publishing import DUMPS, IANA, distribution_iri

from .config import Config
from .engine import Engine, Term, oxigraph_triple
from .negotiation import GRAPH_TYPES, RESULTS_TYPES
from .resource_description import JSON_LD, write_statements
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
# What the server states itself about the dataset (and its distributions), in place of
# what the data says.
COUNTED = frozenset(
    str(p)
    for p in (
        VOID.triples,
        VOID.entities,
        VOID.classes,
        VOID.properties,
        VOID.distinctSubjects,
        VOID.distinctObjects,
        DCAT.version,
        DCTERMS.license,
    )
)


def dataset_iri(config: Config) -> str:
    """The dataset's IRI: ``id/dataset`` under BASE_IRI."""
    return f"{config.base_iri}id/dataset"


def description_graph(engine: Engine, config: Config) -> Graph:
    """What the server states about itself and the dataset: the service, the counts,
    the version, the licence, the downloads at PUBLIC_URL."""
    root = config.public_url
    stats = engine.stats()
    g = bind_prefixes(Graph(bind_namespaces="none").namespace_manager).graph
    service, dataset, default = URIRef(root + "sparql"), URIRef(dataset_iri(config)), BNode()
    license_iri = URIRef(config.license)
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, service))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    for media_type in RESULTS_TYPES + GRAPH_TYPES:
        g.add((service, SD.resultFormat, URIRef(FORMATS + FORMAT_IRIS[media_type])))
    g.add((service, SD.defaultDataset, dataset))
    for cls in (SD.Dataset, VOID.Dataset, DCAT.Dataset):
        g.add((dataset, RDF.type, cls))
    if next(engine.triples(str(dataset), str(DCTERMS.title), None), None) is None:
        g.add((dataset, DCTERMS.title, Literal("policykg dataset", lang="en")))
    g.add((dataset, VOID.sparqlEndpoint, service))
    g.add((dataset, VOID.vocabulary, URIRef(str(PKG))))
    g.add((dataset, DCAT.version, Literal(engine.version)))
    g.add((dataset, DCTERMS.license, license_iri))
    g.add((dataset, DCAT.landingPage, URIRef(root)))
    for name, media_type in DUMPS.items():
        url = URIRef(root + "download/" + name)
        dist = distribution_iri(name, str(dataset))
        g.add((dataset, VOID.dataDump, url))
        g.add((dataset, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCAT.downloadURL, url))
        g.add((dist, DCAT.mediaType, URIRef(IANA + media_type)))
        g.add((dist, DCTERMS.license, license_iri))
    counts = {
        VOID.triples: stats.triples,
        VOID.entities: stats.entities,
        VOID.classes: stats.classes,
        VOID.properties: stats.properties,
        VOID.distinctSubjects: stats.distinct_subjects,
        VOID.distinctObjects: stats.distinct_objects,
    }
    for prop, count in counts.items():
        g.add((dataset, prop, Literal(count, datatype=XSD.integer)))
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, VOID.triples, Literal(stats.distinct_triples, datatype=XSD.integer)))
    for iri, count in stats.graphs.items():
        if not iri:
            continue
        named, graph = BNode(), URIRef(iri)
        g.add((dataset, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, graph))
        g.add((named, SD.graph, graph))
        g.add((graph, RDF.type, SD.Graph))
        g.add((graph, RDF.type, VOID.Dataset))
        g.add((graph, VOID.triples, Literal(count, datatype=XSD.integer)))
        g.add((dataset, VOID.subset, graph))
    return g


def stated_by_data(engine: Engine, config: Config) -> Iterator[ox.Triple]:
    """What the data says about the dataset and the resources it describes it with (its
    distributions, rights, publisher, build), less the figures the server states itself."""
    start = Term(dataset_iri(config), "iri")
    seen, todo = {start.key}, [start]
    prefix = f"{start}/"
    while todo:
        subject = todo.pop()
        for triple in engine.triples(subject, None, None):
            if str(triple[1]) in COUNTED and (
                subject == start or str(triple[1]) == str(DCTERMS.license)
            ):
                continue
            yield oxigraph_triple(triple)
            obj = triple[2]
            follow = obj.is_bnode or (obj.is_iri and (str(obj).startswith(prefix)))
            if follow and obj.key not in seen:
                seen.add(obj.key)
                todo.append(obj)


def description_triples(engine: Engine, config: Config) -> list[ox.Triple]:
    """The whole description: the data's statements and the server's."""
    served = rdflib_triples(description_graph(engine, config))
    return list(dict.fromkeys([*stated_by_data(engine, config), *served]))


def description_body(engine: Engine, config: Config, media_type: str) -> bytes:
    """The service and dataset description, in an RDF media type (JSON-LD compact, with
    the service's context)."""
    triples = description_triples(engine, config)
    if media_type == JSON_LD:
        return write_statements(triples, media_type, context_url(config))
    return write_description(triples, media_type, extra_prefixes={"sd": str(SD)})


def context_url(config: Config) -> str:
    """Where the JSON-LD context of the descriptions is served (PUBLIC_URL)."""
    return f"{config.public_url}context.jsonld"
