"""The front matter of a policy document: notice header, title, number, preamble.

Two layouts, in any copy (docs/genre.md):

- with a notice wrapper: the notice title (…关于印发…的通知), the number, the
  addressees, the notice's sentences, the issuing office and the date, a release note,
  then the plan's own title and its preamble;
- without one: the title first, then the number and the addressees, then the preamble
  (the signature comes at the end of the document, see graph/parse.py).

Either may lack the number, the addressees or the date; 附件 labels and lists of
attachments in the header are skipped. Paragraphs of the preamble that open with a
section's heading word and a colon (总体要求与目标：…, 具体指标：…) are paragraphs of the
document of that section kind, not preamble.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from policykg.graph.citations import find_citations, parse_document_number
from policykg.graph.clauses import is_agency_name
from policykg.graph.errors import SourceFileError
from policykg.graph.headings import (
    ATTACHMENT,
    DATE_LINE,
    NOTICE_TITLE,
    RELEASE,
    SENTENCE_END,
    STYLES,
    labelled_section,
)
from policykg.graph.layout import Line
from policykg.graph.model import Document, DocumentNumber, SourceText, Span
from policykg.graph.numerals import parse_chinese_integer


@dataclass
class FrontMatter:
    """The document as its front matter describes it, and the labelled paragraphs (span,
    section kind) that follow the preamble."""

    document: Document
    labelled: list[tuple[Span, str | None]] = field(default_factory=list)
    notice: list[Span] = field(default_factory=list)  # the notice's own sentences


def parse_date(m: re.Match[str]) -> date | None:
    """The date of a match of ``headings.DATE`` (Arabic or Chinese digits), None if impossible."""
    try:
        return date(
            parse_chinese_integer(m.group("y")),
            parse_chinese_integer(m.group("m")),
            parse_chinese_integer(m.group("d")),
        )
    except ValueError:
        return None


def date_line(text: str) -> re.Match[str] | None:
    """A line that is a date, alone or after the office that signs it."""
    m = DATE_LINE.match(text)
    if m is None:
        return None
    who = m.group("who")
    return m if who is None or is_agency_name(who.strip()) else None


def is_title_line(text: str) -> bool:
    """Whether a line can be a title: short, no sentence in it, not a date or number."""
    return (
        len(text) <= 80
        and text[-1] not in SENTENCE_END
        and "。" not in text
        and not RELEASE.match(text)
        and not date_line(text)
        and parse_document_number(text) is None
        and not ATTACHMENT.match(text)
    )


def is_addressee_line(text: str) -> bool:
    """A line naming the addressees: names separated by ， and 、, closed by a colon."""
    if text[-1] not in "：:" or "。" in text:
        return False
    pieces = re.split(r"[，,、]", text[:-1])
    return any(is_agency_name(p.strip()) for p in pieces)


def attachment_lines(lines: list[Line]) -> set[int]:
    """Indices of attachment labels (附件：…) and of the numbered list of attachments that
    may follow one (附件：1.某某方案 / 2.某某清单) — lines that are no heading of the body."""
    found: set[int] = set()
    for k, line in enumerate(lines):
        if not ATTACHMENT.match(line.text):
            continue
        found.add(k)
        j = k + 1
        while (
            j < len(lines)
            and any(p.match(lines[j].text) for p in STYLES.values())
            and is_title_line(lines[j].text)
        ):
            found.add(j)
            j += 1
    return found


def issuer_in_title(title: Span) -> Span | None:
    """The issuing office a title names before 关于 (河南省人民政府办公厅关于印发…的通知);
    for offices issuing jointly, the first."""
    at = title.text.find("关于")
    if at <= 0:
        return None
    m = re.match(r"\s*([^\s、，,]+)", title.text[:at])
    if m is None or not is_agency_name(m.group(1)):
        return None
    return Span(title.begin + m.start(1), title.begin + m.end(1), m.group(1))


def read_front_matter(
    source: SourceText, lines: list[Line], kinds: Mapping[str, str]
) -> FrontMatter:
    """The document the lines before the first part or item describe (see the module doc)."""
    notice = lines[0] if NOTICE_TITLE.match(lines[0].text) else None
    header_end = 0 if notice else -1
    skip = attachment_lines(lines)
    number: tuple[DocumentNumber, Line] | None = None
    addressees: Line | None = None
    release: Span | None = None
    issuer: Span | None = None
    issued: date | None = None
    used = {0} if notice else set()  # lines that are one of the header's elements
    for k, line in enumerate(lines):
        if k in skip:
            header_end = max(header_end, k)
        elif number is None and (dn := parse_document_number(line.text)):
            number = (dn, line)
            header_end = max(header_end, k)
            used.add(k)
        elif (
            addressees is None and 0 < k <= max(header_end, 0) + 1 and is_addressee_line(line.text)
        ):
            addressees = line
            header_end = max(header_end, k)
            used.add(k)
        elif release is None and (rm := RELEASE.match(line.text)):
            release = Span(line.begin + rm.start(1), line.begin + rm.end(1), rm.group(1))
            header_end = max(header_end, k)
            used.add(k)
        elif issued is None and (dm := date_line(line.text)):
            issued = parse_date(dm)
            header_end = max(header_end, k)
            used.add(k)
            if dm.group("who"):
                who = dm.group("who").rstrip()
                issuer = Span(line.begin, line.begin + len(who), who)
            elif k > 0 and is_agency_name(lines[k - 1].text):
                issuer = lines[k - 1].span()
                used.add(k - 1)
    title_index = next(
        (
            k
            for k in range(header_end + 1, len(lines))
            if k not in skip and is_title_line(lines[k].text)
        ),
        None,
    )
    if title_index is not None:
        title, body_start = lines[title_index].span(), title_index + 1
    elif is_title_line(lines[0].text):  # the title stands first (an opinion, a notice)
        title, body_start = lines[0].span(), max(header_end, 0) + 1
    else:
        raise SourceFileError(
            f"{source.file_name}: does not look like a policy document: "
            "no title line before the first part or item",
            hint="the document's title stands on its own line, first or above its preamble",
        )
    doc = Document(
        source=source,
        title=title,
        notice_title=notice.span() if notice else None,
        issuer=issuer,
        issued=issued,
        release_note=release,
    )
    if number:
        doc.number, doc.number_span = number[0], number[1].span()
    if addressees:
        doc.addressees = _addressees(source.text, addressees)
    rest = [line for k, line in enumerate(lines[body_start:], body_start) if k not in skip]
    front = _preamble(doc, rest, kinds)
    if notice:  # the notice's sentences (现将《…》印发给你们…) are kept, not dropped
        front.notice = [lines[k].span() for k in range(1, title_index or 0) if k not in used | skip]
    return front


def _preamble(doc: Document, lines: list[Line], kinds: Mapping[str, str]) -> FrontMatter:
    """The preamble, up to the first paragraph that opens with a section's heading word."""
    labelled = next(
        (k for k, line in enumerate(lines) if labelled_section(line.text, kinds)), len(lines)
    )
    preamble = lines[:labelled]
    if preamble:
        doc.preamble = Span(
            preamble[0].begin,
            preamble[-1].end,
            doc.source.text[preamble[0].begin : preamble[-1].end],
        )
        # the documents the preamble cites are those this one implements
        doc.basis = find_citations(doc.preamble.text, doc.preamble.begin)
    result = FrontMatter(doc)
    section: str | None = None
    for line in lines[labelled:]:
        section = labelled_section(line.text, kinds) or section
        result.labelled.append((line.span(), section))
    return result


def _addressees(text: str, line: Line) -> list[Span]:
    """The addressees of a line, split at ， outside brackets."""
    out: list[Span] = []
    start = line.begin
    body_end = line.end - 1  # without the closing colon
    depth = 0
    for j in range(line.begin, body_end + 1):
        c = text[j] if j < body_end else "，"
        if c in "（(":
            depth += 1
        elif c in "）)":
            depth = max(0, depth - 1)
        elif c in "，," and depth == 0:
            piece = text[start:j]
            stripped = piece.strip()
            if stripped:
                b = start + len(piece) - len(piece.lstrip())
                out.append(Span(b, b + len(stripped), stripped))
            start = j + 1
    return out


# A date as portals print it in a metadata table: 2019年01月21日, 2022-09-26 09:30, 2022/9/26.
_STATED_DATE = re.compile(r"(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})")


def stated_date(value: str) -> date | None:
    """The date a metadata field states, or None when it states none that exists."""
    m = _STATED_DATE.search(value)
    if m is None:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def apply_page_metadata(doc: Document) -> None:
    """Take from the page's metadata table (``doc.source.metadata``, by the fields' usual
    names) what the text does not print: the number (发文字号), the issuing office (发文机关),
    the date (成文日期); the publication date (发布日期) and index number (索引号), which
    texts never print, always. The fields used are listed in ``doc.from_page``, so the graph
    can say which facts come from the page rather than from the text."""
    fields = doc.source.metadata
    used: list[str] = []
    if doc.number is None and (number := parse_document_number(fields.get("发文字号", ""))):
        doc.number = number
        used.append("发文字号")
    if doc.issuer is None and (issuer := fields.get("发文机关", "").strip()):
        doc.stated_issuer = issuer
        used.append("发文机关")
    if doc.issued is None and (issued := stated_date(fields.get("成文日期", ""))):
        doc.issued = issued
        used.append("成文日期")
    if published := stated_date(fields.get("发布日期", "")):
        doc.published = published
        used.append("发布日期")
    if index_number := fields.get("索引号", "").strip():
        doc.index_number = index_number
        used.append("索引号")
    doc.from_page = tuple(used)
