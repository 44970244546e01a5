"""Read a saved web page of a policy document: its text block as paragraphs, and its metadata.

A portal's policy page puts the document's text inside its own layout: navigation, a
breadcrumb, a metadata table (索引号, 发文机关, 成文日期, 发文字号, 发布日期 …), the title,
the text block, related links and a footer. The page is parsed by lxml's HTML parser
(which never loads anything: no DTD, no images, no stylesheets). The text block is the
one readability-lxml chooses — its scoring of paragraphs by their text and link density
finds it without per-site rules — and its text is taken from the page as it stands, by
the rules the real documents' text copies were made with: block elements and ``<br>``
end a line, other tags are dropped, entities are read, white space runs collapse as a
browser shows them (a line break inside a paragraph between two Chinese characters
disappears), hidden elements, scripts and styles are not text (derived.py does the rest).

The page's title (its metadata table's 标题, else its ``<title>``) finds the title line:
a title split over lines by ``<br>`` is joined, and a title printed above the text block
(as a heading outside it) is put first. The metadata table is read from the rest of the
page, by the field names of graph/data/pages/page-fields.ttl.
"""

from __future__ import annotations

import copy
import functools
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from importlib import resources
from typing import NamedTuple

import lxml.etree
import lxml.html
from rdflib import Graph
from rdflib.namespace import SKOS
from readability import Document as Readability
from readability.readability import Unparseable

from policykg.graph.derived import Derived, holds_title, join_title, layout_lines, squeeze
from policykg.graph.errors import SourceFileError
from policykg.graph.source import looks_chinese

# readability-lxml logs a traceback for a page it cannot score; the reader says it better.
logging.getLogger("readability").addHandler(logging.NullHandler())
logging.getLogger("readability").propagate = False

_BLOCK = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "caption",
        "center",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "html",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
_NOT_TEXT = frozenset(
    [
        "applet",
        "audio",
        "button",
        "canvas",
        "datalist",
        "embed",
        "head",
        "iframe",
        "img",
        "input",
        "map",
        "math",
        "meta",
        "noscript",
        "object",
        "option",
        "script",
        "select",
        "style",
        "svg",
        "template",
        "textarea",
        "title",
        "video",
    ]
)
_HIDDEN_STYLE = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)", re.I)
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
_STAMP = "data-policykg-node"
_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([-\w:.]+)", re.I)
# The single-byte and double-byte Chinese encodings browsers decode as their superset.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "big5": "big5hkscs"}
# Separators between a page's own title and the site's name in <title>.
_TITLE_SEPARATORS = re.compile(r"\s*(?:_|\||｜|--| - | – | — |-{2,})\s*")
# A line of the text block's edge that is mostly link text is page furniture.
_LINK_LINE = 0.5
# A title is at least this long (shorter <title> segments are a site's or section's name).
_MIN_TITLE = 8
# A text block without this many Chinese characters and a full stop is no policy text.
_MIN_PROSE = 20
_CJK = re.compile(r"[\u3400-\u9fff]")


def read_webpage(raw: bytes, name: str) -> Derived:
    """The text block, metadata and title of a saved web page."""
    html, encoding = decode_page(raw, name)
    root = parse_page(html, name)
    nodes = _stamp(root)
    block = text_block(root, nodes, name)
    block_lines, furniture = trim_furniture(page_lines(block.elements, block.kept))
    outside = page_lines([_body(root)], skip=block.elements)
    metadata = page_metadata(layout_lines(line.text for line in [*outside, *furniture]))
    declared = _page_title(root)
    titles = [metadata.get("标题"), *_title_segments(declared)]
    lines = with_title(layout_lines(line.text for line in block_lines), titles, root, block)
    _check_prose(lines, name)
    return Derived(
        lines=lines,
        media_type="text/html",
        encoding=encoding,
        metadata=metadata,
        declared_title=declared,
    )


# -- bytes to a tree --------------------------------------------------------------------


def decode_page(raw: bytes, name: str) -> tuple[str, str]:
    """The page's text and its encoding: UTF-8 if it decodes, else the declared charset,
    else GB18030."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = declared_charset(raw)
    for encoding in filter(None, (declared, "gb18030")):
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        if encoding == declared or looks_chinese(text):
            return text, encoding
    raise SourceFileError(
        f"{name}: the web page cannot be decoded; tried UTF-8"
        + (f", its declared charset {declared}" if declared else "")
        + " and GB18030",
        hint="save the page again from the browser (File › Save Page As, web page HTML only)",
    )


def declared_charset(raw: bytes) -> str | None:
    """The charset a page's <meta> declares (Python's codec name, Chinese supersets), or None."""
    # Latin-1 maps every byte to one character, so the ASCII markup reads whatever the encoding.
    head = lxml.html.document_fromstring(
        _without_xml_declaration(raw[:8192].decode("latin-1")) or "<html></html>",
        parser=_parser(),
    )
    for meta in head.iter("meta"):
        value = meta.get("charset") or (
            _CHARSET.search(meta.get("content") or "")
            if (meta.get("http-equiv") or "").lower() == "content-type"
            else None
        )
        if isinstance(value, re.Match):
            value = value.group(1)
        if value:
            label = value.strip().lower()
            return _SUPERSETS.get(label, label)
    return None


@functools.cache
def _parser() -> lxml.html.HTMLParser:
    # no_network is lxml's default; said here because it is a promise of this module
    return lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)


def _without_xml_declaration(text: str) -> str:
    # lxml refuses a str that carries an encoding declaration
    return re.sub(r"^\s*<\?xml[^>]*>", "", text, count=1)


def parse_page(html: str, name: str) -> lxml.html.HtmlElement:
    """The page's element tree (lxml, HTML parser, nothing fetched)."""
    try:
        return lxml.html.document_fromstring(_without_xml_declaration(html), parser=_parser())
    except (lxml.etree.ParserError, ValueError) as e:
        raise SourceFileError(
            f"{name}: the web page has no content ({e})",
            hint="save the page of the document itself, with its text",
        ) from e


def _stamp(root: lxml.html.HtmlElement) -> dict[str, lxml.html.HtmlElement]:
    """Number every element, so that a copy's elements can be found in the page."""
    nodes = {}
    for n, element in enumerate(e for e in root.iter() if isinstance(e.tag, str)):
        element.set(_STAMP, str(n))
        nodes[str(n)] = element
    return nodes


def _body(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    body = root.find("body")
    return body if body is not None else root


# -- the text block ------------------------------------------------------------------------


class Block:
    """The page's elements that make the text block, and which of their parts are kept."""

    def __init__(self, elements: list[lxml.html.HtmlElement], kept: frozenset[str]) -> None:
        self.elements = elements
        self.kept = kept


def text_block(
    root: lxml.html.HtmlElement, nodes: dict[str, lxml.html.HtmlElement], name: str
) -> Block:
    """The text block readability-lxml chooses, as elements of the page itself.

    readability works on a copy and returns cleaned HTML; the stamps on its elements say
    which elements of the page it kept, so the text is read from the page as it stands.
    """
    try:
        summary = Readability(copy.deepcopy(root)).summary(html_partial=True)
    except Unparseable as e:
        raise _no_policy_text(name, f"the page could not be scored: {e}") from e
    chosen = lxml.html.fragment_fromstring(summary, create_parent="div")
    kept = frozenset(s for e in chosen.iter() if (s := e.get(_STAMP)) is not None)
    tops = [nodes[s] for s in _top_stamps(chosen) if s in nodes]
    if not tops:
        raise _no_policy_text(name, "no text block")
    return Block(tops, kept)


def _top_stamps(chosen: lxml.html.HtmlElement) -> Iterator[str]:
    """The stamps of the outermost stamped elements of readability's answer, in order."""
    for child in chosen:
        stamp = child.get(_STAMP)
        if stamp is not None:
            yield stamp
        elif isinstance(child.tag, str):
            yield from _top_stamps(child)


# -- elements to lines -------------------------------------------------------------------


class Line(NamedTuple):
    """A line of a page and the share of its characters that are link text."""

    text: str
    link_share: float


def page_lines(
    elements: Iterable[lxml.html.HtmlElement],
    kept: frozenset[str] | None = None,
    skip: Sequence[lxml.html.HtmlElement] = (),
) -> list[Line]:
    """The text of ``elements`` as a browser lays it out, one block per line.

    Elements not in ``kept`` (when given) and the elements of ``skip`` are left out.
    """
    reader = _LineReader(kept, set(skip))
    for element in elements:
        reader.element(element, in_link=False)
    reader.end_line()
    return reader.lines


class _LineReader:
    def __init__(self, kept: frozenset[str] | None, skip: set[lxml.html.HtmlElement]) -> None:
        self.kept = kept
        self.skip = skip
        self.lines: list[Line] = []
        self.pieces: list[str] = []
        self.link_chars = 0

    def end_line(self) -> None:
        if self.pieces:
            text = collapse_space("".join(self.pieces))
            visible = len(squeeze(text))
            self.lines.append(Line(text, min(1.0, self.link_chars / visible) if visible else 0.0))
        self.pieces = []
        self.link_chars = 0

    def add(self, text: str | None, in_link: bool) -> None:
        if text:
            self.pieces.append(text)
            if in_link:
                self.link_chars += len(squeeze(text))

    def element(self, e: lxml.html.HtmlElement, in_link: bool) -> None:
        tag = e.tag.lower() if isinstance(e.tag, str) else None  # None: a comment, a PI
        if tag is None or self._left_out(e, tag):
            return
        if tag == "br":
            self.end_line()
            return
        in_link = in_link or tag == "a"
        block = tag in _BLOCK
        if block:
            self.end_line()
        self.add(e.text, in_link)
        for child in e:
            if isinstance(child.tag, str):
                self.element(child, in_link)
            self.add(child.tail, in_link)
        if block:
            self.end_line()

    def _left_out(self, e: lxml.html.HtmlElement, tag: str) -> bool:
        if tag in _NOT_TEXT:
            return True
        if e in self.skip or (self.kept is not None and e.get(_STAMP) not in self.kept):
            return True
        return e.get("hidden") is not None or bool(_HIDDEN_STYLE.search(e.get("style") or ""))


def trim_furniture(lines: Sequence[Line]) -> tuple[list[Line], list[Line]]:
    """The text block's lines without the page furniture at its top and bottom, and that furniture.

    A block chosen a level too high brings the lines around the text with it: a line of
    metadata (发布时间：… 来源：…), links (附件：a file to download, 打印 关闭). The text
    itself neither begins nor ends with such a line.
    """
    kept = list(lines)
    furniture: list[Line] = []
    while kept and _is_furniture(kept[0]):
        furniture.append(kept.pop(0))
    while kept and _is_furniture(kept[-1]):
        furniture.append(kept.pop())
    return kept, furniture


def _is_furniture(line: Line) -> bool:
    text = line.text.strip(" \t\u3000\u00a0")
    if not text:
        return True
    if line.link_share >= _LINK_LINE:
        return True
    for _, label in _field_labels():
        m = label.match(text)
        if m and _COLON.match(text, m.end()):
            return True
    return False


def collapse_space(text: str) -> str:
    """HTML white space as shown: a run becomes one space, or nothing at a line break
    between wide characters.

    This is CSS Text's rule for segment breaks: a line break in the source between two
    Chinese characters is not a space. Only ASCII white space collapses; U+00A0 and
    U+3000 are characters of the text.
    """

    def space(m: re.Match[str]) -> str:
        run = m.group()
        if "\n" in run or "\r" in run:
            before = text[m.start() - 1] if m.start() else ""
            after = text[m.end()] if m.end() < len(text) else ""
            if before and after and _wide(before) and _wide(after):
                return ""
        return " "

    return _HTML_SPACE.sub(space, text)


def _wide(c: str) -> bool:
    return unicodedata.east_asian_width(c) in ("W", "F")


# -- title and metadata ------------------------------------------------------------------


def _page_title(root: lxml.html.HtmlElement) -> str | None:
    title = root.find(".//title")
    if title is None:
        return None
    text = collapse_space(title.text_content()).strip()
    return text or None


def _title_segments(declared: str | None) -> list[str]:
    """The parts of a <title> that may be the document's title (long enough to be one)."""
    if not declared:
        return []
    return [s for s in _TITLE_SEPARATORS.split(declared) if len(squeeze(s)) >= _MIN_TITLE]


def with_title(
    lines: list[str], titles: Sequence[str | None], root: lxml.html.HtmlElement, block: Block
) -> list[str]:
    """The lines with the title as one line: joined when split, put first when printed above."""
    if holds_title(lines, titles):
        return lines
    joined = join_title(lines, titles)
    if joined != lines:
        return joined
    heading = title_before(root, block.elements[0], titles)
    return [heading, *lines] if heading else lines


def title_before(
    root: lxml.html.HtmlElement, first: lxml.html.HtmlElement, titles: Sequence[str | None]
) -> str | None:
    """The title printed above the text block (the nearest element before it that is a title)."""
    wanted = {squeeze(t) for t in titles if t}
    if not wanted:
        return None
    ancestors = set(first.iterancestors())  # elements, not ids: lxml reuses freed proxies' ids
    found = None
    for e in _body(root).iter():
        if e is first:
            break
        if not isinstance(e.tag, str) or e in ancestors or e.tag.lower() in _NOT_TEXT:
            continue
        if _in_metadata_row(e):
            continue  # the 标题 of the metadata table is a value, not the printed title
        if len(e.text_content()) > 4 * max(map(len, wanted)):
            continue
        lines = layout_lines(line.text for line in page_lines([e]))
        if lines and squeeze("".join(lines)) in wanted:
            found = "".join(lines)
    return found


def _in_metadata_row(e: lxml.html.HtmlElement) -> bool:
    """Whether ``e`` is in a table row, list item or definition list that names a field."""
    row = next((a for a in e.iterancestors() if a.tag in ("tr", "li", "dl")), None)
    if row is None:
        return False
    text = row.text_content()
    return any(
        (m := label.search(text)) and _COLON.match(text, m.end()) for _, label in _field_labels()
    )


@functools.cache
def _field_labels() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(field, pattern of any of its labels) for the fields of page-fields.ttl."""
    graph = Graph()
    data = resources.files("policykg.graph") / "data" / "pages" / "page-fields.ttl"
    graph.parse(data=data.read_text(encoding="utf-8"), format="turtle")
    fields = []
    for concept, pref in graph.subject_objects(SKOS.prefLabel):
        labels = [str(pref), *map(str, graph.objects(concept, SKOS.altLabel))]
        # longest first, so that 发文机关 is not read as a shorter label that it begins with
        spaced = "|".join(
            r"[\s\u3000]*".join(map(re.escape, label))
            for label in sorted(labels, key=len, reverse=True)
        )
        fields.append((str(pref), re.compile(rf"(?:^|(?<=[\s\u3000【\[]))(?:{spaced})")))
    return tuple(sorted(fields))


_COLON = re.compile(r"[\s\u3000]*[：:]")
# Where a value ends: at the next label-like word (a few characters and a colon).
_NEXT_LABEL = re.compile(r"[\s\u3000【\[]+[\u4e00-\u9fff][\u4e00-\u9fff\s\u3000]{0,8}[：:]")


def page_metadata(lines: Sequence[str]) -> dict[str, str]:
    """The fields of a metadata table found in ``lines`` (the page outside its text block).

    A field is its label followed by a colon and its value, on one line (索引号：…) or with
    the value on the next line (a table's label cell and value cell). The first value of
    each field is kept.
    """
    found: dict[str, str] = {}
    for k, line in enumerate(lines):
        for field_name, label in _field_labels():
            if field_name in found:
                continue
            for m in label.finditer(line):
                value = _value_after(line, m.end(), lines[k + 1] if k + 1 < len(lines) else "")
                if value:
                    found[field_name] = value
                    break
    return found


def _value_after(line: str, end: int, next_line: str) -> str | None:
    colon = _COLON.match(line, end)
    rest = line[colon.end() :] if colon else line[end:]
    if not colon and rest.strip(" \u3000\u00a0"):
        return None  # a word that begins with a label, not a label
    cut = _NEXT_LABEL.search(rest)
    value = (rest[: cut.start()] if cut else rest).strip(" \t\u3000\u00a0")
    if value:
        return value
    if next_line and not any(label.match(next_line) for _, label in _field_labels()):
        return next_line.strip(" \t\u3000\u00a0") or None
    return None


def _check_prose(lines: Sequence[str], name: str) -> None:
    text = "".join(lines)
    if len(_CJK.findall(text)) < _MIN_PROSE or "。" not in text:
        shown = text[:40] + ("…" if len(text) > 40 else "")
        raise _no_policy_text(name, f"its text block holds only “{shown}”" if text else "")


def _no_policy_text(name: str, detail: str) -> SourceFileError:
    return SourceFileError(
        f"{name}: no policy text found in the web page" + (f" ({detail})" if detail else ""),
        hint="save the page that shows the document's full text, not a list, search or index page",
    )
