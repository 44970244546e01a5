"""The SPARQL 1.1 Protocol endpoint through Flask's test client: every form, format and error."""

from __future__ import annotations

import contextlib
import json
import time
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph

from policykg.graph.errors import ConfigError
from policykg.server.app import create_app

SAMPLE = Path(__file__).parent / "data" / "sample.trig"
# the sample leaves out what the shapes require of a full build: served anyway
PARTIAL = {"ALLOW_NONCONFORMING": True}
DOC77 = "https://w3id.org/policykg/graph/doc/晋政办发/2022/77"
DOC5 = "https://w3id.org/policykg/graph/doc/晋政发/2023/5"
AGENCIES = "https://w3id.org/policykg/graph/reference/agencies"
SELECT_NUMBERS = (
    "PREFIX eli: <http://data.europa.eu/eli/ontology#> "
    "SELECT ?n WHERE { ?d eli:id_local ?n } ORDER BY ?n"
)
CONSTRUCT_TYPES = "CONSTRUCT { ?s a ?t } WHERE { ?s a ?t }"
CARTESIAN = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
)
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"


def make_app(**overrides):
    return create_app({"DATA": str(SAMPLE), **PARTIAL, **overrides})


@pytest.fixture(scope="module")
def rdflib_app(app_for):
    return app_for(ENGINE="rdflib")


@pytest.fixture
def fresh_app():
    """An app of its own with one evaluation child (which may be killed): (test client, runner)."""
    application = make_app(QUERY_WORKERS=1)
    runner = application.extensions["policykg"].runner
    yield application.test_client(), runner
    runner.close()


def get(client, query, **params):
    qs = "&".join([f"query={quote(query)}"] + [f"{k}={quote(v)}" for k, v in params.items()])
    return client.get(f"/sparql?{qs}", headers=params.pop("headers", None) or {})


def numbers_of(response) -> list[str]:
    data = json.loads(response.data)
    return [b["n"]["value"] for b in data["results"]["bindings"]]


# --- the factory and configuration ---------------------------------------------------------


def test_factory_stores_engine_and_config(app):
    service = app.extensions["policykg"]
    assert service.engine.name == "oxigraph"
    assert service.config.query_timeout == 10.0
    assert service.config.data == SAMPLE
    assert set(service.engine.graphs()) == {DOC77, DOC5, AGENCIES}


def test_environment_variables_configure_and_overrides_win(monkeypatch):
    monkeypatch.setenv("POLICYKG_QUERY_TIMEOUT", "3")
    monkeypatch.setenv("POLICYKG_MAX_NESTING_DEPTH", "20")
    application = make_app(MAX_NESTING_DEPTH=30)
    config = application.extensions["policykg"].config
    assert config.query_timeout == 3.0
    assert config.max_nesting_depth == 30


def test_without_data_the_bundled_corpus_is_built_and_served(bundled_build):
    application = create_app({})
    engine = application.extensions["policykg"].engine
    assert "https://w3id.org/policykg/graph/doc/晋政办发/2022/77" in engine.graphs()
    quads = sum(1 for _ in bundled_build.dataset.quads((None, None, None, None)))
    assert engine.stats().triples == quads


@pytest.mark.parametrize(
    "overrides, word",
    [
        ({"ENGINE": "virtuoso"}, "ENGINE"),
        ({"DATA": "/nonexistent/graph.nq"}, "DATA"),
        ({"QUERY_TIMEOUT": -1}, "QUERY_TIMEOUT"),
        ({"MAX_NESTING_DEPTH": 0}, "MAX_NESTING_DEPTH"),
    ],
)
def test_bad_configuration_is_refused_at_start(overrides, word):
    with pytest.raises(ConfigError, match=word):
        create_app({"DATA": str(SAMPLE), **PARTIAL, **overrides})


# --- the three ways to send a query --------------------------------------------------------


def test_get_form_post_and_direct_post_give_the_same_answer(client):
    expected = ["晋政办发〔2022〕77号", "晋政发〔2023〕5号"]
    by_get = get(client, SELECT_NUMBERS)
    by_form = client.post("/sparql", data={"query": SELECT_NUMBERS})
    by_direct = client.post("/sparql", data=SELECT_NUMBERS.encode(), content_type=DIRECT)
    for response in (by_get, by_form, by_direct):
        assert response.status_code == 200
        assert response.mimetype == "application/sparql-results+json"
        assert numbers_of(response) == expected


def test_trailing_slash_is_the_same_endpoint(client):
    assert (
        numbers_of(client.get("/sparql/?query=" + quote(SELECT_NUMBERS)))[0]
        == "晋政办发〔2022〕77号"
    )


def test_named_graphs_are_queryable_with_graph(client):
    query = (
        "PREFIX eli: <http://data.europa.eu/eli/ontology#> "
        "SELECT ?g ?n WHERE { GRAPH ?g { ?d eli:id_local ?n } } ORDER BY ?g"
    )
    rows = json.loads(get(client, query).data)["results"]["bindings"]
    assert {(r["g"]["value"], r["n"]["value"]) for r in rows} == {
        (DOC77, "晋政办发〔2022〕77号"),
        (DOC5, "晋政发〔2023〕5号"),
    }


def test_default_graph_is_the_union_of_the_named_graphs(client, app):
    response = get(client, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    count = json.loads(response.data)["results"]["bindings"][0]["n"]["value"]
    assert int(count) == app.extensions["policykg"].engine.stats().triples == 76


# --- the dataset: FROM and the protocol's graph parameters ---------------------------------


def test_from_restricts_the_default_graph_to_a_local_graph(client):
    query = SELECT_NUMBERS.replace("SELECT ?n", f"SELECT ?n FROM <{DOC5}>")
    assert numbers_of(get(client, query)) == ["晋政发〔2023〕5号"]


def test_default_graph_uri_replaces_the_default_graph(client):
    response = client.get(f"/sparql?query={quote(SELECT_NUMBERS)}&default-graph-uri={quote(DOC77)}")
    assert numbers_of(response) == ["晋政办发〔2022〕77号"]


def test_protocol_dataset_wins_over_from(client):
    query = SELECT_NUMBERS.replace("SELECT ?n", f"SELECT ?n FROM <{DOC5}>")
    response = client.get(f"/sparql?query={quote(query)}&default-graph-uri={quote(DOC77)}")
    assert numbers_of(response) == ["晋政办发〔2022〕77号"]


def test_named_graph_uri_limits_graph(client):
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    response = client.get(f"/sparql?query={quote(query)}&named-graph-uri={quote(AGENCIES)}")
    rows = json.loads(response.data)["results"]["bindings"]
    assert [r["g"]["value"] for r in rows] == [AGENCIES]


@pytest.mark.parametrize("iri", ["http://127.0.0.1:9/graph", "file:///etc/passwd"])
def test_graphs_outside_the_dataset_are_empty_never_fetched(client, iri):
    """As the services users compare with: an empty graph, not a refusal (nothing fetched)."""
    for query in (
        f"SELECT * FROM <{iri}> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{iri}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    ):
        response = get(client, query)
        assert response.status_code == 200
        assert json.loads(response.data)["results"]["bindings"] == []
    for param in ("default-graph-uri", "named-graph-uri"):
        response = client.get(f"/sparql?query={quote('ASK { ?s ?p ?o }')}&{param}={quote(iri)}")
        assert response.status_code == 200 and json.loads(response.data)["boolean"] is False


# --- content negotiation -------------------------------------------------------------------


@pytest.mark.parametrize(
    "accept, mimetype",
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("application/json", "application/sparql-results+json"),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        # (text/html first is a browser: sent to the query page, test_protocol_clients.py)
        ("text/html;q=0.1, */*", "application/sparql-results+json"),
    ],
)
def test_select_results_by_accept(client, accept, mimetype):
    response = client.get("/sparql?query=" + quote(SELECT_NUMBERS), headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert "晋政发〔2023〕5号" in response.data.decode("utf-8")
    parsed = (
        list(
            ox.parse_query_results(
                response.data, format=ox.QueryResultsFormat.from_media_type(mimetype)
            )
        )
        if mimetype != "text/csv"
        else response.data.decode().splitlines()
    )
    assert len(parsed) == 2 if mimetype != "text/csv" else parsed[0] == "n"


def test_csv_is_plain_lexical_values(client):
    query = (
        "PREFIX pkg: <https://w3id.org/policykg/ontology#> "
        "PREFIX time: <http://www.w3.org/2006/time#> "
        "SELECT ?v ?d WHERE { ?q pkg:value ?v OPTIONAL { ?x time:inXSDDate ?d } } ORDER BY ?v"
    )
    text = client.get("/sparql?query=" + quote(query) + "&format=csv").data.decode()
    assert text.splitlines() == ["v,d", "0.7,2022-12-31", "35,2022-12-31"]


@pytest.mark.parametrize(
    "fmt, mimetype",
    [
        ("json", "application/sparql-results+json"),
        ("xml", "application/sparql-results+xml"),
        ("csv", "text/csv"),
        ("tsv", "text/tab-separated-values"),
    ],
)
def test_format_parameter_for_browsers(client, fmt, mimetype):
    response = get(client, SELECT_NUMBERS, format=fmt)
    assert response.status_code == 200 and response.mimetype == mimetype


@pytest.mark.parametrize(
    "accept", ["application/sparql-results+json", "application/sparql-results+xml"]
)
def test_ask_results(client, accept):
    response = client.get("/sparql?query=" + quote("ASK { ?s a ?t }"), headers={"Accept": accept})
    assert response.mimetype == accept
    assert b"true" in response.data


@pytest.mark.parametrize(
    "accept, rdf_format",
    [
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/rdf+xml", ox.RdfFormat.RDF_XML),
        ("application/n-quads", ox.RdfFormat.N_QUADS),
        ("application/trig", ox.RdfFormat.TRIG),
    ],
)
def test_construct_results_by_accept(client, accept, rdf_format):
    response = client.get("/sparql?query=" + quote(CONSTRUCT_TYPES), headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == accept
    types = {(str(q.subject), str(q.object)) for q in ox.parse(response.data, format=rdf_format)}
    assert len(types) == 16  # every typed resource of the sample (2 + 8 + 6), once


def test_describe_is_served_as_rdf(client):
    iri = "https://w3id.org/policykg/id/agency/山西省财政厅"
    response = client.get(
        "/sparql?query=" + quote(f"DESCRIBE <{iri}>"), headers={"Accept": "application/n-triples"}
    )
    graph = Graph().parse(data=response.data.decode(), format="nt")
    assert {str(s) for s in graph.subjects()} == {iri}
    assert len(graph) == 5  # type, two labels, short name, kind


def test_construct_format_names(client):
    for name, mimetype in [
        ("turtle", "text/turtle"),
        ("ntriples", "application/n-triples"),
        ("jsonld", "application/ld+json"),
        ("json", "application/ld+json"),
        ("rdfxml", "application/rdf+xml"),
        ("nquads", "application/n-quads"),
        ("trig", "application/trig"),
    ]:
        assert get(client, CONSTRUCT_TYPES, format=name).mimetype == mimetype


def test_unmet_accept_gets_406_with_the_acceptable_list(client):
    response = client.get("/sparql?query=" + quote(SELECT_NUMBERS), headers={"Accept": "image/png"})
    assert response.status_code == 406
    for media_type in ("application/sparql-results+json", "text/csv", "text/tab-separated-values"):
        assert media_type.encode() in response.data
    response = client.get(
        "/sparql?query=" + quote(CONSTRUCT_TYPES),
        headers={"Accept": "text/csv", "Accept-Language": "en"},
    )
    assert response.status_code == 406 and b"text/turtle" in response.data


def test_406_as_json_lists_types(client):
    response = client.get(
        "/sparql?query=" + quote(SELECT_NUMBERS) + "&format=turtle",
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 406
    body = json.loads(response.data)
    assert body["status"] == 406 and "csv" in body["acceptable"]


# --- errors ---------------------------------------------------------------------------------


def test_malformed_query_gets_400_with_position(client):
    response = get(client, "SELECT ?s WHERE { ?s ?p ")
    assert response.status_code == 400
    assert b"line 1, column 17" in response.data  # where the unclosed { opened


def test_malformed_query_on_rdflib_gets_line_and_column(rdflib_app):
    response = get(rdflib_app.test_client(), "SELECT ?s WHERE {\n ?s ?p ")
    assert response.status_code == 400
    assert b"line" in response.data and b"column" in response.data


def test_two_queries_get_400(client):
    response = client.get("/sparql?query=" + quote("ASK {}") + "&query=" + quote("ASK {}"))
    assert response.status_code == 400


def test_query_and_update_get_400(client):
    response = client.post("/sparql", data={"query": "ASK {}", "update": "CLEAR ALL"})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "data, content_type",
    [(b"update=CLEAR%20ALL", FORM), (b"CLEAR ALL", "application/sparql-update")],
)
def test_updates_are_not_offered(client, data, content_type):
    assert client.post("/sparql", data=data, content_type=content_type).status_code == 400


@pytest.mark.parametrize("content_type", ["text/plain", "application/json", None])
def test_other_content_types_get_415(client, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.post("/sparql", data=b"ASK {}", headers=headers)
    assert response.status_code == 415


def test_utf16_charset_gets_415(client):
    response = client.post(
        "/sparql",
        data="ASK {}".encode("utf-16"),
        content_type="application/sparql-query; charset=UTF-16",
    )
    assert response.status_code == 415


@pytest.mark.parametrize(
    "data, content_type",
    [(b'ASK { ?s ?p "\xff" }', DIRECT), (b"query=ASK%20%7B%22%FF%22%7D", FORM)],
)
def test_invalid_utf8_gets_400_not_500(client, data, content_type):
    response = client.post("/sparql", data=data, content_type=content_type)
    assert response.status_code == 400
    assert b"UTF-8" in response.data


def test_invalid_utf8_in_url_gets_400(client):
    assert client.get("/sparql?query=ASK%20%7B%22%FF%22%7D").status_code == 400


def test_get_with_a_body_gets_400(client):
    assert client.get("/sparql?query=" + quote("ASK {}"), data=b"x").status_code == 400


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_get_405_with_allow(client, method):
    response = client.open("/sparql?query=" + quote("ASK {}"), method=method)
    assert response.status_code == 405
    allow = {m.strip() for m in response.headers["Allow"].split(",")}
    assert {"GET", "POST"} <= allow


def test_body_over_the_cap_gets_413():
    application = make_app(MAX_CONTENT_LENGTH=1000)
    response = application.test_client().post("/sparql", data={"query": "ASK {} #" + "x" * 2000})
    assert response.status_code == 413


def test_query_over_the_length_cap_gets_400():
    application = make_app(MAX_QUERY_LENGTH=50)
    response = get(application.test_client(), "ASK {} #" + "x" * 60)
    assert response.status_code == 400 and b"longer than 50" in response.data


def test_answer_over_the_size_cap_is_refused_not_truncated():
    application = make_app(MAX_RESULT_BYTES=200)
    try:
        response = get(application.test_client(), "SELECT * WHERE { ?s ?p ?o }")
        assert response.status_code == 403
        assert b"larger than 200 bytes" in response.data
    finally:
        application.extensions["policykg"].runner.close()


def test_error_body_is_json_when_preferred(client):
    response = client.get("/sparql?query=" + quote("ASK {"), headers={"Accept": "application/json"})
    body = json.loads(response.data)
    assert body["status"] == 400 and body["error"] == "Bad Request"


# --- the answer cache ------------------------------------------------------------------------


def test_repeated_queries_are_answered_from_the_cache(client):
    query = SELECT_NUMBERS + " # cache test"
    first = get(client, query)
    second = get(client, query)
    other_type = get(client, query, format="csv")
    assert first.headers["X-Policykg-Cache"] == "miss"
    assert second.headers["X-Policykg-Cache"] == "hit" and second.data == first.data
    assert other_type.headers["X-Policykg-Cache"] == "miss"


def test_the_cache_can_be_turned_off_and_evicts_past_its_budget():
    from policykg.server.answers import AnswerCache
    from policykg.server.executor import Answer, QueryJob

    application = make_app(ANSWER_CACHE_BYTES=0)
    client = application.test_client()
    try:
        get(client, "ASK {}")
        assert get(client, "ASK {}").headers["X-Policykg-Cache"] == "miss"
    finally:
        application.extensions["policykg"].runner.close()
    cache = AnswerCache(800)
    jobs = [QueryJob(f"ASK {{}} #{i}", "text/csv", info=None) for i in range(10)]
    for job in jobs:
        cache.put(job, Answer("ask", "text/csv", b"x" * 90))
    assert cache.size <= 800
    assert cache.get(jobs[0]) is None and cache.get(jobs[-1]) is not None


# --- the guard ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { service silent <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { ?x ?y ?svc . SERVICE ?svc { ?s ?p ?o } }",
        "SELECT * WHERE { SERV\\u0049CE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "LOAD <http://127.0.0.1:9/data.ttl>",
        "INSERT DATA { <http://a> <http://b> <http://c> }",
        "DELETE WHERE { ?s ?p ?o }",
        "DROP ALL",
    ],
)
@pytest.mark.parametrize("engine", ["app", "rdflib_app"])
def test_service_load_and_updates_are_refused_before_evaluation(request, engine, query):
    response = get(request.getfixturevalue(engine).test_client(), query)
    assert response.status_code == 403


def test_words_inside_strings_iris_and_comments_are_not_keywords(client):
    query = (
        'SELECT ?s WHERE { ?s ?p "SERVICE LOAD INSERT" . '
        "FILTER(?s != <http://example.org/SERVICE>) } # DROP ALL"
    )
    assert get(client, query).status_code == 200


def test_deep_nesting_gets_400_and_the_worker_survives(client):
    deep = "SELECT * WHERE " + "{" * 3000 + "}" * 3000
    response = get(client, deep)
    assert response.status_code == 400 and b"nested more than 64" in response.data
    assert get(client, "ASK {}").status_code == 200


def test_redos_pattern_is_refused_on_rdflib(rdflib_app):
    client = rdflib_app.test_client()
    evil = (
        'SELECT * WHERE { BIND("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!" AS ?x) '
        'FILTER REGEX(?x, "^(a+)+$") }'
    )
    assert get(client, evil).status_code == 403
    fine = 'SELECT * WHERE { ?s ?p ?o FILTER REGEX(STR(?o), "^晋政") }'
    assert get(client, fine).status_code == 200


def test_regex_on_oxigraph_is_linear_time(client):
    evil = (
        'ASK { BIND(CONCAT(REPLACE(STR(1000000), ".", "a"), "!") AS ?x) '
        'FILTER REGEX(?x, "^(a+)+$") }'
    )
    assert get(client, evil).status_code == 200


# --- the deadline ---------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_query_past_the_deadline_is_stopped_with_503(engine):
    application = make_app(QUERY_TIMEOUT=1, ENGINE=engine)
    client = application.test_client()
    try:
        response = get(client, CARTESIAN)
        assert response.status_code == 503
        assert response.headers["Retry-After"]
        assert b"stopped" in response.data
        assert get(client, "ASK { ?s ?p ?o }").status_code == 200  # a fresh child answers
    finally:
        application.extensions["policykg"].runner.close()


def test_an_evaluation_child_killed_from_outside_is_replaced(fresh_app):
    import os
    import signal

    client, runner = fresh_app
    assert get(client, "ASK { ?s ?p ?o }").status_code == 200
    (child,) = runner._children
    os.kill(child.pid, signal.SIGKILL)
    time.sleep(0.2)
    assert get(client, "ASK { ?s a ?t }").status_code == 200
    assert runner._children[0].pid != child.pid


def test_an_evaluation_child_dying_mid_query_gives_500_then_recovers(fresh_app):
    import os
    import signal
    import threading

    client, runner = fresh_app
    assert get(client, "ASK {}").status_code == 200
    (child,) = runner._children
    threading.Timer(0.5, os.kill, (child.pid, signal.SIGKILL)).start()
    response = get(client, CARTESIAN)
    assert response.status_code == 500
    assert b"failed while answering" in response.data
    assert get(client, "ASK { ?s ?p ?o }").status_code == 200


# --- service description, downloads, CORS, health -------------------------------------------

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"


@pytest.mark.parametrize("path", ["/sparql", "/.well-known/void"])
def test_service_description_with_void(client, path):
    response = client.get(path, headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    store = ox.Store()
    store.load(response.data, format=ox.RdfFormat.TURTLE)
    ask = lambda q: bool(store.query(f"PREFIX sd: <{SD}> PREFIX void: <{VOID}> ASK {{ {q} }}"))  # noqa: E731
    assert ask(
        "?svc a sd:Service ; sd:endpoint <http://127.0.0.1:8000/sparql> ; "
        "sd:supportedLanguage sd:SPARQL11Query ; sd:feature sd:UnionDefaultGraph"
    )
    assert ask(
        "?svc sd:defaultDataset ?d . ?d void:triples 76 ; void:entities ?e ; "
        "void:classes ?c ; void:properties ?p"
    )
    for graph, count in ((DOC77, 35), (DOC5, 29), (AGENCIES, 12)):
        assert ask(
            f"?d sd:namedGraph [ sd:name <{graph}> ; sd:graph ?g ] ; void:subset ?g . "
            f"?g void:triples {count}"
        )


def test_service_description_as_json_ld(client):
    response = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert response.mimetype == "application/ld+json"
    body = json.loads(response.data)
    assert body["@context"] == "http://127.0.0.1:8000/context.jsonld"  # compact, our context
    body["@context"] = json.loads(client.get("/context.jsonld").data)["@context"]
    data = json.dumps(body).encode("utf-8")
    assert len(list(ox.parse(data, format=ox.RdfFormat.JSON_LD))) > 20


def test_cors_on_answers_and_preflight(client):
    response = get(client, "ASK {}")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        "/sparql",
        headers={
            "Origin": "http://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]
    assert client.get("/download/dataset.nq").headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    "name, fmt", [("dataset.nq", "nquads"), ("dataset.trig", "trig"), ("dataset.jsonld", "json-ld")]
)
def test_dataset_downloads_hold_every_quad(client, name, fmt):
    response = client.get(f"/download/{name}")
    assert response.status_code == 200
    dataset = Dataset()
    dataset.parse(data=response.data.decode(), format=fmt)
    assert len(dataset) == 76
    assert {str(g.identifier) for g in dataset.graphs() if len(g)} == {DOC77, DOC5, AGENCIES}


def test_ontology_and_shapes_downloads(client):
    ontology = client.get("/download/ontology.ttl")
    assert ontology.status_code == 200 and ontology.mimetype == "text/turtle"
    assert "owl:Ontology" in ontology.data.decode() or "Ontology" in ontology.data.decode()
    shapes = client.get("/download/shapes.ttl")
    assert shapes.status_code == 200 and b"NodeShape" in shapes.data
    assert client.get("/download/secret.txt").status_code == 404


def test_healthz(client):
    body = json.loads(client.get("/healthz").data)
    assert body == {"status": "ok", "engine": "oxigraph", "triples": 76, "graphs": 3}


# --- the bundled corpus's graph -------------------------------------------------------------

QUERIES = sorted((Path(__file__).parent.parent / "server" / "queries").glob("cq*.rq"))


@pytest.mark.parametrize("query", QUERIES, ids=lambda p: p.name)
def test_competency_questions_over_http_answer_as_the_cli_does(bundled_client, bundled_nq, query):
    from policykg.cli.main import run_query_file

    response = bundled_client.post("/sparql?format=csv", data={"query": query.read_text("utf-8")})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    expected = run_query_file(query, bundled_nq, "csv")
    assert response.data.decode("utf-8") == expected
    assert len(expected.splitlines()) > 1  # every question has answers in the bundled corpus


# --- no outbound request, whatever the query asks -------------------------------------------


@pytest.mark.parametrize("engine", ["app", "rdflib_app"])
def test_no_query_makes_an_outbound_request(request, engine, listener):
    port, hits = listener
    url = f"http://127.0.0.1:{port}/"
    client = request.getfixturevalue(engine).test_client()
    queries = [
        f"SELECT * WHERE {{ SERVICE <{url}sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{url}sparql> {{ ?s ?p ?o }} }}",
        f"LOAD <{url}data.ttl>",
    ]
    for query in queries:
        assert get(client, query).status_code == 403
    empty = [
        f"SELECT * FROM <{url}data.ttl> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{url}data.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    ]
    for query in empty:  # answered over an empty graph, never fetched
        assert get(client, query).status_code == 200
    response = client.get(f"/sparql?query={quote('ASK {}')}&default-graph-uri={quote(url)}")
    assert response.status_code == 200
    time.sleep(0.3)
    assert hits == []


# --- configuration reaches every part; headers; the evaluation children ---------------------

RELATIVE_ASK = "ASK { <id/doc/晋政办发/2022/77> ?p ?o }"


def assert_relative_iris_resolve(application) -> None:
    """A query with a relative IRI answers true on this app (then its runner is closed)."""
    client = application.test_client()
    try:
        response = get(client, RELATIVE_ASK)
        assert response.status_code == 200, response.data
        assert json.loads(response.data)["boolean"] is True
    finally:
        application.extensions["policykg"].runner.close()


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_a_handed_over_engine_gets_the_configured_base(engine):
    from policykg.server.engine import ENGINES

    application = create_app({"ENGINE": engine}, engine=ENGINES[engine].from_path(SAMPLE))
    assert_relative_iris_resolve(application)


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_from_a_relative_iri_is_resolved_against_the_configured_base(engine):
    application = make_app(ENGINE=engine)
    client = application.test_client()
    try:
        relative = "SELECT (COUNT(*) AS ?n) FROM <graph/doc/晋政办发/2022/77> WHERE { ?s ?p ?o }"
        response = get(client, relative)
        assert response.status_code == 200, response.data
        assert numbers_of(response) == ["35"]
        # a relative BASE in the query is itself resolved against the configured base (as
        # RFC 3986 and pyoxigraph do; rdflib keeps it relative, so on rdflib's own parse
        # its FROM names a graph outside the dataset: an empty graph)
        based = (
            "BASE <graph/doc/> SELECT (COUNT(*) AS ?n) FROM <晋政办发/2022/77> WHERE { ?s ?p ?o }"
        )
        assert numbers_of(get(client, based)) == (["35"] if engine == "oxigraph" else ["0"])
        nothing = "SELECT (COUNT(*) AS ?n) FROM <graph/doc/nothing> { ?s ?p ?o }"
        assert numbers_of(get(client, nothing)) == ["0"]
    finally:
        application.extensions["policykg"].runner.close()


def test_the_guard_remembers_answers_per_base():
    from policykg.server import guard

    graphs = frozenset({"https://w3id.org/policykg/graph/a"})
    query = "SELECT * FROM <a> { ?s ?p ?o }"
    info = guard.inspect(query, known_graphs=graphs, base="https://w3id.org/policykg/graph/")
    assert info.from_graphs == ["https://w3id.org/policykg/graph/a"]
    other = guard.inspect(query, known_graphs=graphs, base="https://example.org/")
    assert other.from_graphs == ["https://example.org/a"]


def test_serve_hands_granian_the_app_it_built(monkeypatch):
    import granian

    from policykg.server import serve as serve_module

    started = {}

    def serve(self, target_loader=None, **_):
        started["server"], started["app"] = self, target_loader(self.target)

    monkeypatch.setattr(
        serve_module, "checked_dataset", lambda *_: Dataset().parse(SAMPLE, format="trig")
    )
    monkeypatch.setattr(granian.Granian, "serve", serve)
    monkeypatch.setenv("POLICYKG_QUERY_QUEUE", "5")
    serve_module.serve(port=0, workers=3)
    settings = started["app"].extensions["policykg"].config
    assert started["server"].workers == 3
    # a thread for every query in flight and every upload, and spare ones
    assert started["server"].blocking_threads == settings.request_threads
    assert settings.request_threads > settings.query_workers + 5 + settings.validate_workers
    assert settings.public_url == "http://127.0.0.1:0/"  # what serve listens on
    assert started["app"].extensions["policykg"].engine.stats().triples > 0
    assert_relative_iris_resolve(started["app"])


def test_the_documented_gunicorn_timeout_covers_the_default_timeouts():
    import re

    from policykg.server.config import Config
    from policykg.server.serve import gunicorn_timeout

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    documented = int(re.search(r"gunicorn .*--timeout (\d+)", readme).group(1))
    assert gunicorn_timeout(Config()) <= documented
    assert documented > max(Config().query_timeout, Config().validate_timeout)


@pytest.mark.slow
def test_retry_after_is_the_query_timeout():
    application = make_app(QUERY_TIMEOUT=1.5)
    client = application.test_client()
    try:
        response = get(client, CARTESIAN)
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "2"
    finally:
        application.extensions["policykg"].runner.close()


def test_cors_exposes_the_policykg_headers(client):
    exposed = {
        h.strip() for h in get(client, "ASK {}").headers["Access-Control-Expose-Headers"].split(",")
    }
    assert {
        "X-Policykg-Cache",
        "X-Policykg-Conforms",
        "Link",
        "Content-Location",
        "Retry-After",
        "Allow",
    } <= exposed


@pytest.mark.slow
def test_a_dead_idle_child_replaced_but_taken_by_another_request_times_out():
    import os
    import signal
    import threading

    from policykg.graph.errors import QueryTimeout
    from policykg.server.executor import QueryJob, QueryRunner

    application = make_app()
    engine = application.extensions["policykg"].engine
    runner = QueryRunner(engine, timeout=1, max_result_bytes=1 << 20)
    stolen = []
    replace = runner._replace

    def replace_then_lose_the_race(child):
        replace(child)
        stolen.append(runner._idle.get_nowait())  # another request took the fresh child

    runner._replace = replace_then_lose_the_race
    job = QueryJob(
        sparql="ASK {}", media_type="application/sparql-results+json", info=engine.inspect("ASK {}")
    )
    outcome = []

    def ask():
        try:
            runner.run(job)
        except QueryTimeout as exc:
            outcome.append(exc)

    try:
        runner._ensure_started()
        (child,) = runner._children
        os.kill(child.pid, signal.SIGKILL)
        time.sleep(0.2)
        thread = threading.Thread(target=ask, daemon=True)
        started = time.monotonic()
        thread.start()
        thread.join(5)
        assert not thread.is_alive(), "run() waited past its deadline"
        assert outcome and time.monotonic() - started < 3
    finally:
        for child in stolen:
            runner._idle.put(child)
        runner.close()


def _descriptors() -> list[str]:
    """What this process's file descriptors point at (runs in the children below)."""
    import os

    links = []
    for name in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            links.append(os.readlink(f"/proc/self/fd/{name}"))
    return links


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_evaluation_children_do_not_hold_the_servers_listening_socket():
    import os
    import socket

    from policykg.server.executor import run_isolated

    application = make_app(QUERY_WORKERS=1)
    client = application.test_client()
    runner = application.extensions["policykg"].runner
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        held = f"socket:[{os.fstat(listener.fileno()).st_ino}]"
        assert held in _descriptors()
        try:
            assert get(client, "ASK { ?s ?p ?o }").status_code == 200
            (child,) = runner._children
            links = []
            for name in os.listdir(f"/proc/{child.pid}/fd"):
                with contextlib.suppress(OSError):
                    links.append(os.readlink(f"/proc/{child.pid}/fd/{name}"))
            assert held not in links
            assert get(client, "ASK { ?s a ?t }").status_code == 200  # its pipes were kept
            assert held not in run_isolated(_descriptors, timeout=10)
        finally:
            runner.close()


def test_an_evaluation_child_outlives_the_request_thread_that_started_it():
    # PR_SET_PDEATHSIG fires when the forking *thread* ends; granian retires idle request
    # threads, and the development server ends one per request.
    import threading

    from policykg.server.executor import QueryJob, QueryRunner

    application = make_app()
    engine = application.extensions["policykg"].engine
    runner = QueryRunner(engine, timeout=5, max_result_bytes=1 << 20)
    job = QueryJob(
        sparql="ASK { ?s ?p ?o }",
        media_type="application/sparql-results+json",
        info=engine.inspect("ASK { ?s ?p ?o }"),
    )
    answers = []
    try:
        thread = threading.Thread(target=lambda: answers.append(runner.run(job)))
        thread.start()
        thread.join(10)
        (child,) = runner._children
        time.sleep(0.3)
        assert child.alive(), "the child died with the request thread that forked it"
        answers.append(runner.run(job))
        assert runner._children == [child]
        assert [a.body for a in answers] == [answers[0].body] * 2 and b"true" in answers[0].body
    finally:
        runner.close()


def test_a_repeated_request_gets_the_same_answer_or_the_same_error(client):
    # form bodies and Accept headers are decoded once and remembered; errors are not
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    body = "query=" + quote("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1")
    for _ in range(2):
        csv = client.post("/sparql", data=body, headers={**form, "Accept": "text/csv"})
        assert csv.status_code == 200 and csv.mimetype == "text/csv"
        tsv = client.post(
            "/sparql", data=body, headers={**form, "Accept": "text/tab-separated-values"}
        )
        assert tsv.status_code == 200 and tsv.mimetype == "text/tab-separated-values"
        refused = client.post("/sparql", data=body, headers={**form, "Accept": "image/png"})
        assert refused.status_code == 406
        bad = client.post("/sparql", data=b"query=%FF%FE", headers=form)
        assert bad.status_code == 400 and "UTF-8" in bad.get_data(as_text=True)
    big = "query=" + quote("ASK {}" + " " * 10_000)
    for _ in range(2):
        assert client.post("/sparql", data=big, headers=form).status_code == 200
