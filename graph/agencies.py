"""Agencies as written in clauses: their kind from the form of the name, their scoped name.

An agency that no register knows still becomes a node. Its kind is read off the form of
its name (the endings and prefixes the genre uses, genre.md), and its IRI is its name
qualified by the document's jurisdiction, so that 省财政厅 in two provinces' plans are
two agencies.
"""

from __future__ import annotations

import re

# Forms of names, in the order they are tried: the first that matches decides the kind.
_KIND_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("procuratorate", re.compile(r"检察院$")),
    ("party-organ", re.compile(r"(?:省委|市委|县委|区委|党委).*(?:部|办公室|委员会)$|^(?:省|市|县)委")),
    ("mass-organisation", re.compile(r"(?:总工会|工会|妇联|妇女联合会|^团(?:省|市|县)委|共青团|供销社|供销合作社|科协|残联|文联|侨联|工商联)")),
    ("state-owned-enterprise", re.compile(r"(?:公司|集团)$")),
    ("central-branch", re.compile(
        r"(?:税务局|人行|人民银行|中心支行|分行|银保监局|银保监分局|证监局|金融监管局(?<!地方金融监管局)|"
        r"通信管理局|邮政管理局|海关|气象局|调查总队|外汇管理局|铁路局|民航.*管理局)$")),
    ("county-government", re.compile(r"(?:县|区|旗)(?:（[^）]*）)?人民政府$|^各县.*人民政府$")),
    ("municipal-government", re.compile(r"市(?:（[^）]*）)?人民政府$|^各市.*政府$|州人民政府$|盟行政公署$")),
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


def scoped_name(name: str, province: str | None, city: str | None) -> str:
    """The name qualified by its jurisdiction: 省财政厅 → 山西省财政厅, 市商务局 → 太原市商务局."""
    if name.startswith("省") and province:
        return province + name[1:]
    if name.startswith("市") and city:
        return city + name[1:]
    if "省" in name and province:
        return province + name
    return name
