"""View-model of an agency's page: every measure it is responsible for, grouped by role,
and the agencies it shares measures with (drawn as a star).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib.namespace import SKOS

from policykg.graph.namespaces import ORG, PKG

from ..engine import Engine
from ..svg import Partner, partners_svg
from .page import Page, first, to_int, values
from .queries import view_query
from .terms import Link, label_map, link

MAX_PARTNERS_DRAWN = 24


@dataclass
class RoleGroup:
    """The measures an agency holds in one role."""

    role: Link
    notation: str
    measures: list[dict[str, object]] = field(default_factory=list)


def _short_labels(engine: Engine, iris: list[str]) -> dict[str, str]:
    """Each agency's shortest Chinese label (altLabel forms as written), for the chart."""
    short: dict[str, str] = {}
    for iri in iris:
        found = values(engine, iri)
        names = [
            str(o)
            for key in (SKOS.altLabel, SKOS.prefLabel)
            for o in found.get(str(key), [])
            if o.lang == "zh"
        ]
        if names:
            short[iri] = min(names, key=len)
    return short


def role_groups(engine: Engine, agency: str) -> list[RoleGroup]:
    """The agency's measures by role, each with its document number and item."""
    rows = engine.select(view_query("agency-measures", agency=agency))
    labels = label_map(engine, {str(r["role"]) for r in rows})
    groups: dict[str, RoleGroup] = {}
    for row in rows:
        role = str(row["role"])
        group = groups.setdefault(
            role, RoleGroup(role=link(role, labels), notation=str(row.get("roleName", "")))
        )
        group.measures.append(
            {
                "link": link(
                    str(row["m"]), text=f"{row.get('itemNum', row['itemOrd'])}措施{row['mOrd']}"
                ),
                "document": link(str(row["doc"]), text=str(row.get("number", ""))),
                "text": str(row.get("text", "")),
                "name": str(row.get("name", "")),
            }
        )
    return list(groups.values())


def partners(engine: Engine, agency: str) -> tuple[list[tuple[Link, int]], object]:
    """The agencies sharing measures with this one (with counts), and the chart of them."""
    rows = engine.select(view_query("agency-partners", agency=agency))
    iris = [str(r["other"]) for r in rows]
    labels = label_map(engine, iris)
    table = [(link(str(r["other"]), labels), to_int(r["n"])) for r in rows]
    drawn = iris[:MAX_PARTNERS_DRAWN]
    short = _short_labels(engine, drawn + [agency])
    index = {iri: k for k, iri in enumerate(drawn)}
    edges = [
        (index[str(r["x"])], index[str(r["y"])], to_int(r["n"]))
        for r in engine.select(view_query("agency-partner-pairs", agency=agency))
        if str(r["x"]) in index and str(r["y"]) in index
    ]
    chart = partners_svg(
        short.get(agency, labels.get(agency, agency)),
        [
            Partner(short.get(i, labels.get(i, i)), link(i).href, n)
            for (_, n), i in zip(table, drawn, strict=False)
        ],
        edges,
    )
    return table, chart


def build_agency(engine: Engine, iri: str, page: Page) -> None:
    """The agency page: names, kind, parent, measures by role, partners."""
    found = values(engine, iri)
    parents = [str(o) for o in found.get(str(ORG.subOrganizationOf), [])]
    children = [str(s) for s, _, _ in engine.triples(None, ORG.subOrganizationOf, iri)]
    kinds = [str(o) for o in found.get(str(PKG.agencyKind), [])]
    jurisdictions = [str(o) for o in found.get(str(PKG.jurisdiction), [])]
    passed = [str(r["doc"]) for r in engine.select(view_query("agency-passed", agency=iri))]
    labels = label_map(engine, parents + children + kinds + jurisdictions + passed)
    table, chart = partners(engine, iri)
    names = [f"{o} @{o.lang}" if o.lang else str(o) for o in found.get(str(SKOS.prefLabel), [])]
    page.template = "agency.html"
    page.title = str(first(found, SKOS.prefLabel) or page.title)
    page.context.update(
        names=names,
        alt_names=[str(o) for o in found.get(str(SKOS.altLabel), [])],
        kinds=[link(k, labels) for k in kinds],
        parents=[link(p, labels) for p in parents],
        children=[link(c, labels) for c in sorted(children)],
        jurisdictions=[link(j, labels) for j in jurisdictions],
        passed=[link(d, labels) for d in passed],
        groups=role_groups(engine, iri),
        partners=table,
        chart=chart,
    )
