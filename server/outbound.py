"""Refusing outbound requests from Python code: urllib and sockets, per thread, on demand.

rdflib follows SERVICE with urlopen and would fetch FROM graphs and JSON-LD contexts; its
security notes recommend an audit hook. The hook is installed once per process and only
refuses while a thread has asked it to (`refuse_outbound()`), so the rest of the process
(tests, clients) is unaffected; the evaluation children refuse for good. It cannot see
pyoxigraph's Rust HTTP client: for that engine the guard (server/guard.py) and, behind
it, the seccomp sandbox (server/sandbox.py) stop SERVICE. For rdflib the hook turns an
attempt into a clear PermissionError before the sandbox's wall is reached.
"""

from __future__ import annotations

import sys
import threading
from typing import Any

_blocked = threading.local()
_hook_installed = False
_OUTBOUND_EVENTS = {
    "urllib.Request",
    "socket.connect",
    "socket.getaddrinfo",
    "socket.gethostbyname",
    "http.client.connect",
}


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event in _OUTBOUND_EVENTS and getattr(_blocked, "on", False):
        raise PermissionError(f"outbound request refused ({event})")


def install_outbound_guard() -> None:
    """Install (once per process) the audit hook that refuses outbound requests when asked."""
    global _hook_installed
    if not _hook_installed:
        sys.addaudithook(_audit)
        _hook_installed = True


class refuse_outbound:  # noqa: N801 - used as a context manager, reads as a statement
    """Within this block, on this thread, urllib and sockets refuse to connect anywhere."""

    def __enter__(self) -> None:
        install_outbound_guard()
        self.previous = getattr(_blocked, "on", False)
        _blocked.on = True

    def __exit__(self, *exc: object) -> None:
        _blocked.on = self.previous


def block_outbound_for_good() -> None:
    """Refuse outbound requests on this thread from now on (the evaluation child)."""
    install_outbound_guard()
    _blocked.on = True
