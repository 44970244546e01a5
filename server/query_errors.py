"""What a malformed query is told: one short message with the line and column, the
offending token and a hint a person can act on, whichever engine found the error.

The engines' own messages are not for people (pyoxigraph lists the Unicode ranges a name
may continue with; "expected CONSTRUCT" for a misspelt SELECT). The query is read here
with the guard's tokenizer, which reads terminals as the engines do, and three mistakes
are named in words: an unknown keyword (a bare word that is no SPARQL keyword or function,
e.g. SELEC or LIMT), a prefix used but not declared, and a string left open. Anything else
is the engine's position and the token found there, with the engine's expectations when
they are a short list of keywords and punctuation.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from importlib import resources

from policykg.graph.namespaces import PREFIXES

from .guard import Token, Tokenizer

FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


def _keywords() -> frozenset[str]:
    """SPARQL's keywords and function names (server/queries/sparql-keywords.txt)."""
    text = (resources.files("policykg.server") / "queries" / "sparql-keywords.txt").read_text(
        encoding="utf-8"
    )
    lines = (line for line in text.splitlines() if not line.startswith("#"))
    return frozenset(word for line in lines for word in line.split())


KEYWORDS = _keywords()
_POSITION = re.compile(r"(?:at |line:?\s*)(\d+)[:,]\s*(?:col(?:umn)?:?\s*)?(\d+)")
_RDFLIB_POSITION = re.compile(r"\(line:(\d+), col:(\d+)\)")
# an expectation worth showing: a quoted token or an upper-case keyword
_SHOWN = re.compile(r'^(?:"[^"\\]{1,4}"|[A-Z][A-Za-z_]*)$')
MAX_SHOWN = 8


@dataclass(frozen=True)
class Explained:
    """What a person is told about a malformed query."""

    message: str
    hint: str


def explain(query: str, engine_message: str) -> Explained:
    """The message and hint for a query an engine could not parse."""
    tokens = _tokens(query)
    for check in (_unclosed_string, _unknown_form, _unknown_keyword, _undeclared_prefix, _brackets):
        found = check(query, tokens)
        if found is not None:
            return found
    return _at_engine_position(query, tokens, engine_message)


def _tokens(query: str) -> list[Token]:
    """The query's terminals (as far as they can be read)."""
    found: list[Token] = []
    # a query that cannot even be tokenized: the engine's position says enough
    with contextlib.suppress(Exception):
        found.extend(Tokenizer(query))
    return found


def where(query: str, offset: int) -> str:
    """'line L, column C' of a character offset (1-based)."""
    line = query.count("\n", 0, offset) + 1
    return f"line {line}, column {offset - (query.rfind(chr(10), 0, offset) + 1) + 1}"


def _unclosed_string(query: str, tokens: list[Token]) -> Explained | None:
    """A quote that opens no string the tokenizer could close."""
    for token in tokens:
        if token.kind == "other" and token.value in "\"'":
            return Explained(
                f"a string is not closed at {where(query, token.start)}",
                "close the string with the quote it opened with, on the same line "
                '(or use """ for text over several lines)',
            )
    return None


_PAIRS = {"{": "}", "(": ")", "[": "]"}


def _brackets(query: str, tokens: list[Token]) -> Explained | None:
    """A bracket closed by the wrong one, closed without being opened, or never closed."""
    opened: list[Token] = []
    for token in tokens:
        if token.kind == "open":
            opened.append(token)
        elif token.kind == "close":
            if not opened or _PAIRS[opened[-1].value] != token.value:
                return Explained(
                    f"unexpected {token.value} at {where(query, token.start)}",
                    f"it closes nothing{_opened_at(query, opened)}",
                )
            opened.pop()
    if opened:
        last = opened[-1]
        return Explained(
            f"{last.value} opened at {where(query, last.start)} is not closed",
            f"add {_PAIRS[last.value]} where the group ends",
        )
    return None


def _opened_at(query: str, opened: list[Token]) -> str:
    if not opened:
        return ""
    last = opened[-1]
    return f"; the last bracket open is {last.value} at {where(query, last.start)}"


def _unknown_form(query: str, tokens: list[Token]) -> Explained | None:
    """The first word after the prologue is not one of the four query forms."""
    position = 0
    while position < len(tokens):
        token = tokens[position]
        if token.kind == "word" and token.value.upper() in ("PREFIX", "BASE"):
            position += 3 if token.value.upper() == "PREFIX" else 2
            continue
        if token.kind == "word" and token.value.upper() not in FORMS:
            return Explained(
                f"unknown keyword {token.value} at {where(query, token.start)}; a query starts "
                "with SELECT, ASK, CONSTRUCT or DESCRIBE",
                "check the spelling of the first keyword (after PREFIX and BASE declarations)",
            )
        return None
    return None


def _unknown_keyword(query: str, tokens: list[Token]) -> Explained | None:
    """A bare word that SPARQL does not know (LIMT, WHRE …)."""
    for token in tokens:
        if token.kind == "word" and token.value.upper() not in KEYWORDS:
            close = [k for k in sorted(KEYWORDS) if _near(token.value.upper(), k)]
            hint = (
                f"did you mean {' or '.join(close[:3])}?"
                if close
                else ("a name needs a prefix (ex:name), a variable a ? (?name), a string quotes")
            )
            return Explained(f"unknown keyword {token.value} at {where(query, token.start)}", hint)
    return None


def _near(word: str, keyword: str) -> bool:
    """One letter missing, added, changed or two swapped."""
    if abs(len(word) - len(keyword)) > 1 or word == keyword:
        return False
    if len(word) == len(keyword):
        diffs = [i for i, (a, b) in enumerate(zip(word, keyword, strict=True)) if a != b]
        swapped = len(diffs) == 2 and word[diffs[0]] == keyword[diffs[1]] == word[diffs[1]]
        return len(diffs) == 1 or (len(diffs) == 2 and diffs[1] == diffs[0] + 1 and swapped)
    shorter, longer = sorted((word, keyword), key=len)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


def _undeclared_prefix(query: str, tokens: list[Token]) -> Explained | None:
    """A prefixed name whose prefix no PREFIX declares."""
    declared: set[str] = set()
    for n, token in enumerate(tokens):
        if token.kind == "word" and token.value.upper() == "PREFIX" and n + 1 < len(tokens):
            declared.add(tokens[n + 1].value.split(":", 1)[0])
        elif token.kind == "pname" and (n == 0 or tokens[n - 1].value.upper() != "PREFIX"):
            prefix = token.value.split(":", 1)[0]
            if prefix not in declared:
                known = PREFIXES.get(prefix)
                hint = (
                    f"add PREFIX {prefix}: <{known}> at the top of the query"
                    if known
                    else f"declare it at the top of the query: PREFIX {prefix}: <…>"
                )
                return Explained(
                    f"unknown prefix {prefix}: in {token.value} at {where(query, token.start)}",
                    hint,
                )
    return None


def _at_engine_position(query: str, tokens: list[Token], engine_message: str) -> Explained:
    """The engine's line and column, the token there, and a short list of expectations."""
    match = _RDFLIB_POSITION.search(engine_message) or _POSITION.search(engine_message)
    offset = None
    if match:
        offset = _offset(query, int(match.group(1)), int(match.group(2)))
    token = _token_at(tokens, offset) if offset is not None else None
    place = where(query, offset) if offset is not None else "in the query"
    near = f" near {token.value[:40]!r}" if token is not None else ""
    message = f"syntax error at {place}{near}"
    hint = (
        "check the patterns just before this point: each is subject, predicate and object, "
        "separated by . ; or ,"
    )
    expected = _expected(engine_message)
    if expected:
        message += f"; expected {', '.join(expected)}"
    return Explained(message, hint)


def _offset(query: str, line: int, column: int) -> int:
    """A character offset from a 1-based line and column."""
    lines = query.split("\n")
    line = max(1, min(line, len(lines)))
    return sum(len(text) + 1 for text in lines[: line - 1]) + max(0, column - 1)


def _token_at(tokens: list[Token], offset: int) -> Token | None:
    """The token that holds the offset, else the last one before it."""
    before = None
    for token in tokens:
        if token.start <= offset < token.start + len(token.value):
            return token
        if token.start < offset:
            before = token
    return before


def _expected(engine_message: str) -> list[str]:
    """pyoxigraph's expectations when they are a few keywords and punctuation."""
    if "expected one of" not in engine_message:
        return []
    items = [item.strip() for item in engine_message.split("expected one of", 1)[1].split(",")]
    items = [item for item in items if item != "[_]"]
    if not items or len(items) > MAX_SHOWN or not all(_SHOWN.match(i) for i in items):
        return []
    return items
