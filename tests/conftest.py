"""Shared fixtures: the bundled corpus built once per test session."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def bundled_build():
    """The BuildResult of the bundled corpus (built once per session)."""
    from policykg.graph.pipeline import build

    return build()


@pytest.fixture(scope="session")
def bundled_dataset(bundled_build):
    """The rdflib Dataset of the bundled corpus."""
    return bundled_build.dataset


@pytest.fixture(scope="session")
def three_documents(tmp_path_factory) -> Path:
    """One N-Quads file of the Taiyuan and Jiangxi test documents and the bundled plan."""
    from policykg.graph.pipeline import build
    from policykg.graph.rdfio import write_dataset

    docs = DATA / "docs"
    paths = [
        docs / "taiyuan-city-plan.txt",
        docs / "jiangxi-measures.txt",
        Path(__file__).parent.parent / "corpus" / "jinzhengbanfa-2022-77.txt",
    ]
    out = tmp_path_factory.mktemp("three") / "three.nq"
    write_dataset(build(paths).dataset, out)
    return out


@pytest.fixture(scope="session")
def bundled_nq(bundled_build, tmp_path_factory) -> Path:
    """The bundled corpus's graph as an N-Quads file."""
    from policykg.graph.rdfio import write_dataset

    path = tmp_path_factory.mktemp("bundled") / "bundled.nq"
    write_dataset(bundled_build.dataset, path)
    return path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gunicorn_argv(port: int, workers: int = 2) -> list[str]:
    """The documented production command under gunicorn (README) on a loopback port."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "-w",
        str(workers),
        "-b",
        f"127.0.0.1:{port}",
        "--preload",
        "--timeout",
        "30",
        "policykg.server.wsgi:app",
    ]


def granian_argv(port: int, workers: int = 2) -> list[str]:
    """The documented production command under granian (README) on a loopback port."""
    return [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--workers",
        str(workers),
        "--blocking-threads",
        "18",
        "--no-ws",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "policykg.server.wsgi:app",
    ]


# the production commands the live tests run, by front
FRONT_ARGV = {"gunicorn": gunicorn_argv, "granian": granian_argv}


@contextlib.contextmanager
def serving(
    make_argv: Callable[[int], list[str]],
    env: dict[str, str],
    log_path: Path,
    ready: str = "/healthz",
    timeout: float = 90,
) -> Iterator[tuple[str, subprocess.Popen]]:
    """A real server process on 127.0.0.1 until the block ends: (base URL, process)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            make_argv(port),
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    if httpx.get(base + ready, timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail(
                        "the server did not start:\n" + log_path.read_text(errors="replace")[-3000:]
                    )
                time.sleep(0.2)
            yield base, process
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@pytest.fixture(scope="session")
def server_process():
    """The `serving` context manager, for module-scoped server fixtures."""
    return serving


@pytest.fixture
def listener():
    """A loopback socket that counts the connections made to it: (port, hits)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.1)
    hits: list[int] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            hits.append(1)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], hits
    stop.set()
    thread.join(timeout=2)
    server.close()


@pytest.fixture(scope="session")
def real_sentence() -> Callable[[str, str], tuple[str, int]]:
    """A function that finds a sentence quoted from a real document (tests/data/real/,
    named by its number, "06") and returns it with its offset in that file: the quote
    must be the document's own words."""
    texts: dict[str, str] = {}

    def find(number: str, sentence: str) -> tuple[str, int]:
        if number not in texts:
            (path,) = (DATA / "real").glob(f"{number}-*.txt")
            texts[number] = path.read_text(encoding="utf-8")
        return sentence, texts[number].index(sentence)

    return find
