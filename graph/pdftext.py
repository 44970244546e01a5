"""Read a PDF's text layer: paragraphs in reading order, without running heads and page numbers.

pdfminer.six reads the file (it follows no link, action or external file reference) and
groups characters into lines with its layout analysis. From the lines this module
rebuilds what the page shows:

- a line is every character on one baseline, left to right (pieces pdfminer keeps apart
  are one line); a character printed twice over itself for a bold effect counts once;
  a gap between characters wider than the line's spacing is the space it shows (U+3000
  between Chinese characters, so a full-width layout keeps its shape; a space between
  Latin words);
- lines repeated at the top or bottom of most pages (a running header or footer, digits
  aside) and page numbers (``— 3 —``, ``-3-``, ``第3页``, ``3/12``) are removed;
- a paragraph goes on from line to line, across page breaks, until a line starts
  indented (or centred, or right-aligned), the size changes, the previous line stopped
  short of the right margin, or a blank line parts them; lines are joined without a
  space (Chinese) or with one between two Latin words;
- Kangxi radicals (U+2F00…), which some PDF producers map Chinese characters to, are
  read as the characters they stand for.

Then derived.py joins a title set over several lines and applies the layout rules. A PDF
with no text layer (a scan), with fonts that map no characters to Unicode, or that needs
a password is refused with what to do instead.
"""

from __future__ import annotations

import io
import logging
import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LAParams, LTChar, LTComponent, LTContainer, LTTextLine
from pdfminer.pdfdocument import PDFDocument, PDFPasswordIncorrect
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.utils import decode_text

from policykg.graph.derived import Derived, Piece, join_large, join_title, layout_lines
from policykg.graph.errors import SourceFileError

# pdfminer warns about every oddity of a file through logging; the reader says what matters.
logging.getLogger("pdfminer").addHandler(logging.NullHandler())
logging.getLogger("pdfminer").propagate = False

MEDIA_TYPE = "application/pdf"
MAX_PAGES = 2000
# A file whose characters are mostly unmapped glyph numbers, (cid:123), has no usable text.
_MAX_UNMAPPED = 0.1
_MIN_TEXT = 10  # characters a PDF must hold to have a text layer at all
_LAPARAMS = LAParams(line_overlap=0.5, char_margin=2.0, line_margin=0.5, all_texts=True)
_SPACES = " \u00a0\u3000"
_LATIN = re.compile(r"[A-Za-z0-9]")
_SENTENCE_END = "。；;：:！!？?"
_PAGE_NUMBER = re.compile(
    r"^[-—–－_·\s]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*[/／]\s*\d{1,4}|\s*共\s*\d{1,4}\s*页)?[-—–－_·\s]*$"
)
# How many lines at the top and at the bottom of a page may be a running head.
_HEAD_LINES = 2
# Share of pages a line must be repeated on to be a running head (at least two pages).
_HEAD_SHARE = 0.5


@dataclass
class Line:
    """One baseline of a page: its text, where its ink starts and ends, its size."""

    page: int
    text: str
    x0: float  # left edge of the first character that is not a space
    x1: float  # right edge of the last character that is not a space
    top: float  # page coordinates, origin at the bottom
    size: float


def read_pdf(raw: bytes, name: str) -> Derived:
    """The paragraphs of a PDF's text layer as lines, and its declared title."""
    pages, declared, unmapped = read_lines(raw, name)
    characters = sum(len(line.text.strip(_SPACES)) for page in pages for line in page)
    if characters < _MIN_TEXT:
        raise SourceFileError(
            f"{name}: the PDF has no text layer (a scanned document?)",
            hint="run OCR on it first (e.g. `ocrmypdf`), or give the document's web page or "
            "Word file",
        )
    if unmapped > _MAX_UNMAPPED * characters:
        raise SourceFileError(
            f"{name}: the PDF's fonts do not say which characters they draw "
            f"({unmapped:,} of {characters:,} characters unknown)",
            hint="give the document's web page or Word file, or run OCR on the PDF",
        )
    body = without_running_heads(pages)
    lines = join_title(layout_lines(join_large(paragraphs(body))), [declared])
    return Derived(lines=lines, media_type=MEDIA_TYPE, declared_title=declared)


# -- reading the file --------------------------------------------------------------------


def read_lines(raw: bytes, name: str) -> tuple[list[list[Line]], str | None, int]:
    """The lines of every page, the title in the document's Info, the unmapped characters."""
    try:
        document = PDFDocument(PDFParser(io.BytesIO(raw)), password="")
        declared = _info_title(document)
        manager = PDFResourceManager(caching=True)
        device = PDFPageAggregator(manager, laparams=_LAPARAMS)
        interpreter = PDFPageInterpreter(manager, device)
        pages, unmapped = [], 0
        for n, page in enumerate(PDFPage.create_pages(document)):
            if n >= MAX_PAGES:
                raise SourceFileError(
                    f"{name}: the PDF has more than {MAX_PAGES:,} pages",
                    hint="give the document alone, not a volume that holds it",
                )
            interpreter.process_page(page)
            lines = page_lines(n, device.get_result())
            unmapped += sum(line.text.count("(cid:") for line in lines)
            pages.append(lines)
    except (SourceFileError, MemoryError):  # a bomb is refused by graph/confine.py
        raise
    except PDFPasswordIncorrect as e:
        raise SourceFileError(
            f"{name}: the PDF is encrypted and needs a password to be opened",
            hint="open it with its password and save a copy without one, or give the "
            "document's web page or Word file",
        ) from e
    except Exception as e:  # pdfminer raises many kinds of error on a damaged file
        raise SourceFileError(
            f"{name}: the PDF is damaged or not supported and cannot be read "
            f"({type(e).__name__}: {e})",
            hint="download it again, or give the document's web page or Word file",
        ) from e
    return pages, declared, unmapped


def _info_title(document: PDFDocument) -> str | None:
    for info in document.info:
        title = info.get("Title")
        if isinstance(title, bytes):
            title = decode_text(title)
        if isinstance(title, str) and title.strip():
            return title.strip()
    return None


def page_lines(page: int, layout: LTContainer[LTComponent]) -> list[Line]:
    """The lines of a page, top to bottom; pdfminer's lines on one baseline are one line."""
    found: list[list[LTChar]] = []
    for text_line in sorted(_text_lines(layout), key=lambda t: -t.y1):
        chars = [c for c in text_line if isinstance(c, LTChar)]
        if not chars:
            continue
        same = next((f for f in found if _same_baseline(f[0], chars[0])), None)
        if same is None:
            found.append(chars)
        else:
            same.extend(chars)
    lines = [_line(page, sorted(_once(chars), key=lambda c: c.x0)) for chars in found]
    return sorted((line for line in lines if line.text.strip(_SPACES)), key=lambda ln: -ln.top)


def _text_lines(item: LTComponent) -> Iterator[LTTextLine]:
    if isinstance(item, LTTextLine):
        yield item
    elif isinstance(item, LTContainer):
        for child in item:
            yield from _text_lines(child)


def _same_baseline(a: LTChar, b: LTChar) -> bool:
    overlap = min(a.y1, b.y1) - max(a.y0, b.y0)
    return overlap > 0.5 * min(a.height, b.height)


def _once(chars: Iterable[LTChar]) -> list[LTChar]:
    """The characters without those printed again over themselves (a bold effect)."""
    kept: list[LTChar] = []
    for c in sorted(chars, key=lambda c: c.x0):
        if any(
            k.get_text() == c.get_text()
            and abs(k.x0 - c.x0) < 0.3 * c.size
            and abs(k.y0 - c.y0) < 0.3 * c.size
            for k in kept[-3:]
        ):
            continue
        kept.append(c)
    return kept


def _line(page: int, chars: Sequence[LTChar]) -> Line:
    ink = [c for c in chars if c.get_text() not in _SPACES]
    sizes = Counter(round(c.size, 1) for c in ink or chars)
    return Line(
        page=page,
        text=_line_text(chars),
        x0=(ink or chars)[0].x0,
        x1=(ink or chars)[-1].x1,
        top=max(c.y1 for c in chars),
        size=sizes.most_common(1)[0][0],
    )


def _line_text(chars: Sequence[LTChar]) -> str:
    """The characters of a line, with the spaces its gaps show."""
    gaps = [b.x0 - a.x1 for a, b in zip(chars, chars[1:], strict=False)]
    usual = statistics.median(gaps) if gaps else 0.0
    out: list[str] = []
    for k, c in enumerate(chars):
        if k:
            out.append(_gap(chars[k - 1], c, gaps[k - 1] - usual))
        out.append(_character(c.get_text()))
    return "".join(out)


def _gap(a: LTChar, b: LTChar, extra: float) -> str:
    em = max(a.size, b.size)
    left, right = a.get_text()[-1:], b.get_text()[:1]
    if left in _SPACES or right in _SPACES:
        return ""  # the file draws its spaces itself
    if _LATIN.match(left) and _LATIN.match(right):
        return " " if extra > 0.2 * em else ""
    if extra > 0.8 * em:
        return "\u3000" * max(1, round(extra / em))
    return ""


def _character(text: str) -> str:
    # Kangxi radicals (⼀ U+2F00 …) and compatibility ideographs stand for unified characters
    return "".join(
        unicodedata.normalize("NFKC", c)
        if "\u2f00" <= c <= "\u2fdf" or "\uf900" <= c <= "\ufaff"
        else c
        for c in text
    )


# -- running heads -----------------------------------------------------------------------


def without_running_heads(pages: Sequence[Sequence[Line]]) -> list[list[Line]]:
    """The pages without page numbers and the lines repeated at the top or bottom of most pages."""
    repeated = _repeated_heads(pages)
    kept = []
    for page in pages:
        edge = {id(line) for line in [*page[:_HEAD_LINES], *page[-_HEAD_LINES:]]}
        kept.append(
            [
                line
                for line in page
                if id(line) not in edge
                or not (_PAGE_NUMBER.match(line.text) or _head_key(line) in repeated)
            ]
        )
    return kept


def _head_key(line: Line) -> tuple[str, int]:
    """A line as a running head is recognised: digits aside, at about the same height."""
    return re.sub(r"\d+", "#", re.sub(r"\s", "", line.text)), round(line.top / 4)


def _repeated_heads(pages: Sequence[Sequence[Line]]) -> set[tuple[str, int]]:
    if len(pages) < 2:
        return set()
    seen: Counter[tuple[str, int]] = Counter()
    for page in pages:
        seen.update({_head_key(line) for line in [*page[:_HEAD_LINES], *page[-_HEAD_LINES:]]})
    needed = max(2, _HEAD_SHARE * len(pages))
    return {key for key, count in seen.items() if count >= needed}


# -- paragraphs --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Measure:
    """The body's left and right margins, its size and its line spacing."""

    left: float
    right: float
    em: float
    pitch: float


def paragraphs(pages: Sequence[Sequence[Line]]) -> list[Piece]:
    """The lines of the pages joined into paragraphs, in reading order."""
    lines = [line for page in pages for line in page]
    if not lines:
        return []
    measure = _measure(pages, lines)
    pieces: list[Piece] = []
    previous: Line | None = None
    for line in lines:
        if previous is None or _starts_paragraph(previous, line, measure):
            pieces.append(Piece(line.text, line.size))
        else:
            pieces[-1] = Piece(_join(pieces[-1].text, line.text), pieces[-1].size)
        previous = line
    return pieces


def _measure(pages: Sequence[Sequence[Line]], lines: Sequence[Line]) -> _Measure:
    weight: Counter[float] = Counter()
    for line in lines:
        weight[line.size] += len(line.text)
    em = weight.most_common(1)[0][0]
    body = [line for line in lines if abs(line.size - em) < 0.5]
    pitches = [
        a.top - b.top
        for page in pages
        for a, b in zip(page, page[1:], strict=False)
        if abs(a.size - em) < 0.5 and abs(b.size - em) < 0.5
    ]
    return _Measure(
        left=_shared_edge([line.x0 for line in body], min),
        right=_shared_edge([line.x1 for line in body], max),
        em=em,
        pitch=statistics.median(pitches) if pitches else 1.5 * em,
    )


def _shared_edge(edges: Sequence[float], pick: Callable[[Iterable[float]], float]) -> float:
    """The outermost edge (min or max) that at least two lines share, to a point."""
    counts = Counter(round(e) for e in edges)
    shared = [e for e, n in counts.items() if n >= 2]
    return float(pick(shared or counts))


def _starts_paragraph(previous: Line, line: Line, m: _Measure) -> bool:
    if abs(line.size - previous.size) >= 0.5:
        return True
    if line.x0 > m.left + 0.5 * m.em:  # indented, centred or right-aligned
        return True
    short = m.right - previous.x1
    if short > 2 * m.em or (short > 0.8 * m.em and previous.text.rstrip()[-1:] in _SENTENCE_END):
        return True
    return line.page == previous.page and previous.top - line.top > 1.6 * m.pitch


def _join(before: str, after: str) -> str:
    before = before.rstrip(" ")
    after = after.lstrip(" ")
    if _LATIN.match(before[-1:]) and _LATIN.match(after[:1]):
        return f"{before} {after}"
    return before + after
