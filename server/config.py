"""The server's configuration: one validated, frozen object, the only place of defaults.

The defaults are the field defaults of :class:`Config`. `POLICYKG_*` environment
variables override them (`POLICYKG_QUERY_TIMEOUT=5` sets `query_timeout`; a value is read
as JSON when it parses, so numbers, `true` and `null` work), and the mapping given to
`create_app` overrides those (tests; upper-case keys, as Flask's config). The values are
normalised and checked once, before the object is made; request handlers only read it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from policykg.graph.errors import ConfigError
from policykg.graph.namespaces import BASE
from policykg.graph.publishing import DEFAULT_LICENSE

from .engine import ENGINES

ENV_PREFIX = "POLICYKG_"
# Request threads per server process beyond those that may wait for an evaluation: they
# keep /healthz, the pages and cached answers answered while every evaluation slot is busy.
SPARE_THREADS = 4


@dataclass(frozen=True)
class Config:
    """Everything the server needs to know, checked once."""

    data: Path | None = None  # the RDF file to serve; None: build the bundled corpus
    store: Path | None = None  # an on-disk store to serve instead (policykg load / build)
    allow_nonconforming: bool = False  # serve DATA even when it does not conform
    engine: str = "oxigraph"
    query_timeout: float = 10.0  # seconds; a query still running then is killed: 503
    max_query_length: int = 100_000  # characters of query text
    max_content_length: int = 1024 * 1024  # bytes of any request body (413 beyond)
    max_nesting_depth: int = 64  # { ( [ levels in a query
    max_chain: int = 1000  # operators and pattern elements in a row (the engines nest them)
    max_result_bytes: int = 64 * 1024 * 1024  # serialised answer size; larger ones: 403
    max_incoming: int = 300  # links to a resource a page or a description shows at most
    query_workers: int = 4  # evaluation child processes per server process
    query_memory: int = 2 * 1024 * 1024 * 1024  # bytes an evaluation child may grow by
    query_queue: int = 8  # queries waiting for an evaluation child per process (503 beyond)
    client_queries: int = 2  # queries in flight per client address and process (429 beyond)
    validate_workers: int = 2  # /validate uploads checked at once per process (503 beyond)
    client_address_header: str | None = None  # e.g. X-Forwarded-For, set by a trusted proxy
    answer_cache_bytes: int = 32 * 1024 * 1024  # LRU of complete answers per process; 0 = off
    validate_timeout: float = 20.0  # seconds for one /validate request (serve.py: gunicorn's
    # --timeout must exceed it)
    base_iri: str = BASE  # the graph's IRIs under it are pages here; base of relative IRIs
    public_url: str = "http://127.0.0.1:8000/"  # where clients reach this service
    license: str = DEFAULT_LICENSE  # the served dataset's licence (an IRI): CC BY 4.0

    def __post_init__(self) -> None:
        self._check()

    @property
    def request_threads(self) -> int:
        """Request threads a server process needs: every query in flight, /validate uploads,
        and spare ones for what never waits (health, pages, cached answers)."""
        return self.query_workers + self.query_queue + self.validate_workers + SPARE_THREADS

    @property
    def root(self) -> str:
        """The path of PUBLIC_URL: where this service's pages are (ends with /)."""
        return urlsplit(self.public_url).path or "/"

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Config:
        """A checked Config from upper-case keys (Flask config style); unknown keys ignored."""
        given = {f.name: values[f.name.upper()] for f in fields(cls) if f.name.upper() in values}
        return cls(**_normalised(given))

    @classmethod
    def from_sources(
        cls, overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
    ) -> Config:
        """The defaults, then POLICYKG_* environment variables, then ``overrides``."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {
            key[len(ENV_PREFIX) :]: _env_value(text)
            for key, text in environ.items()
            if key.startswith(ENV_PREFIX)
        }
        values.update(overrides or {})
        return cls.from_mapping(values)

    def _check(self) -> None:
        """Raise ConfigError naming the first value that cannot be used."""
        if self.engine not in ENGINES:
            raise ConfigError(f"ENGINE must be one of {', '.join(ENGINES)}, not {self.engine!r}")
        if self.data is not None and not Path(self.data).is_file():
            raise ConfigError(f"DATA file not found: {self.data}")
        if self.store is not None and not (Path(self.store) / "CURRENT").is_file():
            raise ConfigError(f"STORE is not a policykg store folder: {self.store}")
        if self.store is not None and (self.data is not None or self.engine != "oxigraph"):
            raise ConfigError("STORE is served by the oxigraph engine alone, without DATA")
        for name in ("query_timeout", "validate_timeout"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
                raise ConfigError(f"{name.upper()} must be a positive number of seconds")
        for name in (
            "max_query_length",
            "max_content_length",
            "max_nesting_depth",
            "max_chain",
            "max_result_bytes",
            "max_incoming",
            "query_workers",
            "query_memory",
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
        if not isinstance(self.allow_nonconforming, bool):
            raise ConfigError("ALLOW_NONCONFORMING must be true or false")
        if not str(self.base_iri).startswith(("http://", "https://")):
            raise ConfigError("BASE_IRI must be an absolute http(s) IRI")
        if not str(self.license).startswith(("http://", "https://")):
            raise ConfigError(
                "LICENSE must be the IRI of a licence, e.g. https://creativecommons.org/licenses/by/4.0/"
            )
        if not str(self.public_url).startswith(("http://", "https://")):
            raise ConfigError(
                "PUBLIC_URL must be an absolute http(s) URL, e.g. https://example.org/"
            )


def _normalised(values: dict[str, Any]) -> dict[str, Any]:
    """Given values in the form the fields hold: DATA a Path, timeouts floats, PUBLIC_URL
    and BASE_IRI ending with /, a blank CLIENT_ADDRESS_HEADER none."""
    out = dict(values)
    for name in ("data", "store"):
        if out.get(name) is not None:
            out[name] = Path(out[name])
    for name in ("query_timeout", "validate_timeout"):
        value = out.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            out[name] = float(value)
    for name in ("public_url", "base_iri"):
        value = out.get(name)
        if isinstance(value, str) and not value.endswith("/"):
            out[name] = value + "/"
    header = out.get("client_address_header")
    if header is not None and not str(header).strip():
        out["client_address_header"] = None
    return out


def _env_value(text: str) -> Any:
    """An environment variable's value: JSON when it parses (5, 2.5, true, null), else text."""
    try:
        return json.loads(text)
    except ValueError:
        return text
