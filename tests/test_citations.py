"""Cited documents and document numbers (policykg.graph.citations)."""

from __future__ import annotations

import importlib.resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policykg.graph.citations import (
    DOCUMENT_NUMBER_PATTERN,
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
    text = "为贯彻落实《国务院办公厅关于进一步释放消费潜力促进消费持续恢复的意见》（国办发〔2022〕9号）精神"
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
