"""Agencies of real State Council documents, with the answers worked out by reading.

tests/data/real/agencies.expected.json holds, for the four real documents whose measures
name responsible agencies, every name as the document writes it with the official full
name, the kind and whether a register knows it (checked against the State Council's list
of its departments and the reform plans of 2013 and 2018), and for 国发〔2019〕4号 and
国办发〔2013〕104号 every responsibility with its role (01 and 02's are in
clauses.expected.json). Every one of the thirteen documents is issued by 国务院 or its
General Office, a central-government agency of the national register.
"""

from __future__ import annotations

import csv
import io
import json
from importlib import resources
from pathlib import Path

import pytest

from policykg.cli.main import run_query_file

REAL = Path(__file__).parent / "data" / "real"
EXPECTED = json.loads((REAL / "agencies.expected.json").read_text(encoding="utf-8"))
ISSUERS = {"国发": "国务院", "国办发": "国务院办公厅", "国办函": "国务院办公厅"}
# The numbers of the thirteen documents, read from their texts.
NUMBERS = {
    *("国办发〔2018〕128号", "国发〔2018〕38号", "国发〔2019〕4号", "国发〔2019〕5号"),
    *("国办发〔2019〕6号", "国办发〔2019〕2号", "国办函〔2018〕71号", "国办发〔2018〕123号"),
    *("国办发〔2018〕118号", "国办发〔2018〕115号", "国办发〔2018〕127号", "国办发〔2019〕3号"),
    "国办发〔2013〕104号",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    from policykg.graph.pipeline import build
    from policykg.graph.rdfio import write_dataset

    out = tmp_path_factory.mktemp("real-agencies") / "real.nq"
    write_dataset(build(sorted(REAL.glob("*.txt"))).dataset, out)
    return out


def rows(data: Path, query: str) -> list[dict[str, str]]:
    """The CSV rows of a shipped query on the graph file."""
    with resources.as_file(resources.files("policykg.server") / "queries" / query) as path:
        return list(csv.DictReader(io.StringIO(run_query_file(path, data, "csv"))))


@pytest.mark.parametrize("number", sorted(EXPECTED))
def test_responsible_agencies_have_their_full_names_and_kinds(built, number):
    kinds = {r["agencyIRI"]: r for r in rows(built, "cq04-agencies.rq")}
    found = {}
    for r in rows(built, "cq03-responsibilities.rq"):
        if r["number"] == number:
            agency = kinds[r["agencyIRI"]]
            found[r["agency"]] = [
                agency["fullName"],
                agency["kind"],
                agency["registered"] == "true",
            ]
    assert found == EXPECTED[number]["agencies"]


@pytest.mark.parametrize(
    "number", [n for n in sorted(EXPECTED) if "responsibilities" in EXPECTED[n]]
)
def test_responsibilities_have_their_roles(built, number):
    found = {
        (r["part"], r["item"], r["measure"], r["agency"], r["role"])
        for r in rows(built, "cq03-responsibilities.rq")
        if r["number"] == number
    }
    assert found == {tuple(r) for r in EXPECTED[number]["responsibilities"]}


ISSUER_KINDS = """
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX pkg: <https://w3id.org/policykg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?number ?kind WHERE {
  ?document a pkg:PolicyDocument ; eli:id_local ?number ;
            eli:passed_by/pkg:agencyKind/skos:notation ?kind .
}
"""


def test_every_real_document_is_issued_by_a_central_government_agency(built, tmp_path):
    issuers = {
        r["number"]: r["issuer"] for r in rows(built, "cq01-documents.rq") if r["number"] in NUMBERS
    }
    assert issuers == {n: ISSUERS[n.split("〔")[0]] for n in NUMBERS}
    query = tmp_path / "issuer-kinds.rq"
    query.write_text(ISSUER_KINDS, encoding="utf-8")
    kinds = csv.DictReader(io.StringIO(run_query_file(query, built, "csv")))
    found = {r["number"]: r["kind"] for r in kinds if r["number"] in NUMBERS}
    assert found == dict.fromkeys(NUMBERS, "central-government")
