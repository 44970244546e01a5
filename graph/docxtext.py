"""Read a Word (.docx) file: its paragraphs and tables in document order, one paragraph a line.

python-docx reads the package (its XML parser resolves no entities and loads nothing from
the network; linked images, templates and hyperlinks stay addresses). The body's
paragraphs and tables come in the order they stand; a table is read row by row, each
cell once (a merged cell is not repeated) and each paragraph of a cell on its own line, as
a web page's table cells are. Headers, footers and page numbers are not body text.

A line break inside a paragraph (Shift+Enter) ends a line, except in the title: lines set
in a size larger than the body's, one after another, are one title (a title typed over
two lines or two paragraphs), and so are the lines that make the title the file's
properties give (derived.py).

Before python-docx opens it, every part of the archive is decompressed once with a limit
on the bytes actually produced, so that a small file cannot expand into gigabytes.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator

import docx
import lxml.etree
from docx.document import Document as WordDocument
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph

from policykg.graph.derived import Derived, Piece, join_large, join_title, layout_lines
from policykg.graph.errors import SourceFileError

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# What a Word file may expand to, all its parts together, and how many parts it may have.
MAX_EXPANDED_BYTES = 256 * 1024 * 1024
MAX_PARTS = 10_000
_CHUNK = 1024 * 1024
_DEFAULT_SIZE = 10.5  # Word's built-in default (五号) when the file says none


def read_docx(raw: bytes, name: str) -> Derived:
    """The paragraphs and tables of a Word file as lines, and its declared title."""
    check_expansion(raw, name)
    try:
        document = docx.Document(io.BytesIO(raw))
        default = _default_size(document)
        pieces = list(_body_pieces(document, default))
        declared = document.core_properties.title or None
    except (  # what python-docx raises on a package that is not what it should be
        PackageNotFoundError,
        AttributeError,
        IndexError,
        KeyError,
        TypeError,
        ValueError,
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        lxml.etree.LxmlError,
    ) as e:
        raise _damaged(name, e) from e
    lines = join_title(layout_lines(join_large(pieces)), [declared])
    if not lines:
        raise SourceFileError(
            f"{name}: the Word file holds no text in its body",
            hint="give the file with the document's text (a scanned page needs OCR first)",
        )
    return Derived(lines=lines, media_type=MEDIA_TYPE, declared_title=declared)


def check_expansion(raw: bytes, name: str) -> None:
    """Decompress every part once, counting; refuse a file past the limits or damaged."""
    total = 0
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_PARTS:
                raise _too_large(name, f"{len(infos):,} parts (at most {MAX_PARTS:,})")
            for info in infos:
                with zf.open(info) as part:
                    while chunk := part.read(_CHUNK):
                        total += len(chunk)
                        if total > MAX_EXPANDED_BYTES:
                            raise _too_large(
                                name, f"it expands past {MAX_EXPANDED_BYTES // 2**20} MiB"
                            )
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as e:
        # RuntimeError: an encrypted part; NotImplementedError: an unknown compression
        raise _damaged(name, e) from e


def _too_large(name: str, detail: str) -> SourceFileError:
    return SourceFileError(
        f"{name}: the Word file is too large to read ({detail})",
        hint="save the document's text alone as .docx or PDF",
    )


def _damaged(name: str, e: BaseException) -> SourceFileError:
    return SourceFileError(
        f"{name}: the Word (.docx) file is damaged and cannot be read ({type(e).__name__}: {e})",
        hint="open it in Word or WPS and save it again, or give the PDF or the web page",
    )


def _body_pieces(document: WordDocument, default: float) -> Iterator[Piece]:
    for block in document.iter_inner_content():
        yield from _block_pieces(block, default)


def _block_pieces(block: Paragraph | Table, default: float) -> Iterator[Piece]:
    if isinstance(block, Paragraph):
        size = paragraph_size(block, default)
        for line in block.text.split("\n"):
            yield Piece(line, size)
        return
    seen: set[object] = set()  # the cells' elements (kept, so that each proxy stays the same)
    for row in block.rows:
        for cell in row.cells:
            if cell._tc in seen:  # a merged cell is listed once for each grid column
                continue
            seen.add(cell._tc)
            for inner in cell.iter_inner_content():
                yield from _block_pieces(inner, default)


def paragraph_size(paragraph: Paragraph, default: float) -> float:
    """The font size (pt) a paragraph is set in: its runs', else its style's, else the default."""
    sizes = [
        float(run.font.size.pt) for run in paragraph.runs if run.font.size is not None and run.text
    ]
    if sizes:
        return max(sizes)
    style = paragraph.style
    while style is not None:
        if style.font.size is not None:
            return float(style.font.size.pt)
        style = style.base_style
    return default


def _default_size(document: WordDocument) -> float:
    sizes = document.styles.element.xpath("w:docDefaults/w:rPrDefault/w:rPr/w:sz/@w:val")
    return int(sizes[0]) / 2 if sizes else _DEFAULT_SIZE
