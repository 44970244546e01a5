"""Checks on a SPARQL query before any engine sees it: a fast lexical scan, no parser.

One pass of a token regex that skips strings, IRIs, comments, variables and prefixed
names, so that words inside them never count. From the bare words and brackets it
derives what the service must know before evaluating:

- nesting deeper than the limit is malformed (400): pyoxigraph kills the process at
  about 2,200 levels, rdflib hits the recursion limit far earlier;
- SERVICE (any spelling of case, SILENT, ?var), LOAD and every update keyword are
  refused (403): this service never makes an outbound request and never writes;
- FROM / FROM NAMED naming a graph that is not in the dataset is refused (403): rdflib
  would dereference it, file:// included;
- for the rdflib engine only, REGEX/REPLACE patterns must be literal strings without
  nested quantifiers or back-references and not too long (Python's `re` backtracks;
  pyoxigraph's regex is linear-time, so it needs no such rule);
- the query form (SELECT, ASK, CONSTRUCT, DESCRIBE), for content negotiation before
  evaluation.

SPARQL 1.1 applies \\u escapes before parsing (rdflib does), so a query that contains one
is scanned a second time with the escapes decoded; a backslash outside strings and IRIs
is never needed by a real query and is refused as malformed.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace
from urllib.parse import urljoin

from policykg.graph.errors import QueryError, QueryRefused

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
REFUSED = {
    "SERVICE": "SERVICE (federated query) is not executed by this service",
    "LOAD": "LOAD is not executed by this service",
}
UPDATE_KEYWORDS = (
    "INSERT",
    "DELETE",
    "CLEAR",
    "DROP",
    "CREATE",
    "COPY",
    "MOVE",
    "ADD",
    "WITH",
    "USING",
)

_NAME_CHARS = r"\w\u00B7\u00C0-\uFFFF"
_TOKEN = re.compile(
    r"""
     (?P<ws>\s+)
    |(?P<comment>\#[^\n]*)
    |(?P<lstr>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*''')
    |(?P<str>"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
    |(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    |(?P<open>[{(\[])
    |(?P<close>[})\]])
    |(?P<var>[?$]["""
    + _NAME_CHARS
    + r"""]+)
    |(?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    |(?P<name>["""
    + _NAME_CHARS
    + r"""]["""
    + _NAME_CHARS
    + r"""\-.:%]*|:["""
    + _NAME_CHARS
    + r"""\-.:%]*)
    |(?P<backslash>\\)
    |(?P<other>.)
    """,
    re.X | re.S,
)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# A group holding a quantifier that is itself quantified, e.g. (a+)+ or (x*y)*; and
# back-references: the two shapes that make a backtracking engine exponential.
_NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*[*+?}](?:[^()\\]|\\.)*\)\s*[*+?{]")
_BACKREFERENCE = re.compile(r"\\[1-9]")
MAX_PATTERN_LENGTH = 200


@dataclass
class QueryInfo:
    """What the scan learned about a query that passed every check."""

    form: str | None  # SELECT | ASK | CONSTRUCT | DESCRIBE
    from_graphs: list[str] = field(default_factory=list)
    from_named_graphs: list[str] = field(default_factory=list)

    @property
    def has_dataset_clause(self) -> bool:
        """True when the query names its own dataset with FROM or FROM NAMED."""
        return bool(self.from_graphs or self.from_named_graphs)


def _position(text: str, offset: int) -> str:
    """'line L, column C' (1-based) of a character offset."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"line {line}, column {column}"


def _decode_escapes(text: str) -> str:
    """The query with SPARQL 1.1 codepoint escapes applied."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def _string_value(token: str) -> str:
    """The content of a string token, quotes removed (escapes left as written)."""
    quote = 3 if token[:3] in ('"""', "'''") else 1
    return token[quote:-quote]


def _check_pattern(pattern: str | None, where: str) -> None:
    """Refuse a REGEX/REPLACE pattern that a backtracking engine could run for ever."""
    if pattern is None:
        raise QueryRefused(
            f"REGEX/REPLACE pattern must be a string literal on this engine ({where})"
        )
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise QueryRefused(
            f"REGEX/REPLACE pattern longer than {MAX_PATTERN_LENGTH} characters ({where})"
        )
    if _NESTED_QUANTIFIER.search(pattern) or _BACKREFERENCE.search(pattern):
        raise QueryRefused(
            f"REGEX/REPLACE pattern with nested quantifiers or back-references ({where})",
            hint="such patterns can take exponential time in a backtracking regex engine",
        )


class _Scan:
    """One pass over the tokens of a query text, collecting what inspect() reports."""

    def __init__(
        self, text: str, max_depth: int, check_regex: bool, base: str | None = None
    ) -> None:
        self.text = text
        self.max_depth = max_depth
        self.check_regex = check_regex
        self.info = QueryInfo(form=None)
        self.prefixes: dict[str, str] = {}
        self.base: str | None = base

    def run(self) -> QueryInfo:
        depth = 0
        expect: str | None = None  # what the previous keyword wants next
        from_named = False
        regex_calls: list[list] = []  # [call depth, argument index, pattern or None, offset]
        for m in _TOKEN.finditer(self.text):
            kind, value, start = m.lastgroup, m.group(), m.start()
            if kind in ("ws", "comment"):
                continue
            if kind == "backslash":
                raise QueryError(
                    f"unexpected backslash at {_position(self.text, start)}",
                    hint="codepoint escapes are accepted only inside strings and IRIs",
                )
            if kind == "open":
                depth += 1
                if depth > self.max_depth:
                    raise QueryError(
                        f"query nested more than {self.max_depth} levels deep "
                        f"at {_position(self.text, start)}"
                    )
                continue
            if kind == "close":
                depth -= 1
                if regex_calls and depth < regex_calls[-1][0]:
                    call = regex_calls.pop()
                    if call[1] < 1:
                        raise QueryError(
                            f"REGEX/REPLACE without a pattern at {_position(self.text, call[3])}"
                        )
                continue
            if regex_calls and depth == regex_calls[-1][0]:
                call = regex_calls[-1]
                if value == ",":
                    call[1] += 1
                elif call[1] == 1:
                    if kind in ("str", "lstr") and call[2] is None:
                        call[2] = _string_value(value)
                        _check_pattern(call[2], _position(self.text, start))
                    else:
                        _check_pattern(None, _position(self.text, start))
            if expect == "prefix" and kind == "name" and value.endswith(":"):
                expect = ("prefix-iri", value[:-1])  # type: ignore[assignment]
                continue
            if isinstance(expect, tuple) and kind == "iri":
                self.prefixes[expect[1]] = self._resolve(value[1:-1])
                expect = None
                continue
            if expect == "base" and kind == "iri":
                self.base = self._resolve(value[1:-1])
                expect = None
                continue
            if expect == "from":
                if kind == "name" and value.upper() == "NAMED" and not from_named:
                    from_named = True
                    continue
                target = self._graph_iri(kind, value, start)
                (self.info.from_named_graphs if from_named else self.info.from_graphs).append(
                    target
                )
                expect, from_named = None, False
                continue
            expect = None
            if kind != "name" or ":" in value:
                continue
            word = value.rstrip(".").upper()
            if word in REFUSED:
                raise QueryRefused(f"{REFUSED[word]} ({_position(self.text, start)})")
            if word in UPDATE_KEYWORDS:
                raise QueryRefused(
                    f"{word} is a SPARQL Update keyword; this service answers queries only "
                    f"({_position(self.text, start)})"
                )
            if word == "PREFIX":
                expect = "prefix"
            elif word == "BASE":
                expect = "base"
            elif word == "FROM":
                expect = "from"
            elif word in QUERY_FORMS and self.info.form is None and depth == 0:
                self.info.form = word
            elif word in ("REGEX", "REPLACE") and self.check_regex:
                regex_calls.append([depth + 1, 0, None, start])
        return self.info

    def _resolve(self, iri: str) -> str:
        return urljoin(self.base, iri) if self.base else iri

    def _graph_iri(self, kind: str | None, value: str, start: int) -> str:
        """The absolute IRI a FROM clause names."""
        if kind == "iri":
            return self._resolve(value[1:-1])
        if kind == "name" and ":" in value:
            prefix, _, local = value.rstrip(".").partition(":")
            if prefix in self.prefixes:
                return self.prefixes[prefix] + local
            raise QueryError(f"unknown prefix {prefix!r} at {_position(self.text, start)}")
        raise QueryError(f"FROM must name a graph IRI at {_position(self.text, start)}")


def inspect(
    query: str,
    *,
    known_graphs: frozenset[str] | set[str],
    max_depth: int = 64,
    max_length: int = 100_000,
    check_regex: bool = False,
    base: str | None = None,
) -> QueryInfo:
    """Check a query before evaluation and say what it asks for.

    Raises QueryError (malformed, 400) or QueryRefused (403). `check_regex` turns on
    the REGEX/REPLACE pattern rules needed by a backtracking engine (rdflib). `base` is
    the base IRI the engine resolves relative IRIs against (a BASE in the query, itself
    resolved against it, takes over), so that FROM <relative> is checked as the engine
    will read it. The outcome
    depends only on the arguments, so a query asked again (the example queries, a client
    polling) is not scanned again; refusals are not remembered and are raised anew.
    """
    info = _inspect(query, frozenset(known_graphs), max_depth, max_length, check_regex, base)
    # a copy, so that no caller can change what the cache holds
    return replace(
        info, from_graphs=list(info.from_graphs), from_named_graphs=list(info.from_named_graphs)
    )


@functools.lru_cache(maxsize=1024)
def _inspect(
    query: str,
    known_graphs: frozenset[str],
    max_depth: int,
    max_length: int,
    check_regex: bool,
    base: str | None,
) -> QueryInfo:
    if len(query) > max_length:
        raise QueryError(f"query longer than {max_length} characters")
    decoded = None
    if "\\u" in query or "\\U" in query:
        # refusals found after decoding win over the raw scan's "unexpected backslash"
        decoded = _Scan(_decode_escapes(query), max_depth, check_regex, base).run()
    info = _Scan(query, max_depth, check_regex, base).run()
    if decoded is not None:
        info.from_graphs += [g for g in decoded.from_graphs if g not in info.from_graphs]
        info.from_named_graphs += [
            g for g in decoded.from_named_graphs if g not in info.from_named_graphs
        ]
    check_graphs(info.from_graphs + info.from_named_graphs, known_graphs, "FROM")
    return info


def check_graphs(iris: list[str], known_graphs: frozenset[str] | set[str], where: str) -> None:
    """Refuse any graph IRI that is not a named graph of the dataset (never dereferenced)."""
    for iri in iris:
        if iri not in known_graphs:
            raise QueryRefused(
                f"{where} names <{iri}>, which is not a graph in this dataset",
                hint="graphs are never fetched; the service description lists the graphs",
            )
