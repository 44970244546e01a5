"""A per-process LRU cache of complete answers, keyed by everything that decides them.

The served dataset never changes while the server runs, so the same query over the same
dataset in the same media type always has the same answer. The query page's examples
and clients that poll are answered from here without evaluation. Only complete,
successful answers are kept; one answer may take at most an eighth of the budget.
Responses say X-Policykg-Cache: hit or miss.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from .executor import Answer, QueryJob

# (query, default graphs, named graphs, media type)
_Key = tuple[str, tuple[str, ...], tuple[str, ...], str]


class AnswerCache:
    """Answers by (query, default graphs, named graphs, media type), least recently used out."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._entries: OrderedDict[_Key, Answer] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(job: QueryJob) -> _Key:
        return (job.sparql, tuple(job.default_graphs), tuple(job.named_graphs), job.media_type)

    def get(self, job: QueryJob) -> Answer | None:
        if not self.max_bytes:
            return None
        with self._lock:
            answer = self._entries.get(self.key(job))
            if answer is not None:
                self._entries.move_to_end(self.key(job))
            return answer

    def put(self, job: QueryJob, answer: Answer) -> None:
        size = len(answer.body) + len(job.sparql)
        if not self.max_bytes or size > self.max_bytes // 8:
            return
        with self._lock:
            key = self.key(job)
            if key in self._entries:
                return
            self._entries[key] = answer
            self.size += size
            while self.size > self.max_bytes:
                old_key, old = self._entries.popitem(last=False)
                self.size -= len(old.body) + len(old_key[0])
