"""The VoID statistics and the content digest of a dataset, in one pass over its statements.

A :class:`Tally` is given the statements one at a time, as N-Quads lines (a built file,
read in a stream) or as pyoxigraph quads (an engine's dataset, a store), and holds only
what does not grow with the data beyond eight bytes a statement:

- the count of statements of each named graph, the predicates, the classes;
- the distinct subjects, triples and objects as 64-bit hashes (BLAKE2b), counted at the
  end bucket by bucket (a set of one sixteenth of them at a time). A statement whose
  subject or triple is that of the statement before is not hashed again, so that over a
  sorted file (graph/stream.py's) only the distinct ones are kept;
- the content digest: the sum modulo 2**256 of the SHA-256 of every statement's N-Quads
  line as Oxigraph writes it, blank nodes written ``_:`` (a store relabels them), outside
  the description graph; the version is ``sha256-`` and the first 16 hex digits of the
  SHA-256 of that sum. A sum does not depend on the order of the statements, so the same
  data gives the same digest whichever engine, store or file holds it, read in any order.

A line from rdflib's N-Quads writer is Oxigraph's line except where it holds a control
character, an upper-case language tag or an explicit xsd:string: such a line (and one
with a blank node, or not of the plain ``s p o g .`` form) is read by Oxigraph's parser.
"""

from __future__ import annotations

import hashlib
import re
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

_MODULUS = 1 << 256
_BUCKET_BITS = 4  # 16 buckets of hashes; one bucket's set at a time when counting
# what rdflib's row writer and Oxigraph may write differently, or a blank node's label
_NOT_CANONICAL = re.compile(
    rb'[\x00-\x09\x0b-\x1f\x7f]|_:|"@[^ "]*[A-Z]|\^\^<http://www\.w3\.org/2001/XMLSchema#string>'
)
_RDF_TYPE = b"<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


@dataclass
class Statistics:
    """What VoID counts of a dataset (graph/publishing.py's docstring defines them)."""

    triples: int = 0
    graphs: dict[str, int] = field(default_factory=dict)
    distinct_triples: int = 0
    entities: int = 0
    classes: int = 0
    properties: int = 0
    distinct_subjects: int = 0
    distinct_objects: int = 0


def _hash64(key: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest())


class Distinct:
    """A count of distinct keys kept as 64-bit hashes: eight bytes a key added."""

    def __init__(self) -> None:
        self.buckets = [array("Q") for _ in range(1 << _BUCKET_BITS)]

    def add(self, key: bytes) -> None:
        value = _hash64(key)
        self.buckets[value >> (64 - _BUCKET_BITS)].append(value)

    def count(self, *others: Distinct) -> int:
        """The distinct keys of this and the ``others`` together."""
        return sum(
            len(set(bucket).union(*(o.buckets[i] for o in others)))
            for i, bucket in enumerate(self.buckets)
        )


def quad_parts(quad: ox.Quad) -> tuple[bytes, bytes, bytes, bytes]:
    """A quad's terms as Oxigraph writes them in N-Quads (the default graph: empty)."""
    graph = quad.graph_name
    return (
        str(quad.subject).encode(),
        str(quad.predicate).encode(),
        str(quad.object).encode(),
        b"" if isinstance(graph, ox.DefaultGraph) else str(graph).encode(),
    )


def _plain_parts(line: bytes) -> tuple[bytes, bytes, bytes, bytes] | None:
    """The terms of an N-Quads line Oxigraph would write alike, or None when it must be
    parsed (see the module's docstring)."""
    if not line.endswith(b" .\n") or _NOT_CANONICAL.search(line):
        return None
    parts = line.split(b" ", 2)
    if len(parts) != 3 or not parts[0].startswith(b"<") or not parts[1].startswith(b"<"):
        return None
    subject, predicate, rest = parts
    body = rest[:-3]
    if body.startswith(b"<"):  # an IRI object, then the graph if any
        obj, _, graph = body.partition(b" ")
        return subject, predicate, obj, graph
    if not body.startswith(b'"'):
        return None
    # a literal object: a last token `<…>` after a space is the graph (a datatype's IRI
    # follows ^^, and the literal's own text ends with a quote or its language tag)
    at = body.rfind(b" <")
    tail = body[at + 1 :]
    if at > 0 and tail.endswith(b">") and b" " not in tail and b'"' not in tail:
        return subject, predicate, body[:at], tail
    return subject, predicate, body, b""


class Tally:
    """Statistics and digest of the statements given (see the module's docstring).

    ``uri_space`` bounds the entities; ``leave_out`` is the graph the digest leaves out;
    the statements whose predicate is a key of ``keep`` (and whose object is the value,
    unless it is None) are kept as quads for the caller."""

    def __init__(
        self, uri_space: str, leave_out: str, keep: dict[str, str | None] | None = None
    ) -> None:
        self.uri_space = uri_space
        self.entity_prefix = b"<" + uri_space.encode()
        self.leave_out = f"<{leave_out}>".encode()
        self.keep = {
            f"<{p}>".encode(): (None if o is None else f"<{o}>".encode())
            for p, o in (keep or {}).items()
        }
        self.kept: list[ox.Quad] = []
        self.graphs: dict[bytes, int] = {}
        self.predicates: set[bytes] = set()
        self.classes: set[bytes] = set()
        self.subjects = Distinct()
        self.entities = Distinct()
        self.triples = Distinct()
        self.objects = Distinct()
        self.sum = 0
        self._subject = b""
        self._triple = b""

    # -- statements in ------------------------------------------------------------------------

    def add_line(self, line: bytes) -> None:
        """One N-Quads line (blank lines and comments are nothing)."""
        parts = _plain_parts(line)
        if parts is None:
            for quad in ox.parse(line, format=ox.RdfFormat.N_QUADS):
                self.add_quad(quad)
            return
        self._add(parts, line, line)

    def add_quad(self, quad: ox.Quad) -> None:
        """One pyoxigraph quad."""
        parts = quad_parts(quad)
        terms = (quad.subject, quad.predicate, quad.object, quad.graph_name)
        unlabelled = [
            b"_:" if isinstance(t, ox.BlankNode) else p for t, p in zip(terms, parts, strict=True)
        ]
        canonical = b" ".join(u for u in unlabelled if u) + b" .\n"
        self._add(parts, b" ".join(p for p in parts if p) + b" .\n", canonical)

    def add_quads(self, quads: Iterable[ox.Quad]) -> Tally:
        for quad in quads:
            self.add_quad(quad)
        return self

    def add_lines(self, lines: Iterable[bytes]) -> Tally:
        for line in lines:
            self.add_line(line)
        return self

    def _add(self, parts: tuple[bytes, bytes, bytes, bytes], line: bytes, canonical: bytes) -> None:
        subject, predicate, obj, graph = parts
        self.graphs[graph] = self.graphs.get(graph, 0) + 1
        if graph != self.leave_out:
            self.sum += int.from_bytes(hashlib.sha256(canonical).digest())
        if subject != self._subject:
            self._subject = subject
            self.subjects.add(subject)
            if subject.startswith(self.entity_prefix):
                self.entities.add(subject)
        triple = line[: len(subject) + len(predicate) + len(obj) + 2]
        if triple != self._triple:
            self._triple = triple
            self.triples.add(triple)
        self.objects.add(obj)
        if predicate not in self.predicates:
            self.predicates.add(predicate)
        if predicate == _RDF_TYPE:
            self.classes.add(obj)
        if predicate in self.keep and self.keep[predicate] in (None, obj):
            self.kept.extend(ox.parse(line, format=ox.RdfFormat.N_QUADS))

    # -- what they come to ----------------------------------------------------------------------

    def digest(self) -> str:
        """The content digest (see the module's docstring)."""
        total = (self.sum % _MODULUS).to_bytes(32, "big")
        return "sha256-" + hashlib.sha256(total).hexdigest()[:16]

    def graph_names(self) -> list[str]:
        """The named graphs met, sorted."""
        return sorted(_graph_name(g) for g in self.graphs if g.startswith(b"<"))

    def statistics(self, *others: Tally) -> Statistics:
        """The statistics of these statements and the ``others``'s together."""
        graphs: dict[str, int] = {}
        for tally in (self, *others):
            for graph, count in tally.graphs.items():
                name = _graph_name(graph)
                graphs[name] = graphs.get(name, 0) + count
        return Statistics(
            triples=sum(graphs.values()),
            graphs=dict(sorted(graphs.items())),
            distinct_triples=self.triples.count(*(o.triples for o in others)),
            entities=self.entities.count(*(o.entities for o in others)),
            classes=len(self.classes.union(*(o.classes for o in others))),
            properties=len(self.predicates.union(*(o.predicates for o in others))),
            distinct_subjects=self.subjects.count(*(o.subjects for o in others)),
            distinct_objects=self.objects.count(*(o.objects for o in others)),
        )


def _graph_name(graph: bytes) -> str:
    """A graph's name from its N-Quads term ('' for the default graph or a blank node)."""
    return graph[1:-1].decode() if graph.startswith(b"<") else ""
