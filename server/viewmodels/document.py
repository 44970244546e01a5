"""View-models of a document's pages: the document with its outline and timeline, a part,
an item with its measures and its national counterpart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib.namespace import DCTERMS as DCT
from rdflib.namespace import PROV

from policykg.graph.namespaces import ELI, PKG

from ..engine import Engine, Row
from ..svg import TimeRow, timeline_svg
from .page import Page, first, to_date, to_int, values
from .queries import view_query
from .terms import Link, label_map, link


@dataclass
class ItemLine:
    """An item in an outline: its link, title, measure count, counterparts."""

    link: Link
    title: str
    measures: int = 0
    counterparts: list[Link] = field(default_factory=list)


@dataclass
class PartLine:
    """A part in an outline: its items, and the measures and paragraphs directly under it."""

    link: Link | None
    title: str
    items: list[ItemLine] = field(default_factory=list)
    measures: int = 0
    paragraphs: int = 0


def _part_line(row: Row) -> PartLine:
    part_iri = str(row.get("part", ""))
    number, title = str(row.get("partNum", "")), str(row.get("partTitle", ""))
    return PartLine(
        link=link(part_iri, text=f"{number} {title}".strip() or None) if part_iri else None,
        title=title,
        measures=to_int(row.get("measures", 0)),
        paragraphs=to_int(row.get("paragraphs", 0)),
    )


def outline(engine: Engine, doc: str) -> list[PartLine]:
    """The document's parts, those without items too, with their items (items outside
    parts in a part of their own)."""
    parts = {
        str(row["part"]): _part_line(row)
        for row in engine.select(view_query("document-parts", doc=doc))
    }
    rows = engine.select(view_query("document-outline", doc=doc))
    counterparts: dict[str, list[str]] = {}
    for row in engine.select(view_query("document-counterparts", doc=doc)):
        counterparts.setdefault(str(row["item"]), []).append(str(row["national"]))
    labels = label_map(engine, [n for ns in counterparts.values() for n in ns])
    for row in rows:
        part_iri = str(row.get("part", ""))
        if part_iri not in parts:  # items that stand in no part
            parts[part_iri] = _part_line(row)
        item_iri = str(row["item"])
        parts[part_iri].items.append(
            ItemLine(
                link=link(item_iri, text=str(row.get("itemNum", row["itemOrd"]))),
                title=str(row.get("itemTitle", "")),
                measures=to_int(row.get("measures", 0)),
                counterparts=[link(n, labels) for n in counterparts.get(item_iri, [])],
            )
        )
    return list(parts.values())


def time_rows(engine: Engine, doc: str) -> list[TimeRow]:
    """One timeline row per time bound of the document's measures."""
    rows = []
    for row in engine.select(view_query("document-time-bounds", doc=doc)):
        number = str(row.get("itemNum", row["itemOrd"]))
        rows.append(
            TimeRow(
                label=f"{number}措施{row['mOrd']}",
                href=link(str(row["measure"])).href,
                expression=str(row.get("expr", "")),
                kind=str(row.get("type", "")),
                start=to_date(row.get("begin")),
                end=to_date(row.get("end")),
            )
        )
    return rows


def _links_of(engine: Engine, query: str, doc: str, var: str) -> list[Link]:
    """Links to the resources a page query finds about a document (sorted by IRI)."""
    iris = [str(row[var]) for row in engine.select(view_query(query, doc=doc))]
    labels = label_map(engine, iris)
    return [link(i, labels) for i in sorted(iris)]


def build_document(engine: Engine, iri: str, page: Page) -> None:
    """The document page: header, outline, timeline, what it implements and is implemented by."""
    found = values(engine, iri)
    passed_by = [str(o) for o in found.get(str(ELI.passed_by), [])]
    implements = [str(o) for o in found.get(str(ELI.ensures_implementation_of), [])]
    others = (
        passed_by
        + implements
        + [
            str(o)
            for key in (PKG.documentType, PKG.jurisdiction, PKG.source, PROV.wasGeneratedBy)
            for o in found.get(str(key), [])
        ]
    )
    labels = label_map(engine, others)
    number = first(found, ELI.id_local)
    issued = first(found, ELI.date_document)
    title = first(found, DCT.title)
    rows = time_rows(engine, iri)
    issued_day = to_date(issued)
    parts = outline(engine, iri)
    page.template = "document.html"
    page.title = str(title or number or page.title)
    page.context.update(
        number=str(number or ""),
        notice_title=str(first(found, PKG.noticeTitle) or ""),
        issued=str(issued or ""),
        passed_by=[link(a, labels) for a in passed_by],
        addressees=[str(a) for a in found.get(str(PKG.addressee), [])],
        doctype=[link(str(o), labels) for o in found.get(str(PKG.documentType), [])],
        jurisdiction=[link(str(o), labels) for o in found.get(str(PKG.jurisdiction), [])],
        sources=[link(str(o), labels, "原文 source text") for o in found.get(str(PKG.source), [])],
        implements=[link(b, labels) for b in implements],
        implemented_by=_links_of(engine, "document-implemented-by", iri, "x"),
        cited_by=_links_of(engine, "document-cited-by", iri, "m"),
        parts=parts,
        time_rows=rows,
        timeline=timeline_svg(rows, ("发文", issued_day) if issued_day else None),
    )


def container_chain(engine: Engine, iri: str) -> list[Link]:
    """The resources an item or measure is part of, outermost first."""
    chain: list[str] = []
    current = iri
    while True:
        parents = values(engine, current).get(str(ELI.is_part_of), [])
        if not parents or str(parents[0]) in chain:
            break
        current = str(parents[0])
        chain.append(current)
    labels = label_map(engine, chain)
    return [link(c, labels) for c in reversed(chain)]


def build_part(engine: Engine, iri: str, page: Page) -> None:
    """A part: its title and its items."""
    found = values(engine, iri)
    chain = container_chain(engine, iri)
    doc = chain[0].iri if chain else iri
    lines = [p for p in outline(engine, doc) if p.link and p.link.iri == iri]
    page.template = "part.html"
    page.title = f"{first(found, ELI.number) or ''} {first(found, DCT.title) or ''}".strip()
    page.context.update(chain=chain, items=lines[0].items if lines else [])


@dataclass
class MeasureLine:
    """A measure in an item's list, with its agencies and their roles."""

    link: Link
    ordinal: int
    text: str
    agencies: list[tuple[Link, str]] = field(default_factory=list)


def item_measures(engine: Engine, item: str) -> list[MeasureLine]:
    """The measures of an item, in order, each with its agencies."""
    lines: dict[str, MeasureLine] = {}
    rows = engine.select(view_query("document-item-measures", item=item))
    labels = label_map(engine, {str(r["agent"]) for r in rows if "agent" in r})
    for row in rows:
        m = str(row["m"])
        if m not in lines:
            lines[m] = MeasureLine(
                link=link(m, text=f"措施 {row['ord']}"),
                ordinal=to_int(row["ord"]),
                text=str(row.get("text", "")),
            )
        if "agent" in row:
            agency = link(str(row["agent"]), labels, str(row.get("name", "")) or None)
            pair = (agency, str(row.get("roleName", "")))
            if pair not in lines[m].agencies:
                lines[m].agencies.append(pair)
    return sorted(lines.values(), key=lambda line: line.ordinal)


def build_item(engine: Engine, iri: str, page: Page) -> None:
    """An item: title, measures with agencies, national counterpart, neighbours."""
    found = values(engine, iri)
    chain = container_chain(engine, iri)
    counterparts = [str(o) for o in found.get(str(PKG.correspondsTo), [])]
    implementing = [
        str(r["x"]) for r in engine.select(view_query("document-implemented-by", doc=iri))
    ]
    labels = label_map(engine, counterparts + implementing)
    siblings = (
        [str(r["item"]) for r in engine.select(view_query("document-siblings", doc=chain[0].iri))]
        if chain
        else []
    )
    here = siblings.index(iri) if iri in siblings else -1
    number, title = first(found, ELI.number), first(found, DCT.title)
    page.template = "item.html"
    page.title = f"{number or ''}{title or ''}" or page.title
    page.context.update(
        chain=chain,
        number=str(number or ""),
        item_title=str(title or ""),
        measures=item_measures(engine, iri),
        counterparts=[counterpart(engine, c, labels) for c in counterparts],
        implementing=[counterpart(engine, c, labels) for c in implementing],
        previous=link(siblings[here - 1], text="← 上一条") if here > 0 else None,
        next=link(siblings[here + 1], text="下一条 →") if 0 <= here < len(siblings) - 1 else None,
    )


def counterpart(engine: Engine, item: str, labels: dict[str, str]) -> dict[str, object]:
    """An item of another document: its link, number, title and its document."""
    chain = container_chain(engine, item)
    found = values(engine, item)
    return {
        "link": link(item, labels),
        "number": str(first(found, ELI.number) or ""),
        "ordinal": str(first(found, PKG.ordinal) or ""),
        "document": chain[0] if chain else None,
    }
