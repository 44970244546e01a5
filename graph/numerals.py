"""Numbers as Chinese policy texts write them: 十四, 两, 一百二十, 一千零五, 三万五, 二〇二二,
３０, 5.5万, 3千, 1.2万亿, 百分之三十, 三点五.

Chinese numerals of any size are read: digits 〇/零 一 二/两 … 九 (廿 and 卅 for twenty and
thirty), the units 十 百 千 inside a section of four digits, and 万 (10^4) and 亿 (10^8),
which may stack (一万亿 = 10^12). A numeral must be well formed: units inside a section
fall (一千二百, never 二百一千), each unit is used once, one digit stands before each (at
the head a unit may stand alone: 十四, 百万, 千亿; 十 also inside: 一百十). The
shortened spoken forms are read as meant: 一百五 is 150, 两千五 2500, 三万五 35000 (a last
digit right after a unit counts in the next lower place), while 一百零五 is 105. Runs of
bare digits (二〇二二, 一〇〇) are read digit by digit; two bare digits side by side (三四,
两三) are an estimate ("three or four"), not a number, and are refused here.

Values are exact ``Decimal``s; ``decimal_lexical`` gives the canonical plain form that
the graph writes (55000, not 5.5E+4; 0.7; 35, not 35.0).
"""

from __future__ import annotations

import re
from decimal import Decimal

_FULL_WIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")
ZEROS = "零〇○"
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
# 廿 and 卅 are written for 二十 and 三十 (廿一 = 21)
_CONTRACTIONS = str.maketrans({"廿": "二十", "卅": "三十"})
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_LARGE_UNITS = (("亿", 10**8), ("万", 10**4))
_MULTIPLIERS = {"十": 10, "百": 100, "千": 1000, "万": 10**4, "亿": 10**8}
# every character a Chinese numeral may be written with
NUMERAL_CHARACTERS = "".join(_DIGITS) + "".join(_MULTIPLIERS) + "廿卅"

_ARABIC_WITH_MULTIPLIER = re.compile(r"(\d+(?:\.\d+)?)([十百千万亿]*)")
_CHINESE_DECIMAL = re.compile(
    r"(?P<whole>.*?)点(?P<fraction>[零〇○一二三四五六七八九]+)(?P<mult>[十百千万亿]*)"
)


def normalise_digits(s: str) -> str:
    """Return ``s`` with full-width digits and full-width point made ASCII."""
    return s.translate(_FULL_WIDTH)


def _parse_section(s: str) -> int:
    """Parse a numeral below 10^4: digits with 十 百 千 and 零 (一千零五, 两百, 十四, 一百五)."""
    total = 0
    digit: int | None = None
    last_unit = 10**4
    after_zero = False
    for ch in s:
        if ch in ZEROS:
            if digit is not None:
                raise ValueError(f"not a Chinese numeral: {s!r}")
            after_zero = True
        elif ch in _DIGITS:
            if digit is not None:
                raise ValueError(f"two digits side by side: {s!r}")
            digit = _DIGITS[ch]
        else:
            unit = _SMALL_UNITS.get(ch)
            if unit is None or unit >= last_unit:
                raise ValueError(f"not a Chinese numeral: {s!r}")
            if digit is None:
                # a unit stands without its digit at the head (十四, 百万, 千亿), and 十 also
                # inside (一百十 for 一百一十)
                if unit != 10 and (total or after_zero):
                    raise ValueError(f"not a Chinese numeral: {s!r}")
                digit = 1
            total += digit * unit
            digit, last_unit, after_zero = None, unit, False
    if digit is not None:
        # 一百五 is 150: a last digit right after 百 or 千 counts in the next lower place
        shortened = not after_zero and total and last_unit >= 100
        total += digit * (last_unit // 10 if shortened else 1)
    return total


def _parse_chinese(s: str) -> int:
    for char, value in _LARGE_UNITS:
        if char in s:
            high, _, low = s.partition(char)
            if len(low) == 1 and low in _DIGITS and low not in ZEROS:
                low_value = _DIGITS[low] * value // 10  # 三万五 = 35000
            else:
                low_value = _parse_chinese(low) if low else 0
            if low_value >= value:
                raise ValueError(f"not a Chinese numeral: {s!r}")
            return (_parse_chinese(high) if high else 1) * value + low_value
    return _parse_section(s)


def _is_digit_by_digit(s: str) -> bool:
    """二〇二二, 一〇〇: every character a digit, three or more of them or with a zero."""
    return all(ch in _DIGITS for ch in s) and (len(s) >= 3 or (len(s) == 2 and s[1] in ZEROS))


def parse_chinese_integer(s: str) -> int:
    """Return the integer a numeral stands for: Chinese of any size (一 … 九十九, 一百二十,
    一千零五, 两万, 三万五, 一万亿, 二〇二二, 廿一), Arabic or full-width digits.
    Raises ValueError for anything else, a malformed numeral included."""
    s = normalise_digits(s.strip()).translate(_CONTRACTIONS)
    if not s:
        raise ValueError("empty numeral")
    if s.isascii():
        if not s.isdigit():
            raise ValueError(f"not an integer: {s!r}")
        return int(s)
    if any(ch not in NUMERAL_CHARACTERS for ch in s):
        raise ValueError(f"not a Chinese numeral: {s!r}")
    if _is_digit_by_digit(s):
        return int("".join(str(_DIGITS[ch]) for ch in s))
    return _parse_chinese(s)


def parse_number(s: str) -> Decimal:
    """Return the exact value of a number as written: '5.5万' → 55000, '2亿' → 200000000,
    '3千' → 3000, '３０' → 30, '十' → 10, '百分之三十' → 30 (percentages stay in percent),
    '千分之五' → 5 (per mille), '三点五' → 3.5, '三点五万' → 35000.
    Raises ValueError for anything else."""
    s = normalise_digits(s.strip())
    if s.startswith(("百分之", "千分之")):
        return parse_number(s[3:])
    if s.endswith(("%", "‰")):
        return parse_number(s[:-1])
    match = _ARABIC_WITH_MULTIPLIER.fullmatch(s)
    if match:
        return _plain(Decimal(match.group(1)) * _product(match.group(2)))
    match = _CHINESE_DECIMAL.fullmatch(s)
    if match:
        whole = match.group("whole")
        digits = "".join(str(_DIGITS[ch]) for ch in match.group("fraction"))
        value = Decimal(parse_chinese_integer(whole) if whole else 0) + Decimal("0." + digits)
        return _plain(value * _product(match.group("mult")))
    return Decimal(parse_chinese_integer(s))


def _product(multipliers: str) -> int:
    """The factor a run of multipliers after a number stands for (千万 = 10^7, 万亿 = 10^12)."""
    factor = 1
    for ch in multipliers:
        factor *= _MULTIPLIERS[ch]
    return factor


def _plain(value: Decimal) -> Decimal:
    """Drop trailing zeros without going to exponent form (55000.0 → 55000, 0.70 → 0.7)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def decimal_lexical(d: Decimal) -> str:
    """Return the canonical plain lexical form of a decimal: 55000, 0.7, 35."""
    text = format(d.normalize(), "f")
    return "0" if text in ("-0", "") else text
