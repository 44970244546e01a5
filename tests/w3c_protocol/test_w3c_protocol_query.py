"""The query-side tests of the W3C SPARQL 1.1 Protocol test suite, as pytest cases.

Source: w3c/rdf-tests, sparql/sparql11/protocol/manifest.ttl. Each test below carries the
manifest's test name and sends the request the manifest describes (method, path,
parameters, Content-Type, body) to the app, with the suite's graphs (data0–data3.rdf)
loaded as local named graphs (dataset.trig): under Flask's test client with each engine,
and over HTTP with httpx to a real server process (granian, what `policykg serve` runs)
on 127.0.0.1. The expected status classes and boolean answers are the manifest's.

The update tests of the manifest expect a writable store. This service is read-only
(the protocol's policy section, REQ-7.1.1, lets a service refuse updates), so the
update requests are checked to be refused with a 4xx instead, and never executed.
Every test runs against both engines and against the live server.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from conftest import granian_argv

from policykg.server.app import create_app

DATASET = Path(__file__).parent / "dataset.trig"
DATA = "http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata{}.rdf"
IRI = "http://kasei.us/2009/09/sparql/data/data{}.rdf"
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
BOOLEAN_TYPES = {"application/sparql-results+json", "application/sparql-results+xml"}
TABULAR_TYPES = BOOLEAN_TYPES | {"text/csv", "text/tab-separated-values"}
RDF_TYPES = {
    "text/turtle",
    "application/n-triples",
    "application/rdf+xml",
    "application/ld+json",
    "application/n-quads",
    "application/trig",
}


class LiveResponse:
    """The parts of a Flask test response these tests read, from an httpx response."""

    def __init__(self, response: httpx.Response) -> None:
        self.status_code = response.status_code
        self.data = response.content
        self.headers = response.headers
        self.mimetype = response.headers.get("content-type", "").split(";")[0].strip()


class LiveClient:
    """The Flask test client's calls used here, sent over HTTP to a running server."""

    def __init__(self, base: str) -> None:
        self.http = httpx.Client(base_url=base, timeout=30)

    def open(
        self,
        path: str,
        method: str = "GET",
        data: bytes | str = b"",
        headers: dict | None = None,
        content_type: str | None = None,
    ) -> LiveResponse:
        headers = dict(headers or {})
        if content_type:
            headers["Content-Type"] = content_type
        body = data.encode("utf-8") if isinstance(data, str) else data
        return LiveResponse(self.http.request(method, path, content=body or None, headers=headers))

    def get(self, path: str, **kwargs) -> LiveResponse:
        return self.open(path, "GET", **kwargs)

    def post(self, path: str, **kwargs) -> LiveResponse:
        return self.open(path, "POST", **kwargs)

    def put(self, path: str, **kwargs) -> LiveResponse:
        return self.open(path, "PUT", **kwargs)


@pytest.fixture(
    scope="module",
    params=["oxigraph", "rdflib", pytest.param("live granian", marks=pytest.mark.server)],
)
def client(request, tmp_path_factory, server_process):
    if request.param == "live granian":
        log = tmp_path_factory.mktemp("w3c-granian") / "server.log"
        with server_process(granian_argv, {"POLICYKG_DATA": str(DATASET)}, log) as (base, _):
            live = LiveClient(base)
            yield live
            live.http.close()
        return
    app = create_app({"DATA": str(DATASET), "ENGINE": request.param})
    yield app.test_client()
    app.extensions["policykg"].runner.close()


def boolean_of(response) -> bool:
    assert response.mimetype in BOOLEAN_TYPES
    if response.mimetype == "application/sparql-results+json":
        return json.loads(response.data)["boolean"]
    return b"<boolean>true</boolean>" in response.data


def is_success(response) -> bool:
    return 200 <= response.status_code < 400


def is_client_error(response) -> bool:
    return 400 <= response.status_code < 500


# --- query tests ---------------------------------------------------------------------------


def test_query_post_form(client):
    """query via URL-encoded POST"""
    response = client.post(
        f"/sparql/?default-graph-uri={DATA.format(0)}",
        data=b"query=ASK%20%7B%7D",
        content_type=FORM,
    )
    assert is_success(response) and boolean_of(response) is True


def test_query_dataset_default_graphs_get(client):
    """GET query with protocol-specified default graph"""
    query = (
        "ASK%20%7B%20%3Chttp%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata1.rdf%3E"
        "%20a%20%3Ftype%20.%20%3Chttp%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2F"
        "data2.rdf%3E%20a%20%3Ftype%20.%20%7D"
    )
    response = client.get(
        f"/sparql/?query={query}&default-graph-uri={DATA.format(1)}"
        f"&default-graph-uri={DATA.format(2)}"
    )
    assert is_success(response) and boolean_of(response) is True


def test_query_dataset_default_graphs_post(client):
    """POST query with protocol-specified default graphs"""
    body = f"ASK {{ <{IRI.format(1)}> a ?type . <{IRI.format(2)}> a ?type . }}"
    response = client.post(
        f"/sparql/?default-graph-uri={DATA.format(1)}&default-graph-uri={DATA.format(2)}",
        data=body.encode(),
        content_type=DIRECT,
    )
    assert is_success(response) and boolean_of(response) is True


def test_query_dataset_named_graphs_post(client):
    """POST query with protocol-specified named graphs"""
    body = (
        f"ASK {{ GRAPH ?g1 {{ <{IRI.format(1)}> a ?type }} "
        f"GRAPH ?g2 {{ <{IRI.format(2)}> a ?type }} }}"
    )
    response = client.post(
        f"/sparql/?named-graph-uri={DATA.format(1)}&named-graph-uri={DATA.format(2)}",
        data=body.encode(),
        content_type=DIRECT,
    )
    assert is_success(response) and boolean_of(response) is True


def test_query_dataset_named_graphs_get(client):
    """GET query with protocol-specified named graphs"""
    query = (
        "ASK%20%7B%20GRAPH%20%3Fg1%20%7B%20%3Chttp%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql"
        "%2Fdata%2Fdata1.rdf%3E%20a%20%3Ftype%20%7D%20GRAPH%20%3Fg2%20%7B%20%3Chttp%3A%2F"
        "%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata2.rdf%3E%20a%20%3Ftype%20%7D%20%7D"
    )
    response = client.get(
        f"/sparql/?query={query}&named-graph-uri={DATA.format(1)}&named-graph-uri={DATA.format(2)}"
    )
    assert is_success(response) and boolean_of(response) is True


def test_query_dataset_full(client):
    """query with protocol-specified dataset (both named and default graphs)"""
    body = (
        f"ASK {{\n  <{IRI.format(3)}> a ?type\n  GRAPH ?g1 {{ <{IRI.format(1)}> a ?type }}\n"
        f"  GRAPH ?g2 {{ <{IRI.format(2)}> a ?type }}\n}}"
    )
    response = client.post(
        f"/sparql/?default-graph-uri={DATA.format(3)}"
        f"&named-graph-uri={DATA.format(1)}&named-graph-uri={DATA.format(2)}",
        data=body.encode(),
        content_type=DIRECT,
    )
    assert is_success(response) and boolean_of(response) is True


def test_query_multiple_dataset(client):
    """query specifying dataset in both query string and protocol; test for use of
    protocol-specified dataset

    The manifest encodes the second parameter's '&' and '=' (%26, %3D), which makes one
    named-graph-uri whose value is not a graph IRI; the request meant two parameters, and
    that is what is sent here. The literal request is checked below: its one named graph is
    one the service does not hold, so it is answered over an empty graph.
    """
    body = (
        f"ASK FROM <{IRI.format(3)}> {{ GRAPH ?g1 {{ <{IRI.format(1)}> a ?type }} "
        f"GRAPH ?g2 {{ <{IRI.format(2)}> a ?type }} }}"
    )
    response = client.post(
        f"/sparql/?named-graph-uri={DATA.format(1)}&named-graph-uri={DATA.format(2)}",
        data=body.encode(),
        content_type=DIRECT,
    )
    assert is_success(response) and boolean_of(response) is True


def test_query_multiple_dataset_as_printed_in_the_manifest_is_answered_over_nothing(client):
    body = f"ASK FROM <{IRI.format(3)}> {{ GRAPH ?g1 {{ <{IRI.format(1)}> a ?type }} }}"
    response = client.post(
        f"/sparql/?named-graph-uri={DATA.format(1)}%26named-graph-uri%3D{DATA.format(2)}",
        data=body.encode(),
        content_type=DIRECT,
    )
    assert is_success(response) and boolean_of(response) is False


def test_query_get(client):
    """query via GET"""
    response = client.get(f"/sparql/?query=ASK%20%7B%7D&default-graph-uri={DATA.format(0)}")
    assert is_success(response) and boolean_of(response) is True


def test_query_content_type_select(client):
    """query appropriate content type (expect one of: XML, JSON, CSV, TSV)"""
    response = client.post(
        f"/sparql/?default-graph-uri={DATA.format(0)}",
        data=b"SELECT (1 AS ?value) {}",
        content_type=DIRECT,
    )
    assert is_success(response) and response.mimetype in TABULAR_TYPES


def test_query_content_type_ask(client):
    """query appropriate content type (expect one of: XML, JSON)"""
    response = client.post(
        f"/sparql/?default-graph-uri={DATA.format(0)}", data=b"ASK {}", content_type=DIRECT
    )
    assert is_success(response) and response.mimetype in BOOLEAN_TYPES


def test_query_content_type_describe(client):
    """query appropriate content type (expect one of: RDF/XML, Turtle, N-Triples, RDFa)"""
    response = client.post(
        f"/sparql/?default-graph-uri={DATA.format(0)}",
        data=b"DESCRIBE <http://example.org/>",
        content_type=DIRECT,
    )
    assert is_success(response) and response.mimetype in RDF_TYPES


def test_query_content_type_construct(client):
    """query appropriate content type (expect one of: RDF/XML, Turtle, N-Triples, RDFa)"""
    response = client.post(
        f"/sparql/?default-graph-uri={DATA.format(0)}",
        data=b"CONSTRUCT { <s> <p> 1 } WHERE {}",
        content_type=DIRECT,
    )
    assert is_success(response) and response.mimetype in RDF_TYPES


def test_query_post_direct(client):
    """query via POST directly"""
    response = client.post("/sparql/", data=b"ASK {}", content_type=DIRECT)
    assert is_success(response) and boolean_of(response) is True


def test_bad_query_method(client):
    """invoke query operation with a method other than GET or POST"""
    response = client.put(
        f"/sparql/?query=ASK%20%7B%7D&default-graph-uri={DATA.format(0)}", content_type=FORM
    )
    assert is_client_error(response)


def test_bad_multiple_queries(client):
    """invoke query operation with more than one query string"""
    response = client.get("/sparql/?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D")
    assert is_client_error(response)


def test_bad_query_wrong_media_type(client):
    """invoke query operation with a POST with media type that's not url-encoded or
    application/sparql-query"""
    response = client.post("/sparql/", data=b"ASK {}", content_type="text/plain")
    assert is_client_error(response)


def test_bad_query_missing_form_type(client):
    """invoke query operation with url-encoded body, but without
    application/x-www-form-urlencoded media type"""
    response = client.post("/sparql/", data=b"query=ASK%20%7B%7D")
    assert is_client_error(response)


def test_bad_query_missing_direct_type(client):
    """invoke query operation with SPARQL body, but without application/sparql-query media type"""
    response = client.post("/sparql/", data=b"ASK {}")
    assert is_client_error(response)


def test_bad_query_non_utf8(client):
    """invoke query operation with direct POST, but with a non-UTF8 encoding (UTF-16)"""
    response = client.post(
        "/sparql/",
        data="ASK {}".encode("utf-16"),
        content_type="application/sparql-query; charset=UTF-16",
    )
    assert is_client_error(response)


def test_bad_query_syntax(client):
    """invoke query operation with invalid query syntax (4XX result)"""
    assert is_client_error(client.get("/sparql/?query=ASK%20%7B"))


# --- update tests: refused by this read-only service -----------------------------------------

UPDATE_REQUESTS = {
    "update_dataset_default_graph": (
        "POST",
        "/sparql/?using-graph-uri=" + DATA.format(1),
        "application/sparql-update",
        b"CLEAR ALL",
    ),
    "update_post_form": ("POST", "/sparql/", FORM, b"update=CLEAR+ALL"),
    "update_post_direct": ("POST", "/sparql/", "application/sparql-update", b"CLEAR ALL"),
    "update_base_uri": (
        "POST",
        "/sparql/",
        "application/sparql-update",
        b"INSERT DATA { GRAPH <http://example.org/protocol-base-test/> "
        b"{ <http://example.org/s> <http://example.org/p> <test> } }",
    ),
    "bad_update_get": ("GET", "/sparql/?update=CLEAR%20ALL", None, b""),
    "bad_multiple_updates": (
        "POST",
        "/sparql/",
        FORM,
        b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT",
    ),
    "bad_update_wrong_media_type": ("POST", "/sparql/", "text/plain", b"CLEAR NAMED"),
    "bad_update_missing_form_type": ("POST", "/sparql/", None, b"update=CLEAR%20NAMED"),
    "bad_update_non_utf8": (
        "POST",
        "/sparql/",
        "application/sparql-update; charset=UTF-16",
        "CLEAR NAMED".encode("utf-16"),
    ),
    "bad_update_syntax": ("POST", "/sparql/", FORM, b"update=CLEAR%20XYZ"),
}


@pytest.mark.parametrize("name", sorted(UPDATE_REQUESTS))
def test_update_requests_are_refused_and_change_nothing(client, name):
    method, path, content_type, body = UPDATE_REQUESTS[name]
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.open(path, method=method, data=body, headers=headers)
    assert is_client_error(response)
    count = client.post(
        "/sparql/", data=b"SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }", content_type=DIRECT
    )
    assert json.loads(count.data)["results"]["bindings"][0]["n"]["value"] == "4"


# --- the same requests to a service that does not hold the suite's graphs ------------------

# The policykg sample: none of the kasei.us graphs the requests name. A graph the service
# does not hold is an empty graph (as the services users compare with answer), so these
# tests, whose answers do not depend on the graphs' contents, pass here too.
FOREIGN = Path(__file__).parent.parent / "data" / "sample.trig"


@pytest.fixture(
    scope="module",
    params=["oxigraph", "rdflib", pytest.param("live granian", marks=pytest.mark.server)],
)
def foreign_client(request, tmp_path_factory, server_process):
    settings = {"DATA": str(FOREIGN), "ALLOW_NONCONFORMING": True}
    if request.param == "live granian":
        log = tmp_path_factory.mktemp("w3c-foreign") / "server.log"
        env = {"POLICYKG_DATA": str(FOREIGN), "POLICYKG_ALLOW_NONCONFORMING": "true"}
        with server_process(granian_argv, env, log) as (base, _):
            live = LiveClient(base)
            yield live
            live.http.close()
        return
    app = create_app({**settings, "ENGINE": request.param})
    yield app.test_client()
    app.extensions["policykg"].runner.close()


INDEPENDENT_OF_THE_GRAPHS = [
    test_query_post_form,
    test_query_get,
    test_query_post_direct,
    test_query_content_type_select,
    test_query_content_type_ask,
    test_query_content_type_describe,
    test_query_content_type_construct,
]


@pytest.mark.parametrize(
    "protocol_test", INDEPENDENT_OF_THE_GRAPHS, ids=[t.__name__ for t in INDEPENDENT_OF_THE_GRAPHS]
)
def test_over_a_dataset_without_the_suites_graphs(foreign_client, protocol_test):
    protocol_test(foreign_client)


def test_a_protocol_graph_the_service_does_not_hold_is_empty(foreign_client):
    response = foreign_client.get(
        f"/sparql/?query=ASK%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D&default-graph-uri={DATA.format(0)}"
    )
    assert is_success(response) and boolean_of(response) is False
