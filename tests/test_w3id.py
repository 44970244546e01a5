"""Resolvable IRIs: the w3id.org redirect rules in docs/w3id/.htaccess, followed to the
server, and the server behind them (PUBLIC_URL another address than BASE_IRI: the pages
link to the server's own address, the RDF keeps the w3id IRIs).

The rules are read here as Apache's mod_rewrite reads this subset of them (RewriteCond on
the Accept header, RewriteRule with R, L and QSA), and the redirect they give is asked of
the app.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote, urlsplit

import pyoxigraph as ox
import pytest

HTACCESS = Path(__file__).parent.parent / "docs" / "w3id" / ".htaccess"
SERVER = "https://policykg.example.org"
W3ID = "https://w3id.org/policykg/"
DOC = "id/doc/晋政办发/2022/77"


def redirect(path: str, accept: str, query: str = "") -> tuple[int, str]:
    """The status and Location the rules give for a request of w3id.org/policykg/{path}."""
    conditions: list[str] = []
    for line in HTACCESS.read_text(encoding="utf-8").splitlines():
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        if words[0] == "RewriteCond":
            assert words[1] == "%{HTTP_ACCEPT}"
            conditions.append(words[2])
        elif words[0] == "RewriteRule":
            pattern, target, flags = words[1], words[2], words[3].strip("[]").split(",")
            applies = all(re.search(c, accept) for c in conditions)
            conditions = []
            match = re.match(pattern, path)
            if not (applies and match):
                continue
            # Apache escapes the substituted path again (no NE flag): UTF-8, percent-encoded
            location = re.sub(
                r"\$(\d)", lambda m, found=match: quote(found.group(int(m.group(1)))), target
            )
            if "QSA" in flags and query:
                location += ("&" if "?" in location else "?") + query
            status = int(next(f for f in flags if f.startswith("R=")).split("=")[1])
            return status, location
    raise AssertionError(f"no rule for {path}")


@pytest.fixture(scope="module")
def behind_w3id(app_for, bundled_nq):
    """The app as published behind w3id.org: PUBLIC_URL the server's own address."""
    return app_for(DATA=str(bundled_nq), PUBLIC_URL=f"{SERVER}/").test_client()


def follow(client, path: str, accept: str, query: str = ""):
    status, location = redirect(path, accept, query)
    assert location.startswith(SERVER + "/")
    parts = urlsplit(location)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    return status, client.get(target, headers={"Accept": accept})


@pytest.mark.parametrize(
    ("accept", "mimetype"),
    [
        ("text/turtle", "text/turtle"),
        ("application/ld+json", "application/ld+json"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("application/n-triples", "application/n-triples"),
        ("text/html,application/xhtml+xml,*/*;q=0.8", "text/html"),
    ],
)
def test_a_resource_iri_resolves_to_what_the_client_asked_for(behind_w3id, accept, mimetype):
    status, response = follow(behind_w3id, DOC, accept)
    assert status == 303 and response.status_code == 200
    assert response.mimetype == mimetype


@pytest.mark.parametrize(
    ("accept", "mimetype"),
    [("text/turtle", "text/turtle"), ("text/html", "text/html")],
)
def test_the_ontology_resolves_by_accept(behind_w3id, accept, mimetype):
    status, response = follow(behind_w3id, "ontology", accept)
    assert status == 303 and response.status_code == 200 and response.mimetype == mimetype


@pytest.mark.parametrize(
    "path", ["download/dataset.nq", "context.jsonld", "graph/reference/national"]
)
def test_other_paths_go_to_the_same_path(behind_w3id, path):
    status, response = follow(behind_w3id, path, "*/*")
    assert status == 302 and response.status_code == 200


def test_the_page_query_string_survives_the_redirect(behind_w3id):
    status, response = follow(behind_w3id, "id/agency/山西省商务厅", "text/turtle", "page=1")
    assert status == 303 and response.status_code == 200


def test_behind_w3id_rdf_keeps_the_w3id_iris_and_pages_link_to_the_server(behind_w3id):
    _, response = follow(behind_w3id, DOC, "text/turtle")
    store = ox.Store()
    store.load(response.data, format=ox.RdfFormat.TURTLE)
    assert store.query(f"ASK {{ <{W3ID}{DOC}> ?p ?o }}")
    assert SERVER not in response.data.decode("utf-8")
    _, page = follow(behind_w3id, DOC, "text/html")
    html = page.data.decode("utf-8")
    hrefs = re.findall(r'href="([^"]+)"', html)
    assert any(h.startswith("/id/doc/") for h in hrefs)
    assert not any(h.startswith(W3ID + "id/") for h in hrefs)  # never sent back to w3id
    described = behind_w3id.get("/sparql", headers={"Accept": "text/turtle"}).data.decode()
    assert f"<{SERVER}/sparql>" in described and f"<{W3ID}id/dataset>" in described


def test_under_a_path_prefix_pages_link_below_it(app_for, bundled_nq):
    client = app_for(DATA=str(bundled_nq), PUBLIC_URL="https://data.example.org/kg/").test_client()
    page = client.get(f"/{DOC}", headers={"Accept": "text/html"}).data.decode("utf-8")
    assert 'href="/kg/id/' in page
    rdf = client.get(f"/{DOC}", headers={"Accept": "text/turtle"}).data.decode("utf-8")
    assert "/kg/" not in rdf
