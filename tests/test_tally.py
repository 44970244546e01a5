"""The one-pass statistics and content digest (graph/tally.py): the same figures from a
file's lines as from an engine's quads, in any order, with bounded state."""

from __future__ import annotations

import random
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.namespace import RDF, XSD

from policykg.graph.publishing import content_digest, statistics
from policykg.graph.rdfio import nquads_lines
from policykg.graph.tally import Distinct, Tally

PKID = "https://w3id.org/policykg/id/"
DESCRIPTION = "https://w3id.org/policykg/graph/reference/dataset"
G1, G2 = URIRef("https://example.org/g1"), URIRef("https://example.org/g2")


def awkward_graphs() -> dict[URIRef, list[tuple]]:
    """Triples whose lines rdflib and Oxigraph write differently, or hold blank nodes,
    spaces and IRIs inside literals, and one triple in two graphs."""
    s, p = URIRef(PKID + "doc/1"), URIRef("https://example.org/p")
    blank = BNode()
    shared = (s, RDF.type, URIRef("https://example.org/Document"))
    first = [
        shared,
        (s, p, Literal("a\tb\x01c\x7f")),
        (s, p, Literal("文本", lang="zh-CN")),
        (s, p, Literal("x", datatype=XSD.string)),
        (s, p, Literal('quote " and \\ and\nnewline')),
        (s, p, Literal("ends like a graph <https://example.org/g1>")),
        (s, p, Literal("see _:b0 here")),
        (s, p, Literal("12", datatype=XSD.integer)),
        (s, p, blank),
        (blank, p, URIRef("https://example.org/o")),
        (URIRef("https://example.org/outside"), p, s),
    ]
    return {G1: first, G2: [shared, (URIRef(PKID + "doc/2"), p, Literal("x"))]}


def sorted_lines(graphs: dict[URIRef, list[tuple]]) -> list[bytes]:
    return sorted({line for name, ts in graphs.items() for line in nquads_lines(ts, name)})


def quads_of(lines: list[bytes]) -> list[ox.Quad]:
    return list(ox.parse(b"".join(lines), format=ox.RdfFormat.N_QUADS))


def test_lines_and_quads_give_the_same_figures_and_digest():
    lines = sorted_lines(awkward_graphs())
    from_lines = Tally(PKID, DESCRIPTION).add_lines(lines)
    quads = quads_of(lines)
    assert from_lines.digest() == content_digest(quads)
    assert from_lines.statistics() == statistics(quads, PKID)
    stats = from_lines.statistics()
    assert stats.triples == len(lines) == 13
    assert stats.distinct_triples == 12  # the shared triple once
    assert stats.graphs == {str(G1): 11, str(G2): 2}
    assert stats.entities == 2 and stats.distinct_subjects == 4
    assert stats.classes == 1 and stats.properties == 2


def test_the_digest_does_not_depend_on_the_order_nor_on_blank_labels():
    quads = quads_of(sorted_lines(awkward_graphs()))
    expected = content_digest(quads)
    shuffled = quads[:]
    random.Random(7).shuffle(shuffled)
    assert content_digest(shuffled) == expected
    relabelled = Dataset()
    relabelled.parse(
        data=b"".join(sorted_lines(awkward_graphs())).decode(), format="nquads"
    )  # rdflib names the blank nodes anew
    again = list(ox.parse(relabelled.serialize(format="nquads").encode(), ox.RdfFormat.N_QUADS))
    assert any(isinstance(q.object, ox.BlankNode) for q in again)
    assert content_digest(again) == expected
    store = ox.Store()
    store.extend(quads)  # the store's own order and labels
    assert content_digest(store) == expected


def test_the_digest_changes_with_the_data_and_leaves_out_the_description():
    quads = quads_of(sorted_lines(awkward_graphs()))
    expected = content_digest(quads)
    changed = [*quads[:-1], ox.Quad(quads[-1].subject, quads[-1].predicate, ox.Literal("y"))]
    assert content_digest(changed) != expected
    described = ox.Quad(ox.NamedNode(PKID + "dataset"), quads[0].predicate, ox.Literal("n"))
    with_description = [*quads, ox.Quad(*described.triple, ox.NamedNode(DESCRIPTION))]
    assert content_digest(with_description) == expected
    assert statistics(with_description).triples == len(quads) + 1


def test_a_repeated_line_is_counted_as_a_statement_but_not_as_a_distinct_term():
    lines = sorted_lines(awkward_graphs())
    tally = Tally(PKID, DESCRIPTION).add_lines(lines)
    other = Tally(PKID, DESCRIPTION).add_lines(lines[:3])
    joined = tally.statistics(other)
    alone = tally.statistics()
    assert joined.triples == alone.triples + 3
    assert joined.distinct_triples == alone.distinct_triples
    assert joined.distinct_objects == alone.distinct_objects


def test_distinct_keeps_eight_bytes_a_key_and_counts_exactly():
    distinct = Distinct()
    for n in range(20_000):
        distinct.add(str(n % 5_000).encode())
    assert distinct.count() == 5_000
    assert sum(len(b) for b in distinct.buckets) == 20_000
    assert sum(b.itemsize * len(b) for b in distinct.buckets) == 8 * 20_000
    more = Distinct()
    for n in range(4_000, 6_000):
        more.add(str(n).encode())
    assert distinct.count(more) == 6_000


def test_the_streaming_build_states_what_its_file_counts(tmp_path: Path):
    from policykg.graph.stream import stream_build

    real = sorted((Path(__file__).parent / "data" / "real").glob("*.txt"))[:2]
    result = stream_build(real, tmp_path / "two.nq", jobs=1)
    quads = list(ox.parse(path=str(tmp_path / "two.nq"), format=ox.RdfFormat.N_QUADS))
    data = [q for q in quads if q.graph_name != ox.NamedNode(DESCRIPTION)]
    stated = {
        q.predicate.value.rsplit("#", 1)[-1]: q.object.value
        for q in quads
        if q.subject == ox.NamedNode(PKID + "dataset") and q.predicate.value.endswith("#version")
    }
    assert stated["version"] == content_digest(data)
    assert result.quads == len(quads) == statistics(quads).triples
