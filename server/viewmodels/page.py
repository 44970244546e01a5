"""Page view-models: which page a resource gets, and the generic property table.

A resource's page is chosen by its rdf:type (document, part, item, measure, agency, text
span, source text); everything else gets the generic page, a table of its properties
and of the resources that point to it. Every page carries that table, so nothing in the
graph is hidden by a specialised layout.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rdflib.namespace import RDF

from ..engine import Engine, Term
from ..linking import links
from .queries import view_query
from .terms import Link, PropertyRow, Value, label_map, link, value_of

SCHEMA_ORG = "https://schema.org/"
RDF_TYPE, RDF_FIRST, RDF_REST, RDF_NIL = (str(t) for t in (RDF.type, RDF.first, RDF.rest, RDF.nil))
_MAX_DEPTH = 8


@dataclass
class Page:
    """What a template needs to show one resource."""

    template: str
    iri: str
    title: str
    types: list[Link]
    context: dict[str, Any] = field(default_factory=dict)
    jsonld: dict[str, Any] | None = None
    properties: list[PropertyRow] = field(default_factory=list)
    incoming: list[tuple[Link, Link]] = field(default_factory=list)
    incoming_truncated: bool = False
    graphs: list[Link] = field(default_factory=list)
    sparql: str = ""


Tree = dict[str, list[tuple[Term, Term]]]  # a node's (predicate, object) pairs


def _collect(engine: Engine, subject: Term, tree: Tree, depth: int) -> None:
    """Gather the subject's (predicate, object) pairs and those of its blank nodes."""
    if subject in tree or depth > _MAX_DEPTH:
        return
    pairs = sorted(
        ((p, o) for _, p, o in engine.triples(subject, None, None)),
        key=lambda pair: (str(pair[0]), str(pair[1])),
    )
    tree[subject] = pairs
    for _, obj in pairs:
        if obj.is_bnode:
            _collect(engine, obj, tree, depth + 1)


def list_members(
    node: Term, pairs_of: Callable[[Term], Iterable[tuple[Term, Term]]]
) -> list[Term] | None:
    """The members of an RDF list starting at node, or None when it is not a list (a cycle,
    a cell that is not a blank node with exactly rdf:first and rdf:rest). `pairs_of` gives
    a node's (predicate, object) pairs."""
    members: list[Term] = []
    seen: set[str] = set()
    while str(node) != RDF_NIL:
        if node in seen or not node.is_bnode:
            return None
        seen.add(node)
        pairs = {str(p): o for p, o in pairs_of(node)}
        if set(pairs) != {RDF_FIRST, RDF_REST}:
            return None
        members.append(pairs[RDF_FIRST])
        node = pairs[RDF_REST]
    return members


def _value(term: Term, tree: Tree, labels: dict[str, str]) -> Value:
    if not term.is_bnode:
        return value_of(term, labels)
    members = list_members(term, lambda node: tree.get(node, []))
    if members is not None:
        return Value(items=[_value(m, tree, labels) for m in members])
    return Value(rows=_rows(term, tree, labels))


def _rows(subject: Term, tree: Tree, labels: dict[str, str]) -> list[PropertyRow]:
    rows: list[PropertyRow] = []
    for predicate, obj in tree.get(subject, []):
        value = _value(obj, tree, labels)
        if rows and rows[-1].predicate.iri == str(predicate):
            rows[-1].values.append(value)
        else:
            rows.append(PropertyRow(predicate=link(str(predicate), labels), values=[value]))
    return rows


def property_table(engine: Engine, iri: str) -> list[PropertyRow]:
    """The resource's properties, blank nodes expanded in place and lists as lists."""
    tree: Tree = {}
    subject = Term(iri, "iri")
    _collect(engine, subject, tree, 0)
    iris = {str(t) for pairs in tree.values() for pair in pairs for t in pair if t.is_iri}
    return _rows(subject, tree, label_map(engine, iris))


def incoming_links(
    engine: Engine, iri: str, max_incoming: int
) -> tuple[list[tuple[Link, Link]], bool]:
    """(subject, predicate) links of the triples that point to the resource, at most
    ``max_incoming``; truncated?"""
    pairs: list[tuple[str, str]] = []
    for s, p, _ in engine.triples(None, None, iri):
        if s.is_iri:
            pairs.append((str(s), str(p)))
        if len(pairs) > max_incoming:
            break
    truncated = len(pairs) > max_incoming
    pairs = sorted(pairs[:max_incoming], key=lambda pair: (pair[1], pair[0]))
    labels = label_map(engine, {i for pair in pairs for i in pair})
    return [(link(s, labels), link(p, labels)) for s, p in pairs], truncated


def types_of(engine: Engine, iri: str) -> list[str]:
    """The rdf:types of a resource."""
    return sorted(str(o) for _, _, o in engine.triples(iri, RDF_TYPE, None))


def exists(engine: Engine, iri: str) -> bool:
    """True when the graph says anything about the IRI, as subject or as object."""
    return (
        next(engine.triples(iri, None, None), None) is not None
        or next(engine.triples(None, None, iri), None) is not None
    )


def describe_query(iri: str) -> str:
    """The SPARQL that fetches a resource's description (linked from every page)."""
    return f"DESCRIBE <{iri}>"


def graphs_of(engine: Engine, iri: str) -> list[Link]:
    """The named graphs that hold triples about the resource."""
    return [
        link(str(row["g"]), text=links().short(str(row["g"])))
        for row in engine.select(view_query("resource-graphs", resource=iri))
    ]


def title_of(engine: Engine, iri: str) -> str:
    """The resource's label, or its IRI when it has none."""
    return label_map(engine, [iri]).get(iri, iri)


def thing(iri: str, name: str, schema_type: str = "Thing") -> dict[str, Any]:
    """The JSON-LD of a page whose resource the schema.org view leaves out (exports.py
    maps documents, their parts and agencies): what kind of page it is, and its name."""
    return {"@context": SCHEMA_ORG, "@type": schema_type, "@id": iri, "name": name}


Builder = Callable[[Engine, str, Page], None]


def build_page(
    engine: Engine, iri: str, builders: Mapping[str, Builder], max_incoming: int
) -> Page | None:
    """The page of a resource, filled in by the builder for its first known type; at most
    ``max_incoming`` links to it are listed."""
    if not exists(engine, iri):
        return None
    types = types_of(engine, iri)
    labels = label_map(engine, types)
    incoming, truncated = incoming_links(engine, iri, max_incoming)
    page = Page(
        template="resource.html",
        iri=iri,
        title=title_of(engine, iri),
        types=[link(t, labels) for t in types],
        properties=property_table(engine, iri),
        incoming=incoming,
        incoming_truncated=truncated,
        sparql=describe_query(iri),
        graphs=graphs_of(engine, iri),
    )
    page.jsonld = thing(iri, page.title)
    # builders are tried in the caller's order: the first type the resource has wins
    for rdf_type, builder in builders.items():
        if rdf_type in types:
            builder(engine, iri, page)
            break
    return page


def values(engine: Engine, iri: str) -> dict[str, list[Term]]:
    """The resource's (an IRI's, or a blank node's Term) objects by predicate IRI."""
    found: dict[str, list[Term]] = {}
    for _, p, o in engine.triples(iri, None, None):
        found.setdefault(str(p), []).append(o)
    return found


def first(found: dict[str, list[Term]], predicate: object) -> Term | None:
    """The first object of a predicate, preferring a Chinese literal."""
    objects = found.get(str(predicate), [])
    for obj in objects:
        if obj.is_literal and obj.lang == "zh":
            return obj
    return objects[0] if objects else None


def to_int(term: object) -> int:
    """A literal's integer value, 0 when it has none."""
    try:
        return int(str(term))
    except ValueError:
        return 0


def to_date(term: object) -> date | None:
    """An xsd:date literal's date, else None."""
    return term.as_date() if isinstance(term, Term) else None
