"""The persistent store (graph/store.py): load and build --store replace a document's graph
and keep the others; validate --store validates only what changed (shapes/ledger.py);
serve --store answers from the store in a real server process."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from conftest import free_port, serving

from policykg.graph.store import HASHES_FILE, STATS_FILE
from policykg.graph.stream import stream_build
from policykg.shapes.ledger import RECORDS_FILE

DATA = Path(__file__).parent / "data"
QUERIES = Path(__file__).parent.parent / "server" / "queries"
REAL = sorted((DATA / "real").glob("*.txt"))
DOC_GRAPH = "https://w3id.org/policykg/graph/doc/"
MEASURE = "https://w3id.org/policykg/ontology#Measure"
GRAPHS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def graph_counts(folder: Path) -> dict[str, int]:
    store = ox.Store.read_only(str(folder))
    return {r["g"].value: int(r["n"].value) for r in store.query(GRAPHS)}


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    """Two N-Quads files: three real documents, and the first of them alone."""
    folder = tmp_path_factory.mktemp("builds")
    three, one = folder / "three.nq", folder / "one.nq"
    stream_build(REAL[:3], three)
    stream_build(REAL[:1], one)
    return three, one


@pytest.mark.slow
def test_load_then_load_again_replaces_graphs_never_duplicates(two_builds, tmp_path, runner):
    three, one = two_builds
    store = tmp_path / "store"
    first = runner("load", str(three), "--store", str(store))
    assert first.exit_code == 0, first.output
    before = graph_counts(store)
    assert sum(1 for g in before if g.startswith(DOC_GRAPH)) == 3
    again = runner("load", str(one), "--store", str(store))
    assert again.exit_code == 0, again.output
    after = graph_counts(store)
    assert after == before  # the same document loaded again: its graph replaced, not doubled
    assert json.loads((store / STATS_FILE).read_text())["triples"] == sum(after.values())
    assert set(json.loads((store / HASHES_FILE).read_text())) == set(after)


@pytest.mark.slow
def test_build_into_a_store_adds_documents_to_those_it_holds(two_builds, tmp_path, runner):
    three, _ = two_builds
    store = tmp_path / "store"
    for files in (REAL[:1], REAL[1:3]):
        result = runner("build", "-q", *map(str, files), "--store", str(store))
        assert result.exit_code == 0, result.output
    loaded = tmp_path / "loaded"
    assert runner("load", str(three), "--store", str(loaded)).exit_code == 0
    built, expected = graph_counts(store), graph_counts(loaded)
    documents = {g for g in expected if g.startswith(DOC_GRAPH)}
    assert {g: built[g] for g in documents} == {g: expected[g] for g in documents}
    # the linkset counts the links of every document, the places every county needed
    linkset = "https://w3id.org/policykg/graph/reference/linkset"
    assert built[linkset] == expected[linkset]


def test_load_refuses_what_is_not_a_dataset_file(tmp_path, runner):
    turtle = tmp_path / "a.ttl"
    turtle.write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    result = runner("load", str(turtle), "--store", str(tmp_path / "s"))
    assert result.exit_code == 2 and "N-Quads" in result.output
    broken = tmp_path / "b.nq"
    broken.write_text("<urn:a> <urn:b> .\n", encoding="utf-8")
    result = runner("load", str(broken), "--store", str(tmp_path / "s"))
    assert result.exit_code == 2 and "Traceback" not in result.output
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine", encoding="utf-8")
    result = runner("load", str(DATA / "sample.trig"), "--store", str(other))
    assert result.exit_code == 2 and "not a store" in result.output


@pytest.mark.slow
def test_validate_store_validates_only_the_graphs_that_changed(two_builds, tmp_path, runner):
    three, _ = two_builds
    store = tmp_path / "store"
    assert runner("load", str(three), "--store", str(store)).exit_code == 0
    first = runner("validate", "--store", str(store))
    assert first.exit_code == 0, first.output
    # three documents, the national outline (a document too) and the reference unit
    assert "5 to validate" in first.output
    records = json.loads((store / RECORDS_FILE).read_text())
    assert len(records["units"]) == 5
    again = runner("validate", "--store", str(store))
    assert "0 to validate" in again.output
    assert again.stdout == first.stdout  # the same report, read from the records
    # one document built again from a changed text: only its graph is validated again,
    # with the reference unit, which holds the dataset's description (its version and
    # counts change with any document)
    changed = tmp_path / REAL[0].name
    text = REAL[0].read_text(encoding="utf-8")
    changed.write_text(text.replace("。", "。\n", 1), encoding="utf-8")
    assert runner("build", "-q", str(changed), "--store", str(store)).exit_code == 0
    third = runner("validate", "--store", str(store))
    assert "3 units unchanged since their validation, 2 to validate" in third.output, third.output


def test_a_broken_record_is_validated_again(tmp_path, runner):
    store = tmp_path / "store"
    assert runner("load", str(DATA / "sample.trig"), "--store", str(store)).exit_code == 0
    runner("validate", "--store", str(store))
    (store / RECORDS_FILE).write_text("{not json", encoding="utf-8")
    result = runner("validate", "--store", str(store))
    assert "0 units unchanged" in result.output


@pytest.mark.server
def test_serve_store_answers_from_the_store(tmp_path, runner):
    store = tmp_path / "store"
    result = runner("build", "-q", "--store", str(store))  # the bundled corpus
    assert result.exit_code == 0, result.output

    def argv(port: int) -> list[str]:
        return [
            sys.executable,
            "-m",
            "policykg.cli.main",
            "serve",
            "--store",
            str(store),
            "--port",
            str(port),
            "--workers",
            "2",
        ]

    with serving(argv, {}, tmp_path / "serve.log") as (base, _):
        count = httpx.get(
            base + "/sparql",
            params={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s a <{MEASURE}> }}"},
            headers={"Accept": "application/sparql-results+json"},
        )
        assert count.status_code == 200
        assert count.json()["results"]["bindings"][0]["n"]["value"] == "80"
        page = httpx.get(base + "/id/doc/晋政办发/2022/77")
        assert page.status_code == 200 and "山西省" in page.text
        refused = httpx.get(
            base + "/sparql",
            params={"query": "SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }"},
        )
        assert refused.status_code == 403
    # the store is not held: it can be written to again at once
    copy = tmp_path / "copy"
    shutil.copytree(store, copy)
    assert runner("load", str(DATA / "sample.trig"), "--store", str(copy)).exit_code == 0
    assert free_port()


@pytest.mark.slow
def test_every_shipped_query_answers_from_a_store_as_from_the_file(tmp_path):
    from policykg.server.engine import OxigraphEngine

    nq, store = tmp_path / "all.nq", tmp_path / "store"
    from policykg.graph.store import open_for_writing

    with open_for_writing(store) as writer:
        stream_build([*REAL, DATA / "docs" / "henan-opinion.txt"], nq, merged=writer.replace_graphs)
    from_file, from_store = OxigraphEngine.from_path(nq), OxigraphEngine.from_store(store)
    assert from_store.union_stored
    queries = sorted(QUERIES.glob("cq*.rq")) + sorted((QUERIES / "cross").glob("*.rq"))
    assert len(queries) >= 15
    for path in queries:
        query = path.read_text(encoding="utf-8")
        expected = sorted(map(repr, from_file.query(query).rows()))
        assert sorted(map(repr, from_store.query(query).rows())) == expected, path.name
    # the downloads hold the named graphs, not the stored union's copies
    assert sum(1 for _ in from_store.quads()) == sum(1 for _ in from_file.quads())


def test_a_store_starts_from_its_recorded_digest_until_it_is_changed(tmp_path, monkeypatch):
    from policykg.graph.publishing import content_digest
    from policykg.graph.store import open_for_writing, recorded_counts
    from policykg.server.engine import OxigraphEngine

    store, built = tmp_path / "store", tmp_path / "one.nq"
    with open_for_writing(store) as writer:
        stream_build(REAL[:1], built, jobs=1, merged=writer.replace_graphs)
    from_file = OxigraphEngine.from_path(built)
    stated, counted = from_file.version, from_file.stats()

    def every_quad(_engine):
        raise AssertionError("the store's quads were read at start-up")

    with monkeypatch.context() as patched:
        patched.setattr(OxigraphEngine, "quads", every_quad)
        for _ in range(2):  # opening it read-only leaves the record valid
            engine = OxigraphEngine.from_store(store)
            assert engine.version == stated
            assert engine.stats() == counted
    assert recorded_counts(store) is not None

    changed = ox.Store(str(store))  # changed afterwards, not by policykg's writer
    changed.add(
        ox.Quad(
            ox.NamedNode("https://example.org/s"),
            ox.NamedNode("https://example.org/p"),
            ox.Literal("added"),
            ox.NamedNode(DOC_GRAPH + "added"),
        )
    )
    changed.flush()
    del changed
    assert recorded_counts(store) is None
    engine = OxigraphEngine.from_store(store)
    assert engine.version != stated
    assert engine.version == content_digest(engine.quads())
    assert engine.stats().triples == counted.triples + 1


def test_a_load_records_the_counts_a_server_would_make(two_builds, tmp_path, runner):
    from policykg.graph.store import recorded_counts
    from policykg.server.engine import OxigraphEngine

    three, one = two_builds
    store = tmp_path / "store"
    for graph_file in (one, three):  # the second load adds to what the store holds
        assert runner("load", str(graph_file), "--store", str(store)).exit_code == 0
    recorded = recorded_counts(store)
    assert recorded is not None
    engine = OxigraphEngine.from_store(store)
    del engine.__dict__["_stats"], engine.__dict__["version"]  # counted again, every quad
    assert recorded.statistics == engine.stats()
    assert recorded.version == engine.version
