"""What an rdflib SPARQL query asks for, read from rdflib's own parse of it (its algebra).

A check on the algebra sees the query exactly as rdflib will evaluate it: codepoint
escapes applied, comments gone, prefixes expanded. The validator uses it for the
SHACL-SPARQL queries of user-supplied shapes, and the rdflib query engine
(server/engine.py) for every query it evaluates.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Literal, Variable


def algebra_nodes(query: Query) -> Iterator[CompValue]:
    """Every algebra node of the query, subqueries, OPTIONALs and FILTER EXISTS included."""
    stack: list[Any] = [query.algebra]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, CompValue):
            yield node
            stack.extend(node.values())
        elif isinstance(node, Mapping):
            stack.extend(node.values())
        elif isinstance(node, (list, tuple, set, frozenset)):
            stack.extend(node)


def service_clauses(query: Query) -> list[str]:
    """The services a query's SERVICE clauses name (a variable as ?name), wherever they are."""
    return [
        _name(node["term"]) if "term" in node else "?"
        for node in algebra_nodes(query)
        if node.name == "ServiceGraphPattern"
    ]


def _name(term: Any) -> str:
    return f"?{term}" if isinstance(term, Variable) else str(term)


def dataset_graphs(query: Query) -> tuple[list[str], list[str]]:
    """The graphs a query's FROM and FROM NAMED clauses name (default, named)."""
    default, named = [], []
    for clause in query.algebra.get("datasetClause") or []:
        if "default" in clause:
            default.append(str(clause["default"]))
        if "named" in clause:
            named.append(str(clause["named"]))
    return default, named


def regex_patterns(query: Query) -> list[str | None]:
    """The pattern of every REGEX and REPLACE call: its text, or None when not a literal."""
    patterns: list[str | None] = []
    for node in algebra_nodes(query):
        if node.name in ("Builtin_REGEX", "Builtin_REPLACE"):
            pattern = dict.get(node, "pattern")  # CompValue.get answers for missing keys
            patterns.append(str(pattern) if isinstance(pattern, Literal) else None)
    return patterns
