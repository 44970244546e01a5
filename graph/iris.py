"""Minting IRIs: deterministic, readable, derived from what the text says (docs/model.md)."""

from __future__ import annotations

from datetime import date

from rdflib import URIRef

from .model import Document, DocumentNumber, Item, Span
from .namespaces import PKGRAPH, PKID

# Characters that cannot stand in an IRI path segment (RFC 3987 excludes them); a title
# never needs them to stay readable, so they are dropped rather than escaped.
_UNSAFE = str.maketrans({c: None for c in ' <>"{}|\\^`#?/%\t\n\r'})


def _segment(text: str) -> str:
    """One readable IRI path segment for a name or title."""
    return text.strip().translate(_UNSAFE)


def document_key(
    number: DocumentNumber | None,
    title: str,
    issuer: str | None = None,
    issued: date | None = None,
) -> str:
    """The path that names a document: doc/{issuerCode}/{year}/{serial} by its number;
    without one, doc/{issuer}/{date or undated}/{title} when the issuer is known (two
    offices may give the same title), else work/{title} (a document known by title)."""
    if number is not None:
        return f"doc/{_segment(number.issuer_code)}/{number.year}/{number.serial}"
    if issuer:
        when = issued.isoformat() if issued else "undated"
        return f"doc/{_segment(issuer)}/{when}/{_segment(title)}"
    return f"work/{_segment(title)}"


def document_iri(number: DocumentNumber | None, title: str) -> URIRef:
    """A cited document's IRI; the same number gives the same IRI in every graph."""
    return PKID[document_key(number, title)]


def parsed_document_key(doc: Document) -> str:
    """The path that names a parsed document: by its number, else issuer, date and title."""
    return document_key(doc.number, doc.title.text, doc.issuer_name, doc.issued)


def parsed_document_iri(doc: Document) -> URIRef:
    """A parsed document's IRI (see parsed_document_key)."""
    return PKID[parsed_document_key(doc)]


def document_graph_iri(doc: Document) -> URIRef:
    """The named graph that holds what the pipeline derived from one document."""
    return PKGRAPH[parsed_document_key(doc)]


def reference_graph_iri(name: str) -> URIRef:
    """The named graph of one reference data file."""
    return PKGRAPH[f"reference/{name}"]


def part_iri(doc: URIRef, ordinal: int) -> URIRef:
    """A part of a document, by its number (一 → 1)."""
    return URIRef(f"{doc}/part/{ordinal}")


def item_iri(doc: URIRef, ordinal: int, part: int | None = None) -> URIRef:
    """An item, by its number: {doc}/item/{n} when items are numbered through the
    document, {doc}/part/{p}/item/{n} when they restart in every part."""
    if part is not None:
        return URIRef(f"{part_iri(doc, part)}/item/{ordinal}")
    return URIRef(f"{doc}/item/{ordinal}")


def parsed_item_iri(doc_iri: URIRef, doc: Document, item: Item) -> URIRef:
    """The IRI of an item of a parsed document (its numbering decides the form)."""
    return item_iri(doc_iri, item.ordinal, item.part if doc.items_restart else None)


def measure_iri(parent: URIRef, ordinal: int) -> URIRef:
    """A measure, by its ordinal within its item, or within its part when it stands
    directly under one."""
    return URIRef(f"{parent}/measure/{ordinal}")


def paragraph_iri(parent: URIRef, ordinal: int) -> URIRef:
    """A paragraph that is no measure, by its ordinal within its item, part or document."""
    return URIRef(f"{parent}/paragraph/{ordinal}")


def notice_iri(document: URIRef) -> URIRef:
    """The notice that issues the document: its paragraphs are numbered under it."""
    return URIRef(f"{document}/notice")


def child_iri(parent: URIRef, kind: str, ordinal: int) -> URIRef:
    """A responsibility, time bound or quantity of a measure, by its ordinal."""
    return URIRef(f"{parent}/{kind}/{ordinal}")


def span_iri(doc: URIRef, span: Span) -> URIRef:
    """A span of the document's source, by its code-point offsets."""
    return URIRef(f"{doc}/span/{span.begin}-{span.end}")


def source_iri(doc: URIRef) -> URIRef:
    """The document's source text."""
    return URIRef(f"{doc}/source")


def original_iri(doc: URIRef) -> URIRef:
    """The file the source text was derived from (a web page, a PDF or a Word file)."""
    return URIRef(f"{doc}/original")


def page_field_iri(doc: URIRef, ordinal: int) -> URIRef:
    """One field of the metadata table of the page a document was read from."""
    return URIRef(f"{original_iri(doc)}/field/{ordinal}")


def build_iri(doc: URIRef) -> URIRef:
    """The activity that built the document's graph."""
    return URIRef(f"{doc}/build")


def instant_iri(day: date) -> URIRef:
    """An instant: one calendar day, shared by every graph."""
    return PKID[f"instant/{day.isoformat()}"]


def agency_iri(full_name: str) -> URIRef:
    """An agency, by its official (or jurisdiction-qualified) name."""
    return PKID[f"agency/{_segment(full_name)}"]


def place_iri(code_or_name: str) -> URIRef:
    """A place, by its GB/T 2260 code or, for regions without one, its name."""
    return PKID[f"place/{_segment(code_or_name)}"]


def programme_iri(name: str) -> URIRef:
    """A named programme, campaign, platform or brand."""
    return PKID[f"programme/{_segment(name)}"]


def software_iri(version: str) -> URIRef:
    """The policykg release that built a graph."""
    return PKID[f"software/policykg/{version}"]
