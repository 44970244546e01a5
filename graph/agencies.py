"""Agencies as written in clauses: their kind from the form of the name, their scoped name.

An agency that no register knows still becomes a node. Its kind is read off the form of
its name (the endings and prefixes the genre uses, genre.md), and its IRI is its name
qualified by the document's jurisdiction, so that 省财政厅 in two provinces' plans are
two agencies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Forms of names, in the order they are tried: the first that matches decides the kind.
_KIND_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("procuratorate", re.compile(r"检察院$")),
    (
        "party-organ",
        re.compile(r"(?:省委|市委|县委|区委|党委).*(?:部|办公室|委员会)$|^(?:省|市|县)委"),
    ),
    (
        "mass-organisation",
        re.compile(
            r"(?:总工会|工会|妇联|妇女联合会|^团(?:省|市|县)委|共青团|供销社|供销合作社|科协|残联|文联|侨联|工商联)"
        ),
    ),
    ("state-owned-enterprise", re.compile(r"(?:公司|集团)$")),
    (
        "central-branch",
        re.compile(
            r"(?:税务局|人行|人民银行|中心支行|分行|银保监局|银保监分局|证监局|金融监管局(?<!地方金融监管局)|"
            r"通信管理局|邮政管理局|海关|气象局|调查总队|外汇管理局|铁路局|民航.*管理局)$"
        ),
    ),
    ("county-government", re.compile(r"(?:县|区|旗)(?:（[^）]*）)?人民政府$|^各县.*人民政府$")),
    (
        "municipal-government",
        re.compile(r"市(?:（[^）]*）)?人民政府$|^各市.*政府$|州人民政府$|盟行政公署$"),
    ),
    ("provincial-government", re.compile(r"(?:省|自治区)人民政府(?:办公厅)?$|^省政府")),
    ("county-government", re.compile(r"^(?:县|区)")),
    ("municipal-department", re.compile(r"^(?:市|各市)|^[\u4e00-\u9fff]{2,}市(?!场)")),
    ("provincial-department", re.compile(r"^省|^[\u4e00-\u9fff]{2,3}省")),
)


def kind_from_form(name: str) -> str:
    """The agency kind (the contract's ?kind) that the form of a name implies."""
    for kind, pattern in _KIND_PATTERNS:
        if pattern.search(name):
            return kind
    return "provincial-department"


@dataclass(frozen=True)
class Jurisdiction:
    """Where a document's short agency names (省…, 市…, 县…) point: place code and names."""

    code: str | None = None
    province: str | None = None  # 山西省
    city: str | None = None  # 太原市, for a city's or a county's document
    county: str | None = None  # 清徐县, for a county's document


# 团省委, 团市委: a mass organisation named after the level of the Party committee it serves
_LEVEL_INSIDE = re.compile(r"^[\u4e00-\u9fff]{1,2}(?P<level>省|市|县)委")


def scoped_name(name: str, where: Jurisdiction) -> str:
    """The name qualified by its jurisdiction: 省财政厅 → 山西省财政厅, 市商务局 → 太原市商务局.

    Only names that begin with the level (省, 市, 县, 区) or name it inside (团省委) are
    qualified; a name that already says its place (河北省商务厅) stays as it is.
    """
    by_level = {"省": where.province, "市": where.city, "县": where.county, "区": where.county}
    first = name[:1]
    if first in by_level and by_level[first] and not name.startswith("市场"):
        return by_level[first] + name[1:]
    inside = _LEVEL_INSIDE.match(name)
    if inside and by_level[inside.group("level")]:
        return by_level[inside.group("level")] + name
    return name
