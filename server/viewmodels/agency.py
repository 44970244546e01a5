"""View-model of an agency's page: every measure it is responsible for, grouped by role,
and the agencies it shares measures with (drawn as a star).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib.namespace import SKOS

from policykg.graph.namespaces import ORG, PKG

from ..engine import Engine
from ..linking import iri_ref
from ..svg import Partner, partners_svg
from .page import Page, first, to_int, values
from .terms import Link, label_map, link

MAX_PARTNERS_DRAWN = 24

_MEASURES = """
SELECT ?m ?mOrd ?text ?item ?itemOrd ?itemNum ?doc ?number ?role ?roleName ?name WHERE {
  ?r pkg:agent %(a)s ; pkg:role ?role .
  ?m pkg:hasResponsibility ?r ; pkg:ordinal ?mOrd ; eli:is_part_of ?item .
  ?item pkg:ordinal ?itemOrd ; eli:is_part_of+ ?doc . ?doc a pkg:PolicyDocument .
  OPTIONAL { ?r pkg:agentName ?name }
  OPTIONAL { ?m pkg:text ?text }
  OPTIONAL { ?item eli:number ?itemNum }
  OPTIONAL { ?doc eli:id_local ?number }
  OPTIONAL { ?role skos:notation ?roleName }
}
ORDER BY ?roleName ?number ?itemOrd ?mOrd
"""

_PARTNERS = """
SELECT ?other (COUNT(DISTINCT ?m) AS ?n) WHERE {
  ?m pkg:hasResponsibility/pkg:agent %(a)s , ?other .
  FILTER (?other != %(a)s)
}
GROUP BY ?other ORDER BY DESC(?n) ?other
"""

_PARTNER_PAIRS = """
SELECT ?x ?y (COUNT(DISTINCT ?m) AS ?n) WHERE {
  ?m pkg:hasResponsibility/pkg:agent %(a)s , ?x , ?y .
  FILTER (?x != %(a)s && ?y != %(a)s && STR(?x) < STR(?y))
}
GROUP BY ?x ?y
"""

_PASSED = """
SELECT DISTINCT ?doc WHERE { ?doc eli:passed_by %(a)s } ORDER BY ?doc
"""


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
    rows = engine.select(_MEASURES % {"a": iri_ref(agency)})
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
    rows = engine.select(_PARTNERS % {"a": iri_ref(agency)})
    iris = [str(r["other"]) for r in rows]
    labels = label_map(engine, iris)
    table = [(link(str(r["other"]), labels), to_int(r["n"])) for r in rows]
    drawn = iris[:MAX_PARTNERS_DRAWN]
    short = _short_labels(engine, drawn + [agency])
    index = {iri: k for k, iri in enumerate(drawn)}
    edges = [
        (index[str(r["x"])], index[str(r["y"])], to_int(r["n"]))
        for r in engine.select(_PARTNER_PAIRS % {"a": iri_ref(agency)})
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
    passed = [str(r["doc"]) for r in engine.select(_PASSED % {"a": iri_ref(iri)})]
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
