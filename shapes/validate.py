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

import functools
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pyshacl
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from rdflib.plugins.sparql import prepareQuery
from rdflib.term import Node

from policykg.graph.errors import InputError
from policykg.graph.namespaces import ELI, ONTOLOGY_IRI, PKG, SH, bind_prefixes

from .records import ResultRecord, build_report_graph, record_from_report

SHAPES_NS = "https://w3id.org/policykg/shapes#"
Progress = Callable[[str], None]
SCHEMA_CONTEXT = (RDFS.subClassOf, SKOS.inScheme)
# Links that lead from a node to its many children or siblings: following them would pull a
# whole register or taxonomy into each document's context.
NOT_FOLLOWED = frozenset({
    SKOS.hasTopConcept, SKOS.narrower, SKOS.member, ELI.has_part,
    URIRef("http://www.w3.org/ns/org#hasSubOrganization"), URIRef("http://www.w3.org/ns/org#hasUnit"),
    URIRef("http://purl.org/dc/terms/source"),
})


class PreparedQueryGraph(Graph):
    """A Graph that parses each distinct SPARQL query text once per process.

    pySHACL hands rdflib the text of a SHACL-SPARQL query for every focus node and every
    validation, and rdflib's pyparsing-based parser costs tens of milliseconds a query;
    the parsed algebra does not depend on the focus node, which arrives as a binding.
    """

    _prepared: dict[str, object] = {}

    def query(self, query_object, *args, **kwargs):  # noqa: ANN001, ANN201 - rdflib's signature
        if isinstance(query_object, str) and not kwargs.get("initNs"):
            key = canonical_query_text(query_object)
            prepared = self._prepared.get(key)
            if prepared is None:
                prepared = self._prepared[key] = prepareQuery(query_object)
            query_object = prepared
        return super().query(query_object, *args, **kwargs)


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
    units: list[str] = field(default_factory=list)
    seconds: float = 0.0
    owl_summary: str | None = None  # one line from the OWL check, when it ran

    def by_severity(self, severity: str) -> list[ResultRecord]:
        """The results of one severity (Violation, Warning, Info)."""
        return [r for r in self.results if r.severity == severity]

    def shapes_reported(self, severity: str | None = None) -> set[URIRef]:
        """The source shapes of the results (of one severity, when given)."""
        return {r.shape for r in self.results if severity is None or r.severity == severity}

    def text(self) -> str:
        """The text report, both languages, grouped by severity and shape."""
        from .report import render_text
        return render_text(self)

    def turtle(self) -> str:
        """The standard SHACL validation report as Turtle."""
        from .report import render_turtle
        return render_turtle(self)

    def json(self) -> str:
        """The standard SHACL validation report as JSON-LD."""
        from .report import render_json
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
    graph = Graph()
    from .loading import load_rdf_files
    for s, p, o, _ in load_rdf_files([shapes]).quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


@functools.cache
def bundled_ontology() -> Graph:
    """The policykg ontology shipped with the package (parsed once; treat as read-only)."""
    text = (resources.files("policykg.ontology") / "policykg.ttl").read_text(encoding="utf-8")
    return Graph().parse(data=text, format="turtle")


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
    units = [Unit(str(g.identifier), [g]) for g in graphs
             if g not in schema and is_document_graph(g)]
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


def unit_data_graph(unit: Unit, schema: Sequence[tuple[Node, Node, Node]],
                    index: SubjectIndex) -> Graph:
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
    """pySHACL's report graph for one data graph (SHACL-AF on, no inference, in place)."""
    _conforms, report, _text = pyshacl.validate(
        data, shacl_graph=shapes, advanced=True, inference="none", inplace=True,
        allow_warnings=True, allow_infos=True)
    return report


def validate_dataset(dataset: Dataset | Graph, shapes: Graph | str | Path | None = None,
                     progress: Progress | None = None) -> ValidationResult:
    """Validate every unit of the dataset and merge the results into one report."""
    say = progress or (lambda _message: None)
    started = time.perf_counter()
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
        say(f"SHACL {unit.name}: {len(data)} triples with context, {time.perf_counter() - t0:.1f} s")
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
    return ValidationResult(conforms, ordered, graph, [u.name for u in units],
                            time.perf_counter() - started)


def as_dataset(data: Dataset | Graph) -> Dataset:
    """A Dataset: the given one, or a plain Graph's triples as one graph of a new Dataset."""
    if isinstance(data, Dataset):
        return data
    dataset = Dataset()
    name = data.identifier if isinstance(data.identifier, URIRef) else None
    target = dataset.graph(name) if name is not None else dataset.default_graph
    target.addN((s, p, o, target) for s, p, o in data)
    return dataset


def union_view(dataset: Dataset) -> Graph:
    """A read-only union of every graph, for looking up labels and source sentences."""
    from rdflib.graph import ReadOnlyGraphAggregate
    return ReadOnlyGraphAggregate(list(dataset.graphs()))


# -- the command ------------------------------------------------------------------------------

def run_validate(paths: Sequence[str | Path] | None, shapes: str | Path | None = None,
                 fmt: str = "text", owl: bool = True,
                 progress: Progress | None = None) -> tuple[int, str]:
    """``policykg validate``: exit code (0 conforms, 1 not, 2 bad input) and the report.

    Without paths the bundled corpus is built and validated. The OWL consistency check
    runs after SHACL; an inconsistency is added to the report as a violation.
    """
    from policykg.graph.errors import PolicyKGError

    try:
        if fmt not in ("text", "ttl", "json"):
            raise InputError(f"unknown report format {fmt!r}", hint="use text, ttl or json")
        say = progress or (lambda _message: None)
        say("loading the graph …" if paths else "building the bundled graph …")
        dataset = load_input(paths)
        check = None
        if owl:  # HermiT runs in a subprocess while pySHACL validates
            from .owl import start_consistency_check
            say("OWL: HermiT started")
            check = start_consistency_check(dataset)
        result = validate_dataset(dataset, shapes, progress=progress)
        if check is not None:
            outcome = check.outcome()
            say(f"OWL: {'consistent' if outcome.consistent else 'INCONSISTENT'} ({outcome.seconds:.1f} s)")
            add_owl_outcome(result, outcome)
        return (0 if result.conforms else 1), result.render(fmt)
    except PolicyKGError as exc:
        return exc.exit_code, f"error: {exc}"


def load_input(paths: Sequence[str | Path] | None) -> Dataset:
    """The dataset to validate: the given RDF files, or the bundled graph."""
    if paths:
        from .loading import load_rdf_files
        return load_rdf_files(paths)
    from policykg.graph.pipeline import build_dataset
    dataset = build_dataset()
    bind_prefixes(dataset.namespace_manager)
    return dataset


def add_owl_outcome(result: ValidationResult, outcome) -> None:  # noqa: ANN001 - OwlOutcome
    """Fold the OWL check's findings into the SHACL result as violations."""
    result.owl_summary = outcome.text().splitlines()[0]
    if outcome.consistent:
        return
    result.results.extend(outcome.records())
    result.conforms = False
    result.report_graph = build_report_graph(False, result.results)


def shape_iri(name: str) -> URIRef:
    """The IRI of one of policykg's shapes by its local name."""
    return URIRef(SHAPES_NS + name)


__all__ = ["ValidationResult", "ResultRecord", "validate_dataset", "run_validate", "load_shapes",
           "shape_iri"]
