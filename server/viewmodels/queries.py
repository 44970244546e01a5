"""The pages' SPARQL, read from server/queries/views/*.rq: queries are data files.

A page's query names the resource it is about as a variable (`$doc`, `$item`, `$m` …);
:func:`view_query` gives the query with that variable replaced by the resource's IRI,
written by `iri_ref` (which refuses an IRI that would need escaping). The policykg
prefixes are declared by the engine (`Engine.select`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from importlib import resources

from ..linking import iri_ref


@functools.cache
def _text(name: str) -> str:
    """The text of server/queries/views/{name}.rq."""
    path = resources.files("policykg.server") / "queries" / "views" / f"{name}.rq"
    return path.read_text(encoding="utf-8")


def view_query(name: str, **iris: str | Sequence[str]) -> str:
    """The query views/{name}.rq about the given resources (`doc="https://…"` for $doc; a
    list of IRIs for a variable that stands in a VALUES block)."""
    text = _text(name)
    for variable, given in iris.items():
        written = " ".join(map(iri_ref, [given] if isinstance(given, str) else given))
        # iri_ref writes no backslash, so the IRIs are a plain replacement string
        text = re.sub(rf"\${variable}\b", written, text)
    return text
