"""The SPARQL sandbox for the queries of the shapes: they run on the data graph only.

pySHACL hands rdflib the text of a SHACL-SPARQL query for every focus node and every
validation. The queries come from the shapes, which the user may supply (``--shapes``):
a query with a ``SERVICE`` clause is refused before evaluation (rdflib would request the
service), and so are FROM clauses and every update (``LOAD`` fetches a document), on
rdflib's own parse of the query (shapes/algebra.py). :func:`no_graph_loading` keeps
rdflib from loading the graphs a query names while policykg evaluates with rdflib (the
validation here, the rdflib query engine of the server).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Mapping
from typing import Any

import rdflib.plugins.sparql
from rdflib import Graph
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Processor, Result
from rdflib.term import Identifier

from policykg.graph.errors import QueryError, QueryRefused

from .algebra import service_clauses


class PreparedQueryGraph(Graph):
    """A Graph that parses each distinct SPARQL query text once per process, and never
    lets a query reach outside the graph.

    rdflib's pyparsing-based parser costs tens of milliseconds a query, and pySHACL sends
    the same few texts for every focus node: the parsed algebra does not depend on the
    focus node, which arrives as a binding.
    """

    _prepared: dict[tuple[str, tuple[tuple[str, str], ...], str | None], Query] = {}

    def query(
        self,
        query_object: str | Query,
        processor: str | Processor = "sparql",
        result: str | type[Result] = "sparql",
        initNs: Mapping[str, Any] | None = None,  # noqa: N803 - rdflib's names
        initBindings: Mapping[str, Identifier] | None = None,  # noqa: N803
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Result:
        """rdflib's Graph.query, with the query parsed once and refused when unsafe."""
        if isinstance(query_object, str):  # checked once, when prepared
            query_object = self.prepared(query_object, initNs, kwargs.pop("base", None))
            initNs = None  # noqa: N806 - applied when the query was prepared
        elif isinstance(query_object, Query):
            refuse_outside_access(query_object)
        return super().query(
            query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs
        )

    def update(self, update_object: object, *args: Any, **kwargs: Any) -> None:
        """Refused: validation never changes the data or loads documents."""
        raise QueryRefused(
            "a SPARQL update (INSERT, DELETE, LOAD …) is refused during validation",
            hint="shapes may only use SELECT, ASK and CONSTRUCT queries",
        )

    @classmethod
    def prepared(cls, text: str, init_ns: Mapping[str, Any] | None, base: str | None) -> Query:
        """The parsed and checked query of a text (with its extra prefixes and base), once
        per process; raise QueryError when it does not parse, QueryRefused when unsafe."""
        namespaces = tuple(sorted((k, str(v)) for k, v in (init_ns or {}).items()))
        key = (canonical_query_text(text), namespaces, base)
        prepared = cls._prepared.get(key)
        if prepared is None:
            try:
                prepared = prepareQuery(text, initNs=dict(namespaces) or None, base=base)
            except Exception as exc:  # pyparsing's and rdflib's errors share no base class
                raise QueryError(
                    f"a SHACL-SPARQL query of the shapes does not parse: {exc}",
                    hint="check the sh:select / sh:ask / sh:construct queries",
                ) from None
            refuse_outside_access(prepared)
            cls._prepared[key] = prepared
        return prepared


def refuse_outside_access(query: Query) -> None:
    """Raise QueryRefused when the query names a graph to load (FROM, FROM NAMED) or its
    algebra holds a SERVICE clause (anywhere: in a subquery, an OPTIONAL, a FILTER EXISTS)."""
    if query.algebra.get("datasetClause"):
        raise QueryRefused(
            "a SHACL-SPARQL query of the shapes has a FROM clause; shapes "
            "queries run on the data graph only",
            hint="remove FROM / FROM NAMED from the shapes",
        )
    services = service_clauses(query)
    if services:
        raise QueryRefused(
            f"a SHACL-SPARQL query of the shapes asks the SERVICE <{services[0]}>; "
            "validation never makes outside requests",
            hint="remove the SERVICE clause from the shapes",
        )


def canonical_query_text(text: str) -> str:
    """The query text with its PREFIX lines sorted (pySHACL writes them in varying order)."""
    lines = text.splitlines()
    prefixes = sorted(line for line in lines if line.lstrip().upper().startswith("PREFIX"))
    body = [line for line in lines if not line.lstrip().upper().startswith("PREFIX")]
    return "\n".join(prefixes + body)


_loading = threading.Lock()
_evaluations = 0  # rdflib evaluations in progress in this process
_saved_setting: bool = True


@contextlib.contextmanager
def no_graph_loading() -> Iterator[None]:
    """Keep rdflib from fetching the graphs a query's FROM / FROM NAMED names, while the
    block runs; the process's own setting is back once no thread is inside any more."""
    global _evaluations, _saved_setting
    with _loading:
        if not _evaluations:
            _saved_setting = rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS
            rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False
        _evaluations += 1
    try:
        yield
    finally:
        with _loading:
            _evaluations -= 1
            if not _evaluations:
                rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = _saved_setting
