"""The typed document tree that parsing and extraction produce and building consumes.

Every offset is a 0-based index in Unicode code points into the source text as read,
end exclusive, so that ``source.text[span.begin:span.end] == span.text``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Span:
    """A piece of the source text."""

    begin: int
    end: int
    text: str


@dataclass(frozen=True)
class Warning_:
    """Something the parser could not make sense of, with where it is.

    ``kind`` is "structure" for text placed where the layout did not expect it, and
    "numbering" for a break in the numbering of parts, items or measures (a number
    missing, repeated or unreadable), which the build treats as an error to fix.
    """

    line: int  # 1-based
    column: int  # 1-based, in code points
    message: str
    kind: str = "structure"

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.message}"

    @classmethod
    def at(cls, text: str, offset: int, message: str, kind: str = "structure") -> Warning_:
        """A warning about the character at ``offset`` of ``text``."""
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        return cls(line, column, message, kind)


@dataclass(frozen=True)
class SourceText:
    """A source file as read: its text, name, checksum and the encoding it was read in.

    ``text`` is the plain text every offset counts in: the file's own text for a text file,
    the text derived from it for a web page, PDF or Word file (one paragraph per line).
    ``file_name`` and ``sha256`` are always those of the original file as read (its bytes),
    ``media_type`` says what that file is. ``encoding`` is the character encoding of a text
    or HTML file and empty for PDF and DOCX, where none applies. ``metadata`` holds the
    fields a web page states about the document in its metadata table, by their usual
    names (索引号, 主题分类, 发文机关, 成文日期, 标题, 发文字号, 发布日期), values as printed;
    ``declared_title`` is the title the file gives itself (HTML ``<title>``, PDF Info
    /Title, DOCX core properties), as written, or None.
    """

    text: str
    file_name: str
    sha256: str
    encoding: str
    media_type: str = "text/plain"
    metadata: Mapping[str, str] = field(default_factory=dict, hash=False)
    declared_title: str | None = None


@dataclass(frozen=True)
class DocumentNumber:
    """A document number (文号) such as 晋政办发〔2022〕77号."""

    text: str  # as printed
    issuer_code: str  # 晋政办发
    year: int
    serial: int


@dataclass(frozen=True)
class Responsibility:
    """One agency named in a responsibility clause, with its role."""

    name: str  # as written, with a shared suffix distributed
    role: str  # lead | support | shared | sole
    span: Span  # where the name (or the part of it that is written there) stands


@dataclass(frozen=True)
class Clause:
    """A responsibility clause: the text inside its brackets and the agencies it names."""

    span: Span  # inside the brackets
    responsibilities: tuple[Responsibility, ...]
    open_list: bool  # 等部门, 等有关部门


@dataclass(frozen=True)
class TimeBound:
    """A time expression, normalised. ``end`` is the last day it covers."""

    span: Span
    start: date | None
    end: date | None
    precision: str  # day | month | year
    kind: str  # deadline | period | recurring
    recurrence: str | None = None  # month | year | week (the unit of repetition)
    recurrence_day: int | None = None  # 每月5日前 -> 5
    recurrence_month: int | None = None  # 每年1月31日前 -> 1 (a yearly bound's month)
    label: str | None = None  # 十四五, 春节 ... when the expression names a period or holiday


@dataclass(frozen=True)
class Quantity:
    """A number with a unit and a comparator."""

    span: Span
    value: Decimal
    unit: str  # as written: %, 套, 个月, 个, 元 ...
    comparator: str  # eq | min | max | approx
    measured: str | None = None  # what is measured, when the text says it
    whole: int | None = None  # index (in the measure's quantities) of the whole this is a part of
    period: int | None = None  # index (in the measure's time bounds) of the period it is for
    other_end: int | None = None  # index (in the same list) of the other end of its range


@dataclass(frozen=True)
class Citation:
    """A document cited in 《》, with its number when the text gives it."""

    span: Span  # the title, without 《》
    title: str
    number: DocumentNumber | None = None


@dataclass(frozen=True)
class Mention:
    """A place, programme or taxonomy term found in the text.

    ``kind`` is place | programme | sector | target-group | instrument; ``key`` is the
    place's name as in the gazetteer, the programme's name, or the concept's IRI.
    """

    span: Span
    kind: str
    key: str


@dataclass
class Entities:
    """Everything extracted from one stretch of text."""

    time_bounds: list[TimeBound] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)


@dataclass
class Measure:
    """A measure: the text between the previous clause (or the item title, or the number
    the document prints on it) and its own clause.

    Its parent is an item, or a part when it stands directly under one (a numbered
    measure 1. with no item, or the text of a part that is itself a measure).
    """

    ordinal: int  # within its item (or its part), from 1, in document order
    span: Span  # the text, trimmed, without its clause and without its printed number
    clause: Clause | None  # None when the text ends without a clause
    entities: Entities = field(default_factory=Entities)
    label: str | None = None  # the number the document prints on it, as printed: 1. （1）
    printed: int | None = None  # that number's value


@dataclass
class Paragraph:
    """Text of the document that is not a measure, kept with its place and its span.

    ``role`` says why it is not a measure: "content" (text of a part or item that states
    no measure: an introduction, a principle, a goal), "closing" (a closing paragraph of
    the document after its last part or item), "attachment" (text of an attachment, 附件),
    "notice" (the sentences of the notice that issues the document: 现将《…》印发给你们…)
    or "unplaced" (text that fits no element of the layout; counted as not understood).
    ``section`` is the section-kind concept IRI of the heading it stands under (goals,
    principles …), when that heading names one.
    """

    ordinal: int  # within its part, item or document, from 1, in document order
    span: Span
    role: str
    section: str | None = None
    entities: Entities = field(default_factory=Entities)


@dataclass
class Item:
    """（一） …: numbered through the document or afresh in every part."""

    ordinal: int  # the printed number (（三） → 3)
    label: str  # as printed: （一）, 1., (1)
    title: Span  # the title sentence without its 。
    span: Span  # the whole paragraph (and the paragraphs that continue it)
    measures: list[Measure] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    part: int | None = None  # the ordinal of the part it stands in
    section: str | None = None  # section-kind concept IRI (principles, goals …)


@dataclass
class Part:
    """一、 … with its title line (a part run into its text, as a copy that lost its line
    breaks has it, may have no title that can be told apart)."""

    ordinal: int
    label: str  # 一
    title: Span | None
    span: Span  # the heading line
    items: list[Item] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)  # standing directly under the part
    paragraphs: list[Paragraph] = field(default_factory=list)
    section: str | None = None  # section-kind concept IRI (general requirements, goals …)


@dataclass
class Document:
    """A parsed policy document."""

    source: SourceText
    title: Span  # body title
    notice_title: Span | None = None
    number: DocumentNumber | None = None
    number_span: Span | None = None
    addressees: list[Span] = field(default_factory=list)
    issuer: Span | None = None  # the issuing office: signature, else the title's 关于 prefix
    issued: date | None = None
    release_note: Span | None = None  # 此件公开发布, without brackets
    preamble: Span | None = None
    basis: list[Citation] = field(default_factory=list)  # the documents it implements
    parts: list[Part] = field(default_factory=list)
    items_without_part: list[Item] = field(default_factory=list)  # documents with no parts
    paragraphs: list[Paragraph] = field(default_factory=list)  # outside any part
    notice_paragraphs: list[Paragraph] = field(default_factory=list)  # the 印发 notice's text
    items_restart: bool = False  # items numbered afresh in every part
    body: Span | None = None  # from the first part or item to the end of the last one
    printed_by: Span | None = None
    printed: date | None = None
    # facts the text lacks that the web page's metadata table states (graph/header.py):
    stated_issuer: str | None = None  # 发文机关, when no issuer is printed in the text
    published: date | None = None  # 发布日期
    index_number: str | None = None  # 索引号
    from_page: tuple[str, ...] = ()  # the page's fields the document's facts were taken from
    document_type: str | None = (
        None  # implementation-plan | opinion | measures | action-plan | notice
    )
    entities: Entities = field(default_factory=Entities)  # places named in title and preamble
    warnings: list[Warning_] = field(default_factory=list)

    @property
    def issuer_name(self) -> str | None:
        """The issuing office as the text prints it, else as the page's metadata states it."""
        return self.issuer.text if self.issuer else self.stated_issuer

    @property
    def items(self) -> list[Item]:
        """All items in document order, whether or not they sit in parts."""
        return [i for p in self.parts for i in p.items] + list(self.items_without_part)

    @property
    def measures(self) -> list[Measure]:
        """All measures in document order, in items or directly under parts."""
        found = [m for i in self.items for m in i.measures]
        found += [m for p in self.parts for m in p.measures]
        return sorted(found, key=lambda m: m.span.begin)

    @property
    def all_paragraphs(self) -> list[Paragraph]:
        """Every paragraph of the document (outside parts, in parts, in items), in order."""
        found = list(self.paragraphs)
        found += [x for p in self.parts for x in p.paragraphs]
        found += [x for i in self.items for x in i.paragraphs]
        return sorted(found, key=lambda x: x.span.begin)
