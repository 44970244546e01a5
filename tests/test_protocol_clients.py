"""The endpoint as real clients meet it: SPARQLWrapper's default request for every return
format against a live server, a browser's GET of /sparql, and the messages a malformed
query gets from either engine."""

from __future__ import annotations

import json
import warnings
from urllib.parse import quote

import pytest
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

DOC = "https://w3id.org/policykg/id/doc/晋政办发/2022/77"
SELECT = f"SELECT ?p ?o WHERE {{ <{DOC}> ?p ?o }} LIMIT 5"
ASK = f"ASK {{ <{DOC}> ?p ?o }}"
CONSTRUCT = f"CONSTRUCT {{ <{DOC}> ?p ?o }} WHERE {{ <{DOC}> ?p ?o }} LIMIT 5"
DESCRIBE = f"DESCRIBE <{DOC}>"
# every return format SPARQLWrapper offers, for each query form it may be asked for
CASES = [
    *((SELECT, fmt) for fmt in (XML, JSON, CSV, TSV)),
    *((ASK, fmt) for fmt in (XML, JSON)),
    *((q, fmt) for q in (CONSTRUCT, DESCRIBE) for fmt in (XML, RDFXML, TURTLE, N3, JSONLD, JSON)),
]


@pytest.mark.server
@pytest.mark.parametrize(("query", "fmt"), CASES, ids=[f"{q.split()[0]}-{f}" for q, f in CASES])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_defaults_for_every_return_format(bundled_server, query, fmt, method):
    client = SPARQLWrapper(f"{bundled_server.rstrip('/')}/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    with warnings.catch_warnings():
        # SPARQLWrapper warns that it sends Accept */* for JSON with CONSTRUCT (format=json
        # is still sent: JSON-LD is the answer); rdflib that ConjunctiveGraph is deprecated
        warnings.simplefilter("ignore")
        result = client.query()
        converted = result.convert()
    kind = query.split()[0]
    if kind == "ASK":
        assert converted["boolean"] if fmt == JSON else b"true" in converted.toxml().encode()
    elif kind == "SELECT" and fmt == JSON:
        assert len(converted["results"]["bindings"]) == 5
    elif kind == "SELECT" and fmt in (CSV, TSV):
        assert len(converted.decode("utf-8").strip().splitlines()) == 6
    elif kind == "SELECT":
        assert converted.toxml().count("<result>") == 5
    elif fmt in (XML, RDFXML, JSONLD, JSON):
        assert len(converted) >= 5  # an rdflib Graph
    else:  # Turtle and N3 come back as bytes
        assert DOC.encode("utf-8") in converted or b"<https://w3id.org/" in converted


def test_a_browsers_get_of_sparql_goes_to_the_query_page(client):
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    bare = client.get("/sparql", headers={"Accept": browser})
    assert bare.status_code == 303 and bare.headers["Location"] == "/query"
    query = "SELECT * WHERE { ?s ?p ?o } LIMIT 1"
    linked = client.get(f"/sparql?query={quote(query)}", headers={"Accept": browser})
    assert linked.status_code == 303
    assert linked.headers["Location"] == f"/query?query={quote(query)}"
    # a client asking for anything, or naming a format, gets the endpoint's answer
    assert client.get(f"/sparql?query={quote(query)}", headers={"Accept": "*/*"}).status_code == 200
    named = client.get(f"/sparql?query={quote(query)}&format=json", headers={"Accept": browser})
    assert named.status_code == 200 and named.mimetype == "application/sparql-results+json"


MALFORMED = {
    "SELEC ?s WHERE { ?s ?p ?o }": (
        "unknown keyword SELEC at line 1, column 1; a query starts with SELECT, ASK, CONSTRUCT "
        "or DESCRIBE"
    ),
    "SELECT ?s WHERE { ?s eli:title ?o }": "unknown prefix eli: in eli:title at line 1, column 22",
    "SELECT ?s WHERE { ?s ?p ?o } LIMT 5": "unknown keyword LIMT at line 1, column 30",
    "SELECT ?s WHERE {\n  ?s ?p ?o .\n": "{ opened at line 1, column 17 is not closed",
    'ASK { ?s ?p "open }': "a string is not closed at line 1, column 13",
}


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
@pytest.mark.parametrize("query", sorted(MALFORMED))
def test_malformed_queries_are_told_what_to_fix(app_for, engine, query):
    client = app_for(ENGINE=engine).test_client()
    response = client.get(f"/sparql?query={quote(query)}", headers={"Accept": "application/json"})
    assert response.status_code == 400
    body = json.loads(response.data)
    assert body["message"] == f"malformed query: {MALFORMED[query]}"
    assert body["hint"] and "\\u{" not in body["message"] and len(body["message"]) < 160


def test_an_unknown_policykg_prefix_gets_its_declaration_as_the_hint(client):
    query = "SELECT ?s WHERE { ?s eli:title ?o }"
    response = client.get(f"/sparql?query={quote(query)}")
    assert b"PREFIX eli: <http://data.europa.eu/eli/ontology#>" in response.data
