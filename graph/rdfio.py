"""RDF files in and out: which format a file or a media type is, reading it safely, writing
a dataset, and seeing a dataset as one graph. The only place these are decided.

**Formats.** A format is known by its media type and found through the engines' own
registries: pyoxigraph's ``RdfFormat.from_extension`` / ``from_media_type`` first, then
rdflib's suffix map and plugin registry for what pyoxigraph does not name (``.owl``,
``.trix``, ``.turtle`` …). A file whose extension neither knows is recognised by its
content (XML, JSON, Turtle/TriG directives).

**Reading** refuses what would make a parser reach outside the file or run away:

- RDF/XML and TriX are parsed by rdflib on defusedxml's expat reader (registered here,
  for every parse in the process): a DOCTYPE, an entity declaration or an external entity
  is refused by the XML parser itself, on what it decoded, so no encoding (UTF-16,
  UTF-32, with or without a byte-order mark) hides one — entity expansion costs tens of
  seconds of CPU in rdflib's handler for a 510-byte document;
- JSON-LD whose ``@context`` (or ``@import``) names another document, which rdflib would
  fetch from the network or the filesystem, is refused before parsing, on the parsed JSON;
- documents nested too deeply for the parsers get a clear error, not a crash.

A file that does not parse raises :class:`RDFSyntaxError` with its line and column.
Relative IRIs resolve against the file's own URI (or the base the caller names).
pyoxigraph reads the formats that cannot refer to anything outside the file (N-Triples,
N-Quads, Turtle, TriG, N3) itself; the others reach a pyoxigraph store through the
checks above.

**Writing** follows the output file's extension. N-Quads and N-Triples lines are sorted,
so that building twice gives byte-identical files. A file is written next to its
destination and renamed into place, so a failed write never leaves a partial file, and
a destination that is also an input is refused before any work.

**The union**: a dataset's graphs as one graph, copied (:func:`union_graph`) or as a
read-only view (:func:`union_view`).
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, cast
from xml.sax import SAXParseException, handler
from xml.sax.xmlreader import InputSource, XMLReader

import pyoxigraph as ox
from defusedxml.expatreader import DefusedExpatParser
from rdflib import Dataset, Graph, URIRef, plugin
from rdflib.exceptions import ParserError
from rdflib.graph import ReadOnlyGraphAggregate
from rdflib.parser import Parser
from rdflib.plugins.parsers import rdfxml, trix
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.plugins.parsers.nquads import NQuadsParser
from rdflib.plugins.parsers.ntriples import NTGraphSink, W3CNTriplesParser
from rdflib.plugins.serializers.nquads import _nq_row
from rdflib.term import Node
from rdflib.util import SUFFIX_FORMAT_MAP

from .errors import DeclarationRefused, InputError, RDFSyntaxError
from .namespaces import bind_prefixes

# -- formats ----------------------------------------------------------------------------------

N_TRIPLES = "application/n-triples"
N_QUADS = "application/n-quads"
JSON_LD = "application/ld+json"
TRIX = "application/trix"
# pyoxigraph reads these without any way for the text to reach outside the file
TRIG = "application/trig"
_SELF_CONTAINED = {N_TRIPLES, N_QUADS, "text/turtle", TRIG, "text/n3"}
_TURTLE_DIRECTIVE = re.compile(r"^\s*(@prefix|@base|PREFIX\s|BASE\s)", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class RdfFormat:
    """One RDF syntax, by its media type, with what each engine calls it."""

    media_type: str
    oxigraph: ox.RdfFormat | None  # None: only rdflib reads it (TriX)

    @property
    def rdflib(self) -> str:
        """The name rdflib's parser and serialiser registries know it by."""
        return self.media_type

    @property
    def name(self) -> str:
        """The name used in messages (N-Quads, RDF/XML …)."""
        return self.oxigraph.name if self.oxigraph else self.media_type.split("/")[-1]

    @property
    def keeps_graphs(self) -> bool:
        """Whether the syntax holds named graphs (else a dataset is written as its union)."""
        return self.oxigraph.supports_datasets if self.oxigraph else self.media_type == TRIX

    @property
    def line_based(self) -> bool:
        """One statement per line (written sorted; errors found line by line)."""
        return self.media_type in (N_TRIPLES, N_QUADS)


def format_for_media_type(media_type: str) -> RdfFormat | None:
    """The format of a media type (aliases such as text/plain or application/json
    included), or None when no engine reads it."""
    found = ox.RdfFormat.from_media_type(media_type)
    if found is not None:
        return RdfFormat(found.media_type, found)
    if _rdflib_parser(media_type) is not None and "/" in media_type:
        return RdfFormat(media_type, None)
    return None


def format_for_extension(suffix: str) -> RdfFormat | None:
    """The format of a file extension (``.ttl``, ``owl`` …), or None when unknown."""
    extension = suffix.lower().lstrip(".")
    if not extension:
        return None
    found = ox.RdfFormat.from_extension(extension)
    if found is not None:
        return RdfFormat(found.media_type, found)
    # rdflib's suffix map (owl, nquads, trix …), then its plugin names (turtle, ntriples)
    media_type = _media_type_of_rdflib_name(SUFFIX_FORMAT_MAP.get(extension, extension))
    return format_for_media_type(media_type) if media_type else None


def known_extensions() -> list[str]:
    """The extensions named in messages: what either engine's registry maps to a format."""
    candidates = {f.file_extension for f in _oxigraph_formats()} | set(SUFFIX_FORMAT_MAP)
    return sorted(f".{e}" for e in candidates if format_for_extension(e) is not None)


def format_of_path(path: Path, text: str | None = None) -> RdfFormat:
    """The format of a file: from its extension, else (given its text) from its content;
    InputError naming the extensions known."""
    found = format_for_extension(path.suffix)
    if found is None and text is not None:
        found = _sniff(text)
    if found is None:
        what = "unknown RDF format" if text is not None else "cannot tell the RDF format"
        raise InputError(
            f"{path}: {what} (extension {path.suffix or 'none'!r})",
            hint=f"use one of the extensions {', '.join(known_extensions())}",
        )
    return found


def _sniff(text: str) -> RdfFormat | None:
    head = text.lstrip()[:2048]
    if head.startswith("<?xml") or "<rdf:RDF" in head:
        return format_for_media_type("application/rdf+xml")
    if head[:1] in "{[":
        return format_for_media_type(JSON_LD)
    if _TURTLE_DIRECTIVE.search(head):
        return format_for_media_type("application/trig")  # TriG is a superset of Turtle
    return None


@functools.cache
def _oxigraph_formats() -> tuple[ox.RdfFormat, ...]:
    return tuple(
        getattr(ox.RdfFormat, name)
        for name in dir(ox.RdfFormat)
        if isinstance(getattr(ox.RdfFormat, name), ox.RdfFormat)
    )


def _rdflib_parser(name: str) -> tuple[str, str] | None:
    """(module, class) of rdflib's parser registered under a name, or None."""
    found = next(plugin.plugins(name, Parser), None)
    return (found.module_path, found.class_name) if found is not None else None


def _media_type_of_rdflib_name(name: str) -> str | None:
    """The media type under which rdflib registers the parser of a short name."""
    parser = _rdflib_parser(name)
    if parser is None:
        return None
    if "/" in name:
        return name
    for candidate in plugin.plugins(kind=Parser):
        if "/" in candidate.name and _rdflib_parser(candidate.name) == parser:
            return candidate.name
    return None


# -- safe XML parsers -------------------------------------------------------------------------


class _DefusedReader(DefusedExpatParser):
    """defusedxml's expat reader, saying where the refused declaration stands."""

    def _refuse(self, what: str) -> DeclarationRefused:
        return DeclarationRefused(what, self.getLineNumber(), (self.getColumnNumber() or 0) + 1)

    def defused_start_doctype_decl(self, *_args: Any) -> None:
        raise self._refuse("DOCTYPE")

    def defused_entity_decl(self, *_args: Any) -> None:
        raise self._refuse("ENTITY")

    def defused_unparsed_entity_decl(self, *_args: Any) -> None:
        raise self._refuse("ENTITY")

    def defused_external_entity_ref_handler(self, *_args: Any) -> None:
        raise self._refuse("external entity")


def _defused(reader: XMLReader) -> XMLReader:
    """A defused expat reader with the handlers rdflib's own reader was given."""
    defused = _DefusedReader(forbid_dtd=True, forbid_entities=True, forbid_external=True)
    defused.setFeature(handler.feature_namespaces, 1)
    defused.setContentHandler(reader.getContentHandler())
    defused.setErrorHandler(reader.getErrorHandler())
    return defused


def _parse_xml(reader: XMLReader, source: InputSource, **args: Any) -> None:
    preserve_bnode_ids = args.get("preserve_bnode_ids")
    if preserve_bnode_ids is not None:
        handler: Any = reader.getContentHandler()
        handler.preserve_bnode_ids = preserve_bnode_ids
    reader.parse(source)


class DefusedRDFXMLParser(rdfxml.RDFXMLParser):
    """rdflib's RDF/XML parser, reading through defusedxml."""

    def parse(self, source: InputSource, sink: Graph, **args: Any) -> None:
        # rdflib's InputSource is a SAX InputSource, which its stubs do not say.
        self._parser = _defused(rdfxml.create_parser(cast(Any, source), sink))
        _parse_xml(self._parser, source, **args)


class DefusedTriXParser(trix.TriXParser):
    """rdflib's TriX parser, reading through defusedxml."""

    def parse(self, source: InputSource, sink: Graph, **args: Any) -> None:
        assert sink.store.context_aware, "TriX needs a context-aware store"
        self._parser = _defused(trix.create_parser(sink.store))
        _parse_xml(self._parser, source, **args)


_DEFUSED = {
    "DefusedRDFXMLParser": ("xml", "application/rdf+xml"),
    "DefusedTriXParser": ("trix", TRIX),
}


@functools.cache
def register_defused_parsers() -> None:
    """Make the defused parsers rdflib's parsers for RDF/XML and TriX in this process
    (done once, when this module is imported: every RDF/XML parse goes through them)."""
    for class_name, names in _DEFUSED.items():
        for name in names:
            plugin.register(name, Parser, __name__, class_name)


register_defused_parsers()


# -- reading ----------------------------------------------------------------------------------


def rdflib_term(term: object) -> Node:
    """The rdflib term of a pyoxigraph term. A literal of xsd:string is a plain literal,
    as rdflib's parsers make it (RDF 1.1: the same literal), so that triples read through
    pyoxigraph compare equal to those rdflib reads."""
    from rdflib import BNode, Literal

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    assert isinstance(term, ox.Literal)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value, datatype=None if datatype == _XSD_STRING else datatype)


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def dataset_file_format(path: Path, refusal: str) -> RdfFormat:
    """The format of a readable N-Quads or TriG file (a dataset with its named graphs);
    InputError saying ``refusal`` for any other file."""
    check_readable(path)
    rdf_format = format_of_path(path)
    if rdf_format.media_type not in (N_QUADS, TRIG) or rdf_format.oxigraph is None:
        raise InputError(
            f"{path}: {refusal}",
            hint="give the dataset file `policykg build` wrote, e.g. out/policykg.nq",
        )
    return rdf_format


def read_dataset(paths: Iterable[str | Path]) -> Dataset:
    """Every file parsed into one Dataset (named graphs kept, triples into the default
    graph); InputError / RDFSyntaxError on bad input."""
    dataset = Dataset()
    for path in paths:
        parse_file(Path(path), dataset)
    return dataset


def read_graph(path: str | Path) -> Graph:
    """Everything in one file as one Graph (a shapes file, say)."""
    return union_graph(read_dataset([path]), prefixes=False)


def read_store(path: str | Path) -> ox.Store:
    """One file in a pyoxigraph Store, read by pyoxigraph where nothing in the format can
    reach outside the file, through :func:`read_dataset`'s checks otherwise."""
    path = Path(path)
    text = read_text(path)
    found = format_of_path(path, text)
    if found.media_type not in _SELF_CONTAINED:
        dataset = Dataset()
        parse_text(path, text, found, dataset)
        return store_of(dataset)
    store = ox.Store()
    try:
        store.bulk_load(text, format=found.oxigraph, base_iri=path.resolve().as_uri())
    except SyntaxError as exc:
        message = exc.msg.split(": ", 1)[-1] if exc.lineno else exc.msg
        raise RDFSyntaxError(f"{path}: {message}", line=exc.lineno, column=exc.offset) from None
    return store


def store_of(dataset: Dataset) -> ox.Store:
    """An rdflib dataset's quads in a new pyoxigraph Store."""
    store = ox.Store()
    store.bulk_load(
        dataset.serialize(format=N_QUADS, encoding="utf-8"), format=ox.RdfFormat.N_QUADS
    )
    return store


def parse_file(path: Path, dataset: Dataset) -> Dataset:
    """Parse one file into ``dataset`` (named graphs kept, triples into the default graph)."""
    text = read_text(path)
    parse_text(path, text, format_of_path(path, text), dataset)
    return dataset


def check_readable(path: Path) -> None:
    """InputError for a folder or a missing file where an RDF file is expected."""
    if path.is_dir():
        raise InputError(
            f"{path}: is a folder, not an RDF file", hint="name the RDF files inside it"
        )
    if not path.is_file():
        raise InputError(f"{path}: no such file")


def read_text(path: Path) -> str:
    """The file's text as UTF-8, refusing missing, empty and undecodable files."""
    check_readable(path)
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


def parse_text(
    path: Path, text: str, rdf_format: RdfFormat, dataset: Dataset, base: str | None = None
) -> None:
    """Parse ``text`` into the dataset after the checks, turning every parser error into
    RDFSyntaxError. ``path`` names the text in messages; relative IRIs resolve against
    ``base``, by default the file's own URI."""
    if rdf_format.media_type == JSON_LD:
        refuse_remote_contexts(path, text)
    public_id = base or path.resolve().as_uri()
    try:
        dataset.parse(data=text, format=rdf_format.rdflib, publicID=public_id)
    except DeclarationRefused as exc:
        raise RDFSyntaxError(
            f"{path}: RDF/XML with a {exc.what} declaration is refused",
            line=exc.line,
            column=exc.column,
            hint="entity declarations can expand to gigabytes; remove the DOCTYPE",
        ) from None
    except RecursionError:
        raise _too_deep(path) from None
    except BadSyntax as exc:
        line, column = _bad_syntax_position(exc)
        raise RDFSyntaxError(f"{path}: {exc._why}", line=line, column=column) from None
    except SAXParseException as exc:
        raise RDFSyntaxError(
            f"{path}: {exc.getMessage()}",
            line=exc.getLineNumber(),
            column=(exc.getColumnNumber() or 0) + 1,
        ) from None
    except ParserError as exc:
        if rdf_format.line_based:
            bad_line, bad_column = _first_bad_line(text, rdf_format)
            raise RDFSyntaxError(
                f"{path}: not a valid {rdf_format.name} statement",
                line=bad_line,
                column=bad_column,
            ) from None
        raise RDFSyntaxError(f"{path}: {exc}") from None
    except (ValueError, TypeError, AttributeError, KeyError) as exc:
        # rdflib's JSON-LD and RDF/XML parsers raise plain errors for malformed structure
        raise RDFSyntaxError(f"{path}: cannot be read as {rdf_format.name}: {exc}") from None


def refuse_remote_contexts(path: Path, text: str) -> None:
    """InputError for JSON-LD whose @context or @import names another document."""
    remote = _remote_contexts(_load_json(path, text))
    if remote:
        raise InputError(
            f"{path}: JSON-LD with a remote @context is refused ({remote[0]!r})",
            hint="embed the context as an object; policykg never fetches contexts",
        )


def _load_json(path: Path, text: str) -> object:
    """The parsed JSON, or RDFSyntaxError with the decoder's line and column."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise RDFSyntaxError(
            f"{path}: not valid JSON: {exc.msg}", line=exc.lineno, column=exc.colno
        ) from None
    except RecursionError:
        raise _too_deep(path) from None


def _too_deep(path: Path) -> InputError:
    """The error for a document nested deeper than a parser can follow."""
    return InputError(
        f"{path}: nested too deeply to be read",
        hint="flatten the nested lists, blank nodes or JSON objects",
    )


def _remote_contexts(node: object) -> list[str]:
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


def _line_and_column(text: str, index: int) -> tuple[int, int]:
    """1-based line and column (in code points) of ``index`` in ``text``."""
    line = text.count("\n", 0, index) + 1
    column = index - text.rfind("\n", 0, index)
    return line, column


def _bad_syntax_position(exc: BadSyntax) -> tuple[int, int]:
    """Line and column of a Turtle/TriG/N3 error (rdflib keeps the buffer and offset private)."""
    # rdflib's stubs say str, but the parser keeps the bytes it was given.
    buffer: str | bytes = exc._str
    index = exc._i
    if isinstance(buffer, bytes):
        line_start = buffer.rfind(b"\n", 0, index) + 1
        prefix = buffer[line_start:index].decode("utf-8", errors="replace")
        return buffer.count(b"\n", 0, index) + 1, len(prefix) + 1
    return _line_and_column(buffer, index)


def _first_bad_line(text: str, rdf_format: RdfFormat) -> tuple[int | None, int | None]:
    """Line and column of the first N-Triples/N-Quads line that does not parse."""
    for number, raw in enumerate(text.splitlines(), start=1):
        parser = (
            NQuadsParser(sink=cast(Any, Dataset()))
            if rdf_format.media_type == N_QUADS
            else W3CNTriplesParser(sink=NTGraphSink(Graph()))
        )
        parser.line = raw
        try:
            parser.parseline()
        except ParserError:
            remainder = parser.line or ""
            return number, len(raw) - len(remainder) + 1
    return None, None


# -- the union --------------------------------------------------------------------------------


def union_graph(data: Graph, prefixes: bool = True) -> Graph:
    """All triples of every graph of a dataset, copied into one graph (policykg's prefixes
    bound unless told otherwise); a plain graph as it is."""
    if not isinstance(data, Dataset):
        return data
    union = Graph()
    if prefixes:
        bind_prefixes(union.namespace_manager)
    for graph in data.graphs():
        union += graph
    return union


def union_view(data: Graph) -> Graph:
    """All graphs of a dataset as one read-only graph, without copying (a Graph as is)."""
    if isinstance(data, Dataset):
        return ReadOnlyGraphAggregate(list(data.graphs()))
    return data


def as_dataset(data: Dataset | Graph) -> Dataset:
    """A Dataset: the given one, or a plain Graph's triples as one graph of a new Dataset."""
    if isinstance(data, Dataset):
        return data
    dataset = Dataset()
    name = data.identifier if isinstance(data.identifier, URIRef) else None
    target = dataset.graph(name) if name is not None else dataset.default_graph
    target.addN((s, p, o, target) for s, p, o in data)
    return dataset


# -- writing ----------------------------------------------------------------------------------


def serialize_dataset(dataset: Dataset, rdf_format: RdfFormat) -> bytes:
    """The dataset in a format (its union for formats without graphs), deterministic for
    the line-based ones."""
    source = dataset if rdf_format.keeps_graphs else union_graph(dataset)
    data = source.serialize(format=rdf_format.rdflib, encoding="utf-8")
    if rdf_format.line_based:
        lines = sorted(set(data.splitlines(keepends=True)) - {b"\n"})
        data = b"".join(lines)
    return data


def write_dataset(dataset: Dataset, path: Path) -> int:
    """Write the dataset to ``path`` (format from its extension); return the bytes written."""
    return write_bytes(serialize_dataset(dataset, check_destination(path)), path)


def check_destination(path: Path) -> RdfFormat:
    """The format of an output file; refused, before any work, when its format or folder
    will not do."""
    found = format_of_path(path)
    folder = path.resolve().parent
    if not folder.is_dir():
        raise InputError(
            f"cannot write {path}: the folder {folder} does not exist",
            hint="create the folder first or choose another --output",
        )
    return found


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file (through links, relative parts or hard links)."""
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet): compare where they lead
        return a.resolve() == b.resolve()


def check_not_an_input(output: Path, inputs: Iterable[Path]) -> None:
    """Refuse an output file that is one of the inputs: writing it would replace the input."""
    for source in inputs:
        if same_file(output, source):
            raise InputError(
                f"--output {output} is also an input ({source}); policykg never writes "
                "over a file it reads",
                hint="choose another --output file",
            )


def write_bytes(data: bytes, path: Path) -> int:
    """Write ``data`` to ``path`` through a temporary file, so no partial file is left."""
    with atomic_output(path) as out:
        out.write(data)
    return len(data)


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[BinaryIO]:
    """A binary file written in the folder of ``path`` that becomes ``path`` only when the
    block ends without an error (no partial file is ever left)."""
    check_destination(path)
    path = path.resolve()
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise InputError(
            f"cannot write {path}: {exc.strerror}",
            hint="choose an --output in a folder you can write to",
        ) from None
    try:
        with os.fdopen(fd, "wb") as out:
            yield out
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp's 0600 would hide the graph from others
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(
            f"cannot write {path}: {exc.strerror}",
            hint="check the free space and the permissions of the folder",
        ) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def nquads_lines(triples: Iterable[tuple[Node, Node, Node]], graph: URIRef) -> list[bytes]:
    """The triples as the sorted, distinct N-Quads lines of named graph ``graph``, written
    exactly as :func:`serialize_dataset` writes them (rdflib's own row writer), without
    putting them in a store first."""
    row = cast(Callable[[tuple[Node, Node, Node], URIRef], str], _nq_row)  # untyped in rdflib
    return sorted({row(t, graph).encode("utf-8", "replace") for t in triples})


def triple_line(quad_line: bytes) -> bytes:
    """An N-Quads line of a named graph as the N-Triples line of its triple."""
    return quad_line[: quad_line.rindex(b" <")] + b" .\n"


def union_lines(quad_lines: Iterable[bytes], in_order: bool) -> Iterator[bytes]:
    """The N-Triples lines of the triples of N-Quads lines of named graphs: each triple
    once when the lines are sorted (``in_order``), else as often as graphs hold it (a
    store's loader keeps one)."""
    previous = b""
    for line in quad_lines:
        triple = triple_line(line)
        if triple != previous or not in_order:
            yield triple
            previous = triple


def _umask() -> int:
    """The process's file-creation mask (read by setting it and putting it back)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask
