"""View-models of a measure (its text with entities marked in place, its responsibility
table) and of the source text and its spans.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rdflib.namespace import DCTERMS as DCT
from rdflib.namespace import PROV

from policykg.graph.namespaces import ELI, NIF, PKG

from ..engine import Engine, Term
from ..marked_text import Mark, marked_html
from .document import container_chain, counterpart
from .page import Page, first, thing, to_int, values
from .queries import view_query
from .terms import Link, label_map, link

# The mark kind of a mentioned resource, by its class; the first class that fits wins.
_MENTION_KINDS = (
    (PKG.Place, "place"),
    (PKG.Programme, "programme"),
    (ELI.LegalResource, "citation"),
    (PKG.PolicyDocument, "citation"),
)


def _source_text(engine: Engine, source: str) -> str | None:
    for _, _, text in engine.triples(source, NIF.isString, None):
        return str(text)
    return None


def _mention_kind(types: set[str]) -> str:
    for cls, kind in _MENTION_KINDS:
        if str(cls) in types:
            return kind
    return "concept"


@dataclass
class _Mention:
    """One mention span of a measure, gathered from the query's rows."""

    span: str
    target: str
    begin: int
    end: int
    types: set[str] = field(default_factory=set)
    via: set[str] = field(default_factory=set)  # the measure's properties that point to it


def _mentions(engine: Engine, measure: str) -> tuple[list[dict[str, object]], list[Mark]]:
    """The measure's mentions for the table, and their marks for the text."""
    by_span: dict[str, _Mention] = {}
    for row in engine.select(view_query("measure-mentions", m=measure)):
        entry = by_span.setdefault(
            str(row["span"]),
            _Mention(str(row["span"]), str(row["target"]), to_int(row["b"]), to_int(row["e"])),
        )
        if "type" in row:
            entry.types.add(str(row["type"]))
        if "via" in row:
            entry.via.add(str(row["via"]))
    labels = label_map(
        engine, [e.target for e in by_span.values()] + [v for e in by_span.values() for v in e.via]
    )
    mentions, marks = [], []
    for entry in by_span.values():
        kind = _mention_kind(entry.types)
        target = link(entry.target, labels)
        mentions.append(
            {
                "kind": kind,
                "target": target,
                "via": [link(v, labels) for v in sorted(entry.via)],
                "span": link(entry.span, text=f"[{entry.begin}, {entry.end})"),
            }
        )
        marks.append(Mark(entry.begin, entry.end, kind, target.text, target.href))
    return mentions, marks


def _span_marks(
    rows: list[dict[str, Term]], kind: str, var: str, title: Callable[[dict[str, Term]], str]
) -> list[Mark]:
    """The marks of the rows that have a span ([?b, ?e)), linked to the row's ?var."""
    return [
        Mark(to_int(r["b"]), to_int(r["e"]), kind, title(r), link(str(r[var])).href)
        for r in rows
        if "b" in r
    ]


def build_measure(engine: Engine, iri: str, page: Page) -> None:
    """The measure page: marked text, responsibilities, time bounds, quantities, mentions."""
    spans = (engine.select(view_query("measure-spans", m=iri)) or [{}])[0]
    chain = container_chain(engine, iri)
    item = chain[-1] if chain else None
    responsibilities = engine.select(view_query("measure-responsibilities", m=iri))
    bounds = engine.select(view_query("measure-time-bounds", m=iri))
    quantities = engine.select(view_query("measure-quantities", m=iri))
    mentions, marks = _mentions(engine, iri)
    labels = label_map(engine, {str(r["agent"]) for r in responsibilities})
    agencies = []
    for r in responsibilities:
        agency = link(str(r["agent"]), labels)
        agencies.append(
            {
                "agency": agency,
                "name": str(r.get("name", "")),
                "role": str(r.get("roleName", "")),
                "role_link": link(str(r["role"])) if "role" in r else None,
                "responsibility": link(str(r["r"]), text=str(r.get("k", ""))),
            }
        )
        if "begin" in r:
            marks.append(
                Mark(to_int(r["begin"]), to_int(r["end"]), "agency", agency.text, agency.href)
            )
    marks += _span_marks(
        bounds, "time", "t", lambda t: f"{t.get('start', '…')} – {t.get('end', '…')}"
    )
    marks += _span_marks(
        quantities,
        "quantity",
        "q",
        lambda q: f"{q.get('value', '')} {q.get('unit', '')} {q.get('comparator', '')}",
    )
    source = _source_text(engine, str(spans["source"])) if "source" in spans else None
    text_html = clause_html = None
    if source is not None and "textBegin" in spans:
        text_html = marked_html(source, to_int(spans["textBegin"]), to_int(spans["textEnd"]), marks)
        if "clauseBegin" in spans:
            clause_html = marked_html(
                source, to_int(spans["clauseBegin"]), to_int(spans["clauseEnd"]), marks
            )
    item_found = values(engine, item.iri) if item else {}
    counterparts = [str(o) for o in item_found.get(str(PKG.correspondsTo), [])]
    counterpart_labels = label_map(engine, counterparts)
    found = values(engine, iri)
    ordinal = first(found, PKG.ordinal)
    item_number = str(first(item_found, ELI.number) or "")
    page.template = "measure.html"
    page.title = f"{item_number}{first(item_found, DCT.title) or ''} 措施 {ordinal or ''}".strip()
    page.context.update(
        chain=chain,
        text=str(spans.get("text", "")),
        text_html=text_html,
        clause_html=clause_html,
        open_list=str(spans.get("open", "")) == "true",
        agencies=agencies,
        bounds=bounds,
        quantities=quantities,
        mentions=mentions,
        text_span=_span_link(spans, "span", "textBegin", "textEnd"),
        clause_span=_span_link(spans, "clause", "clauseBegin", "clauseEnd"),
        counterparts=[counterpart(engine, c, counterpart_labels) for c in counterparts],
    )


def _span_link(spans: dict[str, Term], var: str, begin: str, end: str) -> Link | None:
    """The link to a span's page, showing its offsets."""
    if var not in spans:
        return None
    return link(str(spans[var]), text=f"[{spans.get(begin, '?')}, {spans.get(end, '?')})")


def build_span(engine: Engine, iri: str, page: Page) -> None:
    """A span: the source text with the span highlighted, and what was derived from it."""
    found = values(engine, iri)
    source_iri = first(found, NIF.referenceContext)
    begin, end = to_int(first(found, NIF.beginIndex) or 0), to_int(first(found, NIF.endIndex) or 0)
    source = _source_text(engine, str(source_iri)) if source_iri else None
    derived = engine.select(view_query("measure-derived", span=iri))
    labels = label_map(engine, {str(r["x"]) for r in derived} | {str(r["p"]) for r in derived})
    page.template = "span.html"
    anchor = str(first(found, NIF.anchorOf) or "")
    page.title = f"{anchor if len(anchor) <= 40 else anchor[:39] + '…'} [{begin}, {end})"
    page.context.update(
        begin=begin,
        end=end,
        anchor=str(first(found, NIF.anchorOf) or ""),
        source=link(str(source_iri), text="原文 source text") if source_iri else None,
        derived=[(link(str(r["x"]), labels), link(str(r["p"]), labels)) for r in derived],
        text_html=marked_html(
            source, 0, len(source), [Mark(begin, end, "here", page.title, None, "here")]
        )
        if source is not None and 0 <= begin <= end <= len(source)
        else None,
    )
    page.jsonld = thing(iri, str(first(found, NIF.anchorOf) or ""), "Quotation")


def build_source(engine: Engine, iri: str, page: Page) -> None:
    """The source text, each measure's text and clause marked and linked to its page."""
    found = values(engine, iri)
    text = first(found, NIF.isString)
    marks = []
    for row in engine.select(view_query("measure-document-spans", source=iri)):
        marks.append(
            Mark(to_int(row["b"]), to_int(row["e"]), "measure", "", link(str(row["m"])).href)
        )
        if "cb" in row:
            marks.append(
                Mark(to_int(row["cb"]), to_int(row["ce"]), "clause", "", link(str(row["m"])).href)
            )
    documents = [str(s) for s, _, _ in engine.triples(None, PKG.source, iri)]
    labels = label_map(engine, documents)
    page.template = "source.html"
    page.title = f"原文 {first(found, PKG.fileName) or ''}".strip()
    original = first(found, PROV.wasDerivedFrom)
    stated = values(engine, str(original)) if original is not None else {}
    page.context.update(
        documents=[link(d, labels) for d in documents],
        original=link(str(original), text=str(first(stated, PKG.fileName) or original))
        if original is not None
        else None,
        original_type=str(first(stated, PKG.mediaType) or ""),
        original_sha256=str(first(stated, PKG.sha256) or ""),
        file_name=str(first(found, PKG.fileName) or ""),
        sha256=str(first(found, PKG.sha256) or ""),
        characters=len(str(text)) if text is not None else 0,
        text_html=marked_html(str(text), 0, len(str(text)), marks) if text is not None else None,
    )
    page.properties = [row for row in page.properties if row.predicate.iri != str(NIF.isString)]
    page.jsonld = thing(iri, page.title, "DigitalDocument")
