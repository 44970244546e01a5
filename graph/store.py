"""The persistent store: a built dataset in an on-disk Oxigraph store.

`policykg load GRAPH_FILE --store DIR` and `policykg build … --store DIR` write it;
`policykg serve --store DIR` opens it read-only, so that serving starts in constant time
whatever the data and every worker reads the one store. Writing is by named graph: each
document's graph (and each reference graph) given replaces the graph of that name, and
the other documents' graphs stay. The gazetteer's places graph keeps the counties every
load needed (a union), and the linkset, which counts links across the whole dataset, is
computed again from the store after every load.
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
from collections.abc import Iterable
from dataclasses import asdict, fields
from pathlib import Path
from types import TracebackType

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import DCTERMS, RDF
from rdflib.term import Node

from . import iris
from .errors import InputError, RDFSyntaxError
from .linkset import DOCUMENT_PREDICATES, LINK_PREDICATES, linkset_graph
from .namespaces import PKG
from .pipeline import version
from .publishing import (
    DATASET,
    DEFAULT_LICENSE,
    DESCRIPTION_GRAPH,
    Described,
    data_tally,
    describe_tally,
)
from .rdfio import nquads_lines, rdflib_term, union_lines
from .tally import Statistics

PLACES = iris.reference_graph_iri("places")
# the counts the server shows and the content digest, recorded by the writer when it
# closes the store, with the store's files as they were then (see recorded_counts)
STATS_FILE = "policykg-stats.json"
# present when the store's default graph holds the union of its named graphs
UNION_FILE = "policykg-union"
# each named graph's content hash, kept by the writer (shapes/ledger.py compares them)
HASHES_FILE = "policykg-graphs.json"
_BLANK = re.compile(r"_:[A-Za-z0-9_\-.]+")


def graph_hash(triples: Iterable[ox.Triple | ox.Quad]) -> str:
    """The SHA-256 of a graph's content: its distinct triples in N-Triples, sorted, blank
    nodes unnamed (their labels change with every load)."""
    lines = sorted(
        {_BLANK.sub("_:", str(t.triple if isinstance(t, ox.Quad) else t)) for t in triples}
    )
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line.encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def nquads_hash(data: bytes) -> str:
    """The content hash of one graph's N-Quads."""
    return graph_hash(ox.parse(data, format=ox.RdfFormat.N_QUADS))


def stored_hashes(folder: Path) -> dict[str, str]:
    """The content hashes a store's writer kept, by graph name."""
    try:
        values = json.loads((Path(folder) / HASHES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in values.items()} if isinstance(values, dict) else {}


def store_files(folder: Path) -> list[list[str | int]]:
    """The names and sizes of a store's own files (not its log of messages, nor the files
    policykg keeps beside it): any write to the store changes them."""
    return sorted(
        [p.name, p.stat().st_size]
        for p in Path(folder).iterdir()
        if p.is_file() and not p.name.startswith(("LOG", "policykg-"))
    )


def record_counts(folder: Path, described: Described) -> None:
    """Write what a closed store counts and its digest beside it, with its files."""
    values = {
        **asdict(described.statistics),
        "version": described.version,
        "files": store_files(folder),
    }
    (Path(folder) / STATS_FILE).write_text(json.dumps(values), encoding="utf-8")


def recorded_counts(folder: Path) -> Described | None:
    """What the store's writer recorded, if the store was not changed since (its files
    are those it had then); None otherwise."""
    try:
        values = json.loads((Path(folder) / STATS_FILE).read_text(encoding="utf-8"))
        if values.pop("files") != store_files(folder):
            return None
        version = str(values.pop("version"))
        names = {f.name for f in fields(Statistics)}
        return Described(Statistics(**{k: v for k, v in values.items() if k in names}), version)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


LINKSET = iris.reference_graph_iri("linkset")


def graphs_of(store: ox.Store) -> list[str]:
    """The names of a store's named graphs, sorted."""
    return sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))


def has_stored_union(path: Path) -> bool:
    """Whether the store's default graph holds the union of its named graphs."""
    return (Path(path) / UNION_FILE).is_file()


def open_read_only(path: Path) -> ox.Store:
    """An existing store, read-only (InputError when the folder holds none)."""
    if not (Path(path) / "CURRENT").is_file():
        raise InputError(
            f"{path}: not a policykg store",
            hint="create it with `policykg load GRAPH_FILE --store DIR` or "
            "`policykg build … --store DIR`",
        )
    try:
        return ox.Store.read_only(str(path))
    except OSError as exc:
        raise InputError(f"{path}: the store cannot be opened ({exc})") from None


class StoreWriter:
    """A store opened for writing; graphs are replaced whole."""

    def __init__(self, path: Path) -> None:
        path = Path(path)
        if path.exists() and not path.is_dir():
            raise InputError(f"{path}: is a file, not a store folder", hint="name a folder")
        if path.is_dir() and any(path.iterdir()) and not (path / "CURRENT").is_file():
            raise InputError(
                f"{path}: the folder holds other files, not a store",
                hint="name a new or empty folder, or an existing policykg store",
            )
        self.path = path
        self.described: Described | None = None  # recorded at close
        (path / STATS_FILE).unlink(missing_ok=True)
        (path / UNION_FILE).unlink(missing_ok=True)
        self.hashes = stored_hashes(path)
        try:
            self.store = ox.Store(str(path))
        except OSError as exc:
            raise InputError(
                f"{path}: the store cannot be opened for writing ({exc})",
                hint="another `policykg load` or `build --store` may be writing to it",
            ) from None

    def __enter__(self) -> StoreWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Flush and let go of the store (it closes when the last reference goes), then
        record what it counts when it was described."""
        self.store.flush()
        self.keep_hashes()
        self.store = ox.Store()  # an empty in-memory store in its place
        if self.described is not None:
            record_counts(self.path, self.described)

    def replace_graphs(
        self,
        nquads: Path,
        graphs: list[URIRef],
        hashes: dict[str, str] | None = None,
        described: Described | None = None,
    ) -> None:
        """Load an N-Quads file whose named graphs are ``graphs``, each replacing the graph
        of its name (the places graph is added to), then count the links again.
        ``hashes``: the content hashes of graphs the caller knows already. ``described``:
        what the file counts when it is a whole dataset, sorted and described (the
        streaming build's): loaded into an empty store, it is the store's linkset,
        description and union as they are."""
        whole = described is not None and next(self.store.named_graphs(), None) is None
        self.store.clear_graph(ox.DefaultGraph())
        for name in graphs:
            node = ox.NamedNode(str(name))
            if name != PLACES and self.store.contains_named_graph(node):
                self.store.remove_graph(node)
        try:
            self.store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
        except SyntaxError as exc:
            raise RDFSyntaxError(f"{nquads}: {exc.msg}", line=exc.lineno) from None
        if whole:
            self.store_union(nquads)
            self.described = described
        else:
            self.update_linkset()
            self.update_description()
            self.store_union()
        known = hashes or {}
        for name in [*graphs, LINKSET, DESCRIPTION_GRAPH]:
            self.hashes[str(name)] = known.get(str(name)) or self.hash_of(str(name))

    def store_union(self, sorted_nquads: Path | None = None) -> None:
        """Make the default graph the union of the named graphs, each triple once (the RDF
        merge). Queries then read the union as one graph: over the named graphs, a triple
        that many documents hold (an instant, an agency) is met once per graph, and joins
        on it grow with the square of the documents. Made by the store's own bulk loader
        from its dump, or from ``sorted_nquads`` when that file holds every named graph of
        the store, sorted (a pass in Python over millions of quads takes minutes)."""
        self.store.clear_graph(ox.DefaultGraph())
        with tempfile.TemporaryDirectory(prefix="policykg-union-") as folder:
            triples = Path(folder) / "union.nt"
            quads = sorted_nquads
            if quads is None:
                quads = Path(folder) / "all.nq"
                self.store.dump(str(quads), format=ox.RdfFormat.N_QUADS)
            with quads.open("rb") as source, triples.open("wb") as target:
                target.writelines(union_lines(source, sorted_nquads is not None))
            if quads != sorted_nquads:
                quads.unlink()
            self.store.bulk_load(path=str(triples), format=ox.RdfFormat.N_TRIPLES)
        (self.path / UNION_FILE).write_text("the default graph is the union\n", encoding="utf-8")

    def hash_of(self, name: str) -> str:
        """The content hash of one graph of the store."""
        return graph_hash(self.store.quads_for_pattern(None, None, None, ox.NamedNode(name)))

    def keep_hashes(self) -> None:
        """Write the graphs' content hashes beside the store."""
        (self.path / HASHES_FILE).write_text(
            json.dumps(dict(sorted(self.hashes.items())), ensure_ascii=False), encoding="utf-8"
        )

    def update_description(self) -> None:
        """The dataset's description (graph/publishing.py), made again over every graph of
        the store under the licence the store's description stated (the default when
        none), so that its counts and version are those of the whole store."""
        node = ox.NamedNode(str(DESCRIPTION_GRAPH))
        stated = [
            q.object.value
            for q in self.store.quads_for_pattern(
                ox.NamedNode(str(DATASET)), ox.NamedNode(str(DCTERMS.license)), None, node
            )
            if isinstance(q.object, ox.NamedNode)
        ]
        if self.store.contains_named_graph(node):
            self.store.remove_graph(node)
        named = (q for q in self.store if not isinstance(q.graph_name, ox.DefaultGraph))
        tally = data_tally().add_quads(named)
        description, self.described = describe_tally(
            tally, version(), min(stated, default=DEFAULT_LICENSE)
        )
        lines = nquads_lines(description, DESCRIPTION_GRAPH)
        self.store.bulk_load(b"".join(lines), format=ox.RdfFormat.N_QUADS)

    def update_linkset(self) -> None:
        """The linkset graph, computed again over every graph of the store."""
        linkset = ox.NamedNode(str(LINKSET))
        if self.store.contains_named_graph(linkset):
            self.store.remove_graph(linkset)
        links = Dataset()
        graph = links.graph(URIRef("urn:x-policykg:links"))
        for quad in self._link_quads():
            graph.add(rdflib_triple(quad))
        lines = nquads_lines(linkset_graph(links), LINKSET)
        self.store.bulk_load(b"".join(lines), format=ox.RdfFormat.N_QUADS)

    def _link_quads(self) -> list[ox.Quad]:
        """The quads the linkset reads: the links, and the documents' type, titles,
        numbers and sources. One graph holds them all, so a triple that several graphs
        hold counts once per graph as in the dataset: they are kept per graph."""
        policy = ox.NamedNode(str(PKG.PolicyDocument))
        found = [
            q
            for p in LINK_PREDICATES
            for q in self.store.quads_for_pattern(None, ox.NamedNode(str(p)), None, None)
        ]
        found += self.store.quads_for_pattern(None, ox.NamedNode(str(RDF.type)), policy, None)
        documents = {q.subject for q in found if q.object == policy}
        found += [
            q
            for p in DOCUMENT_PREDICATES
            for q in self.store.quads_for_pattern(None, ox.NamedNode(str(p)), None, None)
            if q.subject in documents
        ]
        return found


def rdflib_triple(quad: ox.Quad) -> tuple[Node, Node, Node]:
    """A quad's triple in rdflib terms."""
    return rdflib_term(quad.subject), rdflib_term(quad.predicate), rdflib_term(quad.object)


def open_for_writing(path: Path) -> StoreWriter:
    """A store folder opened for writing (created when missing)."""
    return StoreWriter(path)


def load_file(graph_file: Path, store: Path) -> tuple[int, list[str]]:
    """Bulk-load an N-Quads or TriG file into the store, each named graph replacing its
    namesake; the store's quad count and the graphs loaded. The file is read through once
    before the store is touched, so a file that does not parse changes nothing."""
    from .rdfio import dataset_file_format

    rdf_format = dataset_file_format(
        graph_file, "a store is loaded from N-Quads (.nq) or TriG (.trig)"
    )
    base = graph_file.resolve().as_uri()
    names: set[str] = set()
    try:
        for quad in ox.parse(path=str(graph_file), format=rdf_format.oxigraph, base_iri=base):
            if isinstance(quad.graph_name, ox.NamedNode):
                names.add(quad.graph_name.value)
    except SyntaxError as exc:
        message = exc.msg.split(": ", 1)[-1] if exc.lineno else exc.msg
        raise RDFSyntaxError(
            f"{graph_file}: {message}", line=exc.lineno, column=exc.offset
        ) from None
    with StoreWriter(store) as writer:
        writer.store.clear_graph(ox.DefaultGraph())
        for name in sorted(names):
            node = ox.NamedNode(name)
            if name != str(PLACES) and writer.store.contains_named_graph(node):
                writer.store.remove_graph(node)
        writer.store.bulk_load(path=str(graph_file), format=rdf_format.oxigraph, base_iri=base)
        writer.update_linkset()
        writer.update_description()
        writer.store_union()
        for name in [*names, str(LINKSET), str(DESCRIPTION_GRAPH)]:
            writer.hashes[name] = writer.hash_of(name)
        return len(writer.store), sorted(names)


def as_graph(store: ox.Store, name: str) -> Graph:
    """One named graph of a store as an rdflib Graph."""
    graph = Graph(identifier=URIRef(name))
    for quad in store.quads_for_pattern(None, None, None, ox.NamedNode(name)):
        graph.add(rdflib_triple(quad))
    return graph
