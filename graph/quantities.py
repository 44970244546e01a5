"""Quantities in a stretch of policy text: a number, its unit and a comparator.

Implements the quantity table of genre.md: 总费率1%（单位部分0.7%，个人部分0.3%） gives
three quantities, the two in brackets parts of the first; 不低于35% / 90%以上 are min,
不超过3个月 / 2个工作日以内 max, 8%左右 approx; 5.5万套 is 55000 套.

What is kept: a number followed by a unit or classifier from ``UNITS``. What is not:

* numbers inside 《》 or quotation marks (“9917工程”, “千名网络主播培训活动”, “三品一标”);
* numbers glued to Latin letters or other digits (5G, 12315平台 has no unit anyway);
* years: a four-digit number before 年 is a date (time expressions handle it);
* ordinals (第一), the idiomatic 一 (一批, 一次采集) and a lone 十 百 千 万 零 (百家,
  千家万户);
* Chinese numerals only count with the units in ``_CHINESE_NUMERAL_UNITS`` (so 三位一体 and
  三级…体系 are not quantities) — Arabic numbers take any unit.

``measured`` is a best-effort noun phrase: the words before the number in its clause with
linking verbs and comparators stripped (失业保险总费率, 中小微企业返还比例), else for
counted things the noun after the classifier (5个特困行业 → 特困行业).
"""

from __future__ import annotations

import re
from dataclasses import replace

from policykg.graph.citations import quoted_stretches
from policykg.graph.model import Quantity, Span, TimeBound
from policykg.graph.numerals import normalise_digits, parse_number

# Units and classifiers, as written; longest first so that 个月 wins over 个.
UNITS: tuple[str, ...] = tuple(
    sorted(
        (
            "%",
            "％",
            "‰",
            "个百分点",
            "个工作日",
            "个月",
            "个",
            "元",
            "套",
            "名",
            "人次",
            "人",
            "场",
            "家",
            "所",
            "辆",
            "平方米",
            "平方公里",
            "亩",
            "公顷",
            "公里",
            "千米",
            "米",
            "小时",
            "天",
            "年",
            "周",
            "次",
            "项",
            "条",
            "座",
            "处",
            "台",
            "户",
            "件",
            "吨",
            "千瓦",
            "兆瓦",
            "床",
            "张",
            "倍",
            "周岁",
            "岁",
            "类",
            "种",
            "批",
            "位",
            "间",
            "支",
            "款",
            "期",
            "轮",
        ),
        key=lambda u: (-len(u), u),
    )
)
_CHINESE_NUMERAL_UNITS = frozenset(
    (
        "个百分点",
        "个工作日",
        "个月",
        "个",
        "名",
        "人",
        "人次",
        "元",
        "家",
        "所",
        "项",
        "天",
        "年",
        "次",
        "倍",
        "场",
        "套",
        "辆",
        "条",
        "座",
        "处",
        "批",
        "类",
        "种",
    )
)
_IDIOMATIC_NUMERALS = frozenset("一十百千万亿零〇")
_COUNT_UNITS = frozenset(
    (
        "个",
        "名",
        "人",
        "场",
        "家",
        "所",
        "辆",
        "项",
        "条",
        "座",
        "处",
        "台",
        "户",
        "件",
        "床",
        "张",
        "批",
        "位",
        "间",
        "支",
        "款",
        "类",
        "种",
        "套",
    )
)

_UNIT_ALT = "|".join(re.escape(u) for u in UNITS)
_QUANTITY = re.compile(
    r"(?P<pct>百分之)?"
    r"(?P<num>(?<![A-Za-z\d.])\d+(?:\.\d+)?(?:[十百千万亿]{1,2})?(?![A-Za-z\d])"
    r"|[两二三四五六七八九十百千万亿零〇一]+)"
    rf"(?P<more>多|余)?(?P<unit>{_UNIT_ALT})?"
)
_MIN_BEFORE = r"不低于|不少于|不小于|至少|最少|最低|超过|突破|高于|多于|大于"
_MAX_BEFORE = r"不超过|不高于|不多于|不大于|最多|最高|低于|少于|控制在|压缩至|压缩到|缩短至|缩短到"
_APPROX_BEFORE = r"大约|约|接近|将近|近"
# a change verb right before the number belongs to the expression (增长8%左右, 压缩至2个…)
_CHANGE_VERB = (
    r"增长|增加至|增加到|增加|新增|下降|降低至|降低到|降低|减少|压缩至|压缩到|缩短至|"
    r"缩短到|提高至|提高到|提高|降至|增至"
)
# a min or max word may stand a short verb away (至少新增2个); approx words stand right
# before the number, and 最近 / 附近 are no approximations
_COMPARATOR_BEFORE = re.compile(
    rf"(?:(?P<max>{_MAX_BEFORE})|(?P<min>{_MIN_BEFORE}))[\u4e00-\u9fff]{{0,2}}$"
    rf"|(?<![最附临])(?P<approx>{_APPROX_BEFORE})$|(?:{_CHANGE_VERB})$"
)
_COMPARATOR_AFTER = re.compile(
    r"(?:(?P<min>及以上|以上|之上)|(?P<max>及以下|以下|之下|以内|之内|内)|(?P<approx>左右|上下))"
)
_CLAUSE_BREAK = re.compile(r"[，,。；;：:、（()）！？!?\n“”《》]")
_SENTENCE_BREAK = re.compile(r"[。；;！？!?\n]")
_FILLER_AFTER = re.compile(
    r"(?:继续|按照|按|原则上|提高至|提高到|提高|增加至|增加到|增加|增长|下降|降低至|降低到|降至|"
    r"调整为|调整至|保持在|压缩|缩短|达到|达|为|是|至|到|的|等|共|累计|全部|共计|分别)$"
)
_COUNTING_VERB = re.compile(
    r".*(?:筹集|建设|建成|培育|招录|招聘|发放|举办|开展|打造|设立|创建|扩围|减免|免征|"
    r"新建|改造|培训|认定|遴选|支持|安排)"
)
_LEADING_FILLER = re.compile(r"^(?:力争|争取|确保|其中|对|在|将)+")
_BARE_YEAR = re.compile(r"(?:\d{4}|[〇○零一二三四五六七八九]{4})年")
# units that are themselves lengths of time: no target over a period
DURATION_UNITS = frozenset(("个月", "个工作日", "天", "年", "周", "小时"))
_CLOSING_BRACKET = re.compile(r"[）)]")
_NOUN_AFTER_STOP = re.compile(r"的|实施|实行|开展|缓缴|应|以内|以上|左右|[^\u4e00-\u9fff]")


def _outside(regions: list[tuple[int, int]], b: int, e: int) -> bool:
    return not any(b < re_ and rb < e for rb, re_ in regions)


def _comparator(text: str, begin: int, end: int, has_more: bool) -> tuple[str, int, int]:
    """The comparator of the number at [begin, end) and the span widened to the comparator
    and change words around it (不低于35%, 增长8%左右, 至少新增2个)."""
    before = _COMPARATOR_BEFORE.search(text, max(0, begin - 6), begin)
    after = _COMPARATOR_AFTER.match(text, end)
    if before:
        begin = before.start()
    if after:
        return after.lastgroup or "eq", begin, after.end()
    if before and before.lastgroup:
        return before.lastgroup, begin, end
    return ("min" if has_more else "eq"), begin, end


def _measured(text: str, begin: int, unit_end: int, unit: str) -> str | None:
    """A short description of what the quantity starting at ``begin`` (its comparator
    words included) measures, if recoverable."""
    clause_start = max((m.end() for m in _CLAUSE_BREAK.finditer(text, 0, begin)), default=0)
    before = text[clause_start:begin]
    # 等5个特困行业, 原明确的5个特困行业: the counted noun follows the classifier
    enumerated = before.endswith(("等", "的"))
    while True:
        stripped = _FILLER_AFTER.sub("", before)
        if stripped == before:
            break
        before = stripped
    verb = _COUNTING_VERB.match(before)
    if verb:
        before = before[verb.end() :]
    before = _LEADING_FILLER.sub("", before)
    if 2 <= len(before) <= 24 and not enumerated:
        return before
    if unit in _COUNT_UNITS or unit == "个月":
        run = re.match(r"[\u4e00-\u9fff]{1,10}", text[unit_end:])
        if run:
            noun = _NOUN_AFTER_STOP.split(run.group(0), maxsplit=1)[0]
            if noun:
                return noun
    return before if 2 <= len(before) <= 24 else None


def _is_number_kept(text: str, num: str, begin: int, unit: str) -> bool:
    if begin > 0 and text[begin - 1] == "第":
        return False  # an ordinal
    if num[0].isdigit():
        return not (unit == "年" and re.fullmatch(r"\d{4}", num))  # a year
    if num in _IDIOMATIC_NUMERALS:
        return False  # 一批, 一次采集: "a", not a count; 百家, 千家万户, 零元: idioms
    return unit == "%" or unit in _CHINESE_NUMERAL_UNITS


def find_quantities(text: str, offset: int) -> list[Quantity]:
    """Return the quantities in ``text`` (which starts at ``offset`` in the source), in
    text order, with parts (the 0.7% of 总费率1%（单位部分0.7%…）) pointing at their whole."""
    norm = normalise_digits(text)
    names = quoted_stretches(norm)
    found: list[tuple[int, int, int, Quantity]] = []  # (number end, unit end, bracket, q)
    for m in _QUANTITY.finditer(norm):
        unit = "%" if m.group("pct") else m.group("unit")
        if not unit:
            continue
        unit = "%" if unit == "％" else unit
        num = m.group("num")
        if not _is_number_kept(norm, num, m.start("num"), unit):
            continue
        if not _outside(names, m.start(), m.end()):
            continue
        try:
            value = parse_number(num)
        except ValueError:
            continue
        comparator, begin, end = _comparator(norm, m.start(), m.end(), bool(m.group("more")))
        quantity = Quantity(
            span=Span(offset + begin, offset + end, text[begin:end]),
            value=value,
            unit=unit,
            comparator=comparator,
            measured=_measured(norm, begin, m.end(), unit),
        )
        found.append((m.start(), m.end(), end, quantity))
    return _link_parts(norm, found)


def _link_parts(text: str, found: list[tuple[int, int, int, Quantity]]) -> list[Quantity]:
    """Quantities in the brackets right after a quantity, with the same unit, are its parts."""
    result = [q for _, _, _, q in found]
    for i, (_, _, end, whole) in enumerate(found):
        if end >= len(text) or text[end] not in "（(":
            continue
        close = _CLOSING_BRACKET.search(text, end)
        if close is None:
            continue
        for j in range(i + 1, len(found)):
            begin_j = found[j][0]
            if begin_j >= close.start():
                break
            if found[j][3].unit == whole.unit:
                result[j] = replace(result[j], whole=i)
    return result


def _covers_a_span(tb: TimeBound) -> bool:
    """A period (“十四五”期间, 全年, 2022年6月1日至…期间) or a bare year (2022年筹集…): a
    stretch of time a target can be over; a deadline (到2022年年底) or a start is not."""
    if tb.kind == "period":
        return tb.start is not None and tb.end is not None
    return (
        tb.kind == "deadline" and _BARE_YEAR.fullmatch(normalise_digits(tb.span.text)) is not None
    )


def link_periods(
    quantities: list[Quantity], time_bounds: list[TimeBound], text: str, offset: int
) -> list[Quantity]:
    """Return ``quantities`` with ``period`` set to the index of the nearest time bound that
    precedes each quantity in the same sentence and covers a span of time (“十四五”期间…
    5.5万套, 2022年筹集1.5万套). Durations (6个月, 2个工作日) are no targets over a period
    and get none. ``text`` starting at ``offset`` is the stretch both lists were found in."""
    norm = normalise_digits(text)
    result = []
    for q in quantities:
        if q.unit in DURATION_UNITS:
            result.append(q)
            continue
        local = q.span.begin - offset
        sentence_start = max(
            (m.end() for m in _SENTENCE_BREAK.finditer(norm, 0, max(0, local))), default=0
        )
        candidates = [
            k
            for k, tb in enumerate(time_bounds)
            if sentence_start <= tb.span.begin - offset
            and tb.span.end - offset <= local
            and _covers_a_span(tb)
        ]
        result.append(replace(q, period=candidates[-1]) if candidates else q)
    return result
