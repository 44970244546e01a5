"""The dataset's description of itself: DCAT, VoID statistics and the build's PROV.

The description lives in a named graph of its own (``graph/reference/dataset``), about
``{base}id/dataset``: a ``dcat:Dataset`` and ``void:Dataset`` with its title, publisher,
licence (``--license``; CC BY 4.0 by default), the rights of the source texts (official
documents of state organs, outside copyright under Article 5 of the Copyright Law of the
PRC), issued and modified dates, a version, its distributions (the downloads, under the
base IRI), its VoID statistics with one subset per named graph, and the build activity
that made it (the policykg release, every source text with its SHA-256).

Everything here is deterministic, so that building twice gives the same bytes: the
dates are SOURCE_DATE_EPOCH's when it is set, else the newest date the source documents
state (their issue or publication date); the version is a digest of the data's content.

The statistics and the digest are those of graph/tally.py, computed in one pass over the
statements (a built file's lines, an engine's or a store's quads) as the server computes
them, so the numbers the file states are those the server counts:
``void:triples`` is the number of statements in the dump (one per named graph holding a
triple), ``void:entities`` the IRIs under the dataset's URI space that are subjects,
``void:classes`` the distinct objects of rdf:type, ``void:properties`` the distinct
predicates.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pyoxigraph as ox
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from . import iris
from .literals import integer
from .namespaces import BASE, DCAT, ELI, FOAF, PKG, PKID, VOID
from .rdfio import nquads_lines, store_of
from .tally import Statistics, Tally

DEFAULT_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
DATASET = PKID["dataset"]
DESCRIPTION_GRAPH = iris.reference_graph_iri("dataset")
PUBLISHER = PKID["publisher"]
RDF_TYPE = str(RDF.type)
_RDF_TYPE = ox.NamedNode(RDF_TYPE)
_SOURCE = ox.NamedNode(str(PKG.source))
_SOURCE_TEXT = ox.NamedNode(str(PKG.SourceText))
_DATE_PROPERTIES = (ox.NamedNode(str(ELI.date_document)), ox.NamedNode(str(ELI.date_publication)))
_XSD_DATE = ox.NamedNode(str(XSD.date))
TITLE_EN = "policykg: Chinese government policy documents"
IANA = "https://www.iana.org/assignments/media-types/"
DESCRIPTION_ZH = (
    "由中国各级政府的政策文件（实施方案、意见、若干措施、行动计划、通知）构建的知识图谱："
    "文件的结构、措施、责任机构、时限、量化指标、引用与地点，溯源至原文的字符位置。"
)
DESCRIPTION_EN = (
    "A knowledge graph of Chinese government policy documents (implementation plans, "
    "opinions, measures, action plans, notices): their structure, measures, responsible "
    "agencies, deadlines, quantities, citations and places, with provenance down to the "
    "characters of the source text."
)
# The downloads a policykg server offers (server/sparql.py serves them at /download/…).
DUMPS = {
    "dataset.nq": "application/n-quads",
    "dataset.trig": "application/trig",
    "dataset.jsonld": "application/ld+json",
}
RIGHTS_ZH = (
    "源文本为国家机关的政策文件。依《中华人民共和国著作权法》（2020年修正）第五条，"
    "“法律、法规，国家机关的决议、决定、命令和其他具有立法、行政、司法性质的文件，"
    "及其官方正式译文”不适用该法。由源文本得出的数据（本数据集的图）按数据集的许可发布。"
)
RIGHTS_EN = (
    "The source texts are policy documents of state organs of the People's Republic of "
    "China. Under Article 5 of the Copyright Law of the PRC (as amended in 2020), the law "
    "does not apply to laws, regulations, resolutions, decisions and orders of state organs "
    "and other documents of a legislative, administrative or judicial nature, or to their "
    "official translations. The data derived from them (this dataset's graph) is published "
    "under the dataset's licence."
)


def statistics(quads: Iterable[ox.Quad], uri_space: str = str(PKID)) -> Statistics:
    """The VoID statistics of a dataset's quads; ``uri_space`` bounds its entities."""
    return Tally(uri_space, str(DESCRIPTION_GRAPH)).add_quads(quads).statistics()


def content_digest(quads: Iterable[ox.Quad], leave_out: str = str(DESCRIPTION_GRAPH)) -> str:
    """A digest of the dataset's statements (the description graph left out), the same
    whichever engine or file holds them and in whatever order (graph/tally.py)."""
    return Tally(str(PKID), leave_out).add_quads(quads).digest()


def data_tally(uri_space: str = str(PKID)) -> Tally:
    """An empty tally that keeps what the description reads besides the counts: the
    documents' dates, the graphs holding a source text, the source texts."""
    keep: dict[str, str | None] = {p.value: None for p in _DATE_PROPERTIES}
    keep[_SOURCE.value] = None
    keep[RDF_TYPE] = _SOURCE_TEXT.value
    return Tally(uri_space, str(DESCRIPTION_GRAPH), keep)


def source_date_epoch() -> datetime | None:
    """SOURCE_DATE_EPOCH (reproducible builds' time of the build) when it is set."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return datetime.fromtimestamp(int(epoch), tz=UTC) if epoch.isdigit() else None


def stated_build_date(kept: Iterable[ox.Quad]) -> date | None:
    """The date the description states: SOURCE_DATE_EPOCH's (reproducible builds), else the
    newest issue or publication date of the documents built (in a graph that holds a
    source text); None when neither is known. ``kept``: the statements of a data tally."""
    epoch = source_date_epoch()
    if epoch is not None:
        return epoch.date()
    kept = list(kept)
    with_sources = {q.graph_name for q in kept if q.predicate == _SOURCE}
    found: list[date] = []
    for quad in kept:
        o = quad.object
        if quad.predicate not in _DATE_PROPERTIES or not isinstance(o, ox.Literal):
            continue
        if o.datatype == _XSD_DATE and quad.graph_name in with_sources:
            with contextlib.suppress(ValueError):
                found.append(date.fromisoformat(o.value))
    return max(found) if found else None


@dataclass(frozen=True)
class BuildFacts:
    """What the description says besides the counts."""

    release: str  # the policykg version that built the dataset
    license_iri: str
    version: str  # content_digest of the data
    when: date | None  # issued and modified
    ended: datetime | None  # the build's end, only from SOURCE_DATE_EPOCH
    sources: tuple[URIRef, ...]  # the source texts read


def describe_dataset(dataset: Dataset, release: str, license_iri: str = DEFAULT_LICENSE) -> Graph:
    """Add the dataset's description graph to ``dataset`` (replacing one made before) and
    return it (see :func:`describe_store`)."""
    dataset.remove_graph(dataset.graph(DESCRIPTION_GRAPH))
    final = describe_store(store_of(dataset), release, license_iri)
    target = dataset.graph(DESCRIPTION_GRAPH)
    target.addN((s, p, o, target) for s, p, o in final)
    return final


def describe_store(store: ox.Store, release: str, license_iri: str = DEFAULT_LICENSE) -> Graph:
    """The description graph of the dataset a store holds (without a description graph)."""
    return describe_tally(data_tally().add_quads(store), release, license_iri)[0]


@dataclass(frozen=True)
class Described:
    """What a described dataset counts (the description included, as a server counts
    it) and its content digest, the version its description states."""

    statistics: Statistics
    version: str


def describe_tally(
    data: Tally, release: str, license_iri: str = DEFAULT_LICENSE
) -> tuple[Graph, Described]:
    """The description graph of the data a tally (:func:`data_tally`) was given, and what
    the data and that graph count together.

    The statistics it states count the description graph too: the graph is made with
    zero counts, counted with the rest, and made again with the counts (the same
    statements, only the numbers differ). The streaming build (graph/stream.py) describes
    its merged output with it, the in-memory build its dataset, so both give the same
    bytes."""
    facts = BuildFacts(
        release=release,
        license_iri=license_iri,
        version=data.digest(),
        when=stated_build_date(data.kept),
        ended=source_date_epoch(),
        sources=tuple(sorted(source_texts(data.kept))),
    )
    names = set(data.graph_names())
    zero = Statistics(graphs=dict.fromkeys(sorted(names | {str(DESCRIPTION_GRAPH)}), 0))
    draft = description_graph(facts, zero)
    final = description_graph(facts, data.statistics(_described(draft, data.uri_space)))
    return final, Described(data.statistics(_described(final, data.uri_space)), facts.version)


def _described(graph: Graph, uri_space: str) -> Tally:
    """A tally of the description graph's statements."""
    lines = nquads_lines(graph, DESCRIPTION_GRAPH)
    return Tally(uri_space, str(DESCRIPTION_GRAPH)).add_lines(lines)


def source_texts(kept: Iterable[ox.Quad]) -> set[URIRef]:
    """The source texts of the documents built, among a data tally's statements."""
    return {
        URIRef(q.subject.value)
        for q in kept
        if q.predicate == _RDF_TYPE
        and q.object == _SOURCE_TEXT
        and isinstance(q.subject, ox.NamedNode)
    }


def distribution_iri(name: str, dataset: str = str(DATASET)) -> URIRef:
    """The dcat:Distribution of one download (dataset.nq → id/dataset/distribution/nq)."""
    return URIRef(f"{dataset}/distribution/{name.rsplit('.', 1)[-1]}")


def description_graph(facts: BuildFacts, stats: Statistics) -> Graph:
    """The statements about the dataset, its distributions, subsets and build."""
    g = Graph()
    add = g.add
    for cls in (DCAT.Dataset, VOID.Dataset, PROV.Entity):
        add((DATASET, RDF.type, cls))
    add((DATASET, DCTERMS.title, Literal("policykg 政策文件知识图谱", lang="zh")))
    add((DATASET, DCTERMS.title, Literal(TITLE_EN, lang="en")))
    add((DATASET, DCTERMS.description, Literal(DESCRIPTION_ZH, lang="zh")))
    add((DATASET, DCTERMS.description, Literal(DESCRIPTION_EN, lang="en")))
    add((DATASET, DCTERMS.publisher, PUBLISHER))
    add((PUBLISHER, RDF.type, FOAF.Agent))
    add((PUBLISHER, FOAF.name, Literal("policykg", lang="en")))
    add((DATASET, DCTERMS.license, URIRef(facts.license_iri)))
    rights = PKID["dataset/rights"]
    add((DATASET, DCTERMS.rights, rights))
    add((rights, RDF.type, DCTERMS.RightsStatement))
    add((rights, RDFS.label, Literal(RIGHTS_ZH, lang="zh")))
    add((rights, RDFS.label, Literal(RIGHTS_EN, lang="en")))
    add((DATASET, DCAT.version, Literal(facts.version)))
    if facts.when is not None:
        for prop in (DCTERMS.issued, DCTERMS.modified):
            add((DATASET, prop, Literal(facts.when.isoformat(), datatype=XSD.date)))
    add((DATASET, VOID.uriSpace, Literal(str(PKID))))
    add((DATASET, VOID.vocabulary, URIRef(str(PKG))))
    for name, media_type in DUMPS.items():
        dist = distribution_iri(name)
        url = URIRef(f"{BASE}download/{name}")
        add((DATASET, DCAT.distribution, dist))
        add((DATASET, VOID.dataDump, url))
        add((dist, RDF.type, DCAT.Distribution))
        add((dist, DCTERMS.title, Literal(f"policykg dataset ({name})", lang="en")))
        add((dist, DCAT.downloadURL, url))
        add((dist, DCAT.accessURL, url))
        add((dist, DCAT.mediaType, URIRef(IANA + media_type)))
        add((dist, DCTERMS.license, URIRef(facts.license_iri)))
    _add_counts(g, DATASET, stats)
    for graph_iri, count in stats.graphs.items():  # each named graph is a subset
        if not graph_iri:
            continue  # statements outside any named graph (never in a policykg build)
        subset = URIRef(graph_iri)
        add((DATASET, VOID.subset, subset))
        add((subset, RDF.type, VOID.Dataset))
        add((subset, VOID.triples, integer(count)))
    build = PKID["dataset/build"]
    software = iris.software_iri(facts.release)
    add((DATASET, PROV.wasGeneratedBy, build))
    add((build, RDF.type, PROV.Activity))
    add((build, PROV.wasAssociatedWith, software))
    add((software, RDF.type, PROV.SoftwareAgent))
    for source in facts.sources:
        add((build, PROV.used, source))
    if facts.ended is not None:
        add((build, PROV.endedAtTime, Literal(facts.ended.isoformat(), datatype=XSD.dateTime)))
    return g


def _add_counts(g: Graph, node: URIRef, stats: Statistics) -> None:
    """The VoID counts of a dataset."""
    g.add((node, VOID.triples, integer(stats.triples)))
    g.add((node, VOID.entities, integer(stats.entities)))
    g.add((node, VOID.classes, integer(stats.classes)))
    g.add((node, VOID.properties, integer(stats.properties)))
    g.add((node, VOID.distinctSubjects, integer(stats.distinct_subjects)))
    g.add((node, VOID.distinctObjects, integer(stats.distinct_objects)))
