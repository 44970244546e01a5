"""tools/gb2260_to_rdf.py: the rules by which the code list becomes the gazetteer.

The conversion reads the code list of an installed package; here its functions are run on
a small code list written for the test (a province, its cities and counties), and the
gazetteer it writes is read back with rdflib. The committed graph/data/places.ttl is
checked by tests/test_reference.py.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SKOS

TOOL = Path(__file__).parent.parent / "tools" / "gb2260_to_rdf.py"
PLACE = "https://w3id.org/policykg/id/place/"
COLUMNS = (
    "year,province_name,city_name,county_name,province_adcode,city_adcode,county_adcode,"
    "province_id,city_id,county_id,province_short,city_short,county_short,rank"
)
ROWS = [
    # year, province, city, county, codes, shorts, rank
    ("2024", "甲省", "", "", "990000", "", "", "甲", "", "", "1"),
    ("2023", "甲省", "丙市", "", "990000", "990100", "", "甲", "丙", "", "2"),  # older year
    ("2024", "甲省", "乙市", "", "990000", "990100", "", "甲", "乙", "", "2"),
    ("2024", "甲省", "丁市", "", "990000", "990200", "", "甲", "丁丁", "", "2"),
    ("2024", "甲省", "乙市", "城区", "990000", "990100", "990102", "甲", "乙", "城区", "3"),
    ("2024", "甲省", "乙市", "戊己县", "990000", "990100", "990121", "甲", "乙", "戊己", "3"),
    ("2024", "甲省", "乙市", "小店区", "990000", "990100", "990105", "甲", "乙", "小店", "3"),
    ("2024", "甲省", "丁市", "戊己区", "990000", "990200", "990202", "甲", "丁丁", "戊己", "3"),
    ("2024", "甲省", "丁市", "庚辛县", "990000", "990200", "990221", "甲", "丁丁", "庚辛", "3"),
    ("2024", "甲省", "丁市", "丁丁区", "990000", "990200", "990203", "甲", "丁丁", "丁丁", "3"),
    ("2024", "甲省", "直辖县", "壬癸市", "990000", "999000", "999001", "甲", "直辖县", "壬癸", "3"),
]


@pytest.fixture(scope="module")
def tool():
    spec = importlib.util.spec_from_file_location("gb2260_to_rdf", TOOL)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def gazetteer(tool, tmp_path_factory) -> Graph:
    tmp = tmp_path_factory.mktemp("tool")
    data = tmp / "location_year_20250101.csv"
    data.write_text(
        COLUMNS + "\n" + "\n".join(",".join(r[:4] + r[4:7] + r[4:7] + r[7:]) for r in ROWS),
        encoding="utf-8",
    )
    year, divisions = tool.read_divisions(data)
    assert year == 2024
    tool.assign_labels(divisions, common={"小店"})
    graph = tool.build_graph(divisions, Graph(), year)
    out = tmp / "places.ttl"
    out.write_text(tool.turtle(graph, "# test"), encoding="utf-8")
    return Graph().parse(out, format="turtle")


def labels(graph: Graph, code: str) -> tuple[set[str], set[str]]:
    node = URIRef(PLACE + code)
    return (
        {str(o) for o in graph.objects(node, SKOS.prefLabel)},
        {str(o) for o in graph.objects(node, SKOS.altLabel)},
    )


def test_the_latest_year_only(gazetteer):
    assert labels(gazetteer, "990100") == ({"乙市"}, set())  # 乙 is one character


def test_a_unique_short_form_is_kept(gazetteer):
    assert labels(gazetteer, "990221") == ({"庚辛县"}, {"庚辛"})


def test_a_short_form_two_counties_share_is_left_out(gazetteer):
    assert labels(gazetteer, "990121")[1] == set()
    assert labels(gazetteer, "990202")[1] == set()


def test_the_larger_division_owns_a_shared_short_form(gazetteer):
    assert labels(gazetteer, "990200") == ({"丁市"}, {"丁丁"})
    assert labels(gazetteer, "990203") == ({"丁丁区"}, set())


def test_a_common_word_is_no_short_form(gazetteer):
    assert labels(gazetteer, "990105") == ({"小店区"}, set())


def test_a_generic_name_is_named_with_its_prefecture(gazetteer):
    assert labels(gazetteer, "990102") == ({"乙市城区"}, set())


def test_a_county_directly_under_the_province_lies_in_it(gazetteer):
    node = URIRef(PLACE + "999001")
    assert gazetteer.value(node, SKOS.broader) == URIRef(PLACE + "990000")
    assert gazetteer.value(node, URIRef("https://w3id.org/policykg/ontology#divisionCode")) == (
        Literal("999001")
    )


def test_file_date_comes_from_the_code_lists_name(tool):
    assert tool.file_date("location_year_20251201.csv") == "2025-12-01"
