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
_RELEASE_RUN = re.compile(r"\s*[（(]\s*此件[^（）()]*?\s*[）)]")
_ATTACHMENT_RUN = re.compile(r"附\s*件\s*\d*\s*[：:]")
# A header run together holds its number (or its addressees) this near its start.
_HEADER_REACH = 200
_SIGNATURE_END = re.compile(
    rf"(?P<date>{DATE}(?:印发)?)\s*(?:[（(]\s*此件[^（）()]*?\s*[）)])?\s*$"
)
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
    """The first line cut into title, number, addressees, notice and signature, when it
    holds a whole header run together: a title followed by its number, or by addressees."""
    norm = normalise_digits(line.text)
    m = DOCUMENT_NUMBER_PATTERN.search(norm, 0, _HEADER_REACH)
    if m is not None and m.start() > 0 and m.end() < len(norm):
        start = _title_end(norm, m.start(), m.start("year"))
        pieces, rest = [(0, start), (start, m.end())], m.end()
    else:
        addressed = _addressed_title_end(line.text)
        if addressed is None:
            return [line]
        start = addressed
        pieces, rest = [(0, start)], start
    title = line.text[:start]
    if has_stop(title) or not title.strip():
        return [line]
    colon = _addressees_end(line.text, rest)
    if colon is not None:
        pieces.append((rest, colon + 1))
        rest = colon + 1
    pieces += _cut_notice(line.text, rest, title)
    b = line.begin
    return [x for x in (make_line(text, b + s, b + e, cut=True) for s, e in pieces) if x]


def _title_end(text: str, match_start: int, year_at: int) -> int:
    """Where a title run into its document number ends. The number's issuer code is
    matched greedily from up to twelve characters before its bracket; the title ends at
    the last document-type word (意见, 方案, 通知 …) before the bracket, if there is one."""
    ends = [k for k in range(match_start, year_at) if _ends_with_type(text[:k])]
    return ends[-1] if ends else match_start


def _ends_with_type(text: str) -> bool:
    return any(text.endswith(word) for word, _ in DOCUMENT_TYPES)


def _addressed_title_end(text: str) -> int | None:
    """Where a title with no number ends when addressees follow it directly
    (…的通知各县（市、区）人民政府，市人民政府各部门：), or None: at the last document-type
    word before the addressees' colon."""
    ends = [k for k in range(4, min(len(text), _HEADER_REACH)) if _ends_with_type(text[:k])]
    for k in ends:
        colon = _addressees_end(text, k)
        if colon is None:
            continue
        last = max(e for e in ends if e < colon)
        names = re.split(r"[，,、]", text[last:colon])
        return last if any(is_agency_name(p.strip()) for p in names) else None
    return None


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
    """From ``rest`` on: a notice run into its plan is cut before its list of attachments
    (附件：), at its signature (an agency and a date, or a date alone, then a release note)
    and after the plan's title; the remainder is one piece."""
    pieces: list[tuple[int, int]] = []
    first_part = text.find("一、", rest)
    limit = first_part if first_part >= 0 else len(text)
    for m in re.finditer(DATE, text[:limit]):
        if m.start() < rest:
            continue
        who = _signer_before(text, m.start())
        note = _RELEASE_RUN.match(text, m.end())
        after = note.end() if note else m.end()
        plan = _plan_title(text, after, title, text[rest : m.start()])
        if who is None and note is None and plan is None:
            continue
        notice_end = who if who is not None and who > rest else m.start()
        label = _ATTACHMENT_RUN.search(text, rest, notice_end)
        if label:
            pieces.append((rest, label.start()))
            rest = label.start()
        pieces.append((rest, notice_end))
        if notice_end < m.start():
            pieces.append((notice_end, m.start()))
        pieces.append((m.start(), m.end()))
        rest = m.end()
        if note:
            pieces.append((rest, note.end()))
            rest = note.end()
        if plan:
            pieces.append((rest, plan))
            rest = plan
        break
    pieces.append((rest, len(text)))
    return pieces


def _plan_title(text: str, at: int, notice_title: str, notice_text: str) -> int | None:
    """Where the title of the plan a notice issues ends, when it follows ``at``: the
    title the notice cites in 《》 or names (关于印发…的通知), else the shortest stretch with
    no sentence in it that ends in a document-type word (…行动方案)."""
    start = at
    while start < len(text) and text[start].isspace():
        start += 1
    named = [c.title for c in find_citations(notice_text, 0)]
    m = _NOTICE_OF.search(notice_title)
    if m:
        named.append(m.group("title"))
    for title in named:
        if text.startswith(title, start):
            return start + len(title)
    for k in range(start + 4, min(len(text), start + _TITLE_MAX)):
        if has_stop(text[start:k]):
            return None
        if _ends_with_type(text[start:k]):
            return k
    return None


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
    date_end = m.end("date")
    if m.group("date").endswith("印发"):  # a print line: the office and the date stay one line
        bounds = [(0, who), (who, date_end), (date_end, len(line.text))]
    else:
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
    fresh_dot: bool = True  # a heading began since the last 1. (a list 1. may start)
    fresh_paren: bool = True  # a heading (or a 1.) began since the last （1）

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
        digits = _NUMBER_DIGITS.search(m.group(0))
        number = heading_number(digits.group(0)) if digits else None
        if number is None:
            return False
        at = m.start()
        before = text[:at].rstrip()  # indentation run into the text does not count
        after_stop = not before or before[-1] in _BOUNDARY
        after_title = at > 0 and _after_title(text, at, last)
        kind = m.lastgroup
        if kind == "part":
            if not (force or (after_stop and number == self.part + 1)):
                return False
            self.part, self.part_since_item = number, True
            self.fresh_dot = self.fresh_paren = True
        elif kind == "item":
            fits = number == self.item + 1 or (number == 1 and self.part_since_item)
            if not (force or ((after_stop or after_title) and fits)):
                return False
            self.item, self.part_since_item = number, False
            self.fresh_dot = self.fresh_paren = True
        else:
            previous, fresh = (
                (self.dot, self.fresh_dot) if kind == "dot" else (self.paren, self.fresh_paren)
            )
            fits = number == previous + 1 or (number == 1 and fresh)
            if not (force or ((after_stop or after_title) and fits)):
                return False
            if kind == "dot":  # a list （1） may start under a numbered 1.
                self.dot = number
                self.fresh_dot, self.fresh_paren = False, True
            else:
                self.paren = number
                self.fresh_paren = False
        return True


def _after_title(text: str, at: int, last: int = 0) -> bool:
    """Whether the stretch from the heading at ``last`` to ``at`` is a title with no
    sentence end (三、重点任务（一）…: the item follows the part's title)."""
    m = _MARKERS.match(text, last)
    if m is None:
        return False
    title = text[m.end() : at].strip()
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
