"""Cited documents and document numbers (policykg.graph.citations)."""

from __future__ import annotations

import importlib.resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policykg.graph.citations import (
    DOCUMENT_NUMBER_PATTERN,
    find_aliases,
    find_citations,
    parse_document_number,
)
from policykg.graph.model import DocumentNumber

BRACKETS = [("〔", "〕"), ("[", "]"), ("(", ")"), ("（", "）"), ("［", "］"), ("【", "】")]


@pytest.mark.parametrize(("opening", "closing"), BRACKETS)
def test_every_bracket_pair(opening, closing):
    text = f"晋政办发{opening}2022{closing}77号"
    assert parse_document_number(text) == DocumentNumber(text, "晋政办发", 2022, 77)


def test_mixed_brackets_and_spaces():
    number = parse_document_number(" 国办发〔2022]9号 ")
    assert number == DocumentNumber("国办发〔2022]9号", "国办发", 2022, 9)


@pytest.mark.parametrize(
    "text", ["晋政办发2022年77号", "国办发〔22〕9号", "《某办法》", "", "77号"]
)
def test_not_document_numbers(text):
    assert parse_document_number(text) is None


@given(
    st.text(alphabet="国省市办发政厅函字晋赣并财税人社部", min_size=1, max_size=8),
    st.integers(min_value=1949, max_value=2099),
    st.integers(min_value=1, max_value=9999),
    st.sampled_from(BRACKETS),
)
def test_document_numbers_round_trip(issuer, year, serial, brackets):
    text = f"{issuer}{brackets[0]}{year}{brackets[1]}{serial}号"
    number = parse_document_number(text)
    assert number == DocumentNumber(text, issuer, year, serial)
    assert DOCUMENT_NUMBER_PATTERN.fullmatch(text)


def test_title_with_number():
    text = (
        "为贯彻落实《国务院办公厅关于进一步释放消费潜力促进消费持续恢复的意见》"
        "（国办发〔2022〕9号）精神"
    )
    [citation] = find_citations(text, 100)
    assert citation.title == "国务院办公厅关于进一步释放消费潜力促进消费持续恢复的意见"
    assert citation.span.text == citation.title
    assert citation.span.begin == 100 + text.index("国务院")
    assert citation.number == DocumentNumber("国办发〔2022〕9号", "国办发", 2022, 9)


def test_half_width_brackets_after_a_title():
    [citation] = find_citations("根据《某实施方案》(晋政办发[2022]77号)要求", 0)
    assert citation.number == DocumentNumber("晋政办发[2022]77号", "晋政办发", 2022, 77)


def test_bracket_that_is_not_a_number():
    # the short name defined in the brackets is no citation of its own
    found = find_citations("落实《某办法》（以下简称《办法》）", 0)
    assert [(c.title, c.number) for c in found] == [("某办法", None)]


def test_bundled_corpus():
    source = (importlib.resources.files("policykg.corpus") / "jinzhengbanfa-2022-77.txt").read_text(
        encoding="utf-8"
    )
    # the document's own number in its header is found as a number without a title
    own, *found = find_citations(source, 0)
    assert (own.title, own.span.text) == ("", "晋政办发〔2022〕77号")
    assert own.number == DocumentNumber("晋政办发〔2022〕77号", "晋政办发", 2022, 77)
    for citation in found:
        assert source[citation.span.begin : citation.span.end] == citation.title
    assert [c.title for c in found] == [
        "山西省进一步释放消费潜力促进消费持续恢复的实施方案",
        "国务院办公厅关于进一步释放消费潜力促进消费持续恢复的意见",
        "省级政府性融资担保机构补偿补贴资金管理办法",
        "关于进一步清理规范转供电环节收费行为有关事项的通知",
        "托育机构管理办法",
        "企业职工带薪年休假实施办法",
        "促进绿色消费实施方案",
        "2022年全省重点工业产品质量安全监管目录",
    ]
    assert all(c.number is None for c in found)


# --- the real documents and other forms ----------------------------------------------------


def test_title_with_number_in_a_real_document(real_sentence):
    text, offset = real_sentence(
        "05",
        "认真贯彻落实《国务院关于促进融资担保行业加快发展的意见》（国发〔2015〕43号），按照全国金融工作会议",
    )
    (citation,) = find_citations(text, offset)
    assert citation.title == "国务院关于促进融资担保行业加快发展的意见"
    assert citation.number == DocumentNumber("国发〔2015〕43号", "国发", 2015, 43)
    assert text[citation.span.begin - offset : citation.span.end - offset] == citation.title


def test_short_name_is_read_as_the_document_it_names(real_sentence):
    definition, offset = real_sentence(
        "06", "《国家组织药品集中采购和使用试点方案》（以下简称《方案》）已经国务院同意"
    )
    aliases = find_aliases(definition)
    assert [c.title for c in find_citations(definition, offset, aliases)] == [
        "国家组织药品集中采购和使用试点方案"
    ]
    later, at = real_sentence("06", "各试点城市要按照《方案》要求，结合实际制定实施方案和配套政策")
    (citation,) = find_citations(later, at, aliases)
    assert citation.title == "国家组织药品集中采购和使用试点方案"
    assert citation.span.text == "方案"
    assert later[citation.span.begin - at : citation.span.end - at] == "方案"
    # without the definitions the short name is a title of its own
    assert [c.title for c in find_citations(later, at)] == ["方案"]


def test_number_and_short_name_in_one_bracket():
    text = (
        "为落实《国家职业教育改革实施方案》（国发〔2019〕4号，以下简称《方案》），按照《方案》要求"
    )
    aliases = find_aliases(text)
    found = find_citations(text, 0, aliases)
    assert [(c.title, c.number and c.number.text, c.span.text) for c in found] == [
        ("国家职业教育改革实施方案", "国发〔2019〕4号", "国家职业教育改革实施方案"),
        ("国家职业教育改革实施方案", "国发〔2019〕4号", "方案"),
    ]


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("按照国办发〔2018〕128号文件要求", ["国办发〔2018〕128号"]),
        ("根据国发〔2019〕4号精神", ["国发〔2019〕4号"]),
        ("贯彻落实国办发[2019]6号和国发〔2019〕5号文件", ["国办发[2019]6号", "国发〔2019〕5号"]),
        (
            "认真执行晋政办发〔2022〕77号、赣府厅字[2022]88号的规定",
            ["晋政办发〔2022〕77号", "赣府厅字[2022]88号"],
        ),
        ("参照自然资发〔2019〕1号执行", ["自然资发〔2019〕1号"]),
    ],
)
def test_numbers_cited_without_a_title(text, numbers):
    found = find_citations(text, 0)
    assert [c.span.text for c in found] == numbers
    assert all(c.title == "" and c.number.text == c.span.text for c in found)


def test_number_after_a_title_is_not_cited_twice():
    found = find_citations("落实《某意见》（国办发〔2022〕9号）和国发〔2019〕4号", 0)
    assert [(c.title, c.number.text) for c in found] == [
        ("某意见", "国办发〔2022〕9号"),
        ("", "国发〔2019〕4号"),
    ]


def test_number_in_a_copy_without_line_breaks(real_sentence):
    text, offset = real_sentence(
        "13", "国务院办公厅关于促进煤炭行业平稳运行的意见国办发〔2013〕104号各省"
    )
    (citation,) = find_citations(text, offset)
    assert citation.number == DocumentNumber("国办发〔2013〕104号", "国办发", 2013, 104)
    assert citation.span.begin == offset + text.index("国办发〔")


BOUNDARY_WORDS = ["按照", "根据", "落实", "执行", "印发", "的", "和", "、", "关于…的意见"]


@given(
    st.sampled_from(BOUNDARY_WORDS),
    st.text(alphabet="国省市办发政厅函字晋赣财税人社部卫医", min_size=1, max_size=6),
    st.integers(min_value=1949, max_value=2099),
    st.integers(min_value=1, max_value=9999),
    st.sampled_from(BRACKETS),
)
def test_issuer_codes_in_running_text(before, issuer, year, serial, brackets):
    number = f"{issuer}{brackets[0]}{year}{brackets[1]}{serial}号"
    text = f"各地要{before}{number}文件要求"
    (citation,) = find_citations(text, 0)
    assert citation.number == DocumentNumber(number, issuer, year, serial)
    assert citation.span.text == number and citation.title == ""


# --- the graph ----------------------------------------------------------------------------


@pytest.mark.slow
def test_a_number_cited_alone_reaches_the_graph_and_conforms(tmp_path):
    """The Jiangxi test document with one measure citing 国办发〔2018〕128号 by number: the
    measure cites that document's IRI, which has the number and no empty title, and the
    graph still conforms."""
    from pathlib import Path

    from rdflib import URIRef
    from rdflib.namespace import DCTERMS

    from policykg.graph.namespaces import ELI, PKG
    from policykg.graph.pipeline import build
    from policykg.graph.rdfio import union_view
    from policykg.shapes.validate import validate_dataset

    source = Path(__file__).parent / "data" / "docs" / "jiangxi-measures.txt"
    text = source.read_text(encoding="utf-8")
    old = "2022年底前举办促销活动不少于20场。"
    assert old in text
    path = tmp_path / "jiangxi-number.txt"
    path.write_text(
        text.replace(old, "按照国办发〔2018〕128号文件要求举办促销活动。"), encoding="utf-8"
    )
    dataset = build([path]).dataset
    graph = union_view(dataset)
    cited = URIRef("https://w3id.org/policykg/id/doc/国办发/2018/128")
    assert len(set(graph.subjects(PKG.cites, cited))) == 1
    assert str(graph.value(cited, ELI.id_local)) == "国办发〔2018〕128号"
    assert graph.value(cited, DCTERMS.title) is None
    assert validate_dataset(dataset).conforms
