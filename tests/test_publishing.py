"""Publishing the dataset: its DCAT and VoID description in the built file, the same
identity and figures in the Service Description, /.well-known/void and /id/dataset
(whatever Host the client claims), and the version headers that let a result be cited.

The figures are checked against independent counts: the lines of the N-Quads file and
SPARQL COUNTs over a pyoxigraph store, never against the functions that made them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import CORPUS, DATA

from policykg.graph.publishing import DATASET, DESCRIPTION_GRAPH

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
SD = "http://www.w3.org/ns/sparql-service-description#"
PROV = "http://www.w3.org/ns/prov#"
PREFIXES = f"PREFIX void: <{VOID}> PREFIX dcat: <{DCAT}> PREFIX dct: <{DCT}> PREFIX sd: <{SD}> "
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
THREE = [DATA / "docs" / "taiyuan-city-plan.txt", DATA / "docs" / "jiangxi-measures.txt", CORPUS]


def store_of_file(path: Path) -> ox.Store:
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.N_QUADS)
    return store


def value(store: ox.Store, subject: str, prop: str, graph: str | None = None) -> str:
    where = (
        f"GRAPH <{graph}> {{ <{subject}> <{prop}> ?v }}" if graph else f"<{subject}> <{prop}> ?v"
    )
    rows = list(store.query(f"SELECT ?v WHERE {{ {where} }}", use_default_graph_as_union=True))
    assert len({row["v"] for row in rows}) == 1, (subject, prop, rows)
    return rows[0]["v"].value


def count(store: ox.Store, select: str) -> int:
    rows = list(store.query(select, use_default_graph_as_union=True))
    return int(rows[0]["n"].value)


@pytest.fixture(scope="module")
def three_built(tmp_path_factory, runner):
    """The three-document build through the command: (file, printed output)."""
    out = tmp_path_factory.mktemp("publish") / "three.nq"
    result = runner("build", "-q", *map(str, THREE), "--output", str(out))
    assert result.exit_code in (0, 1), result.output
    return out, result.output


@pytest.fixture(scope="module")
def runner():
    from click.testing import CliRunner

    from policykg.cli.main import main

    return lambda *args: CliRunner().invoke(main, list(args))


# -- the description in the built file -----------------------------------------------------


def test_the_files_void_figures_are_what_the_file_holds(three_built):
    path, _ = three_built
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    store = store_of_file(path)
    d = str(DATASET)
    assert int(value(store, d, VOID + "triples")) == len(lines)
    assert int(value(store, d, VOID + "properties")) == count(
        store, "SELECT (COUNT(DISTINCT ?p) AS ?n) { GRAPH ?g { ?s ?p ?o } }"
    )
    assert int(value(store, d, VOID + "classes")) == count(
        store, "SELECT (COUNT(DISTINCT ?c) AS ?n) { GRAPH ?g { ?s a ?c } }"
    )
    assert int(value(store, d, VOID + "entities")) == count(
        store,
        "SELECT (COUNT(DISTINCT ?s) AS ?n) { GRAPH ?g { ?s ?p ?o } "
        "FILTER(isIRI(?s) && STRSTARTS(STR(?s), 'https://w3id.org/policykg/id/')) }",
    )
    graphs = {q.graph_name.value for q in store}
    subsets = {
        r["g"].value: int(r["n"].value)
        for r in store.query(
            PREFIXES + f"SELECT ?g ?n {{ <{d}> void:subset ?g . ?g void:triples ?n "
            "FILTER NOT EXISTS { ?g a void:Linkset } }",
            use_default_graph_as_union=True,
        )
    }
    assert set(subsets) == graphs  # one subset per named graph, the description's own too
    for graph, stated in subsets.items():
        assert stated == count(
            store, f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        )


def test_the_printed_summary_counts_the_files_statements(three_built):
    path, output = three_built
    lines = sum(1 for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip())
    printed = re.search(r"^\s+triples\s+([\d,]+)$", output, re.M)
    assert printed and int(printed.group(1).replace(",", "")) == lines


def test_dcat_licence_publisher_rights_dates_version_and_distributions(three_built):
    path, _ = three_built
    store = store_of_file(path)
    d = str(DATASET)
    assert store.query(
        PREFIXES + f"ASK {{ GRAPH <{DESCRIPTION_GRAPH}> {{ <{d}> a dcat:Dataset }} }}"
    )
    assert value(store, d, DCT + "license") == CC_BY
    assert value(store, d, DCT + "publisher").startswith("https://w3id.org/policykg/id/")
    rights = value(store, d, DCT + "rights")
    labels = {
        r["l"].value
        for r in store.query(f"SELECT ?l {{ <{rights}> ?p ?l }}", use_default_graph_as_union=True)
        if isinstance(r["l"], ox.Literal)
    }
    assert any("第五条" in text and "著作权法" in text for text in labels)
    assert any("Article 5" in text and "Copyright Law" in text for text in labels)
    # the newest date the three source documents state (no SOURCE_DATE_EPOCH in the tests)
    newest_date = next(
        iter(
            store.query(
                "SELECT (MAX(?d) AS ?m) { ?doc <https://w3id.org/policykg/ontology#source> ?s ; "
                "<http://data.europa.eu/eli/ontology#date_document>|"
                "<http://data.europa.eu/eli/ontology#date_publication> ?d }",
                use_default_graph_as_union=True,
            )
        )
    )["m"].value
    assert value(store, d, DCT + "modified") == newest_date
    assert value(store, d, DCT + "issued") == newest_date
    dists = list(
        store.query(
            PREFIXES + f"SELECT ?u {{ <{d}> dcat:distribution ?x . ?x dcat:downloadURL ?u ; "
            "dct:license ?l ; dcat:mediaType ?m }",
            use_default_graph_as_union=True,
        )
    )
    assert {r["u"].value.rsplit("/", 1)[-1] for r in dists} == {
        "dataset.nq",
        "dataset.trig",
        "dataset.jsonld",
    }
    used = {
        r["s"].value
        for r in store.query(
            f"SELECT ?s {{ <{d}> <{PROV}wasGeneratedBy> ?b . ?b <{PROV}used> ?s }}",
            use_default_graph_as_union=True,
        )
    }
    assert len(used) == 3 and all(s.endswith("/source") for s in used)


def test_the_version_is_the_content_digest_the_server_computes(three_built, app_for):
    path, _ = three_built
    store = store_of_file(path)
    stated = value(store, str(DATASET), DCAT + "version")
    engine = app_for(DATA=str(path)).extensions["policykg"].engine
    assert stated.startswith("sha256-") and engine.version == stated


def test_source_date_epoch_sets_the_dates_and_the_build_time(monkeypatch):
    from policykg.graph.pipeline import build

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14T22:13:20Z
    graph = build().dataset.graph(DESCRIPTION_GRAPH)
    texts = {str(p).rsplit("/", 1)[-1].rsplit("#", 1)[-1]: str(o) for _, p, o in graph}
    assert texts["issued"] == texts["modified"] == "2023-11-14"
    assert texts["endedAtTime"].startswith("2023-11-14T22:13:20")


# -- the same identity and figures on the server -------------------------------------------


def described(client, path: str, **headers: str) -> ox.Store:
    response = client.get(path, headers={"Accept": "application/n-triples", **headers})
    assert response.status_code == 200, response.data
    store = ox.Store()
    store.load(response.data, format=ox.RdfFormat.N_TRIPLES)
    return store


@pytest.mark.parametrize("path", ["/sparql", "/.well-known/void", "/id/dataset"])
def test_one_identity_whatever_host_the_client_claims(bundled_client, path):
    store = described(bundled_client, path, Host="evil.example:666")
    text = " ".join(str(q) for q in store)
    assert "evil.example" not in text
    assert store.query(
        PREFIXES + f"ASK {{ ?svc sd:defaultDataset <{DATASET}> . <{DATASET}> a dcat:Dataset ; "
        f"dct:license <{CC_BY}> ; void:sparqlEndpoint <http://127.0.0.1:8000/sparql> }}"
    )


def test_served_figures_equal_the_dump_and_the_built_file(bundled_client, bundled_nq):
    dump = bundled_client.get("/download/dataset.nq").data.decode("utf-8")
    lines = [ln for ln in dump.splitlines() if ln.strip()]
    built = store_of_file(bundled_nq)
    for path in ("/sparql", "/id/dataset"):
        store = described(bundled_client, path)
        for prop in ("triples", "entities", "classes", "properties"):
            assert value(store, str(DATASET), VOID + prop) == value(
                built, str(DATASET), VOID + prop
            )
        assert int(value(store, str(DATASET), VOID + "triples")) == len(lines)
        assert value(store, str(DATASET), DCAT + "version") == value(
            built, str(DATASET), DCAT + "version"
        )


def test_base_iri_and_licence_come_from_the_config(app_for, bundled_nq):
    app = app_for(
        DATA=str(bundled_nq),
        BASE_IRI="https://example.org/kg/",
        PUBLIC_URL="https://data.example.org/",
        LICENSE="https://creativecommons.org/publicdomain/zero/1.0/",
    )
    store = described(app.test_client(), "/sparql")
    assert store.query(
        PREFIXES + "ASK { <https://data.example.org/sparql> sd:defaultDataset "
        "<https://example.org/kg/id/dataset> . <https://example.org/kg/id/dataset> dct:license "
        "<https://creativecommons.org/publicdomain/zero/1.0/> }"
    )
    assert not store.query(PREFIXES + f"ASK {{ ?x dct:license <{CC_BY}> }}")


def test_a_bad_licence_setting_is_refused(app_for):
    from policykg.graph.errors import ConfigError

    with pytest.raises(ConfigError, match="LICENSE"):
        app_for(LICENSE="CC BY")


def test_every_answer_names_the_release_and_the_data(bundled_client):
    from policykg.graph.pipeline import version

    engine_version = bundled_client.application.extensions["policykg"].engine.version
    query = "/sparql?query=ASK%20%7B%7D"
    first = bundled_client.get(query)
    assert first.headers["X-Policykg-Version"] == version()
    assert first.headers["X-Policykg-Dataset-Version"] == engine_version
    etag = first.headers["ETag"]
    assert engine_version in etag
    again = bundled_client.get(query, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    other_format = bundled_client.get(query + "&format=xml", headers={"If-None-Match": etag})
    assert other_format.status_code == 200
    for path in ("/sparql", "/download/dataset.nq", "/id/dataset"):
        assert bundled_client.get(path).headers["X-Policykg-Dataset-Version"] == engine_version


def test_build_states_the_licence_it_is_given(tmp_path, runner):
    out = tmp_path / "cc0.nq"
    cc0 = "https://creativecommons.org/publicdomain/zero/1.0/"
    result = runner("build", "-q", str(CORPUS), "--license", cc0, "--output", str(out))
    assert result.exit_code == 0, result.output
    assert value(store_of_file(out), str(DATASET), DCT + "license") == cc0
    other = tmp_path / "other.nq"
    refused = runner("build", "-q", str(CORPUS), "--license", "CC0", "--output", str(other))
    assert refused.exit_code == 2 and "--license" in refused.output
    assert not other.exists()


# -- descriptions: links both ways, paged, JSON-LD with the service's context ---------------

PKID = "https://w3id.org/policykg/id/"
ELI = "http://data.europa.eu/eli/ontology#"
PKG = "https://w3id.org/policykg/ontology#"
DOC = PKID + "doc/晋政办发/2022/77"
AGENCY = PKID + "agency/山西省商务厅"


def turtle_of(client, path: str) -> tuple[ox.Store, object]:
    response = client.get(path, headers={"Accept": "text/turtle"})
    assert response.status_code == 200, response.data
    store = ox.Store()
    store.load(response.data, format=ox.RdfFormat.TURTLE)
    return store, response


def test_a_documents_description_names_its_parts_and_an_agencys_its_responsibilities(
    bundled_client,
):
    store, _ = turtle_of(bundled_client, "/id/doc/晋政办发/2022/77")
    assert store.query(f"ASK {{ ?part <{ELI}is_part_of> <{DOC}> }}")
    assert store.query(f"ASK {{ <{DOC}> <{ELI}id_local> ?number }}")  # its own triples too
    store, _ = turtle_of(bundled_client, "/id/agency/山西省商务厅")
    assert store.query(f"ASK {{ ?r <{PKG}agent> <{AGENCY}> }}")


@pytest.fixture(scope="module")
def paged_client(app_for, bundled_nq):
    return app_for(DATA=str(bundled_nq), MAX_INCOMING=7).test_client()


def test_incoming_links_are_paged_with_a_next_link(paged_client, bundled_nq):
    built = store_of_file(bundled_nq)
    expected = {
        (r["s"].value, r["p"].value)
        for r in built.query(
            f"SELECT DISTINCT ?s ?p {{ ?s ?p <{AGENCY}> }}", use_default_graph_as_union=True
        )
    }
    assert len(expected) > 7
    seen: set[tuple[str, str]] = set()
    path, page = "/id/agency/山西省商务厅", 1
    while True:
        store, response = turtle_of(paged_client, f"{path}?page={page}")
        pointing = {
            (r["s"].value, r["p"].value)
            for r in store.query(f"SELECT ?s ?p {{ ?s ?p <{AGENCY}> }}")
        }
        assert 0 < len(pointing) <= 7
        assert not pointing & seen
        seen |= pointing
        links = response.headers.get("Link", "")
        if 'rel="next"' not in links:
            break
        assert f"page={page + 1}" in links
        page += 1
    assert seen == expected and page == -(-len(expected) // 7)
    again, _ = turtle_of(paged_client, f"{path}?page=2")
    assert not again.query(f"ASK {{ <{AGENCY}> ?p ?o }}")  # its own triples are on page 1
    assert paged_client.get(f"{path}?page=0", headers={"Accept": "text/turtle"}).status_code == 400


def test_jsonld_descriptions_are_compact_and_name_the_served_context(bundled_client):
    import json

    from pyld import jsonld

    context = bundled_client.get("/context.jsonld")
    assert context.status_code == 200 and context.mimetype == "application/ld+json"
    inline = json.loads(context.data)
    assert inline["@context"]["eli"] == ELI
    for path in ("/id/doc/晋政办发/2022/77", "/id/dataset", "/graph/reference/national"):
        response = bundled_client.get(path, headers={"Accept": "application/ld+json"})
        body = json.loads(response.data)
        assert body["@context"] == "http://127.0.0.1:8000/context.jsonld"
        assert any(key.startswith(("eli:", "dct:", "void:")) for n in body["@graph"] for key in n)

        def loader(url, options=None, inline=inline):
            assert url == "http://127.0.0.1:8000/context.jsonld"  # ours, and nothing else
            return {"contextUrl": None, "documentUrl": url, "document": inline}

        quads = jsonld.to_rdf(body, {"documentLoader": loader, "format": "application/n-quads"})
        from_jsonld = {ln for ln in quads.splitlines() if ln.strip()}
        turtle, _ = turtle_of(bundled_client, path)
        assert len(from_jsonld) == len(turtle) > 0
