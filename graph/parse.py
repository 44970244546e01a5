"""Parse a policy document's text into its tree: header, parts, items, measures, paragraphs.

The grammar is docs/genre.md's. In short: the front matter (graph/header.py), then the
body — parts 一、 with a title (or run into their text), items （一） numbered through
the document or afresh in every part (in a document without parts, 1. or （1） may number
the items), measures closed by responsibility clauses or numbered 1. / （1） inside an
item or directly under a part — then the signature, the release note, the print line and
attachments (附件). Sections whose heading names principles or goals (总体要求, 基本原则,
主要目标 …, reference data) hold paragraphs, not measures, unless a paragraph closes with a
responsibility clause. Text that is no measure is kept as a paragraph of its part, item
or document; text that fits nowhere too, as an "unplaced" paragraph with a warning.

Every span is an offset range into ``source.text`` (see graph/source.py for what the
offsets count); a copy that lost its line breaks is read from the markers in its running
text (graph/layout.py). A break in the numbering of parts, items or numbered measures is
a warning of kind "numbering". A text with no title or no numbered parts or items is not
a policy document and raises SourceFileError.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass

from policykg.graph.clauses import ClauseReader, is_agency_name
from policykg.graph.errors import SourceFileError
from policykg.graph.header import (
    apply_page_metadata,
    attachment_lines,
    date_line,
    issuer_in_title,
    parse_date,
    read_front_matter,
)
from policykg.graph.headings import (
    ATTACHMENT,
    PART,
    PRINT_LINE,
    RELEASE,
    STYLES,
    document_type,
    first_stop,
    has_stop,
    heading_number,
    section_kind,
)
from policykg.graph.layout import Line, paragraphs
from policykg.graph.model import (
    Clause,
    Document,
    Item,
    Measure,
    Paragraph,
    Part,
    SourceText,
    Span,
    Warning_,
)

__all__ = ["document_type", "parse_document"]

# A title sentence on a part's own line (一、总体要求。坚持…) is at most this long; a longer
# first sentence is the part's text (一、对…的地方，给予…。（X负责）: a part with no title).
_PART_TITLE_MAX = 40
_TRIM = "。；;，,"

Container = Part | Item


def parse_document(source: SourceText, section_kinds: Mapping[str, str] | None = None) -> Document:
    """The document tree of ``source``; SourceFileError if it is not a policy document.

    ``section_kinds`` maps the heading words of sections that are not measures to their
    section-kind concept (default: the reference data's, graph/data/section-kinds.ttl).
    """
    if section_kinds is None:
        from policykg.graph.reference import load_reference

        section_kinds = load_reference().section_kinds()
    return _Parser(source, section_kinds).parse()


@dataclass(frozen=True)
class _Layout:
    """How a document's body is numbered: whether it has parts, and the style of the
    markers that number its items (None: its parts hold measures, not items)."""

    has_parts: bool
    item_style: str | None

    def kind(self, text: str) -> tuple[str, re.Match[str]] | None:
        """The heading a paragraph starts with: ("part" | "item" | "numbered", match)."""
        if self.has_parts and (m := PART.match(text)):
            return "part", m
        for name, pattern in STYLES.items():
            if m := pattern.match(text):
                return ("item" if name == self.item_style else "numbered"), m
        return None


class _Parser:
    """One pass over one document; holds the paragraphs and the warnings found so far."""

    def __init__(self, source: SourceText, kinds: Mapping[str, str]) -> None:
        self.source = source
        self.text = source.text
        self.kinds = kinds
        self.lines = paragraphs(self.text)
        self.line_starts = [0] + [i + 1 for i, c in enumerate(self.text) if c == "\n"]
        self.warnings: list[Warning_] = []
        self.clauses = ClauseReader()  # one per document: rules stated in a clause carry on
        self.last_printed = 0  # the last number printed on a measure (1. （1）)

    # -- positions ------------------------------------------------------------------

    def warn(self, offset: int, message: str, kind: str = "structure") -> None:
        line = bisect.bisect_right(self.line_starts, offset)
        column = offset - self.line_starts[line - 1] + 1
        self.warnings.append(Warning_(line=line, column=column, message=message, kind=kind))

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
        first, layout = self._first_heading()
        if first is None:
            raise SourceFileError(
                f"{self.source.file_name}: does not look like a policy document: "
                "no numbered parts (一、) or items (（一）, 1., （1）)",
                hint="give the text of a plan, opinion or measures document whose body is "
                "divided into parts 一、… or items （一）…",
            )
        front = read_front_matter(self.source, self.lines[:first], self.kinds)
        doc = front.document
        for span, section in front.labelled:
            self._paragraph(doc.paragraphs, span, "content", section)
        for span in front.notice:
            self._paragraph(doc.notice_paragraphs, span, "notice", None)
        self._body(doc, self.lines[first:], layout)
        if doc.issuer is None:
            doc.issuer = issuer_in_title(doc.notice_title or doc.title)
        apply_page_metadata(doc)
        doc.document_type = document_type(doc.title.text)
        self._check_item_numbering(doc)
        doc.warnings = self.warnings
        return doc

    def _first_heading(self) -> tuple[int | None, _Layout]:
        """Index of the first part or item heading, and how the body is numbered."""
        skip = attachment_lines(self.lines)
        headings = [
            (k, line)
            for k, line in enumerate(self.lines)
            if k not in skip
            and (PART.match(line.text) or any(p.match(line.text) for p in STYLES.values()))
        ]
        if not headings:
            return None, _Layout(False, None)
        has_parts = any(PART.match(line.text) for _, line in headings)
        styles = [name for _, line in headings for name, p in STYLES.items() if p.match(line.text)]
        if not has_parts:  # the first marker numbers the items
            return headings[0][0], _Layout(False, styles[0])
        return headings[0][0], _Layout(True, "cn-paren" if "cn-paren" in styles else None)

    # -- body -----------------------------------------------------------------------

    def _body(self, doc: Document, lines: list[Line], layout: _Layout) -> None:
        roles = self._roles(lines, layout)
        part: Part | None = None
        item: Item | None = None
        numbered: Container | None = None  # the container of the last numbered measure
        for line, role in zip(lines, roles, strict=True):
            heading = layout.kind(line.text)
            if role == "part" and heading:
                part, item, numbered = self._part(line, heading[1], doc), None, None
                doc.parts.append(part)
            elif role == "item" and heading:
                item, numbered = self._item(line, heading[1], part), None
                (part.items if part else doc.items_without_part).append(item)
            elif role == "numbered" and heading and (owner := item or part):
                numbered = owner
                self._numbered(numbered, line, heading[1])
            elif role == "text" and numbered is not None:
                self._extend(numbered, line)
                self._stated(numbered, line.begin, line.end, numbered.section)
            elif role == "text" and item is not None:
                self._item_text(item, line)
            elif role == "text" and part is not None:
                self._stated(part, line.begin, line.end, part.section)
            elif role in ("closing", "attachment"):
                self._paragraph(doc.paragraphs, line.span(), role, None)
            elif role in ("print", "date", "release"):
                self._back_matter(doc, line, role, lines)
            elif role != "signature":
                self._paragraph(doc.paragraphs, line.span(), "unplaced", None)
                self.warn(
                    line.begin,
                    f"paragraph fits nowhere in the document's structure: {_excerpt(line.text)}",
                )
        body = [ln for ln, r in zip(lines, roles, strict=True) if r in _BODY_ROLES]
        if body:
            doc.body = self.span(body[0].begin, body[-1].end)
        self._closing_paragraphs(doc)

    def _roles(self, lines: list[Line], layout: _Layout) -> list[str]:
        """What each paragraph of the body is: a heading (part, item, numbered), text, a
        closing paragraph, back matter (date, signature, release, print), attachment text,
        or unplaced text after the back matter."""
        roles: list[str] = []
        after_back = in_attachment = False
        for k, line in enumerate(lines):
            text = line.text
            heading = layout.kind(text)
            if in_attachment or (ATTACHMENT.match(text) and "。" not in text):
                in_attachment = True
                roles.append("attachment")
            elif PRINT_LINE.match(text):
                roles.append("print")
                after_back = True
            elif RELEASE.match(text):
                roles.append("release")
            elif date_line(text):
                roles.append("date")
                after_back = True
            elif is_agency_name(text) and k + 1 < len(lines) and date_line(lines[k + 1].text):
                roles.append("signature")
            elif after_back:
                roles.append("unplaced")
            else:
                roles.append(heading[0] if heading else "text")
        return _mark_closing(lines, roles, layout)

    def _back_matter(self, doc: Document, line: Line, role: str, lines: list[Line]) -> None:
        """The print line, the signature's date (the header's comes first), a release note."""
        text = line.text
        if role == "print" and (pm := PRINT_LINE.match(text)):
            doc.printed_by = self.span(line.begin, line.begin + len(pm.group("who").rstrip()))
            doc.printed = parse_date(pm)
        elif role == "release" and (rm := RELEASE.match(text)):
            if doc.release_note is None:
                doc.release_note = self.span(line.begin + rm.start(1), line.begin + rm.end(1))
        elif role == "date" and (dm := date_line(text)):
            if doc.issued is None:
                doc.issued = parse_date(dm)
            if doc.issuer is None:
                if dm.group("who"):
                    who = dm.group("who").rstrip()
                    doc.issuer = self.span(line.begin, line.begin + len(who))
                else:
                    k = lines.index(line)
                    if k > 0 and is_agency_name(lines[k - 1].text):
                        doc.issuer = lines[k - 1].span()

    # -- headings -------------------------------------------------------------------

    def _part(self, line: Line, m: re.Match[str], doc: Document) -> Part:
        label = m.group(1)
        expected = len(doc.parts) + 1
        ordinal = self._ordinal(label, label + "、", expected, line.begin, "part")
        content = line.begin + m.end()
        clauses = self.clauses.find(self.text[content : line.end], content)
        title, cursor = self._part_title(line, content, clauses)
        section = section_kind(title.text, self.kinds) if title else None
        part = Part(ordinal=ordinal, label=label, title=title, span=line.span(), section=section)
        self._stated(part, cursor, line.end, section, clauses)
        return part

    def _part_title(
        self, line: Line, content: int, clauses: list[Clause]
    ) -> tuple[Span | None, int]:
        """A part's title and where its text begins. A heading line with no sentence in it
        is the title; on a line of its own a short first sentence with more after it is
        the title (一、总体要求。坚持…); otherwise, and always for a part run into its
        text, the part has no title to tell apart and all its text is its text."""
        first_clause = clauses[0].span.begin - 1 if clauses else line.end
        words = self.trimmed(content, first_clause)
        if not words.text:
            return None, content
        if not clauses and (not has_stop(words.text) or not line.cut and "。" not in words.text):
            return self.span(words.begin, words.end), line.end
        stop = first_stop(self.text[content:first_clause])
        if line.cut or stop is None:
            return None, content
        title = self.trimmed(content, content + stop)
        rest = self.trimmed(content + stop + 1, first_clause, _TRIM)
        if len(title.text) <= _PART_TITLE_MAX and (rest.text or not clauses):
            return title, content + stop + 1
        return None, content

    def _item(self, line: Line, m: re.Match[str], part: Part | None) -> Item:
        label = self.text[line.begin : line.begin + m.end()].rstrip()
        content = line.begin + m.end()
        clauses = self.clauses.find(self.text[content : line.end], content)
        first_clause = clauses[0].span.begin - 1 if clauses else line.end
        stop = first_stop(self.text[content:first_clause])
        if stop is not None:
            title = self.span(content, content + stop)
            cursor = content + stop + 1
            title_sentence = self.span(content, cursor)
        else:  # no 。 before the first clause: the title sentence is also the measure
            title = self.trimmed(content, first_clause)
            cursor = content if clauses else line.end  # a title line alone has no measure
            title_sentence = title
        number = heading_number(m.group(1))
        section = section_kind(title.text, self.kinds) or (part.section if part else None)
        item = Item(
            ordinal=number or 0,  # an unreadable number is reported with the numbering
            label=label,
            title=title,
            span=line.span(),
            part=part.ordinal if part else None,
            section=section,
        )
        if section:
            self._stated(item, cursor, line.end, section, clauses)
        else:
            self._measures(item, clauses, cursor, line.end, title_sentence, cut=line.cut)
        return item

    def _numbered(self, container: Container, line: Line, m: re.Match[str]) -> None:
        """A numbered paragraph (1. （1）) in an item or directly under a part: a measure
        (or several, one per clause), or a paragraph in a section of principles or goals."""
        label = self.text[line.begin : line.begin + m.end()].rstrip()
        printed = heading_number(m.group(1))
        content = line.begin + m.end()
        clauses = self.clauses.find(self.text[content : line.end], content)
        self._extend(container, line)
        if container.section:
            self._stated(container, content, line.end, container.section, clauses, label, printed)
        else:
            self._check_printed(container, label, printed, line.begin)
            self._measures(container, clauses, content, line.end, None, label, printed, line.cut)

    def _item_text(self, item: Item, line: Line) -> None:
        """A paragraph continuing an item: its measures, or paragraphs in a section."""
        self._extend(item, line)
        if item.section:
            self._stated(item, line.begin, line.end, item.section)
        else:
            clauses = self.clauses.find(line.text, line.begin)
            self._measures(item, clauses, line.begin, line.end, None, cut=line.cut)

    def _extend(self, container: Container, line: Line) -> None:
        """An item's span runs on over the paragraphs that continue it (a part's span is
        its heading line)."""
        if isinstance(container, Item):
            container.span = self.span(container.span.begin, line.end)

    # -- measures and paragraphs ---------------------------------------------------------

    def _measures(
        self,
        container: Container,
        clauses: list[Clause],
        cursor: int,
        end: int,
        title_sentence: Span | None,
        label: str | None = None,
        printed: int | None = None,
        cut: bool = False,
    ) -> None:
        """Measures from ``cursor`` to ``end``: one per clause, and the text after the last
        clause as a measure without one (a warning when it follows a clause). In a copy
        that lost its line breaks (``cut``), text after the last clause was most likely a
        paragraph of its own (a closing paragraph): it is kept as a paragraph."""
        for clause in clauses:
            open_bracket = clause.span.begin - 1
            text = self.trimmed(cursor, open_bracket, _TRIM)
            if not text.text and title_sentence is not None and not container.measures:
                text = title_sentence  # （三）做好某事。（省某厅负责）: the title is the measure
            if text.text:
                self._measure(container, text, clause, label, printed)
            else:
                self.warn(open_bracket, "responsibility clause with no measure text before it")
            cursor = clause.span.end + 1
        rest = self.trimmed(cursor, end, _TRIM)
        if rest.text and cut and clauses:
            self._paragraph(
                container.paragraphs, self.trimmed(cursor, end, "；;，,"), "content", None
            )
        elif rest.text:
            rest = self.trimmed(cursor, end, "；;，,")
            self._measure(container, rest, None, label, printed)
            if clauses:
                self.warn(
                    rest.begin,
                    f"text after the last responsibility clause of {_name(container)}: "
                    f"{_excerpt(rest.text)}",
                )

    def _stated(
        self,
        container: Container,
        cursor: int,
        end: int,
        section: str | None,
        clauses: list[Clause] | None = None,
        label: str | None = None,
        printed: int | None = None,
    ) -> None:
        """Text that states no measure unless a clause closes it: each stretch closed by a
        clause is a measure, the rest a paragraph of the container."""
        if clauses is None:
            clauses = self.clauses.find(self.text[cursor:end], cursor)
        for clause in clauses:
            text = self.trimmed(cursor, clause.span.begin - 1, _TRIM)
            if text.text:
                self._measure(container, text, clause, label, printed)
            else:
                self.warn(clause.span.begin - 1, "responsibility clause with no text before it")
            cursor = clause.span.end + 1
        rest = self.trimmed(cursor, end, _TRIM)
        if rest.text:
            rest = self.trimmed(cursor, end, "；;，,")
            self._paragraph(container.paragraphs, rest, "content", section)

    def _measure(
        self,
        container: Container,
        span: Span,
        clause: Clause | None,
        label: str | None,
        printed: int | None,
    ) -> None:
        ordinal = len(container.measures) + 1
        container.measures.append(Measure(ordinal, span, clause, label=label, printed=printed))

    def _paragraph(self, into: list[Paragraph], span: Span, role: str, section: str | None) -> None:
        into.append(Paragraph(len(into) + 1, span, role, section))

    def _closing_paragraphs(self, doc: Document) -> None:
        """Paragraphs at the end of the body, after the last measure of the last part (or
        of its last item, when it is no section of principles or goals), close the
        document: they become its closing paragraphs."""
        last = doc.parts[-1] if doc.parts else None
        items = last.items if last else doc.items_without_part
        measures_after = (
            last and last.measures and items and last.measures[-1].span.begin > items[-1].span.begin
        )
        if items and items[-1].section is None and not measures_after:
            self._close(doc, items[-1])
        if last is not None and (last.items or last.measures):
            self._close(doc, last)

    def _close(self, doc: Document, container: Container) -> None:
        """Move the container's paragraphs after its last measure or item to the document."""
        units = [u.span.begin for u in (*container.measures, *getattr(container, "items", []))]
        if not units:
            return
        tail = [p for p in container.paragraphs if p.span.begin > max(units)]
        if not tail:
            return
        container.paragraphs = [p for p in container.paragraphs if p not in tail]
        for p in tail:
            self._paragraph(doc.paragraphs, p.span, "closing", None)
        doc.paragraphs.sort(key=lambda p: p.span.begin)
        for k, p in enumerate(doc.paragraphs, 1):
            p.ordinal = k

    # -- numbering ------------------------------------------------------------------

    def _ordinal(self, digits: str, label: str, expected: int, offset: int, what: str) -> int:
        value = heading_number(digits)
        if value != expected:
            self._numbering_break(offset, what, label, expected)
            if value is None or value < expected:  # repeated or unreadable: keep them unique
                value = expected
        return value

    def _numbering_break(self, offset: int, what: str, label: str, expected: int) -> None:
        self.warn(
            offset,
            f"the numbering breaks: {what} numbered {label} where {expected} was expected "
            "(a number missing, repeated or mistyped in the text)",
            kind="numbering",
        )

    def _check_item_numbering(self, doc: Document) -> None:
        """Items run 1, 2, 3 … through the document, or afresh in every part; decide
        which from the text, and report (and keep unique) numbers that break it."""
        groups = [p.items for p in doc.parts if p.items]
        doc.items_restart = any(g[0].ordinal == 1 for g in groups[1:])
        if doc.items_without_part:
            groups.append(doc.items_without_part)
        expected = 1
        for group in groups:
            if doc.items_restart:
                expected = 1
            for item in group:
                if item.ordinal != expected:
                    self._numbering_break(item.span.begin, "item", item.label, expected)
                    if item.ordinal < expected:
                        item.ordinal = expected
                expected = item.ordinal + 1

    def _check_printed(
        self, container: Container, label: str, printed: int | None, at: int
    ) -> None:
        """Numbered measures run 1, 2, 3 … in their item or part, or on through the
        document (a part's first may continue the last number of the part before)."""
        earlier = [m.printed for m in container.measures if m.printed is not None]
        if earlier:
            expected = earlier[-1] + 1
        else:
            expected = printed if printed in (1, self.last_printed + 1) else 1
        if printed != expected:
            self._numbering_break(at, "measure", label, expected)
        self.last_printed = printed or self.last_printed


_BODY_ROLES = {"part", "item", "numbered", "text", "closing"}


def _mark_closing(lines: list[Line], roles: list[str], layout: _Layout) -> list[str]:
    """Mark the paragraphs between the last item and the back matter as closing
    paragraphs when the document's items are single paragraphs (an item with its text on
    its heading line that no other such item continues on the next line): 各地区、各部门
    要… after the last item closes the document instead of continuing the item."""
    items = [k for k, r in enumerate(roles) if r == "item"]
    if not items:
        return roles
    last = items[-1]
    tail = []
    k = last + 1
    while k < len(roles) and roles[k] == "text":
        tail.append(k)
        k += 1
    if not tail or any(r in ("part", "item", "numbered") for r in roles[k:]):
        return roles
    if not _runs_on(lines[last].text, layout):
        return roles
    continued = any(roles[j + 1] == "text" and _runs_on(lines[j].text, layout) for j in items[:-1])
    if continued:
        return roles
    return [("closing" if j in tail else r) for j, r in enumerate(roles)]


def _runs_on(text: str, layout: _Layout) -> bool:
    """Whether an item's heading line holds text after its title sentence."""
    heading = layout.kind(text)
    content = text[heading[1].end() :] if heading else text
    stop = first_stop(content)
    return stop is not None and bool(content[stop + 1 :].strip())


def _name(container: Container) -> str:
    if isinstance(container, Item):
        return f"item {container.label}"
    return f"part {container.label}"


def _excerpt(text: str, length: int = 20) -> str:
    return text if len(text) <= length else text[:length] + "…"
