"""The crosswalk: plan items linked to the items they implement, computed from the text.

Expected links are worked out by reading the documents: the Shanxi plan follows the
national opinion item by item and adds （三） of its own; the test documents' expected
files name each item's counterpart.
"""

from __future__ import annotations

import json
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS, XSD

from policykg.graph.crosswalk import (
    LINK_THRESHOLD,
    WEAK_THRESHOLD,
    CrosswalkLink,
    TargetItem,
    align,
    crosswalk,
    crosswalk_items,
    crosswalk_triples,
    plan_items,
    target_items_from_graph,
)
from policykg.graph.namespaces import ELI, PKG, PKID
from policykg.graph.parse import parse_document
from policykg.graph.source import read_source

TESTS = Path(__file__).parent
DOCS = TESTS / "data" / "docs"
NATIONAL = PKID["doc/国办发/2022/9"]
SHANXI = PKID["doc/晋政办发/2022/77"]


def national_graph() -> Graph:
    """The national outline as shipped in the package."""
    ref = resources.files("policykg.graph") / "data" / "national-opinion.ttl"
    return Graph().parse(data=ref.read_text(encoding="utf-8"), format="turtle")


@pytest.fixture(scope="module")
def national_items() -> list[TargetItem]:
    return target_items_from_graph(national_graph(), NATIONAL)


@pytest.fixture(scope="module")
def shanxi():
    with resources.as_file(
        resources.files("policykg.corpus") / "jinzhengbanfa-2022-77.txt"
    ) as path:
        return parse_document(read_source(path))


def ordinal_of(iri: URIRef | None) -> int | None:
    return int(str(iri).rsplit("/", 1)[1]) if iri is not None else None


def expected_counterparts(name: str) -> dict[int, int]:
    expected = json.loads((DOCS / f"{name}.expected.json").read_text(encoding="utf-8"))
    return {i["ordinal"]: i["counterpart"]["item"] for i in expected["items"]}


# -- the national outline -------------------------------------------------------------------


def test_national_outline_has_five_parts_and_twenty_items_in_order(national_items):
    g = national_graph()
    parts = sorted(int(g.value(p, PKG.ordinal)) for p in g.subjects(RDF.type, PKG.Part))
    assert parts == [1, 2, 3, 4, 5]
    assert [t.ordinal for t in national_items] == list(range(1, 21))
    assert national_items[0].title == "围绕保市场主体加大助企纾困力度"
    assert national_items[6].title == "大力发展绿色消费"
    assert all(t.measures == () for t in national_items)


def test_national_document_facts_are_typed_as_the_model_says():
    g = national_graph()
    assert g.value(NATIONAL, ELI.id_local) == Literal("国办发〔2022〕9号")
    assert g.value(NATIONAL, ELI.date_document) == Literal("2022-04-25", datatype=XSD.date)
    issuer = g.value(NATIONAL, ELI.passed_by)
    assert issuer == PKID["agency/国务院办公厅"]
    assert (issuer, SKOS.prefLabel, Literal("General Office of the State Council", lang="en")) in g
    assert g.value(NATIONAL, DCTERMS.title) == Literal(
        "国务院办公厅关于进一步释放消费潜力促进消费持续恢复的意见", lang="zh"
    )


def test_every_outline_title_keeps_its_verification_status_and_source():
    g = national_graph()
    ontology = resources.files("policykg.ontology") / "policykg.ttl"
    g.parse(data=ontology.read_text(encoding="utf-8"), format="turtle")  # the status concepts
    statuses = {}
    for node in [*g.subjects(RDF.type, PKG.Part), *g.subjects(RDF.type, PKG.Item)]:
        status = g.value(node, PKG.verificationStatus)
        assert status is not None and g.value(status, SKOS.notation) is not None, node
        assert list(g.objects(node, DCTERMS.source)), node
        assert g.value(node, SKOS.editorialNote) is not None, node
        statuses[str(node).split("9/", 1)[1]] = str(g.value(status, SKOS.notation))
    assert statuses["item/1"] == "V" and statuses["part/1"] == "V"
    assert statuses["item/7"] == "P" and statuses["item/2"] == "S"
    # an inferred title names the plan it was read off
    assert (URIRef(f"{NATIONAL}/item/2"), DCTERMS.source, SHANXI) in g


# -- the Shanxi plan against the national outline ----------------------------------------------


def test_shanxi_plan_links_every_item_to_its_national_item(shanxi, national_items):
    links = crosswalk(shanxi, national_items)
    got = {lk.item_ordinal: ordinal_of(lk.target_iri) for lk in links}
    expected = {1: 1, 2: 2, 3: None} | {n: n - 1 for n in range(4, 22)}
    assert got == expected


def test_shanxi_links_are_strong_and_its_own_item_is_reported(shanxi, national_items):
    links = {lk.item_ordinal: lk for lk in crosswalk(shanxi, national_items)}
    assert all(not lk.weak and lk.score >= WEAK_THRESHOLD for n, lk in links.items() if n != 3)
    own = links[3]  # 多措并举扩大住宿餐饮文旅消费: no national counterpart
    assert own.target_iri is None and own.weak and own.score < LINK_THRESHOLD
    assert own.best_iri is not None and "no counterpart" in str(own)


# -- a city plan against the provincial plan; another province against the national outline ---


def test_city_plan_links_to_the_provincial_plan_items(shanxi):
    city = parse_document(read_source(DOCS / "taiyuan-city-plan.txt"))
    links = crosswalk(city, plan_items(shanxi))
    got = {lk.item_ordinal: ordinal_of(lk.target_iri) for lk in links}
    assert got == expected_counterparts("taiyuan-city-plan")
    assert all(str(lk.target_iri).startswith(f"{SHANXI}/item/") for lk in links)


def test_another_provinces_measures_never_link_wrongly(national_items):
    # 赣府厅字[2022]88号 words its items differently from the national titles; the lexical
    # method links the two it can tell and reports the rest as weak rather than guessing.
    plan = parse_document(read_source(DOCS / "jiangxi-measures.txt"))
    expected = expected_counterparts("jiangxi-measures")
    links = crosswalk(plan, national_items)
    linked = {lk.item_ordinal: ordinal_of(lk.target_iri) for lk in links if lk.target_iri}
    assert linked == {n: expected[n] for n in linked}
    assert {1, 3} <= linked.keys()
    assert all(lk.weak for lk in links if lk.target_iri is None)


# -- the method ----------------------------------------------------------------------------


def item(n: int, title: str, *measures: str) -> TargetItem:
    return TargetItem(URIRef(f"https://example.org/t/{n}"), n, title, measures)


def test_alignment_keeps_order_over_a_higher_crossing_match():
    scores = [
        [0.9, 0.0, 0.0],
        [0.0, 0.0, 0.6],  # its best match would cross the next item's link ...
        [0.0, 0.8, 0.0],
    ]  # ... which scores higher: the crossing one is dropped
    assert align(scores, threshold=0.25) == {0: 0, 2: 1}


def test_alignment_skips_items_below_the_threshold_and_lets_a_split_item_share_a_target():
    scores = [[0.9, 0.1], [0.8, 0.1], [0.1, 0.2], [0.1, 0.7]]
    assert align(scores, threshold=0.25) == {0: 0, 1: 0, 3: 1}


def test_measure_texts_link_items_whose_titles_differ():
    targets = [
        item(1, "稳定就业", "实施高校毕业生就业促进行动，扩大公益性岗位。"),
        item(2, "发展绿色消费", "推广新能源汽车和绿色建材，开展绿色商场创建。"),
    ]
    plan = [
        item(1, "其他事项", "开展新能源汽车下乡，推广绿色建材应用。"),
        item(2, "做好民生保障", "实施高校毕业生就业促进行动，开发公益性岗位。"),
    ]
    links = crosswalk_items(plan, targets)
    # the two matches cross: the order-preserving alignment keeps the stronger one
    assert [(lk.item_ordinal, ordinal_of(lk.target_iri)) for lk in links] == [(1, None), (2, 1)]
    assert links[0].best_iri == targets[1].iri and links[0].score > LINK_THRESHOLD
    swapped = crosswalk_items(list(reversed(plan)), targets)
    assert [ordinal_of(lk.target_iri) for lk in swapped] == [1, 2]
    assert swapped[1].weak and not swapped[0].weak


def test_no_targets_means_no_links():
    links = crosswalk_items([item(1, "加大助企纾困力度")], [])
    assert links == [CrosswalkLink(1, None, 0.0, True)]


def test_scores_are_the_same_on_every_run(shanxi, national_items):
    assert crosswalk(shanxi, national_items) == crosswalk(shanxi, national_items)


# -- RDF in and out -------------------------------------------------------------------------


def test_target_items_from_graph_reads_measure_texts_in_order():
    ds = Dataset(default_union=True)
    ds.parse(TESTS / "data" / "views" / "fixture.trig", format="trig")
    items = target_items_from_graph(ds, SHANXI)
    assert [t.ordinal for t in items] == [1, 3, 5]
    assert items[0].title == "围绕保市场主体加大助企纾困力度"
    assert len(items[0].measures) == 2 and items[0].measures[0].startswith("落实好财政部")
    assert items[1].measures == ()


def test_crosswalk_triples_link_directly_and_through_a_scored_node():
    target = URIRef(f"{NATIONAL}/item/3")
    links = [CrosswalkLink(4, target, 0.66666, False), CrosswalkLink(3, None, 0.03, True, target)]
    g = Graph()
    for t in crosswalk_triples(links, SHANXI, method="test"):
        g.add(t)
    item4 = URIRef(f"{SHANXI}/item/4")
    node = URIRef(f"{item4}/crosswalk")
    assert (item4, PKG.correspondsTo, target) in g
    assert not list(g.triples((None, ELI.ensures_implementation_of, None)))  # not stated
    assert (node, RDF.type, PKG.CrosswalkLink) in g
    assert g.value(node, PKG.fromItem) == item4 and g.value(node, PKG.toItem) == target
    score = g.value(node, PKG.score)
    assert score.datatype == XSD.decimal and score.toPython() == Decimal("0.667")
    assert g.value(node, PKG.method) == Literal("test")
    assert not list(g.triples((URIRef(f"{SHANXI}/item/3"), None, None)))
    assert len(g) == 6


# -- the built dataset ------------------------------------------------------------------------


def test_built_dataset_answers_cq10_with_the_crosswalk(bundled_dataset):
    query = (
        resources.files("policykg.server") / "queries" / "cq10-national-crosswalk.rq"
    ).read_text(encoding="utf-8")
    union = Dataset(default_union=True)
    for q in bundled_dataset.quads((None, None, None, None)):
        union.add(q)
    rows = {
        (str(r.number), int(r.item)): (str(r.nationalNumber), int(r.nationalItem), r.score)
        for r in union.query(query)
    }
    assert {k[1]: v[1] for k, v in rows.items()} == {1: 1, 2: 2} | {n: n - 1 for n in range(4, 22)}
    assert {k[0] for k in rows} == {"晋政办发〔2022〕77号"} and {v[0] for v in rows.values()} == {
        "国办发〔2022〕9号"
    }
    assert all(v[2] is not None and v[2].datatype == XSD.decimal for v in rows.values())


def test_built_dataset_has_one_scored_link_node_per_linked_item(bundled_dataset):
    plan = bundled_dataset.graph(URIRef("https://w3id.org/policykg/graph/doc/晋政办发/2022/77"))
    nodes = set(plan.subjects(RDF.type, PKG.CrosswalkLink))
    assert len(nodes) == 20
    for node in nodes:
        item = plan.value(node, PKG.fromItem)
        assert node == URIRef(f"{item}/crosswalk")
        assert (item, PKG.correspondsTo, plan.value(node, PKG.toItem)) in plan


def test_only_what_the_texts_state_uses_elis_legal_property(bundled_dataset):
    """eli:ensures_implementation_of links the plan to the opinion its preamble names; the
    items' computed correspondences use pkg:correspondsTo, each with its scored link."""
    union = Dataset(default_union=True)
    for q in bundled_dataset.quads((None, None, None, None)):
        union.add(q)
    legal = set(union.subject_objects(ELI.ensures_implementation_of))
    assert legal and all((s, RDF.type, PKG.PolicyDocument) in union for s, _ in legal)
    computed = set(union.subject_objects(PKG.correspondsTo))
    assert len(computed) == 20
    for item, target in computed:
        node = URIRef(f"{item}/crosswalk")
        assert union.value(node, PKG.toItem) == target
        assert union.value(node, PKG.score) is not None and union.value(node, PKG.method)
