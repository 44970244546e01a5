"""Parse a policy document's text into its tree: header, title, preamble, parts, items, measures.

The anatomy is that of shared/spec/genre.md: an optional notice header (notice title,
document number, addressees, notice sentences, issuing office and date, release note),
the body title on its own line, a preamble, parts 一、… with title lines, items （一）…
(or 1. / （1）) numbered through the document, each a title sentence followed by measures
that end in responsibility clauses, and an optional print line at the close.

Every span is an offset range into ``source.text`` (see graph/source.py for what the
offsets count). Things the parser cannot place become ``Warning_`` entries with a line
and column rather than exceptions; a text with no title or no numbered parts or items
is not a policy document and raises SourceFileError.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import date

from policykg.graph.citations import find_citations, parse_document_number
from policykg.graph.clauses import ClauseReader, find_clauses, is_agency_name
from policykg.graph.errors import SourceFileError
from policykg.graph.model import (
    Clause,
    Document,
    Item,
    Measure,
    Part,
    SourceText,
    Span,
    Warning_,
)
from policykg.graph.numerals import parse_chinese_integer

_CN = "零〇一二三四五六七八九十百"
_OPEN, _CLOSE = "（(", "）)"

_NOTICE_TITLE = re.compile(r".*关于.*通知$")
_DATE = (
    r"(?P<y>\d{4}|[〇零一二三四五六七八九]{4})年(?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})月"
    r"(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})日"
)
_DATE_LINE = re.compile(rf"^(?:(?P<who>.+?)\s+)?{_DATE}$")
_PRINT_LINE = re.compile(rf"^(?P<who>.+?)\s+{_DATE}印发$")
_RELEASE = re.compile(r"^[（(]\s*(此件[^（）()]*?)\s*[）)]$")

# Numbering styles of headings, from parts down.
_PART = re.compile(rf"^([{_CN}]+)、\s*")
_STYLES: dict[str, re.Pattern[str]] = {
    "cn-paren": re.compile(rf"^[（(]([{_CN}]+)[）)]\s*"),
    "arabic-dot": re.compile(r"^(\d{1,3})(?:\.|．|、)(?!\d)\s*"),
    "arabic-paren": re.compile(r"^[（(](\d{1,3})[）)]\s*"),
}
_SENTENCE_END = "。；;！？!?：:，,"

# Body-title endings and the document type they give (longest first).
_DOCUMENT_TYPES = (
    ("行动计划", "action-plan"),
    ("行动方案", "action-plan"),
    ("实施方案", "implementation-plan"),
    ("工作方案", "implementation-plan"),
    ("方案", "implementation-plan"),
    ("实施意见", "opinion"),
    ("指导意见", "opinion"),
    ("意见", "opinion"),
    ("若干措施", "measures"),
    ("政策措施", "measures"),
    ("措施", "measures"),
    ("通知", "notice"),
)
_TRAILING_BRACKETS = re.compile(r"[（(][^（）()]*[）)]$")


@dataclass(frozen=True)
class _Line:
    """A non-empty line, stripped of white space, with its place in the text."""

    index: int  # 0-based line number
    begin: int
    end: int
    text: str

    def span(self) -> Span:
        return Span(self.begin, self.end, self.text)


def parse_document(source: SourceText) -> Document:
    """The document tree of ``source``; SourceFileError if it is not a policy document."""
    return _Parser(source).parse()


def document_type(title: str) -> str | None:
    """The document type that a body title's ending names (实施方案 → implementation-plan)."""
    t = title.strip()
    while _TRAILING_BRACKETS.search(t):  # …实施方案（试行）, …行动计划（2022—2025年）
        t = _TRAILING_BRACKETS.sub("", t).rstrip()
    for ending, kind in _DOCUMENT_TYPES:
        if t.endswith(ending):
            return kind
    return None


def parse_date(m: re.Match[str]) -> date | None:
    """The date of a match of ``_DATE`` (Arabic or Chinese digits), None if impossible."""
    try:
        return date(
            parse_chinese_integer(m.group("y")),
            parse_chinese_integer(m.group("m")),
            parse_chinese_integer(m.group("d")),
        )
    except ValueError:
        return None


class _Parser:
    """One pass over one document; holds the lines and the warnings found so far."""

    def __init__(self, source: SourceText) -> None:
        self.source = source
        self.text = source.text
        self.lines = self._lines()
        self.line_starts = [0] + [i + 1 for i, c in enumerate(self.text) if c == "\n"]
        self.warnings: list[Warning_] = []
        self.clauses = ClauseReader()  # one per document: rules stated in a clause carry on

    # -- lines and positions --------------------------------------------------------

    def _lines(self) -> list[_Line]:
        out: list[_Line] = []
        pos = 0
        for index, raw in enumerate(self.text.split("\n")):
            stripped = raw.strip()
            if stripped:
                begin = pos + (len(raw) - len(raw.lstrip()))
                out.append(_Line(index, begin, begin + len(stripped), stripped))
            pos += len(raw) + 1
        return out

    def warn(self, offset: int, message: str) -> None:
        line = bisect.bisect_right(self.line_starts, offset)
        column = offset - self.line_starts[line - 1] + 1
        self.warnings.append(Warning_(line=line, column=column, message=message))

    def span(self, begin: int, end: int) -> Span:
        return Span(begin, end, self.text[begin:end])

    def trimmed(self, begin: int, end: int, strip: str = "") -> Span:
        """The span [begin, end) without surrounding white space and leading ``strip`` marks."""
        while begin < end and (self.text[begin].isspace() or self.text[begin] in strip):
            begin += 1
        while end > begin and self.text[end - 1].isspace():
            end -= 1
        return self.span(begin, end)

    # -- the document ---------------------------------------------------------------

    def parse(self) -> Document:
        if not self.lines:
            raise SourceFileError(f"{self.source.file_name}: the text is empty")
        first_heading, style = self._first_heading()
        if first_heading is None:
            raise SourceFileError(
                f"{self.source.file_name}: does not look like a policy document: "
                "no numbered parts (一、) or items (（一）, 1., （1）)",
                hint="give the text of a plan, opinion or measures document whose body is "
                "divided into parts 一、… or items （一）…",
            )
        doc = self._front_matter(self.lines[:first_heading])
        self._body(doc, self.lines[first_heading:], style)
        if not doc.items:
            raise SourceFileError(
                f"{self.source.file_name}: does not look like a policy document: no items",
                hint="items are numbered （一）, 1. or （1） and begin with a title sentence",
            )
        doc.document_type = document_type(doc.title.text)
        doc.warnings = self.warnings
        return doc

    def _first_heading(self) -> tuple[int | None, str]:
        """Index of the first part or item heading, and the item numbering style."""
        first: int | None = None
        for k, line in enumerate(self.lines):
            for name, pattern in _STYLES.items():
                if pattern.match(line.text):
                    return (k if first is None else first), name
            if _PART.match(line.text):
                if first is None:
                    first = k
                if self._is_item_paragraph(line):
                    return first, "part-as-item"
        return first, "cn-paren"

    def _is_item_paragraph(self, line: _Line) -> bool:
        """A 一、 line that holds a responsibility clause (an item, not a part title)."""
        m = _PART.match(line.text)
        return bool(find_clauses(line.text[m.end() :] if m else line.text))

    # -- header ---------------------------------------------------------------------

    def _front_matter(self, lines: list[_Line]) -> Document:
        number = notice = addressees = issuer = release = None
        issued: date | None = None
        header_end = -1
        if lines and _NOTICE_TITLE.match(lines[0].text):
            notice = lines[0]
            header_end = 0
        for k, line in enumerate(lines):
            if number is None and (dn := parse_document_number(line.text)):
                number = (dn, line)
                header_end = max(header_end, k)
            elif (
                addressees is None
                and notice is not None
                and line.text[-1] in "：:"
                and "。" not in line.text
            ):
                addressees = line
                header_end = max(header_end, k)
            elif release is None and (rm := _RELEASE.match(line.text)):
                release = self.span(line.begin + rm.start(1), line.begin + rm.end(1))
                header_end = max(header_end, k)
            elif issued is None and (dm := _DATE_LINE.match(line.text)):
                issued = parse_date(dm)
                header_end = max(header_end, k)
                if dm.group("who"):
                    issuer = self.span(line.begin, line.begin + dm.end("who"))
                elif k > 0 and is_agency_name(lines[k - 1].text):
                    issuer = lines[k - 1].span()
        title_index = next(
            (k for k in range(header_end + 1, len(lines)) if _is_title_line(lines[k].text)), None
        )
        if title_index is None:
            if notice is None:
                raise SourceFileError(
                    f"{self.source.file_name}: does not look like a policy document: "
                    "no title line before the first part or item",
                    hint="the plan's title stands on its own line above its preamble",
                )
            title = notice.span()
            body_start = header_end + 1
        else:
            title = lines[title_index].span()
            body_start = title_index + 1
        doc = Document(
            source=self.source,
            title=title,
            notice_title=notice.span() if notice else None,
            issuer=issuer,
            issued=issued,
            release_note=release,
        )
        if number:
            doc.number, doc.number_span = number[0], number[1].span()
        if addressees:
            doc.addressees = self._addressees(addressees)
        preamble = lines[body_start:]
        if preamble:
            doc.preamble = self.span(preamble[0].begin, preamble[-1].end)
            # the documents the preamble cites are those this one implements
            doc.basis = find_citations(doc.preamble.text, doc.preamble.begin)
        return doc

    def _addressees(self, line: _Line) -> list[Span]:
        out: list[Span] = []
        start = line.begin
        body_end = line.end - 1  # without the closing colon
        depth = 0
        for j in range(line.begin, body_end + 1):
            c = self.text[j] if j < body_end else "，"
            if c in _OPEN:
                depth += 1
            elif c in _CLOSE:
                depth = max(0, depth - 1)
            elif c in "，," and depth == 0:
                s = self.trimmed(start, j)
                if s.text:
                    out.append(s)
                start = j + 1
        return out

    # -- body -----------------------------------------------------------------------

    def _body(self, doc: Document, lines: list[_Line], style: str) -> None:
        item_pattern = _PART if style == "part-as-item" else _STYLES[style]
        sub_patterns = [p for n, p in _STYLES.items() if n != style]
        part: Part | None = None
        item: Item | None = None
        k = 0
        while k < len(lines):
            line = lines[k]
            text = line.text
            if pm := _PRINT_LINE.match(text):
                doc.printed_by = self.span(line.begin, line.begin + pm.end("who"))
                doc.printed = parse_date(pm)
                item = None
            elif style != "part-as-item" and (pm := _PART.match(text)):
                part = self._part(line, pm, len(doc.parts) + 1)
                doc.parts.append(part)
                item = None
            elif im := item_pattern.match(text):
                item = self._item(line, im, doc)
                (part.items if part else doc.items_without_part).append(item)
            elif item is not None and (sm := _match_any(sub_patterns, text)):
                self._continue_item(item, line, line.begin + sm.end())
            elif item is not None and find_clauses(text):
                self._continue_item(item, line, line.begin)
            elif dm := _DATE_LINE.match(text):  # a signature's date; the header's comes first
                if doc.issued is None:
                    doc.issued = parse_date(dm)
                if doc.issuer is None:
                    if dm.group("who"):
                        doc.issuer = self.span(line.begin, line.begin + dm.end("who"))
                    elif k > 0 and is_agency_name(lines[k - 1].text):
                        doc.issuer = lines[k - 1].span()
                item = None
            elif (
                is_agency_name(text) and k + 1 < len(lines) and _DATE_LINE.match(lines[k + 1].text)
            ):
                item = None  # a signature: the issuing office above its date
            else:
                self.warn(
                    line.begin,
                    f"paragraph fits nowhere in the document's structure: {_excerpt(text)}",
                )
            k += 1

    def _part(self, line: _Line, m: re.Match[str], expected: int) -> Part:
        label = m.group(1)
        ordinal = self._ordinal(label, label + "、", expected, line.begin, "part")
        title = self.trimmed(line.begin + m.end(), line.end)
        stop = _first_stop(title.text)
        if stop is not None:
            if title.text[stop + 1 :].strip():
                self.warn(
                    title.begin + stop + 1,
                    f"text after the title of part {label}: "
                    f"{_excerpt(title.text[stop + 1 :].strip())}",
                )
            title = self.span(title.begin, title.begin + stop)
        return Part(ordinal=ordinal, label=label, title=title, span=line.span())

    def _ordinal(self, digits: str, label: str, expected: int, offset: int, what: str) -> int:
        try:
            value = parse_chinese_integer(digits)
        except ValueError:
            value = expected
        if value != expected:
            self.warn(offset, f"{what} numbered {label} where {expected} was expected")
            if value < expected:  # numbering restarted: keep ordinals unique
                value = expected
        return value

    def _item(self, line: _Line, m: re.Match[str], doc: Document) -> Item:
        previous = doc.items[-1].ordinal if doc.items else 0
        label = self.text[line.begin : line.begin + m.end()].rstrip()
        ordinal = self._ordinal(m.group(1), label, previous + 1, line.begin, "item")
        content = line.begin + m.end()
        clauses = self.clauses.find(self.text[content : line.end], content)
        first_clause = clauses[0].span.begin - 1 if clauses else line.end
        stop = _first_stop(self.text[content:first_clause])
        if stop is not None:
            title = self.span(content, content + stop)
            cursor = content + stop + 1
            title_sentence = self.span(content, cursor)
        else:  # no 。 before the first clause: the title sentence is also the measure
            title = self.trimmed(content, first_clause)
            cursor = content if clauses else line.end  # a title line alone has no measure
            title_sentence = title
        item = Item(ordinal=ordinal, label=label, title=title, span=line.span())
        self._measures(item, clauses, cursor, line.end, title_sentence)
        return item

    def _continue_item(self, item: Item, line: _Line, content: int) -> None:
        item.span = self.span(item.span.begin, line.end)
        clauses = self.clauses.find(self.text[content : line.end], content)
        self._measures(item, clauses, content, line.end, None)

    def _measures(
        self, item: Item, clauses: list[Clause], cursor: int, end: int, title_sentence: Span | None
    ) -> None:
        for clause in clauses:
            open_bracket = clause.span.begin - 1
            text = self.trimmed(cursor, open_bracket, strip="。；;，,")
            if not text.text and title_sentence is not None and not item.measures:
                text = title_sentence  # （三）做好某事。（省某厅负责）: the title is the measure
            if text.text:
                item.measures.append(
                    Measure(ordinal=len(item.measures) + 1, span=text, clause=clause)
                )
            else:
                self.warn(open_bracket, "responsibility clause with no measure text before it")
            cursor = clause.span.end + 1
        rest = self.trimmed(cursor, end, strip="。；;，,")
        if rest.text:
            rest = self.trimmed(cursor, end, strip="；;，,")
            item.measures.append(Measure(ordinal=len(item.measures) + 1, span=rest, clause=None))
            self.warn(
                rest.begin,
                f"text after the last responsibility clause of item "
                f"{item.label}: {_excerpt(rest.text)}",
            )


def _first_stop(text: str) -> int | None:
    """Index of the first 。 outside brackets, quotes and 《》, or None."""
    depth = 0
    for j, c in enumerate(text):
        if c in "（(《“":
            depth += 1
        elif c in "）)》”":
            depth = max(0, depth - 1)
        elif c == "。" and depth == 0:
            return j
    return None


def _is_title_line(text: str) -> bool:
    return (
        len(text) <= 80
        and text[-1] not in _SENTENCE_END
        and "。" not in text
        and not _RELEASE.match(text)
        and not _DATE_LINE.match(text)
        and parse_document_number(text) is None
    )


def _match_any(patterns: list[re.Pattern[str]], text: str) -> re.Match[str] | None:
    for p in patterns:
        if m := p.match(text):
            return m
    return None


def _excerpt(text: str, length: int = 20) -> str:
    return text if len(text) <= length else text[:length] + "…"
