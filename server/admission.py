"""Admission control: how many evaluations a server process takes on, and from whom.

Each server process (a granian worker) answers many requests at once in threads; the
work itself runs in a few evaluation children (server/executor.py). In front of them:

- a bounded queue: at most `capacity` requests are evaluated or waiting for a child at
  once; one more is answered 503 with Retry-After at once, instead of waiting behind
  the others without limit;
- a budget per client: at most `per_client` of them come from one client address; one
  more is answered 429 with Retry-After, so that one client with slow queries cannot take
  every child and stall the others.

Everything that never waits for a child (/healthz, the pages, answers from the answer
cache) passes no admission at all and keeps being answered while the children are busy.
The deadline of a query counts from its arrival, so the time it waited in the queue is
part of its timeout (server/executor.py).
"""

from __future__ import annotations

import contextlib
import threading
from collections import Counter
from collections.abc import Iterator

from flask import current_app, request

from policykg.graph.errors import ServiceBusy, TooManyRequests


class Admission:
    """A counter of requests in flight, in total and per client, with limits."""

    def __init__(self, capacity: int, per_client: int, what: str = "queries") -> None:
        self.capacity = capacity
        self.per_client = per_client
        self.what = what
        self._lock = threading.Lock()
        self._in_flight = 0
        self._by_client: Counter[str] = Counter()

    @contextlib.contextmanager
    def admit(self, client: str) -> Iterator[None]:
        """Hold a place for one request of `client` while the block runs, or refuse."""
        with self._lock:
            if self._by_client[client] >= self.per_client:
                raise TooManyRequests(
                    f"this client already has {self.per_client} {self.what} in progress",
                    hint="wait for an answer before sending more",
                )
            if self._in_flight >= self.capacity:
                raise ServiceBusy(
                    f"the service is busy: {self.capacity} {self.what} in progress or waiting",
                    hint="retry later",
                )
            self._in_flight += 1
            self._by_client[client] += 1
        try:
            yield
        finally:
            with self._lock:
                self._in_flight -= 1
                self._by_client[client] -= 1
                if not self._by_client[client]:
                    del self._by_client[client]

    def in_flight(self) -> int:
        """Requests admitted and not yet answered."""
        return self._in_flight


def client_address() -> str:
    """Who sent the current request: the peer's address, or the last address in the header
    a trusted proxy sets (CLIENT_ADDRESS_HEADER; the last one is the one it appended)."""
    header = current_app.extensions["policykg"].config.client_address_header
    if header:
        last = request.headers.get(header, "").rsplit(",", 1)[-1].strip()
        if last:
            return last
    return request.remote_addr or "unknown"
