"""Extraction of all entities of a stretch (policykg.graph.extract), checked against the
test documents' expected values and the bundled corpus."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policykg.graph.extract import ExtractionContext, extract_entities, reference_date
from policykg.graph.model import Document, DocumentNumber, SourceText, Span
from policykg.graph.numerals import decimal_lexical

DOCS = Path(__file__).parent / "data" / "docs"
EXPECTED = sorted(DOCS.glob("*.expected.json"))
# a responsibility clause, roughly: brackets (one level of nesting) ending in 负责
CLAUSE = re.compile(r"[（(](?:[^（）()]|[（(][^（）()]*[）)])*?负责[）)]")


def expected_measures(path: Path):
    """(source text, reference date, [(item, measure, text, offset, expected)])."""
    expected = json.loads(path.read_text(encoding="utf-8"))
    source = (DOCS / expected["file"]).read_bytes().decode(expected["encoding"])
    measures, position = [], 0
    for item in expected["items"]:
        for measure in item["measures"]:
            offset = source.index(measure["text"], position)
            position = offset + len(measure["text"])
            measures.append((item["ordinal"], measure["ordinal"], measure["text"], offset, measure))
    return source, date.fromisoformat(expected["document"]["issued"]), measures


def time_bound_summary(tb):
    summary = {
        "text": tb.span.text,
        "start": tb.start and tb.start.isoformat(),
        "end": tb.end and tb.end.isoformat(),
    }
    for key in ("label", "recurrence", "recurrence_day", "recurrence_month"):
        if getattr(tb, key) is not None:
            summary[key] = getattr(tb, key)
    return summary


def quantity_summary(q):
    summary = {
        "text": q.span.text,
        "value": decimal_lexical(q.value),
        "unit": q.unit,
        "comparator": q.comparator,
    }
    if q.whole is not None:
        summary["part_of"] = q.whole
    if q.period is not None:
        summary["period"] = q.period
    return summary


def without_periods_over_whole_years(quantities, time_bounds):
    """The expected files link 5.5万套 to “十四五”期间 but not 10万人次 to 全年; the extractor
    links both (a target over the year), so a link to 全年 is left out of the comparison."""
    for q in quantities:
        if "period" in q and time_bounds[q["period"]]["text"] == "全年":
            del q["period"]
    return quantities


@pytest.mark.parametrize("path", EXPECTED, ids=[p.name for p in EXPECTED])
def test_expected_documents(path):
    source, issued, measures = expected_measures(path)
    context = ExtractionContext(reference=issued)
    assert measures
    for item, ordinal, text, offset, expected in measures:
        entities = extract_entities(text, offset, context)
        where = f"item {item} measure {ordinal}"
        assert [time_bound_summary(tb) for tb in entities.time_bounds] == expected.get(
            "time_bounds", []
        ), where
        found_bounds = [time_bound_summary(tb) for tb in entities.time_bounds]
        assert without_periods_over_whole_years(
            [quantity_summary(q) for q in entities.quantities], found_bounds
        ) == expected.get("quantities", []), where
        assert [c.title for c in entities.citations] == [
            c["title"] if isinstance(c, dict) else c for c in expected.get("citations", [])
        ], where
        for found in (*entities.time_bounds, *entities.quantities, *entities.citations):
            assert source[found.span.begin : found.span.end] == found.span.text


def corpus_stretches(bundled_text):
    """The text between responsibility clauses, from the first part on: measures, roughly."""
    begin = bundled_text.index("一、")
    stretches = []
    for m in CLAUSE.finditer(bundled_text, begin):
        stretches.append((bundled_text[begin : m.start()], begin))
        begin = m.end()
    return stretches


def test_bundled_corpus_extracts_with_absolute_offsets(bundled_text):
    context = ExtractionContext(
        reference=date(2022, 9, 19),
        gazetteer={"太原市": "p/140100", "京津冀": "p/京津冀", "山西省": "p/140000"},
        terms={"小微企业": [("target-group", "c/sme")], "餐饮": [("sector", "c/catering")]},
    )
    stretches = corpus_stretches(bundled_text)
    assert len(stretches) > 70
    results = [extract_entities(text, offset, context) for text, offset in stretches]
    kinds = set()
    for entities in results:
        for found in (
            *entities.time_bounds,
            *entities.quantities,
            *entities.citations,
            *entities.mentions,
        ):
            assert bundled_text[found.span.begin : found.span.end] == found.span.text
        kinds.update(m.kind for m in entities.mentions)
    assert kinds == {"programme", "place", "target-group", "sector"}
    assert sum(len(e.time_bounds) for e in results) == 9
    assert sum(len(e.quantities) for e in results) == 16


def test_housing_targets_link_to_their_periods(bundled_text):
    begin = bundled_text.index("“十四五”期间全省筹集")
    text = bundled_text[begin : bundled_text.index("。", begin) + 1]
    entities = extract_entities(text, begin, ExtractionContext(reference=date(2022, 9, 19)))
    assert [
        (q.span.text, q.value, q.unit, entities.time_bounds[q.period].span.text)
        for q in entities.quantities
    ] == [("5.5万套", 55000, "套", "“十四五”期间"), ("1.5万套", 15000, "套", "2022年")]


def document(issued=None, printed=None, number=None, issuer=None):
    source = SourceText("标题", "x.txt", "0" * 64, "utf-8")
    return Document(
        source=source,
        title=Span(0, 2, "标题"),
        issued=issued,
        printed=printed,
        number=number,
        issuer=issuer,
    )


def test_reference_date_falls_back_in_order():
    number = DocumentNumber("晋政办发〔2022〕77号", "晋政办发", 2022, 77)
    assert reference_date(document(date(2022, 9, 19), date(2022, 9, 20))) == date(2022, 9, 19)
    assert reference_date(document(None, date(2022, 9, 20), number)) == date(2022, 9, 20)
    assert reference_date(document(None, None, number)) == date(2022, 1, 1)


class FakeReference:
    def gazetteer(self):
        return {"保定": "p/130600", "保定市": "p/130600", "太原": "p/140100", "浙江": "p/330000"}

    def terms(self):
        return {"餐饮": [("sector", "c/catering")]}

    def place_code(self, iri):
        return iri.rsplit("/", 1)[1]


def test_for_document_keeps_far_short_forms_out():
    doc = document(date(2022, 9, 19), issuer=Span(0, 10, "山西省人民政府办公厅"))
    context = ExtractionContext.for_document(doc, FakeReference(), "140000")
    assert context.reference == date(2022, 9, 19)
    assert sorted(context.gazetteer) == ["保定市", "太原", "浙江"]
    entities = extract_entities("在环保定期检验有效期内，太原、保定市、浙江餐饮", 0, context)
    assert [(m.span.text, m.kind) for m in entities.mentions] == [
        ("太原", "place"),
        ("保定市", "place"),
        ("浙江", "place"),
        ("餐饮", "sector"),
    ]


TOKENS = [
    "2022年",
    "二〇二二年",
    "２０２３年",
    "1999",
    "2月",
    "13月",
    "十二月",
    "0月",
    "30日",
    "29日",
    "5日",
    "三十一日",
    "号",
    "底",
    "末",
    "年底",
    "前",
    "以前",
    "起",
    "至",
    "到",
    "—",
    "期间",
    "内",
    "自",
    "每月",
    "每年",
    "每周",
    "全年",
    "年内",
    "今年",
    "春节",
    "国庆",
    "“",
    "”",
    "《",
    "》",
    "（",
    "）",
    "，",
    "。",
    "十四五",
    "1.5万",
    "5",
    "0.7",
    "%",
    "个月",
    "个",
    "套",
    "元",
    "以上",
    "以内",
    "左右",
    "不低于",
    "不超过",
    "第",
    "一",
    "两",
    "百",
    "被",
    "的",
    "对",
    "发布",
    "度",
    "国办发",
    "〔",
    "〕",
    "9号",
    "x",
    # forms read since the real documents
    "季度",
    "上旬",
    "初",
    "（以下简称《方案》）",
    "百分之",
    "吨/年",
    "不得",
    "低于",
    "三四",
    "五个一批",
    "年满",
    "本世纪中叶",
    "国办发〔2018〕128号",
]


@given(
    st.lists(st.sampled_from(TOKENS), max_size=20).map("".join),
    st.integers(min_value=0, max_value=40),
    st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)),
)
@settings(max_examples=500)
def test_any_text_extracts_without_error_and_with_true_spans(text, offset, reference):
    source = "x" * offset + text
    entities = extract_entities(text, offset, ExtractionContext(reference=reference))
    for found in (
        *entities.time_bounds,
        *entities.quantities,
        *entities.citations,
        *entities.mentions,
    ):
        assert source[found.span.begin : found.span.end] == found.span.text
        assert found.span.begin < found.span.end
    for tb in entities.time_bounds:
        assert tb.start is None or tb.end is None or tb.start <= tb.end
    for k, q in enumerate(entities.quantities):
        assert q.whole is None or 0 <= q.whole < len(entities.quantities)
        assert q.period is None or 0 <= q.period < len(entities.time_bounds)
        if q.other_end is not None:  # the ends of a range name each other, min before max
            other = entities.quantities[q.other_end]
            assert other.other_end == k and other.unit == q.unit
            low, high = sorted((q, other), key=lambda x: x.comparator != "min")
            assert (low.comparator, high.comparator) == ("min", "max") and low.value < high.value


def test_reference_date_is_never_made_up():
    assert reference_date(document(None, None, None)) is None


def test_a_document_never_cites_itself():
    number = DocumentNumber("国办发〔2018〕128号", "国办发", 2018, 128)
    doc = document(date(2018, 12, 29), number=number)
    doc.source = SourceText(
        "国办发〔2018〕128号\n按照国发〔2019〕4号要求", "x.txt", "0" * 64, "utf-8"
    )
    context = ExtractionContext.for_document(doc, FakeReference(), None)
    header = extract_entities("国办发[2018]128号", 0, context)
    assert header.citations == []
    body = extract_entities("按照国发〔2019〕4号和国办发〔2018〕128号要求", 20, context)
    assert [c.span.text for c in body.citations] == ["国发〔2019〕4号"]


def test_short_names_come_from_the_whole_document():
    source = "《某某试点方案》（以下简称《方案》）已经国务院同意。\n一、按照《方案》要求"
    doc = document(date(2019, 1, 1))
    doc.source = SourceText(source, "x.txt", "0" * 64, "utf-8")
    context = ExtractionContext.for_document(doc, FakeReference(), None)
    begin = source.index("按照")
    (citation,) = extract_entities(source[begin:], begin, context).citations
    assert (citation.title, citation.span.text) == ("某某试点方案", "方案")
    assert source[citation.span.begin : citation.span.end] == "方案"
