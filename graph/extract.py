"""Extract every entity of one stretch of text (a measure's text, or any paragraph) into
``Entities``.

Runs the time, quantity, citation, programme, place and term extractors on the stretch
and links each quantity to the time bound of its sentence. The context carries what the
text alone does not give: the document's date (年内, 春节前), the holiday calendar, the
gazetteer, the term map and the short names the document defines for cited titles (a
《方案》 in a measure is the 《…》（以下简称《方案》） of the notice); the dictionary
matchers are built once per context.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from policykg.graph.citations import find_aliases, find_citations
from policykg.graph.mentions import (
    DictionaryMatcher,
    find_places,
    find_programmes,
    find_terms,
    local_gazetteer,
)
from policykg.graph.model import Citation, Document, DocumentNumber, Entities
from policykg.graph.quantities import UnitTable, find_quantities, link_periods
from policykg.graph.reference import load_holiday_calendar, load_units
from policykg.graph.timeexpr import HolidayCalendar, find_time_bounds


class ReferenceMaps(Protocol):
    """What extraction reads from the reference data (policykg.graph.reference.Reference)."""

    def gazetteer(self) -> Mapping[str, str]: ...

    def terms(self) -> Mapping[str, list[tuple[str, str]]]: ...

    def place_code(self, iri: str) -> str | None: ...


def reference_date(doc: Document) -> date | None:
    """The date relative expressions (年内, 春节前, 3月底前) are read against: the date the
    document was issued, else printed, else January 1 of its number's year, else None (no
    date is made up: the build must give the same graph any day)."""
    if doc.issued is not None:
        return doc.issued
    if doc.printed is not None:
        return doc.printed
    if doc.number is not None:
        return date(doc.number.year, 1, 1)
    return None


@dataclass(eq=False)
class ExtractionContext:
    """What extraction needs besides the text: the reference date (the document's date),
    the holiday calendar, the units quantities are written with, the gazetteer (surface
    form → place key), the term map (surface form → [(kind, concept IRI)]), the short
    names the document gives the titles it cites (《方案》 → the 《…》 it was defined for)
    and its own number (a header or signature paragraph that prints it cites nothing)."""

    reference: date | None
    holidays: HolidayCalendar = field(default_factory=load_holiday_calendar)
    units: UnitTable = field(default_factory=load_units)
    gazetteer: Mapping[str, str] = field(default_factory=dict)
    terms: Mapping[str, list[tuple[str, str]]] = field(default_factory=dict)
    aliases: Mapping[str, Citation] = field(default_factory=dict)
    own_number: DocumentNumber | None = None  # the document's own: never a citation

    @classmethod
    def for_document(
        cls, doc: Document, reference: ReferenceMaps, jurisdiction_code: str | None
    ) -> ExtractionContext:
        """The context of one document: its date and the reference data's maps, the
        gazetteer without short names of places far from the document's jurisdiction
        (see mentions.local_gazetteer), and the short names its whole text defines."""
        gazetteer = reference.gazetteer()
        if jurisdiction_code is not None:
            gazetteer = local_gazetteer(gazetteer, reference.place_code, jurisdiction_code)
        return cls(
            reference=reference_date(doc),
            gazetteer=gazetteer,
            terms=reference.terms(),
            aliases=find_aliases(doc.source.text),
            own_number=doc.number,
        )

    @functools.cached_property
    def place_matcher(self) -> DictionaryMatcher:
        """The gazetteer's matcher, built on first use."""
        return DictionaryMatcher(self.gazetteer.keys())

    @functools.cached_property
    def term_matcher(self) -> DictionaryMatcher:
        """The term map's matcher, built on first use."""
        return DictionaryMatcher(self.terms.keys())


def extract_entities(text: str, offset: int, context: ExtractionContext) -> Entities:
    """Return the entities of ``text``, which starts at ``offset`` in the source; every
    span is absolute. Time bounds and quantities are in text order, quantities' ``period``
    and ``whole`` index into those lists; mentions are in text order."""
    time_bounds = find_time_bounds(text, offset, context.reference, context.holidays)
    quantities = link_periods(
        find_quantities(text, offset, context.units), time_bounds, text, offset, context.units
    )
    mentions = (
        find_programmes(text, offset)
        + find_places(text, offset, context.gazetteer, context.place_matcher)
        + find_terms(text, offset, context.terms, context.term_matcher)
    )
    mentions.sort(key=lambda m: (m.span.begin, m.span.end, m.kind, m.key))
    return Entities(
        time_bounds=time_bounds,
        quantities=quantities,
        citations=[
            c
            for c in find_citations(text, offset, context.aliases)
            if not _same_number(c.number, context.own_number)
        ],
        mentions=mentions,
    )


def _same_number(a: DocumentNumber | None, b: DocumentNumber | None) -> bool:
    """Two numbers of one document, however their brackets are written."""
    return (
        a is not None
        and b is not None
        and (a.issuer_code, a.year, a.serial) == (b.issuer_code, b.year, b.serial)
    )
