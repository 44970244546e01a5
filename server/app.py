"""The Flask application factory: configuration, engine, blueprints, one error shape.

`create_app(config)` does everything; importing this module does nothing. The engine
is loaded once per app (with gunicorn --preload, once in the master, then shared
copy-on-write by the workers) and stored on `app.extensions["policykg"]` as a
`Service` with `.engine`, `.config`, `.runner` and `.answers` (server/answers.py).

Errors: every policykg exception maps to its `http_status` here and nowhere else
(400 malformed, 403 refused, 404, 405 with Allow, 406 with the acceptable types, 413,
415, 503 with Retry-After on timeout); a real fault is logged and answered 500. Error
bodies are plain text, or JSON when the client prefers application/json.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from policykg.graph.errors import PolicyKGError

from .answers import AnswerCache
from .config import DEFAULTS, Config
from .engine import Engine, open_engine
from .executor import QueryRunner

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "Content-Type, Content-Length, Retry-After, Allow, "
    "X-Policykg-Cache, X-Policykg-Conforms, Link, "
    "Content-Location",
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
    runner: QueryRunner
    answers: AnswerCache
    cache: dict[str, Any] = field(default_factory=dict)


def create_app(config: Mapping[str, Any] | None = None, engine: Engine | None = None) -> Flask:
    """A configured policykg app: defaults, then POLICYKG_* env vars, then `config`.

    `engine` lets a caller (the CLI's serve, tests) hand over an engine it already built.
    """
    app = Flask(__name__, instance_path=os.path.abspath("instance"))
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("POLICYKG")
    if config:
        app.config.update(config)
    settings = Config.from_mapping(app.config)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_content_length
    if engine is None:
        engine = open_engine(settings.engine, settings.data, settings.base_iri)
    else:
        engine.base_iri = settings.base_iri  # the Config is the one place of configuration
    engine.stats()  # counted once here, so that gunicorn workers inherit it (--preload)
    runner = QueryRunner(
        engine, settings.query_timeout, settings.max_result_bytes, settings.query_workers
    )
    app.extensions["policykg"] = Service(
        engine=engine,
        config=settings,
        runner=runner,
        answers=AnswerCache(settings.answer_cache_bytes),
    )
    _register_blueprints(app)
    _register_errors(app)
    app.after_request(_cors)
    return app


def _register_blueprints(app: Flask) -> None:
    from .pages import pages_bp
    from .sparql import sparql_bp
    from .validate_api import validate_bp

    app.register_blueprint(sparql_bp)
    app.register_blueprint(validate_bp)
    app.register_blueprint(pages_bp)


def _cors(response: Response) -> Response:
    """Let browser tools on any origin read the (public, read-only) answers."""
    response.headers.update(CORS_HEADERS)
    if request.method == "OPTIONS":
        response.headers.update(PREFLIGHT_HEADERS)
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
    500: "Internal Server Error",
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
        extra = {"acceptable": exc.acceptable} if hasattr(exc, "acceptable") else None
        if status >= 500:
            app.logger.error("%s on %s %s: %s", status, request.method, request.path, exc)
        response = error_response(
            status, _TITLES.get(status, "Error"), exc.message, exc.hint, extra
        )
        if status == 503:
            response.headers["Retry-After"] = _retry_after(app)
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
