"""Request bodies read in full, up to the cap, before the app sees them, however they are sent.

A cap that trusts Content-Length does not hold for a chunked body, which has none: the
app would read the first megabyte and judge it as if it were the whole upload. So this
WSGI middleware reads every body itself, counting the bytes actually read:

- a body within MAX_CONTENT_LENGTH is handed to the app as a plain, complete body (the
  chunked framing gone, Content-Length set to what was read);
- a larger one is not handed over at all: the app answers 413 naming the limit
  (`body_too_large`). The rest of the body is read and dropped first, up to
  DRAIN_BYTES, so that a client still sending it sees the 413 and not a reset connection;
  past that the connection is closed after the answer.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any

from policykg.graph.errors import PayloadTooLarge

DRAIN_BYTES = 64 * 1024 * 1024  # read and dropped at most, to answer 413 cleanly
_CHUNK = 64 * 1024
_TOO_LARGE = "policykg.body_too_large"


def _declared_length(environ: dict[str, Any]) -> int | None:
    """Content-Length as sent, or None (absent, or not a number)."""
    try:
        return int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None


def _read_at_most(stream: Any, size: int) -> bytes:
    """Up to `size` bytes of the stream (fewer at its end)."""
    parts, remaining = [], size
    while remaining > 0:
        chunk = stream.read(min(_CHUNK, remaining))
        if not chunk:
            break
        parts.append(chunk)
        remaining -= len(chunk)
    return b"".join(parts)


def _drain(stream: Any, size: int) -> None:
    """Read and drop up to `size` bytes."""
    while size > 0:
        chunk = stream.read(min(_CHUNK, size))
        if not chunk:
            return
        size -= len(chunk)


class BodyLimit:
    """WSGI middleware: the body read whole up to `max_bytes`, or marked too large."""

    def __init__(self, app: Callable[..., Iterable[bytes]], max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        declared = _declared_length(environ)
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if declared or chunked:
            stream = environ["wsgi.input"]
            wanted = self.max_bytes + 1 if declared is None else min(declared, self.max_bytes + 1)
            body = _read_at_most(stream, wanted)
            if len(body) > self.max_bytes or (declared is not None and declared > self.max_bytes):
                environ[_TOO_LARGE] = True
                if declared is None or declared <= DRAIN_BYTES:
                    _drain(stream, DRAIN_BYTES if declared is None else declared - len(body))
                body = b""
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
            environ.pop("HTTP_TRANSFER_ENCODING", None)
            environ["wsgi.input_terminated"] = True
        return self.app(environ, start_response)


def body_too_large(environ: dict[str, Any], max_bytes: int) -> None:
    """Raise PayloadTooLarge when the middleware found the body over the cap."""
    if environ.get(_TOO_LARGE):
        raise PayloadTooLarge(
            f"the request body is larger than {max_bytes:,} bytes, the limit of this service",
            hint="send less (the limit is POLICYKG_MAX_CONTENT_LENGTH)",
        )
