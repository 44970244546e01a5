"""Mentions of named things: programmes in “”, places from a gazetteer, taxonomy terms.

The gazetteer (surface form → place key) and the term map (surface form → (kind, concept
IRI) pairs) are built from RDF reference data elsewhere; this module only matches them.
Matching is longest-first and non-overlapping, by a scan that looks up the substrings
starting at each character whose lengths the dictionary holds (a dict lookup per
candidate, no backtracking), built once per mapping.

Decisions:

* programmes: every “…” (or "…", 「…」) of 2–30 characters is a name (programme, campaign,
  platform, brand), unless it holds punctuation (、，。；！？): those are slogans or lists
  (“照、章、税、金、保、医、银”, “线下购物线上退，本地购物异地退”), or it is a five-year
  plan's label (“十四五”期间 is a time expression). Quoted catchwords (“三农”, “网红”) are
  kept: telling them from names would need a list, and the rule is kept simple.
* places are kept inside longer names (太原 in 人行太原中心支行, 运城 in 山西（运城）国际果品
  交易博览会): the name still refers to the place. Not kept: a match followed by a
  character that makes it a geographic feature or street (吕梁 in 吕梁山, 汾 in 汾河: 山 河
  湖 江 路 街), a district name followed by 域 (…区域 is "area"), and matches inside 《》
  titles (they belong to the cited document).
* which surface forms count depends on the document's jurisdiction (:func:`build_gazetteer`;
  the forms themselves come from the reference data, tools/gb2260_to_rdf.py decides them):
  provinces, regions and full names of prefecture-level divisions count everywhere; the
  short form of a prefecture (保定 for 保定市) counts in a document of its own province,
  elsewhere (another province's document, a national one) only inside a list of places
  (沈阳、大连、厦门), since alone it is too likely a piece of another word (医保定点);
  a county's full name counts everywhere when no other county has it, and a name several
  counties share (朝阳区, 鼓楼区) counts only where the document's prefecture or province
  holds exactly one of them; a county's short form (阳曲) counts only in a document of its
  own province. Where forms of different levels are the same, the larger division wins.
* terms: inside 《》 titles they are not matched either; a surface form with several
  concepts yields one mention per concept on the same span.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from policykg.graph.citations import title_stretches
from policykg.graph.model import Mention, Span

_QUOTED = re.compile(r"“(?P<a>[^“”\n]{2,30})”|\"(?P<b>[^\"\n]{2,30})\"|「(?P<c>[^「」\n]{2,30})」")
_SLOGAN_PUNCTUATION = re.compile(r"[、，,。；;！？!?]")
_FIVE_YEAR_LABEL = re.compile(r"十?[一二三四五六七八九]?五")  # “十四五”: a period, not a name
_FEATURE_AFTER = frozenset("山河湖江路街")
_ADMINISTRATIVE_SUFFIX = re.compile(r"(?:省|市|县|区|旗|州|盟|自治区|特别行政区|地区)$")
# What stands between the places of a list (沈阳、大连和厦门).
_LIST_SEPARATORS = frozenset("、，,和及与")
_LEVEL_RANK = {"country": 0, "province": 1, "region": 2, "prefecture": 3, "county": 4}


@dataclass(frozen=True)
class PlaceForm:
    """One surface form of a place in the reference data."""

    form: str
    iri: str
    code: str | None  # GB/T 2260, None for the country and regions
    level: str  # country | province | region | prefecture | county
    short: bool = False  # the name cut short (太原 for 太原市, 恩施 for 恩施土家族苗族自治州)

    @property
    def is_short(self) -> bool:
        """A short form of a prefecture or county (太原, 阳曲)."""
        return self.short and self.level in ("prefecture", "county")


class Gazetteer(dict[str, str]):
    """Surface form → place IRI for one document's jurisdiction; ``weak`` forms count only
    inside a list of places. Built by :func:`build_gazetteer`; :meth:`local` gives the
    gazetteer of another jurisdiction (built once per jurisdiction)."""

    def __init__(
        self,
        mapping: Mapping[str, str],
        weak: Iterable[str],
        candidates: Mapping[str, tuple[PlaceForm, ...]],
    ) -> None:
        super().__init__(mapping)
        self.weak = frozenset(weak)
        self._candidates = candidates
        self._local: dict[str | None, Gazetteer] = {}

    def local(self, jurisdiction_code: str | None) -> Gazetteer:
        """The gazetteer of a document of that jurisdiction (a GB/T 2260 code or None)."""
        if jurisdiction_code not in self._local:
            self._local[jurisdiction_code] = _for_jurisdiction(self._candidates, jurisdiction_code)
        return self._local[jurisdiction_code]


def build_gazetteer(forms: Iterable[PlaceForm], jurisdiction_code: str | None) -> Gazetteer:
    """The forms that count in a document of the jurisdiction (a GB/T 2260 code; None for
    a national document or one whose place is unknown), by the rules of this module."""
    grouped: dict[str, dict[str, PlaceForm]] = {}
    for f in forms:
        if len(f.form) >= 2:
            grouped.setdefault(f.form, {})[f.iri] = f
    candidates = {}
    for form, by_iri in grouped.items():
        best = min(_LEVEL_RANK.get(c.level, 9) for c in by_iri.values())
        candidates[form] = tuple(
            sorted(
                (c for c in by_iri.values() if _LEVEL_RANK.get(c.level, 9) == best),
                key=lambda c: c.iri,
            )
        )
    return _for_jurisdiction(candidates, jurisdiction_code)


def _for_jurisdiction(
    candidates: Mapping[str, tuple[PlaceForm, ...]], jurisdiction_code: str | None
) -> Gazetteer:
    province = jurisdiction_code[:2] if jurisdiction_code else None
    prefecture = jurisdiction_code[:4] if jurisdiction_code else None
    mapping: dict[str, str] = {}
    weak: list[str] = []
    for form, top in candidates.items():
        if len(top) > 1:  # several divisions of one level: the document's own, if one
            top = tuple(c for c in top if c.code and c.code[:4] == prefecture) or tuple(
                c for c in top if c.code and c.code[:2] == province
            )
            if len(top) != 1:
                continue
        chosen = top[0]
        own = bool(chosen.code and province and chosen.code[:2] == province)
        if chosen.is_short and chosen.level == "county" and not own:
            continue
        mapping[form] = chosen.iri
        if chosen.is_short and not own:
            weak.append(form)
    return Gazetteer(dict(sorted(mapping.items())), weak, candidates)


class DictionaryMatcher:
    """Longest-first, non-overlapping matching of a fixed set of surface forms."""

    def __init__(self, surfaces: Iterable[str]) -> None:
        lengths: dict[str, set[int]] = {}
        self._surfaces: set[str] = set()
        for surface in surfaces:
            if not surface:
                continue
            self._surfaces.add(surface)
            lengths.setdefault(surface[0], set()).add(len(surface))
        self._lengths = {ch: sorted(ls, reverse=True) for ch, ls in lengths.items()}

    def matches(self, text: str) -> list[tuple[int, int, str]]:
        """Return (begin, end, surface) for each match, in text order."""
        found = []
        i, n = 0, len(text)
        lengths, surfaces = self._lengths, self._surfaces
        while i < n:
            candidates = lengths.get(text[i])
            if candidates:
                for length in candidates:
                    piece = text[i : i + length]
                    if piece in surfaces:
                        found.append((i, i + length, piece))
                        i += length
                        break
                else:
                    i += 1
            else:
                i += 1
        return found


def local_gazetteer(
    gazetteer: Mapping[str, str], place_code: Callable[[str], str | None], province_code: str | None
) -> dict[str, str]:
    """The gazetteer without unsuffixed short forms of cities and counties outside the
    province ``province_code`` (e.g. 140000); unchanged when the province is unknown.

    A :class:`Gazetteer` (what the reference data gives) is rebuilt for the jurisdiction
    by :func:`build_gazetteer`; a plain mapping is only filtered."""
    if isinstance(gazetteer, Gazetteer):
        return gazetteer.local(province_code)
    if province_code is None:
        return dict(gazetteer)
    kept = {}
    for surface, key in gazetteer.items():
        code = place_code(key)
        far_short_form = (
            code is not None
            and not code.endswith("0000")
            and code[:2] != province_code[:2]
            and not _ADMINISTRATIVE_SUFFIX.search(surface)
        )
        if not far_short_form:
            kept[surface] = key
    return kept


def _inside(regions: list[tuple[int, int]], b: int, e: int) -> bool:
    return any(rb <= b and e <= re_ for rb, re_ in regions)


def find_programmes(text: str, offset: int) -> list[Mention]:
    """Return the names in quotation marks in ``text`` (which starts at ``offset``): kind
    'programme', key the name as written, span the name without its quotes."""
    mentions = []
    for m in _QUOTED.finditer(text):
        group = m.lastgroup or "a"
        name = m.group(group)
        if _SLOGAN_PUNCTUATION.search(name) or _FIVE_YEAR_LABEL.fullmatch(name) or not name.strip():
            continue
        begin, end = m.span(group)
        mentions.append(Mention(Span(offset + begin, offset + end, name), "programme", name))
    return mentions


def find_places(
    text: str, offset: int, gazetteer: Mapping[str, str], matcher: DictionaryMatcher | None = None
) -> list[Mention]:
    """Return the places in ``text`` (which starts at ``offset``): the gazetteer's surface
    forms, longest match first; key is the gazetteer's value for the surface form."""
    matcher = matcher or DictionaryMatcher(gazetteer.keys())
    titles = title_stretches(text)
    found = [
        (begin, end, surface)
        for begin, end, surface in matcher.matches(text)
        if surface in gazetteer
        and not (end < len(text) and text[end] in _FEATURE_AFTER)
        and not (surface.endswith("区") and text[end : end + 1] == "域")
        and not _inside(titles, begin, end)
    ]
    weak: frozenset[str] = getattr(gazetteer, "weak", frozenset())
    return [
        Mention(Span(offset + begin, offset + end, surface), "place", gazetteer[surface])
        for k, (begin, end, surface) in enumerate(found)
        if surface not in weak or _in_a_list(text, found, k)
    ]


def _in_a_list(text: str, found: list[tuple[int, int, str]], k: int) -> bool:
    """Whether match ``k`` stands in a list of places: a list separator alone between it
    and the place before or after it."""
    begin, end, _ = found[k]
    before = k > 0 and _separated(text, found[k - 1][1], begin)
    after = k + 1 < len(found) and _separated(text, end, found[k + 1][0])
    return before or after


def _separated(text: str, left_end: int, right_begin: int) -> bool:
    return right_begin - left_end == 1 and text[left_end] in _LIST_SEPARATORS


def find_terms(
    text: str,
    offset: int,
    terms: Mapping[str, list[tuple[str, str]]],
    matcher: DictionaryMatcher | None = None,
) -> list[Mention]:
    """Return the taxonomy terms in ``text`` (which starts at ``offset``), longest match
    first: one mention per (kind, concept IRI) of the matched surface form."""
    matcher = matcher or DictionaryMatcher(terms.keys())
    titles = title_stretches(text)
    mentions: list[Mention] = []
    for begin, end, surface in matcher.matches(text):
        if _inside(titles, begin, end):
            continue
        span = Span(offset + begin, offset + end, surface)
        mentions.extend(Mention(span, kind, iri) for kind, iri in terms[surface])
    return mentions
