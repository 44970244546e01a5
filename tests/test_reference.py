"""Reference data and its lookups: agencies, places, taxonomy terms, sources.

The expected values are read off 晋政办发〔2022〕77号 (corpus/jinzhengbanfa-2022-77.txt)
and off national-opinion-outline.md (verified GB/T 2260 codes)."""

from __future__ import annotations

from importlib.resources import files

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from policykg.graph.mentions import local_gazetteer
from policykg.graph.namespaces import PKG, PKGRAPH, PKID
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


@pytest.fixture(scope="module")
def ref():
    return load_reference()


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
    assert {"ontology", "agencies-shanxi", "places", "taxonomies"} <= set(graphs)
    assert all(isinstance(g, Graph) for g in graphs.values())


def test_load_reference_is_cached():
    assert load_reference() is load_reference()


def test_short_names_of_a_document_of_unknown_place_resolve_to_no_province(ref):
    assert ref.find_agency("省商务厅", None) is None
