"""Cited documents: every 《…》 title, with the document number that may follow it.

A document number (文号) such as 国办发〔2022〕9号 is an issuer code, a year in brackets and
a serial; copies use any of the bracket pairs 〔〕 [] () （） ［］ 【】, and the brackets
need not match (a 〔 closed by ]). ``DOCUMENT_NUMBER_PATTERN`` and
``parse_document_number`` are shared with the parser (the notice header's number line).
"""

from __future__ import annotations

import re

from policykg.graph.model import Citation, DocumentNumber, Span
from policykg.graph.numerals import normalise_digits

# Titles in 《》 and names in quotes: what they contain is a name, never a time bound or a
# quantity of the sentence around them.
QUOTED_NAMES = re.compile(r"《[^《》]*》|“[^“”]*”|\"[^\"]*\"|「[^「」]*」")


TITLES = re.compile(r"《[^《》]*》")


def quoted_stretches(text: str) -> list[tuple[int, int]]:
    """The (begin, end) of every title in 《》 and every quoted name in the text."""
    return [m.span() for m in QUOTED_NAMES.finditer(text)]


def title_stretches(text: str) -> list[tuple[int, int]]:
    """The (begin, end) of every title in 《》, brackets included."""
    return [m.span() for m in TITLES.finditer(text)]


_OPEN = "〔[(（［【"
_CLOSE = "〕])）］】"

# issuer code (CJK, a few letters allowed for codes such as 国发), year, serial
DOCUMENT_NUMBER_PATTERN = re.compile(
    rf"(?P<issuer>[\u4e00-\u9fff]{{1,12}})\s*[{re.escape(_OPEN)}]\s*(?P<year>(?:19|20)\d\d)\s*"
    rf"[{re.escape(_CLOSE)}]\s*第?(?P<serial>\d{{1,5}})\s*号"
)
_TITLE = re.compile(r"《(?P<title>[^《》\n]{1,200})》")
# the number in brackets right after a title: （国办发〔2022〕9号）
_NUMBER_AFTER = re.compile(rf"\s*[（(]\s*(?P<number>{DOCUMENT_NUMBER_PATTERN.pattern})\s*[）)]")


def parse_document_number(s: str) -> DocumentNumber | None:
    """Return the document number ``s`` spells (whitespace around it ignored), or None."""
    stripped = s.strip()
    match = DOCUMENT_NUMBER_PATTERN.fullmatch(normalise_digits(stripped))
    if match is None:
        return None
    return DocumentNumber(
        text=stripped,
        issuer_code=match.group("issuer"),
        year=int(match.group("year")),
        serial=int(match.group("serial")),
    )


def find_citations(text: str, offset: int) -> list[Citation]:
    """Return every 《…》 title in ``text`` (which starts at ``offset`` in the source), in
    text order; the span is the title without 《》, the number the bracketed one after it."""
    norm = normalise_digits(text)
    citations = []
    for m in _TITLE.finditer(norm):
        begin, end = m.span("title")
        number = None
        after = _NUMBER_AFTER.match(norm, m.end())
        if after:
            nb, ne = after.span("number")
            number = parse_document_number(text[nb:ne])
        title = text[begin:end]
        citations.append(
            Citation(span=Span(offset + begin, offset + end, title), title=title, number=number)
        )
    return citations
