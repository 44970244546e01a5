"""rdflib's RDF/XML and TriX parsers on defusedxml's expat reader: no DTD, no entities.

rdflib reads RDF/XML and TriX with the standard library's SAX reader, which expands
internal entities: a 510-byte document that declares nested entities costs tens of
seconds of CPU in rdflib's handler. A check of the text for `<!DOCTYPE` is not enough,
because expat decodes what it reads (UTF-16 and UTF-32, with or without a byte-order
mark, or as the XML declaration says), so the declaration can be spelled in bytes that
no text scan of UTF-8 sees. Here the decision is taken by the parser itself, on what it
has decoded: defusedxml's reader raises at the DOCTYPE, before any entity is declared
or expanded, and never resolves an external entity.

`register()` puts these parsers in rdflib's plugin registry under the names and media
types of the originals, so every `Graph.parse(format="xml")` / `"trix"` in the process
uses them.
"""

from __future__ import annotations

import functools
from typing import Any
from xml.sax import handler
from xml.sax.xmlreader import InputSource, XMLReader

from defusedxml.expatreader import DefusedExpatParser
from rdflib import plugin
from rdflib.graph import Graph
from rdflib.parser import Parser
from rdflib.plugins.parsers import rdfxml, trix

from policykg.graph.errors import DeclarationRefused


class _Reader(DefusedExpatParser):
    """defusedxml's expat reader, saying where the refused declaration stands."""

    def _refuse(self, what: str) -> DeclarationRefused:
        return DeclarationRefused(what, self.getLineNumber(), self.getColumnNumber() + 1)

    def defused_start_doctype_decl(self, *_args: Any) -> None:
        raise self._refuse("DOCTYPE")

    def defused_entity_decl(self, *_args: Any) -> None:
        raise self._refuse("ENTITY")

    def defused_unparsed_entity_decl(self, *_args: Any) -> None:
        raise self._refuse("ENTITY")

    def defused_external_entity_ref_handler(self, *_args: Any) -> None:
        raise self._refuse("external entity")


def defused_reader(reader: XMLReader) -> XMLReader:
    """A defused expat reader with the handlers rdflib's own reader was given."""
    defused = _Reader(forbid_dtd=True, forbid_entities=True, forbid_external=True)
    defused.setFeature(handler.feature_namespaces, 1)
    defused.setContentHandler(reader.getContentHandler())
    defused.setErrorHandler(reader.getErrorHandler())
    return defused


def _parse(reader: XMLReader, source: InputSource, **args: Any) -> None:
    preserve_bnode_ids = args.get("preserve_bnode_ids")
    if preserve_bnode_ids is not None:
        reader.getContentHandler().preserve_bnode_ids = preserve_bnode_ids
    reader.parse(source)


class DefusedRDFXMLParser(rdfxml.RDFXMLParser):
    """rdflib's RDF/XML parser, reading through defusedxml."""

    def parse(self, source: InputSource, sink: Graph, **args: Any) -> None:
        self._parser = defused_reader(rdfxml.create_parser(source, sink))
        _parse(self._parser, source, **args)


class DefusedTriXParser(trix.TriXParser):
    """rdflib's TriX parser, reading through defusedxml."""

    def parse(self, source: InputSource, sink: Graph, **args: Any) -> None:
        assert sink.store.context_aware, "TriX needs a context-aware store"
        self._parser = defused_reader(trix.create_parser(sink.store))
        _parse(self._parser, source, **args)


_NAMES = {
    "DefusedRDFXMLParser": ("xml", "application/rdf+xml"),
    "DefusedTriXParser": ("trix", "application/trix"),
}


@functools.cache
def register() -> None:
    """Make these parsers rdflib's parsers for RDF/XML and TriX in this process (once)."""
    for class_name, names in _NAMES.items():
        for name in names:
            plugin.register(name, Parser, __name__, class_name)
