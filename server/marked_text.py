"""Source text with entities marked in place, as HTML.

Every entity of a measure (agency, time bound, quantity, place, citation, programme,
concept) carries a span of the source with code-point offsets. The text shown is
source[begin:end]; each entity inside it becomes an element around its own characters.
Entities nest (a place inside a cited title); a mark that crosses another's boundary is
left out of the text (it stays in the tables). Links never nest: an outer mark that
contains inner marks is a plain span with a tooltip.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup, escape


@dataclass
class Mark:
    """An entity's place in the source: [begin, end) code points, what it is, where it links."""

    begin: int
    end: int
    kind: str  # agency | time | quantity | place | programme | citation | concept | span …
    title: str = ""
    href: str | None = None
    element_id: str | None = None
    children: list[Mark] = field(default_factory=list)


def nest(marks: list[Mark], begin: int, end: int) -> list[Mark]:
    """The marks inside [begin, end) as a forest; crossing marks are dropped."""
    inside = sorted(
        (m for m in marks if begin <= m.begin < m.end <= end), key=lambda m: (m.begin, -m.end)
    )
    roots: list[Mark] = []
    stack: list[Mark] = []
    for mark in inside:
        mark = Mark(mark.begin, mark.end, mark.kind, mark.title, mark.href, mark.element_id)
        while stack and mark.begin >= stack[-1].end:
            stack.pop()
        if stack and mark.end > stack[-1].end:
            continue  # crosses the enclosing mark's end
        (stack[-1].children if stack else roots).append(mark)
        stack.append(mark)
    return roots


def _render(text: str, offset: int, begin: int, end: int, marks: list[Mark]) -> str:
    """HTML for text[begin:end] (absolute offsets; text starts at offset) with its marks."""
    out: list[str] = []
    cursor = begin
    for mark in marks:
        out.append(str(escape(text[cursor - offset : mark.begin - offset])))
        inner = _render(text, offset, mark.begin, mark.end, mark.children)
        attributes = f' class="mark mark-{escape(mark.kind)}"'
        if mark.title:
            attributes += f' title="{escape(mark.title)}"'
        if mark.element_id:
            attributes += f' id="{escape(mark.element_id)}"'
        if mark.href and not mark.children:
            out.append(f'<a href="{escape(mark.href)}"{attributes}>{inner}</a>')
        else:
            out.append(f"<span{attributes}>{inner}</span>")
        cursor = mark.end
    out.append(str(escape(text[cursor - offset : end - offset])))
    return "".join(out)


def marked_html(source: str, begin: int, end: int, marks: list[Mark]) -> Markup:
    """source[begin:end] as HTML, each mark inside it wrapped in place."""
    return Markup(_render(source, 0, begin, end, nest(marks, begin, end)))
