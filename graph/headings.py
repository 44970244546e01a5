"""The markers of the genre: headings and their numbers, dates, release notes.

Parts are numbered 一、 二、 …; items （一） （二） …; measures may carry 1. 2. or （1） (2)
(in a document without parts, 1. or （1） may number its items). A marker's number is
read with graph/numerals.py, so （一千零二） is 1002. Besides the markers this module
tells which headings name a section of principles or goals (reference data, passed in as
a mapping from heading word to section-kind concept), and which lines are title lines.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from policykg.graph.numerals import parse_chinese_integer

# The characters Chinese heading numbers are written with (一 … 十, 百, 千, 万, 〇/零).
CN_NUMERAL = "零〇一二三四五六七八九十百千万"

PART = re.compile(rf"^([{CN_NUMERAL}]+)、\s*")
# Numbering styles below parts, by name. In running text (graph/layout.py) the same
# markers are searched without the anchor.
STYLES: dict[str, re.Pattern[str]] = {
    "cn-paren": re.compile(rf"^[（(]([{CN_NUMERAL}]+)[）)]\s*"),
    "arabic-dot": re.compile(r"^(\d{1,3})(?:\.|．|、)(?!\d)\s*"),
    "arabic-paren": re.compile(r"^[（(](\d{1,3})[）)]\s*"),
}

# Characters that end a sentence or a clause of one; a title line has none of them.
SENTENCE_END = "。；;！？!?：:，,"
# Characters that end a sentence (a title sentence ends at the first 。 outside brackets).
STOPS = "。！？!?；;：:"

# 附件, 附件1, 附件：, 附件：某某方案 — the label of an attachment (or of the list of them).
ATTACHMENT = re.compile(r"^附\s*件\s*\d*\s*[：:]?\s*")

# A date as the header and the signature write it, in Arabic or Chinese digits.
DATE = (
    r"(?P<y>\d{4}|[〇零一二三四五六七八九]{4})年(?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})月"
    r"(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})日"
)
DATE_LINE = re.compile(rf"^(?:(?P<who>.+?)\s*)?{DATE}$")
PRINT_LINE = re.compile(rf"^(?P<who>.+?)\s*{DATE}印发$")
RELEASE = re.compile(r"^[（(]\s*(此件[^（）()]*?)\s*[）)]$")
NOTICE_TITLE = re.compile(r".*关于.*通知$")

# Body-title endings and the document type they give (longest first).
DOCUMENT_TYPES = (
    ("行动计划", "action-plan"),
    ("行动方案", "action-plan"),
    ("实施方案", "implementation-plan"),
    ("工作方案", "implementation-plan"),
    ("方案", "implementation-plan"),
    ("实施意见", "opinion"),
    ("指导意见", "opinion"),
    ("意见", "opinion"),
    ("若干措施", "measures"),
    ("政策措施", "measures"),
    ("措施", "measures"),
    ("通知", "notice"),
)
_TRAILING_BRACKETS = re.compile(r"[（(][^（）()]*[）)]$")


def document_type(title: str) -> str | None:
    """The document type that a body title's ending names (实施方案 → implementation-plan)."""
    t = title.strip()
    while _TRAILING_BRACKETS.search(t):  # …实施方案（试行）, …行动计划（2022—2025年）
        t = _TRAILING_BRACKETS.sub("", t).rstrip()
    for ending, kind in DOCUMENT_TYPES:
        if t.endswith(ending):
            return kind
    return None


def heading_number(digits: str) -> int | None:
    """The value of a heading's number (一千零二 → 1002, 12 → 12), None if unreadable."""
    try:
        value = parse_chinese_integer(digits)
    except ValueError:
        return None
    return value if value > 0 else None


def first_stop(text: str) -> int | None:
    """Index of the first 。 outside brackets, quotes and 《》, or None."""
    depth = 0
    for j, c in enumerate(text):
        if c in "（(《“":
            depth += 1
        elif c in "）)》”":
            depth = max(0, depth - 1)
        elif c == "。" and depth == 0:
            return j
    return None


def has_stop(text: str) -> bool:
    """Whether the text holds a character that ends a sentence (。！？；：)."""
    return any(c in STOPS for c in text)


def section_kind(title: str, kinds: Mapping[str, str]) -> str | None:
    """The section kind a heading's title names (基本原则 → principles), or None.

    The title must be one of the heading words, or several joined by 与, 和, 及 or 、
    (总体要求与目标); a title that merely contains one (充分认识…的重要意义) names none.
    """
    words = title.strip().rstrip("。：: ")
    if not words:
        return None
    if words in kinds:
        return kinds[words]
    pieces = re.split(r"[与和及、]", words)
    if len(pieces) > 1 and all(p in kinds for p in pieces):
        return kinds[pieces[0]]
    return None


# A paragraph that opens with a section's heading word and a colon: 具体指标：到2022年….
_LABELLED = re.compile(r"^([^，。；：:,;]{2,12})[：:]")


def labelled_section(text: str, kinds: Mapping[str, str]) -> str | None:
    """The section kind of a paragraph opening with a heading word and a colon, or None."""
    m = _LABELLED.match(text)
    return section_kind(m.group(1), kinds) if m else None
