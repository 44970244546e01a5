"""Typed validation results: read from pySHACL's report, written back as a standard report.

A :class:`ResultRecord` carries what a person needs to act on one result: the severity,
the shape and its bilingual message, the focus node with its label, the path and value,
and, when the node sits inside a measure, the measure's source sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS
from rdflib.term import IdentifiedNode, Node

from policykg.graph.namespaces import ELI, NIF, PKG, SH, bind_prefixes

SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
LABEL_PROPERTIES = (
    SKOS.prefLabel,
    RDFS.label,
    DCTERMS.title,
    PKG.expression,
    PKG.agentName,
    NIF.anchorOf,
    PKG.text,
    ELI.id_local,
)
# How a node inside a measure hangs from it.
MEASURE_LINKS = (
    PKG.hasResponsibility,
    PKG.hasTimeBound,
    PKG.hasQuantity,
    PROV.wasDerivedFrom,
    PKG.clause,
    PKG.hasMention,
)
LABEL_LENGTH = 60


@dataclass
class ResultRecord:
    """One validation result, ready to be rendered in either language."""

    severity: str  # Violation | Warning | Info
    shape: IdentifiedNode  # a blank node for an inline property shape (sh:property [ … ])
    constraint: URIRef | None
    messages: dict[str, str]  # language → message
    shape_labels: dict[str, str]
    focus: Node
    focus_label: str | None = None
    path: Node | None = None
    path_text: str | None = None
    value: Node | None = None
    value_label: str | None = None
    measure: IdentifiedNode | None = None
    sentence: str | None = None
    path_triples: list[tuple[Node, Node, Node]] = field(default_factory=list)

    @property
    def key(self) -> tuple[object, ...]:
        """What makes two results the same (results of different units are merged on it)."""
        return (self.shape, self.focus, self.path_text, self.value, self.constraint)

    @property
    def sort_key(self) -> tuple[int, str, str, str]:
        return (
            SEVERITY_ORDER.get(self.severity, 9),
            str(self.shape),
            str(self.focus),
            str(self.value),
        )

    def message(self, lang: str) -> str:
        """The message in ``lang`` (zh or en), falling back to the other language."""
        return self.messages.get(lang) or next(iter(self.messages.values()), "")


def local_name(iri: Node | None) -> str:
    """The part of an IRI after its last # or /."""
    text = str(iri or "")
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def by_language(values: list[Node]) -> dict[str, str]:
    """Literals keyed by language tag (untagged under "")."""
    out: dict[str, str] = {}
    for value in values:
        if isinstance(value, Literal):
            out.setdefault(value.language or "", str(value))
    return out


def node_label(graph: Graph, node: Node | None) -> str | None:
    """A short human label for a node: its name, title, expression or text, Chinese first."""
    if node is None or isinstance(node, Literal):
        return None
    for prop in LABEL_PROPERTIES:
        values = list(graph.objects(node, prop))
        if values:
            chosen = next((v for v in values if getattr(v, "language", None) == "zh"), values[0])
            text = " ".join(str(chosen).split())
            return text if len(text) <= LABEL_LENGTH else text[: LABEL_LENGTH - 1] + "…"
    return None


def enclosing_measure(graph: Graph, node: Node | None) -> IdentifiedNode | None:
    """The measure a node belongs to (itself, its responsibility, time bound, span ...)."""
    frontier = [node] if node is not None and not isinstance(node, Literal) else []
    for _ in range(3):
        next_frontier: list[Node] = []
        for current in frontier:
            # only a subject (an IRI or a blank node) has a type
            if isinstance(current, IdentifiedNode) and (current, RDF.type, PKG.Measure) in graph:
                return current
            for prop in MEASURE_LINKS:
                next_frontier.extend(graph.subjects(prop, current))
        frontier = next_frontier
    return None


def source_sentence(graph: Graph, measure: IdentifiedNode) -> str | None:
    """The measure's sentence as in the source, with its responsibility clause."""
    span = graph.value(measure, PROV.wasDerivedFrom)
    text = graph.value(span, NIF.anchorOf) if span is not None else None
    text = text if text is not None else graph.value(measure, PKG.text)
    if text is None:
        return None
    clause_span = graph.value(measure, PKG.clause)
    clause = graph.value(clause_span, NIF.anchorOf) if clause_span is not None else None
    return f"{text}（{clause}）" if clause is not None else str(text)


def path_closure(graph: Graph, node: Node | None) -> list[tuple[Node, Node, Node]]:
    """The triples of a blank-node structure (a complex SHACL path) rooted at ``node``."""
    triples: list[tuple[Node, Node, Node]] = []
    stack = [node] if isinstance(node, BNode) else []
    seen: set[Node] = set()
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        for s, p, o in graph.triples((current, None, None)):
            triples.append((s, p, o))
            if isinstance(o, BNode):
                stack.append(o)
    return triples


def path_to_text(graph: Graph, node: Node | None) -> str | None:
    """A SHACL path written as a SPARQL property path with prefixed names."""
    if node is None:
        return None
    if isinstance(node, URIRef):
        return graph.namespace_manager.normalizeUri(node)
    alternative = graph.value(node, SH.alternativePath)
    if alternative is not None:
        return "|".join(path_to_text(graph, n) or "?" for n in graph.items(alternative))
    inverse = graph.value(node, SH.inversePath)
    if inverse is not None:
        return "^" + (path_to_text(graph, inverse) or "?")
    for prop, suffix in (
        (SH.zeroOrMorePath, "*"),
        (SH.oneOrMorePath, "+"),
        (SH.zeroOrOnePath, "?"),
    ):
        inner = graph.value(node, prop)
        if inner is not None:
            return f"({path_to_text(graph, inner)}){suffix}"
    items = list(graph.items(node))
    return "/".join(path_to_text(graph, n) or "?" for n in items) if items else "?"


def record_from_report(report: Graph, result: Node, shapes: Graph, data: Graph) -> ResultRecord:
    """A typed record of one sh:ValidationResult, labelled from ``data``.

    Paths are written with the prefixes bound on ``report``: bind policykg's once per
    report (:func:`bind_prefixes`) before reading its results.
    """
    shape = report.value(result, SH.sourceShape)
    focus = report.value(result, SH.focusNode)
    constraint = report.value(result, SH.sourceConstraintComponent)
    if not isinstance(shape, IdentifiedNode) or focus is None:
        raise ValueError(f"{result!r} is a validation result without a source shape or focus")
    value = report.value(result, SH.value)
    path = report.value(result, SH.resultPath)
    # the shape's own messages when it has them: pySHACL reports one language only for
    # SPARQL constraints, and adds untagged default messages to some core ones
    messages = by_language(list(shapes.objects(shape, SH.message))) or by_language(
        list(report.objects(result, SH.resultMessage))
    )
    measure = enclosing_measure(data, focus) or enclosing_measure(data, value)
    return ResultRecord(
        severity=local_name(report.value(result, SH.resultSeverity)),
        shape=shape,
        constraint=constraint if isinstance(constraint, URIRef) else None,
        messages=messages,
        shape_labels=by_language(list(shapes.objects(shape, RDFS.label))),
        focus=focus,
        focus_label=node_label(data, focus),
        path=path,
        path_text=path_to_text(report, path),
        value=value,
        value_label=node_label(data, value) if not isinstance(value, Literal) else None,
        measure=measure,
        sentence=source_sentence(data, measure) if measure is not None else None,
        path_triples=path_closure(report, path),
    )


def build_report_graph(conforms: bool, records: list[ResultRecord]) -> Graph:
    """The standard sh:ValidationReport holding the given results."""
    graph = Graph()
    bind_prefixes(graph.namespace_manager)
    report = BNode()
    graph.add((report, RDF.type, SH.ValidationReport))
    graph.add((report, SH.conforms, Literal(conforms)))
    for record in records:
        node = BNode()
        graph.add((report, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.resultSeverity, SH[record.severity]))
        graph.add((node, SH.focusNode, record.focus))
        graph.add((node, SH.sourceShape, record.shape))
        if record.constraint is not None:
            graph.add((node, SH.sourceConstraintComponent, record.constraint))
        for lang, text in record.messages.items():
            graph.add((node, SH.resultMessage, Literal(text, lang=lang or None)))
        if record.value is not None:
            graph.add((node, SH.value, record.value))
        if record.path is not None:
            graph.add((node, SH.resultPath, record.path))
            for triple in record.path_triples:
                graph.add(triple)
    return graph
