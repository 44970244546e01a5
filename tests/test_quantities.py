"""Quantities: numbers with units and comparators (policykg.graph.quantities)."""

from __future__ import annotations

import importlib.resources
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policykg.graph.numerals import decimal_lexical
from policykg.graph.quantities import find_quantities, link_periods
from policykg.graph.reference import load_holiday_calendar
from policykg.graph.timeexpr import find_time_bounds


def summary(found):
    return [(q.span.text, decimal_lexical(q.value), q.unit, q.comparator) for q in found]


# --- the genre table -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("比例提高至90%", [("提高至90%", "90", "%", "eq")]),
        ("新能源汽车比例原则上不低于35%，", [("不低于35%", "35", "%", "min")]),
        ("举办促销活动不少于30场。", [("不少于30场", "30", "场", "min")]),
        ("至少新增2个直播电商基地", [("至少新增2个", "2", "个", "min")]),
        ("占比达到90%以上", [("90%以上", "90", "%", "min")]),
        ("减免租金不超过3个月。", [("不超过3个月", "3", "个月", "max")]),
        ("办理时限压缩至2个工作日以内", [("压缩至2个工作日以内", "2", "个工作日", "max")]),
        ("贷款余额增长8%左右。", [("增长8%左右", "8", "%", "approx")]),
        ("力争全省网络零售额突破100亿元", [("突破100亿元", "10000000000", "元", "min")]),
        ("筹集保障性租赁住房5.5万套，", [("5.5万套", "55000", "套", "eq")]),
        ("市财政安排资金2亿元，", [("2亿元", "200000000", "元", "eq")]),
        ("减免6个月租金", [("6个月", "6", "个月", "eq")]),
        ("进一步扩围到17个行业。", [("17个", "17", "个", "eq")]),
        ("等5个特困行业", [("5个", "5", "个", "eq")]),
        ("招录3名公益性岗位人员", [("3名", "3", "名", "eq")]),
        ("全年培训不少于10万人次。", [("不少于10万人次", "100000", "人次", "min")]),
        ("比例不低于百分之三十", [("不低于百分之三十", "30", "%", "min")]),
        ("减免两个月租金", [("两个月", "2", "个月", "eq")]),
        ("培育100余家企业", [("100余家", "100", "家", "min")]),
        ("举办３０场活动", [("３０场", "30", "场", "eq")]),
        ("约3000辆", [("约3000辆", "3000", "辆", "approx")]),
        ("奖励五十万元", [("五十万元", "500000", "元", "eq")]),
        ("扶持十二家企业", [("十二家", "12", "家", "eq")]),
        ("最近3个月", [("3个月", "3", "个月", "eq")]),
        ("60周岁以上老年人", [("60周岁以上", "60", "周岁", "min")]),
        ("至少举办3场", [("至少举办3场", "3", "场", "min")]),
        ("增速比上年提高2个百分点", [("提高2个百分点", "2", "个百分点", "eq")]),
    ],
)
def test_genre_table(text, expected):
    assert summary(find_quantities(text, 0)) == expected


def test_parts_point_at_their_whole():
    found = find_quantities("失业保险总费率继续按照1%（单位部分0.7%，个人部分0.3%）执行", 0)
    assert summary(found) == [
        ("1%", "1", "%", "eq"),
        ("0.7%", "0.7", "%", "eq"),
        ("0.3%", "0.3", "%", "eq"),
    ]
    assert [q.whole for q in found] == [None, 0, 0]
    assert [q.measured for q in found] == ["失业保险总费率", "单位部分", "个人部分"]


def test_brackets_with_other_units_are_no_parts():
    found = find_quantities("补贴2亿元（覆盖30家企业）", 0)
    assert [q.whole for q in found] == [None, None]


@pytest.mark.parametrize(
    "text",
    [
        "持续推进利用5G等技术",
        "开展热线和全国12315平台一体化建设",
        "实施行业绿色发展“9917工程”",
        "持续开展“千名网络主播培训活动”",
        "推动国家级、省级“一刻钟便民生活圈”试点建设",
        "实施农业生产“三品一标”提升行动",
        "消费券应广泛覆盖A级景区门票",
        "推动智慧医疗、智慧服务、智慧管理三位一体的智慧医院建设",
        "培育一批电子商务主体",
        "数据一次采集，“一网通、一窗办、半日结、零成本”",
        "2022年实现农村寄递物流服务全覆盖",
        "执行期限至2023年4月30日",
        "每月5日前发布",
        "第一批试点",
        "依托三级省外劳务服务体系",
        "让优质服务走进千家万户，百家争鸣",
    ],
)
def test_numbers_in_names_idioms_and_dates_are_no_quantities(text):
    assert find_quantities(text, 0) == []


def test_measured_noun_phrases():
    found = find_quantities("中小微企业返还比例提高至90%，大型企业稳岗返还比例提高至50%。", 0)
    assert [q.measured for q in found] == ["中小微企业返还比例", "大型企业稳岗返还比例"]
    assert find_quantities("全省筹集保障性租赁住房5.5万套", 0)[0].measured == "保障性租赁住房"
    assert find_quantities("等5个特困行业实施", 0)[0].measured == "特困行业"


def test_spans_are_absolute():
    source = "前文。比例不低于35%。"
    found = find_quantities(source[3:], 3)
    assert [source[q.span.begin : q.span.end] for q in found] == ["不低于35%"]
    assert found[0].span.text == "不低于35%"


# --- periods ----------------------------------------------------------------------------


def test_quantities_take_the_nearest_preceding_bound_of_their_sentence():
    text = "“十四五”期间全省筹集保障性租赁住房5.5万套，2022年筹集1.5万套。另行安排3亿元。"
    bounds = find_time_bounds(text, 10, date(2022, 9, 19), load_holiday_calendar())
    quantities = link_periods(find_quantities(text, 10), bounds, text, 10)
    assert [b.span.text for b in bounds] == ["“十四五”期间", "2022年"]
    assert [(q.span.text, q.period) for q in quantities] == [
        ("5.5万套", 0),
        ("1.5万套", 1),
        ("3亿元", None),
    ]


def test_a_bound_after_the_quantity_is_not_its_period():
    text = "总费率按照1%执行，执行期限至2023年4月30日。"
    bounds = find_time_bounds(text, 0, date(2022, 9, 19), load_holiday_calendar())
    assert link_periods(find_quantities(text, 0), bounds, text, 0)[0].period is None


@pytest.mark.parametrize(
    ("text", "periods"),
    [
        ("组织开展职业技能培训，全年培训不少于10万人次。", [0]),
        ("2022年6月1日至2022年9月30日期间，发放消费券2亿元。", [0]),
        # a deadline is no period a target is over
        ("到2022年年底，至少新增2个直播电商基地。", [None]),
        ("2022年底前举办促销活动不少于20场。", [None]),
        # a duration is no target over a period
        ("2022年底前减免房屋租金6个月。", [None]),
        ("2022年6月1日至2022年9月30日期间免收租金，其他时段减免租金不超过3个月。", [None]),
    ],
)
def test_which_bounds_are_periods_of_targets(text, periods):
    bounds = find_time_bounds(text, 0, date(2022, 8, 5), load_holiday_calendar())
    assert [q.period for q in link_periods(find_quantities(text, 0), bounds, text, 0)] == periods


# --- property-based ---------------------------------------------------------------------

UNITS = [
    "%",
    "套",
    "个月",
    "个",
    "名",
    "元",
    "场",
    "家",
    "所",
    "辆",
    "平方米",
    "公里",
    "小时",
    "个工作日",
    "天",
    "人次",
    "项",
]
PHRASINGS = {
    "eq": ["比例为{n}{u}", "共计{n}{u}", "提高至{n}{u}"],
    "min": ["不低于{n}{u}", "不少于{n}{u}", "{n}{u}以上", "至少{n}{u}", "突破{n}{u}"],
    "max": ["不超过{n}{u}", "{n}{u}以内", "控制在{n}{u}以下"],
    "approx": ["{n}{u}左右", "约{n}{u}"],
}
MULTIPLIERS = [("", 1), ("万", 10**4), ("亿", 10**8)]


@st.composite
def quantity_texts(draw):
    comparator = draw(st.sampled_from(sorted(PHRASINGS)))
    phrasing = draw(st.sampled_from(PHRASINGS[comparator]))
    unit = draw(st.sampled_from(UNITS))
    value = draw(
        st.decimals(
            min_value=Decimal("0.1"),
            max_value=Decimal(9999),
            places=1,
            allow_nan=False,
            allow_infinity=False,
        )
    )
    multiplier, factor = draw(st.sampled_from(MULTIPLIERS))
    number = decimal_lexical(value) + multiplier
    text = "相关指标" + phrasing.format(n=number, u=unit) + "。"
    return text, value * factor, unit, comparator


@given(quantity_texts())
def test_rendered_quantities_parse_back(case):
    text, value, unit, comparator = case
    found = find_quantities(text, 0)
    assert len(found) == 1, (text, found)
    q = found[0]
    assert (q.value, q.unit, q.comparator) == (value, unit, comparator)
    assert text[q.span.begin : q.span.end] == q.span.text


# --- the bundled corpus -----------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus():
    return (importlib.resources.files("policykg.corpus") / "jinzhengbanfa-2022-77.txt").read_text(
        encoding="utf-8"
    )


def test_bundled_corpus_quantities(corpus):
    found = find_quantities(corpus, 0)
    for q in found:
        assert corpus[q.span.begin : q.span.end] == q.span.text
    assert [(decimal_lexical(q.value), q.unit, q.comparator) for q in found] == [
        ("1", "%", "eq"),
        ("0.7", "%", "eq"),
        ("0.3", "%", "eq"),
        ("90", "%", "eq"),
        ("50", "%", "eq"),
        ("5", "个", "eq"),
        ("17", "个", "eq"),
        ("5", "个", "eq"),
        ("6", "个月", "eq"),
        ("35", "%", "min"),
        ("10", "个", "eq"),
        ("3", "名", "eq"),
        ("55000", "套", "eq"),
        ("15000", "套", "eq"),
        ("6", "个月", "eq"),
        ("3", "个月", "eq"),
    ]
    assert [q.whole for q in found[:3]] == [None, 0, 0]
