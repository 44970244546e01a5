"""View-models of the ontology's pages, generated from the ontology graph itself: the
overview (every policykg term by kind, with labels and definitions) and one page per term.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import URIRef
from rdflib.namespace import DCTERMS as DCT
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from policykg.graph.namespaces import ONTOLOGY_IRI, PKG

from ..engine import Engine, Term
from .page import Page, list_members, thing, values
from .queries import view_query
from .terms import Link, label_map, link

# The kinds of term, in the order the overview lists them.
KINDS: tuple[tuple[str, str], ...] = (
    (str(OWL.Class), "类 Classes"),
    (str(OWL.ObjectProperty), "对象属性 Object properties"),
    (str(OWL.DatatypeProperty), "数据属性 Datatype properties"),
    (str(OWL.AnnotationProperty), "注释属性 Annotation properties"),
    (str(SKOS.ConceptScheme), "概念表 Concept schemes"),
    (str(SKOS.Concept), "概念 Concepts"),
)


@dataclass
class TermSummary:
    """A term as listed: its local name, link, labels and definitions by language."""

    local_name: str
    link: Link
    labels: dict[str, str] = field(default_factory=dict)
    definitions: dict[str, str] = field(default_factory=dict)


def _by_language(engine: Engine, iri: str, predicates: tuple[URIRef, ...]) -> dict[str, str]:
    texts: dict[str, str] = {}
    found = values(engine, iri)
    for predicate in predicates:
        for obj in found.get(str(predicate), []):
            texts.setdefault(obj.lang or "", str(obj))
    return texts


def summary(engine: Engine, iri: str) -> TermSummary:
    """A term's local name, labels and definitions."""
    return TermSummary(
        local_name=iri[len(str(PKG)) :],
        link=link(iri),
        labels=_by_language(engine, iri, (RDFS.label, SKOS.prefLabel)),
        definitions=_by_language(engine, iri, (SKOS.definition, RDFS.comment)),
    )


def ontology_terms(engine: Engine) -> list[tuple[str, list[TermSummary]]]:
    """The policykg terms grouped by kind; a term is listed under its first kind."""
    kinds: dict[str, str] = {}
    for row in engine.select(view_query("ontology-terms", ns=str(PKG))):
        term, rdf_type = str(row["term"]), str(row["type"])
        order = [k for k, _ in KINDS]
        if rdf_type in order and (
            term not in kinds or order.index(rdf_type) < order.index(kinds[term])
        ):
            kinds[term] = rdf_type
    groups = []
    for kind, heading in KINDS:
        terms = [summary(engine, t) for t, k in kinds.items() if k == kind]
        if terms:
            groups.append((heading, terms))
    return groups


def build_ontology(engine: Engine, page: Page) -> None:
    """The overview page of the ontology."""
    found = values(engine, ONTOLOGY_IRI)
    page.template = "ontology.html"
    page.title = _by_language(engine, ONTOLOGY_IRI, (DCT.title, RDFS.label)).get("zh", page.title)
    page.context.update(
        titles=_by_language(engine, ONTOLOGY_IRI, (DCT.title, RDFS.label)),
        descriptions=_by_language(engine, ONTOLOGY_IRI, (DCT.description, RDFS.comment)),
        version=next((str(v) for v in found.get(str(OWL.versionInfo), [])), ""),
        licenses=[link(str(o)) for o in found.get(str(DCT.license), [])],
        groups=ontology_terms(engine),
    )
    page.jsonld = thing(ONTOLOGY_IRI, page.title, "DefinedTermSet")


MAX_INSTANCES = 30

# OWL restriction kinds, shown in a Manchester-like syntax: property keyword filler.
_RESTRICTIONS = (
    (OWL.someValuesFrom, "some"),
    (OWL.allValuesFrom, "only"),
    (OWL.hasValue, "value"),
    (OWL.cardinality, "exactly"),
    (OWL.qualifiedCardinality, "exactly"),
    (OWL.minCardinality, "min"),
    (OWL.minQualifiedCardinality, "min"),
    (OWL.maxCardinality, "max"),
    (OWL.maxQualifiedCardinality, "max"),
)


def _class_expression(engine: Engine, node: Term, labels: dict[str, str]) -> list[Link | str]:
    """A named class as a link, a union or intersection as its members joined by or/and."""
    if node.is_iri:
        return [link(str(node), labels)]
    found = values(engine, node)
    for operator, word in ((OWL.unionOf, " or "), (OWL.intersectionOf, " and ")):
        if str(operator) in found:
            members = (
                list_members(
                    found[str(operator)][0],
                    lambda n: ((p, o) for _, p, o in engine.triples(n, None, None)),
                )
                or []
            )
            parts: list[Link | str] = []
            for k, member in enumerate(members):
                parts.extend(([word] if k else []) + _class_expression(engine, member, labels))
            return ["("] + parts + [")"]
    return ["[ ]"]


def restrictions(engine: Engine, iri: str) -> list[list[Link | str]]:
    """The term's anonymous superclasses (OWL restrictions) as Manchester-like phrases."""
    phrases = []
    for node in values(engine, iri).get(str(RDFS.subClassOf), []):
        if not node.is_bnode:
            continue
        found = values(engine, node)
        labels = label_map(engine, [str(o) for objs in found.values() for o in objs if o.is_iri])
        on_property = found.get(str(OWL.onProperty), [])
        phrase: list[Link | str] = [link(str(on_property[0]), labels)] if on_property else []
        for predicate, word in _RESTRICTIONS:
            for filler in found.get(str(predicate), []):
                phrase.append(f" {word} ")
                if filler.is_literal:
                    phrase.append(str(filler))
                    for cls in found.get(str(OWL.onClass), []):
                        phrase.extend([" "] + _class_expression(engine, cls, labels))
                else:
                    phrase.extend(_class_expression(engine, filler, labels))
        phrases.append(phrase)
    return phrases


def _named(engine: Engine, iri: str, predicate: URIRef) -> list[str]:
    return [str(o) for o in values(engine, iri).get(str(predicate), []) if o.is_iri]


def _subjects(engine: Engine, predicate: URIRef, iri: str) -> list[str]:
    return [
        str(r["x"])
        for r in engine.select(view_query("ontology-related", property=str(predicate), term=iri))
    ]


def build_term(engine: Engine, iri: str, page: Page) -> None:
    """A term page: labels, definitions, hierarchy, domain and range, how much it is used."""
    term = summary(engine, iri)
    related = {
        "superclasses": _named(engine, iri, RDFS.subClassOf),
        "subclasses": _subjects(engine, RDFS.subClassOf, iri),
        "superproperties": _named(engine, iri, RDFS.subPropertyOf),
        "subproperties": _subjects(engine, RDFS.subPropertyOf, iri),
        "domains": _named(engine, iri, RDFS.domain),
        "ranges": _named(engine, iri, RDFS.range),
        "domain_of": _subjects(engine, RDFS.domain, iri),
        "range_of": _subjects(engine, RDFS.range, iri),
        "schemes": _named(engine, iri, SKOS.inScheme),
        "members": _subjects(engine, SKOS.inScheme, iri),
    }
    instances = _subjects(engine, RDF.type, iri)
    labels = label_map(
        engine, {i for group in related.values() for i in group} | set(instances[:MAX_INSTANCES])
    )
    types = {t.iri for t in page.types}
    uses = None
    if types & {str(OWL.ObjectProperty), str(OWL.DatatypeProperty), str(OWL.AnnotationProperty)}:
        uses = engine.select(view_query("ontology-uses", term=iri))[0].get("n")
    elif str(SKOS.Concept) in types:
        uses = engine.select(view_query("ontology-values", term=iri))[0].get("n")
    page.template = "term.html"
    page.title = f"pkg:{term.local_name}"
    page.context.update(
        term=term,
        uses=str(uses) if uses is not None else None,
        restrictions=restrictions(engine, iri),
        instance_count=len(instances),
        instances=[link(i, labels) for i in instances[:MAX_INSTANCES]],
        instances_query=f"SELECT ?instance WHERE {{ ?instance a <{iri}> }}",
        notation=[str(o) for o in values(engine, iri).get(str(SKOS.notation), [])],
        **{k: [link(i, labels) for i in v] for k, v in related.items()},
    )
    page.jsonld = thing(iri, term.labels.get("en", term.local_name), "DefinedTerm")
