"""The server's one Config: its defaults, the environment and overrides, and where its
values arrive (the data's validation, the pages' links)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pyoxigraph as ox
import pytest

from policykg.graph.errors import ConfigError, NotConforming
from policykg.server.app import create_app
from policykg.server.config import Config
from policykg.server.engine import OxigraphEngine

SAMPLE = Path(__file__).parent / "data" / "sample.trig"  # does not conform
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SEE_ALSO = "http://www.w3.org/2000/01/rdf-schema#seeAlso"


def test_the_defaults_are_the_fields_and_the_environment_and_overrides_come_on_top():
    assert Config.from_sources({}, environ={}) == Config()
    environ = {"POLICYKG_QUERY_TIMEOUT": "5", "POLICYKG_ENGINE": "rdflib", "OTHER": "x"}
    config = Config.from_sources({"ENGINE": "oxigraph"}, environ=environ)
    assert config.query_timeout == 5.0 and isinstance(config.query_timeout, float)
    assert config.engine == "oxigraph"  # the override wins over the environment
    assert Config.from_sources(
        {}, environ={"POLICYKG_ALLOW_NONCONFORMING": "true"}
    ).allow_nonconforming


def test_values_are_normalised_before_the_frozen_config_is_made():
    config = Config.from_mapping(
        {"PUBLIC_URL": "https://example.org/kg", "DATA": str(SAMPLE), "CLIENT_ADDRESS_HEADER": " "}
    )
    assert config.public_url == "https://example.org/kg/" and config.root == "/kg/"
    assert config.data == SAMPLE and config.client_address_header is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.engine = "rdflib"  # type: ignore[misc]


@pytest.mark.parametrize(
    "values, word",
    [
        ({"MAX_INCOMING": 0}, "MAX_INCOMING"),
        ({"ALLOW_NONCONFORMING": "perhaps"}, "ALLOW_NONCONFORMING"),
        ({"BASE_IRI": "urn:x:"}, "BASE_IRI"),
    ],
)
def test_unusable_values_are_refused(values, word):
    with pytest.raises(ConfigError, match=word):
        Config.from_mapping(values)


def test_data_is_validated_before_it_is_served_as_serve_does(monkeypatch):
    monkeypatch.setenv("POLICYKG_DATA", str(SAMPLE))
    with pytest.raises(NotConforming, match="does not conform") as refused:
        create_app()
    assert "POLICYKG_ALLOW_NONCONFORMING" in refused.value.hint
    monkeypatch.setenv("POLICYKG_ALLOW_NONCONFORMING", "true")
    app = create_app()
    try:
        assert app.test_client().get("/healthz").json["triples"] > 0
    finally:
        app.extensions["policykg"].runner.close()


def small_engine(base: str) -> OxigraphEngine:
    store = ox.Store()
    graph = ox.NamedNode(base + "graph/things")
    thing, other = ox.NamedNode(base + "id/thing"), ox.NamedNode(base + "id/other")
    store.add(ox.Quad(thing, ox.NamedNode(LABEL), ox.Literal("一件事", language="zh"), graph))
    store.add(ox.Quad(thing, ox.NamedNode(SEE_ALSO), other, graph))
    store.add(ox.Quad(other, ox.NamedNode(LABEL), ox.Literal("另一件", language="zh"), graph))
    return OxigraphEngine(store)


def test_base_iri_and_public_url_reach_the_pages_links():
    base = "https://example.org/kg/"
    app = create_app(
        {"BASE_IRI": base, "PUBLIC_URL": "https://example.org/site/", "TESTING": True},
        engine=small_engine(base),
    )
    html = app.test_client().get("/id/thing", headers={"Accept": "text/html"})
    assert html.status_code == 200
    text = html.get_data(as_text=True)
    assert 'href="/site/id/other"' in text  # an IRI under BASE_IRI is a page here
    assert 'href="/site/assets/site.css"' in text and 'href="/site/query"' in text
    query_page = app.test_client().get("/query").get_data(as_text=True)
    assert '"base": "https://example.org/kg/"' in query_page and '"root": "/site/"' in query_page
    # by default the same IRIs are outside the site: shown as they are
    plain = create_app({"TESTING": True}, engine=small_engine(base))
    assert plain.test_client().get("/id/thing").status_code == 404
