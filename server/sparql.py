"""The SPARQL 1.1 Protocol, query operation only, plus the service description and downloads.

/sparql accepts GET ?query=, POST application/x-www-form-urlencoded and POST
application/sparql-query. default-graph-uri / named-graph-uri select local graphs
(never fetched). Updates are not offered (400). Every query passes the guard before
evaluation. An answer in the answer cache is sent at once; any other query passes
admission (server/admission.py: a bounded queue, a budget per client) and is evaluated
by the QueryRunner under a deadline that counts from the request's arrival. A bare GET
returns the Service Description (also at /.well-known/void), written for PUBLIC_URL.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from flask import Blueprint, Response, current_app, g, jsonify, request
from werkzeug.datastructures import MultiDict

from policykg.graph.errors import InputError, NotFound, UnsupportedMediaType

from .admission import client_address
from .executor import QueryJob
from .guard import check_graphs
from .negotiation import GRAPH, content_type, negotiate, offer_for
from .service_description import DUMPS, description_body

if TYPE_CHECKING:
    from .app import Service

sparql_bp = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
# form bodies up to this size are decoded once and remembered (256 of them at most)
MAX_REMEMBERED_FORM_BYTES = 8192


def service() -> Service:
    """The running service's state (engine, config, runner) stored by create_app."""
    state: Service = current_app.extensions["policykg"]
    return state


def _decode(data: bytes, what: str) -> str:
    """UTF-8 text, or a 400 naming the first bad byte."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{what} is not valid UTF-8 (byte {exc.start})") from None
    return text.removeprefix("\ufeff")


def _decode_pairs(data: bytes, what: str) -> tuple[tuple[str, str], ...]:
    """application/x-www-form-urlencoded pairs, strictly UTF-8."""
    try:
        return tuple(parse_qsl(_decode(data, what), keep_blank_values=True, errors="strict"))
    except UnicodeDecodeError:
        raise InputError(f"{what} holds percent-escapes that are not valid UTF-8") from None


_remembered_pairs = functools.lru_cache(maxsize=256)(_decode_pairs)


def _parse_pairs(data: bytes, what: str) -> tuple[tuple[str, str], ...]:
    """The pairs of a form body or query string; a small one repeated (a client polling,
    the query page's examples) is percent-decoded once, which is a third of the time of
    a request answered from the answer cache."""
    if len(data) <= MAX_REMEMBERED_FORM_BYTES:
        return _remembered_pairs(data, what)
    return _decode_pairs(data, what)


def _check_charset() -> None:
    charset = request.mimetype_params.get("charset")
    if charset and charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise UnsupportedMediaType(f"charset {charset} is not accepted; send UTF-8")


def _protocol_params() -> MultiDict[str, str]:
    """All protocol parameters of the request (URL and body), checked against the spec."""
    params = MultiDict(_parse_pairs(request.query_string, "the URL query string"))
    body = request.get_data(cache=True)
    if request.method == "GET":
        if body:
            raise InputError("a GET request to /sparql must not have a body")
        return params
    mimetype = request.mimetype
    if mimetype == FORM:
        _check_charset()
        params.update(MultiDict(_parse_pairs(body, "the form body")))
    elif mimetype == DIRECT:
        _check_charset()
        params.add("query", _decode(body, "the query"))
    elif mimetype == UPDATE:
        raise InputError("SPARQL Update is not offered by this service (read-only)")
    elif not mimetype:
        raise UnsupportedMediaType(f"a POST to /sparql needs Content-Type {FORM} or {DIRECT}")
    else:
        raise UnsupportedMediaType(
            f"Content-Type {mimetype} is not accepted; use {FORM} or {DIRECT}"
        )
    return params


@sparql_bp.route("/sparql", methods=["GET", "POST"])
@sparql_bp.route("/sparql/", methods=["GET", "POST"])
def sparql() -> Response:
    """Answer one SPARQL query (or describe the service when there is none)."""
    params = _protocol_params()
    if "update" in params:
        raise InputError("SPARQL Update is not offered by this service (read-only)")
    queries = params.getlist("query")
    if len(queries) > 1:
        raise InputError("more than one query parameter")
    if not queries:
        if request.method == "POST":
            raise InputError("no query in the request")
        return service_description()
    state = service()
    config, engine = state.config, state.engine
    info = engine.inspect(
        queries[0],
        max_depth=config.max_nesting_depth,
        max_length=config.max_query_length,
        max_chain=config.max_chain,
    )
    media_type = negotiate(
        offer_for(info.form), request.headers.get("Accept"), params.get("format")
    )
    job = QueryJob(
        sparql=queries[0],
        media_type=media_type,
        info=info,
        default_graphs=params.getlist("default-graph-uri"),
        named_graphs=params.getlist("named-graph-uri"),
    )
    check_graphs(job.default_graphs + job.named_graphs, engine.graph_set, "the protocol dataset")
    answer = state.answers.get(job)
    hit = answer is not None
    if answer is None:
        with state.queries.admit(client_address()):
            answer = state.runner.run(job, deadline=g.arrival + config.query_timeout)
        state.answers.put(job, answer)
    response = Response(answer.body, content_type=content_type(answer.media_type))
    response.headers["X-Policykg-Cache"] = "hit" if hit else "miss"
    response.vary.add("Accept")
    return response


@sparql_bp.route("/.well-known/void")
def service_description() -> Response:
    """The Service Description with the VoID description of the dataset, for PUBLIC_URL
    (never for the Host header the client sent)."""
    media_type = negotiate(GRAPH, request.headers.get("Accept"), request.args.get("format"))
    state = service()
    cache = state.cache.setdefault("description", {})
    body = cache.get(media_type)
    if body is None:
        root = state.config.public_url
        body = description_body(state.engine, root, media_type)
        cache[media_type] = body
    response = Response(body, content_type=content_type(media_type))
    response.vary.add("Accept")
    return response


@sparql_bp.route("/healthz")
def healthz() -> Response:
    """Liveness and a few facts, as JSON."""
    state = service()
    return jsonify(
        status="ok",
        engine=state.engine.name,
        triples=state.engine.stats().triples,
        graphs=len(state.engine.graph_set),
    )


@sparql_bp.route("/download/<name>")
def download(name: str) -> Response:
    """The whole dataset (N-Quads, TriG, JSON-LD), the ontology or the shapes."""
    state = service()
    if name in DUMPS:
        cache = state.cache.setdefault("dumps", {})
        if name not in cache:
            cache[name] = state.engine.dump(DUMPS[name])
        body, media_type = cache[name], DUMPS[name]
    elif name == "ontology.ttl":
        body, media_type = _package_file("policykg.ontology", "policykg.ttl"), "text/turtle"
    elif name == "shapes.ttl":
        body, media_type = _package_file("policykg.shapes", "shapes.ttl"), "text/turtle"
    else:
        raise NotFound(f"no download called {name}")
    response = Response(body, content_type=content_type(media_type))
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return response


def _package_file(package: str, name: str) -> bytes:
    """A data file shipped in a package (package_data in setup.cfg)."""
    return (resources.files(package) / name).read_bytes()
