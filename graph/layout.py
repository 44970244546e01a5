"""The paragraphs of a text as the parser reads them, with their places in the text.

A paragraph is a non-empty line, stripped of white space. A copy that has lost its line
breaks (a whole document on one line, or a part with its items run together) is cut into
the paragraphs it would have had, at the markers found in its running text:

- at the start: the title, the document number right after it, the addressees up to
  their colon (国务院办公厅关于…的意见国办发〔2013〕104号各省…：…);
- in a notice run into its plan: the signature (an agency name and a date, a release
  note) and the plan's title when the notice names it (关于印发《…》的通知);
- in the body: before each part marker 一、 二、 …, item marker （一） （二） … and
  numbered marker 1. （1） that continues the numbering so far and stands where a
  heading can stand (after a full stop, a colon, a closing bracket, or right after a
  heading's title);
- at the end: the signature (国务院办公厅2013年11月18日（此件公开发布）).

A line is cut only where the numbering of its markers runs on (two or more in sequence,
or one right after a heading's title), so an ordinary paragraph that mentions
“第（二）项” stays whole. Every paragraph keeps its offsets into the unchanged text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from policykg.graph.citations import DOCUMENT_NUMBER_PATTERN, find_citations
from policykg.graph.clauses import is_agency_name
from policykg.graph.headings import CN_NUMERAL, DATE, DOCUMENT_TYPES, has_stop, heading_number
from policykg.graph.model import Span
from policykg.graph.numerals import normalise_digits

# Characters after which a heading can start in running text.
_BOUNDARY = "。！？!?：:；;）)”」"
# A heading's title run into what follows it is at most this long.
_TITLE_MAX = 60

_MARKERS = re.compile(
    rf"(?P<part>[{CN_NUMERAL}]+、)"
    rf"|(?P<item>[（(][{CN_NUMERAL}]+[）)])"
    r"|(?P<dot>\d{1,3}[.．、](?!\d))"
    r"|(?P<paren>[（(]\d{1,3}[）)])"
)
_NUMBER_DIGITS = re.compile(rf"[{CN_NUMERAL}]+|\d+")
_RELEASE_RUN = re.compile(r"[（(]\s*此件[^（）()]*?\s*[）)]")
_SIGNATURE_END = re.compile(rf"{DATE}\s*(?:[（(]\s*此件[^（）()]*?\s*[）)])?\s*$")
_NOTICE_OF = re.compile(r"关于印发《?(?P<title>[^《》]+?)》?的通知")


@dataclass(frozen=True)
class Line:
    """A paragraph: its place in the text and its text, stripped of white space.

    ``cut`` is true for a paragraph cut out of a longer line at a marker: its heading's
    title, if any, was run into the text that follows it.
    """

    begin: int
    end: int
    text: str
    cut: bool = False

    def span(self) -> Span:
        return Span(self.begin, self.end, self.text)


def make_line(text: str, begin: int, end: int, cut: bool = False) -> Line | None:
    """The paragraph text[begin:end] without surrounding white space, None if empty."""
    while begin < end and text[begin].isspace():
        begin += 1
    while end > begin and text[end - 1].isspace():
        end -= 1
    return Line(begin, end, text[begin:end], cut) if begin < end else None


def file_lines(text: str) -> list[Line]:
    """The non-empty lines of the text, stripped, with their offsets."""
    out: list[Line] = []
    pos = 0
    for raw in text.split("\n"):
        line = make_line(text, pos, pos + len(raw))
        if line is not None:
            out.append(line)
        pos += len(raw) + 1
    return out


def paragraphs(text: str) -> list[Line]:
    """The paragraphs of the text: its lines, with lines that lost their breaks cut."""
    lines = file_lines(text)
    if not lines:
        return []
    out = _cut_header(text, lines[0]) + lines[1:]
    numbering = _Numbering()
    result: list[Line] = []
    for line in out:
        result.extend(numbering.cut(text, line))
    return result[:-1] + _cut_signature(text, result[-1])


# -- the header of a copy that lost its breaks ---------------------------------------------


def _cut_header(text: str, line: Line) -> list[Line]:
    """The first line cut into title, number, addressees, notice and signature, when the
    number stands inside it after a title (the line is a whole header run together)."""
    norm = normalise_digits(line.text)
    m = DOCUMENT_NUMBER_PATTERN.search(norm)
    if m is None or m.start() == 0 or m.end() == len(norm):
        return [line]
    start = _title_end(norm, m.start(), m.start("year"))
    title = line.text[:start]
    if has_stop(title) or not title.strip():
        return [line]
    b = line.begin
    pieces = [(0, start), (start, m.end())]
    rest = m.end()
    colon = _addressees_end(line.text, rest)
    if colon is not None:
        pieces.append((rest, colon + 1))
        rest = colon + 1
    pieces += _cut_notice(line.text, rest, title)
    return [x for x in (make_line(text, b + s, b + e, cut=True) for s, e in pieces) if x]


def _title_end(text: str, match_start: int, year_at: int) -> int:
    """Where a title run into its document number ends. The number's issuer code is
    matched greedily from up to twelve characters before its bracket; the title ends at
    the last document-type word (意见, 方案, 通知 …) before the bracket, if there is one."""
    ends = [
        k
        for k in range(match_start, year_at)
        if any(text[:k].endswith(word) for word, _ in DOCUMENT_TYPES)
    ]
    return ends[-1] if ends else match_start


def _addressees_end(text: str, start: int) -> int | None:
    """Index of the colon closing the addressees that open text[start:], or None."""
    for j in range(start, min(len(text), start + 200)):
        c = text[j]
        if c in "：:":
            return j if j > start else None
        if c in "。！？":
            return None
    return None


def _cut_notice(text: str, rest: int, title: str) -> list[tuple[int, int]]:
    """From ``rest`` on: a notice run into its plan is cut after its sentences, at its
    signature (agency, date, release note) and after the plan's title when the notice
    names it; the remainder is one piece."""
    pieces: list[tuple[int, int]] = []
    heading = _MARKERS.search(text, rest)
    limit = heading.start() if heading else len(text)
    for m in re.finditer(DATE, text[:limit]):
        who = _signer_before(text, m.start())
        if who is None or who <= rest:
            continue
        notice_text = text[rest:who]
        pieces += [(rest, who), (who, m.start()), (m.start(), m.end())]
        rest = m.end()
        note = _RELEASE_RUN.match(text, rest)
        if note:
            pieces.append((rest, note.end()))
            rest = note.end()
        plan = _plan_title(title, notice_text)
        if plan and text.startswith(plan, rest):
            pieces.append((rest, rest + len(plan)))
            rest += len(plan)
        break
    pieces.append((rest, len(text)))
    return pieces


def _plan_title(notice_title: str, notice_text: str) -> str | None:
    """The title of the plan a notice issues: 关于印发…的通知, else the notice's first 《…》."""
    m = _NOTICE_OF.search(notice_title)
    if m:
        return m.group("title")
    cited = find_citations(notice_text, 0)
    return cited[0].title if cited else None


def _signer_before(text: str, date_at: int) -> int | None:
    """Where the agency name signing before a date starts (after the last full stop), or
    None when the words before the date are not an agency's name."""
    start = date_at
    while start > 0 and text[start - 1] not in _BOUNDARY:
        start -= 1
    who = text[start:date_at].strip()
    return start if who and is_agency_name(who) else None


def _cut_signature(text: str, line: Line) -> list[Line]:
    """The last line with a signature run into its end (agency, date, release note) cut
    off; a line that is a signature alone stays whole."""
    m = _SIGNATURE_END.search(line.text)
    if m is None:
        return [line]
    who = _signer_before(line.text, m.start())
    if not who:  # not signed, or the line is the signature alone
        return [line]
    date_end = m.start() + re.match(DATE, line.text[m.start() :]).end()
    bounds = [(0, who), (who, m.start()), (m.start(), date_end), (date_end, len(line.text))]
    b = line.begin
    return [x for x in (make_line(text, b + s, b + e, cut=True) for s, e in bounds) if x]


# -- the body of a copy that lost its breaks -----------------------------------------------


@dataclass
class _Numbering:
    """The numbering seen so far, to tell a marker in running text from a number."""

    part: int = 0
    item: int = 0
    dot: int = 0
    paren: int = 0
    part_since_item: bool = True  # a part began since the last item (items may restart)
    heading_since_number: bool = True  # a part or item began since the last 1. / （1）

    def cut(self, text: str, line: Line) -> list[Line]:
        """The line cut before the markers in its running text (see the module doc)."""
        state = replace(self)
        state.take_leading(line.text)
        cuts = state.running_markers(line.text)
        if len(cuts) < 2 and not (cuts and _after_title(line.text, cuts[0])):
            self.take_leading(line.text)
            return [line]
        self.__dict__.update(state.__dict__)
        bounds = [0, *cuts, len(line.text)]
        pieces = (
            make_line(text, line.begin + s, line.begin + e, cut=True)
            for s, e in zip(bounds, bounds[1:], strict=False)
        )
        return [p for p in pieces if p]

    def take_leading(self, text: str) -> None:
        """Advance past the marker a paragraph starts with, if any."""
        m = _MARKERS.match(text)
        if m:
            self.accept(m, text, 0, force=True)

    def running_markers(self, text: str) -> list[int]:
        """Offsets of the markers after the start that continue the numbering."""
        cuts: list[int] = []
        last = 0
        depth = _bracket_depths(text)
        for m in _MARKERS.finditer(text, 1):
            if depth[m.start()] > 0:
                continue
            if self.accept(m, text, last):
                cuts.append(m.start())
                last = m.start()
        return cuts

    def accept(self, m: re.Match[str], text: str, last: int, force: bool = False) -> bool:
        """Take the marker if it continues the numbering and stands where a heading can."""
        number = heading_number(_NUMBER_DIGITS.search(m.group(0)).group(0))
        if number is None:
            return False
        at = m.start()
        after_stop = at == 0 or text[at - 1] in _BOUNDARY
        after_title = at > 0 and _after_title(text, at, last)
        kind = m.lastgroup
        if kind == "part":
            if not (force or (after_stop and number == self.part + 1)):
                return False
            self.part, self.part_since_item, self.heading_since_number = number, True, True
        elif kind == "item":
            fits = number == self.item + 1 or (number == 1 and self.part_since_item)
            if not (force or ((after_stop or after_title) and fits)):
                return False
            self.item, self.part_since_item, self.heading_since_number = number, False, True
        else:
            previous = self.dot if kind == "dot" else self.paren
            fits = number == previous + 1 or (number == 1 and self.heading_since_number)
            if not (force or ((after_stop or after_title) and fits)):
                return False
            setattr(self, kind, number)
            self.heading_since_number = False
        return True


def _after_title(text: str, at: int, last: int = 0) -> bool:
    """Whether the stretch from the heading at ``last`` to ``at`` is a title with no
    sentence end (三、重点任务（一）…: the item follows the part's title)."""
    m = _MARKERS.match(text, last)
    if m is None:
        return False
    title = text[m.end() : at]
    return 0 < len(title) <= _TITLE_MAX and not has_stop(title)


def _bracket_depths(text: str) -> list[int]:
    """For each index, how deep it lies inside brackets, titles in 《》 and quotations."""
    depths = []
    depth = 0
    for c in text:
        depths.append(depth)
        if c in "（(《“":
            depth += 1
        elif c in "）)》”":
            depth = max(0, depth - 1)
    return depths
