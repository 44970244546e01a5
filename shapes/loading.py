"""Read RDF files of any format rdflib parses into one rdflib Dataset, refusing unsafe input.

The format follows the file's extension; a file with an unknown extension is sniffed
(XML, JSON, Turtle/TriG directives). Triples of triple-only formats go to the default
graph; quads keep their named graphs. Unsafe constructs are refused:

- RDF/XML or TriX with a DOCTYPE or ENTITY declaration (entity expansion costs
  quadratic time in rdflib's SAX handler), by the XML parser itself, on what it decoded
  (shapes/defused.py), so no encoding (UTF-16, UTF-32) hides the declaration;
- JSON-LD whose ``@context`` (or ``@import``) is a reference to a document, which rdflib
  would fetch from the network or the filesystem, before parsing, on the parsed JSON;
- documents nested too deeply for the parsers (a clear error, not a crash).

A file that does not parse raises :class:`RDFSyntaxError` with its line and column.

The bundled ontology is read here too, once per process (:func:`bundled_ontology`), for
both the SHACL context and the OWL check.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from xml.sax import SAXParseException

from rdflib import Dataset, Graph
from rdflib.exceptions import ParserError
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.plugins.parsers.nquads import NQuadsParser
from rdflib.plugins.parsers.ntriples import NTGraphSink, W3CNTriplesParser

from policykg.graph.errors import DeclarationRefused, InputError, RDFSyntaxError

from . import defused

defused.register()  # every RDF/XML and TriX parse in the process goes through defusedxml

FORMAT_BY_SUFFIX: dict[str, str] = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".n3": "n3",
    ".nt": "nt",
    ".ntriples": "nt",
    ".nq": "nquads",
    ".nquads": "nquads",
    ".trig": "trig",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
    ".trix": "trix",
}
XML_FORMATS = {"xml", "trix"}
LINE_FORMATS = {"nt", "nquads"}
_TURTLE_DIRECTIVE = re.compile(r"^\s*(@prefix|@base|PREFIX\s|BASE\s)", re.IGNORECASE | re.MULTILINE)


def load_rdf_files(paths: Iterable[str | Path]) -> Dataset:
    """Parse every file into one Dataset; raise InputError/RDFSyntaxError on bad input."""
    dataset = Dataset()
    for path in paths:
        parse_rdf_file(Path(path), dataset)
    return dataset


def parse_rdf_file(path: Path, dataset: Dataset) -> Dataset:
    """Parse one file into ``dataset`` (named graphs kept, triples into the default graph)."""
    text = read_text(path)
    fmt = detect_format(path, text)
    refuse_unsafe(path, text, fmt)
    parse_text(path, text, fmt, dataset)
    return dataset


def read_text(path: Path) -> str:
    """The file's text as UTF-8, refusing missing, empty and undecodable files."""
    if path.is_dir():
        raise InputError(
            f"{path}: is a folder, not an RDF file", hint="name the RDF files inside it"
        )
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if not data.strip():
        raise InputError(
            f"{path}: the file is empty", hint="an RDF file must hold at least one triple"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RDFSyntaxError(
            f"{path}: not UTF-8 text ({exc.reason})",
            line=line,
            column=exc.start - data.rfind(b"\n", 0, exc.start),
        ) from None


def detect_format(path: Path, text: str) -> str:
    """The rdflib format name: from the extension, else sniffed from the content."""
    fmt = FORMAT_BY_SUFFIX.get(path.suffix.lower())
    if fmt:
        return fmt
    head = text.lstrip()[:2048]
    if head.startswith("<?xml") or head.startswith("<rdf:RDF") or "<rdf:RDF" in head:
        return "xml"
    if head[:1] in "{[":
        return "json-ld"
    if _TURTLE_DIRECTIVE.search(head):
        return "trig"  # TriG is a superset of Turtle
    known = ", ".join(sorted(FORMAT_BY_SUFFIX))
    raise InputError(
        f"{path}: unknown RDF format (extension {path.suffix or 'none'!r})",
        hint=f"use one of the extensions {known}",
    )


def refuse_unsafe(path: Path, text: str, fmt: str) -> None:
    """Raise InputError for JSON-LD remote contexts (XML declarations are refused by the
    XML parser, see :func:`parse_text`)."""
    if fmt == "json-ld":
        document = load_json(path, text)
        remote = remote_contexts(document)
        if remote:
            raise InputError(
                f"{path}: JSON-LD with a remote @context is refused ({remote[0]!r})",
                hint="embed the context as an object; policykg never fetches contexts",
            )


def load_json(path: Path, text: str) -> object:
    """The parsed JSON, or RDFSyntaxError with the decoder's line and column."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise RDFSyntaxError(
            f"{path}: not valid JSON: {exc.msg}", line=exc.lineno, column=exc.colno
        ) from None
    except RecursionError:
        raise too_deep(path) from None


def too_deep(path: Path) -> InputError:
    """The error for a document nested deeper than a parser can follow."""
    return InputError(
        f"{path}: nested too deeply to be read",
        hint="flatten the nested lists, blank nodes or JSON objects",
    )


def remote_contexts(node: object) -> list[str]:
    """Every @context / @import value in a JSON-LD document that names another document."""
    found: list[str] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, list):
            stack.extend(current)
        elif isinstance(current, dict):
            for key, value in current.items():
                if key in ("@context", "@import"):
                    values = value if isinstance(value, list) else [value]
                    found.extend(v for v in values if isinstance(v, str))
                stack.append(value)
    return found


def parse_text(path: Path, text: str, fmt: str, dataset: Dataset, base: str | None = None) -> None:
    """Parse ``text`` into the dataset, turning every parser error into RDFSyntaxError.

    Relative IRIs are resolved against ``base``, by default the file's own URI.
    """
    public_id = base or path.resolve().as_uri()
    try:
        dataset.parse(data=text, format=fmt, publicID=public_id)
    except DeclarationRefused as exc:
        raise RDFSyntaxError(
            f"{path}: RDF/XML with a {exc.what} declaration is refused",
            line=exc.line,
            column=exc.column,
            hint="entity declarations can expand to gigabytes; remove the DOCTYPE",
        ) from None
    except RecursionError:
        raise too_deep(path) from None
    except BadSyntax as exc:
        line, column = bad_syntax_position(exc)
        raise RDFSyntaxError(f"{path}: {exc._why}", line=line, column=column) from None
    except SAXParseException as exc:
        raise RDFSyntaxError(
            f"{path}: {exc.getMessage()}",
            line=exc.getLineNumber(),
            column=exc.getColumnNumber() + 1,
        ) from None
    except ParserError as exc:
        if fmt in LINE_FORMATS:
            line, column = first_bad_line(text, fmt)
            raise RDFSyntaxError(
                f"{path}: not a valid {fmt} statement", line=line, column=column
            ) from None
        raise RDFSyntaxError(f"{path}: {exc}") from None
    except (ValueError, TypeError, AttributeError, KeyError) as exc:
        # rdflib's JSON-LD and RDF/XML parsers raise plain errors for malformed structure
        raise RDFSyntaxError(f"{path}: cannot be read as {fmt}: {exc}") from None


def line_and_column(text: str, index: int) -> tuple[int, int]:
    """1-based line and column (in code points) of ``index`` in ``text``."""
    line = text.count("\n", 0, index) + 1
    column = index - text.rfind("\n", 0, index)
    return line, column


def bad_syntax_position(exc: BadSyntax) -> tuple[int, int]:
    """Line and column of a Turtle/TriG/N3 error (rdflib keeps the buffer and offset private)."""
    buffer, index = exc._str, exc._i
    if isinstance(buffer, bytes):
        line_start = buffer.rfind(b"\n", 0, index) + 1
        prefix = buffer[line_start:index].decode("utf-8", errors="replace")
        return buffer.count(b"\n", 0, index) + 1, len(prefix) + 1
    return line_and_column(buffer, index)


def first_bad_line(text: str, fmt: str) -> tuple[int | None, int | None]:
    """Line and column of the first N-Triples/N-Quads line that does not parse."""
    for number, raw in enumerate(text.splitlines(), start=1):
        parser = (
            NQuadsParser(sink=Dataset())
            if fmt == "nquads"
            else W3CNTriplesParser(sink=NTGraphSink(Graph()))
        )
        parser.line = raw
        try:
            parser.parseline()
        except ParserError:
            remainder = parser.line or ""
            return number, len(raw) - len(remainder) + 1
    return None, None


def graph_of_file(path: str | Path) -> Graph:
    """A single-file convenience: the union of everything in the file as one Graph."""
    dataset = load_rdf_files([path])
    union = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


@functools.cache
def bundled_ontology() -> Graph:
    """The policykg ontology shipped with the package, parsed once per process for the
    SHACL context and the OWL check (treat as read-only)."""
    text = (resources.files("policykg.ontology") / "policykg.ttl").read_text(encoding="utf-8")
    return Graph().parse(data=text, format="turtle")
