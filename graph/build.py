"""RDF from a parsed document: its named graph, following docs/model.md.

The builder turns the document tree, its extracted entities and the reference data into
triples. It invents nothing: every value comes from the tree or from a register.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, SKOS, TIME

from . import iris
from .agencies import AgencyResolver, Jurisdiction, ResolvedAgency
from .literals import boolean, day, decimal, integer, zh
from .model import (
    Citation,
    Clause,
    Document,
    Entities,
    Item,
    Measure,
    Mention,
    Paragraph,
    Part,
    Quantity,
    SourceText,
    Span,
    TimeBound,
)
from .namespaces import ELI, NIF, ORG, PKG
from .quality import ReadingQuality, reading_quality

Triple = tuple[URIRef, URIRef, URIRef | Literal]

_PRECISION = {
    "day": TIME.unitDay,
    "month": TIME.unitMonth,
    "year": TIME.unitYear,
    "week": TIME.unitWeek,
}
_MENTION_PROPERTY = {
    "place": PKG.mentionsPlace,
    "programme": PKG.mentionsProgramme,
    "sector": PKG.sector,
    "target-group": PKG.targetGroup,
    "instrument": PKG.instrument,
}


@dataclass
class BuildContext:
    """What the builder needs besides the document: registers and resolvers."""

    agencies: AgencyResolver  # the names of the document's jurisdiction
    resolve_citation: Callable[[Citation], URIRef | None]
    jurisdiction: Jurisdiction
    version: str
    new_agencies: dict[URIRef, str] = field(default_factory=dict)  # unregistered: IRI → kind


_NOT_PUBLIC = re.compile(r"不(?:予|宜|得)?公开|非公开")


def is_public_release(note: str) -> bool:
    """Whether a release note (此件公开发布, 此件主动公开, 此件不予公开) releases the document."""
    return "公开" in note and not _NOT_PUBLIC.search(note)


TEXT_FILE = "text/plain"


def text_checksum(src: SourceText) -> str:
    """The SHA-256 of the source text: the file's own for a text file (read as it is);
    for a text derived from a web page, PDF or Word file, that of the text in UTF-8."""
    if src.media_type == TEXT_FILE:
        return src.sha256
    return hashlib.sha256(src.text.encode("utf-8")).hexdigest()


class DocumentBuilder:
    """Collects the triples of one document's named graph."""

    def __init__(self, doc: Document, ctx: BuildContext) -> None:
        self.doc = doc
        self.ctx = ctx
        self.iri = iris.parsed_document_iri(doc)
        self.source = iris.source_iri(self.iri)
        self.triples: list[Triple] = []

    def add(self, s: URIRef, p: URIRef, o: URIRef | Literal) -> None:
        """Collect one triple of the graph."""
        self.triples.append((s, p, o))

    def build(self) -> tuple[list[Triple], ReadingQuality]:
        """All triples of the document's graph and its reading quality (computed last: it
        counts the unregistered agencies met on the way)."""
        self.add_document()
        for part in self.doc.parts:
            parent = self.add_part(part)
            for item in part.items:
                self.add_item(item, parent)
            for measure in part.measures:
                self.add_measure(parent, measure)
            self.add_paragraphs(parent, part.paragraphs)
        for item in self.doc.items_without_part:
            self.add_item(item, self.iri)
        self.add_paragraphs(self.iri, self.doc.paragraphs)
        self.add_paragraphs(self.iri, self.doc.notice_paragraphs, iris.notice_iri(self.iri))
        self.add_mentions(self.iri, self.doc.entities.mentions)
        quality = reading_quality(self.doc, len(self.ctx.new_agencies))
        self.add_quality(quality)
        return self.triples, quality

    # -- spans -----------------------------------------------------------------------
    def span(self, span: Span, mention: bool = False) -> URIRef:
        """The IRI of a span of the source, adding its description."""
        node = iris.span_iri(self.iri, span)
        self.add(node, RDF.type, PKG.Mention if mention else PKG.TextSpan)
        self.add(node, NIF.referenceContext, self.source)
        self.add(node, NIF.beginIndex, integer(span.begin))
        self.add(node, NIF.endIndex, integer(span.end))
        self.add(node, NIF.anchorOf, Literal(span.text))
        return node

    # -- the document ----------------------------------------------------------------
    def add_document(self) -> None:
        """The document node: number, titles, issuer, dates, addressees, basis, source."""
        doc, d = self.doc, self.iri
        self.add(d, RDF.type, PKG.PolicyDocument)
        self.add(d, DCTERMS.title, zh(doc.title.text))
        self.add(d, PROV.wasDerivedFrom, self.span(doc.title))
        if doc.number:
            self.add(d, ELI.id_local, Literal(doc.number.text))
            self.add(d, PKG.issuerCode, Literal(doc.number.issuer_code))
            self.add(d, PKG.year, integer(doc.number.year))
            self.add(d, PKG.serial, integer(doc.number.serial))
        if doc.notice_title:
            self.add(d, PKG.noticeTitle, zh(doc.notice_title.text))
        if doc.document_type:
            self.add(d, PKG.documentType, PKG[f"doctype-{doc.document_type}"])
        if doc.issuer_name:
            self.add(d, ELI.passed_by, self.agency(doc.issuer_name))
        if doc.issued:
            self.add(d, ELI.date_document, day(doc.issued))
        if doc.published:
            self.add(d, ELI.date_publication, day(doc.published))
        if doc.index_number:
            self.add(d, PKG.indexNumber, Literal(doc.index_number))
        for addressee in doc.addressees:
            self.add(d, PKG.addressee, zh(addressee.text))
        if doc.release_note:
            self.add(d, PKG.releaseNote, zh(doc.release_note.text))
            self.add(d, PKG.publiclyReleased, boolean(is_public_release(doc.release_note.text)))
        if doc.printed_by:
            self.add(d, PKG.printedBy, self.agency(doc.printed_by.text))
        if doc.printed:
            self.add(d, PKG.printDate, day(doc.printed))
        if self.ctx.jurisdiction.code:
            self.add(d, PKG.jurisdiction, iris.place_iri(self.ctx.jurisdiction.code))
        for citation in doc.basis:
            target = self.citation(citation, d)
            self.add(d, ELI.ensures_implementation_of, target)
            self.add(d, PKG.basisCitation, iris.span_iri(self.iri, citation.span))
        self.add_source()

    def add_source(self) -> None:
        """The source text and the build activity that read it (provenance)."""
        src, s = self.doc.source, self.source
        self.add(self.iri, PKG.source, s)
        self.add(s, RDF.type, PKG.SourceText)
        self.add(s, NIF.isString, Literal(src.text))
        self.add(s, PKG.sha256, Literal(text_checksum(src)))
        self.add(s, PKG.fileName, Literal(src.file_name))
        self.add(s, PKG.encoding, Literal(src.encoding))
        self.add(s, PKG.characterCount, integer(len(src.text)))
        build = iris.build_iri(self.iri)
        if src.media_type != TEXT_FILE:
            self.add_original(build)
        software = iris.software_iri(self.ctx.version)
        self.add(self.iri, PROV.wasGeneratedBy, build)
        self.add(build, RDF.type, PROV.Activity)
        self.add(build, PROV.used, s)
        self.add(build, PROV.wasAssociatedWith, software)
        self.add(software, RDF.type, PROV.SoftwareAgent)
        self.add(software, SKOS.prefLabel, Literal(f"policykg {self.ctx.version}", lang="en"))

    def add_original(self, build: URIRef) -> None:
        """The published file (web page, PDF, Word) the source text was derived from, the
        metadata its page states, and which of the document's facts were taken from there.

        The original's checksum is that of the file as read (see text_checksum)."""
        src, s = self.doc.source, self.source
        original = iris.original_iri(self.iri)
        self.add(s, PROV.wasDerivedFrom, original)
        self.add(build, PROV.used, original)
        self.add(original, RDF.type, PKG.OriginalFile)
        self.add(original, PKG.fileName, Literal(src.file_name))
        self.add(original, PKG.mediaType, Literal(src.media_type))
        self.add(original, PKG.sha256, Literal(src.sha256))
        for k, (name, value) in enumerate(sorted(src.metadata.items()), start=1):
            field_node = iris.page_field_iri(self.iri, k)
            self.add(original, PKG.statesField, field_node)
            self.add(field_node, RDF.type, PKG.PageField)
            self.add(field_node, PKG.fieldName, zh(name))
            self.add(field_node, PKG.fieldValue, Literal(value))
            if name in self.doc.from_page:
                self.add(self.iri, PKG.takenFromPage, field_node)

    # -- structure -------------------------------------------------------------------
    def add_part(self, part: Part) -> URIRef:
        """A part of the document, with its number and title; its IRI."""
        p = iris.part_iri(self.iri, part.ordinal)
        self.add(p, RDF.type, PKG.Part)
        self.add(p, ELI.is_part_of, self.iri)
        self.add(p, PKG.ordinal, integer(part.ordinal))
        self.add(p, ELI.number, Literal(part.label))
        if part.title is not None:
            self.add(p, DCTERMS.title, zh(part.title.text))
        if part.section:
            self.add(p, PKG.sectionKind, URIRef(part.section))
        self.add(p, PROV.wasDerivedFrom, self.span(part.span))
        return p

    def add_item(self, item: Item, parent: URIRef) -> None:
        """An item under its part (or the document), with its measures and paragraphs."""
        i = iris.parsed_item_iri(self.iri, self.doc, item)
        self.add(i, RDF.type, PKG.Item)
        self.add(i, ELI.is_part_of, parent)
        self.add(i, PKG.ordinal, integer(item.ordinal))
        self.add(i, ELI.number, Literal(item.label))
        self.add(i, DCTERMS.title, zh(item.title.text))
        if item.section:
            self.add(i, PKG.sectionKind, URIRef(item.section))
        self.add(i, PROV.wasDerivedFrom, self.span(item.span))
        for measure in item.measures:
            self.add_measure(i, measure)
        self.add_paragraphs(i, item.paragraphs)

    def add_measure(self, parent: URIRef, measure: Measure) -> None:
        """A measure of an item (or of a part): its text and span, its printed number,
        its clause and its entities."""
        m = iris.measure_iri(parent, measure.ordinal)
        self.add(m, RDF.type, PKG.Measure)
        self.add(m, ELI.is_part_of, parent)
        self.add(m, PKG.ordinal, integer(measure.ordinal))
        if measure.label is not None:
            self.add(m, ELI.number, Literal(measure.label))
        if measure.printed is not None:
            self.add(m, PKG.printedNumber, integer(measure.printed))
        self.add(m, PKG.text, zh(measure.span.text))
        self.add(m, PROV.wasDerivedFrom, self.span(measure.span))
        if measure.clause is not None:
            self.add_clause(m, measure.clause)
        self.add_entities(m, measure.entities)

    def add_paragraphs(
        self, parent: URIRef, paragraphs: list[Paragraph], numbered_under: URIRef | None = None
    ) -> None:
        """The paragraphs of a part, item or document that are no measures, with what
        extraction found in them (a goal's targets, a closing paragraph's deadline); their
        IRIs are numbered under ``numbered_under`` when it is given, else under the parent."""
        for paragraph in paragraphs:
            node = iris.paragraph_iri(numbered_under or parent, paragraph.ordinal)
            self.add(node, RDF.type, PKG.Paragraph)
            self.add(node, ELI.is_part_of, parent)
            self.add(node, PKG.ordinal, integer(paragraph.ordinal))
            self.add(node, PKG.paragraphRole, PKG[f"paragraph-{paragraph.role}"])
            if paragraph.section:
                self.add(node, PKG.sectionKind, URIRef(paragraph.section))
            self.add(node, PROV.wasDerivedFrom, self.span(paragraph.span))
            self.add_entities(node, paragraph.entities)

    def add_quality(self, quality: ReadingQuality) -> None:
        """How well the document was read (graph/quality.py), on the document node."""
        d = self.iri
        self.add(d, PKG.measureTextShare, decimal(quality.measure_share))
        self.add(d, PKG.clauseCount, integer(quality.clauses))
        self.add(d, PKG.unregisteredAgencyCount, integer(quality.unregistered))
        self.add(d, PKG.unplacedParagraphCount, integer(quality.unplaced_paragraphs))
        self.add(d, PKG.unplacedCharacterCount, integer(quality.unplaced_characters))
        self.add(d, PKG.numberingBreakCount, integer(quality.numbering_breaks))
        for zh_text, en_text in quality.problems():
            self.add(d, PKG.readingProblem, zh(zh_text))
            self.add(d, PKG.readingProblem, Literal(en_text, lang="en"))

    def add_clause(self, m: URIRef, clause: Clause) -> None:
        """The measure's responsibility clause and one responsibility per agency named."""
        self.add(m, PKG.clause, self.span(clause.span))
        self.add(m, PKG.openResponsibilityList, boolean(clause.open_list))
        for k, resp in enumerate(clause.responsibilities, start=1):
            r = iris.child_iri(m, "responsibility", k)
            self.add(m, PKG.hasResponsibility, r)
            self.add(r, RDF.type, PKG.Responsibility)
            self.add(r, PKG.agent, self.agency(resp.name))
            self.add(r, PKG.role, PKG[f"role-{resp.role}"])
            self.add(r, PKG.agentName, Literal(resp.name))
            self.add(r, PKG.ordinal, integer(k))
            self.add(r, PROV.wasDerivedFrom, self.span(resp.span))

    # -- entities --------------------------------------------------------------------
    def add_entities(self, m: URIRef, entities: Entities) -> None:
        """The time bounds, quantities, citations and mentions found in a measure (or a
        paragraph)."""
        bounds = [self.add_time_bound(m, k, tb) for k, tb in enumerate(entities.time_bounds, 1)]
        quantities = [
            iris.child_iri(m, "quantity", k) for k in range(1, len(entities.quantities) + 1)
        ]
        for q_iri, q in zip(quantities, entities.quantities, strict=True):
            self.add_quantity(m, q_iri, q, quantities, bounds)
        for citation in entities.citations:
            self.add(m, PKG.cites, self.citation(citation, m))
        self.add_mentions(m, entities.mentions)

    def add_time_bound(self, m: URIRef, k: int, tb: TimeBound) -> URIRef:
        """A time bound of a measure as an OWL-Time interval; its IRI."""
        t = iris.child_iri(m, "time", k)
        self.add(m, PKG.hasTimeBound, t)
        self.add(t, RDF.type, PKG.TimeBound)
        self.add(t, PKG.expression, zh(tb.span.text))
        self.add(t, PKG.timeBoundType, PKG[f"bound-{tb.kind}"])
        self.add(t, PKG.precision, _PRECISION[tb.precision])
        for prop, value in ((TIME.hasBeginning, tb.start), (TIME.hasEnd, tb.end)):
            if value is not None:
                self.add(t, prop, self.instant(value))
        if tb.recurrence:
            self.add(t, PKG.recurrence, _PRECISION[tb.recurrence])
        if tb.recurrence_day is not None:
            self.add(t, PKG.recurrenceDay, integer(tb.recurrence_day))
        if tb.recurrence_month is not None:
            self.add(t, PKG.recurrenceMonth, integer(tb.recurrence_month))
        if tb.label:
            self.add(t, PKG.periodName, zh(tb.label))
        self.add(t, PROV.wasDerivedFrom, self.span(tb.span))
        return t

    def instant(self, value: date) -> URIRef:
        """The instant of a day (shared by every graph), described here too."""
        node = iris.instant_iri(value)
        self.add(node, RDF.type, TIME.Instant)
        self.add(node, TIME.inXSDDate, day(value))
        return node

    def add_quantity(
        self, m: URIRef, q_iri: URIRef, q: Quantity, quantities: list[URIRef], bounds: list[URIRef]
    ) -> None:
        """A quantity with its value, unit, comparator, whole, period and a range's other end."""
        self.add(m, PKG.hasQuantity, q_iri)
        self.add(q_iri, RDF.type, PKG.Quantity)
        self.add(q_iri, PKG.value, decimal(q.value))
        self.add(q_iri, PKG.unit, Literal(q.unit))
        self.add(q_iri, PKG.comparator, PKG[f"comparator-{q.comparator}"])
        self.add(q_iri, PKG.expression, zh(q.span.text))
        if q.measured:
            self.add(q_iri, PKG.measuredProperty, zh(q.measured))
        if q.whole is not None:
            self.add(q_iri, PKG.partOf, quantities[q.whole])
        if q.period is not None:
            self.add(q_iri, PKG.period, bounds[q.period])
        if q.other_end is not None:
            self.add(q_iri, PKG.otherEnd, quantities[q.other_end])
        self.add(q_iri, PROV.wasDerivedFrom, self.span(q.span))

    def citation(self, citation: Citation, subject: URIRef) -> URIRef:
        """The cited document's node, with a mention of it under ``subject``."""
        target = self.ctx.resolve_citation(citation)
        if target is None:
            target = iris.document_iri(citation.number, citation.title)
            self.add(target, RDF.type, ELI.LegalResource)
            if citation.title:  # a number cited without its title (国办发〔2018〕128号文件)
                self.add(target, DCTERMS.title, zh(citation.title))
            if citation.number:
                self.add(target, ELI.id_local, Literal(citation.number.text))
        node = self.span(citation.span, mention=True)
        self.add(node, PKG.refersTo, target)
        self.add(subject, PKG.hasMention, node)
        return target

    def add_mentions(self, subject: URIRef, mentions: Iterable[Mention]) -> None:
        """Places, programmes and terms mentioned, each with its span."""
        for mention in mentions:
            target = self.mention_target(mention)
            node = self.span(mention.span, mention=True)
            self.add(node, PKG.refersTo, target)
            self.add(subject, PKG.hasMention, node)
            self.add(subject, _MENTION_PROPERTY[mention.kind], target)

    def mention_target(self, mention: Mention) -> URIRef:
        """What a mention refers to: a programme node made here, or a reference IRI."""
        if mention.kind == "programme":
            node = iris.programme_iri(mention.key)
            self.add(node, RDF.type, PKG.Programme)
            self.add(node, SKOS.prefLabel, zh(mention.key))
            return node
        return URIRef(mention.key)

    # -- agencies --------------------------------------------------------------------
    def agency(self, name: str) -> URIRef:
        """The agency a name (as written) denotes, described here unless a register does
        (graph/agencies.py says how names are resolved)."""
        resolved = self.ctx.agencies.resolve(name, str(self.iri))
        return self.describe_agency(resolved)

    def describe_agency(self, agency: ResolvedAgency) -> URIRef:
        """The agency's node, with what the graph must say of it: nothing for a registered
        one; name, kind, parent, place and template for one derived from a template; the
        same and the unregistered type for one no reference data knows."""
        node = URIRef(agency.iri)
        if agency.registered:
            return node
        self.add(node, RDF.type, PKG.Agency)
        self.add(node, SKOS.prefLabel, zh(agency.name))
        if agency.name_en:
            self.add(node, SKOS.prefLabel, Literal(agency.name_en, lang="en"))
        if agency.written != agency.name:
            self.add(node, SKOS.altLabel, zh(agency.written))
        self.add(node, PKG.agencyKind, PKG[f"kind-{agency.kind}"])
        if isinstance(agency.parent, ResolvedAgency):
            self.add(node, ORG.subOrganizationOf, self.describe_agency(agency.parent))
        elif agency.parent:
            self.add(node, ORG.subOrganizationOf, URIRef(agency.parent))
        if agency.jurisdiction:
            self.add(node, PKG.jurisdiction, URIRef(agency.jurisdiction))
        if agency.template:
            self.add(node, PROV.wasDerivedFrom, URIRef(agency.template))
        if agency.unregistered:
            self.ctx.new_agencies[node] = agency.kind
            self.add(node, RDF.type, PKG.UnregisteredAgency)
        if agency.unresolved:
            self.add(
                node,
                SKOS.editorialNote,
                Literal(
                    "文件未写明所属行政区，该简称无法确定是哪一地的机构；节点仅属于本文件。",
                    lang="zh",
                ),
            )
            self.add(
                node,
                SKOS.editorialNote,
                Literal(
                    "The document does not say its jurisdiction, so this short name cannot be "
                    "resolved to one place's agency; the node belongs to this document only.",
                    lang="en",
                ),
            )
        return node
