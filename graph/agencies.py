"""Agency identity: which agency a name written in a document means, and what is known of it.

A name is resolved against the reference data in this order (docs/model.md, "Agencies"):

1. a register entry (graph/data/agencies-*.ttl) of the document's jurisdiction, of a place
   that contains it, or of the whole country (国家发展改革委 is the same agency in every
   document);
2. a template (graph/data/agencies-template.ttl) applied to the document's jurisdiction:
   省财政厅 in a Henan plan is 河南省财政厅, 市商务局 in a Taiyuan plan 太原市商务局; or
   applied to the place a name itself gives (河南省财政厅, 中共太原市委宣传部);
3. otherwise a node of its own, marked unregistered, its kind read off the form of its
   name and its name qualified by the jurisdiction (市商务局 in a Shanxi plan: the city
   bureaus of Shanxi, 山西省市商务局). A short name whose jurisdiction the document does
   not reveal is never merged with another document's: its node lies under the document
   (``{document}/agency/省财政厅``) and says that its jurisdiction is unknown.

Two documents of one jurisdiction therefore share every agency node; two jurisdictions
never share the node of a short name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from policykg.graph import iris
from policykg.graph.namespaces import PKID

if TYPE_CHECKING:
    from policykg.graph.reference import AgencyTemplate, PlaceInfo, Reference

# Forms of names, in the order they are tried: the first that matches decides the kind.
_KIND_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("procuratorate", re.compile(r"检察院$")),
    ("court", re.compile(r"法院$")),
    ("central-government", re.compile(r"^(?:中华人民共和国)?国务院(?:办公厅)?$")),
    (
        "mass-organisation",
        re.compile(
            r"(?:总工会|工会|妇联|妇女联合会|^团(?:省|市|县)委|共青团|团中央|供销社|供销合作社|"
            r"供销合作总社|科协|残联|文联|侨联|工商联|红十字会)"
        ),
    ),
    (
        "party-organ",
        re.compile(
            r"(?:省委|市委|县委|区委|党委).*(?:部|办公室|委员会)$|^(?:省|市|县)委|^中共|"
            r"^中央(?!人民政府|广播电视总台).+(?:部|办|办公室|委员会)$"
        ),
    ),
    ("state-owned-enterprise", re.compile(r"(?:公司|集团)$")),
    (
        "central-branch",
        re.compile(
            r"(?:税务局|人行|人民银行.+|中心支行|分行|银保监局|银保监分局|证监局|金融监管局(?<!地方金融监管局)|"
            r"通信管理局|邮政管理局|海关|气象局|调查总队|外汇管理局|铁路局|民航.*管理局)$"
        ),
    ),
    (
        "central-department",
        re.compile(r"^国务院.+|^国家.+(?:局|委|署|委员会|办公室)$|^(?:中国)?人民银行$|总局$|总署$"),
    ),
    ("county-government", re.compile(r"(?:县|区|旗)(?:（[^）]*）)?(?:人民)?政府$|^各县.*政府$")),
    (
        "municipal-government",
        re.compile(
            r"市(?:（[^）]*）)?(?:人民)?政府$|^各市.*政府$|州人民政府$|盟行政公署$|城市.*政府$"
        ),
    ),
    (
        "provincial-government",
        re.compile(r"(?:省|自治区)(?:级)?(?:人民)?政府(?:办公厅)?$|^省政府"),
    ),
    ("municipal-government", re.compile(r"政府$")),
    ("county-government", re.compile(r"^(?:县|区)")),
    ("municipal-department", re.compile(r"^(?:市|各市)|^[\u4e00-\u9fff]{2,}市(?!场)")),
    ("provincial-department", re.compile(r"^省|^[\u4e00-\u9fff]{2,3}省")),
    ("central-department", re.compile(r"^[^省市县区]{2,}部$")),  # 教育部: a ministry
)
# A department of a city template in a municipality directly under the central
# government (北京市财政局) is a department of a provincial-level government.
_PROVINCIAL_LEVEL = {
    "municipal-government": "provincial-government",
    "municipal-department": "provincial-department",
}
# The level character a template's short forms begin with (省财政厅, 市商务局).
_LEVEL_CHARACTER = {"province": "省", "prefecture": "市"}


def kind_from_form(name: str, default: str = "provincial-department") -> str:
    """The agency kind (the contract's ?kind) that the form of a name implies; ``default``
    when no form decides (a department of the document's own level)."""
    for kind, pattern in _KIND_PATTERNS:
        if pattern.search(name):
            return kind
    return default


@dataclass(frozen=True)
class Jurisdiction:
    """Where a document's short agency names (省…, 市…, 县…) point: place code and names.

    ``national`` is a document of a national body (国务院): its names are national, and
    省…/市… in it mean provinces or cities in general, not one of them."""

    code: str | None = None
    province: str | None = None  # 山西省
    city: str | None = None  # 太原市, for a city's or a county's document
    county: str | None = None  # 清徐县, for a county's document
    national: bool = False

    @property
    def known(self) -> bool:
        """Whether the document's place is known (a code, or the whole country)."""
        return self.code is not None or self.national

    def deepest(self) -> str | None:
        """The name of the document's own place (清徐县, 太原市 or 山西省)."""
        return self.county or self.city or self.province

    def default_kind(self) -> str:
        """The kind of an agency named in no recognised form: a department of the
        document's own level."""
        if self.national:
            return "central-department"
        if self.county or self.city and self.city != self.province:
            return "municipal-department"
        return "provincial-department"


# 团省委, 团市委: a mass organisation named after the level of the Party committee it serves
_LEVEL_INSIDE = re.compile(r"^[\u4e00-\u9fff]{1,2}(?P<level>省|市|县)委")


def scoped_name(name: str, where: Jurisdiction) -> str:
    """The name qualified by its jurisdiction: 省财政厅 → 山西省财政厅, 市商务局 → 太原市商务局.

    Names that begin with a level (省, 市, 县, 区) or name it inside (团省委) are qualified
    by that level's place; when the document has no place of that level (市商务局 in a
    provincial plan: the cities' bureaus) and for collectives (各市人民政府), by the
    document's own place. A name that already says its place (河北省商务厅) stays as it is.
    """
    by_level = {"省": where.province, "市": where.city, "县": where.county, "区": where.county}
    first = name[:1]
    if first in by_level and not name.startswith("市场"):
        place = by_level[first]
        if place:
            return place + name[1:]
        return (where.deepest() or "") + name
    inside = _LEVEL_INSIDE.match(name)
    if inside:
        place = by_level[inside.group("level")]
        return (place or where.deepest() or "") + name
    if name.startswith("各"):
        return (where.deepest() or "") + name
    return name


def is_scoped(name: str) -> bool:
    """Whether a name means an agency of the document's jurisdiction (省…, 市…, 团省委,
    各市…), so that it cannot be resolved without knowing that jurisdiction."""
    return bool(
        (name[:1] in "省市县区" and not name.startswith("市场"))
        or _LEVEL_INSIDE.match(name)
        or name.startswith("各")
    )


@dataclass(frozen=True)
class ResolvedAgency:
    """The agency a name means, and what the graph must say of it.

    A ``registered`` agency is described by a register already; one ``derived`` from a
    template, and an unregistered one, are described by the document's graph."""

    iri: str
    name: str  # official or qualified name (zh)
    written: str  # as the document writes it
    kind: str
    registered: bool = False
    name_en: str | None = None
    parent: ResolvedAgency | str | None = None  # a derived parent, or a registered IRI
    jurisdiction: str | None = None  # place IRI
    template: str | None = None  # the template it is derived from
    unresolved: bool = False  # a short name whose jurisdiction the document does not give

    @property
    def unregistered(self) -> bool:
        return not self.registered and self.template is None


class AgencyResolver:
    """Resolves the names one document writes (see the module docstring)."""

    def __init__(self, reference: Reference, where: Jurisdiction) -> None:
        self.ref = reference
        self.where = where
        self._chain = self._places_of(where)

    def _places_of(self, where: Jurisdiction) -> dict[str, PlaceInfo]:
        """The document's places by template level: province, and prefecture (a city, or
        a municipality directly under the central government)."""
        if where.code is None:
            return {}
        chain: dict[str, PlaceInfo] = {}
        province = self.ref.place_info(self.ref.province_of(where.code))
        if province is not None:
            chain["province"] = province
            if (province.name or "").endswith("市"):
                chain["prefecture"] = province
        city = self.ref.place_info(where.code[:4] + "00")
        if city is not None and city.level == "prefecture":
            chain["prefecture"] = city
        return chain

    def resolve(self, name: str, document_iri: str) -> ResolvedAgency:
        """The agency ``name`` means in this document (``document_iri`` scopes a name whose
        jurisdiction is unknown)."""
        name = name.strip()
        registered = self.ref.find_agency(name, self.where.code)
        if registered is not None:
            return self._registered(registered, name)
        derived = self._from_template_here(name) or self._from_template_named(name)
        if derived is not None:
            return derived
        return self._unregistered(name, document_iri)

    # -- registers -----------------------------------------------------------------
    def _registered(self, iri: str, written: str) -> ResolvedAgency:
        info = self.ref.agency_info(iri)
        assert info is not None
        return ResolvedAgency(
            iri=iri,
            name=info.name,
            written=written,
            kind=info.kind or "",
            registered=True,
            name_en=info.name_en,
            parent=info.parent,
            jurisdiction=info.jurisdiction,
        )

    # -- templates -----------------------------------------------------------------
    def _from_template_here(self, name: str) -> ResolvedAgency | None:
        """A short form of a template, applied to the document's place of that level."""
        for template in self.ref.templates():
            place = self._chain.get(template.level)
            if place is not None and name in template.short_forms:
                return self._derive(template, place, name)
        return None

    def _from_template_named(self, name: str) -> ResolvedAgency | None:
        """A name that gives its place: a template's pattern (河南省财政厅, 中共太原市委宣传部)
        or the place followed by a short form without its level (河南省政府)."""
        for template in self.ref.templates():
            prefix, _, suffix = template.pattern.partition("{place}")
            if (
                len(name) > len(prefix) + len(suffix)
                and name.startswith(prefix)
                and name.endswith(suffix)
            ):
                place = self._place_at(name[len(prefix) : len(name) - len(suffix)], template)
                if place is not None:
                    return self._derive(template, place, name)
        for cut in range(2, min(len(name) - 1, 12)):
            for place in self.ref.places_named(name[:cut]):
                level = self._template_level(place)
                rest = _LEVEL_CHARACTER.get(level or "", "") + name[cut:]
                for template in self.ref.templates():
                    if template.level == level and rest in template.short_forms:
                        return self._derive(template, place, name)
        return None

    def _place_at(self, place_name: str, template: AgencyTemplate) -> PlaceInfo | None:
        places = [
            p
            for p in self.ref.places_named(place_name)
            if self._template_level(p) == template.level
        ]
        return places[0] if len(places) == 1 else None

    @staticmethod
    def _template_level(place: PlaceInfo) -> str | None:
        """The templates a place takes: a province's, or a city's (a prefecture-level
        division, or a municipality directly under the central government: 北京市财政局)."""
        if place.level == "prefecture":
            return "prefecture"
        if place.level == "province":
            return "prefecture" if (place.name or "").endswith("市") else "province"
        return None

    def _derive(self, template: AgencyTemplate, place: PlaceInfo, written: str) -> ResolvedAgency:
        """The agency a template names in a place; the register's entry if it has one."""
        full = template.name_for(place.name or "")
        registered = self.ref.find_agency(full, place.code)
        if registered is not None:
            return self._registered(registered, written)
        kind = template.kind
        if template.level == "prefecture" and place.level == "province":  # 北京市财政局
            kind = _PROVINCIAL_LEVEL.get(kind, kind)
        parent: ResolvedAgency | str | None = None
        if template.parent:
            parent_template = self.ref.template(template.parent)
            parent = (
                self._derive(parent_template, place, template.parent)
                if parent_template is not None
                else template.parent
            )
        return ResolvedAgency(
            iri=str(iris.agency_iri(full)),
            name=full,
            written=written,
            kind=kind,
            name_en=template.english_for(formal_english(place)),
            parent=parent,
            jurisdiction=place.iri,
            template=template.iri,
        )

    # -- neither -------------------------------------------------------------------
    def _unregistered(self, name: str, document_iri: str) -> ResolvedAgency:
        where = self.where
        kind = kind_from_form(name, where.default_kind())
        if not where.known and is_scoped(name):
            return ResolvedAgency(
                iri=document_iri + "/" + str(iris.agency_iri(name))[len(str(PKID)) :],
                name=name,
                written=name,
                kind=kind,
                unresolved=True,
            )
        full = name if where.national else scoped_name(name, where)
        place = self.ref.place_iri(where.code) if where.code else None
        return ResolvedAgency(
            iri=str(iris.agency_iri(full)),
            name=full,
            written=name,
            kind=kind,
            jurisdiction=place or (self.ref.country() if where.national else None),
        )


def formal_english(place: PlaceInfo) -> str | None:
    """A place's English name as an agency's name uses it: Henan Province, Beijing
    Municipality, Taiyuan Municipality, Guangxi Zhuang Autonomous Region."""
    if place.name_en is None:
        return None
    if (place.name or "").endswith("省"):
        return place.name_en + " Province"
    if (place.name or "").endswith("市") and not place.name_en.endswith(("City", "Municipality")):
        return place.name_en + " Municipality"
    return place.name_en
