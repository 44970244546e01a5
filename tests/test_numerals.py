"""Chinese and Arabic numerals to exact values (policykg.graph.numerals)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policykg.graph.numerals import decimal_lexical, parse_chinese_integer, parse_number

DIGITS = "零一二三四五六七八九"


def section_to_chinese(n: int, two: str, head: bool) -> str:
    """Write 1 ≤ n ≤ 9999 with 千 百 十 and 零 for the gaps (一千零五, 二百一十)."""
    out = []
    pending_zero = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit == 0:
            pending_zero = pending_zero or bool(out)
            continue
        if pending_zero:
            out.append("零")
            pending_zero = False
        if unit == "十" and digit == 1 and not out and head:
            out.append("十")  # 十五, not 一十五, at the head of the whole number
            continue
        out.append((two if digit == 2 and unit in ("百", "千") else DIGITS[digit]) + unit)
    return "".join(out)


def to_chinese(n: int, two: str = "二", head: bool = True) -> str:
    """Write 0 ≤ n < 10^16 as Chinese numerals the standard way: groups of four digits
    under 亿 and 万 (一万亿 for 10^12), 零 for a gap (一亿零五万, 一千零五, 一万零二十), 十五
    at the head but 一十 after a higher group. ``two`` is the character for a 2 before
    百, 千, 万 or 亿 (二 or 两)."""
    if n == 0:
        return "零"
    for value, unit in ((10**8, "亿"), (10**4, "万")):
        if n >= value:
            high, low = divmod(n, value)
            text = (two if high == 2 else to_chinese(high, two, head)) + unit
            if low:
                text += ("零" if low < value // 10 else "") + to_chinese(low, two, head=False)
            return text
    return section_to_chinese(n, two, head)


def test_formatter_writes_the_usual_forms():
    assert to_chinese(15) == "十五"
    assert to_chinese(105) == "一百零五"
    assert to_chinese(110) == "一百一十"
    assert to_chinese(10020) == "一万零二十"
    assert to_chinese(2000, two="两") == "两千"
    assert to_chinese(100050000) == "一亿零五万"
    assert to_chinese(10**12) == "一万亿"
    assert to_chinese(150000) == "十五万"
    assert to_chinese(1_000_000_010) == "十亿零一十"


@given(st.integers(min_value=0, max_value=10**12), st.sampled_from(["二", "两"]))
def test_chinese_integers_round_trip(n, two):
    assert parse_chinese_integer(to_chinese(n, two)) == n


@given(
    st.integers(min_value=1, max_value=9),
    st.sampled_from([("百", 100), ("千", 1000), ("万", 10**4), ("亿", 10**8)]),
    st.integers(min_value=1, max_value=9),
)
def test_shortened_spoken_forms(head, unit, tail):
    """一百五 is 150, 两千五 2500, 三万五 35000: the last digit counts in the next place."""
    char, value = unit
    text = DIGITS[head] + char + DIGITS[tail]
    assert parse_chinese_integer(text) == head * value + tail * value // 10
    # with 零 the last digit is units: 一百零五 is 105
    if value < 10**4:
        assert parse_chinese_integer(DIGITS[head] + char + "零" + DIGITS[tail]) == (
            head * value + tail
        )


@given(st.integers(min_value=0, max_value=10**9))
def test_arabic_and_full_width_digits(n):
    full_width = str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert parse_chinese_integer(str(n)) == n
    assert parse_chinese_integer(full_width) == n


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一", 1),
        ("十", 10),
        ("十四", 14),
        ("二十一", 21),
        ("九十九", 99),
        ("一百二十", 120),
        ("两", 2),
        ("零", 0),
        ("〇", 0),
        ("二〇二二", 2022),
        ("一千零五", 1005),
        ("三万五千", 35000),
        ("两亿", 200000000),
        ("３０", 30),
        # issue 9: an item （一千） was read as 999
        ("一千", 1000),
        ("一千零一", 1001),
        ("两千五", 2500),
        ("三万五", 35000),
        ("一亿零五万", 100050000),
        ("一万亿", 10**12),
        ("一千二百三十四万五千六百七十八", 12345678),
        ("廿", 20),
        ("廿一", 21),
        ("卅", 30),
        ("一〇〇", 100),
        ("百万", 1000000),
        ("千亿", 10**11),
    ],
)
def test_parse_chinese_integer_examples(text, value):
    assert parse_chinese_integer(text) == value


@pytest.mark.parametrize(
    "text",
    # 三四 is "three or four", an estimate; the others are no well-formed numerals
    ["", "abc", "五G", "1.5", "第一", "三四", "十十", "二百一千", "千千", "一亿亿", "一千百"],
)
def test_parse_chinese_integer_refuses_non_numerals(text):
    with pytest.raises(ValueError):
        parse_chinese_integer(text)


@pytest.mark.parametrize(
    ("text", "lexical"),
    [
        ("5.5万", "55000"),
        ("2亿", "200000000"),
        ("1.5万", "15000"),
        ("３０", "30"),
        ("十", "10"),
        ("百分之三十", "30"),
        ("0.7", "0.7"),
        ("35", "35"),
        ("35.0", "35"),
        ("0.70", "0.7"),
        ("三点五", "3.5"),
        ("10万", "100000"),
        ("1.25亿", "125000000"),
        ("２．５万", "25000"),
        ("90%", "90"),
        ("3千", "3000"),
        ("2千万", "20000000"),
        ("1.2万亿", "1200000000000"),
        ("三点五万", "35000"),
        ("百分之三点五", "3.5"),
        ("千分之五", "5"),
        ("一千", "1000"),
    ],
)
def test_parse_number_examples(text, lexical):
    value = parse_number(text)
    assert decimal_lexical(value) == lexical
    assert value == Decimal(lexical)


def test_decimal_lexical_is_plain():
    assert decimal_lexical(Decimal("5.5E+4")) == "55000"
    assert decimal_lexical(Decimal("0.700")) == "0.7"
    assert decimal_lexical(Decimal("35.0")) == "35"
    assert decimal_lexical(Decimal("0")) == "0"


@given(st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False))
def test_decimal_lexical_round_trips_and_has_no_exponent(d):
    text = decimal_lexical(d)
    assert "E" not in text and "e" not in text
    assert Decimal(text) == d
    assert not ("." in text and text.endswith("0"))


@given(
    st.integers(min_value=1, max_value=9999),
    st.integers(min_value=0, max_value=9),
    st.sampled_from([("万", 10**4), ("亿", 10**8), ("千", 10**3), ("", 1)]),
)
def test_multipliers_are_exact(whole, tenth, multiplier):
    char, factor = multiplier
    value = parse_number(f"{whole}.{tenth}{char}")
    assert value == (Decimal(whole) + Decimal(tenth) / 10) * factor
