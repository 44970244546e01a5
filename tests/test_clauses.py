"""Responsibility clauses: every form of genre.md, suffix distribution, 和 in names, non-clauses."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policykg.graph.clauses import find_clauses, is_agency_name, parse_clause


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
