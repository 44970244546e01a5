"""Query evaluation with a deadline that really stops the query.

pyoxigraph has no timeout and cannot be interrupted from another thread; rdflib's
evaluator cannot either (a regex in C holds the GIL). So queries are evaluated in a
child process and the server process only waits:

- Each server process (a granian or gunicorn worker, or the development server) forks its
  evaluation child lazily, on its first query, so the child shares the loaded store
  copy-on-write and costs no load time. Nothing is forked at import or in the
  gunicorn master (with --preload the master holds the store; each worker forks its
  own child).
- The parent sends the query (pickled, length-prefixed) down a pipe and waits for the
  reply with poll() until the deadline. The child evaluates, serialises the WHOLE
  answer to bytes in the chosen media type (so an answer is either complete or not
  sent) and writes it back.
- At the deadline the parent SIGKILLs the child, reaps it, forks a fresh one and
  answers 503 with Retry-After: a cancelled query never produces a 2xx or a truncated
  body. A child that dies on its own (a crash in the engine) gives a 500 and is
  replaced the same way.
- The child lets go of every descriptor it inherited but its own pipes and stdin/out/err
  (the listening socket, client connections, gunicorn's pipes point at /dev/null in it),
  ignores the server's signal handlers, cannot create network sockets (the seccomp
  filter of server/sandbox.py, which holds for pyoxigraph's own HTTP client too; the
  audit hook of server/outbound.py gives rdflib a clear error first) and asks the kernel
  to kill it when its parent dies (PR_SET_PDEATHSIG), so no orphan outlives a worker.
- The kernel sends that signal when the *thread* that forked the child ends (prctl(2)),
  not the process. Servers that answer requests in pooled threads retire idle threads
  (granian's blocking threads, the development server's thread per request), so the
  long-lived children are forked from one thread of the process's own that lives as
  long as the process.

Measured cost on top of evaluation: one pipe round trip and a pickle, well under a
millisecond (benchmarks/bench_http.py). `run_isolated` applies the same idea, with a
fork per call, to work that is rare and long (SHACL validation of an upload).
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import pickle
import queue
import select
import signal
import struct
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar, TypeVarTuple, cast

from policykg.graph.confine import limit_address_space
from policykg.graph.errors import EngineCrashed, PolicyKGError, QueryTimeout, ResultTooLarge

from .engine import Engine
from .guard import QueryInfo
from .negotiation import offer_for_kind
from .outbound import block_outbound_for_good
from .sandbox import enter_sandbox

log = logging.getLogger(__name__)
_HEADER = struct.Struct("!Q")
_PR_SET_PDEATHSIG = 1


@dataclass
class QueryJob:
    """What the child needs to answer one query."""

    sparql: str
    media_type: str
    info: QueryInfo
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)


@dataclass
class Answer:
    """A complete, serialised answer."""

    kind: str
    media_type: str
    body: bytes


# --- framing over pipes -------------------------------------------------------------------


def _send(fd: int, obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _read_exact(fd: int, size: int, deadline: float | None) -> bytes:
    """Read `size` bytes, waiting at most until `deadline` (monotonic); EOFError on EOF."""
    chunks, remaining = [], size
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
    while remaining:
        if deadline is not None:
            wait_ms = max(0, int((deadline - time.monotonic()) * 1000))
            if not poller.poll(wait_ms):
                raise TimeoutError
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _receive(fd: int, deadline: float | None = None) -> Any:
    (size,) = _HEADER.unpack(_read_exact(fd, _HEADER.size, deadline))
    return pickle.loads(_read_exact(fd, size, deadline))


def _outcome(work: Callable[..., Any], *args: Any) -> tuple[str, Any]:
    """("ok", work(*args)), or ("error", the exception) to be raised by the parent: a
    PolicyKGError as it is (errors pickle whole), running out of memory as ResultTooLarge,
    any other failure as EngineCrashed."""
    try:
        return ("ok", work(*args))
    except PolicyKGError as exc:
        return ("error", exc)
    except MemoryError:
        return ("error", _out_of_memory())
    except Exception as exc:  # an engine fault: reported as 500, the child lives on
        return ("error", EngineCrashed(f"{type(exc).__name__}: {exc}"))


def _out_of_memory() -> ResultTooLarge:
    return ResultTooLarge(
        "evaluating the query needed more memory than the server allows (QUERY_MEMORY)",
        hint="narrow the query, or add a LIMIT to a query that sorts or groups",
    )


def _unwrap(reply: tuple[str, Any], what: str) -> Any:
    """The value of an ("ok", value) reply; raise the error of an ("error", exc) one."""
    status, value = reply
    if status == "ok":
        return value
    if isinstance(value, EngineCrashed):
        log.error("engine fault on %.200r: %s", what, value.message)
    raise value


# --- the child ------------------------------------------------------------------------------


def _open_fds() -> list[int]:
    """The file descriptors open in this process."""
    try:
        names = os.listdir("/proc/self/fd")
    except OSError:  # no /proc: every number up to the limit
        return list(range(min(os.sysconf("SC_OPEN_MAX"), 1 << 16)))
    return [int(name) for name in names]


def _release_inherited_fds(keep: tuple[int, ...]) -> None:
    """Let go of every inherited descriptor except stdin/out/err and `keep`.

    The server's listening socket, its clients' connections and gunicorn's pipes must not
    stay open in a child that may outlive a request. Each one is pointed at /dev/null
    rather than closed, so that its number stays taken: a Python object of the server
    that still holds that number and is collected in the child then closes /dev/null, not
    a file the child has opened since.
    """
    kept = {0, 1, 2, *keep}
    null = os.open(os.devnull, os.O_RDWR)
    for fd in _open_fds():
        if fd in kept or fd == null:
            continue
        with contextlib.suppress(OSError):
            os.fstat(fd)  # not open (the listing's own descriptor): leave it alone
            os.dup2(null, fd)
    os.close(null)


def _become_child(keep: tuple[int, ...]) -> None:
    """Detach a freshly forked child from the server's signal handling and its descriptors
    (all but 0, 1, 2 and `keep`)."""
    for sig in (
        signal.SIGTERM,
        signal.SIGINT,
        signal.SIGQUIT,
        signal.SIGHUP,
        signal.SIGUSR1,
        signal.SIGUSR2,
        signal.SIGWINCH,
        signal.SIGCHLD,
        signal.SIGABRT,
        signal.SIGALRM,
    ):
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C goes to the server, which kills us
    with contextlib.suppress(ValueError):
        signal.set_wakeup_fd(-1)
    _release_inherited_fds(keep)
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    block_outbound_for_good()
    enter_sandbox(warn=False)  # the server said so at start-up if it cannot


def _answer(engine: Engine, job: QueryJob, max_bytes: int) -> Answer:
    """The complete answer to one job, serialised (in the child)."""
    result = engine.query(job.sparql, job.default_graphs, job.named_graphs, info=job.info)
    media_type = job.media_type
    types = offer_for_kind(result.kind).types
    if media_type not in types:  # negotiated for the query's form, answered as another kind
        media_type = types[0]
    return Answer(result.kind, media_type, result.serialize(media_type, max_bytes))


def _serve_jobs(engine: Engine, jobs: int, replies: int, max_bytes: int) -> None:
    while True:
        try:
            job = _receive(jobs)
        except EOFError:
            return
        _send(replies, _outcome(_answer, engine, job, max_bytes))


# --- the parent side ------------------------------------------------------------------------


@dataclass
class _Child:
    pid: int
    jobs: int  # parent writes jobs here
    replies: int  # parent reads replies here

    def alive(self) -> bool:
        """False once the child has exited (it is then reaped)."""
        try:
            pid, _ = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:
            return False
        return pid == 0

    def aborted(self) -> bool:
        """Whether the child ended by abort(), as an allocator that cannot fail ends a
        process past its memory limit (it is then reaped)."""
        try:
            pid, status = os.waitpid(self.pid, 0)
        except ChildProcessError:
            return False
        return pid == self.pid and os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGABRT

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        self.close()

    def close(self) -> None:
        for fd in (self.jobs, self.replies):
            with contextlib.suppress(OSError):
                os.close(fd)


class QueryRunner:
    """Answers QueryJobs in pre-forked children, within `timeout` seconds each."""

    def __init__(
        self,
        engine: Engine,
        timeout: float,
        max_result_bytes: int,
        workers: int = 1,
        memory_bytes: int | None = None,
    ) -> None:
        self.engine = engine
        self.timeout = timeout
        self.max_result_bytes = max_result_bytes
        self.workers = workers
        self.memory_bytes = memory_bytes  # growth allowed to each child; None: unlimited
        self._lock = threading.Lock()
        self._owner: int | None = None
        self._idle: queue.Queue[_Child] = queue.Queue()
        self._children: list[_Child] = []
        self._forker: ThreadPoolExecutor | None = None

    def _spawn(self) -> _Child:
        """A new child, forked from this process's forking thread (see the module notes)."""
        assert self._forker is not None, "started (_ensure_started) and not closed (_replace)"
        return self._forker.submit(self._fork_child).result()

    def _fork_child(self) -> _Child:
        job_r, job_w = os.pipe()
        reply_r, reply_w = os.pipe()
        inherited = [fd for c in self._children for fd in (c.jobs, c.replies)]
        pid = os.fork()
        if pid == 0:  # the child: never returns into the server's code
            status = 0
            try:
                os.close(job_w)
                os.close(reply_r)
                for fd in inherited:
                    os.close(fd)
                _become_child((job_r, reply_w))
                if self.memory_bytes is not None:
                    limit_address_space(self.memory_bytes)
                _serve_jobs(self.engine, job_r, reply_w, self.max_result_bytes)
            except BaseException:
                status = 1
            finally:
                os._exit(status)
        os.close(job_r)
        os.close(reply_w)
        child = _Child(pid, job_w, reply_r)
        self._children.append(child)
        return child

    def _ensure_started(self) -> None:
        if self._owner == os.getpid():
            return
        with self._lock:
            if self._owner == os.getpid():
                return
            # children inherited from a parent process (gunicorn master) are not ours
            for child in self._children:
                child.close()
            self._children, self._idle = [], queue.Queue()
            # an idle ThreadPoolExecutor keeps its thread until shutdown
            self._forker = ThreadPoolExecutor(1, thread_name_prefix="policykg-fork")
            for _ in range(self.workers):
                self._idle.put(self._spawn())
            self._owner = os.getpid()

    def _replace(self, child: _Child) -> None:
        child.kill()
        with self._lock:
            if child in self._children:
                self._children.remove(child)
            if self._forker is not None:  # None once close() ran while this query was out
                self._idle.put(self._spawn())

    def run(self, job: QueryJob, deadline: float | None = None) -> Answer:
        """The complete answer to `job`, or QueryTimeout (503) / a PolicyKGError.

        `deadline` (time.monotonic()) is when the answer is due, counted by the caller from
        the request's arrival; by default `timeout` seconds from now. The wait for a free
        child is part of it.
        """
        if self.engine.remote is not None:
            # an upstream store answers: this process relays (its children have no network)
            relayed = _outcome(_answer, self.engine, job, self.max_result_bytes)
            return cast(Answer, _unwrap(relayed, job.sparql))
        self._ensure_started()
        if deadline is None:
            deadline = time.monotonic() + self.timeout
        child = self._idle_child(deadline)
        try:
            _send(child.jobs, job)
            reply = _receive(child.replies, deadline)
        except TimeoutError:
            log.warning("query stopped at the %.3g s deadline: %.200r", self.timeout, job.sparql)
            self._replace(child)
            raise QueryTimeout(
                f"query still running after {self.timeout:g} s; it was stopped",
                hint="narrow the query or add a LIMIT",
            ) from None
        except (EOFError, OSError) as exc:
            log.error("evaluation child %d died: %r; query %.200r", child.pid, exc, job.sparql)
            aborted = child.aborted()
            self._replace(child)
            if aborted and self.memory_bytes is not None:
                raise _out_of_memory() from None
            raise EngineCrashed("the query engine failed while answering this query") from None
        self._idle.put(child)
        answer: Answer = _unwrap(reply, job.sparql)
        return answer

    def _idle_child(self, deadline: float) -> _Child:
        """A live idle child, waiting for one until the deadline (QueryTimeout then)."""
        while True:
            try:
                child = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise QueryTimeout(
                    f"no evaluation process became free within {self.timeout:g} s",
                    hint="the service is busy; retry later",
                ) from None
            if child.alive():
                return child
            # died while idle (killed from outside): use a fresh one
            log.warning("evaluation child %d had died; replacing it", child.pid)
            self._replace(child)

    def close(self) -> None:
        """Kill this process's children (tests, shutdown)."""
        if self._owner != os.getpid():
            return
        with self._lock:
            for child in self._children:
                child.kill()
            self._children, self._idle, self._owner = [], queue.Queue(), None
            if self._forker is not None:
                self._forker.shutdown(wait=False)
                self._forker = None


_Args = TypeVarTuple("_Args")
_Value = TypeVar("_Value")


def run_isolated(fn: Callable[[*_Args], _Value], *args: *_Args, timeout: float) -> _Value:
    """fn(*args) evaluated in a forked child, killed at `timeout` (QueryTimeout).

    fn's PolicyKGErrors are raised here as they were raised there (an error pickles whole);
    any other failure is an EngineCrashed. Its return value must pickle.
    """
    reply_r, reply_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        status = 0
        try:
            os.close(reply_r)
            _become_child((reply_w,))
            _send(reply_w, _outcome(fn, *args))
        except BaseException:
            status = 1
        finally:
            os._exit(status)
    os.close(reply_w)
    try:
        reply = _receive(reply_r, time.monotonic() + timeout)
    except TimeoutError:
        os.kill(pid, signal.SIGKILL)
        raise QueryTimeout(f"still running after {timeout:g} s; it was stopped") from None
    except EOFError:
        raise EngineCrashed("the worker process died") from None
    finally:
        os.close(reply_r)
        os.waitpid(pid, 0)
    value: _Value = _unwrap(reply, getattr(fn, "__name__", "work"))  # fn's, unpickled
    return value
