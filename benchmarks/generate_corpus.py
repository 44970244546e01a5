"""Write a corpus of invented policy documents of the genre, for the benchmarks.

    python benchmarks/generate_corpus.py --count N --seed S --out DIR [--layouts all|classic]

N distinct UTF-8 text documents — plans, opinions, measures and notices of the State
Council, provinces, prefecture-level cities and counties — and DIR/manifest.json, which
says of each document its file, number, jurisdiction, level, title, the document it
carries out, and which layouts, clause forms, time expressions and quantity forms its text
uses. The output depends only on the arguments (and on this script, its phrase bank
corpus-phrases.toml and the gazetteer graph/data/places.ttl, whose checksums the manifest
records): the same arguments give byte-identical files, and the first N documents of a
larger corpus with the same seed are the corpus of N.

Documents come in trees, one per topic: a State Council document, provincial documents
carrying it out (citing its title and number in the preamble), city documents carrying
out their province's, county documents carrying out their city's. Places and their codes
come from the gazetteer; agencies are written in the short forms of the issuing
jurisdiction (省财政厅, 市商务局, 县…局) or, in national documents, as the State Council
writes them. ``--layouts classic`` keeps to the layouts the parser read when this was
written (a notice wrapper, items （一） through the document or 1. without parts); the
default, ``all``, adds every layout of real documents (no wrapper, no number, items per
part, measures 1. 2., principles and goals, paragraphs outside items, one paragraph).

The output is benchmark data: it is never part of the bundled corpus.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import re
import shutil
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import pyoxigraph

GENERATOR = "policykg benchmarks/generate_corpus.py"
PHRASES = Path(__file__).with_name("corpus-phrases.toml")
MIN_BYTES, MAX_BYTES = 5_000, 40_000  # real documents of the genre: 5–26 KB
FIRST_DATE, LAST_DATE = date(2016, 3, 1), date(2025, 6, 30)

SKOS = "http://www.w3.org/2004/02/skos/core#"
PKG = "https://w3id.org/policykg/ontology#"
_SLOT = re.compile(r"\{(\w+)\}")
_CN_DIGITS = "〇一二三四五六七八九"
_CN_NUMBERS = {
    2: "两",
    3: "三",
    4: "四",
    5: "五",
    6: "六",
    8: "八",
    10: "十",
    20: "二十",
    30: "三十",
}

# Clause forms (genre.md); the classic ones are those of its first table.
CLASSIC_CLAUSES = (
    "lead",
    "shared",
    "sole",
    "collective",
    "open-list",
    "suffix-sharing",
    "label-responsible",
    "label-lead-support",
    "lead-support",
    "lead-implement",
    "comma-shared",
)
MORE_CLAUSES = (
    "label-department",
    "label-lead-support-collective",
    "lead-participate",
    "huitong",
    "fenbie",
    "deng-he",
)
# A document writes most clauses in one family of forms, as real documents do.
CLAUSE_FAMILIES = {
    "marker": ("lead", "shared", "shared", "sole", "open-list", "comma-shared", "collective"),
    "label": ("label-responsible", "label-lead-support", "label-lead-support-collective"),
    "lead-support": ("lead-support", "lead-implement", "lead-participate", "huitong"),
    "department-label": ("label-department",),
}
TIME_FORMS = (
    "until",
    "year_end",
    "month_end",
    "year",
    "span",
    "five_year_plan",
    "by_year",
    "within_year",
    "whole_year",
    "holiday",
    "monthly",
    "yearly",
)
QUANTITY_FORMS = (
    "percent",
    "parts_of_whole",
    "min",
    "max",
    "approx",
    "striving",
    "wan",
    "yi",
    "count",
    "range",
    "chinese_numeral",
)
# where a time expression stands in its sentence
_TIME_AFTER = {"until"}
_TIME_CLAUSE = {"year"}


# --- the gazetteer ---------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A place of the gazetteer (graph/data/places.ttl)."""

    iri: str
    code: str
    name: str
    kind: str  # province | prefecture | county | region
    parent: str | None  # the IRI of the place it belongs to
    short: str  # 河南, 郑州: the name documents shorten it to
    abbreviation: str | None  # 豫: where the gazetteer has one
    related: tuple[str, ...] = ()  # a region's provinces


class Gazetteer:
    """The provinces, prefecture-level cities, counties and regions a corpus draws from."""

    def __init__(self, places: Sequence[Place]) -> None:
        self.by_iri = {p.iri: p for p in places}
        self.children: dict[str, list[Place]] = {}
        for p in places:
            if p.parent is not None:
                self.children.setdefault(p.parent, []).append(p)
        self.provinces = [p for p in places if p.kind == "province" and _issues_documents(p)]
        self.regions = [p for p in places if p.kind == "region"]

    def below(self, place: Place) -> list[Place]:
        """The cities of a province (a municipality's districts), the counties of a city."""
        kinds = ("prefecture",) if place.kind == "province" else ("county",)
        found = [p for p in self.children.get(place.iri, []) if p.kind in kinds]
        if not found and place.kind == "province":  # a municipality: districts directly
            found = [p for p in self.children.get(place.iri, []) if p.kind == "county"]
        return [p for p in found if _issues_documents(p)]

    def capital(self, province: Place) -> Place:
        """The city whose code ends in 0100 (the provincial capital in GB/T 2260), else itself."""
        wanted = province.code[:2] + "0100"
        return next((p for p in self.below(province) if p.code == wanted), province)

    def province_of(self, place: Place) -> Place:
        while place.kind != "province" and place.parent in self.by_iri:
            place = self.by_iri[place.parent]
        return place

    def regions_of(self, province: Place) -> list[Place]:
        return [r for r in self.regions if province.iri in r.related]


def _issues_documents(place: Place) -> bool:
    """Provinces but Taiwan, Hong Kong and Macao; cities and autonomous prefectures (not 地区
    and 盟, governed by offices); counties, districts, county-level cities and banners."""
    if place.kind == "province":
        return place.code[:2] not in ("71", "81", "82")
    if place.kind == "prefecture":
        return place.name.endswith(("市", "自治州"))
    return place.name.endswith(("县", "区", "市", "旗"))


def read_gazetteer(path: Path) -> Gazetteer:
    """The places of a gazetteer in the form of graph/data/places.ttl."""
    values: dict[str, dict[str, list[str]]] = {}
    for triple in pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE):
        obj = triple.object
        if isinstance(obj, pyoxigraph.Literal) and obj.language not in (None, "zh"):
            continue
        props = values.setdefault(triple.subject.value, {})
        props.setdefault(triple.predicate.value, []).append(obj.value)
    places = []
    for iri, props in values.items():
        kind = props.get(PKG + "placeType", [""])[0].rpartition("placetype-")[2]
        names = props.get(SKOS + "prefLabel")
        if kind not in ("province", "prefecture", "county", "region") or not names:
            continue
        name = min(names, key=lambda n: (len(n), n))
        alt = props.get(SKOS + "altLabel", [])
        places.append(
            Place(
                iri=iri,
                code=props.get(PKG + "divisionCode", [""])[0],
                name=name,
                kind=kind,
                parent=(props.get(SKOS + "broader") or [None])[0],
                short=_short_name(name, alt),
                abbreviation=(props.get(PKG + "abbreviation") or [None])[0],
                related=tuple(sorted(props.get(SKOS + "related", []))),
            )
        )
    places.sort(key=lambda p: (p.code or "~", p.iri))
    return Gazetteer(places)


def _short_name(name: str, alt_labels: Sequence[str]) -> str:
    prefixes = sorted(a for a in alt_labels if len(a) >= 2 and name.startswith(a))
    if prefixes:
        return min(prefixes, key=len)
    for suffix in ("自治区", "自治州", "自治县", "省", "市", "县", "区", "旗"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


# --- drawing ---------------------------------------------------------------------------


class Deck:
    """Values dealt in a shuffled order, each once per round: a short run of documents (or
    of measures) still shows every value."""

    def __init__(self, rng: random.Random, values: Sequence[Any]) -> None:
        self.rng = rng
        self.values = list(values)
        self.queue: list[Any] = []

    def deal(self) -> Any:
        if not self.queue:
            self.queue = self.values[:]
            self.rng.shuffle(self.queue)
        return self.queue.pop()


def weighted(rng: random.Random, choices: dict[Any, float]) -> Any:
    return rng.choices(list(choices), weights=list(choices.values()))[0]


# --- jurisdictions ---------------------------------------------------------------------


@dataclass(frozen=True)
class Jurisdiction:
    """The issuing government: its level and the words its documents use for itself."""

    level: str  # national | province | prefecture | county
    place: Place | None
    bank: str  # which [levels.*] of the phrase bank: national, province, municipality, …
    column: str  # which form of a department: national, province, city, county
    words: dict[str, str]  # {place} {gov} {lv} {lv1} {we} {sub} {short} {capital} {party} {abbr}
    below: tuple[Place, ...] = ()  # the places one level down


def jurisdiction(place: Place | None, gaz: Gazetteer) -> Jurisdiction:
    """The jurisdiction of a place (None: the country)."""
    if place is None:
        words = {"place": "", "gov": "国务院", "lv": "", "lv1": "", "we": "我国", "sub": "省"}
        provinces = tuple(p for p in gaz.provinces if p.kind == "province")
        return Jurisdiction("national", None, "national", "national", words, provinces)
    name = stem = place.name
    if place.kind == "province":
        if name.endswith("自治区"):
            lv, lv1, bank, column, sub = "自治区", "区", "province", "province", "市"
        elif name.endswith("市"):
            lv, lv1, bank, column, sub = "市", "市", "municipality", "city", "区"
        else:
            lv, lv1, bank, column, sub = "省", "省", "province", "province", "市"
        capital = gaz.capital(place).short
    elif place.kind == "prefecture":
        lv, lv1 = ("州", "州") if name.endswith("州") else ("市", "市")
        bank, column, sub, capital = "prefecture", "city", "县（市、区）", place.short
    else:
        lv = lv1 = name[-1]
        bank, column, sub, capital = "county", "county", "乡（镇）", place.short
        parent = gaz.by_iri.get(place.parent or "")
        if parent and name.startswith(parent.name):  # 阳泉市城区 abbreviates 城区
            stem = name[len(parent.name) :]
    party = "自治区党委" if lv == "自治区" else lv1 + "委"
    words = {
        "place": name,
        "gov": name + "人民政府",
        "lv": lv,
        "lv1": lv1,
        "we": "我" + lv1,
        "sub": sub,
        "short": place.short,
        "capital": capital,
        "party": party,
        "abbr": place.abbreviation or stem[0],
    }
    return Jurisdiction(place.kind, place, bank, column, words, tuple(gaz.below(place)))


# --- planning: which documents, in which trees -----------------------------------------


@dataclass
class Layout:
    """How a document is laid out (feature names as the manifest gives them)."""

    wrapper: bool  # a notice wrapper (关于印发…的通知) around the body
    numbered: bool
    issuer: str  # line | title-only | signature | signature-only
    body: str  # items-through | items-per-part | items-arabic | measures-arabic
    paren_measures: bool = False
    principles: bool = False
    goals: bool = False
    part_intro: bool = False
    measures_under_part: bool = False
    part_as_measure: bool = False
    closing_paragraph: bool = False
    one_paragraph: bool = False
    unclaused: bool = False
    first_listed_rule: bool = False
    clause_family: str = "marker"
    indent: bool = True
    blank_lines: bool = False
    chinese_date: bool = False
    square_number: bool = False
    half_width_clauses: bool = False
    release_note: bool = True
    print_line: bool = False
    quoted_notice_title: bool = False


@dataclass
class Plan:
    """A document to write: its identity, its place in the tree and its layout."""

    index: int
    where: Jurisdiction
    topic: dict[str, Any]
    issued: date
    issuer: str
    issuer_code: str
    serial: int
    doc_type: str  # the title's ending: 实施方案, 指导意见, 通知 …
    title: str  # the body title (the document's own title when it has no wrapper)
    notice_title: str | None
    layout: Layout
    parent: Plan | None

    @property
    def number(self) -> str:
        """The document number as its header prints it (〔〕, or [] in some copies)."""
        left, right = ("[", "]") if self.layout.square_number else ("〔", "〕")
        return f"{self.issuer_code}{left}{self.issued.year}{right}{self.serial}号"

    @property
    def canonical_number(self) -> str:
        return f"{self.issuer_code}〔{self.issued.year}〕{self.serial}号"

    @property
    def file_name(self) -> str:
        code = self.where.place.code if self.where.place else "CN"
        return f"{self.index + 1:05d}-{self.where.level}-{code}.txt"


GENRE_TYPES = {
    "实施方案": "实施方案",
    "工作方案": "工作方案",
    "行动计划": "行动计划",
    "若干措施": "若干措施",
    "意见": "意见",
    "实施意见": "意见",
    "指导意见": "意见",
    "通知": "通知",
}
_TYPES_BY_LEVEL = {
    "national": ("意见", "指导意见", "实施方案", "工作方案", "行动计划", "若干措施", "通知"),
    "province": ("实施方案", "实施意见", "若干措施", "行动计划", "工作方案", "通知", "意见"),
    "prefecture": ("实施方案", "工作方案", "若干措施", "行动计划", "实施意见", "通知"),
    "county": ("实施方案", "工作方案", "若干措施", "行动计划", "实施意见", "通知"),
}


class Planner:
    """Plans documents tree by tree: a State Council document on a topic, provinces
    carrying it out, their cities, their counties. The plans do not depend on how many are
    taken, so a smaller corpus is the beginning of a larger one."""

    def __init__(self, seed: int, bank: dict[str, Any], gaz: Gazetteer, classic: bool) -> None:
        self.rng = random.Random(f"policykg-corpus:{seed}")
        self.bank = bank
        self.gaz = gaz
        self.classic = classic
        self.numbers: set[tuple[str, int, int]] = set()
        self.titles: set[str] = set()
        self.index = 0
        deck = self._deck
        self.topics = deck(bank["topics"])
        self.types = {level: deck(types) for level, types in _TYPES_BY_LEVEL.items()}
        self.decks = {
            "numbered": deck([True] * 7 + [classic]),
            "issuer_wrapped": deck(["line"] * 4 + ["line" if classic else "title-only"]),
            "issuer_direct": deck(
                ["signature"] * 3 + ["signature" if classic else "signature-only"]
            ),
            "wrap_opinion": deck([True] if classic else [True, False, False]),
            "body": deck(
                ["items-through", "items-through", "items-arabic"]
                if classic
                else [
                    "items-through",
                    "items-through",
                    "items-per-part",
                    "items-arabic",
                    "measures-arabic",
                ]
            ),
            "clause_family": deck(
                ["marker", "marker", "label", "lead-support"]
                if classic
                else ["marker", "marker", "label", "lead-support", "department-label"]
            ),
            "paren_measures": deck([True, False, False]),
            "principles": deck([not classic, False]),
            "goals": deck([not classic, False, False]),
            "part_intro": deck([not classic, False, False]),
            "measures_under_part": deck([not classic, False]),
            "part_as_measure": deck([not classic, False, False, False]),
            "closing_paragraph": deck([not classic, False]),
            "one_paragraph": deck([not classic] + [False] * 9),
            "unclaused": deck([not classic, not classic, False]),
            "first_listed_rule": deck([not classic, False, False, False]),
            "indent": deck([True, False]),
            "blank_lines": deck([True, False, False]),
            "chinese_date": deck([True, False, False, False, False]),
            "square_number": deck([True] + [False] * 5),
            "half_width_clauses": deck([True, False, False]),
            "release_note": deck([True, True, True, False]),
            "print_line": deck([True, True, False]),
            "quoted_notice_title": deck([True, False, False, False]),
        }

    def _deck(self, values: Sequence[Any]) -> Deck:
        return Deck(self.rng, values)

    def plans(self) -> Iterator[Plan]:
        while True:
            yield from self._tree(self.topics.deal())

    def _tree(self, topic: dict[str, Any]) -> Iterator[Plan]:
        rng = self.rng
        days = (LAST_DATE - FIRST_DATE).days
        root = self._plan(None, topic, FIRST_DATE + timedelta(rng.randrange(days)), None)
        yield root
        for province in self._some(self.gaz.provinces, rng.randint(2, 4), prefer_depth=True):
            p = self._plan(province, topic, self._later(root.issued), root)
            yield p
            for city in self._some(self.gaz.below(province), rng.randint(1, 3)):
                c = self._plan(city, topic, self._later(p.issued), p)
                yield c
                if city.kind == "county":  # a municipality's district: no level below
                    continue
                for county in self._some(self.gaz.below(city), rng.randint(0, 2)):
                    yield self._plan(county, topic, self._later(c.issued), c)

    def _some(self, places: Sequence[Place], k: int, prefer_depth: bool = False) -> list[Place]:
        """k places at random; with prefer_depth the first has counties in the gazetteer
        (when any has), so that every tree reaches every level."""
        if not places:
            return []
        chosen = self.rng.sample(list(places), min(k, len(places)))
        if prefer_depth:
            deep = [p for p in places if any(self.gaz.below(c) for c in self.gaz.below(p))]
            if deep and not any(p in deep for p in chosen):
                chosen[0] = self.rng.choice(deep)
        return chosen

    def _later(self, issued: date) -> date:
        return min(issued + timedelta(self.rng.randint(15, 120)), date(2026, 12, 31))

    def _plan(
        self, place: Place | None, topic: dict[str, Any], issued: date, parent: Plan | None
    ) -> Plan:
        rng = self.rng
        where = jurisdiction(place, self.gaz)
        level_bank = self.bank["levels"][where.bank]
        doc_type = self.types[where.level].deal()
        layout = self._layout(where, doc_type)
        office = rng.choice(level_bank["offices"])
        if doc_type in ("意见", "指导意见", "实施意见") and rng.random() < 0.5:
            office = level_bank["offices"][0]  # opinions often come from the government itself
        issuer = fill_words(office["name"], where.words)
        code = fill_words(rng.choice(office["codes"]), where.words)
        serial = self._serial(code, issued.year)
        title, notice_title = self._titles(where, topic, doc_type, issuer, layout, issued)
        plan = Plan(
            self.index,
            where,
            topic,
            issued,
            issuer,
            code,
            serial,
            doc_type,
            title,
            notice_title,
            layout,
            parent,
        )
        self.index += 1
        return plan

    def _layout(self, where: Jurisdiction, doc_type: str) -> Layout:
        d = {name: deck.deal() for name, deck in self.decks.items()}
        wrapper = doc_type != "通知" and (
            doc_type not in ("意见", "指导意见", "实施意见") or d["wrap_opinion"]
        )
        body = d["body"]
        with_parts = body != "items-arabic"
        issuer = d["issuer_wrapped"] if wrapper else d["issuer_direct"]
        one_paragraph = d["one_paragraph"]
        if one_paragraph:  # a copy that lost its line breaks keeps its number and issuer lines
            d["numbered"] = True
            issuer = "line" if wrapper else "signature"
        # State Council opinions published directly often have no clauses at all
        unclaused = d["unclaused"] and where.level == "national" and not wrapper
        return Layout(
            wrapper=wrapper,
            numbered=d["numbered"],
            issuer=issuer,
            body=body,
            paren_measures=d["paren_measures"] and body != "measures-arabic",
            principles=d["principles"] and with_parts,
            goals=d["goals"] and with_parts,
            part_intro=d["part_intro"] and with_parts,
            measures_under_part=d["measures_under_part"]
            and with_parts
            and body != "measures-arabic",
            part_as_measure=d["part_as_measure"] and with_parts and not unclaused,
            closing_paragraph=d["closing_paragraph"],
            one_paragraph=one_paragraph,
            unclaused=unclaused,
            first_listed_rule=d["first_listed_rule"],
            clause_family=d["clause_family"],
            indent=d["indent"],
            blank_lines=d["blank_lines"] and not one_paragraph,
            chinese_date=d["chinese_date"] and wrapper,
            square_number=d["square_number"],
            half_width_clauses=d["half_width_clauses"],
            release_note=d["release_note"],
            print_line=d["print_line"] and wrapper and issuer == "line",
            quoted_notice_title=d["quoted_notice_title"],
        )

    def _serial(self, code: str, year: int) -> int:
        while True:
            serial = self.rng.randint(1, 160)
            if (code, year, serial) not in self.numbers:
                self.numbers.add((code, year, serial))
                return serial

    def _titles(
        self,
        where: Jurisdiction,
        topic: dict[str, Any],
        doc_type: str,
        issuer: str,
        layout: Layout,
        issued: date,
    ) -> tuple[str, str | None]:
        """The body title and the notice title (None without a wrapper); never a title
        already given, since a document without a number is known by its title."""
        rng = self.rng
        place = where.words["place"]
        for attempt in range(40):
            stem = (
                rng.choice(topic["stems"])
                if attempt < 30
                else f"{issued.year}年{rng.choice(topic['stems'])}"
            )
            own = "" if layout.issuer == "signature-only" else issuer
            if doc_type == "通知":
                subject = rng.choice([f"做好{topic['short']}工作", stem])
                title = f"{own}关于{subject}的通知"
            elif not layout.wrapper:
                title = f"{own}关于{stem}的{doc_type}"
            elif doc_type in ("意见", "指导意见", "实施意见"):
                title = f"{place}关于{stem}的{doc_type}"
            else:
                joint = rng.choice(["", "的"]) if doc_type == "实施方案" else ""
                title = f"{place}{stem}{joint}{doc_type}"
                if doc_type == "行动计划" and rng.random() < 0.5:
                    title += f"（{issued.year}—{issued.year + 2}年）"
            if title not in self.titles:
                self.titles.add(title)
                break
        notice = None
        if layout.wrapper:
            body = f"《{title}》" if layout.quoted_notice_title else title
            notice = f"{issuer}关于印发{body}的通知"
        return title, notice


def fill_words(template: str, words: dict[str, str]) -> str:
    return _SLOT.sub(lambda m: words.get(m.group(1), m.group(0)), template)


# --- writing one document --------------------------------------------------------------


@dataclass
class Measure:
    text: str
    clause: str | None  # with its brackets


@dataclass
class Item:
    title: str
    measures: list[Measure] = field(default_factory=list)
    body: str | None = None  # a section item's text (指导思想, 基本原则, 主要目标)
    paren: bool = False  # measures on lines of their own, （1） （2）


@dataclass
class Part:
    title: str | None  # None: the part is one paragraph, itself a measure
    items: list[Item] = field(default_factory=list)
    intro: str | None = None
    paragraphs: list[str] = field(default_factory=list)  # unnumbered section paragraphs
    numbered: list[Item] = field(default_factory=list)  # measures 1. 2. directly under it
    measure: Measure | None = None  # the part-as-measure's paragraph


@dataclass
class Features:
    """What a document's text uses, for the manifest."""

    layout: list[str] = field(default_factory=list)
    clauses: dict[str, None] = field(default_factory=dict)  # ordered sets
    times: dict[str, None] = field(default_factory=dict)
    quantities: dict[str, None] = field(default_factory=dict)
    places: dict[str, None] = field(default_factory=dict)
    sectors: dict[str, None] = field(default_factory=dict)
    groups: dict[str, None] = field(default_factory=dict)


class Writer:
    """Writes the text of one planned document from the phrase bank."""

    def __init__(
        self, plan: Plan, bank: dict[str, Any], gaz: Gazetteer, seed: int, classic: bool
    ) -> None:
        self.plan = plan
        self.gaz = gaz
        self.bank = bank
        self.topic = plan.topic
        self.where = plan.where
        self.layout = plan.layout
        self.rng = random.Random(f"policykg-corpus:{seed}:{plan.index}")
        self.classic = classic
        self.features = Features()
        self.level_bank = bank["levels"][self.where.bank]
        self.words = dict(self.where.words)
        self.words["approver"] = fill_words(
            self.rng.choice(self.level_bank["approver"]), self.words
        )
        self.words["kind"] = bank["kinds"][plan.doc_type]
        self.agencies = self._agency_pool()
        forms = list(CLASSIC_CLAUSES if classic else CLASSIC_CLAUSES + MORE_CLAUSES)
        if not self.where.below:
            forms.remove("suffix-sharing")
        self.clause_forms = Deck(self.rng, forms)
        self.family = [f for f in CLAUSE_FAMILIES[self.layout.clause_family] if f in forms]
        self.time_forms = Deck(self.rng, TIME_FORMS)
        self.quantity_forms = Deck(self.rng, QUANTITY_FORMS)
        self.item_titles = Deck(self.rng, self.topic["items"])
        self.items_without_parts: list[Item] = []
        self.rule_stated = False
        self.rule_due = self.layout.first_listed_rule
        self.bytes = 0

    # -- slots ------------------------------------------------------------------------

    def fill(self, template: str, **given: str) -> str:
        """The template with every slot filled; slots may hold slots."""
        for _ in range(4):
            if "{" not in template:
                return template
            template = _SLOT.sub(lambda m: self.slot(m.group(1), given), template)
        return template

    def slot(self, name: str, given: dict[str, str]) -> str:
        if name in given:
            return given[name]
        if name in self.words:
            return self.words[name]
        rng, topic, phrases = self.rng, self.topic, self.bank["phrases"]
        if name in ("obj", "obj2"):
            return rng.choice(topic["objects"])
        if name == "domain":
            return rng.choice(topic["domain"])
        if name == "programme":
            return rng.choice(topic["programmes"])
        if name in ("sector", "group"):
            value = rng.choice(topic[name + "s"])
            getattr(self.features, name + "s")[value] = None
            return value
        if name in phrases:
            return rng.choice(phrases[name])
        if name == "law":
            return rng.choice(phrases["laws"])
        if name == "places":
            return self.places()
        if name == "region":
            return self.region()
        if name == "nat":
            return "、".join(self.national_agencies(self.rng.randint(1, 2)))
        if name == "goal":
            return self.fill(rng.choice(self.bank["front"]["goal"]))
        if name == "background":
            return self.fill(rng.choice(self.bank["front"]["background"]))
        if name in TIME_FORMS:
            return self.time_expression(name)
        if name == "time":
            return self.time_expression(self.time_forms.deal())
        if name == "quantity":
            return self.quantity(self.quantity_forms.deal())
        if name == "lead":
            return self.agency_names(1)[0]
        raise KeyError(f"corpus-phrases.toml: no slot {{{name}}}")

    def places(self) -> str:
        """Two or three places of the level below (cities of a province …); a county, with
        no places below it in the gazetteer, names kinds of place."""
        below = list(self.where.below)
        if not below:
            return (
                self.rng.choice(["县城", "重点镇", "中心村"])
                + "、"
                + self.rng.choice(["产业园区", "乡镇"])
            )
        chosen = self.rng.sample(below, min(len(below), self.rng.randint(2, 3)))
        names = [p.name for p in chosen]
        for name in names:
            self.features.places[name] = None
        return "、".join(names)

    def region(self) -> str:
        """A region the document's province belongs to (any, for a national document)."""
        place = self.where.place
        near = self.gaz.regions_of(self.gaz.province_of(place)) if place else []
        region = self.rng.choice(near or self.gaz.regions).name
        self.features.places[region] = None
        return region

    # -- agencies ---------------------------------------------------------------------

    def _agency_pool(self) -> dict[str, str]:
        """One written form per department the document names (a document keeps to one)."""
        column = self.where.column
        by_key = {d["key"]: d for d in self.bank["departments"] if d.get(column)}
        keys = [k for k in self.topic["departments"] if k in by_key]
        self.topic_agencies = len(keys)
        others = [k for k in by_key if k not in keys]
        keys += self.rng.sample(others, min(len(others), 6))
        pool = {}
        for key in keys:
            form = self.rng.choice(by_key[key][column])
            if "{" in form:
                pool[key] = fill_words(form, self.where.words)
            elif column == "national":
                pool[key] = form
            else:
                pool[key] = self.where.words["lv"] + form
        return pool

    def agency_names(self, k: int) -> list[str]:
        """k agencies of the pool, the topic's own first more often."""
        keys = list(self.agencies)
        weights = [3 if i < self.topic_agencies else 1 for i in range(len(keys))]
        chosen: list[str] = []
        while len(chosen) < min(k, len(keys)):
            key = self.rng.choices(keys, weights=weights)[0]
            if self.agencies[key] not in chosen:
                chosen.append(self.agencies[key])
        return chosen

    def national_agencies(self, k: int) -> list[str]:
        national = dict.fromkeys(
            d["national"][0] for d in self.bank["departments"] if d["national"]
        )
        return self.rng.sample(list(national), k)

    def collective(self) -> str:
        return fill_words(self.rng.choice(self.level_bank["collectives"]), self.words)

    # -- clauses ----------------------------------------------------------------------

    def clause(self) -> str:
        """A responsibility clause in one of the genre's forms, with its brackets."""
        rng = self.rng
        if self.rule_stated:  # the rule says who leads: a list is enough
            names = self.agency_names(weighted(rng, {1: 3, 2: 4, 3: 2, 4: 1}))
            self.features.clauses["listed" if len(names) > 1 else "sole"] = None
            return self.brackets("、".join(names) + "负责")
        if self.rule_due and rng.random() < 0.2:  # the rule, stated once, holds from here on
            rule = rng.choice(self.bank["sections"]["first_listed_rule"])
            content = "、".join(self.agency_names(rng.randint(2, 3))) + "负责。" + rule
            self.rule_due, self.rule_stated = False, True
            self.features.clauses["first-listed-rule"] = None
            return self.brackets(content)
        in_family = self.family and rng.random() < 0.85
        form = rng.choice(self.family) if in_family else self.clause_forms.deal()
        self.features.clauses[form] = None
        content = self.clause_content(form)
        return self.brackets(content)

    def clause_content(self, form: str) -> str:
        rng = self.rng
        names = self.agency_names
        many = lambda: names(weighted(rng, {2: 5, 3: 3, 4: 2, 5: 1}))  # noqa: E731
        join = "、".join
        if form == "lead":
            return names(1)[0] + "牵头负责"
        if form == "shared":
            return join(many()) + rng.choice(
                ["按职责分工负责", "按职责分工负责", "按照职责分工负责"]
            )
        if form == "sole":
            return names(1)[0] + "负责"
        if form == "collective":
            return self.collective() + "负责"
        if form == "open-list":
            return join(many()) + rng.choice(["等部门", "等有关部门"]) + "按职责分工负责"
        if form == "suffix-sharing":
            below = rng.sample(
                list(self.where.below), min(len(self.where.below), rng.randint(2, 4))
            )
            places = [p.name for p in below]
            for p in places:
                self.features.places[p] = None
            return names(1)[0] + "和" + "、".join(places) + "人民政府按职责分工负责"
        if form == "label-responsible":
            return "责任单位：" + join(names(rng.randint(1, 3)))
        if form == "label-department":
            return "负责部门：" + join(names(rng.randint(1, 3)))
        if form == "label-lead-support":
            lead, *support = many()
            return f"牵头单位：{lead}；配合单位：{join(support)}"
        if form == "label-lead-support-collective":
            lead, *support = many()
            bare = fill_words(rng.choice(self.level_bank["collective_bare"]), self.words)
            return f"牵头单位：{lead}，配合单位：{join(support)}，{bare}"
        if form == "lead-support":
            lead, *support = many()
            return f"{lead}牵头，{join(support)}配合"
        if form == "lead-participate":
            lead, *support = many()
            return f"{lead}牵头，{join(support)}参与"
        if form == "lead-implement":
            return f"{names(1)[0]}牵头，{self.collective()}具体落实"
        if form == "comma-shared":
            first, second = names(2) if rng.random() < 0.5 else (names(1)[0], self.collective())
            return f"{first}，{second}按职责分工负责"
        if form == "huitong":
            lead, *support = names(rng.randint(2, 3))
            return f"{lead}会同{join(support)}负责"
        if form == "fenbie":
            return join(many()) + "分别负责"
        if form == "deng-he":
            return join(many()) + "等和" + self.collective() + "负责"
        raise ValueError(form)

    def brackets(self, content: str) -> str:
        if self.layout.half_width_clauses and self.rng.random() < 0.4:
            self.features.clauses["half-width-brackets"] = None
            return self.rng.choice(["(", "("]) + content + self.rng.choice([")", "）"])
        return f"（{content}）"

    # -- time expressions and quantities ----------------------------------------------

    def time_expression(self, form: str) -> str:
        """A time expression of ``form`` with dates near the document's issue date."""
        rng, issued = self.rng, self.plan.issued
        later = issued + timedelta(rng.randint(45, 540))
        values = {"y": str(later.year), "m": str(later.month), "d": str(later.day)}
        if form in ("year_end", "year", "by_year"):
            values["y"] = str(issued.year + rng.randint(form != "year_end", 3))
        elif form == "span":
            start = issued + timedelta(rng.randint(0, 60))
            end = start + timedelta(rng.randint(60, 400))
            values = {"y": str(start.year), "m": str(start.month), "d": str(start.day)}
            values.update(y2=str(end.year), m2=str(end.month), d2=str(end.day))
        elif form == "five_year_plan":
            values["plan"] = ("十三五", "十四五", "十五五")[
                min(2, max(0, (issued.year - 2016) // 5))
            ]
        elif form == "holiday":
            holiday = rng.choice(["春节", "国庆"])
            passed = issued.month >= (2 if holiday == "春节" else 10)
            values.update(holiday=holiday, y=str(issued.year + passed))
            if passed:  # a holiday of the next year needs its year
                self.features.times[form] = None
                return self.fill("{y}年{holiday}前", **values)
        elif form in ("monthly", "yearly"):
            month = rng.randint(1, 12)
            values.update(m=str(month), d=str(rng.choice([5, 10, 15, 20, 25])))
        self.features.times[form] = None
        return self.fill(rng.choice(self.bank["time"][form]), **values)

    def quantity(self, form: str) -> str:
        rng, topic = self.rng, self.topic
        thing, unit = rng.choice(topic["things"])
        big, bigunit = rng.choice(topic["big"])
        values = {
            "rate": rng.choice(topic["rates"]),
            "growth": rng.choice(topic["growth"]),
            "money": rng.choice(topic["money"]),
            "thing": thing,
            "unit": unit,
            "big": big,
            "bigunit": bigunit,
            "pct": str(rng.choice([30, 35, 50, 60, 70, 75, 80, 85, 90, 95])),
            "pct_low": _decimal(rng.randint(10, 120) / 10),
            "n": str(rng.randint(2, 60)),
            "n_small": str(rng.randint(1, 15)),
            "wan": _decimal(rng.choice([0.5, 1, 1.2, 2, 3, 5.5, 8, 10, 12, 20, 35])),
            "yi": _decimal(rng.choice([0.8, 1, 1.5, 2, 3, 5, 10, 20, 50, 120])),
            "person": rng.choice(self.bank["quantity"]["persons"]),
            "obj": rng.choice(topic["objects"]),
        }
        if form == "parts_of_whole":
            whole = rng.choice([10, 20, 30, 100, 500, 600, 800])  # tenths of a per cent
            part = (
                rng.randint(1, whole - 1) if whole < 100 else rng.randint(1, whole // 10 - 1) * 10
            )
            share1, share2 = rng.choice(self.bank["quantity"]["shares"])
            values.update(
                pct=_decimal(whole / 10),
                pct1=_decimal(part / 10),
                pct2=_decimal((whole - part) / 10),
                share1=share1,
                share2=share2,
            )
        elif form == "range":
            a, b = rng.choice([(16, 24), (18, 35), (16, 59), (45, 60)])
            years = rng.choice([(1, 3), (2, 3), (3, 5)])
            values.update(a=str(a), b=str(b), years_from=str(years[0]), years_to=str(years[1]))
        elif form == "chinese_numeral":
            values["cn"] = _CN_NUMBERS[rng.choice(list(_CN_NUMBERS))]
        self.features.quantities[form] = None
        return self.fill(rng.choice(self.bank["quantity"][form]), **values)

    # -- measures, items, parts ---------------------------------------------------------

    def sentence(self) -> str:
        rng, phrases = self.rng, self.bank["phrases"]
        roll = rng.random()
        if roll < 0.3:
            form = self.time_forms.deal()
            key = (
                "timed_after"
                if form in _TIME_AFTER
                else "timed_clause"
                if form in _TIME_CLAUSE
                else "timed"
            )
            return self.fill(rng.choice(phrases[key]), time=self.time_expression(form))
        if roll < 0.55:
            return self.fill(rng.choice(phrases["quantified"]))
        return self.fill(rng.choice(phrases["sentences"]))

    def measure(self, with_clause: bool = True) -> Measure:
        text = "".join(self.sentence() for _ in range(weighted(self.rng, {1: 4, 2: 4, 3: 2})))
        clause = self.clause() if with_clause else None
        self.bytes += len(text.encode()) + (len(clause.encode()) if clause else 0)
        return Measure(text, clause)

    def item(self, single: bool = False) -> Item:
        """An item: a title sentence and its measures (one, when numbered as a measure)."""
        title = self.item_title()
        n = 1 if single else weighted(self.rng, {1: 3, 2: 4, 3: 3, 4: 2, 5: 1})
        with_clause = not self.layout.unclaused
        item = Item(title, [self.measure(with_clause) for _ in range(n)])
        item.paren = (
            self.layout.paren_measures and n > 1 and with_clause and self.rng.random() < 0.5
        )
        self.bytes += len(title.encode()) + 12
        return item

    def item_title(self) -> str:
        title = self.item_titles.deal()
        if self.rng.random() < 0.25:  # a title made of words, so that long documents vary
            title = self.fill("{verb}{obj}")
        return title

    def body_parts(self, budget: int) -> tuple[list[Part], list[Item]]:
        """The document's parts (empty when items stand without parts) and, when they do,
        its items; filled until ``budget`` bytes of text."""
        layout = self.layout
        if layout.body == "items-arabic":
            items = self.items_without_parts
            while self.bytes < budget or len(items) < 3:
                items.append(self.item())
            return [], items
        parts: list[Part] = []
        if layout.principles or layout.goals:
            parts.extend(self.requirements())
        titles = self.rng.sample(self.topic["parts"], self.rng.randint(2, len(self.topic["parts"])))
        single = layout.body == "measures-arabic"
        for n, title in enumerate(titles):
            if layout.part_as_measure and n == len(titles) // 2:
                parts.append(Part(None, measure=self.measure()))
            part = Part(title)
            if layout.part_intro and (n == 0 or self.rng.random() < 0.4):
                part.intro = self.fill(self.rng.choice(self.bank["sections"]["part_intro"]))
                self.features.layout.append("part-intro")
            units = part.numbered if single else part.items
            stop = self.bytes + (budget - self.bytes) // (len(titles) - n)
            while self.bytes < stop or not units:
                units.append(self.item(single))
            parts.append(part)
        return parts, []

    def requirements(self) -> list[Part]:
        """总体要求 and 主要目标: the guiding thought and principles, and the goals with their
        targets; as items of one part （一）指导思想 （二）基本原则 （三）主要目标, or as
        paragraphs under part titles."""
        sections, rng, layout = self.bank["sections"], self.rng, self.layout
        parts = []
        as_items = layout.body != "measures-arabic" and rng.random() < 0.6
        if layout.principles:
            with_goals = layout.goals and as_items
            titles = sections["requirements"] + sections["requirements_goals"] * with_goals
            part = Part(rng.choice(titles))
            guiding = self.fill(rng.choice(sections["guiding"]))
            principles = [
                f"{head}。{self.fill(body)}。"
                for head, body in rng.sample(sections["principles"], rng.randint(3, 5))
            ]
            if as_items:
                part.items.append(Item(rng.choice(sections["guiding_title"]), body=guiding))
                part.items.append(
                    Item(rng.choice(sections["principles_title"]), body="".join(principles))
                )
            else:
                part.paragraphs = [guiding, *principles]
            self.features.layout.append("principles")
            parts.append(part)
        if layout.goals:
            goals = self.goals()
            title = rng.choice(sections["goals_title"])
            if parts and as_items:
                parts[0].items.append(Item(title, body=goals))
            else:
                parts.append(Part(title, paragraphs=[goals]))
            self.features.layout.append("goals")
        for part in parts:
            self.bytes += sum(len(p.encode()) for p in part.paragraphs)
            self.bytes += sum(len((i.body or "").encode()) for i in part.items)
        return parts

    def goals(self) -> str:
        sections, rng = self.bank["sections"], self.rng
        year = str(self.plan.issued.year + rng.randint(2, 5))
        self.features.times["by_year"] = None
        lead = self.fill(rng.choice(sections["goals_lead"]), year=year)
        targets = "，".join(
            self.quantity(f) for f in ("percent", "min", "wan")[: rng.randint(2, 3)]
        )
        return (
            lead
            + self.fill(rng.choice(sections["goals_tail"])).rstrip("。")
            + "，"
            + targets
            + "。"
        )

    def closing(self) -> Part:
        """The closing part (保障措施): its items, or measures numbered 1. 2. under it."""
        sections, rng = self.bank["sections"], self.rng
        part = Part(rng.choice(sections["closing_parts"]))
        chosen = rng.sample(sections["closing_items"], rng.randint(2, 4))
        with_clause = not self.layout.unclaused
        units = []
        for title, text in chosen:
            measure = Measure(self.fill(text), self.clause() if with_clause else None)
            units.append(Item(title, [measure]))
        if self.layout.measures_under_part or self.layout.body == "measures-arabic":
            part.numbered = units
        else:
            part.items = units
        return part

    def closing_paragraph(self) -> str:
        template = self.rng.choice(self.bank["sections"]["closing_paragraph"])
        return self.fill(template, lead=self.agency_names(1)[0])

    # -- the whole document --------------------------------------------------------------

    def write(self) -> tuple[str, dict[str, Any]]:
        """The document's text and its manifest entry."""
        target = int(math.exp(self.rng.uniform(math.log(5_500), math.log(34_000))))
        preamble = self.preamble()
        parts, items = self.body_parts(max(1_500, target - 2_500))
        closing = self.closing()
        if parts:
            parts.append(closing)
        else:
            items.extend(closing.items or closing.numbered)
        tail = self.closing_paragraph() if self.layout.closing_paragraph else None
        text = Renderer(self, preamble, parts, items, tail).render()
        for _ in range(100):  # the estimate missed: one item more, or one fewer
            size = len(text.encode())
            if MIN_BYTES <= size <= MAX_BYTES:
                break
            units = self.longest_units(parts, items)
            if size < MIN_BYTES:
                units.append(
                    self.item(single=bool(parts) and self.layout.body == "measures-arabic")
                )
            elif len(units) > 1:
                units.pop()
            else:
                break
            text = Renderer(self, preamble, parts, items, tail).render()
        return text, self.manifest_entry(text, parts, items)

    @staticmethod
    def longest_units(parts: list[Part], items: list[Item]) -> list[Item]:
        """The longest list of items (or numbered measures) of the body's content parts."""
        if not parts:
            return items
        content = [u for p in parts[:-1] for u in (p.items, p.numbered) if u and u[0].body is None]
        return max(content, key=len) if content else parts[0].items

    def preamble(self) -> str:
        front, rng, plan = self.bank["front"], self.rng, self.plan
        approved = self.where.level == "national" and rng.random() < 0.6
        given = {"approval": "经国务院同意，" if approved else "", "doc_type": plan.doc_type}
        if plan.parent is not None:
            parent = plan.parent
            number = f"（{parent.canonical_number}）" if parent.layout.numbered else ""
            lead = self.fill(rng.choice(front["basis"]), basis=parent.title, number=number)
        else:
            lead = self.fill(rng.choice(front["root"]))
        genre = GENRE_TYPES[plan.doc_type]
        ending = (
            "notice_end"
            if genre == "通知"
            else "opinion_end"
            if genre == "意见" and not self.layout.wrapper
            else "plan_end"
        )
        return lead + self.fill(rng.choice(front[ending]), **given)

    def manifest_entry(self, text: str, parts: list[Part], items: list[Item]) -> dict[str, Any]:
        plan, layout = self.plan, self.layout
        all_items = items + [i for p in parts for i in p.items]
        numbered = [i for p in parts for i in p.numbered]
        measures = [m for i in all_items + numbered for m in i.measures] + [
            p.measure for p in parts if p.measure
        ]
        features = self.layout_features(parts)
        place = plan.where.place
        parent = plan.parent
        return {
            "file": plan.file_name,
            "number": plan.canonical_number if layout.numbered else None,
            "printed_number": plan.number if layout.numbered else None,
            "issuer": plan.issuer,
            "issuer_code": plan.issuer_code,
            "level": plan.where.level,
            "jurisdiction": {
                "name": place.name if place else "中华人民共和国",
                "code": place.code if place else None,
            },
            "date": plan.issued.isoformat(),
            "document_type": GENRE_TYPES[plan.doc_type],
            "title": plan.title,
            "notice_title": plan.notice_title,
            "topic": self.topic["key"],
            "basis": None
            if parent is None
            else {
                "title": parent.title,
                "number": parent.canonical_number if parent.layout.numbered else None,
                "file": parent.file_name,
            },
            "bytes": len(text.encode()),
            "parts": len(parts),
            "items": len([i for i in all_items if i.body is None]),
            "measures": len(measures),
            "clauses": len([m for m in measures if m.clause]),
            "layout": features,
            "clause_forms": list(self.features.clauses),
            "time_forms": list(self.features.times),
            "quantity_forms": list(self.features.quantities),
            "places": list(self.features.places),
            "sectors": list(self.features.sectors),
            "groups": list(self.features.groups),
        }

    def all_items(self, parts: list[Part]) -> list[Item]:
        return self.items_without_parts + [i for p in parts for i in p.items]

    def layout_features(self, parts: list[Part]) -> list[str]:
        layout = self.layout
        out = ["notice-wrapper" if layout.wrapper else "no-wrapper"]
        out.append("numbered" if layout.numbered else "unnumbered")
        out.append(
            {
                "line": "issuer-line",
                "title-only": "issuer-in-notice-title-only",
                "signature": "signature",
                "signature-only": "issuer-in-signature-only",
            }[layout.issuer]
        )
        out.append(layout.body)
        if any(i.paren and len(i.measures) > 1 for i in self.all_items(parts)):
            out.append("measures-paren")
        if any(p.numbered for p in parts) and layout.body != "measures-arabic":
            out.append("measures-under-part")
        if any(p.measure for p in parts):
            out.append("part-as-measure")
        out.extend(dict.fromkeys(self.features.layout))
        flags = {
            "closing-paragraph": layout.closing_paragraph,
            "one-paragraph": layout.one_paragraph,
            "unclaused": layout.unclaused,
            "indented": layout.indent and not layout.one_paragraph,
            "blank-lines": layout.blank_lines,
            "chinese-date": layout.chinese_date,
            "square-number": layout.square_number and layout.numbered,
            "release-note": layout.release_note,
            "print-line": layout.print_line,
        }
        out.extend(name for name, on in flags.items() if on)
        return out


class Renderer:
    """Lays a written document out as text, line by line, in the plan's layout."""

    def __init__(
        self, w: Writer, preamble: str, parts: list[Part], items: list[Item], tail: str | None
    ) -> None:
        self.w, self.plan, self.layout = w, w.plan, w.layout
        self.preamble, self.parts, self.items, self.tail = preamble, parts, items, tail
        self.lines: list[str] = []
        self.indent = "\u3000\u3000" if self.layout.indent else ""

    def render(self) -> str:
        if self.layout.wrapper:
            self.wrapped_header()
        else:
            self.direct_header()
        self.para(self.preamble)
        self.body()
        if self.tail:
            self.para(self.tail)
        if self.layout.wrapper:
            if self.layout.print_line:
                self.blank()
                self.lines.append(
                    f"{self.indent}{self.plan.issuer}\u3000\u3000\u3000\u3000\u3000\u3000\u3000{self.date()}印发"
                )
        elif self.layout.issuer != "title-only":
            self.blank()
            self.signature()
        if self.layout.one_paragraph:
            return "".join(line.strip() for line in self.lines if line.strip()) + "\n"
        return "\n".join(self.lines) + "\n"

    def blank(self) -> None:
        if self.layout.blank_lines:
            self.lines.append("")

    def para(self, text: str) -> None:
        self.lines.append(self.indent + text)

    def date(self) -> str:
        d = self.plan.issued
        if self.layout.chinese_date:
            year = "".join(_CN_DIGITS[int(c)] for c in str(d.year))
            return f"{year}年{_cn_count(d.month)}月{_cn_count(d.day)}日"
        return f"{d.year}年{d.month}月{d.day}日"

    def release(self) -> None:
        if self.layout.release_note:
            self.para(self.w.rng.choice(self.w.bank["front"]["release_notes"]))

    def addressees(self) -> None:
        self.lines.append(
            fill_words(self.w.rng.choice(self.w.level_bank["addressees"]), self.w.words)
        )

    def wrapped_header(self) -> None:
        plan, w = self.plan, self.w
        self.lines.append(plan.notice_title or "")
        self.blank()
        if self.layout.numbered:
            self.lines.append(plan.number)
            self.blank()
        self.addressees()
        self.para(w.fill(w.rng.choice(w.level_bank["notice"]), body=plan.title))
        self.blank()
        if self.layout.issuer == "line":
            self.lines.append(plan.issuer)
        self.lines.append(self.date())
        self.release()
        self.blank()
        self.lines.append(plan.title)
        self.blank()

    def direct_header(self) -> None:
        self.lines.append(self.plan.title)
        if self.layout.numbered:
            self.lines.append(self.plan.number)
        self.addressees()

    def signature(self) -> None:
        self.lines.append(self.plan.issuer)
        self.lines.append(self.date())
        self.release()

    def body(self) -> None:
        if not self.parts:
            for n, item in enumerate(self.items, 1):
                self.item(f"{n}.", item, arabic=True)
            return
        item_no = measure_no = 0
        for p, part in enumerate(self.parts, 1):
            label = _cn_count(p) + "、"
            if part.title is None:  # the part is its measure
                self.para(label + part.measure.text + part.measure.clause)
                continue
            self.para(label + part.title)
            if part.intro:
                self.para(part.intro)
            for paragraph in part.paragraphs:
                self.para(paragraph)
            if self.layout.body == "items-per-part":
                item_no = 0
            for item in part.items:
                item_no += 1
                self.item(f"（{_cn_count(item_no)}）", item)
            if part.numbered and self.layout.body != "measures-arabic":
                measure_no = 0  # measures under a closing part are numbered in it
            for item in part.numbered:
                measure_no += 1
                self.item(f"{measure_no}.", item, arabic=True)

    def item(self, label: str, item: Item, arabic: bool = False) -> None:
        if item.body is not None:
            self.para(f"{label}{item.title}。{item.body}")
            return
        if item.paren and len(item.measures) > 1:
            self.para(f"{label}{item.title}。")
            for n, m in enumerate(item.measures, 1):
                self.para(f"（{n}）{m.text}{m.clause or ''}")
            return
        text = "".join(m.text + (m.clause or "") for m in item.measures)
        self.para(f"{label}{item.title}。{text}")


def _cn_count(n: int) -> str:
    """一 … 九十九, as part and item labels write them."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def _decimal(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


# --- the corpus --------------------------------------------------------------------------


def load_bank(path: Path = PHRASES) -> dict[str, Any]:
    with path.open("rb") as f:
        return tomllib.load(f)


def places_file() -> Path:
    return Path(str(resources.files("policykg.graph").joinpath("data/places.ttl")))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def generate(
    count: int, seed: int, classic: bool, progress: Callable[[int], None] | None = None
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(file name, text, manifest entry) of each of ``count`` documents, in order."""
    bank = load_bank()
    gaz = read_gazetteer(places_file())
    planner = Planner(seed, bank, gaz, classic)
    for n, plan in enumerate(planner.plans()):
        if n == count:
            return
        text, entry = Writer(plan, bank, gaz, seed, classic).write()
        if progress:
            progress(n + 1)
        yield plan.file_name, text, entry


def write_corpus(out: Path, count: int, seed: int, layouts: str, force: bool) -> tuple[int, float]:
    """Write the corpus into ``out`` (created whole, then moved into place); total bytes and
    seconds."""
    started = time.perf_counter()
    _check_destination(out, force)
    out.parent.mkdir(parents=True, exist_ok=True)
    step = max(1, count // 10) if count >= 100 else 0

    def progress(done: int) -> None:
        if step and (done % step == 0 or done == count):
            print(f"  generated {done:,}/{count:,} documents", file=sys.stderr, flush=True)

    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    staging.chmod(0o777 & ~_umask())  # mkdtemp makes it private; a corpus is not
    try:
        entries, total = [], 0
        for name, text, entry in generate(count, seed, layouts == "classic", progress):
            data = text.encode("utf-8")
            (staging / name).write_bytes(data)
            total += len(data)
            entries.append(entry)
        manifest = {
            "generator": GENERATOR,
            "arguments": {"count": count, "seed": seed, "layouts": layouts},
            "inputs": {"corpus-phrases.toml": sha256(PHRASES), "places.ttl": sha256(places_file())},
            "documents": entries,
        }
        (staging / "manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        if out.exists():
            shutil.rmtree(out) if any(out.iterdir()) else out.rmdir()
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return total, time.perf_counter() - started


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class UsageError(Exception):
    """Arguments the generator cannot act on; the message says what to give instead."""


def _check_destination(out: Path, force: bool) -> None:
    if not out.exists():
        return
    if not out.is_dir():
        raise UsageError(f"{out} is a file; give a folder for the corpus")
    if not any(out.iterdir()):
        return
    manifest = out / "manifest.json"
    ours = False
    if manifest.is_file():
        try:
            ours = json.loads(manifest.read_text(encoding="utf-8")).get("generator") == GENERATOR
        except (ValueError, OSError):
            ours = False
    if not ours:
        raise UsageError(f"{out} is not empty and holds no corpus; give a new or empty folder")
    if not force:
        raise UsageError(f"{out} already holds a corpus; add --force to replace it")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=_positive, required=True, help="number of documents")
    parser.add_argument("--seed", type=int, default=1, help="the seed (default 1)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write (new or empty)")
    parser.add_argument(
        "--layouts",
        choices=("all", "classic"),
        default="all",
        help="all layouts of the genre (default), or only those of a notice-wrapped plan",
    )
    parser.add_argument("--force", action="store_true", help="replace a corpus already in --out")
    args = parser.parse_args(argv)
    try:
        total, seconds = write_corpus(args.out, args.count, args.seed, args.layouts, args.force)
    except (UsageError, OSError) as err:
        parser.exit(2, f"error: {err}\n")
    except KeyboardInterrupt:
        parser.exit(130, "interrupted: nothing written\n")
    print(
        f"wrote {args.count:,} documents ({total / 1e6:.1f} MB) and manifest.json to {args.out} "
        f"in {seconds:.1f} s"
    )


def _positive(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError("give at least 1 document")
    return n


if __name__ == "__main__":
    main()
