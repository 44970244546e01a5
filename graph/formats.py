"""Which format a file is in, judged by its content, and the reader that makes it text.

Governments publish a policy document as a web page, a PDF or a Word file. A file's
format is known from its first bytes, never from its name: ``%PDF-`` opens a PDF, a ZIP
archive holding ``word/document.xml`` is a Word (.docx) file, markup opens a web page (the
rule browsers follow, WHATWG MIME Sniffing §7.1), and the OLE2 signature marks the old
binary Word (.doc) and WPS (.wps) files, which are refused with what to do instead (no
well-kept pure-Python reader of them exists). Anything else is handed to the text reader
(graph/source.py), which knows text encodings and says when a file is binary.

The readers live in their own modules (webpage.py, pdftext.py, docxtext.py) and are
imported only when a file of their format comes, so reading text needs none of their
libraries. A folder is read as the documents in it, in name order; files that are clearly
not documents (the images, stylesheets and scripts a browser saves with a page) are
skipped with a note.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from policykg.graph.confine import run_confined
from policykg.graph.derived import Derived
from policykg.graph.errors import SourceFileError
from policykg.graph.model import SourceText

TEXT = "text/plain"
HTML = "text/html"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
OLE2 = "application/x-ole-storage"
ODT = "application/vnd.oasis.opendocument.text"
RTF = "application/rtf"
ZIP = "application/zip"
READABLE = (TEXT, HTML, PDF, DOCX)

Note = Callable[[str], None]

_HEAD = 64 * 1024  # what is read of a file in a folder to tell what it is
_PDF_MAGIC_WITHIN = 1024  # readers accept %PDF- anywhere in the first kilobyte
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_DOCX_MAIN = b"wordprocessingml.document.main+xml"
# Signatures of the files a browser saves beside a page: (magic, offset, media type).
_NOT_DOCUMENTS = (
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"WEBP", 8, "image/webp"),
    (b"BM", 0, "image/bmp"),
    (b"II*\x00", 0, "image/tiff"),
    (b"MM\x00*", 0, "image/tiff"),
    (b"\x00\x00\x01\x00", 0, "image/x-icon"),
    (b"wOFF", 0, "font/woff"),
    (b"wOF2", 0, "font/woff2"),
    (b"OTTO", 0, "font/otf"),
    (b"\x00\x01\x00\x00\x00", 0, "font/ttf"),
)
# WHATWG MIME Sniffing, "identifying a resource with an unknown MIME type": the byte
# patterns that make a resource HTML, each followed by a space or ">".
_HTML_START = re.compile(
    rb"[\t\n\x0c\r ]*<(?:!DOCTYPE HTML|HTML|HEAD|SCRIPT|IFRAME|H1|DIV|FONT|TABLE|A|STYLE|"
    rb"TITLE|B|BODY|BR|P|!--)[ >]",
    re.IGNORECASE,
)
_XHTML = re.compile(rb"[\t\n\x0c\r ]*<\?xml[^>]*>.{0,512}?<html[\s>]", re.IGNORECASE | re.DOTALL)
_BOMS = (b"\xef\xbb\xbf",)
# A text file in a folder is taken for a document when this share of its visible
# characters are Chinese (a stylesheet or script, even with Chinese comments, is not).
_CHINESE_SHARE = 0.3
_CHINESE = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def sniff(raw: bytes) -> str:
    """The media type of a file's bytes, by their content (TEXT when nothing else fits)."""
    head = raw[:_HEAD]
    if head.startswith(_ZIP_MAGIC):
        return _zip_kind(lambda: zipfile.ZipFile(io.BytesIO(raw)))
    return _head_kind(head)


def sniff_file(path: Path) -> str:
    """The media type of the file at ``path``, reading only its head (and a ZIP's index)."""
    with path.open("rb") as f:
        head = f.read(_HEAD)
    if head.startswith(_ZIP_MAGIC):
        return _zip_kind(lambda: zipfile.ZipFile(path))
    return _head_kind(head)


def _head_kind(head: bytes) -> str:
    if b"%PDF-" in head[:_PDF_MAGIC_WITHIN]:
        return PDF
    if head.startswith(_OLE2_MAGIC):
        return OLE2
    if head.startswith(b"{\\rtf"):
        return RTF
    for magic, offset, kind in _NOT_DOCUMENTS:
        if head[offset : offset + len(magic)] == magic:
            return kind
    start = head[len(_BOMS[0]) :] if head.startswith(_BOMS) else head
    if _HTML_START.match(start) or _XHTML.match(start):
        return HTML
    return TEXT


def _zip_kind(open_zip: Callable[[], zipfile.ZipFile]) -> str:
    """DOCX when the archive's content types name a Word main document, else what it is."""
    try:
        with open_zip() as zf:
            names = set(zf.namelist())
            if (
                "mimetype" in names
                and zf.getinfo("mimetype").file_size < 200
                and zf.read("mimetype").strip() == ODT.encode()
            ):
                return ODT
            if "[Content_Types].xml" in names:
                info = zf.getinfo("[Content_Types].xml")
                if info.file_size < _HEAD and _DOCX_MAIN in zf.read(info):
                    return DOCX
            if "word/document.xml" in names:
                return DOCX
    except (zipfile.BadZipFile, OSError, KeyError, EOFError, RuntimeError):
        # a damaged archive that still looks like Word is read (and refused) as one
        return DOCX
    return ZIP


def read_published(raw: bytes, name: str) -> SourceText | None:
    """The SourceText of a web page, PDF or Word file; None for text (the caller reads it).

    Formats policykg does not read raise SourceFileError saying what to give instead.
    The reader runs in a child process with capped memory and CPU time (graph/confine.py).
    """
    kind = sniff(raw)
    if kind == TEXT:
        return None
    reader = _READERS.get(kind)
    if reader is None:
        raise _refusal(kind, name)
    derived = run_confined(name, reader, raw, name)
    return SourceText(
        text=derived.text,
        file_name=name,
        sha256=hashlib.sha256(raw).hexdigest(),
        encoding=derived.encoding,
        media_type=derived.media_type,
        metadata=dict(derived.metadata),
        declared_title=derived.declared_title,
    )


def _read_webpage(raw: bytes, name: str) -> Derived:
    from policykg.graph.webpage import read_webpage

    return read_webpage(raw, name)


def _read_pdf(raw: bytes, name: str) -> Derived:
    from policykg.graph.pdftext import read_pdf

    return read_pdf(raw, name)


def _read_docx(raw: bytes, name: str) -> Derived:
    from policykg.graph.docxtext import read_docx

    return read_docx(raw, name)


_READERS: dict[str, Callable[[bytes, str], Derived]] = {
    HTML: _read_webpage,
    PDF: _read_pdf,
    DOCX: _read_docx,
}

_SAVE_AS = "open it in Word or WPS and save it as .docx (or print it to PDF), then give that file"


def _refusal(kind: str, name: str) -> SourceFileError:
    if kind == OLE2:
        return SourceFileError(
            f"{name}: a Word 97–2003 (.doc) or WPS (.wps) file, which policykg does not read",
            hint=_SAVE_AS,
        )
    if kind in (ODT, RTF):
        what = "an OpenDocument text (.odt)" if kind == ODT else "a Rich Text (.rtf) file"
        return SourceFileError(f"{name}: {what}, which policykg does not read", hint=_SAVE_AS)
    if kind == ZIP:
        return SourceFileError(
            f"{name}: a ZIP archive, not a Word (.docx) file (it has no word/document.xml)",
            hint="unpack it and give the documents inside",
        )
    return SourceFileError(
        f"{name}: binary content ({kind}), not a document",
        hint="give the document as a web page, PDF, Word (.docx) or text file"
        + ("; a scanned page needs OCR first" if kind.startswith("image/") else ""),
    )


def document_kind(path: Path) -> str | None:
    """The media type of a file in a folder when it is a document policykg reads, else None.

    Images, fonts and other formats are not documents; nor is a text file without Chinese
    prose (the stylesheets and scripts saved with a page). Files of the formats policykg
    refuses (.doc, .wps, .odt, .rtf) are documents: reading them says what to do.
    """
    kind = sniff_file(path)
    if kind == TEXT:
        with path.open("rb") as f:
            head = f.read(_HEAD)
        return TEXT if _has_chinese_prose(head) else None
    if kind in READABLE or kind in (OLE2, ODT, RTF):
        return kind
    return None


def _has_chinese_prose(head: bytes) -> bool:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            # the head may end inside a character
            text = head.decode(encoding, errors="strict" if len(head) < _HEAD else "ignore")
        except UnicodeDecodeError:
            continue
        visible = [c for c in text if not c.isspace()]
        if visible and len(_CHINESE.findall(text)) >= _CHINESE_SHARE * len(visible):
            return True
    return False


def document_files(folder: Path, note: Note) -> list[Path]:
    """The documents in ``folder`` in name order; what is skipped is said through ``note``."""
    found = []
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if path.is_dir():
            note(f"{path}: skipped, a folder inside a folder is not read")
        elif not path.is_file():
            note(f"{path}: skipped, not a regular file")
        elif path.name.startswith("."):
            note(f"{path}: skipped, a hidden file")
        elif document_kind(path) is None:
            note(f"{path}: skipped, not a document ({sniff_file(path)})")
        else:
            found.append(path)
    return found


def expand_folders(paths: Sequence[Path], note: Note) -> list[Path]:
    """``paths`` with each folder replaced by the documents in it (see document_files)."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            inside = document_files(path, note)
            if not inside:
                note(f"{path}: no documents in this folder")
            files.extend(inside)
        else:
            files.append(path)
    return files


@dataclass
class Sources:
    """The files read, and the ones that could not be, with why."""

    texts: list[SourceText] = field(default_factory=list)
    failures: list[SourceFileError] = field(default_factory=list)


def read_sources(paths: Sequence[Path], note: Note) -> Sources:
    """Read every file of ``paths`` (folders expanded); a file that fails does not stop the rest.

    Each failure is said through ``note`` as it happens and kept in the result.
    """
    from policykg.graph.source import read_source  # source.py imports this module

    result = Sources()
    for path in expand_folders(paths, note):
        try:
            result.texts.append(read_source(path))
        except SourceFileError as err:
            note(f"skipped: {err}")
            result.failures.append(err)
    return result
