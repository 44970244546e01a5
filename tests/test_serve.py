"""`policykg serve`: a real process that validates before it serves, and refuses a bad graph."""

from __future__ import annotations

import logging
import multiprocessing
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from policykg.server.config import Config
from policykg.server.serve import DeliberateThreadCount

pytestmark = pytest.mark.server

POLICYKG = [sys.executable, "-m", "policykg.cli.main"]


def serve_argv(data: Path, *extra: str):
    def argv(port: int) -> list[str]:
        return [*POLICYKG, "serve", "--data", str(data), "--port", str(port), *extra]

    return argv


def many_threads() -> dict[str, str]:
    """Settings under which a server's request threads are more than granian deems right
    for this machine's cores (2 × cores + 1), so that granian would warn."""
    config = Config.from_sources()
    missing = 2 * multiprocessing.cpu_count() + 2 - config.request_threads
    return {"POLICYKG_QUERY_QUEUE": str(config.query_queue + missing)} if missing > 0 else {}


def test_serve_validates_then_answers_sparql(bundled_nq, tmp_path, server_process):
    log = tmp_path / "serve.log"
    with server_process(serve_argv(bundled_nq), many_threads(), log) as (base, _):
        answer = httpx.post(
            base + "/sparql",
            data={"query": "ASK { ?m a <https://w3id.org/policykg/ontology#Measure> }"},
            headers={"Accept": "application/sparql-results+json"},
        )
        assert answer.status_code == 200
        assert answer.json()["boolean"] is True
        page = httpx.get(base + "/", headers={"Accept": "text/html"})
        assert "晋政办发〔2022〕77号" in page.text
    printed = log.read_text(encoding="utf-8")
    assert "validating" in printed
    assert f"http://127.0.0.1:{base.rsplit(':', 1)[1]}/" in printed
    assert "[INFO] Starting granian" in printed  # granian's own log lines are printed
    assert "Python threads" not in printed  # but not its warning about the deliberate count


def granian_record(message: str, level: int = logging.WARNING) -> logging.LogRecord:
    return logging.LogRecord("_granian", level, "mp.py", 1, message, None, None)


def test_only_the_warning_about_the_deliberate_thread_count_is_dropped():
    drop = DeliberateThreadCount(18)
    warning = (
        "Configuration allows spawning up to {} Python threads, which seems quite high "
        "compared to the number of CPU cores available."
    )
    assert not drop.filter(granian_record(warning.format(18)))
    assert drop.filter(granian_record(warning.format(180)))  # not the count configured
    assert drop.filter(granian_record("Metrics are not available in Windows, ignoring."))
    assert drop.filter(granian_record("Starting granian (main PID: 1)", logging.INFO))


def broken_copy(bundled_nq: Path, tmp_path: Path) -> Path:
    """The bundled graph without the document's issue date (a violation of the shapes)."""
    lines = bundled_nq.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [
        line
        for line in lines
        if "<http://data.europa.eu/eli/ontology#date_document>" not in line
        or "晋政办发" not in line.split(" ", 1)[0]
    ]
    assert len(kept) == len(lines) - 1
    broken = tmp_path / "broken.nq"
    broken.write_text("".join(kept), encoding="utf-8")
    return broken


def test_serve_refuses_a_graph_that_does_not_conform(bundled_nq, tmp_path):
    broken = broken_copy(bundled_nq, tmp_path)
    done = subprocess.run(
        [*POLICYKG, "serve", "--data", str(broken), "--port", "1"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "does not conform" in done.stderr
    assert "--allow-nonconforming" in done.stderr
    assert "Traceback" not in done.stderr


def test_serve_can_be_told_to_serve_anyway(bundled_nq, tmp_path, server_process):
    broken = broken_copy(bundled_nq, tmp_path)
    log = tmp_path / "serve.log"
    with server_process(serve_argv(broken, "--allow-nonconforming"), {}, log) as (base, _):
        assert httpx.get(base + "/healthz").status_code == 200
    assert "--allow-nonconforming" in log.read_text(encoding="utf-8")


def test_serve_says_the_port_is_taken_before_building(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        begun = time.monotonic()
        done = subprocess.run(
            [*POLICYKG, "serve", "--port", str(port)], capture_output=True, text=True, timeout=120
        )
    assert done.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr and "--port" in done.stderr
    assert "Traceback" not in done.stderr
    assert "building" not in done.stderr  # refused before the bundled corpus is built
    assert time.monotonic() - begun < 60


def test_serve_keeps_the_operators_public_url(bundled_nq, tmp_path, server_process):
    """Behind a proxy or a w3id redirect, POLICYKG_PUBLIC_URL names the service's address:
    `policykg serve` must not replace it with the address it listens on."""
    public = "https://kg.example.org/policykg/"
    log = tmp_path / "serve.log"
    env = {"POLICYKG_PUBLIC_URL": public}
    with server_process(serve_argv(bundled_nq), env, log) as (base, _):
        description = httpx.get(base + "/sparql", headers={"Accept": "text/turtle"}).text
    assert f"<{public}sparql>" in description
