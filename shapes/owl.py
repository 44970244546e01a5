"""OWL consistency: owlready2 loads the ontology with the data and HermiT decides.

The ontology and the data use only datatypes of the OWL 2 datatype map (dates are values
of annotation properties, checked by the SHACL shapes), so HermiT reasons over every
literal; it is not told to ignore unsupported datatypes. The bundled Pellet needs Java 25,
so HermiT is the reasoner here.

HermiT only says *that* the ontology is inconsistent. To say *why*, the data is searched
for the usual causes with the ontology's own axioms: a node that carries two disjoint
classes (asserted, inherited through rdfs:subClassOf, or implied by the domain or range
of a property it is used with), and a functional property with two different literal
values. When none is found, each document graph is checked on its own to name the graph
that holds the contradiction.
"""

from __future__ import annotations

import itertools
import re
import subprocess
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, NamespaceManager
from rdflib.term import Node

from policykg.graph.errors import OwlCheckError
from policykg.graph.namespaces import PKGSH, bind_prefixes

from .loading import bundled_ontology
from .records import ResultRecord, node_label

OWL_SHAPE = PKGSH.OwlConsistency
HERMIT_TIMEOUT = 300  # seconds
ASSERTED = ("声明的类型", "asserted type")


@dataclass(frozen=True)
class Conflict:
    """Why one node makes the ontology inconsistent."""

    node: Node
    label: str | None
    message_en: str
    message_zh: str
    classes: tuple[Node, ...] = ()
    graph: URIRef | None = None


@dataclass
class OwlOutcome:
    """The verdict of the reasoner and, when inconsistent, the explanation found."""

    consistent: bool
    conflicts: list[Conflict] = field(default_factory=list)
    seconds: float = 0.0
    reasoner: str = "HermiT (owlready2)"

    def text(self) -> str:
        """A short bilingual summary."""
        if self.consistent:
            return f"OWL：一致 / consistent ({self.reasoner}, {self.seconds:.1f} s)"
        lines = [f"OWL：不一致 / INCONSISTENT ({self.reasoner}, {self.seconds:.1f} s)"]
        for c in self.conflicts:
            lines.append(f"  * {c.message_zh}")
            lines.append(f"    {c.message_en}")
        return "\n".join(lines)

    def records(self) -> list[ResultRecord]:
        """The conflicts as SHACL-style result records (shape pkgsh:OwlConsistency)."""
        conflicts = self.conflicts or [
            Conflict(
                BNode(),
                None,
                "HermiT found the ontology and data inconsistent; no single cause was located.",
                "HermiT 判定本体与数据不一致，未能定位具体原因。",
            )
        ]
        return [
            ResultRecord(
                severity="Violation",
                shape=OWL_SHAPE,
                constraint=None,
                messages={"zh": c.message_zh, "en": c.message_en},
                shape_labels={"zh": "OWL 一致性", "en": "OWL consistency"},
                focus=c.node,
                focus_label=c.label,
                value=c.classes[0] if c.classes else None,
            )
            for c in conflicts
        ]


# -- running HermiT ------------------------------------------------------------------------


def data_graphs(dataset: Dataset | Graph) -> list[Graph]:
    """The graphs holding instance data (everything but ontology declarations)."""
    graphs = list(dataset.graphs()) if isinstance(dataset, Dataset) else [dataset]
    return [g for g in graphs if len(g) and (None, RDF.type, OWL.Ontology) not in g]


# HermiT's command line with -k answers only "is the ontology consistent?"; owlready2's
# sync_reasoner_hermit also classifies and realises every individual (-c -O -D -I), which
# costs about twice as long for the same verdict. C1-only JIT halves the JVM's start-up.
JAVA_OPTIONS = ("-XX:TieredStopAtLevel=1", "-Xshare:auto")


def write_without_imports(graphs: Iterable[Graph], out: BinaryIO) -> None:
    """Write the graphs as N-Triples, graph after graph (no merged copy in memory), without
    their owl:imports statements.

    owlready2 and HermiT would fetch every imported ontology, from the network or the
    filesystem (file:///etc/passwd as readily as http://…): the OWL check reasons over
    exactly the triples it was given, nothing it would have to fetch.
    """
    for graph in graphs:
        if (None, OWL.imports, None) in graph:
            kept = Graph()
            kept += (t for t in graph if t[1] != OWL.imports)
            graph = kept
        graph.serialize(out, format="nt", encoding="utf-8")


def hermit_command(path: Path) -> list[str]:
    """The HermiT consistency check of one N-Triples file, with owlready2's bundled jar."""
    import owlready2
    from owlready2 import reasoning

    return [
        owlready2.JAVA_EXE,
        f"-Xmx{reasoning.JAVA_MEMORY}M",
        *JAVA_OPTIONS,
        "-cp",
        reasoning._HERMIT_CLASSPATH,  # noqa: SLF001 - the jar owlready2 ships
        "org.semanticweb.HermiT.cli.CommandLine",
        "-k",
        path.as_uri(),
    ]


class HermitRun:
    """One HermiT consistency check running in the background.

    owlready2 loads the ontology and the data into a fresh World and writes them out as
    one N-Triples file, which HermiT checks in a subprocess; the caller can validate
    the SHACL shapes meanwhile and collect the verdict with :meth:`consistent`.
    """

    def __init__(self, ontology: Graph, data: Iterable[Graph]) -> None:
        import owlready2

        self._tmp = tempfile.TemporaryDirectory(prefix="policykg-owl-")
        folder = Path(self._tmp.name)
        onto_path, data_path, world_path = (
            folder / n for n in ("ontology.nt", "data.nt", "world.nt")
        )
        with onto_path.open("wb") as out:
            write_without_imports([ontology], out)
        with data_path.open("wb") as out:
            write_without_imports(data, out)
        world = owlready2.World()
        try:
            for path in (onto_path, data_path):
                with path.open("rb") as handle:
                    world.get_ontology(path.as_uri()).load(fileobj=handle, format="ntriples")
            world.save(str(world_path), format="ntriples")
        finally:
            world.close()
        try:
            self._process = subprocess.Popen(
                hermit_command(world_path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT
            )
        except FileNotFoundError:
            self._tmp.cleanup()
            raise OwlCheckError(
                "the OWL reasoner could not run: no Java runtime found",
                hint="HermiT needs java (OpenJDK 11 or newer) on PATH",
            ) from None

    def cancel(self) -> None:
        """Stop HermiT if it still runs and remove its temporary folder (idempotent)."""
        try:
            if self._process.poll() is None:
                self._process.kill()
            self._process.wait()
            if self._process.stdout is not None:
                self._process.stdout.close()
        finally:
            self._tmp.cleanup()

    def consistent(self) -> bool:
        """Wait for HermiT: True when consistent, False when not; raise on other failures."""
        try:
            output_bytes, _ = self._process.communicate(timeout=HERMIT_TIMEOUT)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.communicate()
            raise OwlCheckError(
                f"the OWL reasoner did not finish within {HERMIT_TIMEOUT} s"
            ) from None
        finally:
            self._tmp.cleanup()
        output = output_bytes.decode("utf-8", errors="replace")
        if self._process.returncode == 0 and "is satisfiable" in output:
            return True
        if "InconsistentOntologyException" in output or "Inconsistent ontology" in output:
            return False
        unsupported = re.search(r"UnsupportedDatatypeException.*?datatype '([^']+)'", output, re.S)
        if unsupported:
            raise OwlCheckError(
                f"a data property has a value of datatype <{unsupported[1]}>, which is not in "
                "the OWL 2 datatype map: OWL reasoners cannot use it",
                hint="type it with a datatype of the map (xsd:integer, xsd:decimal, xsd:string, "
                "xsd:dateTime …) or give the value with an annotation property (docs/model.md)",
            )
        first = next((line for line in output.splitlines() if line.strip()), "no output")
        raise OwlCheckError(f"the OWL reasoner failed: {first.strip()[:300]}")


def hermit_consistent(ontology: Graph, data: Iterable[Graph]) -> bool:
    """Whether HermiT finds ontology + data consistent (waits for the answer)."""
    return HermitRun(ontology, data).consistent()


class ConsistencyCheck:
    """The OWL check of a dataset, started in the background; :meth:`outcome` waits for it."""

    def __init__(self, dataset: Dataset | Graph) -> None:
        self.started = time.perf_counter()
        self.ontology = bundled_ontology()
        self.graphs = data_graphs(dataset)
        self.run = HermitRun(self.ontology, self.graphs)

    def cancel(self) -> None:
        """Stop the check without waiting for its verdict (when the validation failed)."""
        self.run.cancel()

    def outcome(self) -> OwlOutcome:
        """The verdict, explained when inconsistent."""
        if self.run.consistent():
            return OwlOutcome(True, seconds=time.perf_counter() - self.started)
        conflicts = explain(self.ontology, self.graphs)
        if not conflicts and len(self.graphs) > 1:
            conflicts = locate_graphs(self.ontology, self.graphs)
        return OwlOutcome(False, conflicts, time.perf_counter() - self.started)


def start_consistency_check(dataset: Dataset | Graph) -> ConsistencyCheck:
    """Start HermiT on the bundled ontology with the dataset's instance data."""
    return ConsistencyCheck(dataset)


def check_consistency(dataset: Dataset | Graph) -> OwlOutcome:
    """HermiT's verdict on the bundled ontology with the dataset's instance data."""
    return start_consistency_check(dataset).outcome()


# -- explaining an inconsistency --------------------------------------------------------------


def superclasses(ontology: Graph) -> dict[Node, set[Node]]:
    """Each named class with all its named superclasses (itself included)."""
    parents: dict[Node, set[Node]] = defaultdict(set)
    for c, d in ontology.subject_objects(RDFS.subClassOf):
        if isinstance(d, URIRef):
            parents[c].add(d)

    def closure(c: Node) -> set[Node]:
        seen, stack = {c}, [c]
        while stack:
            for d in parents.get(stack.pop(), ()):
                if d not in seen:
                    seen.add(d)
                    stack.append(d)
        return seen

    return {c: closure(c) for c in set(parents) | {d for ds in parents.values() for d in ds}}


def disjoint_pairs(ontology: Graph) -> set[frozenset[Node]]:
    """Pairs of classes the ontology declares disjoint."""
    pairs = {frozenset((a, b)) for a, b in ontology.subject_objects(OWL.disjointWith)}
    for axiom in ontology.subjects(RDF.type, OWL.AllDisjointClasses):
        head = ontology.value(axiom, OWL.members)
        members = list(ontology.items(head)) if head is not None else []
        pairs.update(frozenset(p) for p in itertools.combinations(members, 2))
    return pairs


def typed_classes(ontology: Graph, data: Graph) -> dict[Node, dict[Node, tuple[str, str]]]:
    """For every node, its classes and how it got each (asserted, domain or range), zh and en."""
    domains = {p: d for p, d in ontology.subject_objects(RDFS.domain) if isinstance(d, URIRef)}
    ranges = {p: r for p, r in ontology.subject_objects(RDFS.range) if isinstance(r, URIRef)}
    object_props = set(ontology.subjects(RDF.type, OWL.ObjectProperty))
    found: dict[Node, dict[Node, tuple[str, str]]] = defaultdict(dict)
    for s, p, o in data:
        if p == RDF.type:
            found[s][o] = ASSERTED  # an asserted type explains better than a domain or range
            continue
        short = qname(data.namespace_manager, p)
        if p in domains:
            found[s].setdefault(domains[p], (f"{short} 的定义域", f"domain of {short}"))
        if p in ranges and p in object_props and not isinstance(o, Literal):
            found[o].setdefault(ranges[p], (f"{short} 的值域", f"range of {short}"))
    return found


def explain(ontology: Graph, graphs: list[Graph]) -> list[Conflict]:
    """The disjointness and functional-property clashes in the data."""
    data = Graph()
    bind_prefixes(data.namespace_manager)
    for graph in graphs:
        data += graph
    ns = data.namespace_manager
    supers = superclasses(ontology)
    pairs = disjoint_pairs(ontology)
    conflicts: list[Conflict] = []
    for node, classes in typed_classes(ontology, data).items():
        expanded: dict[Node, tuple[str, str]] = {}
        for cls, why in sorted(classes.items(), key=lambda item: item[1] != ASSERTED):
            for sup in supers.get(cls, {cls}):
                via = "" if sup == cls else f" ⊑ {qname(ns, cls)}"
                expanded.setdefault(sup, (why[0] + via, why[1] + via))
        for a, b in itertools.combinations(sorted(expanded, key=str), 2):
            if frozenset((a, b)) in pairs:
                conflicts.append(disjoint_conflict(data, node, a, b, expanded))
    conflicts.extend(functional_conflicts(ontology, data))
    return conflicts


def disjoint_conflict(
    data: Graph, node: Node, a: Node, b: Node, why: dict[Node, tuple[str, str]]
) -> Conflict:
    """A node that is an instance of two disjoint classes."""
    ns = data.namespace_manager
    qa, qb = qname(ns, a), qname(ns, b)
    label = node_label(data, node)
    name = f"<{node}>" + (f" “{label}”" if label else "")
    return Conflict(
        node,
        label,
        f"{name} is both {qa} ({why[a][1]}) and {qb} ({why[b][1]}), "
        "which the ontology declares disjoint.",
        f"{name} 同时属于 {qa}（{why[a][0]}）和 {qb}（{why[b][0]}），而本体声明这两个类不相交。",
        (a, b),
    )


def qname(ns: NamespaceManager, term: Node) -> str:
    """A term as a prefixed name, or <…> (rdflib's terms are strings; its stubs' Node is not)."""
    return ns.normalizeUri(term) if isinstance(term, str) else f"<{term}>"


def distinct_value(value: Node) -> tuple[object, str | None]:
    """What tells two values apart: a literal's value and language, another node itself."""
    return (value.toPython(), value.language) if isinstance(value, Literal) else (value, None)


def functional_conflicts(ontology: Graph, data: Graph) -> list[Conflict]:
    """Nodes with two different literal values of a functional datatype property."""
    conflicts = []
    ns = data.namespace_manager
    for prop in ontology.subjects(RDF.type, OWL.FunctionalProperty):
        if (prop, RDF.type, OWL.DatatypeProperty) not in ontology:
            continue
        values: dict[Node, set[Node]] = defaultdict(set)
        for s, o in data.subject_objects(prop):
            values[s].add(o)
        for node, found in values.items():
            if len(found) > 1 and len({distinct_value(v) for v in found}) > 1:
                label = node_label(data, node)
                shown = ", ".join(sorted(repr(str(v)) for v in found))
                q = qname(ns, prop)
                conflicts.append(
                    Conflict(
                        node,
                        label,
                        f"<{node}> has {len(found)} values of the functional property "
                        f"{q}: {shown}.",
                        f"<{node}> 的函数型属性 {q} 有 {len(found)} 个不同的值：{shown}。",
                    )
                )
    return conflicts


def locate_graphs(ontology: Graph, graphs: list[Graph]) -> list[Conflict]:
    """The graphs that are inconsistent on their own with the ontology."""
    conflicts = []
    for graph in graphs:
        if not hermit_consistent(ontology, [graph]):
            conflicts.append(
                Conflict(
                    graph.identifier,
                    None,
                    f"The graph <{graph.identifier}> is inconsistent with the ontology on its own.",
                    f"命名图 <{graph.identifier}> 单独与本体合并即不一致。",
                )
            )
    return conflicts


__all__ = [
    "check_consistency",
    "start_consistency_check",
    "OwlOutcome",
    "Conflict",
]
