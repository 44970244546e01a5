"""schema.org JSON-LD embedded in the pages, the same mapping as queries/views/schema.rq.

Documents (and the documents they implement) are schema:Legislation; parts, items and
measures are schema:Legislation too, linked by isPartOf; agencies are
GovernmentOrganization; places Place; everything else Thing.
"""

from __future__ import annotations

from typing import Any

CONTEXT = "https://schema.org/"


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    """The mapping without empty values."""
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}


def organisation(iri: str, name: str | None) -> dict[str, Any]:
    """A schema:GovernmentOrganization node."""
    return _clean({"@type": "GovernmentOrganization", "@id": iri, "name": name})


def legislation_ref(iri: str, name: str | None, identifier: str | None = None) -> dict[str, Any]:
    """A schema:Legislation node that is only referred to."""
    return _clean(
        {"@type": "Legislation", "@id": iri, "name": name, "legislationIdentifier": identifier}
    )


def document(
    iri: str,
    *,
    number: str | None,
    title: str | None,
    issued: str | None,
    passed_by: list[dict[str, Any]],
    implements: list[dict[str, Any]],
    doctype: str | None,
    parts: list[dict[str, Any]],
) -> dict[str, Any]:
    """A document as schema:Legislation."""
    return _clean(
        {
            "@context": CONTEXT,
            "@type": "Legislation",
            "@id": iri,
            "legislationIdentifier": number,
            "name": title,
            "legislationDate": issued,
            "legislationPassedBy": passed_by,
            "legislationType": doctype,
            "legislationEnsuresImplementationOf": implements,
            "inLanguage": "zh",
            "hasPart": parts,
        }
    )


def subdivision(
    iri: str,
    *,
    name: str | None,
    identifier: str | None,
    position: int | None,
    parent: dict[str, Any] | None,
    text: str | None = None,
    implements: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A part, item or measure as schema:Legislation within its parent."""
    return _clean(
        {
            "@context": CONTEXT,
            "@type": "Legislation",
            "@id": iri,
            "name": name,
            "identifier": identifier,
            "position": position,
            "isPartOf": parent,
            "text": text,
            "legislationEnsuresImplementationOf": implements or [],
            "inLanguage": "zh",
        }
    )


def agency(
    iri: str, *, names: list[str], alternate: list[str], parent: dict[str, Any] | None
) -> dict[str, Any]:
    """An agency as schema:GovernmentOrganization."""
    return _clean(
        {
            "@context": CONTEXT,
            "@type": "GovernmentOrganization",
            "@id": iri,
            "name": names,
            "alternateName": alternate,
            "parentOrganization": parent,
        }
    )


def thing(iri: str, name: str, schema_type: str = "Thing") -> dict[str, Any]:
    """Any other resource."""
    return {"@context": CONTEXT, "@type": schema_type, "@id": iri, "name": name}
