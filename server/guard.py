"""Checks on a SPARQL query before any engine sees it: a tokenizer of SPARQL's terminals.

The query is read as the engines read it, one terminal of the SPARQL 1.1 grammar after
another (strings, IRIs, comments, variables, prefixed names, blank-node labels,
language tags, INTEGER/DECIMAL/DOUBLE with exponents, bare words, operators), never as
space-separated words: `1SERVICE` is the number 1 and the keyword SERVICE, as the engine
reads it. Two of the engines' habits are followed on purpose:

- pyoxigraph's parser matches a keyword wherever its letters stand, without a word
  boundary (`trueSERVICE<…>{…}` and `SERVICESILENT<…>` both call the service), so a bare
  word *containing* SERVICE is refused, and so is a prefixed name that starts with it
  and is followed by a group (`SERVICE:x {…}` is the keyword and the name `:x`);
- `<` starts an IRI where a term may stand and is the less-than operator after an
  operand inside an expression (FILTER, BIND, a projection, a function's arguments),
  which the tokenizer tracks with a stack of brackets; reading `FILTER(?a<?b)SERVICE#>`
  as an IRI would hide the keyword.

From the tokens the guard derives what the service must know before evaluating:

- nesting deeper than the limit is malformed (400): pyoxigraph kills the process at
  about 2,200 levels, rdflib hits the recursion limit far earlier;
- chains longer than the limit are malformed too (400): the engines nest
  `1+1+…`, `{…} UNION {…} UNION …` or a row of BINDs one level per element, and
  pyoxigraph crashes at about 4,000 BINDs or 8,000 operators in a row;
- SERVICE (any spelling of case, SILENT, ?var), LOAD and every update keyword are
  refused (403): this service never makes an outbound request and never writes;
- FROM / FROM NAMED naming a graph that is not in the dataset is refused (403): rdflib
  would dereference it, file:// included;
- for the rdflib engine only, REGEX/REPLACE patterns must be literal strings without
  nested quantifiers or back-references and not too long (Python's `re` backtracks;
  pyoxigraph's regex is linear-time, so it needs no such rule);
- the query form (SELECT, ASK, CONSTRUCT, DESCRIBE), for content negotiation before
  evaluation.

SPARQL 1.1 applies \\u escapes before parsing (rdflib does; pyoxigraph refuses them
outside strings and IRIs), so a query that contains one is scanned a second time with the
escapes decoded; a backslash outside strings, IRIs and prefixed names is never needed by
a real query and is refused as malformed.

The guard is the first wall. For rdflib the evaluation child decides again on rdflib's
own parse of the query (its algebra, server/engine.py); for pyoxigraph, which exposes no
parse, the evaluation runs in a process that cannot open a network socket at all
(server/sandbox.py), whatever the guard missed.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any
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
# Keywords after which the engines nest the next element inside the previous ones.
CHAINING_KEYWORDS = frozenset(
    {"UNION", "OPTIONAL", "MINUS", "BIND", "FILTER", "VALUES", "GRAPH", "SERVICE", "IN"}
)
# Keywords that open an expression with their "(" (beyond function names, which are bare
# words too), and the clauses whose parenthesised items are expressions.
_EXPRESSION_CLAUSES = {"SELECT": "select", "GROUP": "modifier", "ORDER": "modifier"}
_CLAUSE_ENDS = frozenset({"WHERE", "LIMIT", "OFFSET", "VALUES", "FROM"})
_OPERAND_WORDS = frozenset({"TRUE", "FALSE"})
# Bare words after which "(" opens a collection or a row, not an expression.
_TERM_WORDS = frozenset({"A", "VALUES"})

# The terminals of the SPARQL 1.1 grammar (section 19.8), as Python regular expressions.
_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff"
    "\u200c-\u200d\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd"
    "\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_VARNAME = f"[{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*"
_PN_PREFIX = f"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_LOCAL = (
    f"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"
)
_EXPONENT = r"[eE][+-]?[0-9]+"
_TOKEN = re.compile(
    rf"""
     (?P<ws>[\x20\t\r\n]+)
    |(?P<comment>\#[^\r\n]*)
    |(?P<lstr>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*''')
    |(?P<str>"(?:[^"\\\n\r]|\\[^\n\r])*"|'(?:[^'\\\n\r]|\\[^\n\r])*')
    |(?P<var>[?$]{_VARNAME})
    |(?P<lang>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)
    |(?P<number>[0-9]+\.[0-9]*{_EXPONENT}|\.[0-9]+{_EXPONENT}|[0-9]+{_EXPONENT}
                |[0-9]*\.[0-9]+|[0-9]+)
    |(?P<bnode>_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)
    |(?P<pname>(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?)
    |(?P<word>[{_PN_CHARS_U}][{_PN_CHARS}]*)
    |(?P<open>[{{(\[])
    |(?P<close>[}})\]])
    |(?P<op>\|\||&&|!=|<=|>=|\^\^|[=<>+\-*/!|^?])
    |(?P<punct>[.;,])
    |(?P<backslash>\\)
    |(?P<other>.)
    """,
    re.X | re.S,
)
_IRIREF = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_OPERAND_KINDS = frozenset({"var", "number", "str", "lstr", "lang", "iri", "pname", "bnode"})
_CHAIN_OPERATORS = frozenset({"||", "&&", "=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/"})
_CHAIN_OPERATORS |= {"!", "|", "^"}
# A group holding a quantifier that is itself quantified, e.g. (a+)+ or (x*y)*; and
# back-references: the two shapes that make a backtracking engine exponential.
_NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*[*+?}](?:[^()\\]|\\.)*\)\s*[*+?{]")
_BACKREFERENCE = re.compile(r"\\[1-9]")
MAX_PATTERN_LENGTH = 200
DEFAULT_MAX_CHAIN = 1000
# The guard remembers this many outcomes per process, by a digest of the query (the cache
# holds no query text, so its size does not depend on what clients send).
REMEMBERED_QUERIES = 1024


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


@dataclass
class Token:
    """One terminal of the query: its kind (a group name of _TOKEN, or 'iri'), text and offset."""

    kind: str
    value: str
    start: int


def _position(text: str, offset: int) -> str:
    """'line L, column C' (1-based) of a character offset."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"line {line}, column {column}"


def _decode_escapes(text: str) -> str:
    """The query with SPARQL 1.1 codepoint escapes applied."""

    def decode(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF else m.group()

    return _ESCAPE.sub(decode, text)


def _string_value(token: str) -> str:
    """The content of a string token, quotes removed (escapes left as written)."""
    quote = 3 if token[:3] in ('"""', "'''") else 1
    return token[quote:-quote]


def check_pattern(pattern: str | None, where: str) -> None:
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


class Tokenizer:
    """The terminals of a query text, with `<` read as an IRI or an operator by context.

    A stack of open brackets says whether the tokens stand in an expression ('expr': the
    parentheses of FILTER, BIND, a function call, a projection or a GROUP/ORDER BY item)
    or among graph patterns and terms ('group', 'list', 'top').
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.stack: list[str] = ["top"]
        self.clause: str | None = None  # 'select' | 'modifier' while in those clauses
        self.previous: list[Token] = []  # the last two significant tokens

    def _in_expression(self) -> bool:
        return self.stack[-1] == "expr"

    def _after_operand(self) -> bool:
        if not self.previous:
            return False
        last = self.previous[-1]
        if last.kind in _OPERAND_KINDS or last.kind == "close":  # ) ] and EXISTS { … }
            return True
        return last.kind == "word" and last.value.upper() in _OPERAND_WORDS

    def _opens(self) -> str:
        """What a '(' opens here: 'expr' or 'list' (a collection, a VALUES row)."""
        if self._in_expression():
            return "expr"
        last = self.previous[-1] if self.previous else None
        if last is not None and last.kind == "word" and last.value.upper() not in _TERM_WORDS:
            return "expr"  # FILTER(, BIND(, HAVING(, STR(, IN(, ASC(
        if last is not None and last.kind == "op":
            return "expr"  # !(, -(, and a property path's /( |( ^( (which holds no terms)
        if last is not None and last.kind in ("iri", "pname") and len(self.previous) > 1:
            before = self.previous[-2]
            if before.kind == "word" and before.value.upper() in ("FILTER", "BY", "HAVING"):
                return "expr"  # FILTER <function>(…)
        if self.clause is not None and self.stack[-1] in ("top", "group"):
            return "expr"  # SELECT (… AS ?x), GROUP BY (…), ORDER BY (…)
        return "list"

    def __iter__(self) -> Iterator[Token]:
        text, position, end = self.text, 0, len(self.text)
        while position < end:
            token = None
            if text[position] == "<" and not (self._in_expression() and self._after_operand()):
                m = _IRIREF.match(text, position)
                if m:
                    token = Token("iri", m.group(), position)
            if token is None:
                m = _TOKEN.match(text, position)
                assert m is not None  # its last branch matches any one character
                token = Token(m.lastgroup or "other", m.group(), position)
            position += len(token.value)
            if token.kind in ("ws", "comment"):
                continue
            self._follow(token)
            yield token

    def _follow(self, token: Token) -> None:
        """Keep the bracket stack and the clause up to date after `token`."""
        if token.kind == "open":
            kind = "expr" if token.value == "(" and self._opens() == "expr" else None
            if token.value == "{":
                self.clause = None
            self.stack.append(kind or ("list" if token.value == "(" else "group"))
        elif token.kind == "close":
            if len(self.stack) > 1:
                self.stack.pop()
            if token.value == "}":
                self.clause = None
        elif token.kind == "word":
            word = token.value.upper()
            if word in _EXPRESSION_CLAUSES:
                self.clause = _EXPRESSION_CLAUSES[word]
            elif word == "HAVING":
                self.clause = "modifier"
            elif word in _CLAUSE_ENDS:
                self.clause = None
        self.previous = [*self.previous[-1:], token]


class _Scan:
    """One pass over the tokens of a query text, collecting what inspect() reports."""

    def __init__(
        self,
        text: str,
        max_depth: int,
        max_chain: int,
        check_regex: bool,
        base: str | None = None,
    ) -> None:
        self.text = text
        self.max_depth = max_depth
        self.max_chain = max_chain
        self.check_regex = check_regex
        self.info = QueryInfo(form=None)
        self.prefixes: dict[str, str] = {}
        self.base: str | None = base

    def run(self) -> QueryInfo:
        chain = [0]  # elements in a row at each open level
        expect: str | tuple[str, str] | None = None  # what the previous keyword wants next
        from_named = False
        regex_calls: list[list[Any]] = []  # [call depth, argument index, pattern or None, offset]
        after_service_like: Token | None = None  # a prefixed name SERVICE…:x, see below
        for token in Tokenizer(self.text):
            kind, value, start = token.kind, token.value, token.start
            if after_service_like is not None and value == "{":
                # pyoxigraph reads SERVICE:x { … } as the keyword SERVICE and the name :x
                self._refuse_keywords("SERVICE", after_service_like.start)
            after_service_like = (
                token if kind == "pname" and value.upper().startswith("SERVICE") else None
            )
            if kind == "backslash":
                raise QueryError(
                    f"unexpected backslash at {_position(self.text, start)}",
                    hint="codepoint escapes are accepted only inside strings and IRIs",
                )
            if kind == "open":
                chain.append(0)
                if len(chain) - 1 > self.max_depth:
                    raise QueryError(
                        f"query nested more than {self.max_depth} levels deep "
                        f"at {_position(self.text, start)}"
                    )
                continue
            if kind == "close":
                if len(chain) > 1:
                    chain.pop()
                if regex_calls and len(chain) < regex_calls[-1][0] + 1:
                    call = regex_calls.pop()
                    if call[1] < 1:
                        raise QueryError(
                            f"REGEX/REPLACE without a pattern at {_position(self.text, call[3])}"
                        )
                continue
            if self._chains(token):
                chain[-1] += 1
                if sum(chain) > self.max_chain:
                    raise QueryError(
                        f"more than {self.max_chain} operators and pattern elements in a row "
                        f"at {_position(self.text, start)}",
                        hint=(
                            "split the expression or the pattern with brackets, or use IN / VALUES"
                        ),
                    )
            depth = len(chain) - 1
            if regex_calls and depth == regex_calls[-1][0]:
                self._regex_argument(regex_calls[-1], token)
            if expect == "prefix" and kind == "pname" and value.endswith(":"):
                expect = ("prefix-iri", value[:-1])
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
                if kind == "word" and value.upper() == "NAMED" and not from_named:
                    from_named = True
                    continue
                target = self._graph_iri(token)
                (self.info.from_named_graphs if from_named else self.info.from_graphs).append(
                    target
                )
                expect, from_named = None, False
                continue
            expect = None
            if kind != "word":
                continue
            word = value.upper()
            self._refuse_keywords(word, start)
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

    @staticmethod
    def _chains(token: Token) -> bool:
        """Whether the token adds an element to a chain the engines nest."""
        if token.kind == "op":
            return token.value in _CHAIN_OPERATORS
        if token.kind == "punct":
            return True
        return token.kind == "word" and token.value.upper() in CHAINING_KEYWORDS

    def _refuse_keywords(self, word: str, start: int) -> None:
        """Refuse SERVICE inside any bare word (pyoxigraph needs no boundary), LOAD and updates."""
        where = _position(self.text, start)
        if "SERVICE" in word:
            raise QueryRefused(f"{REFUSED['SERVICE']} ({where})")
        if word in REFUSED:
            raise QueryRefused(f"{REFUSED[word]} ({where})")
        if word in UPDATE_KEYWORDS:
            raise QueryRefused(
                f"{word} is a SPARQL Update keyword; this service answers queries only ({where})"
            )

    def _regex_argument(self, call: list[Any], token: Token) -> None:
        """Follow the arguments of a REGEX/REPLACE call: the second must be a safe literal."""
        if token.value == "," and token.kind == "punct":
            call[1] += 1
        elif call[1] == 1:
            where = _position(self.text, token.start)
            if token.kind in ("str", "lstr") and call[2] is None:
                call[2] = _string_value(token.value)
                check_pattern(call[2], where)
            else:
                check_pattern(None, where)

    def _resolve(self, iri: str) -> str:
        return urljoin(self.base, iri) if self.base else iri

    def _graph_iri(self, token: Token) -> str:
        """The absolute IRI a FROM clause names."""
        if token.kind == "iri":
            return self._resolve(token.value[1:-1])
        if token.kind == "pname":
            prefix, _, local = token.value.partition(":")
            if prefix in self.prefixes:
                return self.prefixes[prefix] + local
            raise QueryError(f"unknown prefix {prefix!r} at {_position(self.text, token.start)}")
        raise QueryError(f"FROM must name a graph IRI at {_position(self.text, token.start)}")


class _Outcomes:
    """The last outcomes of the guard, by a digest of everything that decided them."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[bytes, QueryInfo] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(query: str, *args: object) -> bytes:
        digest = hashlib.blake2b(query.encode("utf-8", "surrogatepass"), digest_size=20)
        digest.update(repr(args).encode("utf-8", "surrogatepass"))
        return digest.digest()

    def get(self, key: bytes) -> QueryInfo | None:
        with self._lock:
            info = self._entries.get(key)
            if info is not None:
                self._entries.move_to_end(key)
            return info

    def put(self, key: bytes, info: QueryInfo) -> None:
        with self._lock:
            self._entries[key] = info
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_outcomes = _Outcomes(REMEMBERED_QUERIES)


def inspect(
    query: str,
    *,
    known_graphs: frozenset[str] | set[str],
    max_depth: int = 64,
    max_length: int = 100_000,
    max_chain: int = DEFAULT_MAX_CHAIN,
    check_regex: bool = False,
    base: str | None = None,
) -> QueryInfo:
    """Check a query before evaluation and say what it asks for.

    Raises QueryError (malformed, 400) or QueryRefused (403). `check_regex` turns on
    the REGEX/REPLACE pattern rules needed by a backtracking engine (rdflib). `base` is
    the base IRI the engine resolves relative IRIs against (a BASE in the query, itself
    resolved against it, takes over), so that FROM <relative> is checked as the engine
    will read it. The outcome depends only on the arguments, so a query asked again (the
    example queries, a client polling) is not scanned again; refusals are not remembered
    and are raised anew.
    """
    if len(query) > max_length:
        raise QueryError(f"query longer than {max_length} characters")
    graphs = frozenset(known_graphs)
    key = _Outcomes.key(query, sorted(graphs), max_depth, max_chain, check_regex, base)
    info = _outcomes.get(key)
    if info is None:
        info = _inspect(query, graphs, max_depth, max_chain, check_regex, base)
        _outcomes.put(key, info)
    # a copy, so that no caller can change what the cache holds
    return replace(
        info, from_graphs=list(info.from_graphs), from_named_graphs=list(info.from_named_graphs)
    )


def _inspect(
    query: str,
    known_graphs: frozenset[str],
    max_depth: int,
    max_chain: int,
    check_regex: bool,
    base: str | None,
) -> QueryInfo:
    decoded = None
    if "\\u" in query or "\\U" in query:
        # refusals found after decoding win over the raw scan's "unexpected backslash"
        decoded = _Scan(_decode_escapes(query), max_depth, max_chain, check_regex, base).run()
    info = _Scan(query, max_depth, max_chain, check_regex, base).run()
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
