"""The ELI and schema.org views, the cross-document example queries and the VoID linkset.

The views are run on a small dataset written by hand following docs/model.md
(tests/data/views/fixture.trig) plus the national outline shipped in the package, and
validated with SHACL shapes of the minimal ELI and schema.org expectations.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pyoxigraph
import pytest
from pyshacl import validate
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, SKOS, XSD

from policykg.graph.linkset import linkset_graph
from policykg.graph.namespaces import ELI, PKG, PKID, SCHEMA, VOID, WD
from policykg.server.exports import (
    eli_view,
    frame_schema_view,
    schema_jsonld,
    schema_view,
    view_query,
)

DATA = Path(__file__).parent / "data" / "views"
NATIONAL_GRAPH = "https://w3id.org/policykg/graph/reference/national"
SHANXI = PKID["doc/晋政办发/2022/77"]
CITY = PKID["doc/并政办发/2022/30"]
NATIONAL = PKID["doc/国办发/2022/9"]


def national_turtle() -> str:
    return (resources.files("policykg.graph") / "data" / "national-opinion.ttl").read_text(
        encoding="utf-8"
    )


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    ds = Dataset()
    ds.parse(DATA / "fixture.trig", format="trig")
    ds.graph(URIRef(NATIONAL_GRAPH)).parse(data=national_turtle(), format="turtle")
    return ds


@pytest.fixture(scope="module")
def eli(dataset) -> Graph:
    return eli_view(dataset)


@pytest.fixture(scope="module")
def schema(dataset) -> Graph:
    return schema_view(dataset)


def conforms(view: Graph, shapes: str) -> tuple[bool, str]:
    ok, _, text = validate(view, shacl_graph=Graph().parse(DATA / shapes))
    return ok, text


def copy(g: Graph) -> Graph:
    out = Graph()
    for t in g:
        out.add(t)
    return out


# -- the ELI view -----------------------------------------------------------------------------


def test_view_queries_ship_in_the_package():
    assert view_query("eli").lstrip().startswith("#") and "CONSTRUCT" in view_query("eli")
    assert "schema:Legislation" in view_query("schema")
    with pytest.raises(ValueError):
        view_query("dcat")


def test_eli_view_conforms_to_the_eli_shapes(eli):
    ok, report = conforms(eli, "eli-shapes.ttl")
    assert ok, report


def test_eli_view_describes_documents_parts_items_and_the_links(eli):
    expr = URIRef(f"{SHANXI}/zh")
    assert (SHANXI, RDF.type, ELI.LegalResource) in eli
    assert eli.value(SHANXI, ELI.id_local) == Literal("晋政办发〔2022〕77号")
    assert eli.value(SHANXI, ELI.date_document) == Literal("2022-09-19", datatype=XSD.date)
    assert eli.value(SHANXI, ELI.passed_by) == PKID["agency/山西省人民政府办公厅"]
    assert (SHANXI, ELI.ensures_implementation_of, NATIONAL) in eli
    assert (CITY, ELI.ensures_implementation_of, SHANXI) in eli
    assert eli.value(SHANXI, ELI.is_realized_by) == expr
    assert eli.value(expr, ELI.title) == Literal(
        "山西省进一步释放消费潜力促进消费持续恢复的实施方案", lang="zh"
    )
    assert (
        expr,
        ELI.language,
        URIRef("http://publications.europa.eu/resource/authority/language/ZHO"),
    ) in eli
    item1 = URIRef(f"{SHANXI}/item/1")
    assert (item1, RDF.type, ELI.LegalResourceSubdivision) in eli
    assert (URIRef(f"{SHANXI}/part/1"), ELI.has_part, item1) in eli
    # the computed crosswalk is not exported as ELI's legal property
    assert not list(eli.triples((item1, ELI.ensures_implementation_of, None)))
    assert eli.value(item1, ELI.number) == Literal("（一）")
    measure = URIRef(f"{item1}/measure/2")
    assert eli.value(measure, ELI.number) == Literal("2")
    assert (measure, ELI.cites, PKID["work/省级政府性融资担保机构补偿补贴资金管理办法"]) in eli
    assert eli.value(URIRef(f"{measure}/zh"), ELI.description).startswith("落实《省级")
    # the national outline is exported as any document
    assert eli.value(URIRef(f"{NATIONAL}/item/20/zh"), ELI.title) == Literal(
        "压实各方责任", lang="zh"
    )


def test_eli_view_types_documents_with_dct_type_not_the_eli_code_list(eli):
    assert not list(eli.triples((None, ELI.type_document, None)))
    assert eli.value(SHANXI, DCTERMS.type) == PKG["doctype-implementation-plan"]


def test_eli_shapes_catch_a_subdivision_without_a_whole_and_a_date_that_is_not_a_date(eli):
    broken = copy(eli)
    broken.remove((URIRef(f"{SHANXI}/item/1"), ELI.is_part_of, None))
    assert not conforms(broken, "eli-shapes.ttl")[0]
    broken = copy(eli)
    broken.set((SHANXI, ELI.date_document, Literal("2022年9月19日")))
    assert not conforms(broken, "eli-shapes.ttl")[0]
    broken = copy(eli)
    broken.add((SHANXI, ELI.type_document, PKG["doctype-implementation-plan"]))
    assert not conforms(broken, "eli-shapes.ttl")[0]


# -- the schema.org view ----------------------------------------------------------------------


def test_schema_view_conforms_to_the_schema_shapes(schema):
    ok, report = conforms(schema, "schema-shapes.ttl")
    assert ok, report


def test_schema_view_describes_documents_as_legislation(schema):
    assert (SHANXI, RDF.type, SCHEMA.Legislation) in schema
    assert schema.value(SHANXI, SCHEMA.legislationIdentifier) == Literal("晋政办发〔2022〕77号")
    assert schema.value(SHANXI, SCHEMA.legislationDate) == Literal("2022-09-19", datatype=XSD.date)
    issuer = schema.value(SHANXI, SCHEMA.legislationPassedBy)
    assert (issuer, RDF.type, SCHEMA.GovernmentOrganization) in schema
    assert schema.value(SHANXI, SCHEMA.legislationEnsuresImplementationOf) == NATIONAL
    assert schema.value(SHANXI, SCHEMA.inLanguage) == Literal("zh")
    assert schema.value(SHANXI, SCHEMA.legislationType) == Literal("实施方案", lang="zh")
    item5 = URIRef(f"{SHANXI}/item/5")
    assert (URIRef(f"{SHANXI}/part/2"), SCHEMA.hasPart, item5) in schema
    assert schema.value(item5, SCHEMA.position) == Literal(5)
    # the computed crosswalk is no legal statement: not in the schema.org view either
    assert schema.value(item5, SCHEMA.legislationEnsuresImplementationOf) is None
    cited = schema.value(URIRef(f"{SHANXI}/item/1/measure/2"), SCHEMA.citation)
    assert schema.value(cited, SCHEMA.name) == Literal(
        "省级政府性融资担保机构补偿补贴资金管理办法", lang="zh"
    )


def test_schema_shapes_catch_a_part_its_whole_does_not_list(schema):
    broken = copy(schema)
    broken.remove((None, SCHEMA.hasPart, URIRef(f"{SHANXI}/item/5")))
    assert not conforms(broken, "schema-shapes.ttl")[0]


def test_schema_jsonld_is_framed_per_document_and_parses_back_to_the_view(dataset, schema):
    text = schema_jsonld(dataset)
    doc = json.loads(text)
    tops = {node["@id"]: node for node in doc["@graph"]}
    assert set(tops) == {
        "pkid:doc/晋政办发/2022/77",
        "pkid:doc/并政办发/2022/30",
        "pkid:doc/国办发/2022/9",
        "pkid:work/省级政府性融资担保机构补偿补贴资金管理办法",
    }
    shanxi = tops["pkid:doc/晋政办发/2022/77"]
    assert shanxi["legislationDate"] == "2022-09-19"
    assert shanxi["legislationPassedBy"]["name"][0]["@value"] in {
        "山西省人民政府办公厅",
        "General Office of the Shanxi Provincial People's Government",
    }
    parts = shanxi["hasPart"]
    assert [p["position"] for p in parts] == [1, 2]
    assert [i["identifier"] for i in parts[0]["hasPart"]] == ["（一）", "（三）"]
    assert isomorphic(Graph().parse(data=text, format="json-ld"), schema)
    assert frame_schema_view(schema) == text


def test_schema_jsonld_frames_an_issuer_that_is_a_blank_node():
    # A graph of one's own may name an agency by a blank node: the view keeps it, and the
    # JSON-LD must embed it under its _: id (it raised TypeError, and a blank subject lost
    # its _: prefix, so that it parsed back as a relative IRI).
    data = Dataset()
    graph = data.graph(URIRef("https://example.org/graph"))
    issuer = BNode()
    graph.add((PKID["doc/x"], RDF.type, PKG.PolicyDocument))
    graph.add((PKID["doc/x"], ELI.passed_by, issuer))
    graph.add((issuer, SKOS.prefLabel, Literal("某部", lang="zh")))
    text = schema_jsonld(data)
    (top,) = json.loads(text)["@graph"]
    passed_by = top["legislationPassedBy"]
    assert passed_by["@id"].startswith("_:")
    assert passed_by["name"] == {"@value": "某部", "@language": "zh"}
    assert isomorphic(Graph().parse(data=text, format="json-ld"), schema_view(data))


# -- cross-document queries (rdflib and Oxigraph) ---------------------------------------------


def cross_query(name: str) -> str:
    return (resources.files("policykg.server") / "queries" / "cross" / f"{name}.rq").read_text(
        encoding="utf-8"
    )


@pytest.fixture(scope="module")
def oxigraph_store() -> pyoxigraph.Store:
    store = pyoxigraph.Store()
    store.load(path=str(DATA / "fixture.trig"), format=pyoxigraph.RdfFormat.TRIG)
    store.load(
        national_turtle(),
        format=pyoxigraph.RdfFormat.TURTLE,
        to_graph=pyoxigraph.NamedNode(NATIONAL_GRAPH),
    )
    return store


def rows_rdflib(dataset: Dataset, query: str) -> list[tuple]:
    union = Dataset(default_union=True)
    for q in dataset.quads((None, None, None, None)):
        union.add(q)
    return [tuple(None if v is None else str(v) for v in row) for row in union.query(query)]


def rows_oxigraph(store: pyoxigraph.Store, query: str) -> list[tuple]:
    result = store.query(query, use_default_graph_as_union=True)
    names = [v.value for v in result.variables]
    return [tuple(None if s[n] is None else s[n].value for n in names) for s in result]


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_cross_query_targets_for_the_same_national_item(engine, dataset, oxigraph_store):
    q = cross_query("targets-for-same-national-item")
    rows = rows_rdflib(dataset, q) if engine == "rdflib" else rows_oxigraph(oxigraph_store, q)
    # (nationalNumber, nationalItem, nationalTitle, number, place, item, measure, value, unit,
    # comparator)
    assert [(r[1], r[3], r[4], r[5], r[6], r[7], r[8]) for r in rows] == [
        ("1", "并政办发〔2022〕30号", "太原市", "1", "1", "90", "%"),
        ("1", "晋政办发〔2022〕77号", "山西省", "1", "2", "90", "%"),
    ]


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_cross_query_lead_agencies_per_document(engine, dataset, oxigraph_store):
    q = cross_query("lead-agencies-per-document")
    rows = rows_rdflib(dataset, q) if engine == "rdflib" else rows_oxigraph(oxigraph_store, q)
    doc = "https://w3id.org/policykg/id/doc/"
    assert rows == [
        ("并政办发〔2022〕30号", "市商务局", "太原市商务局", "1", doc + "并政办发/2022/30"),
        ("晋政办发〔2022〕77号", "省商务厅", "山西省商务厅", "1", doc + "晋政办发/2022/77"),
    ]


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_cross_query_city_measures_without_provincial_counterpart(engine, dataset, oxigraph_store):
    q = cross_query("city-measures-without-provincial-counterpart")
    rows = rows_rdflib(dataset, q) if engine == "rdflib" else rows_oxigraph(oxigraph_store, q)
    assert rows == [
        (
            "并政办发〔2022〕30号",
            "晋政办发〔2022〕77号",
            "2",
            "打造国际消费中心城市",
            "1",
            "建设钟楼街步行街。",
            "https://w3id.org/policykg/id/doc/并政办发/2022/30",
        )
    ]


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_cross_query_measures_per_agency_counts_leads_and_shares(engine, dataset, oxigraph_store):
    q = cross_query("measures-per-agency")
    rows = rows_rdflib(dataset, q) if engine == "rdflib" else rows_oxigraph(oxigraph_store, q)
    agency = "https://w3id.org/policykg/id/agency/"
    assert rows == [
        (agency + "太原市商务局", "太原市商务局", "1", "0"),
        (agency + "山西省商务厅", "山西省商务厅", "1", "0"),
        (agency + "山西省财政厅", "山西省财政厅", "0", "1"),
    ]


# -- the VoID linkset -------------------------------------------------------------------------


def test_linkset_counts_the_links_to_wikidata_and_to_the_national_document(dataset):
    g = linkset_graph(dataset)
    linksets = {ls: g.value(ls, VOID.linkPredicate) for ls in g.subjects(RDF.type, VOID.Linkset)}
    assert set(linksets.values()) == {
        SKOS.exactMatch,
        ELI.ensures_implementation_of,
        PKG.correspondsTo,
    }
    by_predicate = {p: ls for ls, p in linksets.items()}
    wikidata = by_predicate[SKOS.exactMatch]
    assert g.value(wikidata, VOID.triples).toPython() == 2
    assert g.value(g.value(wikidata, VOID.objectsTarget), VOID.uriSpace) == Literal(str(WD))
    national = by_predicate[ELI.ensures_implementation_of]
    # Shanxi → national document (stated); Shanxi items 1 and 5 → national items 1 and 4
    # (computed: the crosswalk's own linkset)
    assert g.value(national, VOID.triples).toPython() == 1
    crosswalk = by_predicate[PKG.correspondsTo]
    assert g.value(crosswalk, VOID.triples).toPython() == 2
    target = g.value(national, VOID.objectsTarget)
    assert g.value(crosswalk, VOID.objectsTarget) == target
    assert g.value(target, VOID.rootResource) == NATIONAL
    assert all(g.value(ls, VOID.subjectsTarget) == PKID["dataset"] for ls in linksets)
    assert (PKID["dataset"], VOID.subset, national) in g


# -- the built dataset ------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("name,view", [("eli", eli_view), ("schema", schema_view)])
def test_views_of_the_built_dataset_conform(name, view, bundled_dataset):
    ok, report = conforms(view(bundled_dataset), f"{name}-shapes.ttl")
    assert ok, report


def test_schema_jsonld_of_the_built_dataset_nests_the_plan_and_the_national_outline(
    bundled_dataset,
):
    doc = json.loads(schema_jsonld(bundled_dataset))
    tops = {n["@id"]: n for n in doc["@graph"] if n.get("@type") == "Legislation"}
    shanxi = tops["pkid:doc/晋政办发/2022/77"]
    assert len(shanxi["hasPart"]) == 5
    assert sum(len(p["hasPart"]) for p in shanxi["hasPart"]) == 21
    assert shanxi["legislationEnsuresImplementationOf"] == "pkid:doc/国办发/2022/9"
    assert len(tops["pkid:doc/国办发/2022/9"]["hasPart"]) == 5
