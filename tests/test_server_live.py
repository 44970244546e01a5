"""The endpoint under each documented production server (gunicorn, granian) on 127.0.0.1,
used by SPARQLWrapper and httpx."""

from __future__ import annotations

import http.client
import os
import signal
import threading
import time
from pathlib import Path

import httpx
import pytest
from conftest import FRONT_ARGV
from rdflib import Graph
from SPARQLWrapper import CSV, JSON, POST, POSTDIRECTLY, TSV, TURTLE, XML, SPARQLWrapper

pytestmark = pytest.mark.server

SAMPLE = Path(__file__).parent / "data" / "sample.trig"
NUMBERS = (
    "PREFIX eli: <http://data.europa.eu/eli/ontology#> "
    "SELECT ?n WHERE { ?d eli:id_local ?n } ORDER BY ?n"
)
EXPECTED = ["晋政办发〔2022〕77号", "晋政发〔2023〕5号"]
CARTESIAN = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
)


def children_of(pid: int) -> list[int]:
    """PIDs whose parent is `pid` (read from /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture(scope="module", params=sorted(FRONT_ARGV))
def server(request, tmp_path_factory, server_process):
    log = tmp_path_factory.mktemp(request.param) / "server.log"
    env = {
        "POLICYKG_DATA": str(SAMPLE),
        "POLICYKG_ALLOW_NONCONFORMING": "true",
        "POLICYKG_QUERY_TIMEOUT": "2",
        "POLICYKG_MAX_CONTENT_LENGTH": "100000",
    }
    with server_process(FRONT_ARGV[request.param], env, log) as (base, process):
        yield {"base": base, "process": process, "front": request.param}


@pytest.fixture
def endpoint(server):
    return server["base"] + "/sparql"


def wrapper(endpoint: str, query: str, fmt=JSON) -> SPARQLWrapper:
    sparql = SPARQLWrapper(endpoint)
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    return sparql


# --- SPARQLWrapper ----------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", POST, POSTDIRECTLY])
def test_sparqlwrapper_select_json_by_every_method(endpoint, method):
    sparql = wrapper(endpoint, NUMBERS)
    if method == POSTDIRECTLY:
        sparql.setMethod(POST)
        sparql.setRequestMethod(POSTDIRECTLY)
    elif method == POST:
        sparql.setMethod(POST)
    result = sparql.queryAndConvert()
    assert [b["n"]["value"] for b in result["results"]["bindings"]] == EXPECTED


def test_sparqlwrapper_select_xml_csv_tsv(endpoint):
    xml = wrapper(endpoint, NUMBERS, XML).queryAndConvert()
    assert [n.firstChild.data for n in xml.getElementsByTagName("literal")] == EXPECTED
    csv = wrapper(endpoint, NUMBERS, CSV).queryAndConvert().decode()
    assert csv.splitlines() == ["n"] + EXPECTED
    tsv = wrapper(endpoint, NUMBERS, TSV).queryAndConvert().decode()
    assert tsv.splitlines()[0] == "?n" and len(tsv.splitlines()) == 3


def test_sparqlwrapper_ask(endpoint):
    assert wrapper(endpoint, "ASK { ?s a ?t }").queryAndConvert()["boolean"] is True
    assert wrapper(endpoint, "ASK { <urn:none> ?p ?o }").queryAndConvert()["boolean"] is False


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_sparqlwrapper_construct_and_describe(endpoint):
    turtle = wrapper(endpoint, "CONSTRUCT { ?s a ?t } WHERE { ?s a ?t }", TURTLE).queryAndConvert()
    assert len(Graph().parse(data=turtle.decode(), format="turtle")) == 16
    described = wrapper(
        endpoint, "DESCRIBE <https://w3id.org/policykg/id/agency/山西省财政厅>", XML
    ).queryAndConvert()
    assert isinstance(described, Graph) and len(described) == 5


# --- httpx: forms, formats, errors --------------------------------------------------------------


@pytest.mark.parametrize(
    "accept",
    [
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    ],
)
def test_httpx_select_formats(endpoint, accept):
    response = httpx.get(endpoint, params={"query": NUMBERS}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(accept)
    assert EXPECTED[1] in response.text


@pytest.mark.parametrize(
    "accept",
    [
        "text/turtle",
        "application/n-triples",
        "application/ld+json",
        "application/rdf+xml",
        "application/n-quads",
        "application/trig",
    ],
)
def test_httpx_construct_formats(endpoint, accept):
    response = httpx.post(
        endpoint,
        content="CONSTRUCT { ?s a ?t } WHERE { ?s a ?t }",
        headers={"Content-Type": "application/sparql-query", "Accept": accept},
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(accept)


def test_httpx_error_codes(endpoint):
    assert httpx.get(endpoint, params={"query": "SELECT * {"}).status_code == 400
    assert httpx.get(endpoint, params=[("query", "ASK {}"), ("query", "ASK {}")]).status_code == 400
    refused = httpx.get(endpoint, params={"query": "SELECT * { SERVICE <http://127.0.0.1:9/> {} }"})
    assert refused.status_code == 403
    put = httpx.put(endpoint, params={"query": "ASK {}"})
    assert put.status_code == 405 and "GET" in put.headers["allow"]
    unacceptable = httpx.get(endpoint, params={"query": "ASK {}"}, headers={"Accept": "image/png"})
    assert (
        unacceptable.status_code == 406 and "application/sparql-results+json" in unacceptable.text
    )
    too_big = httpx.post(endpoint, data={"query": "ASK {} #" + "x" * 200_000})
    assert too_big.status_code == 413
    assert (
        httpx.post(endpoint, content="ASK {}", headers={"Content-Type": "text/plain"}).status_code
        == 415
    )
    deep = "ASK " + "{" * 5000 + "}" * 5000
    assert httpx.post(endpoint, data={"query": deep}).status_code == 400


def test_cors_preflight_and_header(endpoint):
    preflight = httpx.options(
        endpoint, headers={"Origin": "http://example.org", "Access-Control-Request-Method": "POST"}
    )
    assert (
        preflight.status_code == 200 and "POST" in preflight.headers["access-control-allow-methods"]
    )
    answer = httpx.get(
        endpoint, params={"query": "ASK {}"}, headers={"Origin": "http://example.org"}
    )
    assert answer.headers["access-control-allow-origin"] == "*"


def test_service_description_on_bare_get(endpoint, server):
    response = httpx.get(endpoint, headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and "sd:Service" in response.text
    assert httpx.get(server["base"] + "/.well-known/void").status_code == 200


def test_connections_are_kept_alive_by_granian_closed_by_gunicorn(server):
    # gunicorn's sync workers answer one request per connection; granian keeps it open
    connection = http.client.HTTPConnection(server["base"].removeprefix("http://"), timeout=10)
    try:
        peers = []
        for _ in range(3):
            connection.request(
                "GET",
                "/sparql?query=ASK%7B%7D",
                headers={"Accept": "application/sparql-results+json"},
            )
            response = connection.getresponse()
            assert response.status == 200 and b"boolean" in response.read()
            peers.append(connection.sock.getsockname() if connection.sock else None)
        if server["front"] == "granian":
            assert peers[0] is not None and peers == [peers[0]] * 3
        else:
            assert response.getheader("Connection", "").lower() == "close"
    finally:
        connection.close()


# --- the deadline, under load -------------------------------------------------------------------


def test_a_query_past_the_deadline_gets_503_while_others_are_served(endpoint):
    slow: dict[str, httpx.Response] = {}
    thread = threading.Thread(
        target=lambda: slow.setdefault(
            "response", httpx.get(endpoint, params={"query": CARTESIAN}, timeout=60)
        )
    )
    started = time.monotonic()
    thread.start()
    time.sleep(0.2)
    quick = [
        httpx.get(endpoint, params={"query": "ASK { ?s ?p ?o }"}, timeout=10) for _ in range(10)
    ]
    assert all(r.status_code == 200 for r in quick)
    thread.join()
    elapsed = time.monotonic() - started
    response = slow["response"]
    assert response.status_code == 503
    assert response.headers["retry-after"]
    assert 1.9 < elapsed < 10
    assert httpx.get(endpoint, params={"query": "ASK { ?s ?p ?o }"}).status_code == 200


@pytest.mark.parametrize("front", sorted(FRONT_ARGV))
def test_no_evaluation_child_outlives_the_server(front, tmp_path, server_process):
    def one_worker(port: int) -> list[str]:
        return FRONT_ARGV[front](port, workers=1)

    # the readiness probe is a query, so the worker has forked its evaluation child
    ready = "/sparql?query=ASK%7B%7D"
    with server_process(
        one_worker,
        {"POLICYKG_DATA": str(SAMPLE), "POLICYKG_ALLOW_NONCONFORMING": "true"},
        tmp_path / "log",
        ready=ready,
    ) as (_, process):
        workers = children_of(process.pid)
        evaluators = [c for w in workers for c in children_of(w)]
        assert evaluators, "each worker forks its evaluation child on its first query"
        os.kill(workers[0], signal.SIGKILL)  # a worker killed hard (as gunicorn does on timeout)
        time.sleep(1.0)
        assert not any(alive(pid) for pid in evaluators)


@pytest.mark.parametrize("front", sorted(FRONT_ARGV))
def test_the_tested_commands_are_the_documented_ones(front):
    import shlex

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    documented = [
        shlex.split(line)[1:]
        for line in readme.splitlines()
        if line.strip().startswith(f"POLICYKG_DATA=out/policykg.nq {front} ")
    ]
    assert len(documented) == 1
    assert documented[0] == FRONT_ARGV[front](8000)[2:]  # the test runs `python -m front`
