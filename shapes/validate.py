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

import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyshacl
from pyshacl.errors import ReportableRuntimeError
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from rdflib.term import IdentifiedNode, Node

from policykg.graph.errors import InputError
from policykg.graph.namespaces import ELI, ONTOLOGY_IRI, PKG, SH, bind_prefixes
from policykg.graph.rdfio import as_dataset, union_view

from .loading import bundled_ontology, load_shapes
from .owl import start_consistency_check
from .records import ResultRecord, build_report_graph, record_from_report
from .result import ValidationResult
from .sandbox import PreparedQueryGraph, no_graph_loading

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


@dataclass
class Unit:
    """A validation unit: the graphs it owns and reports on."""

    name: str
    graphs: list[Graph]


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

    def __init__(self, dataset: Dataset, skip: set[IdentifiedNode]) -> None:
        self.dataset = dataset
        self.skip = skip  # graphs every unit holds anyway (the schema)
        self.graphs: dict[Node, set[IdentifiedNode]] = defaultdict(set)
        for graph in dataset.graphs():
            for subject in graph.subjects(unique=True):
                self.graphs[subject].add(graph.identifier)
        self._merged: dict[Node, list[tuple[Node, Node, Node]]] = {}

    def __contains__(self, node: object) -> bool:
        return node in self.graphs

    def elsewhere(self, node: Node, own: set[IdentifiedNode]) -> bool:
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
    records: dict[tuple[object, ...], ResultRecord] = {}
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


def validate_with_owl(
    dataset: Dataset | Graph,
    shapes: Graph | str | Path | None = None,
    owl: bool = True,
    progress: Progress | None = None,
) -> ValidationResult:
    """SHACL validation and, with ``owl``, the OWL consistency check: HermiT runs in a
    subprocess while pySHACL validates, and is stopped if the validation fails. An
    inconsistency is added to the report as a violation."""
    say = progress or (lambda _message: None)
    check = None
    try:
        if owl:
            say("OWL: HermiT started")
            check = start_consistency_check(dataset)
        result = validate_dataset(dataset, shapes, progress=progress)
        if check is not None:
            running, check = check, None
            outcome = running.outcome()
            verdict = "consistent" if outcome.consistent else "INCONSISTENT"
            say(f"OWL: {verdict} ({outcome.seconds:.1f} s)")
            result.add_owl_outcome(outcome)
    finally:
        if check is not None:
            check.cancel()
    return result
