"""Chinese and Arabic numerals to exact values (policykg.graph.numerals)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policykg.graph.numerals import decimal_lexical, parse_chinese_integer, parse_number

DIGITS = "零一二三四五六七八九"


def to_chinese(n: int, two: str = "二") -> str:
    """Write 1 ≤ n ≤ 99999 as Chinese numerals the usual way (十五, 一百零五, 一万零二十).
    ``two`` is the character for a 2 before 百, 千 or 万 (二 or 两)."""
    units = [(10000, "万"), (1000, "千"), (100, "百"), (10, "十"), (1, "")]
    out = []
    pending_zero = False
    for value, unit in units:
        digit = n // value % 10 if value < 10000 else n // value
        if digit == 0:
            if out:
                pending_zero = True
            continue
        if pending_zero:
            out.append("零")
            pending_zero = False
        if unit == "十" and digit == 1 and not out:
            out.append("十")  # 十五, not 一十五
            continue
        char = two if digit == 2 and unit in ("百", "千", "万") else DIGITS[digit]
        out.append(char + unit)
    return "".join(out)


def test_formatter_writes_the_usual_forms():
    assert to_chinese(15) == "十五"
    assert to_chinese(105) == "一百零五"
    assert to_chinese(10020) == "一万零二十"
    assert to_chinese(2000, two="两") == "两千"


@given(st.integers(min_value=1, max_value=99999), st.sampled_from(["二", "两"]))
def test_chinese_integers_round_trip(n, two):
    assert parse_chinese_integer(to_chinese(n, two)) == n


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
    ],
)
def test_parse_chinese_integer_examples(text, value):
    assert parse_chinese_integer(text) == value


@pytest.mark.parametrize("text", ["", "abc", "五G", "1.5", "第一"])
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
