"""The units and classifiers of quantity extraction as reference data (graph/data/units.ttl,
read by policykg.graph.reference.Reference.units)."""

from __future__ import annotations

from datetime import date
from importlib.resources import files

import pyoxigraph
import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from policykg.graph.namespaces import PKGRAPH, PKID
from policykg.graph.quantities import find_quantities, link_periods
from policykg.graph.reference import Reference, load_holiday_calendar, load_units
from policykg.graph.timeexpr import find_time_bounds
from policykg.shapes.validate import validate_with_owl

QUDT_UNIT = "http://qudt.org/vocab/unit/"
UNIT_SCHEME = PKID["concept/unit"]


def forms(written: str) -> set[str]:
    return set(written.split())


# What graph/quantities.py knew in code before the units became data: every one of them
# must still be known, and each in the same sets.
UNITS_BEFORE = forms(
    "% ％ ‰ 毫米 厘米 千克 公斤 克 升 立方米 个百分点 个工作日 个月 个 元 套 名 人次 人 场 "
    "家 所 辆 平方米 平方公里 亩 公顷 公里 千米 米 小时 天 年 周 次 项 条 座 处 台 户 件 吨 "
    "千瓦 兆瓦 床 张 倍 周岁 岁 类 种 批 位 间 支 款 期 轮"
)
CHINESE_NUMERAL_BEFORE = forms(
    "个百分点 个工作日 个月 个 名 人 人次 元 家 所 项 天 年 次 倍 场 套 辆 条 座 处 批 类 种"
)
COUNT_BEFORE = forms("个 名 人 场 家 所 辆 项 条 座 处 台 户 件 床 张 批 位 间 支 款 类 种 套")
DURATION_BEFORE = forms("个月 个工作日 天 年 周 小时")


def units_text() -> str:
    return (files("policykg.graph") / "data" / "units.ttl").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def units_graph(ref):
    return ref.graphs()["units"]


def test_the_file_parses_and_names_its_sources(units_graph):
    assert len(list(pyoxigraph.parse(units_text(), format=pyoxigraph.RdfFormat.TURTLE))) > 100
    sources = set(units_graph.objects(PKGRAPH["reference/units"], DCTERMS.source))
    assert URIRef(QUDT_UNIT) in sources
    assert any("GB 3100-1993" in str(s) for s in sources)


def test_every_unit_extraction_knew_is_in_the_data_in_the_same_sets():
    units = load_units()
    assert units.forms == UNITS_BEFORE
    assert units.chinese_numeral == CHINESE_NUMERAL_BEFORE
    assert units.counts == COUNT_BEFORE
    assert units.durations == DURATION_BEFORE


def test_every_unit_is_a_labelled_concept_of_the_scheme(units_graph):
    concepts = set(units_graph.subjects(SKOS.inScheme, UNIT_SCHEME))
    assert len(concepts) >= 50
    for concept in concepts:
        assert (concept, RDF.type, SKOS.Concept) in units_graph
        languages = sorted(label.language for label in units_graph.objects(concept, SKOS.prefLabel))
        assert languages == ["en", "zh"], concept
    for collection in units_graph.subjects(RDF.type, SKOS.Collection):
        members = set(units_graph.objects(collection, SKOS.member))
        assert members and members <= concepts, collection


def test_written_forms_of_one_unit_are_one_concept(units_graph):
    def concept_of(form):
        (concept,) = {
            c
            for prop in (SKOS.prefLabel, SKOS.altLabel)
            for c, label in units_graph.subject_objects(prop)
            if str(label) == form and label.language == "zh"
        }
        return concept

    assert concept_of("％") == concept_of("%")
    assert concept_of("公斤") == concept_of("千克")
    assert concept_of("公里") == concept_of("千米")
    assert concept_of("周岁") != concept_of("岁")


def test_units_with_a_qudt_unit_are_mapped_to_it(units_graph):
    def matches(form):
        (concept,) = units_graph.subjects(SKOS.prefLabel, Literal(form, lang="zh"))
        return {
            (prop, str(target))
            for prop in (SKOS.exactMatch, SKOS.closeMatch)
            for target in units_graph.objects(concept, prop)
        }

    assert matches("千克") == {(SKOS.exactMatch, QUDT_UNIT + "KiloGM")}
    assert matches("公顷") == {(SKOS.exactMatch, QUDT_UNIT + "HA")}
    assert matches("%") == {(SKOS.exactMatch, QUDT_UNIT + "PERCENT")}
    assert matches("个月") == {(SKOS.closeMatch, QUDT_UNIT + "MO")}
    mapped = {
        str(t) for p in (SKOS.exactMatch, SKOS.closeMatch) for t in units_graph.objects(None, p)
    }
    assert mapped and all(t.startswith(QUDT_UNIT) for t in mapped)


def test_units_are_no_mention_terms(ref):
    """The scheme has no skos:notation, so its labels are not matched as sector, target
    group or instrument terms in measure texts."""
    assert not set(ref.terms()) & load_units().forms


def test_full_width_percent_is_reported_as_percent():
    assert [q.unit for q in find_quantities("占比不低于30％", 0)] == ["%"]
    assert [q.unit for q in find_quantities("收购5000公斤", 0)] == ["公斤"]  # as written


def test_reference_data_with_the_units_conforms_to_shapes_and_ontology(ref):
    dataset = Dataset()
    for name in ("ontology", "units"):
        graph = dataset.graph(PKGRAPH[f"reference/{name}"])
        for triple in ref.graphs()[name]:
            graph.add(triple)
    result = validate_with_owl(dataset)
    assert result.conforms, result.text()


# --- a unit added to the data is found ------------------------------------------------------

LAMP = """
u:lamp a skos:Concept ; skos:inScheme concept:unit ; skos:topConceptOf concept:unit ;
    skos:prefLabel "盏"@zh , "lamps"@en .
uset:count skos:member u:lamp .
"""


def reference_with(extra: str) -> Reference:
    return Reference([("units", units_text() + extra)])


def test_a_unit_added_to_the_data_is_found():
    text = "更换节能路灯3000盏以上。"
    assert find_quantities(text, 0) == []
    units = reference_with(LAMP).units()
    (found,) = find_quantities(text, 0, units)
    assert (found.span.text, found.value, found.unit, found.comparator) == (
        "3000盏以上",
        3000,
        "盏",
        "min",
    )
    assert found.measured == "更换节能路灯"
    # a count: after a list, the noun that follows the classifier is what is counted
    assert find_quantities("东区、西区等50盏路灯", 0, units)[0].measured == "路灯"
    # not in the chinese-numeral collection: 三盏 is no quantity
    assert find_quantities("安装三盏路灯", 0, units) == []


FORTNIGHT = """
u:ten-days a skos:Concept ; skos:inScheme concept:unit ; skos:topConceptOf concept:unit ;
    skos:prefLabel "旬"@zh , "ten days"@en .
"""


def test_a_unit_added_to_a_collection_takes_its_treatment():
    counted = reference_with(LAMP + "uset:chinese-numeral skos:member u:lamp .").units()
    assert [(q.value, q.unit) for q in find_quantities("安装三盏路灯", 0, counted)] == [(3, "盏")]

    # a length of time is no target over the period its sentence names
    text = "2022年6月1日至2022年9月30日期间，延长办理时限2旬。"
    bounds = find_time_bounds(text, 0, date(2022, 8, 5), load_holiday_calendar())
    plain = reference_with(FORTNIGHT).units()
    duration = reference_with(FORTNIGHT + "uset:duration skos:member u:ten-days .").units()
    for units, period in ((plain, 0), (duration, None)):
        (found,) = link_periods(find_quantities(text, 0, units), bounds, text, 0, units)
        assert (found.unit, found.period) == ("旬", period)


def test_a_unit_removed_from_the_data_is_no_longer_found():
    text = units_text().replace('"辆"@zh', '"辆（删除）"@zh')
    units = Reference([("units", text)]).units()
    assert "辆" not in units.forms
    assert find_quantities("新增约3000辆", 0, units) == []
    assert [q.unit for q in find_quantities("新增约3000辆", 0)] == ["辆"]
