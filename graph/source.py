"""Read a policy document's text file: detect its encoding, normalise line ends, checksum it.

Offsets everywhere in policykg are code points into the *normalised* text this module
returns: a byte-order mark is dropped (it does not count), and ``\\r\\n`` and ``\\r`` are
turned into ``\\n`` before anything else looks at the text. A file that already uses
``\\n`` and has no BOM (such as the bundled corpus) therefore has the same offsets as the
file itself. The checksum is the SHA-256 of the raw bytes as read.

Encodings tried, in order: UTF-8 (with or without BOM), then GB18030 (a superset of GBK
and GB2312) when the bytes decode cleanly and the result looks like Chinese text.

A file larger than the input limit (:data:`MAX_SOURCE_BYTES`, 8 MiB; real text documents
are under 100 KB, their PDF and Word files a few MB) is refused: at most one byte past the
limit is ever read, so a huge file, a device or a pipe cannot make policykg read, and then
hold in memory, more than that.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path

from policykg.graph.errors import SourceFileError
from policykg.graph.formats import read_published
from policykg.graph.model import SourceText

MAX_SOURCE_BYTES = 8 * 1024 * 1024
_max_source_bytes: ContextVar[int] = ContextVar("max_source_bytes", default=MAX_SOURCE_BYTES)
_BOM = b"\xef\xbb\xbf"
# Control characters other than tab, line feed, form feed and carriage return do not
# occur in text files; more than a few of them means the file is binary.
_TEXT_CONTROLS = {"\t", "\n", "\f", "\r", "\v"}
_BINARY_CONTROL_SHARE = 0.05
# Share of the non-ASCII characters of a GB18030 decoding that must be common Chinese
# characters or punctuation before the decoding is believed.
_CHINESE_SHARE = 0.9


def normalise_newlines(text: str) -> str:
    """The text with ``\\r\\n`` and lone ``\\r`` replaced by ``\\n``."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


@contextlib.contextmanager
def source_size_limit(max_bytes: int) -> Iterator[None]:
    """Within the block, text inputs may be up to ``max_bytes`` long (the command's option)."""
    token = _max_source_bytes.set(max_bytes)
    try:
        yield
    finally:
        _max_source_bytes.reset(token)


def current_source_limit() -> int:
    """The largest text input accepted here and now (see source_size_limit)."""
    return _max_source_bytes.get()


def read_source(path: str | Path) -> SourceText:
    """Read a file as a :class:`SourceText`; raise SourceFileError if it cannot be used.

    Web pages, PDF and Word files are recognised by their content and read by their
    readers (graph/formats.py); every other file is read as text.
    """
    p = Path(path)
    if not p.exists():
        raise SourceFileError(
            f"{p}: no such file", hint="check the path; give a UTF-8 or GB18030 text file"
        )
    if p.is_dir():
        raise SourceFileError(
            f"{p}: is a directory, not a text file", hint="give the path of a .txt file inside it"
        )
    limit = _max_source_bytes.get()
    try:
        with p.open("rb") as handle:
            raw = handle.read(limit + 1)
    except OSError as e:
        raise SourceFileError(
            f"{p}: cannot be read ({e.strerror or e})", hint="check the file's permissions"
        ) from e
    if len(raw) > limit:
        raise SourceFileError(
            f"{p}: larger than {limit:,} bytes, the limit for one input file",
            hint="policy documents are far smaller (text under 100 KB, PDF and Word files a "
            "few MB); if this one is real, raise the limit with "
            "`policykg build --max-input-bytes N`",
        )
    published = read_published(raw, p.name)  # a web page, PDF or Word file, by content
    if published is not None:
        return published
    text, encoding = decode_bytes(raw, p.name)
    return SourceText(
        text=text, file_name=p.name, sha256=hashlib.sha256(raw).hexdigest(), encoding=encoding
    )


def read_source_text(text: str, file_name: str) -> SourceText:
    """A :class:`SourceText` for text already in memory (the bundled corpus, tests).

    The checksum is that of the text's UTF-8 encoding as given, which for a UTF-8 file
    without BOM read as text is the checksum of the file.
    """
    raw = text.encode("utf-8")
    encoding = "utf-8"
    if text.startswith("\ufeff"):
        text = text[1:]
        encoding = "utf-8-sig"
    text = normalise_newlines(text)
    _check_text(text, file_name)
    return SourceText(
        text=text, file_name=file_name, sha256=hashlib.sha256(raw).hexdigest(), encoding=encoding
    )


def decode_bytes(raw: bytes, name: str) -> tuple[str, str]:
    """The normalised text of ``raw`` and the encoding it was read in."""
    if not raw:
        raise SourceFileError(
            f"{name}: the file is empty",
            hint="give a file that holds the text of a policy document",
        )
    if b"\x00" in raw:
        raise SourceFileError(
            f"{name}: binary content (NUL bytes), not a text file",
            hint="save the document as plain text in UTF-8 (UTF-16 is not read)",
        )
    text, encoding = _decode(raw, name)
    text = normalise_newlines(text)
    _check_text(text, name)
    return text, encoding


def _decode(raw: bytes, name: str) -> tuple[str, str]:
    if raw.startswith(_BOM):
        try:
            return raw[len(_BOM) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as e:
            raise _undecodable(name, e) from e
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            raise _undecodable(name, utf8_error) from utf8_error
        if not looks_chinese(text):
            raise _undecodable(name, utf8_error) from utf8_error
        return text, "gb18030"


def _undecodable(name: str, e: UnicodeDecodeError) -> SourceFileError:
    return SourceFileError(
        f"{name}: cannot be decoded; tried UTF-8 (invalid byte at offset {e.start}) "
        "and GB18030 (invalid or not Chinese text)",
        hint="convert the file to UTF-8, e.g. `iconv -f <encoding> -t UTF-8 file > file.utf8.txt`",
    )


def looks_chinese(text: str) -> bool:
    """Whether the non-ASCII characters of ``text`` are mostly common Chinese characters.

    Common here means encodable in GB2312 (the 6,763 common characters and the CJK
    punctuation). Latin-1 bytes such as ``è`` + ``s`` decode as GB18030 too, but into
    rare characters outside GB2312 (their second byte is ASCII), so they do not pass.
    """
    non_ascii = [c for c in text if ord(c) > 0x7F]
    if not non_ascii:
        return False
    common = sum(1 for c in non_ascii if _in_gb2312(c))
    return common / len(non_ascii) >= _CHINESE_SHARE


def _in_gb2312(c: str) -> bool:
    try:
        c.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _check_text(text: str, name: str) -> None:
    if not text.strip():
        raise SourceFileError(
            f"{name}: the file is empty (white space only)",
            hint="give a file that holds the text of a policy document",
        )
    controls = sum(1 for c in text if ord(c) < 0x20 and c not in _TEXT_CONTROLS)
    if controls > max(2, _BINARY_CONTROL_SHARE * len(text)):
        raise SourceFileError(
            f"{name}: binary content ({controls} control characters), not a text file",
            hint="give the plain-text (.txt) version of the document",
        )
