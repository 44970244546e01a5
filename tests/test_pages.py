"""The linked-data pages with Flask's test client, on tests/data/pages-sample.trig.

The sample holds part of 晋政办发〔2022〕77号 (its whole source text, five items, eight
measures with real offsets), the ontology, a few agencies and places and the national
document's items. Expected values below were read off the document's text.
"""

from __future__ import annotations

import json
import re
from html import unescape
from importlib import resources
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS

from policykg.graph.namespaces import ELI, PKG, PREFIXES
from policykg.server.app import create_app
from policykg.server.linking import local_path
from policykg.server.marked_text import Mark, marked_html, nest
from policykg.server.svg import Partner, TimeRow, partners_svg, timeline_svg

SAMPLE = Path(__file__).parent / "data" / "pages-sample.trig"
# the sample is part of a document: it does not conform, and is served anyway
PARTIAL = {"ALLOW_NONCONFORMING": True}
BASE = "https://w3id.org/policykg/"
DOC = BASE + "id/doc/晋政办发/2022/77"
NATIONAL = BASE + "id/doc/国办发/2022/9"
MEASURE = DOC + "/item/1/measure/4"
FINANCE = BASE + "id/agency/山西省财政厅"
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def client(request, app_for):
    """A test client of the app serving this module's sample, with each engine."""
    return app_for(
        DATA=str(SAMPLE), ENGINE=request.param, TESTING=True, ALLOW_NONCONFORMING=True
    ).test_client()


@pytest.fixture(scope="module")
def ox_client(app_for):
    return app_for(DATA=str(SAMPLE), TESTING=True, ALLOW_NONCONFORMING=True).test_client()


def path_of(iri: str) -> str:
    path = local_path(iri)
    assert path is not None
    return path


def get_html(client, iri: str) -> str:
    response = client.get(path_of(iri), headers={"Accept": "text/html"})
    assert response.status_code == 200, response.data[:500]
    assert response.content_type == "text/html; charset=utf-8"
    return response.get_data(as_text=True)


def measure_text_html(html: str) -> str:
    """The inner HTML of the measure's text paragraph (#measure-text)."""
    match = re.search(r'<p class="source-text" id="measure-text">(.*?)</p>', html, re.S)
    assert match, "no #measure-text"
    return match.group(1)


def jsonld_of(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD"
    return json.loads(match.group(1))


# --- IRI ↔ path -------------------------------------------------------------------------------


def test_iris_map_to_percent_encoded_paths():
    assert local_path(DOC) == "/id/doc/%E6%99%8B%E6%94%BF%E5%8A%9E%E5%8F%91/2022/77"
    assert local_path(BASE + "graph/reference/places") == "/graph/reference/places"
    assert local_path(str(PKG.Measure)) == "/ontology/term/Measure"
    assert local_path(BASE + "ontology") == "/ontology"
    assert local_path("http://data.europa.eu/eli/ontology#LegalResource") is None


def test_every_policykg_iri_of_the_sample_dereferences_as_page_and_rdf(ox_client):
    store = ox.Store()
    store.load(path=str(SAMPLE), format=ox.RdfFormat.TRIG)
    iris = {
        t.value
        for q in store.quads_for_pattern(None, None, None, None)
        for t in (q.subject, q.predicate, q.object, q.graph_name)
        if isinstance(t, ox.NamedNode) and t.value.startswith(BASE)
    }
    assert len(iris) > 150
    failures = [
        (iri, accept, r.status_code)
        for iri in sorted(iris)
        for accept in ("text/html", "text/turtle")
        if (r := ox_client.get(path_of(iri), headers={"Accept": accept})).status_code != 200
    ]
    assert failures == []


# --- content negotiation ----------------------------------------------------------------------


@pytest.mark.parametrize("media_type", list(RDF_TYPES))
def test_rdf_clients_get_the_description(client, media_type):
    response = client.get(path_of(MEASURE), headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert response.headers["Vary"] == "Accept"
    assert "?format=" in response.headers["Content-Location"]
    assert 'rel="alternate"; type="text/html"' in response.headers["Link"]
    data = response.data
    if media_type == "application/ld+json":  # compact, naming the service's own context
        body = json.loads(data)
        assert body["@context"].endswith("/context.jsonld")
        body["@context"] = json.loads(client.get("/context.jsonld").data)["@context"]
        data = json.dumps(body).encode("utf-8")
    graph = Graph().parse(data=data, format=RDF_TYPES[media_type], publicID=BASE)
    measure = URIRef(MEASURE)
    assert (measure, RDF.type, PKG.Measure) in graph
    assert len(list(graph.objects(measure, PKG.hasResponsibility))) == 3
    assert len(list(graph.objects(measure, PKG.hasQuantity))) == 5
    # labels of what it points to travel with it
    assert (
        URIRef(DOC + "/item/1"),
        URIRef("http://purl.org/dc/terms/title"),
        Literal("围绕保市场主体加大助企纾困力度", lang="zh"),
    ) in graph
    assert not any(s != measure and (s, RDF.type, None) in graph for s in graph.subjects())


def test_description_includes_the_blank_node_closure(ox_client):
    response = ox_client.get(path_of(str(PKG.Item)), headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=response.data, format="turtle")
    restrictions = [b for b in graph.objects(PKG.Item, RDFS.subClassOf) if isinstance(b, BNode)]
    assert restrictions, "the restrictions on pkg:Item are missing"
    assert all((b, OWL.onProperty, ELI.is_part_of) in graph for b in restrictions)
    union = [u for u in graph.subjects(OWL.unionOf, None)]
    assert union and list(graph.items(graph.value(union[0], OWL.unionOf))) == [
        PKG.Part,
        PKG.PolicyDocument,
    ]


@pytest.mark.parametrize(
    "accept,expected",
    [
        ("*/*", "text/html"),
        ("", "text/html"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
        ("text/turtle;q=0.5, application/ld+json", "application/ld+json"),
    ],
)
def test_accept_picks_the_representation(ox_client, accept, expected):
    response = ox_client.get(path_of(FINANCE), headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert response.mimetype == expected


def test_unmet_accept_is_406_and_format_parameter_wins(ox_client):
    response = ox_client.get(path_of(FINANCE), headers={"Accept": "application/json"})
    assert response.status_code == 406
    assert "text/turtle" in response.get_data(as_text=True)
    response = ox_client.get(
        path_of(FINANCE) + "?format=nt", headers={"Accept": "application/json"}
    )
    assert response.status_code == 200 and response.mimetype == "application/n-triples"


def test_unknown_iri_is_404_in_both_forms(ox_client):
    response = ox_client.get("/id/doc/晋政办发/2022/999")
    assert response.status_code == 404
    assert "晋政办发/2022/999" in response.get_data(as_text=True)
    assert '<html lang="zh">' in response.get_data(as_text=True)
    assert (
        ox_client.get("/id/doc/晋政办发/2022/999", headers={"Accept": "text/turtle"}).status_code
        == 404
    )
    assert ox_client.get("/id/x%3Cy").status_code == 404
    assert ox_client.get("/graph/doc/nothing").status_code == 404


def test_a_resource_never_a_subject_is_described_by_what_points_to_it(ox_client):
    software = BASE + "id/software/policykg/0.1.0"
    response = ox_client.get(path_of(software), headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=response.data, format="turtle")
    assert (URIRef(DOC + "/build"), PROV.wasAssociatedWith, URIRef(software)) in graph


def test_named_graph_gives_its_triples(ox_client):
    iri = BASE + "graph/reference/places"
    html = get_html(ox_client, iri)
    assert "地点" in html
    response = ox_client.get(path_of(iri), headers={"Accept": "application/n-triples"})
    graph = Graph().parse(data=response.data, format="nt")
    assert (URIRef(BASE + "id/place/140100"), SKOS.prefLabel, Literal("太原市", lang="zh")) in graph
    assert len(graph) == 7


def test_ontology_as_rdf_is_the_whole_ontology_graph(ox_client):
    response = ox_client.get("/ontology", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=response.data, format="turtle")
    assert (PKG.Measure, RDF.type, OWL.Class) in graph
    assert (URIRef(BASE + "ontology"), RDF.type, OWL.Ontology) in graph


# --- pages ------------------------------------------------------------------------------------


def test_landing_page(client):
    html = client.get("/").get_data(as_text=True)
    assert '<meta charset="utf-8">' in html and '<html lang="zh">' in html
    assert "晋政办发〔2022〕77号" in html and "国办发〔2022〕9号" in html
    for name in ("dataset.nq", "dataset.trig", "dataset.jsonld", "ontology.ttl", "shapes.ttl"):
        assert f'href="/download/{name}"' in html
    assert 'href="/query"' in html and 'href="/ontology"' in html
    assert re.search(r">措施</a></th><td>8<", html), "the measure count"


def test_document_page(client):
    html = get_html(client, DOC)
    assert "山西省进一步释放消费潜力促进消费持续恢复的实施方案" in html
    assert "山西省人民政府办公厅" in html and "2022-09-19" in html
    for number in ("（一）", "（二）", "（五）", "（十）", "（十三）"):
        assert number in html
    assert "应对疫情影响，促进消费有序恢复发展" in html
    # the timeline: a bar per period, a diamond per deadline, the issue date marked
    svg = re.search(r"<svg[^>]*timeline.*?</svg>", html, re.S).group(0)
    assert svg.count('class="bar ') == 2 and svg.count('class="point ') == 1
    assert "发文 2022-09-19" in svg
    data = jsonld_of(html)
    assert data["@type"] == "Legislation" and data["@id"] == DOC
    assert data["legislationIdentifier"] == "晋政办发〔2022〕77号"
    assert data["legislationDate"] == "2022-09-19"
    assert data["name"] == "山西省进一步释放消费潜力促进消费持续恢复的实施方案"
    assert data["legislationPassedBy"][0]["name"] == "山西省人民政府办公厅"
    assert data["legislationEnsuresImplementationOf"][0]["@id"] == NATIONAL


def test_national_document_lists_what_implements_it(ox_client):
    html = get_html(ox_client, NATIONAL)
    assert quote("/id/doc/晋政办发/2022/77") in html
    html = get_html(ox_client, NATIONAL + "/item/1")
    assert "对应本条的条目" in html and quote("/id/doc/晋政办发/2022/77/item/1") in html


def test_item_page(client):
    html = get_html(client, DOC + "/item/1")
    assert "（一）围绕保市场主体加大助企纾困力度" in html
    assert html.count('class="role role-') >= 8  # 2+1+2+3 agencies of its four measures
    assert "人行太原中心支行" in html
    assert f'href="{path_of(NATIONAL + "/item/1")}"' in html
    # the computed crosswalk is shown on the page, but its schema.org view states no legal
    # implementation (pkg:correspondsTo is no eli:ensures_implementation_of)
    assert "legislationEnsuresImplementationOf" not in jsonld_of(html)
    assert f'href="{path_of(DOC + "/item/2")}"' in html  # next item


def test_measure_text_is_marked_in_place(client):
    html = get_html(client, MEASURE)
    marked = measure_text_html(html)
    assert unescape(re.sub(r"<[^>]+>", "", marked)) == (
        "延续执行阶段性降低失业保险费率政策，失业保险总费率继续按照1%（单位部分0.7%，"
        "个人部分0.3%）执行，执行期限至2023年4月30日。继续实施失业保险稳岗返还政策，"
        "对符合条件的参保企业，返还一定比例失业保险费，中小微企业返还比例提高至90%，"
        "大型企业稳岗返还比例提高至50%。（省人社厅、省财政厅、省税务局按职责分工负责）"
    )
    agencies = re.findall(r'class="mark mark-agency"[^>]*>([^<]+)<', marked)
    assert agencies == ["省人社厅", "省财政厅", "省税务局"]
    assert re.findall(r'class="mark mark-quantity"[^>]*>([^<]+)<', marked) == [
        "1%",
        "0.7%",
        "0.3%",
        "90%",
        "50%",
    ]
    assert re.findall(r'class="mark mark-time"[^>]*>([^<]+)<', marked) == [
        "执行期限至2023年4月30日"
    ]
    table = re.search(r'id="responsibilities".*?</table>', html, re.S).group(0)
    for agency in ("山西省人力资源和社会保障厅", "山西省财政厅", "国家税务总局山西省税务局"):
        assert agency in table
    assert table.count(">shared<") == 3
    assert f'href="{path_of(DOC + "/span/584-724")}"' in html  # the text's span
    assert f'href="{path_of(NATIONAL + "/item/1")}"' in html  # national counterpart


def test_measure_mentions_link_places_programmes_and_citations(ox_client):
    html = get_html(ox_client, DOC + "/item/10/measure/1")
    marked = measure_text_html(html)
    assert re.search(r'<a href="/id/place/140100" class="mark mark-place"[^>]*>太原市</a>', marked)
    assert re.search(r'class="mark mark-programme"[^>]*>一刻钟便民生活圈<', marked)
    marked = measure_text_html(get_html(ox_client, DOC + "/item/1/measure/3"))
    assert re.search(
        r'class="mark mark-citation"[^>]*>省级政府性融资担保机构补偿补贴资金管理办法<', marked
    )


def test_agency_page(client):
    html = get_html(client, FINANCE)
    assert "Shanxi Provincial Department of Finance" in html and "省财政厅" in html
    assert "按职责分工负责" in html
    assert html.count("措施1</a>") + html.count("措施3</a>") + html.count("措施4</a>") == 3
    svg = re.search(r"<svg[^>]*partners.*?</svg>", html, re.S).group(0)
    assert f'href="{path_of(BASE + "id/agency/国家税务总局山西省税务局")}"' in svg
    assert "省税务局 (2)" in svg  # shares measures 1 and 4 of item 1
    assert jsonld_of(html)["@type"] == "GovernmentOrganization"


def test_span_and_source_pages(ox_client):
    html = get_html(ox_client, DOC + "/span/584-724")
    here = re.search(r'<span class="mark mark-here"[^>]*id="here">(.*?)</span>', html, re.S)
    assert here and here.group(1).startswith("延续执行阶段性降低失业保险费率政策")
    assert f'href="{path_of(MEASURE)}"' in html  # what was derived from it
    html = get_html(ox_client, DOC + "/source")
    assert len(re.findall(r'<a href="[^"]+" class="mark mark-measure"', html)) == 8
    assert "jinzhengbanfa-2022-77.txt" in html


def test_ontology_pages(client):
    html = get_html(client, BASE + "ontology")
    assert 'id="Measure"' in html and 'href="/ontology/term/Measure"' in html
    assert "措施" in html
    html = get_html(client, str(PKG.hasResponsibility))
    assert "pkg:hasResponsibility" in html
    assert 'href="/ontology/term/Responsibility"' in html  # its range
    html = get_html(client, str(PKG["role-lead"]))
    assert "牵头负责" in html and "<code>lead</code>" in html
    assert re.search(r"使用次数 Uses in the graph</dt><dd>2<", html)  # two lead clauses


def test_generic_page_for_a_place(client):
    html = get_html(client, BASE + "id/place/140100")
    assert "太原市" in html and "140100" in html
    assert f'href="{path_of(BASE + "id/place/140000")}"' in html  # skos:broader
    assert jsonld_of(html)["@id"] == BASE + "id/place/140100"


def test_the_pages_json_ld_says_what_the_schema_export_says(ox_client):
    """One schema.org mapping: every statement a page's JSON-LD makes is in the export's
    schema.org view of the same data, and every property the export gives a resource
    is on its page."""
    from rdflib import Dataset

    from policykg.graph.namespaces import SCHEMA
    from policykg.server.exports import schema_view

    dataset = Dataset()
    dataset.parse(SAMPLE, format="trig")
    export = schema_view(dataset)
    mapped = {
        s
        for cls in (SCHEMA.Legislation, SCHEMA.GovernmentOrganization)
        for s in export.subjects(RDF.type, cls)
        if local_path(str(s)) is not None
    }
    assert len(mapped) > 20
    kinds = set()
    for resource in sorted(mapped):
        data = jsonld_of(get_html(ox_client, str(resource)))
        kinds.add(data["@type"])
        data["@context"] = {"@vocab": str(SCHEMA)}  # read offline, plain values as literals
        page = Graph().parse(data=json.dumps(data), format="json-ld")
        for s, p, o in page:
            if isinstance(o, Literal):  # the page shows values without language tags
                assert str(o) in {str(x) for x in export.objects(s, p)}, (s, p, o)
            else:
                assert (s, p, o) in export, (s, p, o)
        missing = set(export.predicates(resource)) - set(page.predicates(resource))
        assert missing == set(), (resource, missing)
    assert kinds == {"Legislation", "GovernmentOrganization"}


def test_every_page_links_its_sparql(ox_client):
    html = get_html(ox_client, FINANCE)
    assert "/query?query=DESCRIBE%20%3Chttps%3A//w3id.org/policykg/id/agency/" in html


def test_a_triple_in_several_graphs_counts_once():
    """pyoxigraph's union default graph repeats a triple held by two graphs; pages must not."""
    from policykg.server.engine import OxigraphEngine

    store = ox.Store()
    store.load(path=str(SAMPLE), format=ox.RdfFormat.TRIG)
    instant = ox.NamedNode(BASE + "id/instant/2023-04-30")
    for quad in list(store.quads_for_pattern(instant, None, None, None)):
        store.add(
            ox.Quad(
                quad.subject,
                quad.predicate,
                quad.object,
                ox.NamedNode(BASE + "graph/doc/other/2022/1"),
            )
        )
    app = create_app({"TESTING": True}, engine=OxigraphEngine(store))
    html = get_html(app.test_client(), DOC)
    svg = re.search(r"<svg[^>]*timeline.*?</svg>", html, re.S).group(0)
    assert svg.count('class="point ') == 1


# --- the query page ---------------------------------------------------------------------------


def test_query_page_offers_the_competency_questions(ox_client):
    html = ox_client.get("/query").get_data(as_text=True)
    shipped = sorted(
        f.name[:-3]
        for f in (resources.files("policykg.server") / "queries").iterdir()
        if f.name.startswith("cq") and f.name.endswith(".rq")
    )
    assert len(shipped) == 10
    for name in shipped:
        assert f'data-name="{name}"' in html
    assert "Which agencies are responsible for anything" in html
    assert "yasgui/yasgui.min.js" in html and "query.js" in html
    assert not re.search(r'(src|href)="(https?:)?//', html), "no outside asset"


def test_query_assets_are_served_from_the_package(ox_client):
    for name in (
        "yasgui/yasgui.min.js",
        "yasgui/yasgui.min.css",
        "yasgui/LICENSE",
        "query.js",
        "site.css",
    ):
        with ox_client.get("/assets/" + name) as response:
            assert response.status_code == 200, name
    assert ox_client.get("/query/prefixes.json").get_json() == PREFIXES


# --- building blocks --------------------------------------------------------------------------


def test_marks_nest_and_crossing_marks_are_dropped():
    marks = [
        Mark(0, 6, "citation", "c", "/c"),
        Mark(2, 4, "place", "p", "/p"),
        Mark(5, 8, "time", "t", "/t"),
    ]
    roots = nest(marks, 0, 10)
    assert [m.kind for m in roots] == ["citation"]
    assert [m.kind for m in roots[0].children] == ["place"]
    html = str(marked_html("《太原市办法》年底<x>", 0, 10, marks))
    assert html == (
        '<span class="mark mark-citation" title="c">《太<a href="/p" class="mark '
        'mark-place" title="p">原市</a>办法</span>》年底&lt;'
    )
    assert str(marked_html("abc", 1, 3, [])) == "bc"


def test_timeline_and_partner_charts():
    from datetime import date

    rows = [
        TimeRow("（一）措施1", "/m1", "到2022年年底", "deadline", None, date(2022, 12, 31)),
        TimeRow(
            "（二）措施1", "/m2", "“十四五”期间", "period", date(2021, 1, 1), date(2025, 12, 31)
        ),
        TimeRow("（三）措施1", "/m3", "每月5日前", "recurring", None, None),
    ]
    svg = str(timeline_svg(rows, ("发文", date(2022, 9, 19))))
    assert svg.count("<a href=") == 2 and "每月5日前" not in svg
    assert ">2021</text>" in svg and ">2025</text>" in svg
    assert str(timeline_svg(rows[2:])) == ""
    svg = str(
        partners_svg(
            "省财政厅", [Partner("省税务局", "/a", 3), Partner("省人社厅", "/b", 1)], [(0, 1, 1)]
        )
    )
    assert 'href="/a"' in svg and "省税务局 (3)" in svg and svg.count('class="edge"') == 2


# --- on the bundled corpus ---------------------------------------------------------------------


def test_every_measure_of_the_bundled_graph_keeps_its_text_when_marked(bundled_client, bundled_nq):
    store = ox.Store()
    store.load(path=str(bundled_nq), format=ox.RdfFormat.N_QUADS)
    rows = list(
        store.query(
            "PREFIX pkg: <https://w3id.org/policykg/ontology#> "
            "PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> "
            "SELECT ?m ?text ?clause WHERE { ?m a pkg:Measure ; pkg:text ?text . "
            "OPTIONAL { ?m pkg:clause/nif:anchorOf ?clause } }",
            use_default_graph_as_union=True,
        )
    )
    assert len(rows) > 50
    for row in rows:
        marked = measure_text_html(get_html(bundled_client, row["m"].value))
        expected = row["text"].value + (f"（{row['clause'].value}）" if row["clause"] else "")
        assert unescape(re.sub(r"<[^>]+>", "", marked)) == expected, row["m"].value
        assert 'class="mark mark-agency"' in marked or not row["clause"], row["m"].value


# --- requests and data that must never give a 500 or a live unsafe link --------------------------


@pytest.mark.parametrize(
    "path", ["/ontology/term/a%20b", "/ontology/term/a%3Cb", "/ontology/term/%7F"]
)
def test_a_term_name_that_is_no_iri_is_404_not_500(ox_client, path):
    assert ox_client.get(path, headers={"Accept": "text/html"}).status_code == 404
    assert ox_client.get(path, headers={"Accept": "text/turtle"}).status_code == 404


@pytest.mark.parametrize("path", ["/id/%7F", "/id/doc/%25zz", "/graph/%7F", "/graph/doc/%25zz"])
def test_an_iri_the_store_refuses_is_404_not_500(ox_client, path):
    assert ox_client.get(path, headers={"Accept": "text/html"}).status_code == 404
    assert ox_client.get(path + "?format=ttl").status_code == 404


def test_is_safe_iri_agrees_with_the_store():
    from policykg.server.linking import is_safe_iri

    assert is_safe_iri(DOC)
    for bad in (BASE + "id/\x7f", BASE + "id/doc/%zz", BASE + "id/a b", BASE + "id/a<b"):
        assert not is_safe_iri(bad), bad


def test_last_segment_is_the_last_path_segment_and_never_fails():
    from policykg.server.pages import last_segment_filter

    assert last_segment_filter(MEASURE + "/quantity/2") == "2"
    assert last_segment_filter(MEASURE + "/quantity/2/") == "2"
    assert last_segment_filter("urn:x-policykg:whole") == "urn:x-policykg:whole"
    assert last_segment_filter("") == ""


def test_the_iri_href_filter_never_makes_an_unsafe_link():
    from policykg.server.pages import iri_href_filter

    assert iri_href_filter(FINANCE) == path_of(FINANCE)
    assert iri_href_filter("https://example.org/a") == "https://example.org/a"
    assert iri_href_filter("javascript:alert(1)") == ""
    assert iri_href_filter("data:text/html,<b>x</b>") == ""


UNSAFE = {
    MEASURE + "/time/1": "javascript:alert(1)",
    MEASURE + "/quantity/1": "javascript:alert(2)",
    MEASURE + "/quantity/3": "data:text/html,x",
}


@pytest.fixture(scope="module")
def unsafe_client():
    """The sample with a time bound and quantities of MEASURE renamed to unsafe IRIs."""
    from policykg.server.engine import OxigraphEngine

    source = ox.Store()
    source.load(path=str(SAMPLE), format=ox.RdfFormat.TRIG)
    store = ox.Store()

    def rename(term):
        if isinstance(term, ox.NamedNode) and term.value in UNSAFE:
            return ox.NamedNode(UNSAFE[term.value])
        return term

    store.extend(
        ox.Quad(rename(q.subject), q.predicate, rename(q.object), q.graph_name) for q in source
    )
    return create_app({"TESTING": True}, engine=OxigraphEngine(store)).test_client()


def test_unsafe_iris_in_the_data_never_become_live_links(unsafe_client):
    html = get_html(unsafe_client, MEASURE)
    hrefs = [h for h in re.findall(r'href="([^"]*)"', html) if h != "data:,"]  # the favicon
    assert hrefs
    assert not [h for h in hrefs if h.lower().startswith(("javascript:", "data:"))]
    assert "javascript:alert(2)" in html  # shown as text (the whole of quantity/2)


def test_named_graphs_and_the_ontology_are_serialised_once_per_media_type(monkeypatch):
    from policykg.server import pages

    client = create_app({"DATA": str(SAMPLE), "TESTING": True, **PARTIAL}).test_client()
    calls = []
    original = pages.named_graph

    def counting(lookup, iri):
        calls.append(iri)
        return original(lookup, iri)

    monkeypatch.setattr(pages, "named_graph", counting)
    places = path_of(BASE + "graph/reference/places")
    for _ in range(2):
        for path in (places, "/ontology"):
            first = client.get(path, headers={"Accept": "text/turtle"})
            assert first.status_code == 200 and first.mimetype == "text/turtle"
            assert len(Graph().parse(data=first.data, format="turtle"))
    assert len(calls) == 2
    assert client.get(places + "?format=nt").status_code == 200
    assert len(calls) == 3


@pytest.mark.parametrize("engine_name", ["oxigraph", "rdflib"])
def test_a_page_embeds_what_the_whole_view_says_of_its_resource(bundled_nq, engine_name):
    """A page's JSON-LD is made from the schema.org view of its resource and neighbours
    only (so that it costs the same at any size of dataset): for every resource of the
    bundled graph, the same JSON-LD as the view of the whole dataset gives."""
    from policykg.server.engine import OxigraphEngine, RdflibEngine
    from policykg.server.exports import SchemaIndex, view_triples

    engines = {"oxigraph": OxigraphEngine, "rdflib": RdflibEngine}
    engine = engines[engine_name].from_path(bundled_nq)
    whole = SchemaIndex(view_triples(engine, "schema"))
    resources = sorted(iri for iri, node in whole.nodes.items() if str(RDF.type) in node)
    assert len(resources) > 100
    kinds = set()
    for iri in resources:
        expected = whole.page_jsonld(iri)
        assert SchemaIndex.around(engine, iri).page_jsonld(iri) == expected, iri
        kinds.add(expected["@type"] if expected else None)
    assert {"Legislation", "GovernmentOrganization"} <= kinds
