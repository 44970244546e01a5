"""Agency identity across documents, through the competency questions.

The bundled Shanxi plan, two Henan documents and a Yichang (Hubei) city plan written for the
tests (tests/data/identity/), and the real State Council documents 01 and 02 are built into
one dataset: short names are the agencies of each document's jurisdiction, one node per
jurisdiction; national bodies are one node in every document.
"""

from __future__ import annotations

import csv
import io
from importlib import resources
from pathlib import Path

import pytest
from rdflib import URIRef

from policykg.cli.main import run_query_file
from policykg.graph.namespaces import ELI, PKG
from policykg.graph.pipeline import build, jurisdiction_of
from policykg.graph.rdfio import union_view, write_dataset
from policykg.graph.reference import load_reference

DATA = Path(__file__).parent / "data"
IDENTITY = DATA / "identity"
PATHS = [
    DATA.parent.parent / "corpus" / "jinzhengbanfa-2022-77.txt",
    IDENTITY / "henan-plan.txt",
    IDENTITY / "henan-action.txt",
    IDENTITY / "yichang-city-plan.txt",
    DATA / "real" / "01-guobanfa-2018-128-wufeichengshi-fangan.txt",
    DATA / "real" / "02-guofa-2018-38-zimaoqu-ruogan-cuoshi.txt",
]
AGENCY = "https://w3id.org/policykg/id/agency/"


@pytest.fixture(scope="module")
def built():
    return build(PATHS)


@pytest.fixture(scope="module")
def dataset_file(built, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("identity") / "identity.nq"
    write_dataset(built.dataset, path)
    return path


def answer(data: Path, query: str) -> list[dict[str, str]]:
    with resources.as_file(resources.files("policykg.server") / "queries" / query) as path:
        text = run_query_file(path, data, "csv")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture(scope="module")
def responsibilities(dataset_file) -> list[dict[str, str]]:
    return answer(dataset_file, "cq03-responsibilities.rq")


@pytest.fixture(scope="module")
def agencies(dataset_file) -> dict[str, dict[str, str]]:
    """cq04's rows by agency IRI."""
    return {r["agencyIRI"]: r for r in answer(dataset_file, "cq04-agencies.rq")}


def agents(responsibilities, number: str, written: str) -> set[str]:
    """The agency IRIs a document's clauses mean by a name as written."""
    return {
        r["agencyIRI"]
        for r in responsibilities
        if r["number"] == number and r["agency"] == written and "agencyIRI" in r
    }


def test_the_answers_name_the_agency_node(responsibilities):
    assert "agencyIRI" in responsibilities[0], "cq03 projects the agency's IRI"


def test_the_same_short_name_in_two_provinces_is_two_agencies(responsibilities, agencies):
    shanxi = agents(responsibilities, "晋政办发〔2022〕77号", "省财政厅")
    henan = agents(responsibilities, "豫政办〔2022〕61号", "省财政厅")
    assert shanxi == {AGENCY + "山西省财政厅"}
    assert henan == {AGENCY + "河南省财政厅"}
    row = agencies[AGENCY + "河南省财政厅"]
    assert (row["fullName"], row["kind"], row["nameEn"]) == (
        "河南省财政厅",
        "provincial-department",
        "Department of Finance of Henan Province",
    )
    assert agencies[AGENCY + "山西省财政厅"]["fullName"] == "山西省财政厅"


def test_two_documents_of_one_province_share_the_node(responsibilities):
    # the second Henan document says its province only by its number's prefix 豫
    assert agents(responsibilities, "豫政办〔2022〕70号", "省财政厅") == agents(
        responsibilities, "豫政办〔2022〕61号", "省财政厅"
    )


def test_a_city_plan_of_another_province(responsibilities, agencies):
    number = "宜府办发〔2022〕12号"
    assert agents(responsibilities, number, "市商务局") == {AGENCY + "宜昌市商务局"}
    assert agents(responsibilities, number, "省商务厅") == {AGENCY + "湖北省商务厅"}
    assert agencies[AGENCY + "宜昌市商务局"]["kind"] == "municipal-department"
    assert agencies[AGENCY + "湖北省商务厅"]["kind"] == "provincial-department"


def test_a_national_body_is_one_node_of_kind_central_department(responsibilities, agencies):
    ndrc = AGENCY + "中华人民共和国国家发展和改革委员会"
    written = agents(responsibilities, "国办发〔2018〕128号", "国家发展改革委") | agents(
        responsibilities, "国发〔2018〕38号", "发展改革委"
    )
    assert written == {ndrc}
    assert agencies[ndrc]["kind"] == "central-department"
    assert agencies[ndrc]["fullName"] == "中华人民共和国国家发展和改革委员会"


def test_every_agency_of_the_dataset_has_a_name_and_a_kind(agencies):
    for row in agencies.values():
        assert row["fullName"] and row["kind"], row


def test_ministries_are_never_provincial_departments(responsibilities, agencies):
    national = {
        r["agencyIRI"]
        for r in responsibilities
        if r["number"] in ("国办发〔2018〕128号", "国发〔2018〕38号")
    }
    kinds = {agencies[iri]["kind"] for iri in national}
    assert "provincial-department" not in kinds
    assert kinds == {
        "central-department",
        "mass-organisation",  # 供销合作总社
        "municipal-government",  # 试点城市政府
        "state-owned-enterprise",  # 中国铁路总公司
    }


@pytest.mark.parametrize(
    "file, expected",
    [
        ("henan-plan.txt", ("410000", False)),  # from the notice title
        ("henan-action.txt", ("410000", False)),  # from the number's prefix
        ("yichang-city-plan.txt", ("420500", False)),  # from the signature
        ("02-guofa-2018-38-zimaoqu-ruogan-cuoshi.txt", (None, True)),  # 国务院
    ],
)
def test_jurisdiction_of_what_the_document_gives(built, file, expected):
    [doc] = [d for d in built.documents if d.source.file_name == file]
    where = jurisdiction_of(doc, load_reference())
    assert (where.code, where.national) == expected


def test_no_agency_of_a_known_jurisdiction_is_left_unregistered_by_the_test_documents(built):
    unregistered = [w for w in built.warnings if "not in any register" in w]
    assert not [
        w for w in unregistered if w.split(":")[0].endswith(("henan-plan.txt", "henan-action.txt"))
    ]


def test_the_state_council_issues_as_central_government(built):
    union = union_view(built.dataset)
    doc = "https://w3id.org/policykg/id/doc/国发/2018/38"
    issuer = union.value(URIRef(doc), ELI.passed_by)
    assert issuer == URIRef(AGENCY + "国务院")
    assert union.value(issuer, PKG.agencyKind) == PKG["kind-central-government"]
    # the addressees (各省、自治区、直辖市人民政府，国务院各部委、各直属机构) are no agencies
    agents = {str(o) for o in union.objects(None, PKG.agent)} | {
        str(o) for o in union.objects(None, ELI.passed_by)
    }
    assert not [a for a in agents if "各部委" in a or "各直属机构" in a]
