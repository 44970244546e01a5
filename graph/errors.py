"""Every exception policykg raises, each with its exit code (CLI) and HTTP status (server).

This is the only module that defines them: the CLI maps ``exit_code`` and the server's
error handler maps ``http_status``, nowhere else. Every error pickles whole (class,
message, hint and whatever else it carries), so that an evaluation child can send the
exception object itself back to the server process.

| error | exit | HTTP |
| --- | --- | --- |
| PolicyKGError, InputError, SourceFileError, RDFSyntaxError, QueryError, ConfigError | 2 | 400 |
| QueryRefused, ResultTooLarge | 2 | 403 |
| NotFound | 2 | 404 |
| NotAcceptable | 2 | 406 |
| PayloadTooLarge | 2 | 413 |
| UnsupportedMediaType | 2 | 415 |
| NotConforming | 1 | 422 |
| TooManyRequests | 2 | 429 |
| EngineCrashed, OwlCheckError | 2 | 500 |
| RemoteError (the external store of push / serve --upstream refused or is unreachable) | 2 | 502 |
| QueryTimeout, ServiceBusy | 3 | 503 |

Exit code 1 means "does not conform" and belongs to NotConforming alone.

Two further exceptions are signals between modules that are never shown as they are:
:class:`DeclarationRefused` (the XML reader to the RDF loader) and
:class:`SandboxUnavailable` (seccomp to the code that reports it).
"""

from __future__ import annotations

from typing import Any


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

    def details(self) -> dict[str, Any]:
        """What an error answer says besides the message and the hint (JSON fields)."""
        return {}

    def __reduce__(self) -> tuple[Any, ...]:
        # the state is the instance's attributes: subclasses need not take their
        # attributes back as constructor arguments
        return (_restore, (type(self), dict(self.__dict__)))


def _restore(cls: type[PolicyKGError], state: dict[str, Any]) -> PolicyKGError:
    """An unpickled error: its class with its attributes, no constructor run."""
    error = cls.__new__(cls)
    error.__dict__.update(state)
    error.args = (state.get("message", ""),)
    return error


# -- bad input: exit 2, 400 ------------------------------------------------------------------


class InputError(PolicyKGError):
    """The input (a file, a query, an upload, an option) cannot be used as given."""


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


class ConfigError(InputError):
    """A configuration value that cannot be used (reported at start-up)."""


# -- refused: 403 ----------------------------------------------------------------------------


class QueryRefused(QueryError):
    """A query asking for something this service never does (SERVICE, LOAD, outside FROM)."""

    http_status = 403


class ResultTooLarge(QueryRefused):
    """An answer larger than the configured cap."""


# -- what a request asks for: 404, 406, 413, 415 ---------------------------------------------


class NotFound(PolicyKGError):
    """Nothing here: an unknown download, an IRI the graph says nothing about (404)."""

    http_status = 404


class NotAcceptable(PolicyKGError):
    """An Accept header or format= value that no available media type meets (406)."""

    http_status = 406

    def __init__(self, message: str, acceptable: list[str]) -> None:
        super().__init__(message, hint="acceptable: " + ", ".join(acceptable))
        self.acceptable = acceptable

    def details(self) -> dict[str, Any]:
        return {"acceptable": self.acceptable}


class PayloadTooLarge(PolicyKGError):
    """A request body over the configured cap (413)."""

    http_status = 413


class UnsupportedMediaType(PolicyKGError):
    """A request body whose Content-Type or charset the service does not take (415)."""

    http_status = 415


# -- verdicts and load ------------------------------------------------------------------------


class NotConforming(PolicyKGError):
    """A graph that does not conform to the shapes (exit 1)."""

    exit_code = 1
    http_status = 422


class TooManyRequests(PolicyKGError):
    """The client already has as many requests in flight as it may (429 + Retry-After)."""

    http_status = 429


class QueryTimeout(PolicyKGError):
    """A query (or a validation) still running at its time limit (503 + Retry-After)."""

    exit_code = 3
    http_status = 503


class ServiceBusy(PolicyKGError):
    """Every evaluation slot and every place in the queue is taken (503 + Retry-After)."""

    exit_code = 3
    http_status = 503


# -- faults: 500 ------------------------------------------------------------------------------


class EngineCrashed(PolicyKGError):
    """The evaluation child failed or died while answering (a fault, logged; 500)."""

    http_status = 500


class OwlCheckError(PolicyKGError):
    """The OWL reasoner could not be run (no Java, a Java error, its time limit)."""

    http_status = 500


# -- signals between modules ------------------------------------------------------------------


class DeclarationRefused(ValueError):
    """An XML document with a DOCTYPE, an entity declaration or an external entity.

    Raised inside rdflib's XML parsers, which do not know the file's name; the RDF
    loader turns it into an :class:`RDFSyntaxError` naming the file.
    """

    def __init__(self, what: str, line: int, column: int) -> None:
        super().__init__(f"{what} at line {line}, column {column}")
        self.what, self.line, self.column = what, line, column


class SandboxUnavailable(RuntimeError):
    """seccomp cannot be used on this system (the reason is the message)."""


# -- the external store: exit 2, 502 --------------------------------------------------------


class RemoteError(InputError):
    """The external store (`push`, `serve --upstream`) refused a request or is unreachable."""

    http_status = 502
