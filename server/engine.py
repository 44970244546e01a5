"""Query engines over the policykg dataset: pyoxigraph (default) and rdflib, one interface.

Everything the HTTP layer, the pages, the CLI, the exports and the evaluation children
ask of a dataset is a method of :class:`Engine`; no caller looks behind it. Both engines
answer with the same objects: :class:`Result` for queries (holding pyoxigraph result
objects, so that both are written by server/serialize.py alike) and :class:`Term` for
every RDF term (select, triples, a result's rows and triples).

Both serve the default graph as the union of the named graphs (docs/model.md), unless
the query (FROM / FROM NAMED) or the protocol (default-graph-uri / named-graph-uri)
names a dataset, which is then built from local graphs only. Every query given to
:meth:`Engine.query` passes `guard.inspect` first, whoever calls: no engine ever
evaluates SERVICE, LOAD or an update, and a FROM naming a graph outside the dataset is an
empty graph (never fetched: rdflib's graph loading is off around each evaluation). rdflib
decides again on its own parse of the query (its algebra: SERVICE, FROM, REGEX
patterns); pyoxigraph exposes no parse, and a SERVICE the guard missed meets the network
sandbox of the process (an error, never a connection). :meth:`Engine.select` and
:meth:`Engine.triples` are for the queries and patterns the pages write themselves.

A constructor changes nothing but the engine: rdflib's graph loading is switched off
around each evaluation only (policykg.shapes.sandbox), and an rdflib dataset handed over
is read through a union view, never modified.
"""

from __future__ import annotations

import os
import sys
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlencode

import pyoxigraph as ox

from policykg.graph.errors import QueryError, QueryRefused
from policykg.graph.namespaces import BASE, PREFIXES, sparql_prologue
from policykg.graph.publishing import content_digest, statistics
from policykg.graph.rdfio import read_dataset, read_store, store_of
from policykg.graph.remote import Remote
from policykg.graph.tally import Statistics
from policykg.shapes.algebra import dataset_graphs, regex_patterns, service_clauses
from policykg.shapes.sandbox import no_graph_loading

from . import guard
from .linking import is_safe_iri
from .outbound import refuse_outbound
from .query_errors import explain
from .serialize import write_rdf, write_results

UNLIMITED_DEPTH = 400  # for trusted callers; still far below pyoxigraph's crash depth
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


class Term(str):
    """An RDF term as a plain string (an IRI, a blank node's label, or a literal's lexical
    form) that knows its kind: the one term model of both engines.

    `kind` is 'iri', 'literal' or 'bnode'; a literal also has its `datatype` (xsd:string
    for a plain one, rdf:langString with a language) and `lang`. Terms compare as strings;
    `key` tells apart terms whose text is the same.
    """

    __slots__ = ("kind", "datatype", "lang")
    kind: str
    datatype: str | None
    lang: str | None

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

    @property
    def is_bnode(self) -> bool:
        return self.kind == "bnode"

    @property
    def key(self) -> tuple[str, str, str | None, str | None]:
        """What makes two terms the same term (not only the same text)."""
        return (self.kind, str(self), self.datatype, self.lang)

    def as_date(self) -> date | None:
        """An xsd:date literal's date, else None."""
        if self.datatype != XSD + "date":
            return None
        try:
            return date.fromisoformat(str(self)[:10])
        except ValueError:
            return None

    def __reduce__(self) -> tuple[type[Term], tuple[str, str, str | None, str | None]]:
        # picklable across the evaluation pipe
        return (Term, (str(self), self.kind, self.datatype, self.lang))


Row = dict[str, Term]
Triple = tuple[Term, Term, Term]


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


def term_of(node: Any) -> Term:
    """A Term from a pyoxigraph term that is there (a triple's, a bound variable's)."""
    term = to_term(node)
    if term is None:
        raise QueryError("a term was expected where none is")
    return term


def terms_of(triple: Any) -> tuple[Term, Term, Term]:
    """A pyoxigraph triple (or quad) as three Terms."""
    return term_of(triple.subject), term_of(triple.predicate), term_of(triple.object)


def from_rdflib(node: Any) -> Term:
    """A Term from an rdflib term, as pyoxigraph would give it."""
    from rdflib import BNode, Literal

    if isinstance(node, Literal):
        if node.language:
            return Term(str(node), "literal", RDF_LANG_STRING, node.language)
        return Term(str(node), "literal", str(node.datatype or XSD + "string"))
    return Term(str(node), "bnode" if isinstance(node, BNode) else "iri")


def to_oxigraph(term: str | None) -> Any:
    """A pyoxigraph term for a Term, or an IRI for any other string (None stays None)."""
    if term is None:
        return None
    if isinstance(term, Term) and term.kind == "bnode":
        return ox.BlankNode(str(term))
    if isinstance(term, Term) and term.kind == "literal":
        if term.lang:
            return ox.Literal(str(term), language=term.lang)
        return ox.Literal(str(term), datatype=ox.NamedNode(term.datatype or XSD + "string"))
    return ox.NamedNode(str(term))


def to_rdflib(term: str | None) -> Any:
    """An rdflib term for a Term, or an IRI for any other string (None stays None)."""
    from rdflib import BNode, Literal, URIRef

    if term is None:
        return None
    if isinstance(term, Term) and term.kind == "bnode":
        return BNode(str(term))
    if isinstance(term, Term) and term.kind == "literal":
        if term.lang:
            return Literal(str(term), lang=term.lang)
        datatype = term.datatype
        return Literal(str(term), datatype=None if datatype == XSD + "string" else datatype)
    return URIRef(str(term))


def oxigraph_triple(triple: Triple) -> ox.Triple:
    """A pyoxigraph Triple from three Terms (to be written by server/serialize.py)."""
    return ox.Triple(*(to_oxigraph(t) for t in triple))


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
        return [terms_of(t) for t in self.native]

    def serialize(self, media_type: str, max_bytes: int = sys.maxsize) -> bytes:
        """The whole answer in `media_type`; ResultTooLarge past `max_bytes`."""
        if self.kind == "graph":
            return write_rdf(self.native, media_type, max_bytes)
        return write_results(self.native, media_type, max_bytes)


# The counts of the landing page, the VoID description and /healthz: graph/publishing.py's,
# so that the server counts what a build states in its description.
Stats = Statistics


class Engine(ABC):
    """A read-only SPARQL engine over one dataset."""

    name = "abstract"
    check_regex = False  # True for engines whose regex backtracks
    remote: Remote | None = None  # the store over the network that answers, if any

    def __init__(self, base_iri: str | None = None) -> None:
        self.base_iri = base_iri

    # -- what each engine provides ----------------------------------------------------------

    @classmethod
    @abstractmethod
    def from_path(cls, path: Path | str, base_iri: str | None = None) -> Engine:
        """An engine over an RDF file (any format policykg.graph.rdfio reads)."""

    @classmethod
    @abstractmethod
    def from_dataset(cls, dataset: Any, base_iri: str | None = None) -> Engine:
        """An engine over an rdflib Dataset (left as it is)."""

    @abstractmethod
    def graphs(self) -> list[str]:
        """The IRIs of the dataset's named graphs, sorted."""

    @abstractmethod
    def quads(self) -> Iterable[ox.Quad]:
        """Every quad of the dataset, as pyoxigraph quads (for the downloads)."""

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
    def _solutions(self, sparql: str) -> Iterator[Row]:
        """The solutions of a trusted SELECT over the union, prefixes predeclared."""

    @abstractmethod
    def _matches(self, s: Any, p: Any, o: Any, graph: Any) -> Iterator[Triple]:
        """The triples matching a pattern of Terms (None: any), one per graph holding it."""

    # -- what every caller uses ---------------------------------------------------------------

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
        return self._evaluate(sparql, info, list(default_graph_uris), list(named_graph_uris))

    def select_rows(self, sparql: str) -> list[dict[str, Term | None]]:
        """A SELECT query's solutions, every variable present (unbound: None)."""
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

    def select(self, sparql: str) -> list[Row]:
        """The solutions of a SELECT the caller wrote (policykg prefixes predeclared) over
        the union of the graphs read as the RDF merge, a set: a solution repeated because
        two graphs hold the same triple comes once. Unbound variables are left out."""
        rows: list[Row] = []
        seen: set[frozenset[tuple[str, tuple[str, str, str | None, str | None]]]] = set()
        for row in self._solutions(sparql):
            key = frozenset((name, term.key) for name, term in row.items())
            if key not in seen:
                seen.add(key)
                rows.append(row)
        return rows

    def triples(
        self, s: str | None, p: str | None, o: str | None, graph: str | None = None
    ) -> Iterator[Triple]:
        """The distinct triples matching a pattern, in one named graph or in all of them.
        A pattern's term is a Term, or a plain string for an IRI; None matches anything."""
        seen: set[tuple[tuple[str, str, str | None, str | None], ...]] = set()
        for triple in self._matches(s, p, o, graph):
            key = tuple(t.key for t in triple)
            if key not in seen:
                seen.add(key)
                yield triple

    def dump(self, media_type: str) -> bytes:
        """The whole dataset in a dataset format (N-Quads, TriG, JSON-LD)."""
        return write_rdf(self.quads(), media_type)

    @cached_property
    def _stats(self) -> Stats:
        return statistics(self.quads(), f"{self.base_iri or BASE}id/")

    def stats(self) -> Stats:
        """The VoID statistics: statements (those of the dump), per named graph, distinct
        triples, entities under BASE_IRI's id/, classes, properties (graph/publishing.py)."""
        return self._stats

    @cached_property
    def version(self) -> str:
        """The dataset's version: a digest of its content (graph/publishing.py), the same
        a build states as dcat:version and whichever engine serves it."""
        return content_digest(self.quads())


class OxigraphEngine(Engine):
    """pyoxigraph's Store, in memory or on disk: the fast engine (linear-time regex).

    An on-disk store (``from_store``) is opened read-only in each process that uses it
    (a forked worker or evaluation child opens its own handle), so every process reads
    the one store and starting costs the same whatever the data; its statistics are
    those the store's writer recorded (graph/store.py), and so is its version."""

    name = "oxigraph"

    def __init__(
        self, store: ox.Store | None, base_iri: str | None = None, path: Path | None = None
    ) -> None:
        super().__init__(base_iri)
        self._store = store
        self.path = path
        self._opened_in = os.getpid()
        # the default graph holds the union itself (graph/store.py): read it as it is
        self.union_stored = False

    @property
    def store(self) -> ox.Store:
        if self.path is not None and (self._store is None or self._opened_in != os.getpid()):
            from policykg.graph.store import open_read_only

            self._store, self._opened_in = open_read_only(self.path), os.getpid()
        assert self._store is not None
        return self._store

    @classmethod
    def from_path(cls, path: Path | str, base_iri: str | None = None) -> OxigraphEngine:
        return cls(read_store(path), base_iri)

    @classmethod
    def from_store(cls, path: Path, base_iri: str | None = None) -> OxigraphEngine:
        """An engine over an on-disk store folder, opened read-only."""
        from policykg.graph.store import has_stored_union, recorded_counts

        engine = cls(None, base_iri, Path(path))
        engine.store  # noqa: B018 (opened now: an error is said before serving)
        engine.union_stored = has_stored_union(Path(path))
        recorded = recorded_counts(Path(path))
        if recorded is not None:  # else counted (every quad read) when first asked
            engine.__dict__["_stats"] = recorded.statistics
            engine.__dict__["version"] = recorded.version
        return engine

    @classmethod
    def from_dataset(cls, dataset: Any, base_iri: str | None = None) -> OxigraphEngine:
        return cls(store_of(dataset), base_iri)

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))

    def quads(self) -> Iterable[ox.Quad]:
        return self._named(self.store.quads_for_pattern(None, None, None, None))

    def _named(self, quads: Iterable[ox.Quad]) -> Iterable[ox.Quad]:
        """The quads of the named graphs (not the stored union's copies)."""
        if not self.union_stored:
            return quads
        return (q for q in quads if not isinstance(q.graph_name, ox.DefaultGraph))

    def _evaluate(
        self,
        sparql: str,
        info: guard.QueryInfo,
        default_graphs: Sequence[str],
        named_graphs: Sequence[str],
    ) -> Result:
        kwargs: dict[str, Any] = {"base_iri": self.base_iri}
        if default_graphs or named_graphs:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        elif not info.has_dataset_clause and not self.union_stored:
            # with the union flag set, pyoxigraph 0.5 ignores FROM: set it only without one
            kwargs["use_default_graph_as_union"] = True
        try:
            return Result(self.store.query(sparql, **kwargs))
        except SyntaxError as exc:
            raise _malformed(sparql, str(exc)) from None
        except OSError as exc:  # SERVICE reached the sandbox's wall (server/sandbox.py)
            raise QueryRefused(
                f"the query asked for a network connection, which this service never opens ({exc})"
            ) from None

    def _solutions(self, sparql: str) -> Iterator[Row]:
        solutions = self.store.query(
            sparql, prefixes=dict(PREFIXES), use_default_graph_as_union=not self.union_stored
        )
        if not isinstance(solutions, ox.QuerySolutions):
            raise QueryError("a SELECT query was expected")
        names = [v.value for v in solutions.variables]
        for solution in solutions:
            yield {name: term_of(solution[name]) for name in names if solution[name] is not None}

    def _matches(self, s: Any, p: Any, o: Any, graph: Any) -> Iterator[Triple]:
        pattern = (to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), to_oxigraph(graph))
        for quad in self._named(self.store.quads_for_pattern(*pattern)):
            yield terms_of(quad)


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

    def quads(self) -> Iterable[ox.Quad]:
        nquads = self.dataset.serialize(format="application/n-quads", encoding="utf-8")
        return ox.parse(nquads, format=ox.RdfFormat.N_QUADS)

    def _evaluate(
        self,
        sparql: str,
        info: guard.QueryInfo,
        default_graphs: Sequence[str],
        named_graphs: Sequence[str],
    ) -> Result:
        from rdflib import URIRef
        from rdflib.plugins.sparql.parserutils import CompValue

        prepared = parse_with_rdflib(sparql, self.base_iri)
        refuse_on_algebra(prepared)
        if default_graphs or named_graphs:
            clauses = [CompValue("DatasetClause", default=URIRef(g)) for g in default_graphs]
            clauses += [CompValue("DatasetClause", named=URIRef(g)) for g in named_graphs]
            prepared.algebra["datasetClause"] = clauses
        with refuse_outbound(), no_graph_loading():
            return _rdflib_to_result(self.dataset.query(prepared))

    def _solutions(self, sparql: str) -> Iterator[Row]:
        result = self.dataset.query(sparql_prologue() + sparql)
        names = [str(v) for v in result.vars or []]
        for row in cast(Iterable[Any], result):
            yield {name: from_rdflib(row[name]) for name in names if row[name] is not None}

    def _matches(self, s: Any, p: Any, o: Any, graph: Any) -> Iterator[Triple]:
        from rdflib import Graph

        # a Graph over the same store reads one named graph without registering it
        context = None if graph is None else Graph(store=self.dataset.store, identifier=graph)
        pattern = (to_rdflib(s), to_rdflib(p), to_rdflib(o), context)
        for s2, p2, o2, _ in self.dataset.quads(pattern):
            yield (from_rdflib(s2), from_rdflib(p2), from_rdflib(o2))


def _malformed(sparql: str, engine_message: str) -> QueryError:
    """The error of a query an engine could not parse, in words a person can act on."""
    explained = explain(sparql, engine_message)
    return QueryError(f"malformed query: {explained.message}", hint=explained.hint)


def refuse_on_algebra(prepared: Any, known_graphs: frozenset[str] | None = None) -> None:
    """The guard's rules once more, on rdflib's own parse of the query: no SERVICE,
    REGEX/REPLACE patterns that cannot backtrack for ever, and, for a store elsewhere
    (``known_graphs``), FROM only of its graphs. A local engine reads a FROM graph it does
    not hold as empty (graph loading is off while rdflib evaluates); a store elsewhere is
    not trusted to do the same, so such a FROM is refused before it is asked."""
    services = service_clauses(prepared)
    if services:
        raise QueryRefused(f"{guard.REFUSED['SERVICE']} (<{services[0]}>)")
    if known_graphs is not None:
        default, named = dataset_graphs(prepared)
        for iri in default + named:
            if iri not in known_graphs:
                raise QueryRefused(
                    f"FROM names <{iri}>, which is not a graph in this dataset",
                    hint="graphs are never fetched; the service description lists the graphs",
                )
    for pattern in regex_patterns(prepared):
        guard.check_pattern(pattern, "in the parsed query")


def parse_with_rdflib(sparql: str, base_iri: str | None) -> Any:
    """rdflib's parse of a query (its algebra), QueryError when it does not parse."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql import prepareQuery

    try:
        return prepareQuery(sparql, base=base_iri)
    except ParseException as exc:
        raise _malformed(sparql, f"{exc.msg} (line:{exc.lineno}, col:{exc.col})") from None
    except Exception as exc:  # rdflib raises a bare Exception for an unknown prefix
        raise _malformed(sparql, str(exc)) from None


class UpstreamEngine(Engine):
    """A SPARQL endpoint elsewhere (`serve --upstream`): the same interface, every query
    answered by that store over HTTP (graph/remote.py, the only place that connects).

    Queries reach it only after the guard and a second decision on rdflib's parse of the
    query (no SERVICE, whatever the spelling, so the upstream is never asked to fetch
    anything; FROM only of the upstream's graphs). The server relays from its own worker
    processes (``remote``): the evaluation children, which cannot open sockets, are not
    used. The default graph must be the union of the named graphs there (for `oxigraph
    serve`, --union-default-graph; the README says what other stores need)."""

    name = "upstream"

    def __init__(self, remote: Remote, base_iri: str | None = None) -> None:
        super().__init__(base_iri)
        self.remote: Remote = remote

    @classmethod
    def from_path(cls, path: Path | str, base_iri: str | None = None) -> Engine:
        raise QueryError("an upstream engine reads no file")

    @classmethod
    def from_dataset(cls, dataset: Any, base_iri: str | None = None) -> Engine:
        raise QueryError("an upstream engine holds no dataset")

    def _ask_upstream(
        self,
        sparql: str,
        accept: str,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
    ) -> tuple[str, bytes]:
        fields = [("query", sparql)]
        fields += [("default-graph-uri", g) for g in default_graphs]
        fields += [("named-graph-uri", g) for g in named_graphs]
        return self.remote.request(
            "POST",
            self.remote.url,
            urlencode(fields).encode("utf-8"),
            {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
        )

    def _answer(
        self, sparql: str, form: str | None, default: Sequence[str] = (), named: Sequence[str] = ()
    ) -> Result:
        if form in ("CONSTRUCT", "DESCRIBE"):
            _, body = self._ask_upstream(sparql, "application/n-triples", default, named)
            quads = ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
            return Result(_TripleList(quads))
        _, body = self._ask_upstream(sparql, "application/sparql-results+json", default, named)
        return Result(ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON))

    def graphs(self) -> list[str]:
        rows = self._answer("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }", "SELECT").rows()
        return sorted(str(r["g"]) for r in rows if r["g"] is not None and r["g"].is_iri)

    def quads(self) -> Iterable[ox.Quad]:
        rows = self._answer("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }", "SELECT").rows()
        return [ox.Quad(*(to_oxigraph(r[k]) for k in ("s", "p", "o", "g"))) for r in rows]

    def _evaluate(
        self,
        sparql: str,
        info: guard.QueryInfo,
        default_graphs: Sequence[str],
        named_graphs: Sequence[str],
    ) -> Result:
        refuse_on_algebra(parse_with_rdflib(sparql, self.base_iri), self.graph_set)
        return self._answer(sparql, info.form, default_graphs, named_graphs)

    def _solutions(self, sparql: str) -> Iterator[Row]:
        result = self._answer(sparql_prologue() + sparql, "SELECT")
        for row in result.rows():
            yield {name: term for name, term in row.items() if term is not None}

    def _matches(self, s: Any, p: Any, o: Any, graph: Any) -> Iterator[Triple]:
        terms = [
            str(to_oxigraph(t)) if t is not None else f"?{v}"
            for t, v in ((s, "s"), (p, "p"), (o, "o"))
        ]
        where = f"GRAPH {str(to_oxigraph(graph)) if graph is not None else '?g'}"
        query = f"SELECT * WHERE {{ {where} {{ {' '.join(terms)} }} }}"
        for row in self._answer(query, "SELECT").rows():
            yield (
                row.get("s") or term_of(to_oxigraph(s)),
                row.get("p") or term_of(to_oxigraph(p)),
                row.get("o") or term_of(to_oxigraph(o)),
            )


def _rdflib_to_result(result: Any) -> Result:
    """Carry an rdflib answer over into pyoxigraph result objects (same writers for both)."""
    if result.type in ("SELECT", "ASK"):
        data = result.serialize(format="json")
        return Result(ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON))
    nt = result.graph.serialize(format="nt", encoding="utf-8")
    return Result(_TripleList(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)))


class _TripleList(list[Any]):
    """A materialised CONSTRUCT/DESCRIBE answer (iterable of pyoxigraph Triples)."""

    def __init__(self, quads: Iterable[Any]) -> None:
        super().__init__(q.triple for q in quads)


ENGINES: dict[str, type[Engine]] = {"oxigraph": OxigraphEngine, "rdflib": RdflibEngine}


def upstream_engine(
    url: str, headers: dict[str, str], timeout: float, base_iri: str | None = None
) -> UpstreamEngine:
    """An engine over the SPARQL endpoint at ``url`` (checked to answer now)."""
    engine = UpstreamEngine(Remote(url, headers, timeout), base_iri)
    engine.graph_set  # noqa: B018 (asked now: an unreachable store is said before serving)
    return engine


def open_engine(
    name: str = "oxigraph", data: Path | str | None = None, base_iri: str | None = None
) -> Engine:
    """An engine over a data file, or over the bundled corpus built in memory when None."""
    cls = ENGINES[name]
    if data is not None:
        return cls.from_path(data, base_iri)
    from policykg.graph.pipeline import build_dataset

    return cls.from_dataset(build_dataset(), base_iri)
