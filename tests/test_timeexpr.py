"""Time expressions to time bounds (policykg.graph.timeexpr)."""

from __future__ import annotations

import calendar
import importlib.resources
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policykg.graph.reference import load_holiday_calendar
from policykg.graph.timeexpr import HolidayCalendar, find_time_bounds

CN_DIGITS = "〇一二三四五六七八九"
REFERENCE = date(2022, 9, 19)  # the bundled document's date


@pytest.fixture(scope="module")
def holidays():
    return load_holiday_calendar()


def bounds(text, holidays, reference=REFERENCE, offset=0):
    return find_time_bounds(text, offset, reference, holidays)


def only(text, holidays, reference=REFERENCE):
    found = bounds(text, holidays, reference)
    assert len(found) == 1, found
    return found[0]


def cn_year(y: int) -> str:
    return "".join(CN_DIGITS[int(c)] for c in str(y))


def cn_small(n: int) -> str:
    """1..31 in Chinese numerals (十二, 二十一, 三十)."""
    tens, ones = divmod(n, 10)
    return ((CN_DIGITS[tens] if tens > 1 else "") + "十" if tens else "") + (
        CN_DIGITS[ones] if ones else ""
    )


# --- the genre table -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expression", "start", "end", "precision", "kind"),
    [
        (
            "执行期限至2023年4月30日。",
            "执行期限至2023年4月30日",
            None,
            "2023-04-30",
            "day",
            "deadline",
        ),
        ("到2022年年底", "到2022年年底", None, "2022-12-31", "year", "deadline"),
        ("2022年底前完成", "2022年底前", None, "2022-12-31", "year", "deadline"),
        ("2022年年底前完成", "2022年年底前", None, "2022-12-31", "year", "deadline"),
        ("到2022年底", "到2022年底", None, "2022-12-31", "year", "deadline"),
        ("到2023年3月底", "到2023年3月底", None, "2023-03-31", "month", "deadline"),
        ("2023年3月底前完成", "2023年3月底前", None, "2023-03-31", "month", "deadline"),
        ("2022年实现全覆盖", "2022年", None, "2022-12-31", "year", "deadline"),
        (
            "自2022年7月1日起至2022年12月31日分批发放",
            "自2022年7月1日起至2022年12月31日",
            "2022-07-01",
            "2022-12-31",
            "day",
            "period",
        ),
        (
            "2022年6月1日至2022年9月30日期间免收租金",
            "2022年6月1日至2022年9月30日期间",
            "2022-06-01",
            "2022-09-30",
            "day",
            "period",
        ),
        ("“十四五”期间全省筹集", "“十四五”期间", "2021-01-01", "2025-12-31", "year", "period"),
        ('"十四五"时期', '"十四五"时期', "2021-01-01", "2025-12-31", "year", "period"),
        ("十四五期间", "十四五期间", "2021-01-01", "2025-12-31", "year", "period"),
        ("“十三五”期间", "“十三五”期间", "2016-01-01", "2020-12-31", "year", "period"),
        ("“十五五”时期", "“十五五”时期", "2026-01-01", "2030-12-31", "year", "period"),
        ("“十四五”末", "“十四五”末", None, "2025-12-31", "year", "deadline"),
        ("全年培训不少于10万人次", "全年", "2022-01-01", "2022-12-31", "year", "period"),
        ("年内实现城区全覆盖", "年内", None, "2022-12-31", "year", "deadline"),
        ("国庆前组织供应", "国庆前", None, "2022-09-30", "day", "deadline"),
        ("春节前", "春节前", None, "2023-01-21", "day", "deadline"),
        ("元旦前", "元旦前", None, "2022-12-31", "day", "deadline"),
        ("中秋前", "中秋前", None, "2023-09-28", "day", "deadline"),
        ("2023年春节前，组织开展", "2023年春节前", None, "2023-01-21", "day", "deadline"),
        ("2021—2025年", "2021—2025年", "2021-01-01", "2025-12-31", "year", "period"),
        ("2022年7月至12月", "2022年7月至12月", "2022-07-01", "2022-12-31", "month", "period"),
        ("2022年上半年", "2022年上半年", "2022-01-01", "2022-06-30", "month", "period"),
        ("自2022年10月1日起施行", "自2022年10月1日起", "2022-10-01", None, "day", "period"),
        ("力争到2025年，建成", "到2025年", None, "2025-12-31", "year", "deadline"),
        (
            "二〇二二年十二月三十一日前",
            "二〇二二年十二月三十一日前",
            None,
            "2022-12-31",
            "day",
            "deadline",
        ),
        ("２０２３年３月底前", "２０２３年３月底前", None, "2023-03-31", "month", "deadline"),
        ("今年年底前", "今年年底前", None, "2022-12-31", "year", "deadline"),
    ],
)
def test_genre_table(holidays, text, expression, start, end, precision, kind):
    tb = only(text, holidays)
    assert tb.span.text == expression
    assert (tb.start.isoformat() if tb.start else None) == start
    assert (tb.end.isoformat() if tb.end else None) == end
    assert (tb.precision, tb.kind) == (precision, kind)


def test_five_year_plan_label(holidays):
    assert only("“十四五”期间全省筹集", holidays).label == "十四五"


def test_holiday_label_is_as_written(holidays):
    assert only("国庆前", holidays).label == "国庆"
    assert only("国庆节前", holidays).label == "国庆节"


def test_monthly_recurrence(holidays):
    tb = only("每月5日前发布价格监测信息", holidays)
    assert tb.span.text == "每月5日前"
    assert (tb.kind, tb.recurrence, tb.recurrence_day) == ("recurring", "month", 5)
    assert tb.start is None and tb.end is None


@pytest.mark.parametrize(
    ("text", "expression", "month", "day", "precision"),
    [
        ("每年1月底前报送上年度工作情况", "每年1月底前", 1, 31, "day"),
        ("每年的12月", "每年的12月", 12, None, "month"),
        ("每年2月底前", "每年2月底前", 2, None, "month"),  # 28 or 29 days
    ],
)
def test_yearly_recurrence_with_a_month(holidays, text, expression, month, day, precision):
    tb = only(text, holidays)
    assert tb.span.text == expression
    assert (tb.kind, tb.recurrence, tb.recurrence_month, tb.recurrence_day) == (
        "recurring",
        "year",
        month,
        day,
    )
    assert tb.precision == precision
    assert tb.start is None and tb.end is None


def test_yearly_recurrence_in_a_real_document(holidays, real_sentence):
    text, offset = real_sentence(
        "09", "地方各级行政执法机关应当于每年1月31日前公开本机关上年度行政执法总体情况有关数据"
    )
    (tb,) = find_time_bounds(text, offset, date(2018, 12, 5), holidays)
    assert tb.span.text == "每年1月31日前"
    assert (tb.recurrence, tb.recurrence_month, tb.recurrence_day) == ("year", 1, 31)


def test_a_yearly_day_that_does_not_exist_gives_no_bound(holidays):
    assert bounds("每年2月30日前", holidays) == []


def test_yearly_recurrence(holidays):
    tb = only("每年开展一次评估", holidays)
    assert (tb.kind, tb.recurrence, tb.recurrence_day) == ("recurring", "year", None)


def test_month_without_year_takes_the_next_such_month(holidays):
    assert only("3月底前完成", holidays).end == date(2023, 3, 31)
    assert only("11月底前完成", holidays).end == date(2022, 11, 30)


def test_month_without_year_takes_the_year_written_before(holidays):
    found = bounds("2021年启动，6月底前完成", holidays, reference=date(2020, 12, 1))
    assert [tb.end for tb in found] == [date(2021, 12, 31), date(2021, 6, 30)]


def test_holiday_after_the_reference_date_moves_to_next_year(holidays):
    assert only("国庆前", holidays, reference=date(2022, 10, 2)).end == date(2023, 9, 30)


# --- years that are not bounds ---------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "开展打击食品药品环境和知识产权领域犯罪“昆仑2022”专项行动",
        "根据《2022年全省重点工业产品质量安全监管目录》，持续加大",
        "发布2022年度企业工资指导线",
        "发布2021年度工资价位",
        "督促省属企业对2022年被列为疫情中高风险地区所在的县级行政区域",
        "比2021年增长8%",
        "2022年的目标",
        "2022年9月19日印发",
        "减免3年内租金",
        "2020年以来",
    ],
)
def test_years_in_names_and_qualifiers_are_no_bounds(holidays, text):
    assert bounds(text, holidays) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2月30日前", []),
        ("2022年2月30日前", []),
        ("2月30日至3月5日", [(None, "2023-03-05")]),  # only 至3月5日 is a date
        ("2040年春节前", []),  # beyond the calendar: no bound, and no bare-year bound either
        ("2月29日前", []),  # read as 2023 (after 2022-09-19), which has no 29 February
    ],
)
def test_impossible_or_undatable_dates(holidays, text, expected):
    assert [
        (tb.start and tb.start.isoformat(), tb.end and tb.end.isoformat())
        for tb in bounds(text, holidays)
    ] == expected


def test_comma_after_a_year_makes_a_period(holidays):
    tb = only("2022年，按照属地管理原则，对核酸检测给予全额补贴。", holidays)
    assert (tb.start, tb.end, tb.precision, tb.kind) == (
        date(2022, 1, 1),
        date(2022, 12, 31),
        "year",
        "period",
    )


def test_spans_are_absolute(holidays):
    source = "前言。" + "执行期限至2023年4月30日。"
    stretch_offset = 3
    tb = only(source[stretch_offset:], holidays)
    shifted = find_time_bounds(source[stretch_offset:], stretch_offset, REFERENCE, holidays)[0]
    assert source[shifted.span.begin : shifted.span.end] == shifted.span.text == tb.span.text


# --- the real documents -----------------------------------------------------------------

# each real document's date (its signature), the reference of its relative expressions
REAL_DATES = {
    "01": date(2018, 12, 29),
    "03": date(2019, 1, 24),
    "04": date(2019, 1, 27),
    "06": date(2019, 1, 1),
    "07": date(2018, 10, 27),
    "09": date(2018, 12, 5),
    "12": date(2019, 1, 9),
    "13": date(2013, 11, 18),
}


def real_bounds(real_sentence, holidays, number, sentence):
    text, offset = real_sentence(number, sentence)
    found = find_time_bounds(text, offset, REAL_DATES[number], holidays)
    for tb in found:
        assert text[tb.span.begin - offset : tb.span.end - offset] == tb.span.text
    return [
        (tb.span.text, tb.kind, tb.start and tb.start.isoformat(), tb.end and tb.end.isoformat())
        for tb in found
    ]


@pytest.mark.parametrize(
    ("number", "sentence", "expected"),
    [
        # a goal section's target year
        (
            "01",
            "到2020年，系统构建“无废城市”建设指标体系",
            [("到2020年", "deadline", None, "2020-12-31")],
        ),
        (
            "04",
            "到2020年底，实现市场监管领域相关部门“双随机、一公开”监管全覆盖",
            [("到2020年底", "deadline", None, "2020-12-31")],
        ),
        (
            "01",
            "2019年上半年，试点城市政府印发实施方案。",
            [("2019年上半年", "period", "2019-01-01", "2019-06-30")],
        ),
        (
            "01",
            "2021年3月底前，试点城市政府对本地区试点总体情况、主要做法和成效、存在的问题及建议等进行评估总结",
            [("2021年3月底前", "deadline", None, "2021-03-31")],
        ),
        (
            "07",
            "国务院办公厅将于2020年4月底前组织对试点工作进行验收总结",
            [("2020年4月底前", "deadline", None, "2020-04-30")],
        ),
        (
            "12",
            "原则上于2019年12月底前完成相关建设规划，2020年12月底前完成项目竣工验收。",
            [
                ("2019年12月底前", "deadline", None, "2019-12-31"),
                ("2020年12月底前", "deadline", None, "2020-12-31"),
            ],
        ),
        (
            "03",
            "从2019年起，在有条件的地区和高校探索实施试点工作，制定符合国情的国家资历框架。",
            [("从2019年起", "period", "2019-01-01", None)],
        ),
        # 年初开始: the year it starts in; 初步 is no 年初
        (
            "06",
            "于2019年初开始执行集中采购结果，周期为1年。",
            [("2019年初开始", "period", "2019-01-01", None)],
        ),
        (
            "03",
            "2020年初步建成300个示范性职业教育集团（联盟），带动中小企业参与。",
            [("2020年", "deadline", None, "2020-12-31")],
        ),
        # no bounds: a past event, a signature, the year-end review, a title, durations
        (
            "12",
            "2018年11月，党中央、国务院印发《关于学前教育深化改革规范发展的若干意见》",
            [],
        ),
        ("01", "2018年12月29日", []),
        ("13", "国务院办公厅2013年11月18日（此件公开发布）", []),
        ("13", "2012年以来，受市场需求下降、煤炭工业转型升级滞后", []),
        ("09", "纳入年底效能目标考核体系，建立督查情况通报制度", []),
        ("09", "《法治政府建设实施纲要（2015—2020年）》", []),
        ("03", "经过5—10年左右时间，职业教育基本完成", []),
        ("04", "力争三到五年时间内，市场监管领域新型监管机制更加完善", []),
        # every five years: a recurrence this model cannot state, so none is made up
        ("03", "原则上每5年修订1次职业院校专业目录", []),
    ],
)
def test_real_documents(holidays, real_sentence, number, sentence, expected):
    assert real_bounds(real_sentence, holidays, number, sentence) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a quarter is three months; its end a deadline
        ("2022年第一季度", [("period", "2022-01-01", "2022-03-31", "month")]),
        ("2023年三季度末前完成", [("deadline", None, "2023-09-30", "month")]),
        ("到2023年第四季度", [("deadline", None, "2023-12-31", "month")]),
        ("一季度末前完成", [("deadline", None, "2023-03-31", "month")]),  # the next one
        ("每季度报送一次", []),
        # a 旬 is ten days of a month
        ("2022年10月中旬前完成", [("deadline", None, "2022-10-20", "day")]),
        ("2022年10月上旬", [("deadline", None, "2022-10-10", "day")]),
        ("2022年10月下旬前", [("deadline", None, "2022-10-31", "day")]),
        ("10月下旬起", [("period", "2022-10-21", None, "day")]),
        # 年初 and 月初 give a day only as a start
        ("2023年3月初起", [("period", "2023-03-01", None, "month")]),
        ("到2023年初", []),
        ("2023年初，启动", []),
        # what has no date gets none
        ("到本世纪中叶", []),
        ("到本世纪中叶，全面建成", []),
        ("今后三年", []),
        ("2023年初中毕业生", []),
        ("到2035年", [("deadline", None, "2035-12-31", "year")]),
        # plain dates after the document's date still bound
        ("2023年3月，完成验收", [("deadline", None, "2023-03-31", "month")]),
        ("2022年，全省新增", [("period", "2022-01-01", "2022-12-31", "year")]),
        # and before it they are past events
        ("2021年，全省新增", []),
        ("2022年8月，国务院印发", []),
    ],
)
def test_forms_of_other_documents(holidays, text, expected):
    assert [
        (tb.kind, tb.start and tb.start.isoformat(), tb.end and tb.end.isoformat(), tb.precision)
        for tb in bounds(text, holidays)
    ] == expected


# --- property-based ---------------------------------------------------------------------

dates = st.dates(min_value=date(1950, 1, 1), max_value=date(2099, 12, 31))


@given(dates, st.booleans(), st.sampled_from(["", "前", "以前"]))
def test_day_dates_round_trip(holidays, d, chinese, tail):
    if chinese:
        text = f"{cn_year(d.year)}年{cn_small(d.month)}月{cn_small(d.day)}日{tail}"
    else:
        text = f"{d.year}年{d.month}月{d.day}日{tail}"
    found = bounds("要求" + text + "完成。", holidays)
    if not tail and d <= REFERENCE:
        # a plain date on or before the document's date is a past event, no bound
        assert found == []
        return
    (tb,) = found
    assert tb.end == d and tb.precision == "day"
    assert tb.span.text == text


@given(
    st.integers(min_value=1950, max_value=2099),
    st.integers(min_value=1, max_value=12),
    st.sampled_from(["到{y}年{m}月底", "{y}年{m}月底前", "{y}年{m}月末", "截至{y}年{m}月底"]),
)
def test_end_of_month_is_its_last_day(holidays, year, month, form):
    tb = only(form.format(y=year, m=month) + "，", holidays)
    assert tb.end == date(year, month, calendar.monthrange(year, month)[1])
    assert tb.precision == "month"


@given(st.integers(min_value=1950, max_value=2099))
def test_february_end_respects_leap_years(holidays, year):
    tb = only(f"{year}年2月底前", holidays)
    assert tb.end.day == (29 if calendar.isleap(year) else 28)


@given(
    st.integers(min_value=1950, max_value=2099),
    st.sampled_from(["到{y}年底", "{y}年底前", "{y}年年底前", "到{y}年年底", "{y}年末"]),
)
def test_end_of_year(holidays, year, form):
    tb = only(form.format(y=year), holidays)
    assert (tb.end, tb.precision, tb.start) == (date(year, 12, 31), "year", None)


@given(dates, dates)
def test_ranges_round_trip(holidays, a, b):
    first, last = min(a, b), max(a, b)
    text = (
        f"{first.year}年{first.month}月{first.day}日至{last.year}年{last.month}月{last.day}日期间"
    )
    tb = only(text, holidays)
    assert (tb.start, tb.end, tb.kind) == (first, last, "period")


# --- holiday calendar -------------------------------------------------------------------


def test_calendar_has_spring_festival_2015_to_2035(holidays):
    spring = holidays.holiday("春节")
    assert spring is not None
    assert [spring.in_year(y) for y in (2015, 2022, 2023, 2035)] == [
        date(2015, 2, 19),
        date(2022, 2, 1),
        date(2023, 1, 22),
        date(2035, 2, 8),
    ]
    assert all(spring.in_year(y) is not None for y in range(2015, 2036))


@pytest.mark.parametrize(
    ("name", "earliest", "latest"),
    [
        # the lunar new year falls between 21 January and 20 February; 五月初五 and 八月十五
        # fall in windows of the same width a few months on
        ("春节", (1, 21), (2, 20)),
        ("端午节", (5, 28), (6, 25)),
        ("中秋节", (9, 7), (10, 8)),
    ],
)
def test_lunar_holidays_fall_in_their_windows(holidays, name, earliest, latest):
    holiday = holidays.holiday(name)
    days = [holiday.in_year(y) for y in range(2015, 2036)]
    assert all(d is not None for d in days)
    assert all(date(d.year, *earliest) <= d <= date(d.year, *latest) for d in days)
    # consecutive years differ by 11 days earlier or 18-19 days later (a leap month)
    for a, b in zip(days, days[1:], strict=False):
        shift = (b - date(b.year, a.month, a.day)).days
        assert shift in (-12, -11, -10, 18, 19, 20), (a, b)


def test_calendar_fixed_holidays(holidays):
    assert holidays.next_occurrence("国庆", date(2024, 10, 2)) == date(2025, 10, 1)
    assert holidays.next_occurrence("元旦", date(2030, 1, 1)) == date(2030, 1, 1)
    assert holidays.next_occurrence("五一", date(2022, 9, 19)) == date(2023, 5, 1)


def test_calendar_data_names_its_sources():
    from rdflib import Graph
    from rdflib.namespace import DCTERMS

    resource = importlib.resources.files("policykg.graph") / "data" / "holidays.ttl"
    graph = Graph().parse(data=resource.read_text(encoding="utf-8"), format="turtle")
    assert len(set(graph.objects(None, DCTERMS.source))) >= 2


# --- the bundled corpus -----------------------------------------------------------------


def stretch(bundled_text, first, last):
    """The measure text from ``first`` to the end of ``last``, with its offset."""
    begin = bundled_text.index(first)
    end = bundled_text.index(last, begin) + len(last)
    return bundled_text[begin:end], begin


def summary(found):
    return [
        (tb.span.text, tb.start and tb.start.isoformat(), tb.end and tb.end.isoformat())
        for tb in found
    ]


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        # item 1 measure 4
        (
            "延续执行阶段性降低失业保险费率政策",
            "大型企业稳岗返还比例提高至50%。",
            [("执行期限至2023年4月30日", None, "2023-04-30")],
        ),
        # item 1 measure 8: a year before a comma sets the time of the sentence
        (
            "对企业防疫、消杀支出给予补贴支持。",
            "各地政府给予全额补贴。",
            [("2022年", "2022-01-01", "2022-12-31")],
        ),
        # item 1 measure 10
        (
            "在对餐饮、零售、旅游、民航",
            "等社会组织参照执行。",
            [
                ("实施期限到2022年年底", None, "2022-12-31"),
                ("期限到2023年3月底", None, "2023-03-31"),
                ("延长至2022年年底", None, "2022-12-31"),
                ("实施期限到2022年年底", None, "2022-12-31"),
            ],
        ),
        # item 9 measure 2
        (
            "以市场化方式为主",
            "2022年实现农村寄递物流服务全覆盖。",
            [("2022年", None, "2022-12-31")],
        ),
        # item 13 measure 2
        (
            "“十四五”期间全省筹集",
            "提取额度为家庭实际承担部分。",
            [("“十四五”期间", "2021-01-01", "2025-12-31"), ("2022年", None, "2022-12-31")],
        ),
        # item 20 measure 2: 2022年 qualifies 地区
        ("督促省属企业对2022年被列为", "其他地区减免3个月租金。", []),
        # item 12 measure 4: 年度 in names
        ("发布2022年度企业工资指导线", "为企业开展集体协商提供依据。", []),
        # item 16 measures: a title and a campaign name
        ("根据《2022年全省", "严厉打击生产销售假冒伪劣商品违法行为。", []),
        ("开展打击食品药品环境", "囤积防疫物资等犯罪行为。", []),
    ],
)
def test_bundled_corpus(holidays, bundled_text, first, last, expected):
    text, offset = stretch(bundled_text, first, last)
    found = bounds(text, holidays, offset=offset)
    assert summary(found) == expected
    for tb in found:
        assert bundled_text[tb.span.begin : tb.span.end] == tb.span.text


def test_five_year_plans_come_from_the_calendar_data():
    calendar = load_holiday_calendar()
    assert calendar.periods["十三五"] == (2016, 2020)
    assert calendar.periods["十五五"] == (2026, 2030)
    text = "“十四五”期间筹集保障性租赁住房"
    (bound,) = find_time_bounds(text, 0, date(2022, 9, 19), calendar)
    assert (bound.start, bound.end) == (date(2021, 1, 1), date(2025, 12, 31))
    without = HolidayCalendar(calendar.holidays)  # a calendar that names no periods
    assert find_time_bounds(text, 0, date(2022, 9, 19), without) == []


def test_an_undated_document_resolves_no_relative_expression():
    calendar = load_holiday_calendar()
    text = "年内完成，春节前到位，3月底前启动，2023年3月底前验收"
    bounds = find_time_bounds(text, 0, None, calendar)
    assert [(b.span.text, b.end) for b in bounds] == [("2023年3月底前", date(2023, 3, 31))]


# --- the graph ----------------------------------------------------------------------------


def test_yearly_recurrence_reaches_the_graph(tmp_path):
    """A measure of the Jiangxi test document rewritten to report every year by 31 January:
    its time bound carries the month and the day."""
    from pathlib import Path

    from rdflib import Literal
    from rdflib.namespace import XSD

    from policykg.graph.namespaces import PKG
    from policykg.graph.pipeline import build
    from policykg.graph.rdfio import union_view

    source = Path(__file__).parent / "data" / "docs" / "jiangxi-measures.txt"
    text = source.read_text(encoding="utf-8")
    old = "2022年底前举办促销活动不少于20场。"
    assert old in text
    path = tmp_path / "jiangxi-yearly.txt"
    path.write_text(text.replace(old, "每年1月31日前报送促销活动情况。"), encoding="utf-8")
    graph = union_view(build([path]).dataset)
    (bound,) = graph.subjects(PKG.recurrenceMonth, None)
    assert graph.value(bound, PKG.recurrenceMonth) == Literal(1, datatype=XSD.integer)
    assert graph.value(bound, PKG.recurrenceDay) == Literal(31, datatype=XSD.integer)
    assert str(graph.value(bound, PKG.expression)) == "每年1月31日前"
