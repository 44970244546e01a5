"""How well a document was read: a few figures that show at a glance when it went wrong.

For each built document: the share of its body text that ended up inside measures (their
texts and clauses), how many responsibility clauses were found, how many agency names no
register knows, how many paragraphs fit no element of the layout (and their characters),
and how many times the numbering breaks; and from those figures the problems worth a look.
The build prints them and records them on the document node (docs/model.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from policykg.graph.model import Document, Span

# Below this share of the body text in measures the layout was most likely misread. Item
# and part titles, principles, goals and closing words are outside measures: in the
# thirteen State Council documents of the tests (opinions among them) and the test
# documents read right, between 40% and 95% of the body is in measures.
LOW_MEASURE_SHARE = Decimal(30)


@dataclass(frozen=True)
class ReadingQuality:
    """The reading figures of one document."""

    measures: int
    measure_share: Decimal  # per cent of the body's characters (white space not counted)
    clauses: int
    unregistered: int  # agency names no register knows
    unplaced_paragraphs: int
    unplaced_characters: int
    numbering_breaks: int

    def problems(self) -> list[tuple[str, str]]:
        """What looks wrong, in Chinese and in English (empty when nothing does)."""
        found: list[tuple[str, str]] = []
        if self.numbering_breaks:
            found.append(
                (
                    f"编号有 {self.numbering_breaks} 处中断",
                    f"the numbering breaks at {self.numbering_breaks} place(s)",
                )
            )
        if self.unplaced_paragraphs:
            found.append(
                (
                    f"{self.unplaced_paragraphs} 段文字（{self.unplaced_characters} 字）"
                    "未能归入文件结构",
                    f"{self.unplaced_paragraphs} paragraph(s) ({self.unplaced_characters} "
                    "characters) fit nowhere in the layout",
                )
            )
        if not self.measures:
            found.append(("未识别出任何措施", "no measure was found"))
        elif self.measure_share < LOW_MEASURE_SHARE:
            found.append(
                (
                    f"正文仅 {self.measure_share}% 归入措施",
                    f"only {self.measure_share}% of the body text is in measures",
                )
            )
        return found

    def __str__(self) -> str:
        unplaced = (
            f"{self.unplaced_paragraphs} unplaced ({self.unplaced_characters} characters)"
            if self.unplaced_paragraphs
            else "nothing unplaced"
        )
        return (
            f"{self.measure_share}% of the body text in measures, {self.clauses} clauses, "
            f"{self.unregistered} unregistered names, {unplaced}, "
            f"{self.numbering_breaks} numbering breaks"
        )


def reading_quality(doc: Document, unregistered: int) -> ReadingQuality:
    """The reading figures of a parsed (and extracted) document; ``unregistered`` is the
    number of agency names the builder found in no register."""
    unplaced = [p for p in doc.all_paragraphs if p.role == "unplaced"]
    in_measures = sum(
        _characters(s) for m in doc.measures for s in (m.span, m.clause.span if m.clause else None)
    )
    body = _characters(doc.body)
    share = Decimal(100 * in_measures) / Decimal(body) if body else Decimal(0)
    return ReadingQuality(
        measures=len(doc.measures),
        measure_share=min(Decimal(100), share).quantize(Decimal("0.1"), ROUND_HALF_EVEN),
        clauses=sum(1 for m in doc.measures if m.clause is not None),
        unregistered=unregistered,
        unplaced_paragraphs=len(unplaced),
        unplaced_characters=sum(_characters(p.span) for p in unplaced),
        numbering_breaks=sum(1 for w in doc.warnings if w.kind == "numbering"),
    )


def _characters(span: Span | None) -> int:
    """The characters of a span, white space not counted."""
    return sum(1 for c in span.text if not c.isspace()) if span else 0
