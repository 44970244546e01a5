"""The external store (graph/remote.py, server/engine.py's UpstreamEngine), against a real
`oxigraph serve` started here on 127.0.0.1: push writes each named graph and a second push
replaces it; serve --upstream serves the pages and the endpoint from it, with the guard
in front and SERVICE never forwarded."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import httpx
import pytest
from conftest import serving

pytestmark = pytest.mark.server

DATA = Path(__file__).parent / "data"
GRAPHS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
OXIGRAPH = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")


def upstream_counts(base: str) -> dict[str, int]:
    answer = httpx.post(
        base + "/query",
        data={"query": GRAPHS},
        headers={"Accept": "application/sparql-results+json"},
    )
    answer.raise_for_status()
    return {b["g"]["value"]: int(b["n"]["value"]) for b in answer.json()["results"]["bindings"]}


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    """A real `oxigraph serve` with the union default graph: its base URL."""
    if not Path(OXIGRAPH).exists():
        pytest.skip("the oxigraph CLI (PyPI oxigraph, in the test extra) is not installed")
    folder = tmp_path_factory.mktemp("oxigraph")

    def argv(port: int) -> list[str]:
        return [
            OXIGRAPH,
            "serve",
            "--location",
            str(folder / "data"),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ]

    with serving(argv, {}, folder / "oxigraph.log", ready="/") as (base, _):
        yield base


@pytest.fixture(scope="module")
def pushed(oxigraph, bundled_nq):
    from click.testing import CliRunner

    from policykg.cli.main import main

    result = CliRunner().invoke(main, ["push", str(bundled_nq), "--endpoint", oxigraph + "/store"])
    assert result.exit_code == 0, result.output
    return oxigraph


def test_a_second_push_replaces_every_graph(pushed, bundled_nq, runner):
    before = upstream_counts(pushed)
    assert len(before) > 2
    result = runner("push", str(bundled_nq), "--endpoint", pushed + "/store")
    assert result.exit_code == 0, result.output
    assert upstream_counts(pushed) == before


def test_push_sends_the_header_given(pushed, tmp_path, runner, listener):
    port, hits = listener
    sample = DATA / "sample.trig"
    result = runner(
        "push", str(sample), "--endpoint", f"http://127.0.0.1:{port}/store", "-H", "X-A: b"
    )
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert hits  # it went where it was told, and only there
    bad = runner("push", str(sample), "--endpoint", "file:///etc/passwd")
    assert bad.exit_code == 2 and "http" in bad.output


def test_the_store_holds_each_graph_of_the_file(pushed, bundled_nq):
    import pyoxigraph as ox

    counts: dict[str, int] = {}
    for quad in ox.parse(path=str(bundled_nq), format=ox.RdfFormat.N_QUADS):
        if isinstance(quad.graph_name, ox.NamedNode):
            counts[quad.graph_name.value] = counts.get(quad.graph_name.value, 0) + 1
    assert upstream_counts(pushed) == counts


def test_a_file_with_a_syntax_error_sends_nothing(tmp_path, runner, listener):
    port, hits = listener
    broken = tmp_path / "broken.nq"
    good = "<http://e.org/s> <http://e.org/p> <http://e.org/o> <http://e.org/g> .\n"
    broken.write_text(
        good * 3 + "<http://example.org/s> <http://example.org/p> .\n", encoding="utf-8"
    )
    result = runner("push", str(broken), "--endpoint", f"http://127.0.0.1:{port}/store")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "broken.nq" in result.output and "line 4" in result.output
    assert not hits  # read through before anything was sent


def test_a_file_without_named_graphs_is_refused(tmp_path, runner, listener):
    port, hits = listener
    plain = tmp_path / "default.nq"
    plain.write_text(
        "<http://example.org/s> <http://example.org/p> <http://example.org/o> .\n", encoding="utf-8"
    )
    result = runner("push", str(plain), "--endpoint", f"http://127.0.0.1:{port}/store")
    assert result.exit_code == 2 and "no named graphs" in result.output
    assert not hits


@pytest.fixture(scope="module")
def upstream_server(pushed, tmp_path_factory):
    log = tmp_path_factory.mktemp("upstream") / "serve.log"

    def argv(port: int) -> list[str]:
        return [
            sys.executable,
            "-m",
            "policykg.cli.main",
            "serve",
            "--upstream",
            pushed + "/query",
            "--port",
            str(port),
            "--workers",
            "1",
        ]

    with serving(argv, {}, log) as (base, _):
        yield base


def test_serve_upstream_answers_queries_and_pages(upstream_server, bundled_client):
    query = (DATA.parent.parent / "server" / "queries" / "cq03-responsibilities.rq").read_text()
    remote = httpx.post(
        upstream_server + "/sparql", data={"query": query}, headers={"Accept": "text/csv"}
    )
    local = bundled_client.post("/sparql", data={"query": query}, headers={"Accept": "text/csv"})
    assert remote.status_code == 200
    assert sorted(remote.text.splitlines()) == sorted(local.text.splitlines())
    page = httpx.get(upstream_server + "/id/doc/晋政办发/2022/77")
    assert page.status_code == 200 and "山西省" in page.text


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:{port}/> { ?s ?p ?o } }",
        "SELECT * WHERE { service   <http://127.0.0.1:{port}/x> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o . SERVICE SILENT <http://127.0.0.1:{port}/> { ?a ?b ?c } }",
        "SELECT * FROM <http://127.0.0.1:{port}/g> WHERE { ?s ?p ?o }",
    ],
)
def test_a_query_cannot_make_the_upstream_fetch_anything(upstream_server, listener, query):
    port, hits = listener
    answer = httpx.post(
        upstream_server + "/sparql", data={"query": query.replace("{port}", str(port))}
    )
    assert answer.status_code == 403
    assert not hits
