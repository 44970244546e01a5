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
  湖 江 路 街), and matches inside 《》 titles (they belong to the cited document).
* short names of places far away: an unsuffixed short form (保定, not 保定市) of a city or
  county outside the document's province is too likely a piece of another word (环保定期
  检验), so ``local_gazetteer`` drops such forms for a document; provinces, regions and
  full names stay.
* terms: inside 《》 titles they are not matched either; a surface form with several
  concepts yields one mention per concept on the same span.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

from policykg.graph.citations import title_stretches
from policykg.graph.model import Mention, Span

_QUOTED = re.compile(r"“(?P<a>[^“”\n]{2,30})”|\"(?P<b>[^\"\n]{2,30})\"|「(?P<c>[^「」\n]{2,30})」")
_SLOGAN_PUNCTUATION = re.compile(r"[、，,。；;！？!?]")
_FIVE_YEAR_LABEL = re.compile(r"十?[一二三四五六七八九]?五")  # “十四五”: a period, not a name
_FEATURE_AFTER = frozenset("山河湖江路街")
_ADMINISTRATIVE_SUFFIX = re.compile(r"(?:省|市|县|区|旗|州|盟|自治区|特别行政区)$")


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
    province ``province_code`` (e.g. 140000); unchanged when the province is unknown."""
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
    mentions = []
    for begin, end, surface in matcher.matches(text):
        if end < len(text) and text[end] in _FEATURE_AFTER:
            continue
        if _inside(titles, begin, end):
            continue
        mentions.append(
            Mention(Span(offset + begin, offset + end, surface), "place", gazetteer[surface])
        )
    return mentions


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
    mentions = []
    for begin, end, surface in matcher.matches(text):
        if _inside(titles, begin, end):
            continue
        span = Span(offset + begin, offset + end, surface)
        mentions.extend(Mention(span, kind, iri) for kind, iri in terms[surface])
    return mentions
