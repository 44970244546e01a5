"""The corpus index: what building one document needs to know of the other documents.

A document's named graph depends on the rest of the build in two ways only: a citation
resolves to another document's node (by its number, its title or its notice's title),
and the crosswalk links the document's items to the items of the document it implements.
A first, light pass parses every file and keeps that much of each (an
:class:`IndexEntry`: its IRI, the titles it may be cited by, its items with their
measure texts); every document is then built on its own with the index, in any order and
in any process, and its graph is the one a build holding every document at once makes.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rdflib import Graph, URIRef
from rdflib.graph import ReadOnlyGraphAggregate
from rdflib.namespace import DCTERMS, RDF

from . import iris
from .citations import find_citations
from .crosswalk import TargetItem, plan_items, target_items_from_graph
from .errors import InputError
from .model import Citation, Document
from .namespaces import PKG
from .reference import Reference


@dataclass(frozen=True)
class IndexEntry:
    """One document as the others see it: its file, IRI, the titles it may be cited by
    (title, notice title, the title its notice cites, normalised) and its items, in the
    order and form the crosswalk reads them off a built graph."""

    file_name: str
    iri: URIRef
    what: str  # the number, or the title: how messages name the document
    titles: tuple[str, ...]
    items: tuple[TargetItem, ...]


def index_entry(doc: Document) -> IndexEntry:
    """The index entry of a parsed document."""
    titles = [span.text for span in filter(None, (doc.title, doc.notice_title))]
    titles += [c.title for c in notice_citations(doc)]
    return IndexEntry(
        file_name=doc.source.file_name,
        iri=iris.parsed_document_iri(doc),
        what=doc.number.text if doc.number else doc.title.text,
        titles=tuple(normalise_title(t) for t in titles),
        items=tuple(outline_items(doc)),
    )


def outline_items(doc: Document) -> list[TargetItem]:
    """The document's items as :func:`target_items_from_graph` reads them from its graph:
    ordered by number and IRI, measure texts ordered by the measures' numbers."""
    measures = {
        iris.parsed_item_iri(iris.parsed_document_iri(doc), doc, item): sorted(
            (m.ordinal, m.span.text) for m in item.measures
        )
        for item in doc.items
    }
    items = [
        TargetItem(t.iri, t.ordinal, t.title, tuple(text for _, text in measures[t.iri] if text))
        for t in plan_items(doc)
    ]
    return sorted(items, key=lambda t: (t.ordinal, str(t.iri)))


def notice_citations(doc: Document) -> list[Citation]:
    """The plan's own title as the covering notice cites it (《…》已经…同意)."""
    if doc.notice_title is None:
        return []
    return find_citations(doc.notice_title.text, doc.notice_title.begin)


def normalise_title(title: str) -> str:
    """A title as compared: without spaces and 《》."""
    return "".join(title.split()).strip("《》")


def refuse_duplicate(entry: IndexEntry, seen: dict[URIRef, str]) -> None:
    """Two files of one document (its number, or its title) would merge into one graph:
    the second is refused. ``seen`` maps the documents read so far to their files."""
    if entry.iri in seen:
        raise InputError(
            f"{seen[entry.iri]} and {entry.file_name} are the same document ({entry.what})",
            hint="give each document once",
        )
    seen[entry.iri] = entry.file_name


@dataclass
class CorpusIndex:
    """Every document of a build, in file order, and the reference data's documents."""

    entries: list[IndexEntry] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_iri = {e.iri: e for e in self.entries}

    def items_of(self, document: URIRef, ref: Reference) -> list[TargetItem]:
        """The items of a document of the build, else of a document of the reference data
        (the national outline), as the crosswalk's targets."""
        entry = self._by_iri.get(document)
        if entry is not None:
            return list(entry.items)
        return target_items_from_graph(reference_union(ref), document)


@functools.lru_cache(maxsize=2)
def reference_union(ref: Reference) -> Graph:
    """The reference data's graphs as one read-only graph (not copied)."""
    return ReadOnlyGraphAggregate(list(ref.graphs().values()))


class CitationResolver:
    """Finds the node of a cited document among the build's and the reference data's."""

    def __init__(self, entries: Iterable[IndexEntry], ref: Reference) -> None:
        self.by_title: dict[str, URIRef] = {}
        self.known: set[URIRef] = set()
        for graph in ref.graphs().values():
            for d in graph.subjects(RDF.type, PKG.PolicyDocument):
                if not isinstance(d, URIRef):
                    continue
                self.known.add(d)
                for title in graph.objects(d, DCTERMS.title):
                    self.by_title[normalise_title(str(title))] = d
        for entry in entries:
            self.known.add(entry.iri)
            self.by_title.update((title, entry.iri) for title in entry.titles)

    def __call__(self, citation: Citation) -> URIRef | None:
        if citation.number is not None:
            iri = iris.document_iri(citation.number, citation.title)
            if iri in self.known:
                return iri
        return self.by_title.get(normalise_title(citation.title))


def entries_of(docs: Sequence[Document]) -> list[IndexEntry]:
    """The index entries of parsed documents, in their order."""
    return [index_entry(doc) for doc in docs]
