"""How RDF terms are shown on the pages: labels, compact names, links and literal values."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from policykg.graph.namespaces import PREFIXES

from ..engine import Engine, Term
from ..linking import href, local_path
from .queries import view_query

# Label properties in order of preference; within one, Chinese before English before none.
_PROPERTY_RANK = {
    "http://www.w3.org/2004/02/skos/core#prefLabel": 0,
    "http://www.w3.org/2000/01/rdf-schema#label": 1,
    "http://purl.org/dc/terms/title": 2,
    "http://data.europa.eu/eli/ontology#id_local": 3,
    "http://www.w3.org/2004/02/skos/core#notation": 4,
}
_LANGUAGE_RANK = {"zh": 0, "en": 1, None: 2}
_SLASHED = {"pkid", "pkgraph"}
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@dataclass(frozen=True)
class Link:
    """A link to a resource: where it goes, what it shows, whether it leaves this site."""

    href: str
    text: str
    iri: str
    external: bool = False


@dataclass
class Value:
    """One object of a property: a link, a literal, or a blank node's own properties."""

    link: Link | None = None
    text: str | None = None
    note: str | None = None  # language tag or datatype of a literal
    rows: list[PropertyRow] = field(default_factory=list)
    items: list[Value] | None = None  # the members of an RDF list, in order


@dataclass
class PropertyRow:
    """A property and its values, for the property tables."""

    predicate: Link
    values: list[Value]


def qname(iri: str) -> str:
    """The prefixed name of an IRI when a policykg prefix covers it, else the IRI."""
    best = ""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(PREFIXES.get(best, "")):
            best = prefix
    # policykg's own IRIs keep their slashes in the display form (pkid:doc/…/item/1): it
    # is read by people, never parsed as Turtle
    if best and (best in _SLASHED or "/" not in iri[len(PREFIXES[best]) :]):
        return f"{best}:{iri[len(PREFIXES[best]) :]}"
    return iri


def _label_rank(predicate: str, label: Term) -> tuple[int, int]:
    language = label.lang.split("-")[0].lower() if label.lang else None
    return _PROPERTY_RANK.get(predicate, 9), _LANGUAGE_RANK.get(language, 2)


def label_map(engine: Engine, iris: Iterable[str]) -> dict[str, str]:
    """The best label of each IRI that has one (Chinese preferred)."""
    wanted = [i for i in dict.fromkeys(iris)]
    best: dict[str, tuple[tuple[int, int], str]] = {}
    for start in range(0, len(wanted), 200):
        chunk = wanted[start : start + 200]
        rows = engine.select(view_query("labels", subjects=chunk))
        for row in rows:
            subject, label = str(row["s"]), row["label"]
            rank = _label_rank(str(row["p"]), label)
            if subject not in best or rank < best[subject][0]:
                best[subject] = (rank, str(label))
    return {iri: text for iri, (_, text) in best.items()}


def link(iri: str, labels: dict[str, str] | None = None, text: str | None = None) -> Link:
    """A link to an IRI, showing the given text, its label or its compact name."""
    shown = text or (labels or {}).get(iri) or qname(iri)
    target = href(iri)
    if not target.startswith(("/", "http://", "https://")):
        target = ""  # urn:, mailto:, javascript: … are shown, never followed
    return Link(href=target, text=shown, iri=iri, external=local_path(iri) is None)


def literal_value(term: Term) -> Value:
    """A literal as shown: its text and its language or datatype (none for a plain one)."""
    if term.lang:
        note = f"@{term.lang}"
    elif term.datatype and term.datatype != XSD_STRING:
        note = qname(term.datatype)
    else:
        note = None
    return Value(text=str(term), note=note)


def value_of(term: Term, labels: dict[str, str]) -> Value:
    """One object as shown (blank nodes are filled in by the caller)."""
    if term.is_iri:
        return Value(link=link(str(term), labels))
    if term.is_literal:
        return literal_value(term)
    return Value(text="[ ]")
