"""SHACL validation of a policykg dataset, one document at a time, with one merged report.

A dataset is split into validation units: each named graph that holds a
``pkg:PolicyDocument`` is a unit of its own, and the remaining graphs (agency registers,
places, taxonomies, ...) form one reference unit. pySHACL validates each unit's data
graph, made of

* the unit's own graphs,
* the schema graphs (every graph declaring an ``owl:Ontology``), so that ``sh:class``
  sees the class hierarchy and the concept schemes,
* the context the unit points to: the description, in other graphs, of every node the
  unit mentions, followed along outgoing links (the registered agency of a responsibility,
  the national item an item implements, the register entry of its parent), and the other
  graphs' triples about the unit's own nodes (what crosses documents).

Only results about the unit's own nodes are kept: its context is validated in the unit
that owns it. The context of a document is bounded by the reference data it points to,
so the cost grows linearly with the number of documents. The results of all units are
merged, without duplicates, into one standard ``sh:ValidationReport``.
"""

from __future__ import annotations

import contextlib
import functools
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyshacl
import rdflib.plugins.sparql
from pyshacl.errors import ReportableRuntimeError
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result
from rdflib.term import Node

from policykg.graph.errors import InputError, PolicyKGError, QueryError, QueryRefused
from policykg.graph.namespaces import ELI, ONTOLOGY_IRI, PKG, PKGSH, SH, bind_prefixes
from policykg.graph.rdfio import as_dataset, read_dataset, read_graph, union_view

from .algebra import service_clauses
from .loading import bundled_ontology
from .owl import start_consistency_check
from .records import ResultRecord, build_report_graph, record_from_report
from .report import render_json, render_text, render_turtle

if TYPE_CHECKING:
    from .owl import OwlOutcome

Progress = Callable[[str], None]
SCHEMA_CONTEXT = (RDFS.subClassOf, SKOS.inScheme)
# Links that lead from a node to its many children or siblings: following them would pull a
# whole register or taxonomy into each document's context.
NOT_FOLLOWED = frozenset(
    {
        SKOS.hasTopConcept,
        SKOS.narrower,
        SKOS.member,
        ELI.has_part,
        URIRef("http://www.w3.org/ns/org#hasSubOrganization"),
        URIRef("http://www.w3.org/ns/org#hasUnit"),
        URIRef("http://purl.org/dc/terms/source"),
    }
)


class PreparedQueryGraph(Graph):
    """A Graph that parses each distinct SPARQL query text once per process, and never
    lets a query reach outside the graph.

    pySHACL hands rdflib the text of a SHACL-SPARQL query for every focus node and every
    validation, and rdflib's pyparsing-based parser costs tens of milliseconds a query;
    the parsed algebra does not depend on the focus node, which arrives as a binding.

    The queries come from the shapes, which the user may supply (``--shapes``): a query
    with a ``SERVICE`` clause is refused before evaluation (rdflib would request the
    service), and so are FROM clauses and every update (``LOAD`` fetches a document);
    :func:`no_graph_loading` around the validation keeps rdflib from loading graphs too.
    """

    _prepared: dict[tuple[str, tuple[tuple[str, str], ...], str | None], Query] = {}

    def query(
        self,
        query_object: str | Query,
        processor: str = "sparql",
        result: str = "sparql",
        initNs: Mapping[str, Any] | None = None,  # noqa: N803 - rdflib's names
        initBindings: Mapping[str, Node] | None = None,  # noqa: N803
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Result:
        """rdflib's Graph.query, with the query parsed once and refused when unsafe."""
        if isinstance(query_object, str):  # checked once, when prepared
            query_object = self.prepared(query_object, initNs, kwargs.pop("base", None))
            initNs = None  # noqa: N806 - applied when the query was prepared
        elif isinstance(query_object, Query):
            refuse_outside_access(query_object)
        return super().query(
            query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs
        )

    def update(self, update_object: object, *args: Any, **kwargs: Any) -> None:
        """Refused: validation never changes the data or loads documents."""
        raise QueryRefused(
            "a SPARQL update (INSERT, DELETE, LOAD …) is refused during validation",
            hint="shapes may only use SELECT, ASK and CONSTRUCT queries",
        )

    @classmethod
    def prepared(cls, text: str, init_ns: Mapping[str, Any] | None, base: str | None) -> Query:
        """The parsed and checked query of a text (with its extra prefixes and base), once
        per process; raise QueryError when it does not parse, QueryRefused when unsafe."""
        namespaces = tuple(sorted((k, str(v)) for k, v in (init_ns or {}).items()))
        key = (canonical_query_text(text), namespaces, base)
        prepared = cls._prepared.get(key)
        if prepared is None:
            try:
                prepared = prepareQuery(text, initNs=dict(namespaces) or None, base=base)
            except Exception as exc:  # pyparsing's and rdflib's errors share no base class
                raise QueryError(
                    f"a SHACL-SPARQL query of the shapes does not parse: {exc}",
                    hint="check the sh:select / sh:ask / sh:construct queries",
                ) from None
            refuse_outside_access(prepared)
            cls._prepared[key] = prepared
        return prepared


def refuse_outside_access(query: Query) -> None:
    """Raise QueryRefused when the query names a graph to load (FROM, FROM NAMED) or its
    algebra holds a SERVICE clause (anywhere: in a subquery, an OPTIONAL, a FILTER EXISTS)."""
    if query.algebra.get("datasetClause"):
        raise QueryRefused(
            "a SHACL-SPARQL query of the shapes has a FROM clause; shapes "
            "queries run on the data graph only",
            hint="remove FROM / FROM NAMED from the shapes",
        )
    services = service_clauses(query)
    if services:
        raise QueryRefused(
            f"a SHACL-SPARQL query of the shapes asks the SERVICE <{services[0]}>; "
            "validation never makes outside requests",
            hint="remove the SERVICE clause from the shapes",
        )


@contextlib.contextmanager
def no_graph_loading() -> Iterator[None]:
    """Keep rdflib from fetching the graphs a query's FROM / FROM NAMED names."""
    saved = rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS
    rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False
    try:
        yield
    finally:
        rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = saved


def canonical_query_text(text: str) -> str:
    """The query text with its PREFIX lines sorted (pySHACL writes them in varying order)."""
    lines = text.splitlines()
    prefixes = sorted(line for line in lines if line.lstrip().upper().startswith("PREFIX"))
    body = [line for line in lines if not line.lstrip().upper().startswith("PREFIX")]
    return "\n".join(prefixes + body)


@dataclass
class Unit:
    """A validation unit: the graphs it owns and reports on."""

    name: str
    graphs: list[Graph]


@dataclass
class ValidationResult:
    """The merged outcome of validating a dataset."""

    conforms: bool
    results: list[ResultRecord]
    report_graph: Graph
    owl_summary: str | None = None  # one line from the OWL check, when it ran

    def by_severity(self, severity: str) -> list[ResultRecord]:
        """The results of one severity (Violation, Warning, Info)."""
        return [r for r in self.results if r.severity == severity]

    def shapes_reported(self, severity: str | None = None) -> set[URIRef]:
        """The source shapes of the results (of one severity, when given)."""
        return {r.shape for r in self.results if severity is None or r.severity == severity}

    def text(self) -> str:
        """The text report, both languages, grouped by severity and shape."""
        return render_text(self)

    def turtle(self) -> str:
        """The standard SHACL validation report as Turtle."""
        return render_turtle(self)

    def json(self) -> str:
        """The standard SHACL validation report as JSON-LD."""
        return render_json(self)

    def render(self, fmt: str) -> str:
        """The report in ``text``, ``ttl`` or ``json``."""
        renderers = {"text": self.text, "ttl": self.turtle, "json": self.json}
        if fmt not in renderers:
            raise InputError(f"unknown report format {fmt!r}", hint="use text, ttl or json")
        return renderers[fmt]()


# -- shapes ---------------------------------------------------------------------------------


def bundled_shapes_path() -> resources.abc.Traversable:
    """The shapes file shipped with policykg."""
    return resources.files("policykg.shapes") / "shapes.ttl"


@functools.cache
def bundled_shapes() -> Graph:
    """The bundled shapes, parsed once per process (pySHACL does not change them)."""
    return Graph().parse(data=bundled_shapes_path().read_text(encoding="utf-8"), format="turtle")


def load_shapes(shapes: Graph | str | Path | None = None) -> Graph:
    """The shapes graph: the bundled shapes, a parsed graph, or a shapes file."""
    if isinstance(shapes, Graph):
        return shapes
    if shapes is None:
        return bundled_shapes()
    return read_graph(shapes)


# -- units ----------------------------------------------------------------------------------


def is_schema_graph(graph: Graph) -> bool:
    """Whether the graph declares an ontology."""
    return next(graph.subjects(RDF.type, OWL.Ontology), None) is not None


def is_document_graph(graph: Graph) -> bool:
    """Whether the graph holds a policy document (and so is validated on its own)."""
    return next(graph.subjects(RDF.type, PKG.PolicyDocument), None) is not None


def validation_units(dataset: Dataset) -> tuple[list[Unit], list[Graph]]:
    """The units to validate, and the schema graphs every unit sees."""
    graphs = [g for g in dataset.graphs() if len(g)]
    schema = [g for g in graphs if is_schema_graph(g)]
    units = [
        Unit(str(g.identifier), [g]) for g in graphs if g not in schema and is_document_graph(g)
    ]
    owned = {id(g) for u in units for g in u.graphs}
    rest = [g for g in graphs if id(g) not in owned and g not in schema]
    if rest or schema:
        units.append(Unit("reference", rest + schema))
    return units, schema


class SubjectIndex:
    """Which graphs describe each subject, and the merged description of shared subjects.

    A node that many graphs describe (an instant, an agency several documents name) is
    merged once and reused, so that a document's context costs what its own links cost,
    not what every other document holds.
    """

    def __init__(self, dataset: Dataset, skip: set[URIRef]) -> None:
        self.dataset = dataset
        self.skip = skip  # graphs every unit holds anyway (the schema)
        self.graphs: dict[Node, set[URIRef]] = defaultdict(set)
        for graph in dataset.graphs():
            for subject in graph.subjects(unique=True):
                self.graphs[subject].add(graph.identifier)
        self._merged: dict[Node, list[tuple[Node, Node, Node]]] = {}

    def __contains__(self, node: Node) -> bool:
        return node in self.graphs

    def elsewhere(self, node: Node, own: set[URIRef]) -> bool:
        """Whether a graph other than ``own`` and the schema describes the node."""
        found = self.graphs.get(node)
        if not found:
            return False
        return len(found) > sum(1 for g in (own | self.skip) if g in found)

    def description(self, node: Node) -> list[tuple[Node, Node, Node]]:
        """Every triple about the node in the non-schema graphs."""
        merged = self._merged.get(node)
        if merged is None:
            merged = []
            for gid in self.graphs.get(node, ()):
                if gid not in self.skip:
                    merged.extend(self.dataset.graph(gid).triples((node, None, None)))
            if len(self.graphs.get(node, ())) > 1:
                self._merged[node] = merged
        return merged


def context_triples(unit: Unit, index: SubjectIndex) -> Iterable[tuple[Node, Node, Node]]:
    """Triples of other graphs about the nodes the unit mentions, followed along links."""
    own = {g.identifier for g in unit.graphs}
    seen: set[Node] = set()
    queue: list[Node] = []
    for graph in unit.graphs:
        for s, p, o in graph:
            for node in (s, o) if p not in NOT_FOLLOWED else (s,):
                if node not in seen and index.elsewhere(node, own):
                    seen.add(node)
                    queue.append(node)
    while queue:
        for s, p, o in index.description(queue.pop()):
            yield s, p, o
            if p in NOT_FOLLOWED or isinstance(o, Literal) or o in seen:
                continue
            seen.add(o)
            if index.elsewhere(o, own):
                queue.append(o)


def schema_context(schema: Iterable[Graph]) -> list[tuple[Node, Node, Node]]:
    """What the shapes need from the ontology to validate instance data: the class
    hierarchy (for sh:class) and which concepts belong to which scheme (roles, kinds)."""
    return [t for graph in schema for p in SCHEMA_CONTEXT for t in graph.triples((None, p, None))]


def unit_data_graph(
    unit: Unit, schema: Sequence[tuple[Node, Node, Node]], index: SubjectIndex
) -> Graph:
    """The data graph pySHACL validates for one unit: its graphs, the schema context and
    the descriptions of the nodes it points to."""
    data = PreparedQueryGraph()
    for graph in unit.graphs:
        data += graph
    data.addN((s, p, o, data) for s, p, o in schema)
    data.addN((s, p, o, data) for s, p, o in context_triples(unit, index))
    return data


def own_nodes(unit: Unit) -> set[Node]:
    """The nodes a unit reports on: the subjects of its graphs (and, in validate_dataset,
    nodes that no graph describes, such as the missing target of a link)."""
    return {s for g in unit.graphs for s in g.subjects(unique=True)}


# -- running ----------------------------------------------------------------------------------


def run_pyshacl(data: Graph, shapes: Graph) -> Graph:
    """pySHACL's report graph for one data graph (SHACL-AF on, no inference, in place).

    SHACL-SPARQL queries run on ``data`` (a :class:`PreparedQueryGraph`, which refuses
    SERVICE and updates) with rdflib's loading of FROM graphs switched off."""
    try:
        with no_graph_loading():
            _conforms, report, _text = pyshacl.validate(
                data,
                shacl_graph=shapes,
                advanced=True,
                inference="none",
                inplace=True,
                allow_warnings=True,
                allow_infos=True,
            )
    except ReportableRuntimeError as exc:  # shapes pySHACL cannot load or apply
        raise InputError(
            f"the shapes cannot be applied: {exc.message}", hint="check the SHACL shapes file"
        ) from None
    if not isinstance(report, Graph):  # pySHACL returns a ValidationFailure instead of a report
        message = getattr(report, "message", report)
        raise InputError(
            f"the shapes cannot be applied: {message}", hint="check the SHACL shapes file"
        )
    return report


def validate_dataset(
    dataset: Dataset | Graph,
    shapes: Graph | str | Path | None = None,
    progress: Progress | None = None,
) -> ValidationResult:
    """Validate every unit of the dataset and merge the results into one report."""
    say = progress or (lambda _message: None)
    dataset = as_dataset(dataset)
    shapes_graph = load_shapes(shapes)
    units, schema = validation_units(dataset)
    has_ontology = any((URIRef(ONTOLOGY_IRI), RDF.type, OWL.Ontology) in g for g in schema)
    context = schema_context(schema if has_ontology else [*schema, bundled_ontology()])
    index = SubjectIndex(dataset, {g.identifier for g in schema})
    records: dict[tuple, ResultRecord] = {}
    label_graph = union_view(dataset)
    for unit in units:
        data = unit_data_graph(unit, context, index)
        t0 = time.perf_counter()
        report = run_pyshacl(data, shapes_graph)
        bind_prefixes(report.namespace_manager)  # paths are written with policykg's prefixes
        say(
            f"SHACL {unit.name}: {len(data)} triples with context, {time.perf_counter() - t0:.1f} s"
        )
        mine = own_nodes(unit)
        for result in report.objects(None, SH.result):
            focus = report.value(result, SH.focusNode)
            if focus not in mine and focus in index:
                continue  # about another unit's node, seen here as context only
            record = record_from_report(report, result, shapes_graph, label_graph)
            records.setdefault(record.key, record)
    ordered = sorted(records.values(), key=lambda r: r.sort_key)
    conforms = not any(r.severity == "Violation" for r in ordered)
    graph = build_report_graph(conforms, ordered)
    return ValidationResult(conforms, ordered, graph)


# -- the command ------------------------------------------------------------------------------


def run_validate(
    paths: Sequence[str | Path] | None,
    shapes: str | Path | None = None,
    fmt: str = "text",
    owl: bool = True,
    progress: Progress | None = None,
) -> tuple[int, str]:
    """``policykg validate``: the exit code (0 conforms, 1 does not) and the report.

    Without paths the bundled corpus is built and validated. The OWL consistency check
    runs in the background while SHACL validates; an inconsistency is added to the report
    as a violation. Bad input (a file, the shapes, the format) raises a PolicyKGError whose
    exit code is never 1, which means "does not conform": the caller reports it.
    """
    try:
        return _validate_and_render(paths, shapes, fmt, owl, progress)
    except PolicyKGError as exc:
        if exc.exit_code == 1:  # 1 is the verdict "does not conform", never an error
            raise InputError(exc.message, hint=exc.hint) from exc
        raise


def _validate_and_render(
    paths: Sequence[str | Path] | None,
    shapes: str | Path | None,
    fmt: str,
    owl: bool,
    progress: Progress | None,
) -> tuple[int, str]:
    """The work of :func:`run_validate`: HermiT only starts once the input and the shapes
    have been read, and is stopped if the validation fails."""
    say = progress or (lambda _message: None)
    say("loading the graph …" if paths else "building the bundled graph …")
    dataset = load_input(paths)
    shapes_graph = load_shapes(shapes)
    check = None
    try:
        if owl:  # HermiT runs in a subprocess while pySHACL validates
            say("OWL: HermiT started")
            check = start_consistency_check(dataset)
        result = validate_dataset(dataset, shapes_graph, progress=progress)
        if check is not None:
            running, check = check, None
            outcome = running.outcome()
            say(
                f"OWL: {'consistent' if outcome.consistent else 'INCONSISTENT'} ({outcome.seconds:.1f} s)"
            )
            add_owl_outcome(result, outcome)
    finally:
        if check is not None:
            check.cancel()
    return (0 if result.conforms else 1), result.render(fmt)


def load_input(paths: Sequence[str | Path] | None) -> Dataset:
    """The dataset to validate: the given RDF files, or the bundled graph."""
    if paths:
        return read_dataset(paths)
    # the whole extraction stack, needed only here: imported on demand
    from policykg.graph.pipeline import build_dataset

    dataset = build_dataset()
    bind_prefixes(dataset.namespace_manager)
    return dataset


def add_owl_outcome(result: ValidationResult, outcome: OwlOutcome) -> None:
    """Fold the OWL check's findings into the SHACL result as violations."""
    result.owl_summary = outcome.text().splitlines()[0]
    if outcome.consistent:
        return
    result.results.extend(outcome.records())
    result.conforms = False
    result.report_graph = build_report_graph(False, result.results)


def shape_iri(name: str) -> URIRef:
    """The IRI of one of policykg's shapes by its local name."""
    return PKGSH[name]


__all__ = [
    "ValidationResult",
    "ResultRecord",
    "validate_dataset",
    "run_validate",
    "load_shapes",
    "shape_iri",
]
