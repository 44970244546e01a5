"""The streaming, parallel build (graph/stream.py): the same bytes as the in-memory build
whatever the job count, the index equal to what the crosswalk reads off built graphs,
documents built one at a time, and failures handled as the in-memory build does."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import URIRef

from policykg.graph.corpus import CorpusIndex, entries_of
from policykg.graph.crosswalk import target_items_from_graph
from policykg.graph.errors import InputError
from policykg.graph.pipeline import build
from policykg.graph.rdfio import union_view, write_dataset
from policykg.graph.stream import stream_build

DATA = Path(__file__).parent / "data"
REAL = sorted((DATA / "real").glob("*.txt"))
GENERATOR = Path(__file__).parent.parent / "benchmarks" / "generate_corpus.py"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[Path]:
    """Twelve generated documents that cite and implement each other."""
    folder = tmp_path_factory.mktemp("generated") / "corpus"
    subprocess.run(
        [sys.executable, str(GENERATOR), "--count", "12", "--seed", "3", "--out", str(folder)],
        check=True,
        capture_output=True,
    )
    return sorted(folder.glob("*.txt"))


@pytest.fixture(scope="module")
def in_memory(corpus, tmp_path_factory):
    """The in-memory build of the generated corpus and the real documents, as N-Quads."""
    result = build([*corpus, *REAL])
    path = tmp_path_factory.mktemp("memory") / "all.nq"
    write_dataset(result.dataset, path)
    return result, path


@pytest.mark.slow
@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_the_streaming_build_writes_the_bytes_of_the_in_memory_build(
    corpus, in_memory, tmp_path, jobs
):
    result, expected = in_memory
    out = tmp_path / "all.nq"
    streamed = stream_build([*corpus, *REAL], out, jobs=jobs)
    assert out.read_bytes() == expected.read_bytes()
    assert streamed.summary() == result.summary()
    assert streamed.outcome.warnings == result.warnings
    assert streamed.outcome.quality == result.quality


@pytest.mark.slow
def test_n_triples_are_the_union_as_the_in_memory_build_writes_it(corpus, in_memory, tmp_path):
    result, _ = in_memory
    expected, out = tmp_path / "memory.nt", tmp_path / "stream.nt"
    write_dataset(result.dataset, expected)
    stream_build(corpus + REAL, out, jobs=2)
    assert out.read_bytes() == expected.read_bytes()


@pytest.mark.slow
def test_the_index_gives_the_items_the_crosswalk_reads_off_the_built_graphs(corpus, ref):
    result = build(corpus, reference=ref)
    index = CorpusIndex(entries_of(result.documents))
    for entry in index.entries:
        graph = result.dataset.graph(URIRef(str(entry.iri).replace("/id/", "/graph/", 1)))
        assert len(graph), entry.iri
        assert index.items_of(entry.iri, ref) == target_items_from_graph(graph, entry.iri)
    # the corpus links its documents: some document implements another one of the corpus
    implemented = {
        str(o)
        for o in union_view(result.dataset).objects(
            None, URIRef("https://w3id.org/policykg/ontology#correspondsTo")
        )
    }
    assert any(i.startswith(f"{e.iri}/") for i in implemented for e in index.entries)


@pytest.mark.slow
def test_a_document_is_built_alone_never_with_the_others_in_memory(corpus, tmp_path):
    streamed = stream_build(corpus, tmp_path / "a.nq", jobs=1)
    assert streamed.summary()["documents"] == len(corpus)
    assert streamed.peak_documents == 1
    parallel = stream_build(corpus, tmp_path / "b.nq", jobs=2)
    assert parallel.peak_documents == 1


def test_failures_are_left_out_unless_strict(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    plan = DATA / "docs" / "henan-opinion.txt"
    out = tmp_path / "out.nq"
    result = stream_build([empty, plan], out, jobs=2, strict=False)
    assert [name for name, _ in result.failures] == ["empty.txt"]
    assert result.summary()["documents"] == 1
    with pytest.raises(InputError):
        stream_build([empty, plan], tmp_path / "strict.nq", jobs=2, strict=True)
    assert not (tmp_path / "strict.nq").exists()


def test_a_second_file_of_one_document_is_refused(tmp_path):
    plan = DATA / "docs" / "taiyuan-city-plan.txt"
    again = tmp_path / "again.txt"
    again.write_bytes(plan.read_bytes())
    result = stream_build([plan, again], tmp_path / "out.nq", jobs=2, strict=False)
    assert result.failures and "same document" in result.failures[0][1]


def test_the_bundled_corpus_streams_into_a_store(tmp_path):
    from policykg.graph.store import open_for_writing

    with open_for_writing(tmp_path / "store") as writer:
        result = stream_build(None, tmp_path / "b.nq", jobs=1, merged=writer.replace_graphs)
    store = ox.Store.read_only(str(tmp_path / "store"))
    written = list(ox.parse(path=str(tmp_path / "b.nq"), format=ox.RdfFormat.N_QUADS))
    stored = [  # the named graphs (the default graph holds their union: graph/store.py)
        q
        for q in store.quads_for_pattern(None, None, None, None)
        if not isinstance(q.graph_name, ox.DefaultGraph)
    ]
    assert named_only(stored) == named_only(written)  # blank nodes are named anew
    assert len(stored) == len(written) == result.quads


def named_only(quads):
    """The quads without blank nodes."""
    return {q for q in quads if not isinstance(q.subject, ox.BlankNode | ox.Triple)} - {
        q for q in quads if isinstance(q.object, ox.BlankNode)
    }


def test_a_few_lines_are_put_in_their_places_in_a_sorted_file(tmp_path):
    from policykg.graph.stream import insert_lines

    rng = random.Random(3)
    lines = sorted({f"<s{rng.randrange(10**6)}> <p> {n} .\n".encode() for n in range(3000)})
    few = rng.sample(lines, 40) + [b"<a> <p> 0 .\n", b"<zz> <p> 0 .\n"]
    data = tmp_path / "data.nq"
    data.write_bytes(b"".join(line for line in lines if line not in few[:20]))
    for block in (64, 1000, 1 << 20):  # blocks that cut lines, and one block
        insert_lines(data, few, tmp_path / "whole.nq", block)
        assert (tmp_path / "whole.nq").read_bytes() == b"".join(sorted({*lines, *few}))
