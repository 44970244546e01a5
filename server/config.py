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

from policykg.graph.errors import InputError

from .engine import ENGINES

DEFAULTS: dict[str, Any] = {
    "DATA": None,  # N-Quads/TriG/… file; None = build the bundled corpus
    "ENGINE": "oxigraph",
    "QUERY_TIMEOUT": 10.0,  # seconds; a query still running then is killed: 503
    "MAX_QUERY_LENGTH": 100_000,  # characters of query text
    "MAX_CONTENT_LENGTH": 1024 * 1024,  # bytes of any request body (Flask enforces: 413)
    "MAX_NESTING_DEPTH": 64,  # { ( [ levels in a query
    "MAX_RESULT_BYTES": 64 * 1024 * 1024,  # serialised result size; larger answers are refused
    "QUERY_WORKERS": 1,  # evaluation child processes per server process
    "ANSWER_CACHE_BYTES": 32 * 1024 * 1024,  # LRU of complete answers per process; 0 = off
    "VALIDATE_TIMEOUT": 20.0,  # seconds for one /validate request (see serve.py:
    # gunicorn's --timeout must exceed it)
    "BASE_IRI": "https://w3id.org/policykg/",
}


class ConfigError(InputError):
    """A configuration value that cannot be used (reported at start-up, exit code 2)."""


@dataclass(frozen=True)
class Config:
    """Everything the server needs to know, checked once."""

    data: Path | None = None
    engine: str = "oxigraph"
    query_timeout: float = 10.0
    max_query_length: int = 100_000
    max_content_length: int = 1024 * 1024
    max_nesting_depth: int = 64
    max_result_bytes: int = 64 * 1024 * 1024
    query_workers: int = 1
    answer_cache_bytes: int = 32 * 1024 * 1024
    validate_timeout: float = 20.0
    base_iri: str = "https://w3id.org/policykg/"

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
            "max_result_bytes",
            "query_workers",
        ):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigError(f"{name.upper()} must be a positive integer, not {value!r}")
        if not isinstance(self.answer_cache_bytes, int) or self.answer_cache_bytes < 0:
            raise ConfigError("ANSWER_CACHE_BYTES must be 0 (off) or a positive integer")
        if not self.base_iri.startswith(("http://", "https://")):
            raise ConfigError("BASE_IRI must be an absolute http(s) IRI")
