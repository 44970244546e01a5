"""`policykg serve`: build or load the graph, validate it, and serve it.

The same app factory as production (server/wsgi.py). The graph is loaded once in the
serving process and shared copy-on-write by the worker processes forked from it (two by
default; gunicorn calls this `--preload`). Two HTTP fronts run the same WSGI app:

- granian (the default): HTTP/1.1 parsed in Rust, keep-alive connections, one request
  thread per worker. About 1.8× gunicorn's requests per second on the competency
  questions (benchmarks/results/http.md).
- gunicorn, sync workers: one connection per request; its --timeout kills a worker that
  overruns, a second backstop behind the query deadline of server/executor.py.

Either way a query's deadline is enforced by the evaluation child (a clean 503), not by
the front.
"""

from __future__ import annotations

import math
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from policykg.graph.errors import InputError, NotConforming

from .app import create_app
from .config import Config
from .engine import ENGINES

# Seconds gunicorn gives a sync worker beyond the longest request timeout of the Config,
# so that the service's own deadline (a clean 503) always fires before gunicorn kills
# the worker (a reset connection).
GUNICORN_MARGIN = 10.0


def gunicorn_timeout(config: Config) -> int:
    """gunicorn's --timeout for a Config: max(query, validate timeout) + the margin."""
    return math.ceil(max(config.query_timeout, config.validate_timeout) + GUNICORN_MARGIN)


class _Gunicorn(BaseApplication):
    """gunicorn running an app object that already holds the graph."""

    def __init__(self, app: Flask, options: dict[str, Any]) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


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


def load_checked_dataset(data: Path | None, allow_nonconforming: bool, say: Callable[[str], None]):
    """The dataset to serve: built (bundled corpus) or loaded, and validated."""
    from policykg.shapes.validate import load_input, validate_dataset

    if data is None:
        say("building the bundled corpus …")
    else:
        say(f"loading {data} …")
    dataset = load_input([data] if data else None)
    say("validating with the SHACL shapes …")
    result = validate_dataset(dataset)
    if not result.conforms:
        violations = len(result.by_severity("Violation"))
        if not allow_nonconforming:
            raise NotConforming(
                f"the graph does not conform to the shapes ({violations} violations)",
                hint="run `policykg validate` for the report, or serve it anyway with "
                "--allow-nonconforming",
            )
        say(f"serving a graph with {violations} violations (--allow-nonconforming)")
    return dataset


def run_gunicorn(app: Flask, host: str, port: int, workers: int) -> None:
    """Serve `app` with gunicorn's sync workers, forked from this process."""
    settings: Config = app.extensions["policykg"].config
    _Gunicorn(
        app,
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "timeout": gunicorn_timeout(settings),
            "worker_class": "sync",
            "accesslog": None,
        },
    ).run()


def run_granian(app: Flask, host: str, port: int, workers: int) -> None:
    """Serve `app` with granian's WSGI interface; its workers are forked from this process.

    One request thread per worker, as with sync workers: the thread waits for the
    evaluation child, and more threads would only contend for the GIL.
    """
    from granian import Granian
    from granian.constants import Interfaces

    server = Granian(
        "policykg.server.wsgi:app",
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=workers,
        blocking_threads=1,
        websockets=False,
        respawn_failed_workers=True,
        workers_kill_timeout=5,
    )
    # the target string is only a label: the loader hands over the app already built here
    server.serve(target_loader=lambda _target: app)


# the HTTP servers `policykg serve --front` offers
FRONTS: dict[str, Callable[[Flask, str, int, int], None]] = {
    "granian": run_granian,
    "gunicorn": run_gunicorn,
}


def serve(
    data: Path | None = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    engine: str | None = None,
    allow_nonconforming: bool = False,
    progress: Callable[[str], None] | None = None,
    workers: int = 2,
    front: str = "granian",
) -> None:
    """Build or load, validate, then serve until interrupted."""
    say = progress or (lambda _m: None)
    check_address_free(host, port)
    dataset = load_checked_dataset(data, allow_nonconforming, say)
    config = {"ENGINE": engine} if engine else {}
    name = engine or "oxigraph"
    app = create_app(config, engine=ENGINES[name].from_dataset(dataset))
    say(
        f"policykg is serving at http://{host}:{port}/  (SPARQL endpoint "
        f"http://{host}:{port}/sparql, query page http://{host}:{port}/query)"
    )
    FRONTS[front](app, host, port, workers)
