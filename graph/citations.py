"""Cited documents: every 《…》 title with the document number that may follow it, the
short names a document gives a title (（以下简称《方案》）), and document numbers cited
without a title (按照国办发〔2018〕128号文件要求).

A document number (文号) such as 国办发〔2022〕9号 is an issuer code, a year in brackets and
a serial; copies use any of the bracket pairs 〔〕 [] () （） ［］ 【】, and the brackets
need not match (a 〔 closed by ]). ``DOCUMENT_NUMBER_PATTERN`` and
``parse_document_number`` are shared with the parser (the notice header's number line).

In running text the issuer code is the end of the run of characters before the bracket:
it begins after the last word that cannot be part of a code (按照, 根据, 落实, 印发, 的, 和,
、 …, and the head nouns titles end in: 意见, 通知, 方案 …), so 按照国办发〔2018〕128号 cites
国办发〔2018〕128号. A number in brackets right after a title is that title's number, also
when the brackets go on (（国发〔2019〕4号，以下简称《方案》）).

A short name defined for a title (《A》（以下简称《B》）, also 简称, 下称) is no citation of
its own where it is defined; ``find_aliases`` returns the definitions of a whole text and
``find_citations`` given them reads a later 《B》 as a citation of A (its span is where
《B》 stands, its title and number A's).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

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
# the number in brackets right after a title: （国办发〔2022〕9号）, （国发〔2019〕4号，以下…）
_NUMBER_AFTER = re.compile(
    rf"\s*[（(]\s*(?P<number>{DOCUMENT_NUMBER_PATTERN.pattern})\s*(?:[，,；;、][^（）()]*)?[）)]"
)
# a short name for the title before it: （以下简称《方案》）, （国发〔2019〕4号，简称《方案》）
_ALIAS_AFTER = re.compile(
    r"\s*[（(][^（）()《》]*?(?:以下简称|简称|以下称|下称)\s*《(?P<alias>[^《》\n]{1,40})》\s*[）)]"
)
# words that never belong to an issuer code: where one ends, a code in running text begins
_ISSUER_BOUNDARY = re.compile(
    r"按照|根据|依据|依照|参照|对照|贯彻|落实|执行|印发|转发|通过|关于|以及|"
    r"意见|通知|方案|办法|措施|决定|规定|规划|计划|纲要|细则|"
    r"的|和|及|与|或|、|见|即|按|据|依|由|在|对|将|把|为|是|等|从|于|了|并"
)


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


def find_aliases(text: str) -> dict[str, Citation]:
    """The short names the text defines for titles (《A》（以下简称《B》）): B → the citation
    of A, with A's number when the text gives it."""
    aliases: dict[str, Citation] = {}
    for citation, alias, _ in _titles(text, 0):
        if alias is not None:
            aliases.setdefault(alias, citation)
    return aliases


def find_citations(
    text: str, offset: int, aliases: Mapping[str, Citation] | None = None
) -> list[Citation]:
    """Return the documents ``text`` (which starts at ``offset`` in the source) cites, in
    text order: every 《…》 title (the span is the title without 《》, the number the
    bracketed one after it), a short name of ``aliases`` as the document it names, and every
    document number standing without a title (title "", the span the number)."""
    aliases = aliases or {}
    found: list[Citation] = []
    taken: list[tuple[int, int]] = []
    for citation, _, stretch in _titles(text, offset):
        taken.append(stretch)
        if citation.title in aliases:
            full = aliases[citation.title]
            citation = Citation(span=citation.span, title=full.title, number=full.number)
        found.append(citation)
    norm = normalise_digits(text)
    for begin, end, number in find_document_numbers(norm):
        if not any(b <= begin < e for b, e in taken):
            span = Span(offset + begin, offset + end, text[begin:end])
            found.append(Citation(span=span, title="", number=number))
    return sorted(found, key=lambda c: c.span.begin)


def _titles(text: str, offset: int) -> Iterator[tuple[Citation, str | None, tuple[int, int]]]:
    """Each 《…》 title with its number, the short name defined for it, and the stretch
    (relative to ``text``) of the title and its brackets; a short name's own 《》 where it is
    defined is part of that stretch, not a title."""
    norm = normalise_digits(text)
    defined_until = -1
    for m in _TITLE.finditer(norm):
        if m.start() < defined_until:
            continue  # the 《B》 of （以下简称《B》）
        begin, end = m.span("title")
        stretch_end = m.end()
        number = None
        after = _NUMBER_AFTER.match(norm, m.end())
        if after:
            nb, ne = after.span("number")
            number = parse_document_number(text[nb:ne])
            stretch_end = after.end()
        alias = None
        named = _ALIAS_AFTER.match(norm, m.end())
        if named:
            alias = named.group("alias")
            defined_until = stretch_end = max(stretch_end, named.end())
        title = text[begin:end]
        citation = Citation(
            span=Span(offset + begin, offset + end, title), title=title, number=number
        )
        yield citation, alias, (m.start(), stretch_end)


def find_document_numbers(text: str) -> list[tuple[int, int, DocumentNumber]]:
    """Every document number in running text (full-width digits made ASCII): (begin, end,
    number), the issuer code taken from after the last word that cannot be part of one."""
    found = []
    for m in DOCUMENT_NUMBER_PATTERN.finditer(text):
        issuer_begin, issuer_end = m.span("issuer")
        boundaries = list(_ISSUER_BOUNDARY.finditer(text, issuer_begin, issuer_end))
        begin = boundaries[-1].end() if boundaries else issuer_begin
        if begin >= issuer_end:
            continue
        number = parse_document_number(text[begin : m.end()])
        if number is not None:
            found.append((begin, m.end(), number))
    return found
