"""The plain text derived from a published file, by the same layout rules for every format.

A web page, a PDF and a Word file become the text the parser reads: one paragraph per
line, as in the plain-text copies of real documents (tests/data/real), which were made
from the portal's HTML by these rules:

- a paragraph is one line; the ends of a line are stripped of ASCII white space and
  U+00A0 (no-break space), while U+3000 (the ideographic space of Chinese layout:
  indents, the gap between a signature and its date) is kept;
- lines that are empty or white space only are dropped;
- the lines that together make the document's title (split by a line break, or set over
  two lines) are one line.

Readers (webpage.py, pdftext.py, docxtext.py) produce paragraphs and say what they know
of the title; this module applies the rules and holds what a reader found.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

# ASCII white space and the no-break space; U+3000 is layout and stays.
_LINE_END_SPACE = " \t\n\r\f\v\u00a0"
_ANY_SPACE = re.compile(r"[\s\u00a0\u3000]+")
# How many lines a title is split over, at most, and how far down the text it may start.
_TITLE_PIECES = 4
_TITLE_SEARCH = 12
# A line that begins with a part or item label is never a piece of a title.
NUMBERED = re.compile(
    r"^[\s\u3000]*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、]"
    r"|第[一二三四五六七八九十百\d]+[章节条部分])"
)


class Piece(NamedTuple):
    """A line of a PDF or Word file and the font size (pt) it is set in."""

    text: str
    size: float


@dataclass(frozen=True)
class Derived:
    """What a reader made of a file: its text's lines and what the file says about itself."""

    lines: list[str]
    media_type: str
    encoding: str = ""
    metadata: Mapping[str, str] = field(default_factory=dict)
    declared_title: str | None = None

    @property
    def text(self) -> str:
        """The derived text: one line per paragraph, ending with a line feed."""
        return "".join(line + "\n" for line in self.lines)


def layout_lines(paragraphs: Iterable[str]) -> list[str]:
    """The paragraphs as lines: ends stripped of ASCII space and U+00A0, blank ones dropped."""
    lines = []
    for paragraph in paragraphs:
        line = paragraph.strip(_LINE_END_SPACE)
        if line.strip("\u3000"):
            lines.append(line)
    return lines


def squeeze(text: str) -> str:
    """``text`` without any white space, as titles are compared."""
    return _ANY_SPACE.sub("", text)


def join_title(lines: Sequence[str], titles: Iterable[str | None]) -> list[str]:
    """``lines`` with the first run of two to four lines that make one of ``titles`` joined.

    The comparison ignores white space; the joined line is the pieces as they stand, so
    every character of the text is one of the file's.
    """
    wanted = {squeeze(t) for t in titles if t and squeeze(t)}
    if not wanted:
        return list(lines)
    for start in range(min(len(lines), _TITLE_SEARCH)):
        for count in range(2, _TITLE_PIECES + 1):
            pieces = lines[start : start + count]
            if len(pieces) < count:
                break
            if squeeze("".join(pieces)) in wanted:
                return [*lines[:start], "".join(pieces), *lines[start + count :]]
    return list(lines)


def holds_title(lines: Sequence[str], titles: Iterable[str | None]) -> bool:
    """Whether one of the first lines is (white space aside) one of ``titles``."""
    wanted = {squeeze(t) for t in titles if t and squeeze(t)}
    return any(squeeze(line) in wanted for line in lines[:_TITLE_SEARCH])


def body_size(pieces: Iterable[Piece]) -> float:
    """The size most characters are set in."""
    weight: Counter[float] = Counter()
    for piece in pieces:
        weight[round(piece.size, 1)] += len(squeeze(piece.text))
    return weight.most_common(1)[0][0] if weight else 0.0


def join_large(pieces: Sequence[Piece]) -> list[str]:
    """Lines, with consecutive pieces set larger than the body (a title's lines) joined.

    A piece that begins with a part or item label is a heading of its own.
    """
    body = body_size(pieces)
    lines: list[str] = []
    previous: Piece | None = None
    for piece in pieces:
        text = piece.text
        if not text.strip(_LINE_END_SPACE + "\u3000"):
            continue  # a blank line between a title's lines does not part them
        if (
            previous is not None
            and round(piece.size, 1) == round(previous.size, 1) > body
            and not NUMBERED.match(text)
        ):
            lines[-1] = lines[-1].rstrip(_LINE_END_SPACE) + text.strip(_LINE_END_SPACE)
        else:
            lines.append(text)
        previous = piece
    return lines
