"""Agency identity: the kind a name's form implies, names scoped by the jurisdiction, and
names resolved against the registers and templates of the reference data."""

from __future__ import annotations

import pytest

from policykg.graph.agencies import (
    AgencyResolver,
    Jurisdiction,
    ResolvedAgency,
    formal_english,
    kind_from_form,
    scoped_name,
)
from policykg.graph.namespaces import PKID

SHANXI = Jurisdiction("140000", "山西省")
TAIYUAN = Jurisdiction("140100", "山西省", "太原市")
QINGXU = Jurisdiction("140121", "山西省", "太原市", "清徐县")
BEIJING = Jurisdiction("110000", "北京市", "北京市")


@pytest.mark.parametrize(
    "name, where, expected",
    [
        ("省财政厅", SHANXI, "山西省财政厅"),
        ("省委宣传部", SHANXI, "山西省委宣传部"),
        ("团省委", SHANXI, "山西省团省委"),
        ("市商务局", TAIYUAN, "太原市商务局"),
        ("市商务局", QINGXU, "太原市商务局"),
        ("县商务局", QINGXU, "清徐县商务局"),
        ("市商务局", BEIJING, "北京市商务局"),
        ("市场监管局", TAIYUAN, "市场监管局"),  # 市场 is a word, not the city
        ("河北省商务厅", SHANXI, "河北省商务厅"),  # says its own place
        ("江西省人民政府办公厅", SHANXI, "江西省人民政府办公厅"),
        ("市商务局", SHANXI, "山西省市商务局"),  # the cities bureaus, of Shanxi
        ("省财政厅", Jurisdiction(), "省财政厅"),  # an unknown jurisdiction qualifies nothing
    ],
)
def test_scoped_name(name, where, expected):
    assert scoped_name(name, where) == expected


@pytest.mark.parametrize(
    "name, kind",
    [
        ("省财政厅", "provincial-department"),
        ("市商务局", "municipal-department"),
        ("太原市人民政府", "municipal-government"),
        ("各市人民政府", "municipal-government"),
        ("清徐县人民政府", "county-government"),
        ("各县（市、区）人民政府", "county-government"),
        ("山西省人民政府", "provincial-government"),
        ("省税务局", "central-branch"),
        ("人行太原中心支行", "central-branch"),
        ("山西银保监局", "central-branch"),
        ("省委宣传部", "party-organ"),
        ("省总工会", "mass-organisation"),
        ("团省委", "mass-organisation"),
        ("省检察院", "procuratorate"),
        ("省国资运营公司", "state-owned-enterprise"),
    ],
)
def test_kind_from_form(name, kind):
    assert kind_from_form(name) == kind


@pytest.mark.parametrize(
    "name, kind",
    [
        ("国务院", "central-government"),
        ("国务院办公厅", "central-government"),
        ("国家某某管理局", "central-department"),
        ("教育部", "central-department"),
        ("国务院某某办公室", "central-department"),
        ("最高人民法院", "court"),
        ("某某省高级人民法院", "court"),
        ("团中央", "mass-organisation"),
        ("中央网信办", "party-organ"),
        ("试点城市政府", "municipal-government"),
        ("省级人民政府", "provincial-government"),
    ],
)
def test_kind_from_form_of_national_and_other_names(name, kind):
    assert kind_from_form(name) == kind


def test_a_name_of_no_known_form_takes_the_documents_level():
    assert kind_from_form("某某中心", Jurisdiction(national=True).default_kind()) == (
        "central-department"
    )
    assert kind_from_form("某某中心", TAIYUAN.default_kind()) == "municipal-department"
    assert kind_from_form("某某中心", SHANXI.default_kind()) == "provincial-department"


# --- resolving names against the reference data ------------------------------------------

DOC = "https://w3id.org/policykg/id/doc/某/2022/1"
HENAN = Jurisdiction("410000", "河南省")
YICHANG = Jurisdiction("420500", "湖北省", "宜昌市")
BEIJING_DOC = Jurisdiction("110000", "北京市", "北京市")
NATIONAL = Jurisdiction(national=True)


def resolve(ref, where: Jurisdiction, name: str, doc: str = DOC) -> ResolvedAgency:
    return AgencyResolver(ref, where).resolve(name, doc)


def agency(name: str) -> str:
    return str(PKID[f"agency/{name}"])


def test_a_short_name_in_another_province_is_that_provinces_agency(ref):
    got = resolve(ref, HENAN, "省财政厅")
    assert got.iri == agency("河南省财政厅")
    assert (got.name, got.kind, got.registered) == ("河南省财政厅", "provincial-department", False)
    assert got.name_en == "Department of Finance of Henan Province"
    assert got.jurisdiction == str(PKID["place/410000"])
    assert got.template and got.template.endswith("province/财政厅")
    parent = got.parent
    assert isinstance(parent, ResolvedAgency)
    assert (parent.iri, parent.kind) == (agency("河南省人民政府"), "provincial-government")
    assert parent.name_en == "People's Government of Henan Province"


def test_the_shanxi_register_wins_and_gives_the_same_node(ref):
    got = resolve(ref, SHANXI, "省财政厅")
    assert got.registered and got.iri == agency("山西省财政厅")
    assert got.name_en == "Shanxi Provincial Department of Finance"  # the register's


def test_short_names_of_one_jurisdiction_are_one_agency_in_two_documents(ref):
    a = resolve(ref, HENAN, "省财政厅", DOC + "a")
    b = resolve(ref, HENAN, "省财政厅", DOC + "b")
    assert a == b


@pytest.mark.parametrize(
    "where, name, iri, kind",
    [
        (YICHANG, "市商务局", "宜昌市商务局", "municipal-department"),
        (YICHANG, "省商务厅", "湖北省商务厅", "provincial-department"),
        (YICHANG, "市税务局", "国家税务总局宜昌市税务局", "central-branch"),
        (YICHANG, "各县（市、区）人民政府", "宜昌市各县（市、区）人民政府", "county-government"),
        (HENAN, "省委宣传部", "中共河南省委宣传部", "party-organ"),
        (HENAN, "团省委", "共青团河南省委员会", "mass-organisation"),
        (HENAN, "省检察院", "河南省人民检察院", "procuratorate"),
        (HENAN, "各市人民政府", "河南省各市人民政府", "municipal-government"),
        # a municipality directly under the central government: a city's names, provincial rank
        (BEIJING_DOC, "市财政局", "北京市财政局", "provincial-department"),
        (BEIJING_DOC, "市政府", "北京市人民政府", "provincial-government"),
        # a name that says its place, written in any document
        (SHANXI, "河南省财政厅", "河南省财政厅", "provincial-department"),
        (NATIONAL, "中共河南省委宣传部", "中共河南省委宣传部", "party-organ"),
        (SHANXI, "河南省政府", "河南省人民政府", "provincial-government"),
        (SHANXI, "郑州市人民政府", "郑州市人民政府", "municipal-government"),
    ],
)
def test_templates_applied_to_the_jurisdiction(ref, where, name, iri, kind):
    got = resolve(ref, where, name)
    assert (got.iri, got.kind) == (agency(iri), kind)
    assert not got.unregistered


@pytest.mark.parametrize(
    "name", ["国家发展改革委", "发展改革委", "国家发展和改革委员会", "国家发改委"]
)
@pytest.mark.parametrize("where", [NATIONAL, SHANXI, HENAN, YICHANG], ids=str)
def test_a_national_body_is_one_agency_in_every_document(ref, name, where):
    got = resolve(ref, where, name)
    assert got.iri == agency("中华人民共和国国家发展和改革委员会")
    assert got.registered and got.kind == "central-department"


def test_the_state_council_is_central_government(ref):
    assert resolve(ref, NATIONAL, "国务院").kind == "central-government"
    assert resolve(ref, NATIONAL, "国务院办公厅").kind == "central-government"


def test_a_body_a_reform_abolished_is_still_itself(ref):
    got = resolve(ref, NATIONAL, "银监会")
    assert got.registered and got.iri == agency("中国银行业监督管理委员会")


def test_a_short_name_of_an_unknown_jurisdiction_stays_in_its_document(ref):
    a = resolve(ref, Jurisdiction(), "省财政厅", DOC + "a")
    b = resolve(ref, Jurisdiction(), "省财政厅", DOC + "b")
    assert a.unresolved and a.unregistered
    assert a.iri == DOC + "a/agency/省财政厅" and b.iri == DOC + "b/agency/省财政厅"
    # a national name needs no jurisdiction
    assert resolve(ref, Jurisdiction(), "财政部").iri == agency("中华人民共和国财政部")


def test_names_no_reference_data_knows(ref):
    got = resolve(ref, NATIONAL, "试点城市政府")
    assert (got.iri, got.kind, got.unregistered) == (
        agency("试点城市政府"),
        "municipal-government",
        True,
    )
    got = resolve(ref, SHANXI, "市商务局")  # the cities' bureaus, of Shanxi
    assert (got.iri, got.unregistered) == (agency("山西省市商务局"), True)
    got = resolve(ref, HENAN, "省某某中心")
    assert (got.iri, got.kind) == (agency("河南省某某中心"), "provincial-department")


def test_formal_english_names_of_places(ref):
    assert formal_english(ref.place_info("410000")) == "Henan Province"
    assert formal_english(ref.place_info("110000")) == "Beijing Municipality"
    assert formal_english(ref.place_info("140100")) == "Taiyuan Municipality"
    assert formal_english(ref.place_info("450000")) == "Guangxi Zhuang Autonomous Region"
    assert formal_english(ref.place_info("420500")) is None  # no English name in the data
