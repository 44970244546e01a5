"""POST /validate: SHACL reports for uploads, unsafe input refused, nothing fetched."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import SH

SAMPLE = Path(__file__).parent / "data" / "sample.trig"
# The sample leaves out what the shapes require of a full build: an issuer on the second
# document, source spans of measures, …, so it does not conform.
NOT_CONFORMING = SAMPLE.read_bytes()
CONFORMING = b'@prefix ex: <http://example.org/> .\nex:a ex:says "nothing the shapes target" .\n'


def report_of(response) -> Graph:
    return Graph().parse(data=response.data.decode(), format="turtle")


def test_a_non_conforming_upload_gets_its_report_as_turtle(client):
    response = client.post("/validate", data=NOT_CONFORMING, content_type="application/trig")
    assert response.status_code == 200
    assert response.mimetype == "text/turtle"
    assert response.headers["X-Policykg-Conforms"] == "false"
    report = report_of(response)
    assert (None, SH.conforms, None) in report
    focus = {str(report.value(r, SH.focusNode)) for r in report.objects(None, SH.result)}
    assert "https://w3id.org/policykg/id/doc/晋政发/2023/5" in focus


def test_a_conforming_upload(client):
    response = client.post("/validate", data=CONFORMING, content_type="text/turtle")
    assert response.status_code == 200
    assert response.headers["X-Policykg-Conforms"] == "true"


@pytest.mark.slow
def test_report_as_json_ld_and_text_and_html(client):
    as_json = client.post(
        "/validate",
        data=NOT_CONFORMING,
        content_type="application/trig",
        headers={"Accept": "application/json"},
    )
    assert as_json.mimetype == "application/ld+json"
    assert json.loads(as_json.data)
    as_text = client.post(
        "/validate",
        data=NOT_CONFORMING,
        content_type="application/trig",
        headers={"Accept": "text/plain"},
    )
    assert "does not conform" in as_text.data.decode()
    as_html = client.post(
        "/validate",
        data=NOT_CONFORMING,
        content_type="application/trig",
        headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
    )
    assert as_html.mimetype == "text/html"
    assert "does not conform" in as_html.data.decode() and "<table>" in as_html.data.decode()


def test_browser_form_upload(client):
    response = client.post(
        "/validate",
        data={"data": CONFORMING.decode(), "format": "turtle"},
        headers={"Accept": "text/html"},
    )
    assert response.status_code == 200 and "conforms" in response.data.decode()
    assert client.get("/validate").mimetype == "text/html"


@pytest.mark.parametrize(
    "body, content_type, message",
    [
        (
            b'{"@context": "http://127.0.0.1:9/context.jsonld", "@id": "http://a"}',
            "application/ld+json",
            b"remote @context",
        ),
        (
            b'{"@context": {"@import": "file:///etc/passwd"}, "@id": "http://a"}',
            "application/ld+json",
            b"remote @context",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]>'
            b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>',
            "application/rdf+xml",
            b"DOCTYPE",
        ),
        (b"@prefix ex: <http://example.org/> .\nex:a ex:b ", "text/turtle", b"line 2"),
        (b"", "text/turtle", b"empty"),
    ],
)
def test_unsafe_or_malformed_uploads_get_400(client, body, content_type, message):
    response = client.post("/validate", data=body, content_type=content_type)
    assert response.status_code == 400
    assert message in response.data


def test_other_content_types_get_415(client):
    assert client.post("/validate", data=b"x", content_type="application/pdf").status_code == 415


def test_uploads_over_the_cap_get_413(app_for):
    client = app_for(MAX_CONTENT_LENGTH=200_000).test_client()
    response = client.post("/validate", data=b"#" * 300_000, content_type="text/turtle")
    assert response.status_code == 413


@pytest.mark.slow
def test_report_types_follow_the_negotiated_choice(client):
    as_xml = client.post(
        "/validate",
        data=CONFORMING,
        content_type="text/turtle",
        headers={"Accept": "application/xml"},
    )
    assert as_xml.status_code == 200
    assert as_xml.mimetype == "application/rdf+xml"
    assert len(Graph().parse(data=as_xml.data, format="xml"))
    as_nt = client.post(
        "/validate",
        data=CONFORMING,
        content_type="text/turtle",
        headers={"Accept": "application/n-triples"},
    )
    assert as_nt.mimetype == "application/n-triples"
    default = client.post("/validate", data=CONFORMING, content_type="text/turtle")
    assert default.mimetype == "text/turtle"


def test_unmet_accept_gets_406_listing_everything_a_report_can_be(client):
    response = client.post(
        "/validate", data=CONFORMING, content_type="text/turtle", headers={"Accept": "image/png"}
    )
    assert response.status_code == 406
    listed = response.get_data(as_text=True)
    for media_type in (
        "text/turtle",
        "application/ld+json",
        "text/html",
        "text/plain",
        "application/rdf+xml",
    ):
        assert media_type in listed


def test_the_text_report_states_its_charset(client):
    response = client.post(
        "/validate",
        data=NOT_CONFORMING,
        content_type="application/trig",
        headers={"Accept": "text/plain"},
    )
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"


def test_a_validation_past_its_timeout_says_to_retry_after_the_validate_timeout(app_for):
    app = app_for(VALIDATE_TIMEOUT=0.01, QUERY_TIMEOUT=7)
    response = app.test_client().post(
        "/validate", data=NOT_CONFORMING, content_type="application/trig"
    )
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
