"""The ontology: it parses, is OWL 2 DL enough for owlready2 + HermiT, is consistent with
the reference data, makes mistyped data inconsistent, and documents every term."""

from __future__ import annotations

import tempfile
from importlib.resources import files
from pathlib import Path

import owlready2
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from policykg.graph.namespaces import PKG, PKID

ONTOLOGY_IRI = URIRef("https://w3id.org/policykg/ontology")


def _ontology() -> Graph:
    graph = Graph()
    graph.parse(
        data=(files("policykg.ontology") / "policykg.ttl").read_text(encoding="utf-8"),
        format="turtle",
    )
    return graph


def _reference_data() -> Graph:
    graph = Graph()
    for entry in (files("policykg.graph") / "data").iterdir():
        if entry.name.endswith(".ttl"):
            graph.parse(data=entry.read_text(encoding="utf-8"), format="turtle")
    return graph


def _consistent(*graphs: Graph) -> bool:
    """HermiT's verdict on the union of the graphs (owlready2 0.51, via N-Triples)."""
    union = Graph()
    for graph in graphs:
        union += graph
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "union.nt"
        union.serialize(path, format="nt", encoding="utf-8")
        world = owlready2.World()
        world.get_ontology(path.as_uri()).load(format="ntriples")
        try:
            owlready2.sync_reasoner_hermit(
                world, infer_property_values=False, ignore_unsupported_datatypes=False, debug=0
            )
        except owlready2.OwlReadyInconsistentOntologyError:
            return False
        finally:
            world.close()
    return True


def _abox(turtle: str) -> Graph:
    graph = Graph()
    graph.parse(
        data="@prefix pkg: <https://w3id.org/policykg/ontology#> .\n"
        "@prefix pkid: <https://w3id.org/policykg/id/> .\n"
        "@prefix eli: <http://data.europa.eu/eli/ontology#> .\n" + turtle,
        format="turtle",
    )
    return graph


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return _ontology()


def _pkg_terms(graph: Graph) -> set[URIRef]:
    return {s for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(str(PKG))}


def test_header(ontology):
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(ONTOLOGY_IRI, OWL.versionInfo) == Literal("0.1.0")
    assert not list(ontology.objects(ONTOLOGY_IRI, OWL.imports))
    titles = {
        t.language for t in ontology.objects(ONTOLOGY_IRI, URIRef("http://purl.org/dc/terms/title"))
    }
    assert titles == {"zh", "en"}
    assert ontology.value(ONTOLOGY_IRI, URIRef("http://purl.org/dc/terms/license")) is not None


def test_every_pkg_term_has_zh_and_en_label_and_definition(ontology):
    terms = _pkg_terms(ontology)
    assert len(terms) > 100
    missing = []
    for term in sorted(terms):
        for prop in (RDFS.label, SKOS.definition):
            languages = {o.language for o in ontology.objects(term, prop) if isinstance(o, Literal)}
            if not {"zh", "en"} <= languages:
                missing.append((str(term), str(prop)))
    assert missing == []


def test_each_term_has_one_owl_kind(ontology):
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    for subject in set(ontology.subjects(RDF.type, None)):
        declared = [k for k in kinds if (subject, RDF.type, k) in ontology]
        assert len(declared) <= 1, (subject, declared)


def test_concepts_are_individuals_not_classes(ontology):
    concepts = set(ontology.subjects(RDF.type, SKOS.Concept))
    assert concepts
    for concept in concepts:
        assert (concept, RDF.type, OWL.NamedIndividual) in ontology
        assert (concept, RDF.type, OWL.Class) not in ontology
        assert ontology.value(concept, SKOS.notation) is not None


@pytest.mark.parametrize(
    ("scheme", "notations"),
    [
        ("roles", {"lead", "support", "shared", "sole"}),
        ("comparators", {"eq", "min", "max", "approx"}),
        ("time-bound-types", {"deadline", "period", "recurring"}),
        ("document-types", {"implementation-plan", "opinion", "measures", "action-plan", "notice"}),
        ("paragraph-roles", {"content", "closing", "attachment", "notice", "unplaced"}),
        (
            "agency-kinds",
            {
                "provincial-government",
                "provincial-department",
                "municipal-government",
                "municipal-department",
                "county-government",
                "central-branch",
                "party-organ",
                "mass-organisation",
                "procuratorate",
                "state-owned-enterprise",
                "central-government",
                "central-department",
                "court",
            },
        ),
    ],
)
def test_scheme_notations(ontology, scheme, notations):
    members = ontology.subjects(SKOS.inScheme, PKG[scheme])
    assert {str(ontology.value(m, SKOS.notation)) for m in members} == notations


def test_doc_model_terms_are_declared(ontology):
    for name in (
        "PolicyDocument",
        "Part",
        "Item",
        "Measure",
        "Responsibility",
        "Agency",
        "UnregisteredAgency",
        "TimeBound",
        "Quantity",
        "TextSpan",
        "Mention",
        "SourceText",
        "Programme",
        "Place",
    ):
        assert (PKG[name], RDF.type, OWL.Class) in ontology, name
    for name in (
        "agent",
        "role",
        "hasResponsibility",
        "hasTimeBound",
        "hasQuantity",
        "jurisdiction",
        "agencyKind",
        "clause",
        "cites",
        "mentionsPlace",
        "refersTo",
        "partOf",
        "period",
        "otherEnd",
    ):
        assert (PKG[name], RDF.type, OWL.ObjectProperty) in ontology, name
    for name in (
        "ordinal",
        "value",
        "unit",
        "text",
        "expression",
        "divisionCode",
        "agentName",
        "issuerCode",
        "sha256",
        "characterCount",
    ):
        assert (PKG[name], RDF.type, OWL.DatatypeProperty) in ontology, name


def test_string_ranged_properties_are_not_for_language_tagged_text(ontology):
    xsd_string = URIRef("http://www.w3.org/2001/XMLSchema#string")
    for prop in (PKG.text, PKG.expression, PKG.noticeTitle, PKG.measuredProperty):
        assert ontology.value(prop, RDFS.range) == RDFS.Literal
    for prop in (PKG.agentName, PKG.divisionCode, PKG.unit):
        assert ontology.value(prop, RDFS.range) == xsd_string


@pytest.mark.slow
def test_hermit_finds_ontology_and_reference_data_consistent(ontology):
    assert _consistent(ontology)
    assert _consistent(ontology, _reference_data())


@pytest.mark.slow
def test_hermit_finds_agency_that_is_a_measure_inconsistent(ontology):
    bad = _abox("pkid:x a pkg:Agency , pkg:Measure .")
    assert not _consistent(ontology, bad)


@pytest.mark.slow
def test_hermit_finds_measure_as_agent_inconsistent(ontology):
    bad = _abox("pkid:r a pkg:Responsibility ; pkg:agent pkid:m .\npkid:m a pkg:Measure .")
    assert not _consistent(ontology, bad)


@pytest.mark.slow
def test_hermit_finds_language_tag_on_a_string_key_inconsistent(ontology):
    good = _abox('pkid:r a pkg:Responsibility ; pkg:agentName "省财政厅" .')
    bad = _abox('pkid:r a pkg:Responsibility ; pkg:agentName "省财政厅"@zh .')
    assert _consistent(ontology, good)
    assert not _consistent(ontology, bad)


@pytest.mark.slow
def test_hermit_accepts_a_well_typed_measure(ontology):
    good = _abox("""
        pkid:d a pkg:PolicyDocument .
        pkid:d-part-1 a pkg:Part ; eli:is_part_of pkid:d ;
            pkg:ordinal "1"^^<http://www.w3.org/2001/XMLSchema#positiveInteger> .
        pkid:d-item-1 a pkg:Item ; eli:is_part_of pkid:d-part-1 .
        pkid:m a pkg:Measure ; eli:is_part_of pkid:d-item-1 ; pkg:text "落实好……政策。"@zh ;
            pkg:hasResponsibility pkid:m-responsibility-1 ; pkg:hasQuantity pkid:m-quantity-1 .
        pkid:m-responsibility-1 a pkg:Responsibility ; pkg:agent pkid:agency-a ;
            pkg:role pkg:role-lead .
        pkid:agency-a a pkg:Agency .
        pkid:m-quantity-1 a pkg:Quantity ; pkg:value 1.5 ; pkg:unit "%" ;
            pkg:comparator pkg:comparator-eq .
    """)
    assert _consistent(ontology, good)


@pytest.mark.slow
def test_measure_may_stand_directly_under_a_part_but_not_under_a_document(ontology):
    under_part = _abox("""
        pkid:d-part-1 a pkg:Part .
        pkid:m a pkg:Measure ; eli:is_part_of pkid:d-part-1 .
    """)
    under_document = _abox("""
        pkid:d a pkg:PolicyDocument .
        pkid:m a pkg:Measure ; eli:is_part_of pkid:d .
    """)
    assert _consistent(ontology, under_part)
    assert not _consistent(ontology, under_document)


@pytest.mark.slow
def test_paragraph_belongs_to_a_part_item_or_document_and_is_no_measure(ontology):
    good = _abox("""
        pkid:d a pkg:PolicyDocument .
        pkid:p a pkg:Paragraph ; eli:is_part_of pkid:d ; pkg:paragraphRole pkg:paragraph-closing ;
            pkg:hasTimeBound pkid:p-time-1 .
        pkid:p-time-1 a pkg:TimeBound .
    """)
    under_measure = _abox("""
        pkid:m a pkg:Measure .
        pkid:p a pkg:Paragraph ; eli:is_part_of pkid:m .
    """)
    both = _abox("pkid:p a pkg:Paragraph , pkg:Measure .")
    assert _consistent(ontology, good)
    assert not _consistent(ontology, under_measure)
    assert not _consistent(ontology, both)


def test_pkid_namespace_is_not_the_ontology_namespace():
    assert not str(PKID).startswith(str(PKG))


def test_every_term_the_reference_data_uses_is_declared(ontology):
    data = _reference_data()
    builtin = (str(RDF), str(RDFS), str(OWL))
    declared = set(ontology.subjects(RDF.type, None))
    predicates = {p for p in data.predicates() if not str(p).startswith(builtin)}
    assert sorted(str(p) for p in predicates - declared) == []
    classes = {c for c in data.objects(None, RDF.type) if not str(c).startswith(builtin)}
    assert sorted(str(c) for c in classes if (c, RDF.type, OWL.Class) not in ontology) == []
