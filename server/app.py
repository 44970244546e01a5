"""The Flask application factory: configuration, engine, blueprints, one error shape.

`create_app(config)` does everything; importing this module does nothing. The dataset
is loaded and validated once per app (server/dataset.py, as `policykg serve` does; with
gunicorn --preload, once in the master, then shared copy-on-write by the workers) and
the engine over it stored on `app.extensions["policykg"]` as a `Service` with
`.engine`, `.config`, `.runner` and `.answers` (server/answers.py).

Errors: every policykg exception maps to its `http_status` here and nowhere else
(400 malformed, 403 refused, 404, 405 with Allow, 406 with the acceptable types, 413,
415, 429 and 503 with Retry-After); a real fault is logged and answered 500. Error
bodies are plain text, or JSON when the client prefers application/json.

Every answer carries CORS and security headers (a Content-Security-Policy that allows
only this service's own scripts, no framing, no MIME sniffing). Nothing is built from the
request's Host header: redirects are relative and descriptions use PUBLIC_URL. Every
answer also says which policykg release and which data answered it
(`X-Policykg-Version`, `X-Policykg-Dataset-Version`: the content digest, also the
dataset's dcat:version), so that a result can be cited.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from flask import Flask, Response, current_app, g, request
from werkzeug.exceptions import HTTPException

from policykg.graph.errors import PolicyKGError
from policykg.graph.pipeline import version

from .admission import Admission
from .answers import AnswerCache
from .bodies import BodyLimit, body_too_large
from .config import Config
from .dataset import checked_dataset, checked_store
from .engine import ENGINES, Engine, OxigraphEngine
from .executor import QueryRunner
from .linking import Links
from .sandbox import warn_if_unavailable

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "Content-Type, Content-Length, Retry-After, Allow, "
    "X-Policykg-Cache, X-Policykg-Conforms, X-Policykg-Version, X-Policykg-Dataset-Version, "
    "ETag, Link, Content-Location",
}
SECURITY_HEADERS = {
    # the pages and the query page use only this service's own scripts, styles and data;
    # YASGUI sets inline styles, so style attributes are allowed, scripts never inline
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Accept",
    "Access-Control-Max-Age": "86400",
}


@dataclass
class Service:
    """What the request handlers share: the engine, the validated config, the runner."""

    engine: Engine
    config: Config
    links: Links
    runner: QueryRunner
    answers: AnswerCache
    queries: Admission
    validations: Admission
    identity: dict[str, str] = field(default_factory=dict)  # the version headers
    cache: dict[str, Any] = field(default_factory=dict)


def create_app(
    config: Mapping[str, Any] | None = None,
    engine: Engine | None = None,
    dataset: Any = None,
) -> Flask:
    """A configured policykg app: defaults, then POLICYKG_* env vars, then `config`.

    The configured DATA (or the bundled corpus) is loaded and validated; a caller that has
    done so already hands over the `dataset` (the CLI's serve), or an `engine` (tests).
    """
    settings = Config.from_sources(config)
    app = Flask(__name__, instance_path=os.path.abspath("instance"))
    app.config.update(config or {})  # Flask's own settings (TESTING …)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_content_length
    if engine is None and settings.store is not None:
        checked_store(settings.store, settings.allow_nonconforming, app.logger.info)
        engine = OxigraphEngine.from_store(settings.store)
    if engine is None:
        if dataset is None:
            dataset = checked_dataset(settings.data, settings.allow_nonconforming, app.logger.info)
        engine = ENGINES[settings.engine].from_dataset(dataset)
    engine.base_iri = settings.base_iri  # the Config is the one place of configuration
    engine.stats()  # counted once here, so that gunicorn workers inherit it (--preload)
    identity = {"X-Policykg-Version": version(), "X-Policykg-Dataset-Version": engine.version}
    warn_if_unavailable()  # the evaluation children run in the network sandbox
    runner = QueryRunner(
        engine,
        settings.query_timeout,
        settings.max_result_bytes,
        settings.query_workers,
        settings.query_memory,
    )
    app.extensions["policykg"] = Service(
        engine=engine,
        config=settings,
        links=Links(settings.base_iri, settings.root),
        runner=runner,
        answers=AnswerCache(settings.answer_cache_bytes),
        queries=Admission(settings.query_workers + settings.query_queue, settings.client_queries),
        validations=Admission(settings.validate_workers, 1, what="validations"),
        identity=identity,
    )
    # Flask's documented way to wrap the app in WSGI middleware; mypy sees a method replaced
    app.wsgi_app = BodyLimit(app.wsgi_app, settings.max_content_length)  # type: ignore[method-assign]
    _register_blueprints(app)
    _register_errors(app)
    app.before_request(_arrived)
    app.after_request(_headers)
    return app


def _arrived() -> None:
    """Note when the request arrived (deadlines count from here); refuse a body over the cap."""
    g.arrival = time.monotonic()
    settings: Config = current_app.extensions["policykg"].config
    body_too_large(request.environ, settings.max_content_length)


def _register_blueprints(app: Flask) -> None:
    from .pages import pages_bp
    from .sparql import sparql_bp
    from .validate_api import validate_bp

    app.register_blueprint(sparql_bp)
    app.register_blueprint(validate_bp)
    app.register_blueprint(pages_bp)


def _headers(response: Response) -> Response:
    """CORS (browser tools on any origin may read the public, read-only answers) and the
    security headers, on every answer."""
    response.headers.update(CORS_HEADERS)
    response.headers.update(SECURITY_HEADERS)
    # which software and which data answered, so that an answer can be cited
    response.headers.update(current_app.extensions["policykg"].identity)
    if request.method == "OPTIONS":
        response.headers.update(PREFLIGHT_HEADERS)
    location = response.headers.get("Location")
    if location and urlsplit(location).netloc:
        # werkzeug's own redirects (merged slashes) name the host the client claimed
        parts = urlsplit(location)
        response.headers["Location"] = urlunsplit(("", "", parts.path, parts.query, ""))
    return response


def error_response(
    status: int,
    title: str,
    message: str,
    hint: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Response:
    """The one error shape: text/plain, or JSON when the client prefers it."""
    accept = request.accept_mimetypes
    if accept["application/json"] > accept["text/plain"]:
        body = {"status": status, "error": title, "message": message}
        if hint:
            body["hint"] = hint
        body.update(extra or {})
        response = Response(_json(body), status=status, content_type="application/json")
    else:
        text = f"{status} {title}: {message}\n" + (f"{hint}\n" if hint else "")
        response = Response(text, status=status, content_type="text/plain; charset=utf-8")
    return response


def _json(body: Mapping[str, Any]) -> str:
    import json

    return json.dumps(body, ensure_ascii=False)


_TITLES = {
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    413: "Payload Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


def _retry_after(app: Flask) -> str:
    """Whole seconds a client should wait: the timeout of what it asked for."""
    settings: Config = app.extensions["policykg"].config
    seconds = (
        settings.validate_timeout if request.blueprint == "validate" else settings.query_timeout
    )
    return str(math.ceil(seconds))


def _register_errors(app: Flask) -> None:
    @app.errorhandler(PolicyKGError)
    def policykg_error(exc: PolicyKGError) -> Response:
        status = exc.http_status
        if status >= 500:
            app.logger.error("%s on %s %s: %s", status, request.method, request.path, exc)
        response = error_response(
            status, _TITLES.get(status, "Error"), exc.message, exc.hint, exc.details()
        )
        if status in (429, 503):
            response.headers["Retry-After"] = _retry_after(app)
        if status == 413:  # the rest of the body may be unread: no next request here
            response.headers["Connection"] = "close"
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        response = error_response(exc.code or 500, exc.name, exc.description or exc.name)
        for name in ("Allow", "Retry-After"):
            value = exc.get_response().headers.get(name)
            if value:
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def fault(exc: Exception) -> Response:
        if isinstance(exc, HTTPException):
            return http_error(exc)
        app.logger.exception("unexpected fault on %s %s", request.method, request.path)
        return error_response(500, "Internal Server Error", "an unexpected fault; it was logged")
