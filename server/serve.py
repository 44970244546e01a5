"""`policykg serve`: build or load the graph, validate it, and serve it under gunicorn.

The same app factory as production (server/wsgi.py); the graph is loaded once in the
gunicorn master and shared copy-on-write by two sync workers, as `--preload` does.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from policykg.graph.errors import NotConforming

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


def load_checked_dataset(data: Path | None, allow_nonconforming: bool,
                         say: Callable[[str], None]):
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
                     "--allow-nonconforming")
        say(f"serving a graph with {violations} violations (--allow-nonconforming)")
    return dataset


def serve(data: Path | None = None, host: str = "127.0.0.1", port: int = 8000,
          engine: str | None = None, allow_nonconforming: bool = False,
          progress: Callable[[str], None] | None = None, workers: int = 2) -> None:
    """Build or load, validate, then serve until interrupted."""
    say = progress or (lambda _m: None)
    dataset = load_checked_dataset(data, allow_nonconforming, say)
    config = {"ENGINE": engine} if engine else {}
    name = engine or "oxigraph"
    app = create_app(config, engine=ENGINES[name].from_dataset(dataset))
    settings: Config = app.extensions["policykg"].config
    say(f"policykg is serving at http://{host}:{port}/  (SPARQL endpoint "
        f"http://{host}:{port}/sparql, query page http://{host}:{port}/query)")
    _Gunicorn(app, {"bind": f"{host}:{port}", "workers": workers, "timeout": gunicorn_timeout(settings),
                    "worker_class": "sync", "accesslog": None}).run()
