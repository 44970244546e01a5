"""The mapping between the graph's IRIs and the paths this server serves them at.

The graph names everything under BASE_IRI (by default https://w3id.org/policykg/,
docs/model.md); this server serves ``…/id/…`` at ``{root}id/…``, ``…/graph/…`` at
``{root}graph/…``, the ontology document at ``{root}ontology`` and each ontology term
``…/ontology#Term`` at ``{root}ontology/term/Term``, where ``root`` is the path of
PUBLIC_URL (``/`` by default). Both come from the app's Config (:class:`Links`, made by
create_app); outside a request the defaults apply. Links are emitted percent-encoded
(RFC 3986 URIs of the RFC 3987 IRIs), so that Chinese characters survive every client;
Flask hands the routes the decoded path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Links:
    """Where the graph's IRIs are served: under ``root`` for IRIs under ``base_iri``."""

    base_iri: str = BASE
    root: str = "/"

    def local_path(self, iri: str) -> str | None:
        """The percent-encoded path on this server that serves an IRI; None for others."""
        if iri.startswith(TERM_PREFIX):
            return f"{self.root}ontology/term/" + encode_path(iri[len(TERM_PREFIX) :])
        if iri == ONTOLOGY_IRI:
            return f"{self.root}ontology"
        if not iri.startswith(self.base_iri):
            return None
        rest = iri[len(self.base_iri) :]
        if rest.startswith(("id/", "graph/")):
            return self.root + encode_path(rest)
        return None

    def resource_iri(self, kind: str, rest: str) -> str:
        """The IRI that a request for /{kind}/{rest} (decoded) is about."""
        return f"{self.base_iri}{kind}/{rest}"

    def short(self, iri: str) -> str:
        """An IRI without the base (graph/doc/…), as the pages name graphs."""
        return iri[len(self.base_iri) :] if iri.startswith(self.base_iri) else iri


DEFAULT_LINKS = Links()


def links() -> Links:
    """The links of the app serving the current request (its BASE_IRI and PUBLIC_URL);
    the defaults outside one."""
    from flask import current_app, has_app_context

    if has_app_context():
        service = current_app.extensions.get("policykg")
        if service is not None:
            served: Links = service.links
            return served
    return DEFAULT_LINKS


def local_path(iri: str) -> str | None:
    """The percent-encoded path on this server that serves an IRI; None for outside IRIs."""
    return links().local_path(iri)


def href(iri: str) -> str:
    """Where a link to an IRI points: its page here, or the IRI itself for outside IRIs."""
    return local_path(iri) or iri


def resource_iri(kind: str, rest: str) -> str:
    """The IRI that a request for /{kind}/{rest} (decoded) is about."""
    return links().resource_iri(kind, rest)


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
