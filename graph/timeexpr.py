"""Time expressions in a stretch of policy text, normalised to ``TimeBound``s.

Implements the time table of genre.md: deadlines (执行期限至2023年4月30日, 到2022年年底,
2023年3月底前, 2022年实现…, 年内), periods (自2022年7月1日起至2022年12月31日,
“十四五”期间, 全年), holidays (春节前, from the holiday calendar in data/holidays.ttl) and
recurring deadlines (每月5日前; 每年1月31日前 and 每年1月底前, month 1 and day 31).
``end`` is always the last day an expression covers.

The five-year plans (“十四五”期间 2021–2025) are named periods of the calendar data in
data/holidays.ttl, like the holidays; a plan the data does not name gives no bound.

Rules for years that are not time bounds (documented here because they are judgement):

* anything inside 《》 or quotation marks is a name (“昆仑2022”, 《2022年全省…目录》);
* a year followed by 度 is a reporting year in a name-like phrase (2022年度企业工资指导线);
* a bare year (no month, no 底/末/前) is a bound only where it governs the clause, as in
  2022年实现…, 2022年筹集…, 2022年，按照…; it is *not* a bound where it qualifies a noun
  phrase. The tell is on either side of it: after it 被 or 的 (2022年被列为…的地区,
  2022年的目标) mark a relative clause or attribute of a following noun, and 以来/同期 a
  past reference; before it a preposition or verb that takes it as part of its object
  (对2022年…, 比2021年…, 根据2022年…, 发布2022年…) makes it part of that object.
* 年内 (within the year) is a deadline, the end of the reference year, and so is
  2022年内; 全年 (the whole year) and 今年 are periods covering the reference year.
* a holiday's label is the name as written (国庆, 国庆节, 春节); a holiday the calendar
  has no date for (2040年春节前) gives no bound.
* a date followed by 印发/发布/公布 is the date of an act, not a bound.
* a bare year followed by a comma (2022年，按照属地管理原则…) sets the time of the whole
  sentence: it is a period covering that year (start Jan 1, end Dec 31, precision year).
  A bare year before a verb (2022年实现…) is a deadline ending Dec 31.

* a plain date (no 到/至/自, no 底/前/起 …) that ends on or before the document's date is
  a past event or the date of an act, not a bound (2018年11月，党中央、国务院印发…; a
  signature line 国务院办公厅2013年11月18日); so is a date that is the whole stretch.
* a bare 年底/年内 taken into an object (纳入年底效能目标考核体系) is no deadline either.
* 年初 / 月初 give a day only as a start (2019年初开始 → from 2019-01-01, precision year);
  到2020年初 has no day to give and gives no bound (no date is invented); 初步 is no 初.
* a quarter (2022年第一季度, 三季度末前) covers its three months, precision month; with
  末/底/前/到 it is a deadline at its last day. A 旬 (上旬/中旬/下旬, ten days of a
  month) ends on the 10th, the 20th or the month's last day.
* what has no date gets no bound: 到本世纪中叶, 今后三年, 每5年 (an interval the model
  cannot state).

Month expressions without a year (3月底前, 一季度末) take the last year written before them
in the stretch, else the reference date's year, moved on a year when that would put the
end before the reference date. 每季度 is not recognised (OWL-Time has no quarter unit);
holiday periods (春节期间) are not either: their extent is set year by year.
"""

from __future__ import annotations

import calendar as _calendar
import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from rdflib import Graph, Literal
from rdflib.namespace import RDF, SKOS

from policykg.graph.citations import quoted_stretches, title_stretches
from policykg.graph.model import Span, TimeBound
from policykg.graph.namespaces import PKG
from policykg.graph.numerals import normalise_digits, parse_chinese_integer

# ---------------------------------------------------------------------------------------
# Holiday calendar (and the named periods, the five-year plans, from the same data file)


@dataclass(frozen=True)
class Holiday:
    """A public holiday: a fixed month and day, or a list of dated occurrences."""

    name: str
    labels: tuple[str, ...]
    month_day: tuple[int, int] | None = None
    occurrences: tuple[date, ...] = ()

    def in_year(self, year: int) -> date | None:
        """Return the holiday's date in ``year``, or None when the calendar lacks it."""
        if self.month_day is not None:
            return date(year, *self.month_day)
        return next((d for d in self.occurrences if d.year == year), None)


@dataclass(eq=False)
class HolidayCalendar:
    """The holidays that time expressions may name, looked up by any of their labels."""

    holidays: tuple[Holiday, ...]
    periods: dict[str, tuple[int, int]] = field(default_factory=dict)  # 十四五 → (2021, 2025)
    _by_label: dict[str, Holiday] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_label = {label: h for h in self.holidays for label in h.labels}

    def labels(self) -> list[str]:
        """Every label a holiday may be written with, longest first."""
        return sorted(self._by_label, key=lambda s: (-len(s), s))

    def holiday(self, label: str) -> Holiday | None:
        """Return the holiday written ``label`` (春节, 国庆, 国庆节 …), or None."""
        return self._by_label.get(label)

    def next_occurrence(self, label: str, on_or_after: date) -> date | None:
        """Return the first date of the holiday on or after ``on_or_after``."""
        holiday = self._by_label.get(label)
        if holiday is None:
            return None
        for year in (on_or_after.year, on_or_after.year + 1):
            day = holiday.in_year(year)
            if day is not None and day >= on_or_after:
                return day
        return None

    @functools.cached_property
    def pattern(self) -> re.Pattern[str]:
        """The pattern of a holiday deadline (春节前, 到国庆节前, 2023年春节前), built once."""
        names = "|".join(re.escape(label) for label in self.labels()) or r"(?!)"
        return re.compile(
            rf"(?:{_LEAD})?(?P<year>{_YEAR})?(?P<name>{names})(?:假期)?(?:前|以前|之前)"
        )


def calendar_from_graph(graph: Graph) -> HolidayCalendar:
    """The holiday calendar (holidays and named periods) described by an RDF graph
    (graph/data/holidays.ttl, read by policykg.graph.reference)."""
    holidays = []
    for node in sorted(graph.subjects(RDF.type, PKG.Holiday), key=str):
        zh = [
            str(o)
            for p in (SKOS.prefLabel, SKOS.altLabel)
            for o in graph.objects(node, p)
            if isinstance(o, Literal) and o.language == "zh"
        ]
        pref = next(
            str(o)
            for o in graph.objects(node, SKOS.prefLabel)
            if isinstance(o, Literal) and o.language == "zh"
        )
        month_day = None
        for md in graph.objects(node, PKG.monthDay):
            _, _, month, day = str(md).split("-")
            month_day = (int(month), int(day))
        occurrences = tuple(
            sorted(
                o.toPython() for o in graph.objects(node, PKG.occursOn) if isinstance(o, Literal)
            )
        )
        holidays.append(Holiday(pref, tuple(zh), month_day, occurrences))
    return HolidayCalendar(tuple(holidays), named_periods(graph))


def named_periods(graph: Graph) -> dict[str, tuple[int, int]]:
    """The named periods (五年规划) of the calendar data: Chinese label → (first, last year)."""
    periods = {}
    for node in graph.subjects(RDF.type, PKG.NamedPeriod):
        first, last = graph.value(node, PKG.firstYear), graph.value(node, PKG.lastYear)
        if not (isinstance(first, Literal) and isinstance(last, Literal)):
            continue
        for label in graph.objects(node, SKOS.prefLabel):
            if isinstance(label, Literal) and label.language == "zh":
                periods[str(label)] = (int(first), int(last))
    return periods


# ---------------------------------------------------------------------------------------
# Patterns (on text whose full-width digits were made ASCII: same length, same offsets)

_CN_DIGIT = "〇○零一二三四五六七八九"
_YEAR = rf"(?<!\d)(?:\d{{4}}|[{_CN_DIGIT}]{{4}})年(?!度)"
_MONTH = r"(?<!\d)(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])月"
_DAY = r"(?:3[01]|[12]\d|0?[1-9]|三十一?|二?十[一二三四五六七八九]?|[一二三四五六七八九])[日号]"
_DATE = rf"(?:{_YEAR}(?:{_MONTH}(?:{_DAY})?)?|{_MONTH}(?:{_DAY})?)"
_DASH = r"(?:至|到|—|–|－|-|~|～)"
_LEAD = r"(?:(?:(?:执行|实施)?期限)?(?:截至|截止到|截止至|截止|延长至|延长到|延至|至|到))"

_RANGE = re.compile(
    rf"(?P<lead>自|从|于)?(?P<a>{_DATE})(?:起)?\s*{_DASH}\s*(?P<b>{_DATE})"
    r"(?P<suffix>底|末)?(?P<tail>止|期间|内|之间|前)?"
)
_YEAR_RANGE = re.compile(
    rf"(?<!\d)(?P<a>\d{{4}})\s*{_DASH}\s*(?P<b>\d{{4}})年(?!度)(?P<tail>期间|内|之间)?"
)
_FIVE_YEAR = re.compile(
    r"(?P<q1>[“\"「]?)(?P<label>十[一二三四五六七八九]?五|[三四五六七八九]五)(?P<q2>[”\"」]?)"
    r"(?P<tail>规划期间|规划期|期间|时期|期末|末)"
)
_RECURRING = re.compile(
    rf"每(?P<unit>月|年|周)(?:的)?(?:(?P<month>{_MONTH}))?(?:(?P<day>{_DAY})|(?P<end>底|末))?"
    r"(?P<tail>前|之前|以前)?"
)
_DATE_EXPR = re.compile(
    rf"(?P<lead>{_LEAD}|自|从)?(?P<date>{_DATE})"
    r"(?P<suffix>年底|年末|底|末|上半年|下半年|上旬|中旬|下旬|初(?!步))?"
    r"(?P<tail>前|以前|之前|止|为止|起|开始|内)?"
)
# a quarter (一季度, 2022年第三季度末前): its months are a period, its end a deadline
_QUARTER = re.compile(
    rf"(?P<lead>{_LEAD})?(?P<year>{_YEAR})?(?<!每)第?(?P<q>[一二三四1-4])季度"
    r"(?P<suffix>末|底)?(?P<tail>前|以前|之前|内)?"
)
# the last day of each 旬 (ten-day part of a month); 下旬 ends with the month
_DECADE_END = {"上旬": 10, "中旬": 20}
_DECADE_START = {"上旬": 1, "中旬": 11, "下旬": 21}
_WITHIN_YEAR = re.compile(
    rf"(?<![\d{_CN_DIGIT}十百两个半多余年])(?P<lead>{_LEAD})?"
    r"(?:(?P<which>今年|本年|明年)(?P<what1>年内|全年|年底|年末|内|底)?|(?P<what>年内|全年|年底|年末))"
    r"(?P<tail>前|以前|之前)?"
)
_ANY_YEAR = re.compile(rf"(?<!\d)(\d{{4}}|[{_CN_DIGIT}]{{4}})年")
_DATE_PARTS = re.compile(
    r"(?:(?P<y>\d{4}|[〇○零一二三四五六七八九]{4})年)?(?:(?P<m>[\d一二三四五六七八九十]{1,2})月)?"
    r"(?:(?P<d>[\d一二三四五六七八九十]{1,3})[日号])?"
)

# Before a bare year (or a bare 年底): a preposition or verb taking it into its object
# (not a bound): 对2022年…, 纳入年底…考核.
_OBJECT_BEFORE = re.compile(
    r"(?:对|将|把|向|为|比|较|与|同|和|及|按|照|据|依|结合|发布|公布|印发|编制|出台|制定|参照|"
    r"纳入|列入)$"
)
# After a bare year: it qualifies a following noun or refers to the past.
_QUALIFIER_AFTER = re.compile(r"(?:被|的|以来|同期)")
_COMMA_AFTER = re.compile(r"\s*[，,]")
# After a date: the date of an act, not a bound.
_ACT_AFTER = re.compile(r"(?:印发|发布|公布)")


def _parse_date_parts(s: str) -> tuple[int | None, int | None, int | None]:
    match = _DATE_PARTS.fullmatch(s)
    if match is None:
        raise ValueError(f"not a date: {s!r}")
    return tuple(  # type: ignore[return-value]
        parse_chinese_integer(match.group(k)) if match.group(k) else None for k in "ymd"
    )


def _last_day_of_month(year: int, month: int) -> date:
    return date(year, month, _calendar.monthrange(year, month)[1])


@dataclass
class _Scan:
    """The state of one scan: the text, its regions of names and what is taken."""

    text: str
    reference: date | None
    names: list[tuple[int, int]]
    titles: list[tuple[int, int]]
    taken: list[tuple[int, int]] = field(default_factory=list)

    def free(self, b: int, e: int, allow_quotes: bool = False) -> bool:
        regions = self.titles if allow_quotes else self.names
        if any(b < re_ and rb < e for rb, re_ in regions):
            return False
        return not any(b < te and tb < e for tb, te in self.taken)

    def year_before(self, pos: int) -> int | None:
        years = [m for m in _ANY_YEAR.finditer(self.text, 0, pos)]
        return parse_chinese_integer(years[-1].group(1)) if years else None


@dataclass(frozen=True)
class _Found:
    begin: int
    end: int
    start: date | None
    stop: date | None
    precision: str
    kind: str
    recurrence: str | None = None
    recurrence_day: int | None = None
    recurrence_month: int | None = None
    label: str | None = None
    emit: bool = True  # False: the text is a time expression this calendar cannot date


def _resolve_year(scan: _Scan, pos: int, month: int, day: int | None) -> int | None:
    """The year of a date written without one; None when nothing can tell it."""
    explicit = scan.year_before(pos)
    if explicit is not None:
        return explicit
    if scan.reference is None:
        return None
    year = scan.reference.year
    last = _last_day_of_month(year, month)
    if day is not None:
        last = last.replace(day=min(day, last.day))  # 2月29日 in a common year still compares
    return year + 1 if last < scan.reference else year


def _bounds_of(y: int, m: int | None, d: int | None) -> tuple[date, date, str]:
    """First and last day a date of the given precision covers, and the precision."""
    if m is None:
        return date(y, 1, 1), date(y, 12, 31), "year"
    if d is None:
        return date(y, m, 1), _last_day_of_month(y, m), "month"
    return date(y, m, d), date(y, m, d), "day"


def _ranges(scan: _Scan) -> Iterator[_Found]:
    for m in _RANGE.finditer(scan.text):
        ya, ma, da = _parse_date_parts(m.group("a"))
        yb, mb, db = _parse_date_parts(m.group("b"))
        if ya is None:
            ya = _resolve_year(scan, m.start(), ma or 1, da)
            if ya is None:
                continue
        if yb is None:
            yb = ya
        if mb is None and ma is not None:
            continue  # 7月1日至31日: not handled, rare
        try:
            start, _, _ = _bounds_of(ya, ma, da)
            _, stop, precision = _bounds_of(yb, mb, db)
        except ValueError:
            continue
        if stop < start:
            continue
        yield _Found(m.start(), m.end(), start, stop, precision, "period")
    for m in _YEAR_RANGE.finditer(scan.text):
        a, b = int(m.group("a")), int(m.group("b"))
        if a <= b:
            yield _Found(m.start(), m.end(), date(a, 1, 1), date(b, 12, 31), "year", "period")


def _five_year_plans(scan: _Scan, periods: dict[str, tuple[int, int]]) -> Iterator[_Found]:
    for m in _FIVE_YEAR.finditer(scan.text):
        opened, closed = m.group("q1"), m.group("q2")
        if bool(opened) != bool(closed):
            continue
        years = periods.get(m.group("label"))
        if years is None:  # a period the calendar data does not know: no bound
            continue
        first, last = years
        if m.group("tail") in ("期末", "末"):
            yield _Found(
                m.start(),
                m.end(),
                None,
                date(last, 12, 31),
                "year",
                "deadline",
                label=m.group("label"),
            )
        else:
            yield _Found(
                m.start(),
                m.end(),
                date(first, 1, 1),
                date(last, 12, 31),
                "year",
                "period",
                label=m.group("label"),
            )


def _recurring(scan: _Scan) -> Iterator[_Found]:
    units = {"月": "month", "年": "year", "周": "week"}
    for m in _RECURRING.finditer(scan.text):
        unit = m.group("unit")
        month = day = None
        if unit == "年" and m.group("month"):
            month = parse_chinese_integer(m.group("month")[:-1])
        if m.group("day") and unit in ("月", "年"):
            day = parse_chinese_integer(m.group("day")[:-1])
        elif m.group("end") and month is not None and month != 2:
            day = _last_day_of_month(2001, month).day  # 每年1月底前: January ends on the 31st
        # 每年2月30日 is no day: checked against a leap year, where February has 29
        valid = day is None or day <= _last_day_of_month(2000, month or 1).day
        yield _Found(
            m.start(),
            m.end(),
            None,
            None,
            "day" if day else ("month" if month else units[unit]),
            "recurring",
            recurrence=units[unit],
            recurrence_day=day,
            recurrence_month=month,
            emit=valid,
        )


def _holidays(scan: _Scan, holidays: HolidayCalendar) -> Iterator[_Found]:
    for m in holidays.pattern.finditer(scan.text):
        holiday = holidays.holiday(m.group("name"))
        if holiday is None:
            continue
        if m.group("year"):
            day = holiday.in_year(parse_chinese_integer(m.group("year")[:-1]))
        elif scan.reference is not None:
            day = holidays.next_occurrence(m.group("name"), scan.reference)
        else:
            day = None
        if day is None:
            # a holiday the calendar has no date for: no bound, but no bare year either
            yield _Found(m.start(), m.end(), None, None, "day", "deadline", emit=False)
            continue
        yield _Found(
            m.start(),
            m.end(),
            None,
            day - timedelta(days=1),
            "day",
            "deadline",
            label=m.group("name"),
        )


def _dates(scan: _Scan) -> Iterator[_Found]:
    text = scan.text
    for m in _DATE_EXPR.finditer(text):
        y, mo, d = _parse_date_parts(m.group("date"))
        y_written = y
        lead, suffix, tail = m.group("lead"), m.group("suffix"), m.group("tail")
        if _ACT_AFTER.match(text, m.end()):
            continue
        if y is None:
            y = _resolve_year(scan, m.start(), mo or 1, d)
            if y is None:
                continue
        try:
            first, last, precision = _bounds_of(y, mo, d)
        except ValueError:
            continue
        starts = tail in ("起", "开始") or (lead in ("自", "从") and tail is None)
        if suffix in ("上半年", "下半年") and mo is None:
            half = (
                (date(y, 1, 1), date(y, 6, 30))
                if suffix == "上半年"
                else (date(y, 7, 1), date(y, 12, 31))
            )
            yield _Found(m.start(), m.end(), half[0], half[1], "month", "period")
            continue
        if suffix in ("上半年", "下半年"):
            continue
        if suffix == "初":
            # 2019年初开始: the year (or month) it starts in; 到2020年初 has no day to give
            yield _Found(m.start(), m.end(), first, None, precision, "period", emit=starts)
            continue
        if suffix in _DECADE_START:
            if mo is None or d is not None:
                continue
            yield _decade(m, first, last, suffix, starts)
            continue
        if starts:
            yield _Found(m.start(), m.end(), first, None, precision, "period")
            continue
        if y_written is None and d is None and not (lead or suffix or tail):
            continue  # a bare month (3月) is too weak a signal
        if not (lead or suffix or tail) and _is_a_dated_act(scan, m, last):
            yield _Found(m.start(), m.end(), None, None, precision, "deadline", emit=False)
            continue
        bare_year = mo is None and not suffix and not tail and not lead
        if bare_year:
            year = _bare_year(scan, m, first, last)
            if year is not None:
                yield year
            continue
        yield _Found(m.start(), m.end(), None, last, precision, "deadline")


def _decade(m: re.Match[str], first: date, last: date, which: str, starts: bool) -> _Found:
    """9月中旬前 (ends on the 20th), 9月下旬起 (starts on the 21st): a 旬, ten days of a month."""
    if starts:
        begin = first.replace(day=_DECADE_START[which])
        return _Found(m.start(), m.end(), begin, None, "day", "period")
    end = last.replace(day=_DECADE_END[which]) if which in _DECADE_END else last
    return _Found(m.start(), m.end(), None, end, "day", "deadline")


def _is_a_dated_act(scan: _Scan, m: re.Match[str], last: date) -> bool:
    """A date with nothing around it that says it bounds anything, ending on or before the
    document's date: a past event (2018年11月，党中央、国务院印发…) or the date of signature
    (a paragraph that is only a date, 国务院办公厅2013年11月18日)."""
    if scan.text.strip() == m.group(0):
        return True
    return scan.reference is not None and last <= scan.reference


def _quarters(scan: _Scan) -> Iterator[_Found]:
    for m in _QUARTER.finditer(scan.text):
        quarter = parse_chinese_integer(m.group("q"))
        last_month = 3 * quarter
        if m.group("year"):
            y: int | None = parse_chinese_integer(m.group("year")[:-1])
        else:
            y = _resolve_year(scan, m.start(), last_month, None)
        if y is None:
            continue
        first, last = date(y, last_month - 2, 1), _last_day_of_month(y, last_month)
        if m.group("lead") or m.group("suffix") or m.group("tail"):
            yield _Found(m.start(), m.end(), None, last, "month", "deadline")
        else:
            yield _Found(m.start(), m.end(), first, last, "month", "period")


def _bare_year(scan: _Scan, m: re.Match[str], first: date, last: date) -> _Found | None:
    """A year with nothing but itself: a bound only where it governs the clause."""
    text = scan.text
    if _is_object_or_qualifier(text, m.start(), m.end()):
        return None
    if _COMMA_AFTER.match(text, m.end()):
        return _Found(m.start(), m.end(), first, last, "year", "period")
    return _Found(m.start(), m.end(), None, last, "year", "deadline")


def _is_object_or_qualifier(text: str, begin: int, end: int) -> bool:
    """A bare time word taken into the object of the word before it (对2022年…, 纳入年底…)
    or qualifying what follows (2022年的目标, 2022年被列为…, 2020年以来)."""
    return bool(
        _QUALIFIER_AFTER.match(text, end) or _OBJECT_BEFORE.search(text[max(0, begin - 2) : begin])
    )


def _within_year(scan: _Scan) -> Iterator[_Found]:
    if scan.reference is None:  # 年内 of an undated document: no year to speak of
        return
    year = scan.reference.year
    for m in _WITHIN_YEAR.finditer(scan.text):
        which, what = m.group("which"), m.group("what") or m.group("what1")
        y = year + 1 if which == "明年" else year
        bare = not (which or m.group("lead") or m.group("tail"))
        if bare and _is_object_or_qualifier(scan.text, m.start(), m.end()):
            continue  # 纳入年底效能目标考核: the year-end review, not a deadline
        if what != "全年" and (what or m.group("lead") or m.group("tail")):
            yield _Found(m.start(), m.end(), None, date(y, 12, 31), "year", "deadline")
        else:
            yield _Found(m.start(), m.end(), date(y, 1, 1), date(y, 12, 31), "year", "period")


def find_time_bounds(
    text: str, offset: int, reference: date | None, holidays: HolidayCalendar
) -> list[TimeBound]:
    """Return the time bounds in ``text`` (which starts at ``offset`` in the source), in
    text order. ``reference`` is the document's date: it resolves 年内, 春节前, 3月底前;
    without it (an undated document) those expressions give no bound."""
    norm = normalise_digits(text)
    scan = _Scan(
        norm,
        reference,
        names=quoted_stretches(norm),
        titles=title_stretches(norm),
    )
    passes: Iterable[tuple[Iterator[_Found], bool]] = (
        (_five_year_plans(scan, holidays.periods), True),
        (_ranges(scan), False),
        (_recurring(scan), False),
        (_holidays(scan, holidays), False),
        (_quarters(scan), False),
        (_dates(scan), False),
        (_within_year(scan), False),
    )
    found: list[_Found] = []
    for candidates, allow_quotes in passes:
        for f in candidates:
            if scan.free(f.begin, f.end, allow_quotes):
                scan.taken.append((f.begin, f.end))
                if f.emit:
                    found.append(f)
    found.sort(key=lambda f: f.begin)
    return [
        TimeBound(
            span=Span(offset + f.begin, offset + f.end, text[f.begin : f.end]),
            start=f.start,
            end=f.stop,
            precision=f.precision,
            kind=f.kind,
            recurrence=f.recurrence,
            recurrence_day=f.recurrence_day,
            recurrence_month=f.recurrence_month,
            label=f.label,
        )
        for f in found
    ]
