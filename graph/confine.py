"""Run a reader of untrusted files in a forked child whose memory and CPU time are capped.

A PDF or Word file is a compressed container: a file within the input limit can expand
to gigabytes when its streams are inflated (a decompression bomb), and the readers
(pdfminer.six, python-docx on lxml) set no limit of their own. So a published file is
read in a child process with ``setrlimit``: its address space may grow by at most
:data:`READER_MEMORY` beyond what it inherited (RLIMIT_AS) and it may use at most
:data:`READER_CPU_SECONDS` of CPU time (RLIMIT_CPU, with a wall-clock deadline of twice
that as a second stop). A child past either limit dies or raises MemoryError; the parent
reports the file as one it cannot read, and a build of many files goes on with the rest.

The child gets the reader's arguments by inheritance (fork) and sends back the pickled
result, or the pickled error (every policykg error pickles whole); nothing else crosses.
Where ``fork`` does not exist the reader runs in the process itself, without limits.

The limits are set for a block of work with :func:`reader_limits` (the command's
``--max-reader-memory`` option); the defaults hold otherwise.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import resource
import select
import signal
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from policykg.graph.errors import PolicyKGError, SourceFileError

READER_MEMORY = 2 * 1024 * 1024 * 1024
READER_CPU_SECONDS = 120

T = TypeVar("T")


@dataclass(frozen=True)
class Limits:
    """How much a reader may take: address space beyond its start, and CPU seconds."""

    memory_bytes: int = READER_MEMORY
    cpu_seconds: int = READER_CPU_SECONDS


_limits: ContextVar[Limits | None] = ContextVar("reader_limits", default=None)


def current_limits() -> Limits:
    """The limits in force: those of the innermost reader_limits block, or the defaults."""
    return _limits.get() or Limits()


@contextlib.contextmanager
def reader_limits(
    memory_bytes: int | None = None, cpu_seconds: int | None = None
) -> Iterator[None]:
    """Within the block, readers run under these limits (None keeps the current one)."""
    current = current_limits()
    token = _limits.set(
        Limits(
            memory_bytes if memory_bytes is not None else current.memory_bytes,
            cpu_seconds if cpu_seconds is not None else current.cpu_seconds,
        )
    )
    try:
        yield
    finally:
        _limits.reset(token)


def run_confined(name: str, reader: Callable[..., T], *args: Any) -> T:
    """reader(*args), evaluated in a child under the current limits.

    ``name`` (the file's name) is what a refusal names. The reader's PolicyKGErrors are
    raised here as they were raised there; running out of memory or time, or dying,
    raises SourceFileError saying which limit to raise.
    """
    if not hasattr(os, "fork"):
        return reader(*args)
    limits = current_limits()
    reply_r, reply_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(reply_r)
        _run_child(reply_w, limits, reader, args)
    os.close(reply_w)
    try:
        data = _read_all(reply_r, time.monotonic() + 2 * limits.cpu_seconds + 5)
    except TimeoutError:
        os.kill(pid, signal.SIGKILL)
        raise _out_of_time(name, limits) from None
    finally:
        os.close(reply_r)
        _, status = os.waitpid(pid, 0)
    if not data:
        raise _died(name, limits, status)
    outcome, value = pickle.loads(data)
    if outcome == "ok":
        return value  # type: ignore[no-any-return]
    if outcome == "memory":
        raise _out_of_memory(name, limits)
    raise value


def _run_child(
    reply: int, limits: Limits, reader: Callable[..., Any], args: tuple[Any, ...]
) -> None:
    status = 0
    try:
        _limit_self(limits)
        try:
            outcome: tuple[str, Any] = ("ok", reader(*args))
        except MemoryError:
            outcome = ("memory", None)
        except PolicyKGError as exc:
            outcome = ("error", exc)
        except Exception as exc:  # a reader's fault on a damaged file
            outcome = ("error", SourceFileError(f"{type(exc).__name__}: {exc}"))
        data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(data)
        while view:
            view = view[os.write(reply, view) :]
    except BaseException:
        status = 1
    finally:
        os._exit(status)


def limit_address_space(extra_bytes: int) -> None:
    """Let this process's address space grow by at most ``extra_bytes`` beyond its size now
    (RLIMIT_AS): past it an allocation fails (MemoryError in Python; an abort in a library
    whose allocator cannot fail, such as pyoxigraph's). The server's evaluation children
    call it too (server/executor.py)."""
    address_space = _address_space() + extra_bytes
    resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))


def _limit_self(limits: Limits) -> None:
    """Cap this process's address space at its size now plus the allowance, and its CPU."""
    limit_address_space(limits.memory_bytes)
    used = int(sum(resource.getrusage(resource.RUSAGE_SELF)[:2]))
    cpu = used + limits.cpu_seconds
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))


def _address_space() -> int:
    """This process's virtual memory size in bytes (what RLIMIT_AS counts)."""
    with (
        contextlib.suppress(OSError, ValueError, IndexError),
        open("/proc/self/statm", encoding="ascii") as statm,
    ):
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    return 0


def _read_all(fd: int, deadline: float) -> bytes:
    """Everything written to ``fd`` until its writer closes it; TimeoutError at deadline."""
    chunks: list[bytes] = []
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
    while True:
        wait_ms = max(0, int((deadline - time.monotonic()) * 1000))
        if not poller.poll(wait_ms):
            raise TimeoutError
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


_RAISE_MEMORY = "raise --max-reader-memory if the file is genuine, or give its text or web page"


def _out_of_memory(name: str, limits: Limits) -> SourceFileError:
    return SourceFileError(
        f"{name}: reading it needs more than {limits.memory_bytes // (1024 * 1024):,} MiB "
        "of memory (a file whose compressed content expands without bound?)",
        hint=_RAISE_MEMORY,
    )


def _out_of_time(name: str, limits: Limits) -> SourceFileError:
    return SourceFileError(
        f"{name}: reading it took more than {limits.cpu_seconds:,} s and was stopped",
        hint="give the document's text or web page instead",
    )


def _died(name: str, limits: Limits, status: int) -> SourceFileError:
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGXCPU, signal.SIGKILL):
        return _out_of_time(name, limits)
    # the allocator of a library in C or Rust aborts when the address space is full
    return SourceFileError(
        f"{name}: the reader stopped without an answer (out of its "
        f"{limits.memory_bytes // (1024 * 1024):,} MiB of memory, or a crash)",
        hint=_RAISE_MEMORY,
    )
