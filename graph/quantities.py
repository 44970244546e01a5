"""Quantities in a stretch of policy text: a number, its unit and a comparator.

Implements the quantity table of genre.md: 总费率1%（单位部分0.7%，个人部分0.3%） gives
three quantities, the two in brackets parts of the first; 不低于35% / 90%以上 / 不得低于80%
are min, 不超过3个月 / 2个工作日以内 / 不高于承担风险责任的0.5% max, 8%左右 approx;
5.5万套 is 55000 套, 10余万人次 at least 100000 人次, 30万吨/年 300000 吨/年.

Ranges give both ends as two quantities, min and max, linked to each other
(``Quantity.other_end``) and sharing the range's span: 18—35岁, 1至3年, 10%-20%, 5～10个,
三到五年, and the estimates 三四个月 / 两三年 (two neighbouring digits). The unit written
once at the end is both ends' unit, and so is a multiplier when the first end then stays
below the second (5—10万元 is 50000 to 100000 元).

What is kept: a number followed by a unit or classifier of the reference data
(graph/data/units.ttl, a SKOS scheme: each unit's Chinese labels as written, read into a
``UnitTable``). What is not:

* numbers inside 《》 or quotation marks (“9917工程”, “千名网络主播培训活动”, “三品一标”,
  “双随机、一公开”);
* numbers glued to Latin letters or other digits (5G, 12315平台 has no unit anyway);
* years: a four-digit number before 年 is a date (time expressions handle it);
* ordinals (第一), the idiomatic 一 (一批, 一次采集; but 至少一所, with a comparator, counts)
  and a lone 百 千 万 零 (百家, 千家万户);
* a lone 二 before a classifier: a count of two is written 两 (两次, 两个), so 二次污染,
  二级 are terms, not counts;
* set phrases made of counts: two counts side by side in Chinese numerals (五个一批,
  两个一百年, 三年一次) are one phrase;
* a duration that heads a programme's name (三年行动, 五年规划, 100天攻坚): the noun
  right after it is one of the nouns programmes are named with (``_PROGRAMME_NOUN``);
* a numeral with no measure word and no percent (十大工程, 一网通办, 两新一重);
* Chinese numerals only count with the units of the data's chinese-numeral collection (so
  三位一体 and 三级…体系 are not quantities) — Arabic numbers take any unit.

A comparator word may be negated (不得低于 is min, 不得超过 max) and may stand a short
verb away (至少新增2个) or before the whole it takes a share of (不低于采购金额的30%).

``measured`` is a best-effort noun phrase: the words before the number in its clause with
linking verbs and comparators stripped (失业保险总费率, 中小微企业返还比例), else for
counted things the noun after the classifier (5个特困行业 → 特困行业; 西安11个城市, after
a list, → 城市).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, replace
from decimal import Decimal

from policykg.graph.citations import quoted_stretches
from policykg.graph.model import Quantity, Span, TimeBound
from policykg.graph.numerals import NUMERAL_CHARACTERS, normalise_digits, parse_number

_IDIOMATIC_NUMERALS = frozenset("一百千万亿零〇")


@dataclass(frozen=True)
class UnitTable:
    """The units and classifiers quantities are written with, as written, and the sets
    of them extraction treats apart (the reference data's graph/data/units.ttl, read by
    :meth:`policykg.graph.reference.Reference.units`)."""

    forms: frozenset[str]
    chinese_numeral: frozenset[str]  # a number in Chinese numerals counts only before these
    counts: frozenset[str]  # classifiers that count things: the counted noun follows
    durations: frozenset[str]  # lengths of time: no target over a period

    @functools.cached_property
    def patterns(self) -> _Patterns:
        """The expressions that find quantities with these units, compiled once."""
        return _Patterns.of(self.forms)


_CHINESE_NUMERAL = rf"[{NUMERAL_CHARACTERS}]+"
_NUMBER = (
    rf"(?:(?<![A-Za-z\d.])\d+(?:\.\d+)?(?:[十百千万亿]{{1,2}})?(?![A-Za-z\d])|{_CHINESE_NUMERAL})"
)
_PER = r"百分之|千分之"
_TRAILING_MULTIPLIER = re.compile(r"[十百千万亿]+$")
_DASH = r"——|[—–－\-~～〜]|至|到"


@dataclass(frozen=True)
class _Patterns:
    """The expressions that find quantities, ranges and estimates with a set of units."""

    quantity: re.Pattern[str]
    range: re.Pattern[str]
    estimate: re.Pattern[str]

    @classmethod
    def of(cls, forms: frozenset[str]) -> _Patterns:
        # longest first, so that 个月 wins over 个
        alternatives = "|".join(re.escape(u) for u in sorted(forms, key=lambda u: (-len(u), u)))
        # a unit, or a rate of two (30万吨/年, 100元/人)
        unit = rf"(?:{alternatives})(?:/(?:{alternatives}|[\u4e00-\u9fff]))?"
        return cls(
            # the unit is required (not optional) so that 100万千瓦 backtracks to 100万 + 千瓦
            quantity=re.compile(
                rf"(?P<pct>{_PER})(?P<pnum>{_NUMBER})"
                rf"|(?P<num>{_NUMBER})(?P<more>多|余)?(?P<mult>[十百千万亿]{{0,2}})(?P<unit>{unit})"
            ),
            range=re.compile(
                rf"(?P<pct1>{_PER})?(?P<num1>{_NUMBER})(?P<unit1>{unit})?\s*(?:{_DASH})\s*"
                rf"(?:(?P<pct2>{_PER})(?P<pnum2>{_NUMBER})"
                rf"|(?P<num2>{_NUMBER})(?P<more>多|余)?(?P<mult>[十百千万亿]{{0,2}})(?P<unit2>{unit}))"
            ),
            # 三四个月, 两三年: two neighbouring digits are an estimate between them
            estimate=re.compile(
                rf"(?<![{NUMERAL_CHARACTERS}])(?P<a>[一两二三四五六七八九])(?P<b>[两二三四五六七八九])"
                rf"(?P<unit>{unit})"
            ),
        )


_UPWARD = r"超过|超出|突破|高于|多于|大于"
_DOWNWARD = r"低于|少于|小于"
_NEGATION = r"不得|不能|不应|不宜|不可|不会|不"
_MIN_BEFORE = r"至少|最少|最低|最短|起码|年满"
_MAX_BEFORE = r"最多|最高|最长|控制在|压缩至|压缩到|缩短至|缩短到"
_APPROX_BEFORE = r"大约|约|接近|将近|近"
# a change verb right before the number belongs to the expression (增长8%左右, 压缩至2个…)
_CHANGE_VERB = (
    r"增长|增加至|增加到|增加|新增|下降|降低至|降低到|降低|减少|压缩至|压缩到|缩短至|"
    r"缩短到|提高至|提高到|提高|降至|增至"
)
# a comparator may stand a short verb away (至少新增2个), or before the whole the number
# is a share of (不低于采购金额的30%); approx words stand right before the number, and
# 最近 / 附近 are no approximations
_COMPARATOR_BEFORE = re.compile(
    rf"(?:(?P<neg>{_NEGATION})?(?:(?P<up>{_UPWARD})|(?P<down>{_DOWNWARD}))"
    rf"|(?P<min>{_MIN_BEFORE})|(?P<max>{_MAX_BEFORE}))"
    r"(?:[\u4e00-\u9fff]{0,2}|[^，,。；;：:、\d%（）()]{1,16}的)$"
    rf"|(?<![最附临])(?P<approx>{_APPROX_BEFORE})$|(?:{_CHANGE_VERB})$"
)
_COMPARATOR_WINDOW = 24
_COMPARATOR_AFTER = re.compile(
    r"(?:(?P<min>及以上|以上|之上)|(?P<max>及以下|以下|之下|以内|之内|内)|(?P<approx>左右|上下))"
)
_CLAUSE_BREAK = re.compile(r"[，,。；;：:、（()）！？!?\n“”《》]")
_SENTENCE_BREAK = re.compile(r"[。；;！？!?\n]")
_FILLER_AFTER = re.compile(
    r"(?:继续|按照|按|原则上|提高至|提高到|提高|增加至|增加到|增加|增长|下降|降低至|降低到|降至|"
    r"调整为|调整至|保持在|压缩|缩短|达到|达|为|是|至|到|的|等|共|累计|全部|共计|分别|每|"
    r"最长|最短|最多|最少|最高|最低|一般|只有|仅)$"
)
_COUNTING_VERB = re.compile(
    r".*(?:筹集|建设|建成|培育|招录|招聘|发放|举办|开展|打造|设立|创建|扩围|减免|免征|"
    r"新建|改造|培训|认定|遴选|支持|安排|选择|确定)"
)
_LEADING_FILLER = re.compile(r"^(?:力争|争取|确保|其中|经过|但|对|在|将|的)+")
_BARE_YEAR = re.compile(r"(?:\d{4}|[〇○零一二三四五六七八九]{4})年")
# the nouns a programme's name ends in: a duration right before one is part of the name
# (三年行动, 五年规划, 100天攻坚), not a length of time
_PROGRAMME_NOUN = re.compile(r"行动|计划|规划|攻坚|工程|战略|纲要|专项")
_CLOSING_BRACKET = re.compile(r"[）)]")
_NOUN_AFTER_STOP = re.compile(r"的|和|及|与|实施|实行|开展|缓缴|应|以内|以上|左右|[^\u4e00-\u9fff]")
_LIST_END = re.compile(r"(?:和|及|与|、)$")
_LIST_ITEM = 4  # the longest name taken for an item of a list (西安, 贵州) before a count


def _outside(regions: list[tuple[int, int]], b: int, e: int) -> bool:
    return not any(b < re_ and rb < e for rb, re_ in regions)


def _comparator_before(text: str, begin: int) -> tuple[str | None, int]:
    """The comparator the words before ``begin`` state (None for a change verb, which
    states none) and where those words begin; ('eq', begin) when there are none."""
    before = _COMPARATOR_BEFORE.search(text, max(0, begin - _COMPARATOR_WINDOW), begin)
    if before is None:
        return "eq", begin
    if before.group("up") or before.group("down"):
        upward = bool(before.group("up"))
        negated = bool(before.group("neg"))
        return ("min" if upward != negated else "max"), before.start()
    for kind in ("min", "max", "approx"):
        if before.group(kind):
            return kind, before.start()
    return None, before.start()


def _comparator(text: str, begin: int, end: int, has_more: bool) -> tuple[str, int, int]:
    """The comparator of the number at [begin, end) and the span widened to the comparator
    and change words around it (不低于35%, 增长8%左右, 至少新增2个)."""
    before, begin = _comparator_before(text, begin)
    after = _COMPARATOR_AFTER.match(text, end)
    if after:
        return after.lastgroup or "eq", begin, after.end()
    if before not in (None, "eq"):
        return before, begin, end
    return ("min" if has_more else "eq"), begin, end


def _measured(
    text: str, begin: int, unit_end: int, unit: str, previous_end: int, units: UnitTable
) -> str | None:
    """A short description of what the quantity starting at ``begin`` (its comparator
    words included) measures, if recoverable. ``previous_end`` is where the quantity
    before it ends (0 for none)."""
    clause_start = max(
        max((m.end() for m in _CLAUSE_BREAK.finditer(text, 0, begin)), default=0), previous_end
    )
    before = text[clause_start:begin]
    # 等5个特困行业, 原明确的5个特困行业, 50所学校和150个专业, 西安11个城市 after a list of
    # short names: the counted noun follows the classifier
    enumerated = (
        before.endswith(("等", "的"))
        or _LIST_END.search(before) is not None
        or (clause_start > 0 and text[clause_start - 1] == "、" and len(before) <= _LIST_ITEM)
    )
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
    if unit in units.counts or unit == "个月":
        run = re.match(r"[\u4e00-\u9fff]{1,10}", text[unit_end:])
        if run:
            noun = _NOUN_AFTER_STOP.split(run.group(0), maxsplit=1)[0]
            if noun:
                return noun
    return before if 2 <= len(before) <= 24 and not enumerated else None


def _is_chinese(num: str) -> bool:
    return not num[0].isdigit()


def _is_number_kept(
    text: str, num: str, begin: int, unit: str, comparator: str, units: UnitTable
) -> bool:
    if begin > 0 and text[begin - 1] == "第":
        return False  # an ordinal
    if not _is_chinese(num):
        return not (unit == "年" and re.fullmatch(r"\d{4}", num))  # a year
    if unit in ("%", "‰"):
        return True  # 百分之二
    if num == "二":
        return False  # a count of two is 两: 二次污染, 二级 are terms
    if num in _IDIOMATIC_NUMERALS and not (num == "一" and comparator in ("min", "max")):
        return False  # 一批, 一次采集: "a", not a count; 百家, 千家万户, 零元: idioms
    return unit in units.chinese_numeral


def _names_a_programme(text: str, end: int, unit: str, comparator: str, units: UnitTable) -> bool:
    """三年行动, 五年规划: a duration right before a programme's head noun."""
    return unit in units.durations and comparator == "eq" and bool(_PROGRAMME_NOUN.match(text, end))


def _unit_of(unit: str | None, per: str | None) -> str | None:
    """The unit as reported: as written, full-width forms made half-width (％ is %)."""
    if per:
        return "%" if per == "百分之" else "‰"
    return unicodedata.normalize("NFKC", unit) if unit else unit


@dataclass(frozen=True)
class _Raw:
    """A quantity as matched, before it is kept or dropped."""

    begin: int  # the number (or 百分之) starts here
    num_begin: int
    end: int  # after the unit
    num: str  # the numeral with its multiplier
    unit: str
    has_more: bool


def _single_quantities(text: str, units: UnitTable) -> list[_Raw]:
    raws = []
    for m in units.patterns.quantity.finditer(text):
        if m.group("pct"):
            raws.append(
                _Raw(
                    m.start(),
                    m.start("pnum"),
                    m.end(),
                    m.group("pnum"),
                    _unit_of(None, m.group("pct")) or "%",
                    False,
                )
            )
        else:
            num = m.group("num") + m.group("mult")
            unit = _unit_of(m.group("unit"), None) or ""
            raws.append(_Raw(m.start(), m.start("num"), m.end(), num, unit, bool(m.group("more"))))
    return raws


def _set_phrases(text: str, raws: list[_Raw]) -> set[int]:
    """Indices of counts in Chinese numerals that stand side by side (五个一批, 两个一百年):
    one set phrase, no quantities."""
    joined: set[int] = set()
    for i in range(len(raws) - 1):
        a, b = raws[i], raws[i + 1]
        if a.end == b.begin and _is_chinese(a.num) and _is_chinese(b.num):
            joined.update((i, i + 1))
    return joined


@dataclass(frozen=True)
class _Range:
    """A range as matched; no unit for a range of ordinals (第1—3批)."""

    begin: int
    end: int
    low: Decimal
    high: Decimal
    unit: str
    has_more: bool


def _range_ends(m: re.Match[str], units: UnitTable) -> _Range | None:
    """Both ends of a range match, or None when it is no range (units differ, the ends do
    not rise, years, an ordinal)."""
    per2 = m.group("pct2")
    unit = _unit_of(m.group("unit2"), per2)
    unit1 = _unit_of(m.group("unit1"), m.group("pct1"))
    if unit is None or (unit1 is not None and unit1 != unit):
        return None
    num1 = m.group("num1")
    num2 = m.group("pnum2") if per2 else m.group("num2")
    mult = "" if per2 else m.group("mult")
    if unit == "年" and (re.fullmatch(r"\d{4}", num1) or re.fullmatch(r"\d{4}", num2)):
        return None  # 2021—2025年 is a time expression
    try:
        low, high = parse_number(num1), parse_number(num2 + mult)
    except ValueError:
        return None
    low = _with_shared_multiplier(num1, num2 + mult, low, high)
    if not low < high:
        return None
    if _is_chinese(num1) and unit not in units.chinese_numeral and unit not in ("%", "‰"):
        return None
    return _Range(m.start(), m.end(), low, high, unit, bool(m.group("more")))


def _with_shared_multiplier(num1: str, num2: str, low: Decimal, high: Decimal) -> Decimal:
    """The first end's value with the multiplier written once at the second end (5—10万元,
    两到三千元, 十五到二十万), when that keeps it below the second; else as written."""
    run = _TRAILING_MULTIPLIER.search(num2)
    if run is None or _TRAILING_MULTIPLIER.search(num1):
        return low
    for k in range(len(run.group(0)), 0, -1):
        try:
            widened = parse_number(num1 + run.group(0)[-k:])
        except ValueError:
            continue
        if widened < high:
            return widened
    return low


def _ranges(text: str, units: UnitTable) -> list[_Range]:
    found = []
    for m in units.patterns.range.finditer(text):
        if m.start() > 0 and text[m.start() - 1] == "第":
            found.append(_Range(m.start(), m.end(), Decimal(0), Decimal(0), "", False))
            continue  # 第1—3批: ordinals, kept from being read as quantities
        r = _range_ends(m, units)
        if r is not None:
            found.append(r)
    for m in units.patterns.estimate.finditer(text):
        a, b = parse_number(m.group("a")), parse_number(m.group("b"))
        unit = m.group("unit")
        if b == a + 1 and unit in units.chinese_numeral:
            found.append(_Range(m.start(), m.end(), a, b, unit, False))
    return sorted(found, key=lambda r: r.begin)


def find_quantities(text: str, offset: int, units: UnitTable | None = None) -> list[Quantity]:
    """Return the quantities in ``text`` (which starts at ``offset`` in the source), in
    text order, with parts (the 0.7% of 总费率1%（单位部分0.7%…）) pointing at their whole
    and the two ends of a range at each other. ``units``: the units a quantity may have
    (default: the reference data's, graph/data/units.ttl)."""
    units = units or _reference_units()
    norm = normalise_digits(text)
    names = quoted_stretches(norm)
    # (number begin, unit end, expression end, quantity)
    found: list[tuple[int, int, int, Quantity]] = []
    taken: list[tuple[int, int]] = []
    for r in _ranges(norm, units):
        if not (_outside(names, r.begin, r.end) and _outside(taken, r.begin, r.end)):
            continue
        after = _COMPARATOR_AFTER.match(norm, r.end)
        end = after.end() if after else r.end
        taken.append((r.begin, end))
        if not r.unit:
            continue
        span = Span(offset + r.begin, offset + end, text[r.begin : end])
        previous_end = found[-1][2] if found else 0
        measured = _measured(norm, r.begin, r.end, r.unit, previous_end, units)
        first = len(found)
        for value, comparator, other in ((r.low, "min", first + 1), (r.high, "max", first)):
            quantity = Quantity(span, value, r.unit, comparator, measured, other_end=other)
            found.append((r.begin, r.end, end, quantity))
    raws = _single_quantities(norm, units)
    set_phrases = _set_phrases(norm, raws)
    for i, raw in enumerate(raws):
        if i in set_phrases or not _outside(names, raw.begin, raw.end):
            continue
        if not _outside(taken, raw.begin, raw.end):
            continue
        comparator, begin, end = _comparator(norm, raw.begin, raw.end, raw.has_more)
        if not _is_number_kept(norm, raw.num, raw.begin, raw.unit, comparator, units):
            continue
        if _names_a_programme(norm, raw.end, raw.unit, comparator, units):
            continue
        try:
            value = parse_number(raw.num)
        except ValueError:
            continue
        previous = [e for b, _, e, _ in found if b < raw.begin]
        quantity = Quantity(
            span=Span(offset + begin, offset + end, text[begin:end]),
            value=value,
            unit=raw.unit,
            comparator=comparator,
            measured=_measured(norm, begin, raw.end, raw.unit, max(previous, default=0), units),
        )
        found.append((raw.begin, raw.end, end, quantity))
    return _link_parts(norm, _in_text_order(found))


def _reference_units() -> UnitTable:
    from policykg.graph.reference import load_units  # which imports this module

    return load_units()


def _in_text_order(
    found: list[tuple[int, int, int, Quantity]],
) -> list[tuple[int, int, int, Quantity]]:
    """``found`` sorted by position, the ends of ranges re-pointed to their new indices."""
    order = sorted(range(len(found)), key=lambda i: (found[i][0], i))
    new_index = {old: new for new, old in enumerate(order)}
    result = []
    for old in order:
        b, u, e, q = found[old]
        if q.other_end is not None:
            q = replace(q, other_end=new_index[q.other_end])
        result.append((b, u, e, q))
    return result


def _link_parts(text: str, found: list[tuple[int, int, int, Quantity]]) -> list[Quantity]:
    """Quantities in the brackets right after a quantity, with the same unit, are its parts."""
    result = [q for _, _, _, q in found]
    for i, (_, _, end, whole) in enumerate(found):
        if whole.other_end is not None or end >= len(text) or text[end] not in "（(":
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
    quantities: list[Quantity],
    time_bounds: list[TimeBound],
    text: str,
    offset: int,
    units: UnitTable | None = None,
) -> list[Quantity]:
    """Return ``quantities`` with ``period`` set to the index of the nearest time bound that
    precedes each quantity in the same sentence and covers a span of time (“十四五”期间…
    5.5万套, 2022年筹集1.5万套). Durations (6个月, 2个工作日) are no targets over a period
    and get none. ``text`` starting at ``offset`` is the stretch both lists were found in;
    ``units`` are those the quantities were found with (default: the reference data's)."""
    durations = (units or _reference_units()).durations
    norm = normalise_digits(text)
    result = []
    for q in quantities:
        if q.unit in durations:
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
