"""The one loader of reference data: the Turtle files of graph/data (agency registers,
places, taxonomies, and whatever other reference files are added there) and the ontology,
read once with importlib.resources, with the lookups the pipeline needs built once.

Nothing here knows a particular agency, place or term: every answer comes from the data.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib.resources import files

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import RDF, SKOS
from rdflib.term import Node

from policykg.graph.errors import RDFSyntaxError
from policykg.graph.namespaces import ORG, PKG, PKGRAPH, PKID, bind_prefixes
from policykg.graph.timeexpr import HolidayCalendar, calendar_from_graph

ONTOLOGY_GRAPH = "ontology"
# The concept scheme of section kinds (graph/data/section-kinds.ttl).
SECTION_KINDS = PKID["concept/section"]

# Ranks for resolving a surface form that two places claim: a preferred label beats a
# short form, and a larger division beats a smaller one (山西 is the province).
_PLACE_LEVEL_RANK = {"country": 0, "province": 1, "region": 2, "prefecture": 3, "county": 4}


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


def _is_zh(node: Node) -> bool:
    """True for a literal tagged zh (zh, zh-cn, zh-Hans …) or with no tag at all."""
    if not isinstance(node, Literal) or node.datatype is not None:
        return False
    return node.language is None or node.language.lower().split("-")[0] == "zh"


def _is_en(node: Node) -> bool:
    return isinstance(node, Literal) and (node.language or "").lower().split("-")[0] == "en"


def _first(values: Iterable[Node]) -> str | None:
    """The smallest value as a string (deterministic when a property has several)."""
    strings = sorted(str(v) for v in values)
    return strings[0] if strings else None


def _read_turtle(text: str, name: str) -> Graph:
    """A reference file's graph, its blank nodes relabelled canonically.

    The parser names blank nodes (the ontology's restrictions) at random; canonical
    labels keep the built dataset byte-identical from one process to the next.
    """
    parsed = Graph()
    try:
        parsed.parse(data=text, format="turtle")
    except Exception as exc:  # rdflib raises several unrelated types for bad Turtle
        raise RDFSyntaxError(f"reference file {name} does not parse: {exc}") from exc
    graph = (
        to_canonical_graph(parsed)
        if any(isinstance(n, BNode) for t in parsed for n in t)
        else parsed
    )
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


class Reference:
    """Reference graphs and the lookups over them. Build with :func:`load_reference`."""

    def __init__(self, graphs: dict[str, Graph]) -> None:
        self._graphs = graphs
        union = Graph()
        for graph in graphs.values():
            union += graph
        self._places = self._index_places(union)
        self._code_to_place = {code: iri for iri, (code, _) in sorted(self._places.items()) if code}
        self._place_names = {
            iri: name
            for iri in self._places
            if (name := _first(v for v in union.objects(URIRef(iri), SKOS.prefLabel) if _is_zh(v)))
        }
        self._country = {iri for iri, (_, level) in self._places.items() if level == "country"}
        self._gazetteer = self._index_gazetteer(union)
        self._terms = self._index_terms(union)
        self._agencies = self._index_agencies(union)
        self._agency_names = self._index_agency_names()
        self._section_kinds = self._index_section_kinds(union)

    # --- building the indexes -------------------------------------------------

    @staticmethod
    def _index_places(union: Graph) -> dict[str, tuple[str | None, str | None]]:
        """place IRI -> (division code, place-type notation)."""
        places = {}
        for place in union.subjects(RDF.type, PKG.Place):
            code = _first(union.objects(place, PKG.divisionCode))
            level = None
            for ptype in union.objects(place, PKG.placeType):
                level = _first(union.objects(ptype, SKOS.notation))
            places[str(place)] = (code, level)
        return places

    def _index_gazetteer(self, union: Graph) -> dict[str, str]:
        ranked: dict[str, tuple[tuple[int, int, str], str]] = {}
        for iri, (_code, level) in self._places.items():
            level_rank = _PLACE_LEVEL_RANK.get(level or "", 9)
            for label_rank, prop in enumerate((SKOS.prefLabel, SKOS.altLabel)):
                for label in union.objects(URIRef(iri), prop):
                    if not _is_zh(label) or len(str(label)) < 2:
                        continue
                    key = (label_rank, level_rank, iri)
                    form = str(label)
                    if form not in ranked or key < ranked[form][0]:
                        ranked[form] = (key, iri)
        return {form: iri for form, (_, iri) in sorted(ranked.items())}

    @staticmethod
    def _index_terms(union: Graph) -> dict[str, list[tuple[str, str]]]:
        """Match terms of every concept whose scheme has a notation (the mention kind)."""
        terms: dict[str, set[tuple[str, str]]] = {}
        for concept in union.subjects(RDF.type, SKOS.Concept):
            kinds = {
                str(n)
                for scheme in union.objects(concept, SKOS.inScheme)
                for n in union.objects(scheme, SKOS.notation)
            }
            for prop in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel):
                for label in union.objects(concept, prop):
                    if _is_zh(label):
                        for kind in kinds:
                            terms.setdefault(str(label), set()).add((kind, str(concept)))
        return {term: sorted(pairs) for term, pairs in sorted(terms.items())}

    def _index_agencies(self, union: Graph) -> dict[str, AgencyInfo]:
        agencies = {}
        for agency in set(union.subjects(RDF.type, PKG.Agency)):
            labels = list(union.objects(agency, SKOS.prefLabel))
            kind_iri = _first(union.objects(agency, PKG.agencyKind))
            jurisdiction = _first(union.objects(agency, PKG.jurisdiction))
            agencies[str(agency)] = AgencyInfo(
                iri=str(agency),
                name=_first(v for v in labels if _is_zh(v)) or str(agency),
                name_en=_first(v for v in labels if _is_en(v)),
                short_forms=tuple(
                    sorted(str(v) for v in union.objects(agency, SKOS.altLabel) if _is_zh(v))
                ),
                kind=_first(union.objects(URIRef(kind_iri), SKOS.notation)) if kind_iri else None,
                kind_iri=kind_iri,
                parent=_first(union.objects(agency, ORG.subOrganizationOf)),
                jurisdiction=jurisdiction,
                jurisdiction_code=self._places.get(jurisdiction or "", (None, None))[0],
            )
        return agencies

    @staticmethod
    def _index_section_kinds(union: Graph) -> dict[str, str]:
        """Heading word (zh preferred or alternative label) -> section-kind concept IRI."""
        kinds: dict[str, str] = {}
        for concept in sorted(union.subjects(SKOS.inScheme, SECTION_KINDS)):
            for prop in (SKOS.prefLabel, SKOS.altLabel):
                for label in union.objects(concept, prop):
                    if _is_zh(label):
                        kinds.setdefault(str(label), str(concept))
        return dict(sorted(kinds.items()))

    def _index_agency_names(self) -> dict[str, list[str]]:
        names: dict[str, set[str]] = {}
        for info in self._agencies.values():
            for name in (info.name, *info.short_forms):
                names.setdefault(name, set()).add(info.iri)
        return {name: sorted(iris) for name, iris in names.items()}

    # --- public lookups --------------------------------------------------------

    @functools.cached_property
    def _calendar(self) -> HolidayCalendar:
        return calendar_from_graph(self._graphs.get("holidays", Graph()))

    def holiday_calendar(self) -> HolidayCalendar:
        """The holidays and named periods (五年规划) time expressions may name."""
        return self._calendar

    def graphs(self) -> dict[str, Graph]:
        """Name -> graph: 'ontology' and one per graph/data file (the name the file gives
        its own pkgraph:reference/{name} node, else its file name stem), for the builder to
        put each into pkgraph:reference/{name}."""
        return dict(self._graphs)

    def gazetteer(self) -> dict[str, str]:
        """Surface form (zh preferred and short labels, never one character) -> place IRI."""
        return dict(self._gazetteer)

    def place_code(self, iri: str) -> str | None:
        """The GB/T 2260 code of a place, or None (the country, a region, an unknown IRI)."""
        return self._places.get(str(iri), (None, None))[0]

    def place_iri(self, code: str) -> str | None:
        """The IRI of the place with this GB/T 2260 code, if the gazetteer has it."""
        return self._code_to_place.get(code)

    def place_name(self, place: str) -> str | None:
        """The preferred Chinese name (山西省) of a place given by IRI or by GB/T 2260 code;
        None when the gazetteer does not have it."""
        iri = self._code_to_place.get(str(place), str(place))
        return self._place_names.get(iri)

    def province_of(self, code: str) -> str:
        """The code of the provincial-level division a GB/T 2260 code lies in."""
        return _check_code(code)[:2] + "0000"

    def terms(self) -> dict[str, list[tuple[str, str]]]:
        """Match term -> [(kind, concept IRI)], kind being sector | target-group | instrument
        (the notation of the concept's scheme)."""
        return {term: list(pairs) for term, pairs in self._terms.items()}

    def section_kinds(self) -> dict[str, str]:
        """The heading words of sections that state principles and goals rather than
        measures (指导思想, 基本原则, 主要目标 …) -> the IRI of their section-kind concept."""
        return dict(self._section_kinds)

    def agency_info(self, iri: str) -> AgencyInfo | None:
        """The register entry of an agency IRI, or None for an unregistered one."""
        return self._agencies.get(str(iri))

    def agencies(self) -> list[AgencyInfo]:
        """Every registered agency, by IRI."""
        return [self._agencies[iri] for iri in sorted(self._agencies)]

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
        prefixes = [form for form in self._gazetteer if issuer_name.startswith(form)]
        if not prefixes:
            return None
        return self.place_code(self._gazetteer[max(prefixes, key=len)])

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


def _graph_name(graph: Graph, stem: str) -> str:
    """The name a reference file gives itself (the one pkgraph:reference/{name} node it
    describes), or its file name stem when it names none or several."""
    prefix = str(PKGRAPH["reference/"])
    named = {str(s)[len(prefix) :] for s in graph.subjects() if str(s).startswith(prefix)}
    return named.pop() if len(named) == 1 else stem


def load_holiday_calendar() -> HolidayCalendar:
    """The holiday calendar of the reference data (graph/data/holidays.ttl)."""
    return load_reference().holiday_calendar()


@functools.cache
def load_reference() -> Reference:
    """Read every reference file once and return the lookups over them."""
    graphs: dict[str, Graph] = {}
    for stem, text in _reference_files():
        graph = _read_turtle(text, stem)
        name = _graph_name(graph, stem)
        graphs[name if name not in graphs else stem] = graph
    return Reference(graphs)
