"""Quantities: numbers with units and comparators (policykg.graph.quantities)."""

from __future__ import annotations

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


# --- ranges -----------------------------------------------------------------------------


def ends(found):
    """(expression, value, unit, comparator, other end) of each quantity."""
    return [
        (q.span.text, decimal_lexical(q.value), q.unit, q.comparator, q.other_end) for q in found
    ]


@pytest.mark.parametrize(
    ("text", "expression", "low", "high", "unit"),
    [
        ("招聘18—35岁的高校毕业生", "18—35岁", "18", "35", "岁"),
        ("租赁期限为1—3年", "1—3年", "1", "3", "年"),
        ("租赁期限为1至3年", "1至3年", "1", "3", "年"),
        ("贷款贴息比例为10%-20%", "10%-20%", "10", "20", "%"),
        ("每个县建设5～10个服务站", "5～10个", "5", "10", "个"),
        ("补助标准为5—10万元", "5—10万元", "50000", "100000", "元"),
        ("一般为三到五年", "三到五年", "3", "5", "年"),
        ("比例为百分之十至百分之二十", "百分之十至百分之二十", "10", "20", "%"),
        ("年龄在18——35周岁之间", "18——35周岁", "18", "35", "周岁"),
        ("在1-3个月内办结", "1-3个月内", "1", "3", "个月"),
        ("新增5个至10个", "5个至10个", "5", "10", "个"),
        # two neighbouring digits are an estimate between them
        ("再用三四个月", "三四个月", "3", "4", "个月"),
        ("两三年内完成", "两三年内", "2", "3", "年"),
        # the multiplier stays on the second end when the first would then pass it
        ("每户500—1万元", "500—1万元", "500", "10000", "元"),
        ("补助两到三千元", "两到三千元", "2000", "3000", "元"),
        ("投资十五到二十万元", "十五到二十万元", "150000", "200000", "元"),
    ],
)
def test_ranges_give_both_ends_linked(text, expression, low, high, unit):
    assert ends(find_quantities(text, 0)) == [
        (expression, low, unit, "min", 1),
        (expression, high, unit, "max", 0),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "第1—3批试点城市",  # ordinals
        "第一至三批",
        "2021—2025年",  # a time expression
        "实施期为2019-2021年",
    ],
)
def test_ordinal_and_year_ranges_are_no_quantities(text):
    assert find_quantities(text, 0) == []


@pytest.mark.parametrize(
    ("number", "sentence", "expected"),
    [
        (
            "06",
            "按照试点地区所有公立医疗机构年度药品总用量的60%—70%估算采购总量",
            [("60%—70%", "60", "%", "min", 1), ("60%—70%", "70", "%", "max", 0)],
        ),
        (
            "06",
            "可渐进调整支付标准，在2—3年内调整到位，并制定配套政策措施；",
            [("2—3年内", "2", "年", "min", 1), ("2—3年内", "3", "年", "max", 0)],
        ),
        (
            "03",
            "经过5—10年左右时间，职业教育基本完成由政府举办为主向政府统筹管理",
            [("5—10年左右", "5", "年", "min", 1), ("5—10年左右", "10", "年", "max", 0)],
        ),
        (
            "04",
            "力争三到五年时间内，市场监管领域新型监管机制更加完善，实现综合监管、智慧监管。",
            [("三到五年", "3", "年", "min", 1), ("三到五年", "5", "年", "max", 0)],
        ),
    ],
)
def test_ranges_in_real_documents(real_sentence, number, sentence, expected):
    text, offset = real_sentence(number, sentence)
    found = find_quantities(text, offset)
    assert ends(found) == expected
    assert found[0].span == found[1].span
    assert text[found[0].span.begin - offset : found[0].span.end - offset] == expected[0][0]


def test_range_ends_take_their_place_among_other_quantities():
    found = find_quantities("补贴2亿元，支持3—5个城市，每个城市不超过4000万元。", 0)
    assert ends(found) == [
        ("2亿元", "200000000", "元", "eq", None),
        ("3—5个", "3", "个", "min", 2),
        ("3—5个", "5", "个", "max", 1),
        ("不超过4000万元", "40000000", "元", "max", None),
    ]


RANGE_UNITS = ["%", "岁", "周岁", "年", "个月", "个", "万元", "亿元", "个工作日", "家", "人次"]
DASHES = ["—", "——", "-", "－", "～", "~", "至", "到"]


@given(
    st.decimals(min_value=Decimal("0.1"), max_value=Decimal(999), places=1),
    st.decimals(min_value=Decimal("0.1"), max_value=Decimal(999), places=1),
    st.sampled_from(RANGE_UNITS),
    st.sampled_from(DASHES),
    st.booleans(),
)
def test_rendered_ranges_parse_back(a, b, unit, dash, unit_on_both):
    low, high = sorted((a, b))
    if low == high:
        return
    first = decimal_lexical(low) + (unit if unit_on_both else "")
    text = f"相关指标为{first}{dash}{decimal_lexical(high)}{unit}。"
    factor = {"万": 10**4, "亿": 10**8}.get(unit[0], 1)
    plain_unit = unit[1:] if factor > 1 else unit
    found = find_quantities(text, 0)
    assert [(q.value, q.unit, q.comparator, q.other_end) for q in found] == [
        (low * factor, plain_unit, "min", 1),
        (high * factor, plain_unit, "max", 0),
    ], text
    assert found[0].span.text == found[1].span.text == text[5:-1]


# --- comparators and forms from the real documents ---------------------------------------


@pytest.mark.parametrize(
    ("number", "sentence", "expected"),
    [
        # a negated comparator: 不得低于 is a lower bound
        (
            "05",
            "合作机构支小支农担保金额占全部担保金额的比例不得低于80%，"
            "其中单户担保金额500万元及以下的占比不得低于50%。",
            [
                ("不得低于80%", "80", "%", "min"),
                ("500万元及以下", "5000000", "元", "max"),
                ("不得低于50%", "50", "%", "min"),
            ],
        ),
        # a comparator before the whole the number is a share of
        (
            "05",
            "原则上不高于承担风险责任的0.5%",
            [("不高于承担风险责任的0.5%", "0.5", "%", "max")],
        ),
        (
            "06",
            "医保基金在总额预算的基础上，按不低于采购金额的30%提前预付给医疗机构。",
            [("不低于采购金额的30%", "30", "%", "min")],
        ),
        (
            "09",
            "原则上各级行政执法机关的法制审核人员不少于本单位执法人员总数的5%。",
            [("不少于本单位执法人员总数的5%", "5", "%", "min")],
        ),
        (
            "02",
            "年满18周岁、能够在专利代理机构专职工作的中国公民",
            [("年满18周岁", "18", "周岁", "min")],
        ),
        # a rate as its unit, and a length in 毫米
        (
            "13",
            "严格新建煤矿准入标准，停止核准新建低于30万吨/年的煤矿、低于90万吨/年的煤与瓦斯突出矿井。",
            [
                ("低于30万吨/年", "300000", "吨/年", "max"),
                ("低于90万吨/年", "900000", "吨/年", "max"),
            ],
        ),
        (
            "13",
            "逐步淘汰9万吨/年及以下煤矿",
            [("9万吨/年及以下", "90000", "吨/年", "max")],
        ),
        (
            "01",
            "推广应用标准地膜，禁止生产和使用厚度低于0.01毫米的地膜。",
            [("低于0.01毫米", "0.01", "毫米", "max")],
        ),
        # 一 with a comparator is a count
        (
            "03",
            "每个地（市、州、盟）原则上至少建设一所符合当地经济社会发展和技术技能人才培养需要的中等职业学校。",
            [("至少建设一所", "1", "所", "min")],
        ),
        # targets of a goals section
        (
            "01",
            "到2020年，规模养殖场粪污处理设施装备配套率达到95%以上，畜禽粪污综合利用率达到75%以上。",
            [("95%以上", "95", "%", "min"), ("75%以上", "75", "%", "min")],
        ),
        ("05", "争取三年内实现政府性融资担保业务市级全覆盖", [("三年内", "3", "年", "max")]),
    ],
)
def test_real_document_quantities(real_sentence, number, sentence, expected):
    text, offset = real_sentence(number, sentence)
    found = find_quantities(text, offset)
    assert summary(found) == expected
    for q in found:
        assert text[q.span.begin - offset : q.span.end - offset] == q.span.text


def test_measured_nouns_after_a_list_or_another_count(real_sentence):
    text, offset = real_sentence("03", "建设50所高水平高等职业学校和150个骨干专业（群）")
    assert [q.measured for q in find_quantities(text, offset)] == [
        "高水平高等职业学校",
        "骨干专业",
    ]
    text, offset = real_sentence("10", "合法性审核时间一般不少于5个工作日，最长不超过15个工作日。")
    assert [q.measured for q in find_quantities(text, offset)] == ["合法性审核时间", None]
    text, offset = real_sentence("06", "成都、西安11个城市")
    assert [q.measured for q in find_quantities(text, offset)] == ["城市"]
    text, offset = real_sentence("05", "合作机构支小支农担保金额占全部担保金额的比例不得低于80%")
    assert [q.measured for q in find_quantities(text, offset)] == [
        "合作机构支小支农担保金额占全部担保金额的比例"
    ]


@pytest.mark.parametrize(
    ("number", "sentence"),
    [
        # 二 before a classifier is a term: a count of two is written 两
        ("01", "粪便垫料回用和水肥一体化施用技术，加强二次污染管控。"),
        ("01", "明确管理对象和源头，预防二次污染，防控环境风险。"),
        # a level, not a measure word
        ("05", "加快发展市、县两级融资担保机构"),
        # names in quotation marks
        ("04", "实现“双随机、一公开”监管全覆盖、常态化。"),
        ("02", "通过国际贸易“单一窗口”与“一带一路”重点国家和地区开展互联互通和信息共享"),
        ("02", "研究支持对海关特殊监管区域外的“两头在外”航空维修业态实行保税监管。"),
        # idioms
        ("03", "培育数以万计的产教融合型企业，打造一批优秀职业教育培训评价组织"),
    ],
)
def test_counting_words_in_real_documents_are_no_quantities(real_sentence, number, sentence):
    text, offset = real_sentence(number, sentence)
    assert find_quantities(text, offset) == []


@pytest.mark.parametrize(
    "text",
    [
        # set phrases, unquoted: numerals with no measure word, counts side by side, a
        # duration that heads a programme's name
        "扎实推进两新一重建设",
        "高质量共建一带一路",
        "实施三年行动计划",
        "开展城市更新三年行动",
        "编制五年规划",
        "开展100天攻坚行动",
        "推行政务服务一网通办",
        "深化放管服改革",
        "实施宣传文化人才五个一批工程",
        "为实现两个一百年奋斗目标",
        "组织实施十大工程",
        "坚持两学一做",
        "开展二级以上医院评审",
    ],
)
def test_counting_words_in_names_and_set_phrases_are_no_quantities(text):
    assert find_quantities(text, 0) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the same words as true counts
        ("每年召开两次会议", [("两次", "2", "次", "eq")]),
        ("争取三年内完成", [("三年内", "3", "年", "max")]),
        ("新建十个一流学科", [("十个", "10", "个", "eq")]),
        ("行动期限为三年", [("三年", "3", "年", "eq")]),
        ("发放10余万人次", [("10余万人次", "100000", "人次", "min")]),
        ("装机100万千瓦", [("100万千瓦", "1000000", "千瓦", "eq")]),
        ("不得超过3个月", [("不得超过3个月", "3", "个月", "max")]),
        ("奖励一千万元", [("一千万元", "10000000", "元", "eq")]),
        ("培训两千五百人次", [("两千五百人次", "2500", "人次", "eq")]),
    ],
)
def test_counts_next_to_the_set_phrases(text, expected):
    assert summary(find_quantities(text, 0)) == expected


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


def test_bundled_corpus_quantities(bundled_text):
    found = find_quantities(bundled_text, 0)
    for q in found:
        assert bundled_text[q.span.begin : q.span.end] == q.span.text
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


# --- the graph ----------------------------------------------------------------------------


def test_range_ends_name_each_other_in_the_graph():
    """Built from real document 06: 60%—70% and 2—3年 are two quantities each, min and max,
    one expression, each pointing at the other with pkg:otherEnd."""
    from pathlib import Path

    from rdflib.namespace import SKOS

    from policykg.graph.namespaces import PKG
    from policykg.graph.pipeline import build
    from policykg.graph.rdfio import union_view

    (path,) = (Path(__file__).parent / "data" / "real").glob("06-*.txt")
    dataset = union_view(build([path]).dataset)
    pairs = set(dataset.subject_objects(PKG.otherEnd))
    assert pairs
    found = set()
    for low, high in pairs:
        assert (high, low) in pairs
        comparators = [
            str(dataset.value(dataset.value(q, PKG.comparator), SKOS.notation)) for q in (low, high)
        ]
        if comparators != ["min", "max"]:
            continue
        assert dataset.value(low, PKG.unit) == dataset.value(high, PKG.unit)
        assert dataset.value(low, PKG.expression) == dataset.value(high, PKG.expression)
        found.add(
            (
                str(dataset.value(low, PKG.expression)),
                str(dataset.value(low, PKG.value)),
                str(dataset.value(high, PKG.value)),
            )
        )
    assert found == {("60%—70%", "60", "70"), ("2—3年内", "2", "3")}
