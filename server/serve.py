"""`policykg serve`: build or load the graph, validate it, and serve it.

The same app factory as production (server/wsgi.py). The graph is loaded once in the
serving process and shared copy-on-write by the worker processes forked from it (two by
default). The HTTP front is granian: HTTP/1.1 parsed in Rust, keep-alive connections,
headers read asynchronously (20 connections that send their headers a byte at a time
do not hold a request thread; gunicorn's workers are held by each one, so gunicorn is
only documented behind a buffering proxy), and enough request threads per worker for
every query in flight plus spare ones for what never waits (Config.request_threads).
A query's deadline is enforced by the evaluation child (a clean 503), not by the front.
"""

from __future__ import annotations

import logging
import math
import os
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask

from policykg.graph.errors import InputError

from .app import create_app
from .config import ENV_PREFIX, Config
from .dataset import checked_dataset, checked_store
from .engine import OxigraphEngine, upstream_engine

# Seconds gunicorn gives a sync worker beyond the longest request timeout of the Config,
# in the documented gunicorn command (behind a buffering proxy), so that the service's own
# deadline (a clean 503) always fires before gunicorn kills the worker.
GUNICORN_MARGIN = 10.0


def gunicorn_timeout(config: Config) -> int:
    """gunicorn's --timeout for a Config: max(query, validate timeout) + the margin."""
    return math.ceil(max(config.query_timeout, config.validate_timeout) + GUNICORN_MARGIN)


def check_address_free(host: str, port: int) -> None:
    """InputError unless (host, port) can be listened on now: said before the graph is
    built, not after."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise InputError(
            f"cannot resolve the host {host!r}: {exc.strerror}",
            hint="use an address such as 127.0.0.1",
        ) from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise InputError(
                f"cannot listen on {host}:{port}: {exc.strerror}",
                hint="choose another port with --port, or stop what uses it",
            ) from None


class DeliberateThreadCount(logging.Filter):
    """Drops granian's warning that ``threads`` request threads are many for the CPU count
    (it suggests its backpressure instead), and only that warning: the count is deliberate,
    because a request thread waiting for an evaluation child costs nothing and admission
    already bounds the queries evaluated at once (Config.request_threads)."""

    def __init__(self, threads: int) -> None:
        super().__init__()
        self._warning = f"Configuration allows spawning up to {threads} Python threads,"

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(self._warning)


def run_granian(app: Flask, host: str, port: int, workers: int) -> None:
    """Serve `app` with granian's WSGI interface; its workers are forked from this process.

    Each worker has the request threads its Config asks for: a thread waiting for an
    evaluation child costs nothing but a place in admission's bounded queue.
    """
    from granian import Granian
    from granian.constants import Interfaces
    from granian.log import logger as granian_logger

    settings: Config = app.extensions["policykg"].config
    server = Granian(
        "policykg.server.wsgi:app",
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=workers,
        blocking_threads=settings.request_threads,
        websockets=False,
        respawn_failed_workers=True,
        workers_kill_timeout=5,
    )
    # granian sets up its logging when it is made: the filter goes on after that
    granian_logger.addFilter(DeliberateThreadCount(settings.request_threads))
    # the target string is only a label: the loader hands over the app already built here
    server.serve(target_loader=lambda _target: app)


# the HTTP servers `policykg serve --front` offers
FRONTS: dict[str, Callable[[Flask, str, int, int], None]] = {
    "granian": run_granian,
}


def _url_host(host: str) -> str:
    """A host as written in a URL (IPv6 addresses in brackets)."""
    return f"[{host}]" if ":" in host else host


def serve(
    data: Path | None = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    engine: str | None = None,
    allow_nonconforming: bool = False,
    progress: Callable[[str], None] | None = None,
    workers: int = 2,
    front: str = "granian",
    store: Path | None = None,
    upstream: tuple[str, dict[str, str]] | None = None,
) -> None:
    """Build or load, validate, then serve until interrupted. With ``store``, the on-disk
    store is served (its changed graphs validated first) and nothing is loaded; with
    ``upstream`` (URL, headers), that SPARQL endpoint answers (what it holds is validated
    where it was built: nothing is validated here)."""
    say = progress or (lambda _m: None)
    check_address_free(host, port)
    config: dict[str, Any] = {}
    if not os.environ.get(f"{ENV_PREFIX}PUBLIC_URL"):
        # behind a proxy or a w3id redirect the operator's POLICYKG_PUBLIC_URL holds
        config["PUBLIC_URL"] = f"http://{_url_host(host)}:{port}/"
    if engine:
        config["ENGINE"] = engine
    if upstream is not None:
        url, headers = upstream
        say(f"answering queries with {url} …")
        settings = Config.from_sources(config)
        remote = upstream_engine(url, headers, settings.query_timeout, settings.base_iri)
        app = create_app(config, engine=remote)
    elif store is not None:
        checked_store(store, allow_nonconforming, say)
        config["STORE"] = str(store)
        app = create_app(config, engine=OxigraphEngine.from_store(store))
    else:
        app = create_app(config, dataset=checked_dataset(data, allow_nonconforming, say))
    say(
        f"policykg is serving at http://{host}:{port}/  (SPARQL endpoint "
        f"http://{host}:{port}/sparql, query page http://{host}:{port}/query)"
    )
    FRONTS[front](app, host, port, workers)
