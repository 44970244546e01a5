"""The linked-data site: every IRI of the graph as a page or an RDF description, the
landing page, the ontology's pages and the query page.

Routes (docs/linked-data.md): / , /id/<path>, /graph/<path>, /ontology,
/ontology/term/<name>, /query, /query/prefixes.json. A resource's URL answers 200
directly (no 303): HTML for browsers, its description for RDF clients by Accept or
?format=, with Vary: Accept, Content-Location and Link rel=alternate to the other forms.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request

from policykg.graph.errors import InputError, NotFound
from policykg.graph.namespaces import ONTOLOGY_IRI, PKG, PKGRAPH, PREFIXES

from .config import Config
from .engine import Engine
from .examples import examples
from .exports import SchemaIndex
from .linking import encode_path, is_safe_iri, links, resource_iri, term_iri
from .negotiation import HTML, PAGE, content_type, negotiate, short_name
from .resource_description import description, jsonld_context, named_graph, rdf_body
from .service_description import context_url, dataset_iri, description_body
from .sparql import service
from .viewmodels.agency import build_agency
from .viewmodels.document import build_document, build_item, build_part
from .viewmodels.graph import build_graph, build_landing
from .viewmodels.measure import build_measure, build_source, build_span
from .viewmodels.ontology import build_ontology, build_term
from .viewmodels.page import Page, build_page
from .viewmodels.terms import link, qname

pages_bp = Blueprint(
    "pages",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/assets",
)

ONTOLOGY_GRAPH = str(PKGRAPH["reference/ontology"])
_ELI_RESOURCE = "http://data.europa.eu/eli/ontology#LegalResource"
# The page builder for each class, tried in this order: the first class a resource has wins.
BUILDERS = {
    str(PKG.PolicyDocument): build_document,
    str(PKG.Part): build_part,
    str(PKG.Item): build_item,
    str(PKG.Measure): build_measure,
    str(PKG.Agency): build_agency,
    str(PKG.SourceText): build_source,
    str(PKG.TextSpan): build_span,
    str(PKG.Mention): build_span,
    _ELI_RESOURCE: build_document,
}


def engine() -> Engine:
    """The served engine: everything the pages read, they read through it."""
    return service().engine


def _config() -> Config:
    """The served app's Config."""
    return service().config


def _max_incoming() -> int:
    """How many links to a resource its page and its description show (MAX_INCOMING)."""
    return _config().max_incoming


def _media_type() -> str:
    """The representation to answer with (?format= or Accept), or 406 listing them."""
    return negotiate(PAGE, request.headers.get("Accept"), request.args.get("format"))


def _alternates(response: Response, media_type: str) -> Response:
    """Vary, Content-Location and the Link header naming every representation."""
    path = encode_path(request.path)
    response.headers["Vary"] = "Accept"
    response.headers["Content-Location"] = f"{path}?format={short_name(media_type)}"
    response.headers["Link"] = ", ".join(
        f'<{path}?format={short_name(mime)}>; rel="alternate"; type="{mime}"'
        for mime in PAGE.types
        if mime != media_type
    )
    return response


def _rdf_body_response(body: bytes, media_type: str) -> Response:
    return _alternates(Response(body, content_type=content_type(media_type)), media_type)


def _page_number() -> int:
    """The ?page= of a description (1 when absent); 400 for anything but a number ≥ 1."""
    text = request.args.get("page", "1")
    if not text.isdigit() or int(text) < 1:
        raise InputError(f"page must be a whole number from 1, not {text!r}")
    return int(text)


def _description_response(iri: str, media_type: str) -> Response:
    """A page of the resource's RDF description; a Link rel="next" to the next one."""
    page = _page_number()
    found = description(engine(), iri, _max_incoming(), page)
    if not found.triples:
        return _not_found(iri, media_type)
    body = rdf_body(found.triples, media_type, context_url(_config()))
    response = _rdf_body_response(body, media_type)
    path, name = encode_path(request.path), short_name(media_type)
    if page > 1:
        response.headers["Content-Location"] = f"{path}?format={name}&page={page}"
    if found.has_next:
        following = f'<{path}?format={name}&page={page + 1}>; rel="next"'
        response.headers["Link"] = f"{response.headers['Link']}, {following}"
    return response


def _named_graph_response(iri: str, media_type: str) -> Response:
    """A whole named graph as RDF, serialised once per (graph, media type): the dataset
    never changes while the server runs, and the graph IRIs are the dataset's own."""
    cache: dict[tuple[str, str], bytes] = service().cache.setdefault("pages.named_graphs", {})
    key = (iri, media_type)
    if key not in cache:
        cache[key] = rdf_body(named_graph(engine(), iri), media_type, context_url(_config()))
    return _rdf_body_response(cache[key], media_type)


def _html_response(template: str, **context: Any) -> Response:
    return _alternates(
        Response(render_template(template, **context), content_type="text/html; charset=utf-8"),
        "text/html",
    )


def _not_found(iri: str, media_type: str) -> Response:
    if media_type != HTML:
        raise NotFound(f"the graph says nothing about <{iri}>")
    body = render_template("404.html", iri=iri, page=None)
    return Response(body, status=404, content_type="text/html; charset=utf-8")


def _resource(iri: str) -> Response:
    """A resource of the graph, as HTML or as its RDF description."""
    media_type = _media_type()
    if not is_safe_iri(iri):
        return _not_found(iri, media_type)
    if media_type != HTML and iri == dataset_iri(_config()):
        # the dataset: what the service description says of it, the same everywhere
        body = description_body(engine(), _config(), media_type)
        return _rdf_body_response(body, media_type)
    if media_type != HTML:
        return _description_response(iri, media_type)
    page = build_page(engine(), iri, BUILDERS, _max_incoming())
    if page is None:
        return _not_found(iri, media_type)
    page.jsonld = SchemaIndex.around(engine(), iri).page_jsonld(iri) or page.jsonld
    return _html_response(page.template, page=page)


@pages_bp.route("/id/<path:rest>")
def resource(rest: str) -> Response:
    """Everything the pipeline mints: https://w3id.org/policykg/id/…"""
    return _resource(resource_iri("id", rest))


@pages_bp.route("/ontology/term/<name>")
def term(name: str) -> Response:
    """One term of the ontology: https://w3id.org/policykg/ontology#name."""
    iri = term_iri(name)
    media_type = _media_type()
    if media_type != HTML:
        return _resource(iri)
    if not is_safe_iri(iri):
        return _not_found(iri, media_type)
    page = build_page(engine(), iri, {}, _max_incoming())
    if page is None:
        return _not_found(iri, media_type)
    build_term(engine(), iri, page)
    return _html_response(page.template, page=page)


@pages_bp.route("/ontology")
def ontology() -> Response:
    """The ontology: its overview page, or the whole ontology graph for RDF clients."""
    media_type = _media_type()
    if media_type != HTML:
        return _named_graph_response(ONTOLOGY_GRAPH, media_type)
    page = build_page(engine(), ONTOLOGY_IRI, {}, _max_incoming()) or Page(
        template="ontology.html", iri=ONTOLOGY_IRI, title="policykg ontology", types=[]
    )
    build_ontology(engine(), page)
    return _html_response(page.template, page=page)


@pages_bp.route("/graph/<path:rest>")
def graph(rest: str) -> Response:
    """A named graph: a page about it, or all its triples for RDF clients."""
    iri = resource_iri("graph", rest)
    media_type = _media_type()
    if iri not in engine().graph_set:
        return _not_found(iri, media_type)
    if media_type != HTML:
        return _named_graph_response(iri, media_type)
    page = Page(template="graph.html", iri=iri, title=iri, types=[])
    build_graph(engine(), iri, page)
    return _html_response(page.template, page=page)


@pages_bp.route("/")
def landing() -> Response:
    """What the graph is, its counts and documents, downloads, where to go next."""
    page = Page(template="landing.html", iri="", title="policykg", types=[])
    build_landing(engine(), page)
    response = Response(
        render_template("landing.html", page=page), content_type="text/html; charset=utf-8"
    )
    return response


@pages_bp.route("/query")
def query_page() -> Response:
    """YASGUI on /sparql, with the example queries."""
    listed = [{"name": e.name, "question": e.question, "query": e.query} for e in examples()]
    # the editor opens with the first example (cq01: the documents of the dataset)
    first_query = listed[0]["query"] if listed else ""
    return Response(
        render_template(
            "query.html",
            examples=listed,
            prefixes=PREFIXES,
            initial=request.args.get("query", ""),
            initial_query=first_query,
            links={
                "base": links().base_iri,
                "root": links().root,
                "terms": str(PKG),
                "ontology": ONTOLOGY_IRI,
            },
            page=None,
        ),
        content_type="text/html; charset=utf-8",
    )


@pages_bp.route("/context.jsonld")
def context() -> Response:
    """The JSON-LD context every JSON-LD description names (the policykg prefixes)."""
    body = json.dumps(jsonld_context(), ensure_ascii=False, indent=1)
    response = Response(body, content_type="application/ld+json")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@pages_bp.route("/query/prefixes.json")
def prefixes() -> Response:
    """The graph's prefixes, for the editor's prefix completion (instead of prefix.cc)."""
    return jsonify(PREFIXES)


@pages_bp.app_context_processor
def site_root() -> dict[str, str]:
    """Every template's `root`: the path of PUBLIC_URL, where this site's pages are."""
    return {"root": links().root}


@pages_bp.app_template_filter("iri_href")
def iri_href_filter(iri: str) -> str:
    """Template filter: where a link to an IRI points ('' for schemes never followed)."""
    return link(iri).href


@pages_bp.app_template_filter("qname")
def qname_filter(iri: str) -> str:
    """Template filter: an IRI's prefixed name."""
    return qname(iri)


@pages_bp.app_template_filter("last_segment")
def last_segment_filter(iri: str) -> str:
    """Template filter: the last path segment of an IRI (quantity/2 → 2; no '/': the IRI)."""
    return iri.rstrip("/").rsplit("/", 1)[-1]
