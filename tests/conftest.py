"""Shared fixtures and markers.

Fixtures: the bundled corpus (`bundled_build`, `bundled_dataset`, `bundled_nq`,
`bundled_text`) and the reference data (`ref`), built once per session; the app on
tests/data/sample.trig (`app`, `client`; `app_for` builds one with other settings) and on
the bundled graph (`bundled_client`); the `policykg` command in process (`runner`); real
servers on 127.0.0.1 (`server_process`, `bundled_server`); a counting loopback
`listener`.

Markers (pyproject.toml): `server` (starts a server process), `browser` (drives
Chromium), `slow` (more than a second or so). A test marked `server` or `browser` is
marked `slow` too, so `pytest -m "not slow"` runs the fast suite.
"""

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
from click.testing import CliRunner, Result

DATA = Path(__file__).parent / "data"
# Two documents, some agencies and the national items: the app's default data in tests.
SAMPLE = DATA / "sample.trig"
CORPUS = Path(__file__).parent.parent / "corpus" / "jinzhengbanfa-2022-77.txt"


@pytest.hookimpl(tryfirst=True)  # before -m selects
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Servers and browsers are slow: `-m "not slow"` leaves them out."""
    for item in items:
        if item.get_closest_marker("server") or item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def bundled_text() -> str:
    """The text of the bundled corpus's document."""
    return CORPUS.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def ref():
    """The reference data (registers, gazetteer, taxonomies, national outline)."""
    from policykg.graph.reference import load_reference

    return load_reference()


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
        CORPUS,
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


@pytest.fixture(scope="module")
def app_for():
    """A function that builds the app (create_app) with settings, on tests/data/sample.trig
    unless DATA or an engine is given: app_for(ENGINE="rdflib"). Each app's evaluation
    processes are stopped when the module's tests are done."""
    from policykg.server.app import create_app

    apps = []

    def make(engine=None, **settings):
        if engine is None and "DATA" not in settings:
            # The sample holds deliberate shape violations, so serving it must be allowed.
            settings = {"DATA": str(SAMPLE), "ALLOW_NONCONFORMING": True, **settings}
        app = create_app(settings, engine=engine)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["policykg"].runner.close()


@pytest.fixture(scope="module")
def app(app_for):
    """The app serving tests/data/sample.trig with its default settings."""
    return app_for()


@pytest.fixture
def client(app):
    """A Flask test client of `app`."""
    return app.test_client()


@pytest.fixture(scope="module")
def bundled_client(app_for, bundled_nq):
    """A Flask test client of the app serving the bundled corpus's graph."""
    return app_for(DATA=str(bundled_nq), TESTING=True).test_client()


@pytest.fixture
def runner() -> Callable[..., Result]:
    """A function that runs the `policykg` command in process: runner("build", "-q")."""
    from policykg.cli.main import main

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(main, list(args))

    return invoke


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


@pytest.fixture(scope="module")
def bundled_server(tmp_path_factory, bundled_nq) -> Iterator[str]:
    """granian (what `policykg serve` runs) serving the bundled corpus's graph: its base URL."""
    log = tmp_path_factory.mktemp("granian") / "granian.log"
    with serving(granian_argv, {"POLICYKG_DATA": str(bundled_nq)}, log) as (base, _):
        yield base


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
