"""The whole text-to-RDF pipeline: read, parse, extract, resolve, build one dataset.

Several documents make one dataset with one named graph per document, plus one named
graph per reference data file. Citations by number or by title resolve to the cited
document's node when it is in the dataset or in the reference data.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import metadata, resources
from pathlib import Path

from rdflib import Dataset, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from . import iris
from .agencies import AgencyResolver, Jurisdiction
from .build import BuildContext, add_document_graph
from .citations import find_citations
from .crosswalk import crosswalk, crosswalk_triples, target_items_from_graph
from .errors import InputError, PolicyKGError
from .extract import ExtractionContext, extract_entities
from .formats import expand_folders
from .linkset import linkset_graph
from .mentions import find_places
from .model import Citation, Document, Entities, Warning_
from .namespaces import ELI, PKG, bind_prefixes
from .parse import parse_document
from .publishing import DEFAULT_LICENSE, describe_dataset
from .quality import ReadingQuality
from .rdfio import union_view
from .reference import Reference, load_reference
from .source import read_source, read_source_text

Progress = Callable[[str], None]


def version() -> str:
    """The installed policykg version (single-sourced in setup.cfg)."""
    try:
        return metadata.version("policykg")
    except metadata.PackageNotFoundError:  # running from a source tree that is not installed
        return "0.0.0"


def bundled_corpus() -> list[tuple[str, str]]:
    """The bundled corpus as (file name, text) pairs, in file-name order."""
    files = resources.files("policykg.corpus")
    return sorted(
        (f.name, f.read_text(encoding="utf-8")) for f in files.iterdir() if f.name.endswith(".txt")
    )


@dataclass
class BuildResult:
    """A built dataset with what the build learnt on the way.

    ``failures`` are the files that could not be built (file name, reason) when the
    build was not strict; ``quality`` is each built document's reading quality, by file
    name; ``numbering_breaks`` the warnings about numbering that breaks (file: warning).
    """

    dataset: Dataset
    documents: list[Document]
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    failures: list[tuple[str, str]] = field(default_factory=list)
    quality: dict[str, ReadingQuality] = field(default_factory=dict)
    numbering_breaks: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        """Counts of what the dataset holds, for the build's report."""
        docs = self.documents
        measures = [m for d in docs for m in d.measures]
        paragraphs = [p for d in docs for p in d.all_paragraphs]
        holders = [*(m.entities for m in measures), *(p.entities for p in paragraphs)]
        agencies = {o for _, _, o, _ in self.dataset.quads((None, PKG.agent, None, None))}
        places = {
            (d.title.text, m.key)
            for d in docs
            for m in [*d.entities.mentions, *(x for e in holders for x in e.mentions)]
            if m.kind == "place"
        }
        return {
            "documents": len(docs),
            "parts": sum(len(d.parts) for d in docs),
            "items": sum(len(d.items) for d in docs),
            "measures": len(measures),
            "paragraphs": len(paragraphs),
            "unplaced paragraphs": sum(1 for p in paragraphs if p.role == "unplaced"),
            "responsibilities": sum(len(m.clause.responsibilities) for m in measures if m.clause),
            "agencies": len(agencies),
            "time bounds": sum(len(e.time_bounds) for e in holders),
            "quantities": sum(len(e.quantities) for e in holders),
            "citations": sum(len(e.citations) for e in holders) + sum(len(d.basis) for d in docs),
            "places": len(places),
            "triples": sum(len(g) for g in self.dataset.graphs()),  # the file's statements
        }


def read_documents(
    paths: Sequence[Path] | None,
    failures: list[tuple[str, str]] | None = None,
    note: Progress | None = None,
) -> list[Document]:
    """Parse the given files and folders (each folder's documents, graph/formats.py), or
    the bundled corpus when there are none.

    With ``failures`` given, a file that cannot be read or parsed, or that repeats a
    document read before it, is recorded there (its name and the reason) and the others
    are read on; without, its error is raised. What a folder's listing skips is said
    through ``note``."""
    if not paths:
        return [parse_document(read_source_text(text, name)) for name, text in bundled_corpus()]
    docs: list[Document] = []
    seen: dict[URIRef, str] = {}
    for path in expand_folders([Path(p) for p in paths], note or (lambda _msg: None)):
        try:
            doc = parse_document(read_source(path))
            refuse_duplicate(doc, seen)
        except PolicyKGError as err:
            if failures is None:
                raise
            failures.append((path.name, str(err)))
            continue
        docs.append(doc)
    return docs


def refuse_duplicate(doc: Document, seen: dict[URIRef, str]) -> None:
    """Two files of one document (its number, or its title) would merge into one graph:
    the second is refused. ``seen`` maps the documents read so far to their files."""
    iri = iris.parsed_document_iri(doc)
    if iri in seen:
        what = doc.number.text if doc.number else doc.title.text
        raise InputError(
            f"{seen[iri]} and {doc.source.file_name} are the same document ({what})",
            hint="give each document once",
        )
    seen[iri] = doc.source.file_name


def extract_document(doc: Document, ref: Reference, where: Jurisdiction) -> None:
    """Fill in the entities of every measure and paragraph, and the places named in the
    title and the preamble."""
    ctx = ExtractionContext.for_document(doc, ref, where.code)
    if ctx.reference is None:
        doc.warnings.append(
            Warning_.at(
                doc.source.text,
                doc.title.begin,
                "the document has no date and no number: relative time expressions "
                "(年内, 春节前, 3月底前) are not resolved",
            )
        )
    for measure in doc.measures:
        measure.entities = extract_entities(measure.span.text, measure.span.begin, ctx)
        if measure.clause is not None:
            clause = measure.clause.span
            measure.entities.mentions.extend(
                find_places(clause.text, clause.begin, ctx.gazetteer, ctx.place_matcher)
            )
    for paragraph in doc.all_paragraphs:
        if paragraph.role != "unplaced":  # text not understood is kept, not read into
            span = paragraph.span
            paragraph.entities = extract_entities(span.text, span.begin, ctx)
    doc.entities = Entities()
    for span in filter(None, (doc.title, doc.preamble)):
        doc.entities.mentions.extend(
            find_places(span.text, span.begin, ctx.gazetteer, ctx.place_matcher)
        )


def counties_named(
    docs: Sequence[Document], places: Sequence[Jurisdiction], ref: Reference
) -> set[str]:
    """The county-level places the documents mention or are the jurisdiction of: the
    gazetteer's counties a dataset carries (it carries every larger division)."""
    holders = [m.entities for d in docs for m in d.measures]
    holders += [p.entities for d in docs for p in d.all_paragraphs]
    mentioned = {
        m.key
        for m in [
            *(x for d in docs for x in d.entities.mentions),
            *(x for e in holders for x in e.mentions),
        ]
        if m.kind == "place"
    }
    jurisdictions = {ref.place_iri(w.code) for w in places if w.code}
    return {iri for iri in mentioned | jurisdictions if iri is not None}


class CitationResolver:
    """Finds the node of a cited document among the dataset's and the reference data's."""

    def __init__(self, docs: Iterable[Document], ref: Reference) -> None:
        self.by_title: dict[str, URIRef] = {}
        self.known: set[URIRef] = set()
        for graph in ref.graphs().values():
            for d in graph.subjects(RDF.type, PKG.PolicyDocument):
                if not isinstance(d, URIRef):
                    continue
                self.known.add(d)
                for title in graph.objects(d, DCTERMS.title):
                    self.by_title[normalise_title(str(title))] = d
        for doc in docs:
            iri = iris.parsed_document_iri(doc)
            self.known.add(iri)
            for span in filter(None, (doc.title, doc.notice_title)):
                self.by_title[normalise_title(span.text)] = iri
            self.by_title.update((normalise_title(c.title), iri) for c in notice_citations(doc))

    def __call__(self, citation: Citation) -> URIRef | None:
        if citation.number is not None:
            iri = iris.document_iri(citation.number, citation.title)
            if iri in self.known:
                return iri
        return self.by_title.get(normalise_title(citation.title))


def notice_citations(doc: Document) -> list[Citation]:
    """The plan's own title as the covering notice cites it (《…》已经…同意)."""
    if doc.notice_title is None:
        return []
    return find_citations(doc.notice_title.text, doc.notice_title.begin)


def normalise_title(title: str) -> str:
    """A title as compared: without spaces and 《》."""
    return "".join(title.split()).strip("《》")


def jurisdiction_of(doc: Document, ref: Reference) -> Jurisdiction:
    """The place whose short agency names (省…, 市…, 县…) the document uses.

    Read from whatever the document gives, in this order: the issuer (under the notice or
    in the signature), the office named in the print line, the issuer that the notice title
    begins with (河南省人民政府办公厅关于印发…), the signature's office, and last the first
    character of the document number's issuer code when it is a province's abbreviation
    (豫政办 → 河南省). A national body as issuer (国务院) makes a national document."""
    for name in issuer_names(doc):
        if ref.is_national_issuer(name):
            return Jurisdiction(national=True)
        code = ref.jurisdiction_of_issuer(name)
        if code is not None:
            return _jurisdiction_at(code, ref)
    if doc.number is not None:
        code = ref.province_by_abbreviation(doc.number.issuer_code[:1])
        if code is not None:
            return _jurisdiction_at(code, ref)
    return Jurisdiction()


def issuer_names(doc: Document) -> list[str]:
    """The names of the issuing office the document prints, most telling first."""
    names = [span.text for span in (doc.issuer, doc.printed_by) if span is not None]
    if doc.issuer is None and doc.stated_issuer:
        names.insert(0, doc.stated_issuer)
    if doc.notice_title is not None and "关于" in doc.notice_title.text:
        names.append(doc.notice_title.text.split("关于", 1)[0])
    return [n.strip() for n in names if n.strip()]


def _jurisdiction_at(code: str, ref: Reference) -> Jurisdiction:
    province = ref.place_name(ref.province_of(code))
    prefecture = code[:4] + "00"
    if code == ref.province_of(code):
        # a municipality directly under the central government is its own city
        city = province if province and province.endswith("市") else None
    else:
        city = ref.place_name(prefecture)
    county = ref.place_name(code) if code[4:] != "00" else None
    return Jurisdiction(code, province, city, county)


def build(
    paths: Sequence[Path] | None = None,
    progress: Progress | None = None,
    reference: Reference | None = None,
    strict: bool = True,
    license_iri: str = DEFAULT_LICENSE,
) -> BuildResult:
    """Build the dataset of the given files and folders (the bundled corpus when there are none).

    Strict, the first file that cannot be built stops the build with its error. Not
    strict, such files (and a second file of a document already read) are left out and
    listed in the result's ``failures``; the build fails only when no file can be built.
    A folder stands for the documents in it (web pages, PDF, Word and text files).
    The dataset describes itself (graph/publishing.py) under ``license_iri``.
    """
    say = progress or (lambda _msg: None)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    ref = reference or load_reference()
    timings["reference"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    failures: list[tuple[str, str]] = []
    docs = read_documents(paths, None if strict else failures, say)
    for _, reason in failures:
        say(f"not built: {reason.splitlines()[0]}")
    if not docs:
        raise _nothing_built(failures)
    places = [jurisdiction_of(doc, ref) for doc in docs]
    for doc, where in zip(docs, places, strict=True):
        say(
            f"parsed {doc.source.file_name}: {len(doc.items)} items, {len(doc.measures)} "
            f"measures, {len(doc.all_paragraphs)} paragraphs"
        )
        extract_document(doc, ref, where)
    timings["extraction"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    dataset = Dataset()
    bind_prefixes(dataset.namespace_manager)
    for name, graph in ref.graphs(counties=counties_named(docs, places, ref)).items():
        target = dataset.graph(iris.reference_graph_iri(name))
        target.addN((s, p, o, target) for s, p, o in graph)
    resolver = CitationResolver(docs, ref)
    warnings = [f"{doc.source.file_name}: {w}" for doc in docs for w in doc.warnings]
    breaks = [
        f"{doc.source.file_name}: {w}"
        for doc in docs
        for w in doc.warnings
        if w.kind == "numbering"
    ]
    quality: dict[str, ReadingQuality] = {}
    release = version()
    for doc, where in zip(docs, places, strict=True):
        ctx = BuildContext(
            agencies=AgencyResolver(ref, where),
            resolve_citation=resolver,
            jurisdiction=where,
            version=release,
        )
        graph, quality[doc.source.file_name] = add_document_graph(dataset, doc, ctx)
        warnings.extend(
            f"{doc.source.file_name}: agency not in any register: "
            f"{dataset.value(a, SKOS.prefLabel) or a} ({kind})"
            for a, kind in sorted(ctx.new_agencies.items())
        )
        say(f"built {doc.source.file_name}: {len(graph)} triples")
    warnings.extend(link_items(dataset, docs, ref, say))
    linkset = dataset.graph(iris.reference_graph_iri("linkset"))
    linkset.addN((s, p, o, linkset) for s, p, o in linkset_graph(dataset))
    describe_dataset(dataset, release, license_iri)  # last: it counts everything else
    timings["rdf"] = time.perf_counter() - t0
    return BuildResult(dataset, docs, warnings, timings, failures, quality, breaks)


def _nothing_built(failures: list[tuple[str, str]]) -> InputError:
    """The error of a build in which no file could be built."""
    if len(failures) == 1:
        message, _, hint = failures[0][1].partition("\n")
        return InputError(message, hint=hint.strip() or None)
    listed = "; ".join(reason.splitlines()[0] for _, reason in failures)
    return InputError(
        f"none of the {len(failures)} files could be built ({listed})",
        hint="give text files of policy documents (see each file's reason)",
    )


def link_items(
    dataset: Dataset, docs: Sequence[Document], ref: Reference, say: Progress
) -> list[str]:
    """Crosswalk each document's items to the items of the document it implements."""
    warnings: list[str] = []
    union = union_view(dataset)
    for doc in docs:
        plan = iris.parsed_document_iri(doc)
        graph = dataset.graph(iris.document_graph_iri(doc))
        for basis in graph.objects(plan, ELI.ensures_implementation_of):
            if not isinstance(basis, URIRef):
                continue
            targets = target_items_from_graph(union, basis)
            if not targets:
                continue
            links = crosswalk(doc, targets)
            for s, p, o in crosswalk_triples(links, plan):
                graph.add((s, p, o))
            weak = [lk for lk in links if lk.weak]
            warnings.extend(f"{doc.source.file_name}: {lk}" for lk in weak)
            say(f"crosswalk {doc.source.file_name} → {basis}: {len(links)} items linked")
    return warnings


def build_dataset(paths: Sequence[Path] | None = None) -> Dataset:
    """The dataset of the given files (the bundled corpus when there are none)."""
    return build(paths).dataset
