"""The two query engines, the guard and the CLI's query function."""

from __future__ import annotations

from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policykg.cli.main import run_query_file
from policykg.graph.errors import QueryError, QueryRefused
from policykg.server import engine as engine_module
from policykg.server import guard
from policykg.server.engine import OxigraphEngine, RdflibEngine, open_engine

SAMPLE = Path(__file__).parent / "data" / "sample.trig"
QUERIES = sorted(
    p
    for p in resources.files("policykg.server").joinpath("queries").iterdir()
    if p.name.endswith(".rq")
)
GRAPHS = frozenset({"https://w3id.org/policykg/graph/a"})


@pytest.fixture(scope="module")
def engines():
    return open_engine("oxigraph", SAMPLE), open_engine("rdflib", SAMPLE)


NUMERIC = {
    "http://www.w3.org/2001/XMLSchema#" + name
    for name in ("integer", "decimal", "positiveInteger", "nonNegativeInteger", "int", "long")
}


def comparable_value(value):
    """A value as (kind, comparable form); numbers by value, since pyoxigraph stores numeric
    literals in canonical form (1.000 → 1) and derived integer types as their value."""
    if value is None:
        return ("unbound", "")
    if value.is_literal and value.datatype in NUMERIC:
        return ("number", str(Decimal(value).normalize()))
    return (value.kind, str(value))


def comparable(rows):
    """Rows as a sorted list of tuples; ORDER BY may leave ties in either order."""
    return sorted(tuple(sorted((k, comparable_value(v)) for k, v in row.items())) for row in rows)


def test_there_are_ten_competency_questions():
    assert len(QUERIES) == 10


@pytest.mark.parametrize("query", QUERIES, ids=lambda p: p.name)
def test_both_engines_answer_every_competency_question_alike_on_the_sample(engines, query):
    oxigraph, rdflib_engine = engines
    text = query.read_text(encoding="utf-8")
    assert comparable(oxigraph.select_rows(text)) == comparable(rdflib_engine.select_rows(text))


@pytest.fixture(scope="module")
def bundled_engines(bundled_nq):
    return OxigraphEngine.from_path(bundled_nq), RdflibEngine.from_path(bundled_nq)


@pytest.mark.slow
@pytest.mark.parametrize("query", QUERIES, ids=lambda p: p.name)
def test_both_engines_answer_every_competency_question_alike_on_the_bundled_graph(
    bundled_engines, query
):
    oxigraph, rdflib_engine = bundled_engines
    text = query.read_text(encoding="utf-8")
    rows = oxigraph.select_rows(text)
    assert comparable(rows) == comparable(rdflib_engine.select_rows(text))


def test_select_rows_gives_terms_that_know_their_kind(engines):
    oxigraph, _ = engines
    rows = oxigraph.select_rows(
        "PREFIX eli: <http://data.europa.eu/eli/ontology#> "
        "SELECT ?d ?n ?missing WHERE { ?d eli:id_local ?n OPTIONAL { ?d <urn:x> ?missing } } "
        "ORDER BY ?n"
    )
    assert rows[0]["n"] == "晋政办发〔2022〕77号" and rows[0]["n"].is_literal
    assert (
        rows[0]["d"] == "https://w3id.org/policykg/id/doc/晋政办发/2022/77" and rows[0]["d"].is_iri
    )
    assert rows[0]["missing"] is None


def test_describe_graphs_and_stats_agree_across_engines(engines):
    oxigraph, rdflib_engine = engines
    iri = "https://w3id.org/policykg/id/agency/山西省商务厅"
    assert sorted(oxigraph.describe(iri).triples()) == sorted(rdflib_engine.describe(iri).triples())
    assert oxigraph.graphs() == rdflib_engine.graphs()
    assert oxigraph.stats() == rdflib_engine.stats()


def test_engines_refuse_service_even_outside_http(engines):
    for engine in engines:
        with pytest.raises(QueryRefused):
            engine.query("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")


def test_run_query_file_csv_has_plain_lexical_values(tmp_path):
    query = tmp_path / "q.rq"
    query.write_text(
        "PREFIX pkg: <https://w3id.org/policykg/ontology#>\n"
        "PREFIX time: <http://www.w3.org/2006/time#>\n"
        "SELECT ?value ?unit ?end WHERE { ?q pkg:value ?value ; pkg:unit ?unit "
        "OPTIONAL { ?t time:inXSDDate ?end } } ORDER BY ?value",
        encoding="utf-8",
    )
    text = run_query_file(query, SAMPLE, "csv")
    assert text.splitlines() == ["value,unit,end", "0.7,%,2022-12-31", "35,%,2022-12-31"]
    tsv = run_query_file(query, SAMPLE, "tsv")
    assert tsv.splitlines()[0] == "?value\t?unit\t?end"
    # Turtle's short forms: 35 is an xsd:integer and 0.7 an xsd:decimal in the sample
    assert tsv.splitlines()[1:] == [
        '0.7\t"%"\t"2022-12-31"^^<http://www.w3.org/2001/XMLSchema#date>',
        '35\t"%"\t"2022-12-31"^^<http://www.w3.org/2001/XMLSchema#date>',
    ]
    assert '"head"' in run_query_file(query, SAMPLE, "json")


# --- the guard, directly ----------------------------------------------------------------------


def test_guard_reports_the_query_form():
    assert (
        guard.inspect("PREFIX a: <http://a#> SELECT * { ?s ?p ?o }", known_graphs=GRAPHS).form
        == "SELECT"
    )
    assert guard.inspect("ASK {}", known_graphs=GRAPHS).form == "ASK"
    assert guard.inspect("CONSTRUCT WHERE { ?s ?p ?o }", known_graphs=GRAPHS).form == "CONSTRUCT"
    assert guard.inspect("DESCRIBE <http://a>", known_graphs=GRAPHS).form == "DESCRIBE"


def test_guard_resolves_from_graphs_through_prefixes_and_base():
    info = guard.inspect(
        "BASE <https://w3id.org/policykg/graph/> PREFIX g: <https://w3id.org/"
        "policykg/graph/> SELECT * FROM g:a FROM NAMED <a> { ?s ?p ?o }",
        known_graphs=GRAPHS,
    )
    assert info.from_graphs == ["https://w3id.org/policykg/graph/a"]
    assert info.from_named_graphs == ["https://w3id.org/policykg/graph/a"]


def test_guard_ignores_keywords_in_prefixed_names_variables_and_language_tags():
    query = (
        "PREFIX ex: <http://ex/> PREFIX service: <http://ex/s#> "
        "SELECT ?service ?load WHERE { ?service ex:SERVICE ?load . "
        '?load ex:p "x"@insert ; service:drop """LOAD\nCLEAR""" }'
    )
    assert guard.inspect(query, known_graphs=GRAPHS).form == "SELECT"


@pytest.mark.parametrize("depth, ok", [(64, True), (65, False)])
def test_guard_depth_limit(depth, ok):
    query = "ASK " + "{" * depth + "}" * depth
    if ok:
        guard.inspect(query, known_graphs=GRAPHS, max_depth=64)
    else:
        with pytest.raises(QueryError, match="nested more than 64"):
            guard.inspect(query, known_graphs=GRAPHS, max_depth=64)


@pytest.mark.parametrize("pattern", ["^(a+)+$", "(x*y)*z", "(a|aa)+(b)\\\\1", "a" * 201])
def test_guard_refuses_dangerous_patterns_for_backtracking_engines(pattern):
    query = f'ASK {{ FILTER REGEX("aaa", "{pattern}") }}'
    with pytest.raises(QueryRefused):
        guard.inspect(query, known_graphs=GRAPHS, check_regex=True)
    guard.inspect(query, known_graphs=GRAPHS, check_regex=False)


def test_guard_refuses_non_literal_patterns_for_backtracking_engines():
    with pytest.raises(QueryRefused):
        guard.inspect(
            "SELECT * { ?s ?p ?o FILTER REGEX(?o, ?p) }", known_graphs=GRAPHS, check_regex=True
        )
    guard.inspect(
        'SELECT * { ?s ?p ?o FILTER REGEX(?o, "^abc", "i") }', known_graphs=GRAPHS, check_regex=True
    )


# --- defence in depth: rdflib evaluation never connects anywhere ------------------------------


def test_refuse_outbound_blocks_urllib(listener):
    import urllib.request

    from policykg.server.outbound import refuse_outbound

    port, hits = listener
    with refuse_outbound(), pytest.raises(PermissionError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
    assert hits == []


def test_rdflib_service_past_the_guard_is_refused_on_rdflibs_parse(engines, listener):
    _, rdflib_engine = engines
    port, hits = listener
    query = f"SELECT * WHERE {{ SERV\\u0049CE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
    info = guard.QueryInfo(form="SELECT")  # as if the guard had missed it
    with pytest.raises(QueryRefused, match="SERVICE"):
        rdflib_engine._evaluate(query, info, [], [])
    assert hits == []


def test_rdflib_service_past_both_checks_still_makes_no_request(engines, listener, monkeypatch):
    _, rdflib_engine = engines
    port, hits = listener
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
    info = guard.QueryInfo(form="SELECT")  # as if the guard had missed it
    monkeypatch.setattr(engine_module, "refuse_on_algebra", lambda _query, _graphs=None: None)
    with pytest.raises(PermissionError, match="outbound request refused"):
        rdflib_engine._evaluate(query, info, [], [])
    assert hits == []


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("{}()[]<>\"'#\\ \nSERVICEselectFROM?:.,u0049")), max_size=80
    )
)
def test_guard_never_fails_on_arbitrary_text(text):
    try:
        info = guard.inspect(text, known_graphs=GRAPHS, check_regex=True)
    except (QueryError, QueryRefused) as exc:  # the only ways it may say no
        assert exc.message
    else:
        assert info.form in (None, *guard.QUERY_FORMS)


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(["SERVICE", "service", "SeRvIcE", "LOAD", "INSERT", "DROP"]),
    st.sampled_from(["", " SILENT", " ?x"]),
)
def test_guard_refuses_any_spelling_of_the_refused_keywords(word, suffix):
    with pytest.raises(QueryRefused):
        guard.inspect(
            f"SELECT * WHERE {{ {word}{suffix} <http://127.0.0.1/> {{ }} }}", known_graphs=GRAPHS
        )


def test_guard_refuses_a_query_every_time_it_is_asked():
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    for _ in range(2):  # the guard remembers outcomes, never a refusal
        with pytest.raises(QueryRefused):
            guard.inspect(query, known_graphs=GRAPHS)


def test_guard_answers_are_copies():
    query = "SELECT * FROM <https://w3id.org/policykg/graph/a> { ?s ?p ?o }"
    first = guard.inspect(query, known_graphs=GRAPHS)
    first.from_graphs.append("changed")
    assert guard.inspect(query, known_graphs=GRAPHS).from_graphs == [
        "https://w3id.org/policykg/graph/a"
    ]
