"""Query engines over the policykg dataset: pyoxigraph (default) and rdflib, one interface.

Both serve the default graph as the union of the named graphs (docs/model.md), unless
the query (FROM / FROM NAMED) or the protocol (default-graph-uri / named-graph-uri)
names a dataset, which is then built from local graphs only. Every query passes
`guard.inspect` first, whoever calls: no engine ever evaluates SERVICE, LOAD, an update
or a FROM naming a graph outside the dataset. rdflib decides again on its own parse of
the query (its algebra: SERVICE, FROM, REGEX patterns); pyoxigraph exposes no parse, and
a SERVICE the guard missed meets the network sandbox of the process (an error, never a
connection). Answers come back as a `Result` holding pyoxigraph result objects, so both
engines serialise through the same writers; large Turtle/TriG answers are written as
they come, under the size cap.

Used by the HTTP layer (through `executor.QueryRunner`, which adds the time limit), the
pages (`select_rows`, `describe`, `graphs`, `stats`) and the CLI (`run_query_file`).
"""

from __future__ import annotations

import io
import itertools
import sys
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from policykg.graph.errors import InputError, QueryError, QueryRefused, ResultTooLarge
from policykg.graph.rdfio import read_dataset, read_store, store_of
from policykg.shapes.algebra import dataset_graphs, regex_patterns, service_clauses
from policykg.shapes.sandbox import no_graph_loading

from . import guard
from .linking import is_safe_iri
from .outbound import refuse_outbound
from .protocol import GRAPH_TYPES, RESULTS_TYPES, TURTLE_PREFIXES

UNLIMITED_DEPTH = 400  # for trusted callers; still far below pyoxigraph's crash depth
# Turtle/TriG answers up to this many triples declare only the prefixes they use
PREFIX_SCAN_TRIPLES = 10_000


class Term(str):
    """An RDF term as a plain string (an IRI, or a literal's lexical form) that knows its kind.

    `kind` is 'iri', 'literal' or 'bnode'; literals also carry `datatype` and `lang`.
    """

    __slots__ = ("kind", "datatype", "lang")

    def __new__(
        cls, value: str, kind: str, datatype: str | None = None, lang: str | None = None
    ) -> Term:
        term = super().__new__(cls, value)
        term.kind, term.datatype, term.lang = kind, datatype, lang
        return term

    @property
    def is_iri(self) -> bool:
        return self.kind == "iri"

    @property
    def is_literal(self) -> bool:
        return self.kind == "literal"

    def __reduce__(self):  # picklable across the evaluation pipe
        return (Term, (str(self), self.kind, self.datatype, self.lang))


def to_term(node: Any) -> Term | None:
    """A Term from a pyoxigraph term (None stays None)."""
    if node is None:
        return None
    if isinstance(node, ox.NamedNode):
        return Term(node.value, "iri")
    if isinstance(node, ox.BlankNode):
        return Term(node.value, "bnode")
    if isinstance(node, ox.Literal):
        return Term(node.value, "literal", node.datatype.value, node.language)
    return Term(str(node), "triple")


class _CappedWriter(io.RawIOBase):
    """A byte sink that refuses to grow past a cap (pyoxigraph writes into it)."""

    def __init__(self, cap: int) -> None:
        self.cap, self.parts, self.size = cap, [], 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.size += len(data)
        if self.size > self.cap:
            raise ResultTooLarge(
                f"the answer is larger than {self.cap} bytes",
                hint="add a LIMIT or select fewer variables",
            )
        self.parts.append(bytes(data))
        return len(data)

    def getvalue(self) -> bytes:
        return b"".join(self.parts)


class Result:
    """One query answer: kind 'select', 'ask' or 'graph'. Its rows can be read once."""

    def __init__(self, native: Any) -> None:
        self.native = native
        if isinstance(native, ox.QuerySolutions):
            self.kind = "select"
        elif isinstance(native, ox.QueryBoolean):
            self.kind = "ask"
        else:
            self.kind = "graph"

    @property
    def variables(self) -> list[str]:
        return [v.value for v in self.native.variables] if self.kind == "select" else []

    @property
    def boolean(self) -> bool:
        return bool(self.native)

    def rows(self) -> list[dict[str, Term | None]]:
        """SELECT solutions as dicts of variable name to Term (unbound: None)."""
        names = self.variables
        return [{name: to_term(solution[name]) for name in names} for solution in self.native]

    def triples(self) -> list[tuple[Term, Term, Term]]:
        """CONSTRUCT/DESCRIBE triples as (subject, predicate, object) Terms."""
        return [(to_term(t.subject), to_term(t.predicate), to_term(t.object)) for t in self.native]

    def serialize(self, media_type: str, max_bytes: int = sys.maxsize) -> bytes:
        """The whole answer in `media_type`; ResultTooLarge past `max_bytes`."""
        out = _CappedWriter(max_bytes)
        if self.kind == "graph":
            fmt = GRAPH_TYPES[media_type][1]
            if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
                # prefixes come first: those of a small answer are the ones it uses; a large
                # answer is written as it comes (never held whole) with all of them
                head = list(itertools.islice(self.native, PREFIX_SCAN_TRIPLES))
                prefixes = (
                    used_prefixes(head) if len(head) < PREFIX_SCAN_TRIPLES else TURTLE_PREFIXES
                )
                triples = itertools.chain(head, self.native)
                ox.serialize(triples, out, format=fmt, prefixes=prefixes)
            else:
                ox.serialize(self.native, out, format=fmt)
        else:
            self.native.serialize(out, format=RESULTS_TYPES[media_type][1])
        return out.getvalue()


def _namespace(iri: str) -> str:
    return iri[: max(iri.rfind("#"), iri.rfind("/")) + 1]


def used_prefixes(triples: Sequence[Any]) -> dict[str, str]:
    """The Turtle prefixes whose namespace some IRI of the triples is in (no unused lines)."""
    namespaces = set()
    for triple in triples:
        for term in (triple.subject, triple.predicate, triple.object):
            if isinstance(term, ox.NamedNode):
                namespaces.add(_namespace(term.value))
            elif isinstance(term, ox.Literal):
                namespaces.add(_namespace(term.datatype.value))
    return {p: ns for p, ns in TURTLE_PREFIXES.items() if ns in namespaces}


@dataclass
class Stats:
    """Counts for the landing page and the VoID description."""

    triples: int
    graphs: dict[str, int] = field(default_factory=dict)
    entities: int = 0
    classes: int = 0
    properties: int = 0


_STATS_QUERY = """
SELECT (COUNT(DISTINCT ?s) AS ?entities) (COUNT(DISTINCT ?c) AS ?classes)
       (COUNT(DISTINCT ?p) AS ?properties)
WHERE { { ?s ?p ?o FILTER(isIRI(?s)) } UNION { ?x a ?c } }
"""
_GRAPH_COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"


class Engine(ABC):
    """A read-only SPARQL engine over one dataset."""

    name = "abstract"
    check_regex = False  # True for engines whose regex backtracks

    def __init__(self, base_iri: str | None = None) -> None:
        self.base_iri = base_iri

    @abstractmethod
    def _evaluate(
        self,
        sparql: str,
        info: guard.QueryInfo,
        default_graphs: Sequence[str],
        named_graphs: Sequence[str],
    ) -> Result:
        """Evaluate a query that passed the guard."""

    @abstractmethod
    def graphs(self) -> list[str]:
        """The IRIs of the dataset's named graphs, sorted."""

    @abstractmethod
    def dump(self, media_type: str) -> bytes:
        """The whole dataset in a quad format (application/n-quads, application/trig) or JSON-LD."""

    @cached_property
    def graph_set(self) -> frozenset[str]:
        return frozenset(self.graphs())

    def inspect(
        self,
        sparql: str,
        max_depth: int = UNLIMITED_DEPTH,
        max_length: int = sys.maxsize,
        max_chain: int = guard.DEFAULT_MAX_CHAIN,
    ) -> guard.QueryInfo:
        """Run the guard with this engine's rules (regex rules for rdflib)."""
        return guard.inspect(
            sparql,
            known_graphs=self.graph_set,
            max_depth=max_depth,
            max_length=max_length,
            max_chain=max_chain,
            check_regex=self.check_regex,
            base=self.base_iri,
        )

    def query(
        self,
        sparql: str,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        info: guard.QueryInfo | None = None,
    ) -> Result:
        """Evaluate a query; protocol graph IRIs, when given, replace the query's dataset.

        Raises QueryError (malformed) or QueryRefused (never evaluated).
        """
        if info is None:
            info = self.inspect(sparql)
        guard.check_graphs(
            list(default_graph_uris) + list(named_graph_uris),
            self.graph_set,
            "the protocol dataset",
        )
        return self._evaluate(sparql, info, list(default_graph_uris), list(named_graph_uris))

    def select_rows(self, sparql: str) -> list[dict[str, Term | None]]:
        """A SELECT query's solutions as plain dicts (IRIs and lexical forms as Term strings)."""
        result = self.query(sparql)
        if result.kind != "select":
            raise QueryError("select_rows needs a SELECT query")
        return result.rows()

    def ask(self, sparql: str) -> bool:
        """An ASK query's answer."""
        return self.query(sparql).boolean

    def describe(self, iri: str) -> Result:
        """Every triple with `iri` as subject, from all graphs (a graph Result)."""
        if not is_safe_iri(iri):
            raise QueryError(f"not an IRI: {iri!r}")
        return self.query(f"CONSTRUCT {{ <{iri}> ?p ?o }} WHERE {{ <{iri}> ?p ?o }}")

    @cached_property
    def _stats(self) -> Stats:
        counts = {str(r["g"]): int(r["n"]) for r in self.select_rows(_GRAPH_COUNTS)}
        row = self.select_rows(_STATS_QUERY)[0]
        return Stats(
            triples=sum(counts.values()),
            graphs=counts,
            entities=int(row["entities"]),
            classes=int(row["classes"]),
            properties=int(row["properties"]),
        )

    def stats(self) -> Stats:
        """Triples, per-graph triple counts, distinct entities, classes and properties."""
        return self._stats


class OxigraphEngine(Engine):
    """pyoxigraph's in-memory Store: the fast engine (linear-time regex)."""

    name = "oxigraph"

    def __init__(self, store: ox.Store, base_iri: str | None = None) -> None:
        super().__init__(base_iri)
        self.store = store

    @classmethod
    def from_path(cls, path: Path | str, base_iri: str | None = None) -> OxigraphEngine:
        return cls(read_store(path), base_iri)

    @classmethod
    def from_dataset(cls, dataset: Any, base_iri: str | None = None) -> OxigraphEngine:
        return cls(store_of(dataset), base_iri)

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))

    def dump(self, media_type: str) -> bytes:
        fmt = GRAPH_TYPES[media_type][1]
        if fmt.supports_datasets:
            return self.store.dump(
                format=fmt, prefixes=TURTLE_PREFIXES if fmt == ox.RdfFormat.TRIG else None
            )
        return ox.serialize(self.store.quads_for_pattern(None, None, None, None), format=fmt)

    def _evaluate(self, sparql, info, default_graphs, named_graphs) -> Result:
        kwargs: dict[str, Any] = {"base_iri": self.base_iri}
        if default_graphs or named_graphs:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        elif not info.has_dataset_clause:
            # with the union flag set, pyoxigraph 0.5 ignores FROM: set it only without one
            kwargs["use_default_graph_as_union"] = True
        try:
            return Result(self.store.query(sparql, **kwargs))
        except SyntaxError as exc:
            raise QueryError(f"malformed query: {exc}") from exc
        except OSError as exc:  # SERVICE reached the sandbox's wall (server/sandbox.py)
            raise QueryRefused(
                f"the query asked for a network connection, which this service never opens ({exc})"
            ) from None


class RdflibEngine(Engine):
    """rdflib's SPARQL engine over a Dataset, its default graph the union: the reference
    engine.

    rdflib would dereference FROM graphs and follow SERVICE with urlopen: every evaluation
    runs with graph loading off and outbound requests refused, and the algebra is checked
    before it runs.
    """

    name = "rdflib"
    check_regex = True

    def __init__(self, dataset: Any, base_iri: str | None = None) -> None:
        from rdflib import Dataset

        super().__init__(base_iri)
        # a view of the caller's dataset whose default graph is the union (the caller's
        # own dataset is left as it is)
        self.dataset = Dataset(store=dataset.store, default_union=True)

    @classmethod
    def from_path(cls, path: Path | str, base_iri: str | None = None) -> RdflibEngine:
        with refuse_outbound():  # behind rdfio's own refusals (remote contexts, DTDs)
            return cls(read_dataset([path]), base_iri)

    @classmethod
    def from_dataset(cls, dataset: Any, base_iri: str | None = None) -> RdflibEngine:
        return cls(dataset, base_iri)

    def graphs(self) -> list[str]:
        from rdflib import URIRef

        return sorted(
            str(g.identifier)
            for g in self.dataset.graphs()
            if isinstance(g.identifier, URIRef)
            and len(g)
            and str(g.identifier) != "urn:x-rdflib:default"
        )

    def dump(self, media_type: str) -> bytes:
        nquads = self.dataset.serialize(format="nquads", encoding="utf-8")
        fmt = GRAPH_TYPES[media_type][1]
        return ox.serialize(ox.parse(nquads, format=ox.RdfFormat.N_QUADS), format=fmt)

    def _evaluate(self, sparql, info, default_graphs, named_graphs) -> Result:
        from pyparsing import ParseException
        from rdflib.plugins.sparql import prepareQuery
        from rdflib.plugins.sparql.parserutils import CompValue

        try:
            prepared = prepareQuery(sparql, base=self.base_iri)
        except ParseException as exc:
            raise QueryError(
                f"malformed query at line {exc.lineno}, column {exc.col}: {exc.msg}"
            ) from exc
        except Exception as exc:  # rdflib raises a bare Exception for an unknown prefix
            raise QueryError(f"malformed query: {exc}") from exc
        self._refuse_on_algebra(prepared)
        if default_graphs or named_graphs:
            clauses = [CompValue("DatasetClause", default=_uri(g)) for g in default_graphs]
            clauses += [CompValue("DatasetClause", named=_uri(g)) for g in named_graphs]
            prepared.algebra["datasetClause"] = clauses
        with refuse_outbound(), no_graph_loading():
            return _rdflib_to_result(self.dataset.query(prepared))

    def _refuse_on_algebra(self, prepared: Any) -> None:
        """The guard's rules once more, on rdflib's own parse of the query: no SERVICE, FROM
        only of the dataset's graphs, REGEX/REPLACE patterns that cannot backtrack for ever."""
        services = service_clauses(prepared)
        if services:
            raise QueryRefused(f"{guard.REFUSED['SERVICE']} (<{services[0]}>)")
        default, named = dataset_graphs(prepared)
        guard.check_graphs(default + named, self.graph_set, "FROM")
        for pattern in regex_patterns(prepared):
            guard.check_pattern(pattern, "in the parsed query")


def _uri(iri: str) -> Any:
    from rdflib import URIRef

    return URIRef(iri)


def _rdflib_to_result(result: Any) -> Result:
    """Carry an rdflib answer over into pyoxigraph result objects (same writers for both)."""
    if result.type in ("SELECT", "ASK"):
        data = result.serialize(format="json")
        return Result(ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON))
    nt = result.graph.serialize(format="nt", encoding="utf-8")
    return Result(_TripleList(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)))


class _TripleList(list):
    """A materialised CONSTRUCT/DESCRIBE answer (iterable of pyoxigraph Triples)."""

    def __init__(self, quads: Iterable[Any]) -> None:
        super().__init__(q.triple for q in quads)


ENGINES = {"oxigraph": OxigraphEngine, "rdflib": RdflibEngine}


def open_engine(
    name: str = "oxigraph", data: Path | str | None = None, base_iri: str | None = None
) -> Engine:
    """An engine over a data file, or over the bundled corpus built in memory when None."""
    cls = ENGINES[name]
    if data is not None:
        return cls.from_path(data, base_iri)
    from policykg.graph.pipeline import build_dataset

    return cls.from_dataset(build_dataset(), base_iri)


_CLI_TYPES = {
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "json": "application/sparql-results+json",
}


def run_query_file(
    path: Path | str, data: Path | str | None = None, format: str = "csv", engine: str = "oxigraph"
) -> str:
    """The answer to the query in `path` over `data` (None: the bundled corpus) as text.

    `format` is csv | tsv | json (SPARQL 1.1 result formats) for SELECT and ASK; a
    CONSTRUCT or DESCRIBE answer is written as Turtle whatever the format.
    """
    if format not in _CLI_TYPES:
        raise InputError(f"unknown format {format!r}", hint="use csv, tsv or json")
    try:
        sparql = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read query file {path}: {exc}") from exc
    result = open_engine(engine, data).query(sparql)
    media_type = "text/turtle" if result.kind == "graph" else _CLI_TYPES[format]
    return result.serialize(media_type).decode("utf-8")
