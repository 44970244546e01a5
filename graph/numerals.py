"""Numbers as Chinese policy texts write them: 十四, 两, 一百二十, ３０, 5.5万, 百分之三十.

Values are exact ``Decimal``s; ``decimal_lexical`` gives the canonical plain form that
the graph writes (55000, not 5.5E+4; 0.7; 35, not 35.0).
"""

from __future__ import annotations

import re
from decimal import Decimal

_FULL_WIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")
_DIGITS = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_LARGE_UNITS = (("亿", 10**8), ("万", 10**4))
_MULTIPLIERS = {"十": 10, "百": 100, "千": 1000, "万": 10**4, "亿": 10**8}

_ARABIC_WITH_MULTIPLIER = re.compile(r"(\d+(?:\.\d+)?)([十百千万亿]*)")


def normalise_digits(s: str) -> str:
    """Return ``s`` with full-width digits and full-width point made ASCII."""
    return s.translate(_FULL_WIDTH)


def _parse_below_wan(s: str) -> int:
    """Parse a numeral below 10^4 (十 百 千 with digits and 零)."""
    if not s:
        return 0
    total = 0
    digit: int | None = None
    for ch in s:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _SMALL_UNITS:
            # 十 standing first means 一十 (十四 = 14)
            total += (1 if digit is None else digit) * _SMALL_UNITS[ch]
            digit = None
        else:
            raise ValueError(f"not a Chinese numeral: {s!r}")
    return total + (digit or 0)


def _parse_chinese(s: str) -> int:
    for char, value in _LARGE_UNITS:
        if char in s:
            high, _, low = s.partition(char)
            return (_parse_chinese(high) if high else 1) * value + _parse_chinese(low)
    if s and all(ch in _DIGITS for ch in s) and len(s) > 1:
        # digit-by-digit writing, as in years: 二〇二二
        return int("".join(str(_DIGITS[ch]) for ch in s))
    return _parse_below_wan(s)


def parse_chinese_integer(s: str) -> int:
    """Return the integer a numeral stands for: Chinese (一 … 九十九, 一百二十, 两, 〇/零,
    一万二千, 二〇二二), Arabic or full-width digits. Raises ValueError otherwise."""
    s = normalise_digits(s.strip())
    if not s:
        raise ValueError("empty numeral")
    if s.isascii():
        if not s.isdigit():
            raise ValueError(f"not an integer: {s!r}")
        return int(s)
    if any(ch not in _DIGITS and ch not in _SMALL_UNITS and ch not in "万亿" for ch in s):
        raise ValueError(f"not a Chinese numeral: {s!r}")
    return _parse_chinese(s)


def parse_number(s: str) -> Decimal:
    """Return the exact value of a number as written: '5.5万' → 55000, '2亿' → 200000000,
    '３０' → 30, '十' → 10, '百分之三十' → 30 (percentages stay in percent), '三点五' → 3.5.
    Raises ValueError for anything else."""
    s = normalise_digits(s.strip())
    if s.startswith("百分之"):
        return parse_number(s[3:])
    if s.endswith("%"):
        return parse_number(s[:-1])
    match = _ARABIC_WITH_MULTIPLIER.fullmatch(s)
    if match:
        value = Decimal(match.group(1))
        for ch in match.group(2):
            value *= _MULTIPLIERS[ch]
        return _plain(value)
    if "点" in s:
        whole, _, fraction = s.partition("点")
        if not fraction or any(ch not in _DIGITS for ch in fraction):
            raise ValueError(f"not a number: {s!r}")
        digits = "".join(str(_DIGITS[ch]) for ch in fraction)
        return _plain(
            Decimal(parse_chinese_integer(whole) if whole else 0) + Decimal("0." + digits)
        )
    return Decimal(parse_chinese_integer(s))


def _plain(value: Decimal) -> Decimal:
    """Drop trailing zeros without going to exponent form (55000.0 → 55000, 0.70 → 0.7)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def decimal_lexical(d: Decimal) -> str:
    """Return the canonical plain lexical form of a decimal: 55000, 0.7, 35."""
    text = format(d.normalize(), "f")
    return "0" if text in ("-0", "") else text
