"""A process that cannot reach the network: a seccomp filter on the socket system calls.

Everything that evaluates a query or reads untrusted input runs in a sandboxed process:
the server's evaluation children (server/executor.py) and the whole process of the
commands `policykg query`, `validate`, `build` and `export`, which never need the
network. The filter is the wall behind the query guard (server/guard.py): pyoxigraph
follows SERVICE with an HTTP client of its own, in Rust, that no Python hook sees, so
only the kernel can be sure it never connects.

The filter (libseccomp through its ctypes binding `pyseccomp`):

- makes socket() fail with EACCES for every address family but AF_UNIX (pipes and
  socketpairs still work), so no TCP, UDP, raw, netlink or other socket can be created;
- makes io_uring_setup() fail (io_uring can create sockets without calling socket());
- kills the process on a system call made through another architecture's calling
  convention (libseccomp checks the architecture in the filter; 32-bit calls on x86-64
  cannot slip past the rules);
- sets PR_SET_NO_NEW_PRIVS, is applied to every thread of the process, cannot be lifted,
  and is inherited by every child, so the JVM that runs HermiT cannot connect either.

Where seccomp is not available (not Linux, no libseccomp), the process runs without the
wall; that is said once, in the log and on stderr, and the guard alone stands.
"""

from __future__ import annotations

import errno
import logging
import os
import socket
import sys

from policykg.graph.errors import SandboxUnavailable

log = logging.getLogger(__name__)

_sandboxed_pid: int | None = None
_warned = False
# system calls that can create a socket without socket(): refused as if unknown
_IO_URING = ("io_uring_setup", "io_uring_enter", "io_uring_register")


def _load_filter() -> None:
    """Install the filter in this process (irreversible); SandboxUnavailable if impossible."""
    if not sys.platform.startswith("linux"):
        raise SandboxUnavailable(f"seccomp is a Linux feature; this is {sys.platform}")
    try:
        import pyseccomp as seccomp
    except Exception as exc:  # no libseccomp.so, or the binding is not installed
        raise SandboxUnavailable(f"libseccomp cannot be loaded ({exc})") from None
    try:
        rules = seccomp.SyscallFilter(seccomp.ALLOW)
        rules.set_attr(seccomp.Attr.ACT_BADARCH, seccomp.KILL_PROCESS)
        rules.set_attr(seccomp.Attr.CTL_NNP, 1)
        rules.set_attr(seccomp.Attr.CTL_TSYNC, 1)
        rules.add_rule(
            seccomp.ERRNO(errno.EACCES),
            "socket",
            seccomp.Arg(0, seccomp.NE, socket.AF_UNIX),
        )
        for name in _IO_URING:
            rules.add_rule(seccomp.ERRNO(errno.ENOSYS), name)
        rules.load()
    except OSError as exc:
        raise SandboxUnavailable(f"the seccomp filter cannot be loaded ({exc})") from None


def enter_sandbox(warn: bool = True) -> bool:
    """Forbid this process, for good, to create network sockets; True once it cannot.

    Idempotent. When the filter cannot be installed the process carries on without it,
    and, when `warn`, says so once (log and stderr); the return value is then False.
    The server's evaluation children enter quietly: the server said it once at start-up
    (:func:`warn_if_unavailable`).
    """
    global _sandboxed_pid
    if _sandboxed_pid == os.getpid():
        return True
    try:
        _load_filter()
    except SandboxUnavailable as exc:
        if warn:
            _warn(str(exc))
        return False
    _sandboxed_pid = os.getpid()
    return True


def _warn(reason: str) -> None:
    global _warned
    if not _warned:
        _warned = True
        message = (
            f"policykg: no network sandbox ({reason}); only the query guard keeps "
            "queries from making outbound requests"
        )
        log.warning(message)
        print(message, file=sys.stderr)


def warn_if_unavailable() -> None:
    """Say once (log and stderr) when the sandbox cannot be used here, without entering it."""
    if not sys.platform.startswith("linux"):
        _warn(f"seccomp is a Linux feature; this is {sys.platform}")
        return
    try:
        import pyseccomp as seccomp

        seccomp.SyscallFilter(seccomp.ALLOW)
    except Exception as exc:  # no libseccomp.so, or the binding is not installed
        _warn(f"libseccomp cannot be loaded ({exc})")
