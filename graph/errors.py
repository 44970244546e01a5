"""The exception hierarchy of policykg, mapped once to exit codes (CLI) and HTTP codes."""

from __future__ import annotations


class PolicyKGError(Exception):
    """Base class: a problem policykg can explain to its user."""

    exit_code = 2
    http_status = 400

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n  {self.hint}" if self.hint else self.message


class InputError(PolicyKGError):
    """The input (a file, a query, an upload) cannot be used as given."""


class SourceFileError(InputError):
    """A text file that is missing, empty, undecodable or not a policy document."""


class RDFSyntaxError(InputError):
    """An RDF file or upload that does not parse; carries line and column when known."""

    def __init__(
        self,
        message: str,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
    ) -> None:
        where = f" (line {line}, column {column})" if line is not None else ""
        super().__init__(message + where, hint)
        self.line = line
        self.column = column


class QueryError(InputError):
    """A SPARQL query that is malformed or refused before evaluation."""


class QueryRefused(QueryError):
    """A query asking for something this service never does (SERVICE, LOAD, outside FROM)."""

    http_status = 403


class QueryTimeout(PolicyKGError):
    """A query still running at the configured timeout."""

    exit_code = 3
    http_status = 503


class NotConforming(PolicyKGError):
    """A graph that does not conform to the shapes (exit 1)."""

    exit_code = 1
    http_status = 422
