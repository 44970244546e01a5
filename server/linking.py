"""The mapping between the graph's IRIs and the paths this server serves them at.

The graph names everything under https://w3id.org/policykg/ (docs/model.md); this server
serves ``…/id/…`` at ``/id/…``, ``…/graph/…`` at ``/graph/…``, the ontology document at
``/ontology`` and each ontology term ``…/ontology#Term`` at ``/ontology/term/Term``.
Links are emitted percent-encoded (RFC 3986 URIs of the RFC 3987 IRIs), so that Chinese
characters survive every client; Flask hands the routes the decoded path.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pyoxigraph as ox

from policykg.graph.namespaces import BASE, ONTOLOGY_IRI, PKG

TERM_PREFIX = str(PKG)

# Characters an IRIREF may not hold (SPARQL 1.1 grammar): an IRI rebuilt from a request
# path with any of them cannot name a resource of the graph and is never put in a query.
_NOT_IN_IRIREF = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def encode_path(path: str) -> str:
    """A path with everything outside the URI character set percent-encoded."""
    return quote(path, safe="/:-._~!$&'()*+,;=@")


def local_path(iri: str) -> str | None:
    """The percent-encoded path on this server that serves an IRI; None for outside IRIs."""
    if iri.startswith(TERM_PREFIX):
        return "/ontology/term/" + encode_path(iri[len(TERM_PREFIX) :])
    if iri == ONTOLOGY_IRI:
        return "/ontology"
    if not iri.startswith(BASE):
        return None
    rest = iri[len(BASE) :]
    if rest.startswith(("id/", "graph/")):
        return "/" + encode_path(rest)
    return None


def href(iri: str) -> str:
    """Where a link to an IRI points: its page here, or the IRI itself for outside IRIs."""
    return local_path(iri) or iri


def resource_iri(kind: str, rest: str) -> str:
    """The IRI that a request for /{kind}/{rest} (decoded) is about."""
    return f"{BASE}{kind}/{rest}"


def term_iri(local_name: str) -> str:
    """The IRI of an ontology term from its local name."""
    return TERM_PREFIX + local_name


def is_safe_iri(iri: str) -> bool:
    """True when the IRI can be written as <…> in a SPARQL query without escaping and
    the store takes it as an IRI (pyoxigraph refuses e.g. U+007F and a bad %-escape)."""
    if _NOT_IN_IRIREF.search(iri):
        return False
    try:
        ox.NamedNode(iri)
    except ValueError:
        return False
    return True


def iri_ref(iri: str) -> str:
    """An IRI written for a SPARQL query; refuses IRIs that would need escaping."""
    if not is_safe_iri(iri):
        raise ValueError(f"not a writable IRI: {iri!r}")
    return f"<{iri}>"
