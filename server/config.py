"""The server's configuration: one validated object built from defaults, env and overrides.

Order of precedence (design.md, practice 3): the defaults below, then `POLICYKG_*`
environment variables (read with Flask's `from_prefixed_env`, so `POLICYKG_QUERY_TIMEOUT=5`
sets `QUERY_TIMEOUT`), then the mapping passed to `create_app` (tests). The result is
validated once at start-up; request handlers only read the frozen `Config`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from policykg.graph.errors import ConfigError

from .engine import ENGINES

DEFAULTS: dict[str, Any] = {
    "DATA": None,  # N-Quads/TriG/… file; None = build the bundled corpus
    "ENGINE": "oxigraph",
    "QUERY_TIMEOUT": 10.0,  # seconds; a query still running then is killed: 503
    "MAX_QUERY_LENGTH": 100_000,  # characters of query text
    "MAX_CONTENT_LENGTH": 1024 * 1024,  # bytes of any request body (Flask enforces: 413)
    "MAX_NESTING_DEPTH": 64,  # { ( [ levels in a query
    "MAX_CHAIN": 1000,  # operators and pattern elements in a row (the engines nest them)
    "MAX_RESULT_BYTES": 64 * 1024 * 1024,  # serialised result size; larger answers are refused
    "QUERY_WORKERS": 4,  # evaluation child processes per server process
    "QUERY_QUEUE": 8,  # queries waiting for a free evaluation child per server process (503 beyond)
    "CLIENT_QUERIES": 2,  # queries in flight per client address per server process (429 beyond)
    "VALIDATE_WORKERS": 2,  # /validate uploads checked at once per server process (503 beyond)
    "CLIENT_ADDRESS_HEADER": None,  # e.g. X-Forwarded-For, set by a trusted proxy; off by default
    "ANSWER_CACHE_BYTES": 32 * 1024 * 1024,  # LRU of complete answers per process; 0 = off
    "VALIDATE_TIMEOUT": 20.0,  # seconds for one /validate request (see serve.py:
    # gunicorn's --timeout must exceed it)
    "BASE_IRI": "https://w3id.org/policykg/",
    "PUBLIC_URL": "http://127.0.0.1:8000/",  # where clients reach this service (descriptions)
}
# Request threads per server process beyond those that may wait for an evaluation: they
# keep /healthz, the pages and cached answers answered while every evaluation slot is busy.
SPARE_THREADS = 4


@dataclass(frozen=True)
class Config:
    """Everything the server needs to know, checked once."""

    data: Path | None = None
    engine: str = "oxigraph"
    query_timeout: float = 10.0
    max_query_length: int = 100_000
    max_content_length: int = 1024 * 1024
    max_nesting_depth: int = 64
    max_chain: int = 1000
    max_result_bytes: int = 64 * 1024 * 1024
    query_workers: int = 4
    query_queue: int = 8
    client_queries: int = 2
    validate_workers: int = 2
    client_address_header: str | None = None
    answer_cache_bytes: int = 32 * 1024 * 1024
    validate_timeout: float = 20.0
    base_iri: str = "https://w3id.org/policykg/"
    public_url: str = "http://127.0.0.1:8000/"

    @property
    def request_threads(self) -> int:
        """Request threads a server process needs: every query in flight, /validate uploads,
        and spare ones for what never waits (health, pages, cached answers)."""
        return self.query_workers + self.query_queue + self.validate_workers + SPARE_THREADS

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Config:
        """A validated Config from upper-case keys (Flask config style); unknown keys ignored."""
        kwargs: dict[str, Any] = {}
        for f in fields(cls):
            key = f.name.upper()
            if key in values:
                kwargs[f.name] = values[key]
        config = cls(**kwargs)
        config.validate()
        return config

    def validate(self) -> None:
        """Raise ConfigError naming the first value that cannot be used."""
        if self.engine not in ENGINES:
            raise ConfigError(f"ENGINE must be one of {', '.join(ENGINES)}, not {self.engine!r}")
        if self.data is not None:
            object.__setattr__(self, "data", Path(self.data))
            if not self.data.is_file():
                raise ConfigError(f"DATA file not found: {self.data}")
        for name in ("query_timeout", "validate_timeout"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or value <= 0:
                raise ConfigError(f"{name.upper()} must be a positive number of seconds")
            object.__setattr__(self, name, float(value))
        for name in (
            "max_query_length",
            "max_content_length",
            "max_nesting_depth",
            "max_chain",
            "max_result_bytes",
            "query_workers",
            "client_queries",
            "validate_workers",
        ):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigError(f"{name.upper()} must be a positive integer, not {value!r}")
        for name in ("answer_cache_bytes", "query_queue"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ConfigError(f"{name.upper()} must be 0 or a positive integer, not {value!r}")
        if not self.base_iri.startswith(("http://", "https://")):
            raise ConfigError("BASE_IRI must be an absolute http(s) IRI")
        if not self.public_url.startswith(("http://", "https://")):
            raise ConfigError(
                "PUBLIC_URL must be an absolute http(s) URL, e.g. https://example.org/"
            )
        if not self.public_url.endswith("/"):
            object.__setattr__(self, "public_url", self.public_url + "/")
        if self.client_address_header is not None and not str(self.client_address_header).strip():
            object.__setattr__(self, "client_address_header", None)
