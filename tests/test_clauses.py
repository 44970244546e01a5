"""Responsibility clauses: every form of genre.md, suffix distribution, 和 in names, non-clauses,
the rules a document states about its clauses, and every clause of two real documents."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policykg.graph.clauses import ClauseReader, find_clauses, is_agency_name, parse_clause


def roles(inner: str) -> list[tuple[str, str]]:
    clause = parse_clause(inner, 0)
    assert clause is not None, inner
    return [(r.name, r.role) for r in clause.responsibilities]


# The forms of genre.md's table, with the answers read off the table.
@pytest.mark.parametrize(
    "inner,expected,open_list",
    [
        ("省商务厅牵头负责", [("省商务厅", "lead")], False),
        (
            "省财政厅、省税务局按职责分工负责",
            [("省财政厅", "shared"), ("省税务局", "shared")],
            False,
        ),
        ("省统计局负责", [("省统计局", "sole")], False),
        ("各市人民政府负责", [("各市人民政府", "sole")], False),
        ("各县（区、市）人民政府负责", [("各县（区、市）人民政府", "sole")], False),
        (
            "省发展改革委、省委宣传部等部门按职责分工负责",
            [("省发展改革委", "shared"), ("省委宣传部", "shared")],
            True,
        ),
        (
            "省发展改革委、省商务厅等有关部门按职责分工负责",
            [("省发展改革委", "shared"), ("省商务厅", "shared")],
            True,
        ),
        (
            "省商务厅和太原市、吕梁市、运城市人民政府按职责分工负责",
            [
                ("省商务厅", "shared"),
                ("太原市人民政府", "shared"),
                ("吕梁市人民政府", "shared"),
                ("运城市人民政府", "shared"),
            ],
            False,
        ),
        ("责任单位：省教育厅、省人社厅", [("省教育厅", "shared"), ("省人社厅", "shared")], False),
        ("责任单位：省教育厅", [("省教育厅", "sole")], False),
        ("责任单位:省教育厅", [("省教育厅", "sole")], False),
        (
            "牵头单位：省工信厅；配合单位：省财政厅、省商务厅",
            [("省工信厅", "lead"), ("省财政厅", "support"), ("省商务厅", "support")],
            False,
        ),
        (
            "省住建厅牵头，省财政厅、省自然资源厅配合",
            [("省住建厅", "lead"), ("省财政厅", "support"), ("省自然资源厅", "support")],
            False,
        ),
        (
            "省文旅厅牵头，各市人民政府具体落实",
            [("省文旅厅", "lead"), ("各市人民政府", "support")],
            False,
        ),
        (
            "市商务局牵头，各县（市、区）人民政府具体落实",
            [("市商务局", "lead"), ("各县（市、区）人民政府", "support")],
            False,
        ),
        (
            "省交通厅，各市人民政府按职责分工负责",
            [("省交通厅", "shared"), ("各市人民政府", "shared")],
            False,
        ),
        (
            "省交通厅,各市人民政府按职责分工负责",
            [("省交通厅", "shared"), ("各市人民政府", "shared")],
            False,
        ),
    ],
)
def test_genre_forms(inner, expected, open_list):
    clause = parse_clause(inner, 0)
    assert clause is not None
    assert [(r.name, r.role) for r in clause.responsibilities] == expected
    assert clause.open_list is open_list


@pytest.mark.parametrize(
    "inner,expected",
    [
        (
            "省市场监管局、省发展改革委、省商务厅、省农业农村厅、省粮食和储备局按职责分工负责",
            ["省市场监管局", "省发展改革委", "省商务厅", "省农业农村厅", "省粮食和储备局"],
        ),
        (
            "省人力资源和社会保障厅、省文化和旅游厅、省住房和城乡建设厅按职责分工负责",
            ["省人力资源和社会保障厅", "省文化和旅游厅", "省住房和城乡建设厅"],
        ),
        ("省工业和信息化厅牵头负责", ["省工业和信息化厅"]),
        ("省商务厅和省财政厅按职责分工负责", ["省商务厅", "省财政厅"]),
        ("省人力资源和社会保障厅和省财政厅按职责分工负责", ["省人力资源和社会保障厅", "省财政厅"]),
        ("太原市和吕梁市人民政府负责", ["太原市人民政府", "吕梁市人民政府"]),
    ],
)
def test_he_splits_only_between_complete_names(inner, expected):
    assert [name for name, _ in roles(inner)] == expected


@pytest.mark.parametrize(
    "inner,expected",
    [
        # the place part ends at the last of consecutive place characters: 赣州市, not 赣州
        (
            "省商务厅和南昌市、九江市、赣州市人民政府按职责分工负责",
            ["省商务厅", "南昌市人民政府", "九江市人民政府", "赣州市人民政府"],
        ),
        ("阳曲县、云州区人民政府负责", ["阳曲县人民政府", "云州区人民政府"]),
        ("太原市、大同市商务局负责", ["太原市商务局", "大同市商务局"]),
        ("各市、县人民政府负责", ["各市人民政府", "各县人民政府"]),
        (
            "市商务局和清徐县、阳曲县、娄烦县人民政府按职责分工负责",
            ["市商务局", "清徐县人民政府", "阳曲县人民政府", "娄烦县人民政府"],
        ),
        # no suffix to share: 省 is not a level that 太原市 can take
        ("太原市、省商务厅负责", ["太原市", "省商务厅"]),
    ],
)
def test_shared_suffix_distribution(inner, expected):
    assert [name for name, _ in roles(inner)] == expected


def test_spans_point_at_what_is_written():
    text = "……影响力。（省商务厅和太原市、吕梁市、运城市人民政府按职责分工负责）下一句"
    [clause] = find_clauses(text, offset=1000)
    inner = "省商务厅和太原市、吕梁市、运城市人民政府按职责分工负责"
    assert clause.span.text == inner
    assert text[clause.span.begin - 1000 : clause.span.end - 1000] == inner
    written = [
        (r.name, text[r.span.begin - 1000 : r.span.end - 1000]) for r in clause.responsibilities
    ]
    assert written == [
        ("省商务厅", "省商务厅"),
        ("太原市人民政府", "太原市"),
        ("吕梁市人民政府", "吕梁市"),
        ("运城市人民政府", "运城市人民政府"),
    ]
    for r in clause.responsibilities:
        assert r.span.text == text[r.span.begin - 1000 : r.span.end - 1000]


def test_label_and_open_list_are_outside_the_name_spans():
    text = "（责任单位：省教育厅、省人社厅等部门）"
    [clause] = find_clauses(text)
    assert [text[r.span.begin : r.span.end] for r in clause.responsibilities] == [
        "省教育厅",
        "省人社厅",
    ]
    assert clause.open_list


@pytest.mark.parametrize(
    "text",
    [
        "（省财政厅、省卫健委按职责分工负责）",
        "(省财政厅、省卫健委按职责分工负责）",  # mixed, as in the bundled corpus
        "（省财政厅、省卫健委按职责分工负责)",
        "(省财政厅、省卫健委按职责分工负责)",
    ],
)
def test_any_bracket_pair(text):
    [clause] = find_clauses(text)
    assert clause.span.text == "省财政厅、省卫健委按职责分工负责"
    assert (clause.span.begin, clause.span.end) == (1, len(text) - 1)


def test_nested_brackets_inside_a_mixed_clause():
    text = "落地见效。(各县（市、区）人民政府负责）"
    [clause] = find_clauses(text)
    assert clause.span.text == "各县（市、区）人民政府负责"
    assert [(r.name, r.role) for r in clause.responsibilities] == [
        ("各县（市、区）人民政府", "sole")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "出租汽车（含网约车）全部使用电动汽车",
        "中国（太原）国际能源产业博览会",
        "总费率继续按照1%（单位部分0.7%，个人部分0.3%）执行",
        "封控管理措施的县(市、区)内所有中小微企业",
        "支持各市建设智能信包（快件）箱",
        "指导各市住房（房管）部门出台",
        "在乡镇（街道）设立就业服务站",
        "开展省级步行街（特色街）试点",
        "《意见》（国办发〔2022〕9号）",
        "（此件公开发布）",
        "（一）围绕保市场主体加大助企纾困力度。",
        "（具体由各地负责）",
        "（按职责分工负责）",
        "（省财政厅）",  # a name with no marker is not a clause
        "（省财政厅负责",  # never closed on its line
    ],
)
def test_brackets_that_are_not_clauses(text):
    assert find_clauses(text) == []


def test_a_paragraph_with_clauses_and_other_brackets():
    text = (
        "出租汽车（含网约车）全部使用电动汽车。（省交通厅、省工信厅按职责分工负责）"
        "推动县(市、区)发展。(省商务厅牵头负责）支持中国（太原）博览会。（各市人民政府负责）"
    )
    clauses = find_clauses(text)
    assert [c.span.text for c in clauses] == [
        "省交通厅、省工信厅按职责分工负责",
        "省商务厅牵头负责",
        "各市人民政府负责",
    ]
    for c in clauses:
        assert text[c.span.begin : c.span.end] == c.span.text


@pytest.mark.parametrize(
    "inner,expected",
    [
        ("省商务厅牵头，各市人民政府负责", [("省商务厅", "lead"), ("各市人民政府", "support")]),
        ("省商务厅负责，省财政厅配合", [("省商务厅", "lead"), ("省财政厅", "support")]),
        ("省商务厅、省财政厅负责", [("省商务厅", "shared"), ("省财政厅", "shared")]),
        ("省统计局等部门负责", [("省统计局", "shared")]),  # open list: not alone
        ("由省商务厅牵头负责", [("省商务厅", "lead")]),
        # a scope before 由 says where, not who (国发〔2019〕4号)
        ("技工院校内由人力资源社会保障行政部门负责", [("人力资源社会保障行政部门", "sole")]),
        ("其中农村地区由省农业农村厅负责", [("省农业农村厅", "sole")]),
        (
            "责任单位：省商务厅牵头，省财政厅、省税务局配合",
            [("省商务厅", "lead"), ("省财政厅", "support"), ("省税务局", "support")],
        ),
        (
            "人行太原中心支行、山西银保监局按职责分工负责",
            [("人行太原中心支行", "shared"), ("山西银保监局", "shared")],
        ),
        (
            "团省委、省妇联、省总工会、省供销社、省检察院、省国资运营公司按职责分工负责",
            [
                ("团省委", "shared"),
                ("省妇联", "shared"),
                ("省总工会", "shared"),
                ("省供销社", "shared"),
                ("省检察院", "shared"),
                ("省国资运营公司", "shared"),
            ],
        ),
    ],
)
def test_other_wordings(inner, expected):
    assert roles(inner) == expected


def test_agency_name_form():
    for name in (
        "省粮食和储备局",
        "人行太原中心支行",
        "团省委",
        "省国资运营公司",
        "各市人民政府",
        "市通信发展管理办公室",
        "市机关事务服务中心",
    ):
        assert is_agency_name(name), name
    for text in ("含网约车", "太原", "快件", "单位部分0.7%", "具体由各地", "厅"):
        assert not is_agency_name(text), text


def test_deadline_segment_inside_a_clause_names_no_agency():
    assert roles("责任单位：省商务厅、各市人民政府；完成时限：2022年底前") == [
        ("省商务厅", "shared"),
        ("各市人民政府", "shared"),
    ]
    assert parse_clause("完成时限：2022年底前", 0) is None


def test_responsibility_subject_label():
    assert roles("责任主体：各市人民政府") == [("各市人民政府", "sole")]


@pytest.mark.parametrize(
    "inner,expected",
    [
        ("省商务厅牵头，省直有关部门配合", [("省商务厅", "lead"), ("省直有关部门", "support")]),
        ("各县（市、区）负责", [("各县（市、区）", "sole")]),
        (
            "市商务局牵头，各县（市、区）具体落实",
            [("市商务局", "lead"), ("各县（市、区）", "support")],
        ),
    ],
)
def test_collectives(inner, expected):
    assert roles(inner) == expected


@given(
    st.text(
        alphabet="（()）、，；和省市县厅局负责牵头配合等部门人民政府责任单位：太原0%。\n",
        max_size=60,
    )
)
def test_find_clauses_never_fails_and_spans_hold(text):
    for clause in find_clauses(text, offset=7):
        assert text[clause.span.begin - 7 : clause.span.end - 7] == clause.span.text
        assert text[clause.span.begin - 8] in "（(" and text[clause.span.end - 7] in "）)"
        assert clause.responsibilities
        for r in clause.responsibilities:
            assert text[r.span.begin - 7 : r.span.end - 7] == r.span.text
            assert r.role in ("lead", "support", "shared", "sole")


# --- the forms of genre.md's "More clause forms" --------------------------------------


@pytest.mark.parametrize(
    "inner,expected,open_list",
    [
        (
            "负责部门：国家发展改革委、商务部",
            [("国家发展改革委", "shared"), ("商务部", "shared")],
            False,
        ),
        ("负责部门：自然资源部", [("自然资源部", "sole")], False),
        (
            "牵头单位：市商务局，配合单位：市财政局、市税务局，各区、县级市",
            [
                ("市商务局", "lead"),
                ("市财政局", "support"),
                ("市税务局", "support"),
                ("各区、县级市", "support"),
            ],
            False,
        ),
        (
            "生态环境部牵头，国家发展改革委、国家统计局参与",
            [("生态环境部", "lead"), ("国家发展改革委", "support"), ("国家统计局", "support")],
            False,
        ),
        ("省商务厅会同省财政厅负责", [("省商务厅", "lead"), ("省财政厅", "support")], False),
        (
            "省商务厅会同省财政厅、省税务局负责",
            [("省商务厅", "lead"), ("省财政厅", "support"), ("省税务局", "support")],
            False,
        ),
        ("省商务厅、省财政厅分别负责", [("省商务厅", "shared"), ("省财政厅", "shared")], False),
        (
            "省商务厅、省财政厅等和各市人民政府负责",
            [("省商务厅", "shared"), ("省财政厅", "shared"), ("各市人民政府", "shared")],
            True,
        ),
        (
            "省文旅厅牵头，各市人民政府具体落实",
            [("省文旅厅", "lead"), ("各市人民政府", "support")],
            False,
        ),
        (
            "生态环境部指导，试点城市政府负责落实",
            [("生态环境部", "lead"), ("试点城市政府", "support")],
            False,
        ),
        ("商务部指导，供销合作总社参与", [("商务部", "lead"), ("供销合作总社", "support")], False),
        ("生态环境部、交通运输部指导", [("生态环境部", "shared"), ("交通运输部", "shared")], False),
        ("农业农村部指导", [("农业农村部", "sole")], False),
        # segments with another label name no agency, up to the next responsibility label
        (
            "负责部门：发展改革委、粮食和储备局，适用范围：浙江自贸试验区",
            [("发展改革委", "shared"), ("粮食和储备局", "shared")],
            False,
        ),
        (
            "负责部门：商务部；适用范围：所有自贸试验区，以下除标注外，适用范围均为所有自贸试验区",
            [("商务部", "sole")],
            False,
        ),
    ],
)
def test_more_clause_forms(inner, expected, open_list):
    clause = parse_clause(inner, 0)
    assert clause is not None, inner
    assert [(r.name, r.role) for r in clause.responsibilities] == expected
    assert clause.open_list is open_list


@pytest.mark.parametrize(
    "inner,expected",
    [
        ("省商务厅、有关部门按职责分工负责", [("省商务厅", "shared")]),
        ("责任单位：省商务厅、各有关单位", [("省商务厅", "shared")]),
        ("省商务厅牵头，有关单位配合", [("省商务厅", "lead")]),
        ("省发展改革委、各项目牵头单位负责", [("省发展改革委", "shared")]),
    ],
)
def test_words_that_open_the_list_are_not_agencies(inner, expected):
    clause = parse_clause(inner, 0)
    assert [(r.name, r.role) for r in clause.responsibilities] == expected
    assert clause.open_list


@pytest.mark.parametrize(
    "inner,names",
    [
        # after a responsibility label, names of any form are agencies
        ("责任单位：共青团中央、全国妇联", ["共青团中央", "全国妇联"]),
        ("负责部门：中国铁路总公司、民航局", ["中国铁路总公司", "民航局"]),
        ("责任单位：某某研究所、某某新媒体", ["某某研究所", "某某新媒体"]),
        # a name of a form no register knows, before a marker
        ("团中央、全国妇联按职责分工负责", ["团中央", "全国妇联"]),
    ],
)
def test_unknown_names_never_make_a_clause_disappear(inner, names):
    clause = parse_clause(inner, 0)
    assert clause is not None
    assert [r.name for r in clause.responsibilities] == names


def test_a_collective_of_levels_is_one_agency_with_its_written_span():
    text = "（牵头单位：市商务局，配合单位：各区、县级市）"
    [clause] = find_clauses(text)
    last = clause.responsibilities[-1]
    assert (last.name, last.role) == ("各区、县级市", "support")
    assert text[last.span.begin : last.span.end] == "各区、县级市"


# --- rules a document states: ClauseReader ----------------------------------------------


def read(*stretches: str) -> list[list[tuple[str, str]]]:
    """The clauses of the stretches, read in order by one reader."""
    reader = ClauseReader()
    out = []
    offset = 0
    for text in stretches:
        out.extend(
            [(r.name, r.role) for r in c.responsibilities] for c in reader.find(text, offset)
        )
        offset += len(text)
    return out


@pytest.mark.parametrize(
    "rule",
    [
        "省商务厅、省财政厅负责。列第一位者为牵头单位，下同",
        "省商务厅、省财政厅负责。排在第一位的为牵头单位",
        "省商务厅、省财政厅负责，第一个单位为牵头单位",
        "省商务厅、省财政厅负责。排名第一的部门为牵头部门，下同",
        "省商务厅、省财政厅负责；以下各项均由排在首位的单位牵头",
        "省商务厅、省财政厅负责。牵头单位为排在首位的单位",
    ],
)
def test_first_listed_leads_from_the_rule_on(rule):
    before = "做好甲。（省统计局、省商务厅负责）"
    after = "做好乙。（省工信厅、省财政厅、省税务局负责）做好丙。（省民政厅负责）"
    clauses = read(before, f"做好丁。（{rule}）", after)
    assert clauses == [
        [("省统计局", "shared"), ("省商务厅", "shared")],  # before the rule: as written
        [("省商务厅", "lead"), ("省财政厅", "support")],  # the rule's own clause (下同)
        [("省工信厅", "lead"), ("省财政厅", "support"), ("省税务局", "support")],
        [("省民政厅", "sole")],  # a single agency stays sole
    ]


def test_the_rules_own_words_are_no_agency():
    [clause] = find_clauses("（省商务厅、省财政厅负责。列第一位者为牵头单位，下同）")
    assert [r.name for r in clause.responsibilities] == ["省商务厅", "省财政厅"]
    assert clause.span.text.endswith("下同")


def test_a_rule_in_a_bracket_of_its_own_is_no_clause_but_applies_later():
    clauses = read("（以下各项均由排在首位的单位牵头）", "做好乙。（省工信厅、省财政厅负责）")
    assert clauses == [[("省工信厅", "lead"), ("省财政厅", "support")]]
    assert find_clauses("（以下各项均由排在首位的单位牵头）") == []


def test_explicit_roles_win_over_the_first_listed_rule():
    clauses = read(
        "（省商务厅、省财政厅负责。列第一位者为牵头单位，下同）",
        "（省财政厅牵头，省商务厅配合）（省统计局等部门负责）",
    )
    assert clauses[1] == [("省财政厅", "lead"), ("省商务厅", "support")]
    assert clauses[2] == [("省统计局", "lead")]  # an open list has more than one agency


def test_without_the_rule_a_reader_reads_as_find_clauses():
    text = "做好乙。（省工信厅、省财政厅负责）（第一医院牵头负责）"
    reader_clauses = ClauseReader().find(text)
    assert reader_clauses == find_clauses(text)
    assert [r.name for r in reader_clauses[1].responsibilities] == ["第一医院"]


def test_a_standing_implementer_joins_every_later_clause():
    text = (
        "（生态环境部指导，试点城市政府负责落实。以下均需试点城市政府落实，不再列出）"
        "（农业农村部指导）（国家发展改革委、农业农村部指导）（商务部指导，供销合作总社参与）"
    )
    reader = ClauseReader()
    clauses = reader.find(text)
    assert [[(r.name, r.role) for r in c.responsibilities] for c in clauses] == [
        [("生态环境部", "lead"), ("试点城市政府", "support")],
        [("农业农村部", "lead"), ("试点城市政府", "support")],
        [("国家发展改革委", "shared"), ("农业农村部", "shared"), ("试点城市政府", "shared")],
        [("商务部", "lead"), ("供销合作总社", "support"), ("试点城市政府", "support")],
    ]
    # the implementer's span is where the rule names it
    implied = clauses[1].responsibilities[1]
    assert text[implied.span.begin : implied.span.end] == "试点城市政府"
    assert implied.span.begin < clauses[1].span.begin


# --- the clauses of real documents --------------------------------------------------------

REAL = Path(__file__).parent / "data" / "real"
REAL_CLAUSES = json.loads((REAL / "clauses.expected.json").read_text(encoding="utf-8"))
_MARKER = re.compile(r"负责|牵头|参与|配合|协助|指导|落实|会同|(?:单位|部门)[：:]")


def _marked_brackets(text: str) -> list[str]:
    """The text inside every outermost bracket that holds a responsibility word."""
    out, depth, start = [], 0, 0
    for j, c in enumerate(text):
        if c in "（(":
            if depth == 0:
                start = j + 1
            depth += 1
        elif c in "）)" and depth:
            depth -= 1
            if depth == 0 and _MARKER.search(text[start:j]):
                out.append(text[start:j])
    return out


@pytest.mark.parametrize("name", sorted(REAL_CLAUSES))
def test_every_marked_bracket_of_a_real_document_is_its_clause(name):
    text = (REAL / name).read_text(encoding="utf-8")
    reader = ClauseReader()
    clauses = [c for line in _lines(text) for c in reader.find(*line)]
    expected = REAL_CLAUSES[name]
    assert [c.span.text for c in clauses] == _marked_brackets(text)
    assert [c["clause"] for c in expected] == _marked_brackets(text)
    for clause, want in zip(clauses, expected, strict=True):
        got = [[r.name, r.role] for r in clause.responsibilities]
        assert (got, clause.open_list) == (want["responsibilities"], want["open_list"]), want
        for r in clause.responsibilities:
            assert text[r.span.begin : r.span.end] == r.span.text


def _lines(text: str) -> list[tuple[str, int]]:
    return [(m.group(), m.start()) for m in re.finditer(r"[^\n]+", text)]
