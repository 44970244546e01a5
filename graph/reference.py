"""The one loader of reference data: the Turtle files of graph/data (agency registers and
templates, places, taxonomies, and whatever other reference files are added there) and the
ontology, read once with importlib.resources, with the lookups the pipeline needs built once.

Loading is fast because the files are parsed with pyoxigraph (the gazetteer alone holds
about 19,000 triples) and the lookups are built from plain dictionaries; the rdflib graphs
the builder puts into a dataset are made only when :meth:`Reference.graphs` is first
called.

Nothing here knows a particular agency, place or term: every answer comes from the data.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib.resources import files

import pyoxigraph
from rdflib import BNode, Graph
from rdflib.compare import to_canonical_graph
from rdflib.namespace import RDF, SKOS, XSD
from rdflib.term import Node

from policykg.graph.errors import RDFSyntaxError
from policykg.graph.mentions import Gazetteer, PlaceForm, build_gazetteer
from policykg.graph.namespaces import ORG, PKG, PKGRAPH, PKID, bind_prefixes
from policykg.graph.quantities import UnitTable
from policykg.graph.rdfio import rdflib_term
from policykg.graph.timeexpr import HolidayCalendar, calendar_from_graph

ONTOLOGY_GRAPH = "ontology"
# The concept scheme of section kinds (graph/data/section-kinds.ttl).
SECTION_KINDS = str(PKID["concept/section"])
# The concept scheme of units and classifiers and the collections of them quantity
# extraction treats apart (graph/data/units.ttl).
UNITS = str(PKID["concept/unit"])
UNITS_CHINESE_NUMERAL = str(PKID["concept/unit-set/chinese-numeral"])
UNITS_COUNT = str(PKID["concept/unit-set/count"])
UNITS_DURATION = str(PKID["concept/unit-set/duration"])
Triple = tuple[Node, Node, Node]


@dataclass(frozen=True)
class AgencyInfo:
    """What the register says about one agency."""

    iri: str
    name: str  # official name (zh)
    name_en: str | None
    short_forms: tuple[str, ...]  # skos:altLabel @zh
    kind: str | None  # the kind's skos:notation: provincial-department …
    kind_iri: str | None
    parent: str | None  # org:subOrganizationOf
    jurisdiction: str | None  # place IRI
    jurisdiction_code: str | None  # its GB/T 2260 code (None for the country or a region)


@dataclass(frozen=True)
class PlaceInfo:
    """What the gazetteer says about one place."""

    iri: str
    code: str | None  # GB/T 2260
    level: str | None  # country | province | region | prefecture | county
    name: str | None  # preferred Chinese name
    name_en: str | None
    forms: tuple[str, ...]  # preferred and short Chinese names
    abbreviations: tuple[str, ...]  # 豫 for 河南省
    parent: str | None  # skos:broader


@dataclass(frozen=True)
class AgencyTemplate:
    """A body every government of one level has (graph/data/agencies-template.ttl)."""

    iri: str
    level: str  # province | prefecture: the level of division it applies to
    kind: str  # the kind's notation
    kind_iri: str
    parent: str | None  # the IRI of the parent's template, or of a registered agency
    pattern: str  # {place}财政厅
    pattern_en: str | None  # Department of Finance of {place}
    short_forms: tuple[str, ...]  # 省财政厅: as documents write it

    def name_for(self, place_name: str) -> str:
        """The agency's official name in the place named (河南省 → 河南省财政厅)."""
        return self.pattern.replace("{place}", place_name)

    def english_for(self, place_english: str | None) -> str | None:
        """The agency's English name, when the place's English name is known."""
        if self.pattern_en is None or place_english is None:
            return None
        return self.pattern_en.replace("{place}", place_english)


def _is_zh(term: object) -> bool:
    """True for a literal tagged zh (zh, zh-cn, zh-Hans …) or a plain string."""
    if not isinstance(term, pyoxigraph.Literal):
        return False
    if term.language is None:
        return term.datatype.value == str(XSD.string)
    return term.language.lower().split("-")[0] == "zh"


def _is_en(term: object) -> bool:
    return (
        isinstance(term, pyoxigraph.Literal) and (term.language or "").lower().split("-")[0] == "en"
    )


def _first(values: Iterable[object]) -> str | None:
    """The smallest value as a string (deterministic when a property has several)."""
    strings = sorted(_value(v) for v in values)
    return strings[0] if strings else None


def _value(term: object) -> str:
    """The IRI of a named node, the lexical form of a literal."""
    return term.value if hasattr(term, "value") else str(term)


class _Terms:
    """pyoxigraph terms as rdflib terms, each distinct term made once."""

    def __init__(self) -> None:
        self._made: dict[object, Node] = {}

    def __call__(self, term: object) -> Node:
        made = self._made.get(term)
        if made is None:
            made = self._made[term] = rdflib_term(term)
        return made


def _parse(text: str, name: str) -> list[pyoxigraph.Triple]:
    """A reference file's triples, as pyoxigraph parses them."""
    try:
        return list(pyoxigraph.parse(text, format=pyoxigraph.RdfFormat.TURTLE))
    except SyntaxError as exc:
        raise RDFSyntaxError(f"reference file {name} does not parse: {exc}") from exc


def _rdflib_triples(triples: list[pyoxigraph.Triple], terms: _Terms) -> list[Triple]:
    return [(terms(t.subject), terms(t.predicate), terms(t.object)) for t in triples]


def _canonical_graph(text: str, triples: list[Triple]) -> Graph:
    """A reference file's rdflib graph, its blank nodes relabelled canonically.

    Blank nodes (the ontology's restrictions) are labelled at random by a parser;
    canonical labels keep the built dataset byte-identical from one process to the next.
    """
    graph: Graph
    if any(isinstance(n, BNode) for t in triples for n in t):
        parsed = Graph()
        parsed.parse(data=text, format="turtle")
        graph = to_canonical_graph(parsed)
    else:
        graph = Graph()
        graph.addN((s, p, o, graph) for s, p, o in triples)
    bind_prefixes(graph.namespace_manager)
    return graph


def _reference_files() -> Iterator[tuple[str, str]]:
    """(name, Turtle text) of the ontology and of every graph/data/*.ttl, in name order."""
    yield ONTOLOGY_GRAPH, (files("policykg.ontology") / "policykg.ttl").read_text(encoding="utf-8")
    data = files("policykg.graph") / "data"
    for entry in sorted(data.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".ttl"):
            yield entry.name[: -len(".ttl")], entry.read_text(encoding="utf-8")


def _parent_codes(code: str) -> list[str]:
    """The codes of the divisions that contain a GB/T 2260 code, nearest first
    (140122 -> 140100, 140000): the code's structure is province, prefecture, county."""
    parents: list[str] = []
    for parent in (code[:4] + "00", code[:2] + "0000"):
        if parent != code and parent not in parents:
            parents.append(parent)
    return parents


def _check_code(code: str) -> str:
    if len(code) != 6 or not code.isdigit():
        raise ValueError(f"not a six-digit GB/T 2260 code: {code!r}")
    return code


def _graph_name(triples: list[pyoxigraph.Triple], stem: str) -> str:
    """The name a reference file gives itself (the one pkgraph:reference/{name} node it
    describes), or its file name stem when it names none or several."""
    prefix = str(PKGRAPH["reference/"])
    named = {
        t.subject.value[len(prefix) :]
        for t in triples
        if isinstance(t.subject, pyoxigraph.NamedNode) and t.subject.value.startswith(prefix)
    }
    return named.pop() if len(named) == 1 else stem


# The IRIs the lookups read, as plain strings (the index is keyed by strings).
_TYPE, _PREF, _ALT, _HIDDEN, _NOTATION, _IN_SCHEME, _BROADER, _MEMBER = (
    str(RDF.type),
    str(SKOS.prefLabel),
    str(SKOS.altLabel),
    str(SKOS.hiddenLabel),
    str(SKOS.notation),
    str(SKOS.inScheme),
    str(SKOS.broader),
    str(SKOS.member),
)


def _pkg(name: str) -> str:
    return str(PKG) + name


class _Index:
    """subject → predicate → objects over the union of the reference files, keyed by the
    subject's and predicate's IRI."""

    def __init__(self, triples: Iterable[pyoxigraph.Triple]) -> None:
        self.props: dict[str, dict[str, list[object]]] = {}
        for t in triples:
            self.props.setdefault(_value(t.subject), {}).setdefault(t.predicate.value, []).append(
                t.object
            )

    def objects(self, subject: str, predicate: str) -> list[object]:
        return self.props.get(subject, {}).get(predicate, [])

    def subjects_of_type(self, cls: str) -> list[str]:
        return sorted(
            s
            for s, props in self.props.items()
            if any(_value(o) == cls for o in props.get(_TYPE, ()))
        )

    def notation(self, concept: str | None) -> str | None:
        return _first(self.objects(concept, _NOTATION)) if concept else None

    def in_scheme(self, scheme: str) -> list[str]:
        """The concepts of a concept scheme, by IRI."""
        return [
            c
            for c in self.subjects_of_type(str(SKOS.Concept))
            if any(_value(s) == scheme for s in self.objects(c, _IN_SCHEME))
        ]

    def zh_labels(self, concept: str) -> list[str]:
        """A concept's Chinese preferred and alternative labels."""
        return [
            _value(label)
            for prop in (_PREF, _ALT)
            for label in self.objects(concept, prop)
            if _is_zh(label)
        ]


class Reference:
    """Reference graphs and the lookups over them. Build with :func:`load_reference`."""

    def __init__(self, sources: Iterable[tuple[str, str]]) -> None:
        self._files: dict[str, tuple[str, list[pyoxigraph.Triple]]] = {}
        for stem, text in sources:
            triples = _parse(text, stem)
            name = _graph_name(triples, stem)
            self._files[name if name not in self._files else stem] = (text, triples)
        index = _Index(t for _, triples in self._files.values() for t in triples)
        self._places = self._index_places(index)
        self._code_to_place = {
            p.code: iri for iri, p in sorted(self._places.items()) if p.code is not None
        }
        self._country = {iri for iri, p in self._places.items() if p.level == "country"}
        self._places_by_name: dict[str, list[PlaceInfo]] = {}
        for p in self._places.values():
            if p.name:
                self._places_by_name.setdefault(p.name, []).append(p)
        self._abbreviations = {
            a: p.code for p in self._places.values() if p.code for a in p.abbreviations
        }
        self._terms = self._index_terms(index)
        self._agencies = self._index_agencies(index)
        self._agency_names = self._index_agency_names()
        self._templates = self._index_templates(index)
        self._section_kinds = self._index_section_kinds(index)
        self._units = self._index_units(index)

    # --- building the indexes -------------------------------------------------

    @staticmethod
    def _index_places(index: _Index) -> dict[str, PlaceInfo]:
        places = {}
        for place in index.subjects_of_type(_pkg("Place")):
            labels = index.objects(place, _PREF)
            name = _first(v for v in labels if _is_zh(v))
            short = sorted(_value(v) for v in index.objects(place, _ALT) if _is_zh(v))
            levels = [index.notation(_value(t)) for t in index.objects(place, _pkg("placeType"))]
            places[place] = PlaceInfo(
                iri=place,
                code=_first(index.objects(place, _pkg("divisionCode"))),
                level=_first(level for level in levels if level),
                name=name,
                name_en=_first(v for v in labels if _is_en(v)),
                forms=tuple(([name] if name else []) + short),
                abbreviations=tuple(
                    sorted(_value(v) for v in index.objects(place, _pkg("abbreviation")))
                ),
                parent=_first(index.objects(place, _BROADER)),
            )
        return places

    @staticmethod
    def _index_terms(index: _Index) -> dict[str, list[tuple[str, str]]]:
        """Match terms of every concept whose scheme has a notation (the mention kind)."""
        terms: dict[str, set[tuple[str, str]]] = {}
        for concept in index.subjects_of_type(str(SKOS.Concept)):
            kinds = {
                _value(n)
                for scheme in index.objects(concept, _IN_SCHEME)
                for n in index.objects(_value(scheme), _NOTATION)
            }
            for prop in (_PREF, _ALT, _HIDDEN):
                for label in index.objects(concept, prop):
                    if _is_zh(label):
                        for kind in kinds:
                            terms.setdefault(_value(label), set()).add((kind, concept))
        return {term: sorted(pairs) for term, pairs in sorted(terms.items())}

    @staticmethod
    def _index_section_kinds(index: _Index) -> dict[str, str]:
        """Heading word (zh preferred or alternative label) -> section-kind concept IRI."""
        kinds: dict[str, str] = {}
        for concept in index.in_scheme(SECTION_KINDS):
            for label in index.zh_labels(concept):
                kinds.setdefault(label, concept)
        return dict(sorted(kinds.items()))

    @staticmethod
    def _index_units(index: _Index) -> UnitTable:
        """Every written form (zh preferred or alternative label) of every unit, and the
        forms of the members of each collection extraction treats apart."""
        units = index.in_scheme(UNITS)

        def forms(collection: str) -> frozenset[str]:
            members = {_value(m) for m in index.objects(collection, _MEMBER)}
            return frozenset(f for u in units if u in members for f in index.zh_labels(u))

        return UnitTable(
            forms=frozenset(f for u in units for f in index.zh_labels(u)),
            chinese_numeral=forms(UNITS_CHINESE_NUMERAL),
            counts=forms(UNITS_COUNT),
            durations=forms(UNITS_DURATION),
        )

    def _index_agencies(self, index: _Index) -> dict[str, AgencyInfo]:
        agencies = {}
        for agency in index.subjects_of_type(_pkg("Agency")):
            labels = index.objects(agency, _PREF)
            kind_iri = _first(index.objects(agency, _pkg("agencyKind")))
            jurisdiction = _first(index.objects(agency, _pkg("jurisdiction")))
            place = self._places.get(jurisdiction or "")
            agencies[agency] = AgencyInfo(
                iri=agency,
                name=_first(v for v in labels if _is_zh(v)) or agency,
                name_en=_first(v for v in labels if _is_en(v)),
                short_forms=tuple(
                    sorted(_value(v) for v in index.objects(agency, _ALT) if _is_zh(v))
                ),
                kind=index.notation(kind_iri),
                kind_iri=kind_iri,
                parent=_first(index.objects(agency, str(ORG.subOrganizationOf))),
                jurisdiction=jurisdiction,
                jurisdiction_code=place.code if place else None,
            )
        return agencies

    def _index_agency_names(self) -> dict[str, list[str]]:
        names: dict[str, set[str]] = {}
        for info in self._agencies.values():
            for name in (info.name, *info.short_forms):
                names.setdefault(name, set()).add(info.iri)
        return {name: sorted(iris) for name, iris in names.items()}

    @staticmethod
    def _index_templates(index: _Index) -> dict[str, AgencyTemplate]:
        templates = {}
        for node in index.subjects_of_type(_pkg("AgencyTemplate")):
            kind_iri = _first(index.objects(node, _pkg("templateKind")))
            templates[node] = AgencyTemplate(
                iri=node,
                level=index.notation(_first(index.objects(node, _pkg("templateLevel")))) or "",
                kind=index.notation(kind_iri) or "",
                kind_iri=kind_iri or "",
                parent=_first(index.objects(node, _pkg("templateParent"))),
                pattern=_first(index.objects(node, _pkg("namePattern"))) or "",
                pattern_en=_first(index.objects(node, _pkg("nameEnPattern"))),
                short_forms=tuple(
                    sorted(_value(v) for v in index.objects(node, _ALT) if _is_zh(v))
                ),
            )
        return templates

    # --- public lookups --------------------------------------------------------

    @functools.cache  # noqa: B019 (one Reference per process, cached)
    def _graph(self, name: str) -> Graph:
        text, triples = self._files[name]
        return _canonical_graph(text, _rdflib_triples(triples, self._converter))

    @functools.cached_property
    def _converter(self) -> _Terms:
        return _Terms()

    @functools.cached_property
    def _calendar(self) -> HolidayCalendar:
        graph = Graph()
        if "holidays" in self._files:
            triples = _rdflib_triples(self._files["holidays"][1], _Terms())
            graph.addN((s, p, o, graph) for s, p, o in triples)
        return calendar_from_graph(graph)

    @functools.cached_property
    def _national_gazetteer(self) -> Gazetteer:
        return build_gazetteer(self.place_forms(), None)

    def holiday_calendar(self) -> HolidayCalendar:
        """The holidays and named periods (五年规划) time expressions may name."""
        return self._calendar

    def graphs(self, counties: Iterable[str] | None = None) -> dict[str, Graph]:
        """Name -> graph: 'ontology' and one per graph/data file (the name the file gives
        its own pkgraph:reference/{name} node, else its file name stem), for the builder to
        put each into pkgraph:reference/{name}.

        ``counties``: the county-level places a dataset needs (those its documents name);
        the places graph then holds them and every larger division and region, not the
        other 2,800 counties, which would make every dataset (and its validation) twice as
        large. None: the whole gazetteer."""
        graphs = {}
        for name in self._files:
            if name == "places" and counties is not None:
                graphs[name] = self._places_graph(frozenset(counties))
            else:
                graphs[name] = self._graph(name)
        return graphs

    @functools.lru_cache(maxsize=8)  # noqa: B019 (one Reference per process, cached)
    def _places_graph(self, counties: frozenset[str]) -> Graph:
        left_out = {
            iri for iri, p in self._places.items() if p.level == "county" and iri not in counties
        }
        kept = [t for t in self._files["places"][1] if _value(t.subject) not in left_out]
        graph = Graph()
        graph.addN((s, p, o, graph) for s, p, o in _rdflib_triples(kept, self._converter))
        bind_prefixes(graph.namespace_manager)
        return graph

    def place_forms(self) -> list[PlaceForm]:
        """Every Chinese surface form of every place (preferred and short names)."""
        return [
            PlaceForm(
                form,
                p.iri,
                p.code,
                p.level or "",
                form != p.name and (p.name or "").startswith(form),
            )
            for p in self._places.values()
            for form in p.forms
        ]

    def gazetteer(self) -> Gazetteer:
        """Surface form -> place IRI for a document whose place is unknown or national
        (policykg.graph.mentions.build_gazetteer); ``local_gazetteer`` rebuilds it for a
        document's jurisdiction. Never a one-character form. Do not change it: it is shared."""
        return self._national_gazetteer

    def place_info(self, place: str) -> PlaceInfo | None:
        """What the gazetteer says about a place given by IRI or by GB/T 2260 code."""
        return self._places.get(self._code_to_place.get(str(place), str(place)))

    def place_code(self, iri: str) -> str | None:
        """The GB/T 2260 code of a place, or None (the country, a region, an unknown IRI)."""
        info = self._places.get(str(iri))
        return info.code if info else None

    def place_iri(self, code: str) -> str | None:
        """The IRI of the place with this GB/T 2260 code, if the gazetteer has it."""
        return self._code_to_place.get(code)

    def place_name(self, place: str) -> str | None:
        """The preferred Chinese name (山西省) of a place given by IRI or by GB/T 2260 code;
        None when the gazetteer does not have it."""
        info = self.place_info(place)
        return info.name if info else None

    def places_named(self, name: str) -> list[PlaceInfo]:
        """The places whose preferred Chinese name is ``name`` (朝阳区: two of them)."""
        return list(self._places_by_name.get(name, ()))

    def country(self) -> str | None:
        """The IRI of the country (the jurisdiction of national bodies)."""
        return min(self._country) if self._country else None

    def province_of(self, code: str) -> str:
        """The code of the provincial-level division a GB/T 2260 code lies in."""
        return _check_code(code)[:2] + "0000"

    def province_by_abbreviation(self, abbreviation: str) -> str | None:
        """The code of the province a one-character abbreviation (豫) stands for."""
        return self._abbreviations.get(abbreviation)

    def terms(self) -> dict[str, list[tuple[str, str]]]:
        """Match term -> [(kind, concept IRI)], kind being sector | target-group | instrument
        (the notation of the concept's scheme)."""
        return {term: list(pairs) for term, pairs in self._terms.items()}

    def section_kinds(self) -> dict[str, str]:
        """The heading words of sections that state principles and goals rather than
        measures (指导思想, 基本原则, 主要目标 …) -> the IRI of their section-kind concept."""
        return dict(self._section_kinds)

    def units(self) -> UnitTable:
        """The units and classifiers quantities are written with (graph/data/units.ttl)."""
        return self._units

    def agency_info(self, iri: str) -> AgencyInfo | None:
        """The register entry of an agency IRI, or None for an unregistered one."""
        return self._agencies.get(str(iri))

    def agencies(self) -> list[AgencyInfo]:
        """Every registered agency, by IRI."""
        return [self._agencies[iri] for iri in sorted(self._agencies)]

    def templates(self) -> list[AgencyTemplate]:
        """Every agency template, by IRI."""
        return [self._templates[iri] for iri in sorted(self._templates)]

    def template(self, iri: str) -> AgencyTemplate | None:
        """The agency template with this IRI."""
        return self._templates.get(str(iri))

    def is_national(self, agency_iri: str) -> bool:
        """Whether a registered agency's jurisdiction is the whole country."""
        info = self._agencies.get(str(agency_iri))
        return info is not None and info.jurisdiction in self._country

    def find_agency(self, name_as_written: str, jurisdiction_code: str | None) -> str | None:
        """The registered agency a document of that jurisdiction means by the name.

        A candidate's jurisdiction must be the document's, contain it (省财政厅 in a 太原市
        document is the province's department; national agencies contain every place), or
        lie within it (太原市人民政府 in a provincial document). The nearest wins; a tie
        between different agencies, or no candidate, gives None.
        """
        candidates = self._agency_names.get(name_as_written.strip(), [])
        scored = []
        for iri in candidates:
            distance = self._jurisdiction_distance(self._agencies[iri], jurisdiction_code)
            if distance is not None:
                scored.append((distance, iri))
        if not scored:
            return None
        scored.sort()
        best = [iri for distance, iri in scored if distance == scored[0][0]]
        return best[0] if len(best) == 1 else None

    def jurisdiction_of_issuer(self, issuer_name: str) -> str | None:
        """The place code of an issuing agency: from the register when it is there,
        otherwise from the longest place name the issuer's name begins with."""
        issuer_name = issuer_name.strip()
        registered = {
            self._agencies[iri].jurisdiction_code for iri in self._agency_names.get(issuer_name, [])
        }
        if len(registered) == 1:
            code = registered.pop()
            if code is not None:
                return code
        prefixes = [
            form
            for form, iri in self.gazetteer().items()
            if issuer_name.startswith(form) and self.place_code(iri)
        ]
        if not prefixes:
            return None
        return self.place_code(self.gazetteer()[max(prefixes, key=len)])

    def is_national_issuer(self, issuer_name: str) -> bool:
        """Whether every registered agency of that name is a national one (国务院办公厅)."""
        iris = self._agency_names.get(issuer_name.strip(), [])
        return bool(iris) and all(self.is_national(iri) for iri in iris)

    # --- helpers ---------------------------------------------------------------

    def _jurisdiction_distance(self, agency: AgencyInfo, doc_code: str | None) -> int | None:
        """0 same place; 1, 2 … the agency's place contains the document's; 10, 11 … the
        document's contains the agency's; None unrelated."""
        if agency.jurisdiction in self._country:
            return 5  # a national agency: contains everything, farther than any province
        if doc_code is None:  # a document of unknown place: no province's short names apply
            return None
        code = agency.jurisdiction_code
        if code is None:
            return None
        if code == doc_code:
            return 0
        doc_parents = _parent_codes(doc_code)
        if code in doc_parents:
            return 1 + doc_parents.index(code)
        agency_parents = _parent_codes(code)
        if doc_code in agency_parents:
            return 10 + agency_parents.index(doc_code)
        return None


def load_holiday_calendar() -> HolidayCalendar:
    """The holiday calendar of the reference data (graph/data/holidays.ttl)."""
    return load_reference().holiday_calendar()


def load_units() -> UnitTable:
    """The units and classifiers of the reference data (graph/data/units.ttl)."""
    return load_reference().units()


@functools.cache
def load_reference() -> Reference:
    """Read every reference file once and return the lookups over them."""
    return Reference(_reference_files())
