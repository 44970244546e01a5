"""The namespaces of policykg and of the vocabularies it reuses, declared once."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD, NamespaceManager

BASE = "https://w3id.org/policykg/"
PKG = Namespace(BASE + "ontology#")
PKID = Namespace(BASE + "id/")
PKGRAPH = Namespace(BASE + "graph/")
PKGSH = Namespace(BASE + "shapes#")  # policykg's SHACL shapes
ONTOLOGY_IRI = BASE + "ontology"

ELI = Namespace("http://data.europa.eu/eli/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
SCHEMA = Namespace("https://schema.org/")
SH = Namespace("http://www.w3.org/ns/shacl#")
VOID = Namespace("http://rdfs.org/ns/void#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
WD = Namespace("http://www.wikidata.org/entity/")
DCAT = Namespace("http://www.w3.org/ns/dcat#")  # DCAT 3 (rdflib's DCAT lacks dcat:version)
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
DCT = DCTERMS

PREFIXES: dict[str, str] = {
    "pkg": str(PKG),
    "pkid": str(PKID),
    "pkgraph": str(PKGRAPH),
    "eli": str(ELI),
    "org": str(ORG),
    "time": str(TIME),
    "prov": str(PROV),
    "nif": str(NIF),
    "skos": str(SKOS),
    "dct": str(DCTERMS),
    "schema": str(SCHEMA),
    "xsd": str(XSD),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "sh": str(SH),
    "void": str(VOID),
    "wd": str(WD),
    "dcat": str(DCAT),
    "foaf": str(FOAF),
}


def bind_prefixes(manager: NamespaceManager) -> NamespaceManager:
    """Bind every policykg prefix on an rdflib namespace manager and return it."""
    for prefix, iri in PREFIXES.items():
        manager.bind(prefix, iri, override=True, replace=True)
    return manager


def sparql_prologue() -> str:
    """PREFIX declarations for every policykg prefix, for queries written in code."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
