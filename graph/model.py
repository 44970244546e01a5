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
    """Something the parser could not make sense of, with where it is."""

    line: int  # 1-based
    column: int  # 1-based, in code points
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.message}"

    @classmethod
    def at(cls, text: str, offset: int, message: str) -> Warning_:
        """A warning about the character at ``offset`` of ``text``."""
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        return cls(line, column, message)


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
    """The text between the previous clause (or the item title) and its own clause."""

    ordinal: int  # within its item, from 1
    span: Span  # the text, trimmed, without its clause
    clause: Clause | None  # None when the text ends without a clause (a warning is raised)
    entities: Entities = field(default_factory=Entities)


@dataclass
class Item:
    """（一） … numbered through the document."""

    ordinal: int
    label: str  # as printed: （一）, 1., (1)
    title: Span  # the title sentence without its 。
    span: Span  # the whole paragraph
    measures: list[Measure] = field(default_factory=list)


@dataclass
class Part:
    """一、 … with its title line."""

    ordinal: int
    label: str  # 一
    title: Span
    span: Span  # the title line
    items: list[Item] = field(default_factory=list)


@dataclass
class Document:
    """A parsed policy document."""

    source: SourceText
    title: Span  # body title
    notice_title: Span | None = None
    number: DocumentNumber | None = None
    number_span: Span | None = None
    addressees: list[Span] = field(default_factory=list)
    issuer: Span | None = None  # the issuing office as printed under the notice
    issued: date | None = None
    release_note: Span | None = None  # 此件公开发布, without brackets
    preamble: Span | None = None
    basis: list[Citation] = field(default_factory=list)  # the documents it implements
    parts: list[Part] = field(default_factory=list)
    items_without_part: list[Item] = field(default_factory=list)  # documents with no parts
    printed_by: Span | None = None
    printed: date | None = None
    document_type: str | None = (
        None  # implementation-plan | opinion | measures | action-plan | notice
    )
    entities: Entities = field(default_factory=Entities)  # found outside measures
    warnings: list[Warning_] = field(default_factory=list)

    @property
    def items(self) -> list[Item]:
        """All items in document order, whether or not they sit in parts."""
        return [i for p in self.parts for i in p.items] + list(self.items_without_part)

    @property
    def measures(self) -> list[Measure]:
        """All measures in document order."""
        return [m for i in self.items for m in i.measures]
