"""HTTP benchmark: policykg's endpoint, `oxigraph serve` and rdflib-endpoint, side by side.

One run, the same data (the bundled corpus's graph as N-Quads, or --data FILE) and the
ten competency-question queries (server/queries/cq*.rq) on all three servers:

- policykg under each documented production command, default engine (pyoxigraph):
  `policykg serve --workers 2` (granian, each worker with the request threads its
  Config asks for), as configured by default (repeated queries are answered from its
  answer cache, as they are here) and with the answer cache off (every request
  evaluated); and gunicorn -w 2 --preload --timeout 30, as configured by default;
- oxigraph serve-read-only --union-default-graph over a RocksDB store built with
  `oxigraph load` (PyPI package `oxigraph`, same version as pyoxigraph);
- rdflib-endpoint serve FILE (FastAPI/uvicorn, one process, rdflib Dataset with the
  union default graph; it serves at /).

Every query is sent as a form POST with Accept: application/sparql-results+json, first
checked to return the same number of rows everywhere. Then, per server and query: at
concurrency 1, latency p50/p95 and throughput over at most --requests requests or
--seconds seconds (Python's http.client, one connection); at concurrency 8, throughput
over --seconds seconds with wrk (2 threads, 8 connections), the load generator in C
that the reference measurements used, so that the client takes as little as possible of
the cores it shares with the servers. Without wrk on PATH (or with --python-client),
8 Python client processes stand in for it, and the fastest servers are then limited by
the client. Servers take turns query by query. Everything binds 127.0.0.1.

Prints a Markdown table and writes it to benchmarks/results/http.md.

    python benchmarks/bench_http.py [--data FILE] [--seconds 3] [--requests 300]
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
QUERIES = sorted((ROOT / "server" / "queries").glob("cq*.rq"))
RESULTS = ROOT / "benchmarks" / "results" / "http.md"
BIN = Path(sys.executable).parent
CONCURRENCY = 8


POLICYKG = "policykg (granian)"
POLICYKG_NO_CACHE = "policykg (granian), answer cache off"
POLICYKG_GUNICORN = "policykg (gunicorn)"


def gunicorn(port: int) -> list[str]:
    """The documented production command under gunicorn."""
    return [
        str(BIN / "gunicorn"),
        "-w",
        "2",
        "-b",
        f"127.0.0.1:{port}",
        "--preload",
        "--timeout",
        "30",
        "policykg.server.wsgi:app",
    ]


def granian(port: int, data: Path) -> list[str]:
    """The documented production command: `policykg serve` (granian, 2 workers, each with
    the request threads its Config asks for)."""
    return [
        str(BIN / "policykg"),
        "serve",
        "--data",
        str(data),
        "--workers",
        "2",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(port: int, path: str, process: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    body = urlencode({"query": "ASK {}"})
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with {process.returncode}")
        try:
            status, _ = post(port, path, body)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"server on port {port} did not come up")


def post(
    port: int, path: str, body: str, conn: http.client.HTTPConnection | None = None
) -> tuple[int, bytes]:
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request(
            "POST",
            path,
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/sparql-results+json",
            },
        )
        response = conn.getresponse()
        data = response.read()
        if response.getheader("Connection", "").lower() == "close":
            conn.close()
        return response.status, data
    finally:
        if own:
            conn.close()


def start(
    name: str, command: list[str], port: int, path: str, env: dict | None, log: Path
) -> subprocess.Popen:
    out = log.open("wb")
    process = subprocess.Popen(
        command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )
    out.close()
    wait_until_up(port, path, process)
    print(f"  {name} up on 127.0.0.1:{port}", file=sys.stderr)
    return process


def stop(process: subprocess.Popen) -> None:
    """Stop a server we started, by its process group (its workers included)."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


def serial_run(
    port: int, path: str, body: str, max_requests: int, seconds: float
) -> tuple[list[float], int]:
    """Latencies (ms) of requests sent one after another; and the count of non-200s."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    latencies, errors = [], 0
    stop_at = time.perf_counter() + seconds
    while len(latencies) < max_requests and time.perf_counter() < stop_at:
        begin = time.perf_counter()
        status, _ = post(port, path, body, conn)
        latencies.append((time.perf_counter() - begin) * 1000)
        errors += status != 200
    conn.close()
    return latencies, errors


def _client(args: tuple) -> tuple[int, int, float]:
    port, path, body, seconds, start_at = args
    while time.time() < start_at:
        time.sleep(0.001)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    done = errors = 0
    stop_at = time.perf_counter() + seconds
    while time.perf_counter() < stop_at:
        status, _ = post(port, path, body, conn)
        done += 1
        errors += status != 200
    return done, errors, seconds


def concurrent_run(pool, port: int, path: str, body: str, seconds: float) -> tuple[float, int]:
    """Requests per second with CONCURRENCY clients for `seconds`, and the non-200 count."""
    start_at = time.time() + 0.2
    begin = time.perf_counter()
    results = pool.map(_client, [(port, path, body, seconds, start_at)] * CONCURRENCY)
    elapsed = time.perf_counter() - begin - 0.2
    done = sum(r[0] for r in results)
    return done / max(elapsed, seconds), sum(r[1] for r in results)


WRK_SCRIPT = """wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Accept"] = "application/sparql-results+json"
local file = io.open([==[{body}]==], "rb")
wrk.body = file:read("*a")
file:close()
"""


def wrk_run(
    wrk: str, work: Path, port: int, path: str, body: str, seconds: float
) -> tuple[float, int]:
    """Requests per second with wrk at CONCURRENCY connections, and the count of non-2xx
    answers and socket errors."""
    body_file = work / "body.txt"
    body_file.write_text(body, encoding="utf-8")
    script = work / "post.lua"
    script.write_text(WRK_SCRIPT.format(body=body_file), encoding="utf-8")
    done = subprocess.run(
        [
            wrk,
            "-t2",
            f"-c{CONCURRENCY}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "60s",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", done.stdout).group(1))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", done.stdout))
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), "
        r"timeout (\d+)",
        done.stdout,
    )
    if socket_errors:
        # a server that closes each connection shows up as read errors in wrk: not failures
        errors += int(socket_errors.group(1)) + int(socket_errors.group(4))
    return rps, errors


def rows_of(data: bytes) -> int:
    parsed = json.loads(data)
    return len(parsed["results"]["bindings"]) if "results" in parsed else 1


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def build_data(target: Path) -> Path:
    from policykg.graph.pipeline import build_dataset
    from policykg.graph.rdfio import write_dataset

    write_dataset(build_dataset(), target)
    return target


def machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{os.cpu_count()} CPUs ({cpu or platform.processor()}), {mem} RAM, "
        f"Linux {platform.release()}, Python {platform.python_version()}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--data", type=Path, help="N-Quads file (default: build the bundled corpus)"
    )
    parser.add_argument("--seconds", type=float, default=3.0, help="time cap per measurement")
    parser.add_argument("--requests", type=int, default=300, help="request cap at concurrency 1")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument(
        "--python-client",
        action="store_true",
        help="measure c=8 with 8 Python client processes even if wrk is found",
    )
    args = parser.parse_args()
    wrk = None if args.python_client else shutil.which("wrk")

    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="policykg-bench-") as tmp, ExitStack() as stack:
        work = Path(tmp)
        data = args.data or build_data(work / "bundled.nq")
        triples = sum(1 for line in data.read_text(encoding="utf-8").splitlines() if line.strip())
        print(f"data: {data} ({triples} quads)", file=sys.stderr)

        subprocess.run(
            [str(BIN / "oxigraph"), "load", "--location", str(work / "oxdb"), "--file", str(data)],
            check=True,
            capture_output=True,
        )
        servers: dict[str, tuple[int, str]] = {}
        ports = {
            name: free_port()
            for name in (
                POLICYKG,
                POLICYKG_NO_CACHE,
                POLICYKG_GUNICORN,
                "oxigraph serve",
                "rdflib-endpoint",
            )
        }
        env = dict(os.environ, POLICYKG_DATA=str(data))
        env_no_cache = dict(env, POLICYKG_ANSWER_CACHE_BYTES="0")
        commands = {
            POLICYKG: (granian(ports[POLICYKG], data), "/sparql", env),
            POLICYKG_NO_CACHE: (granian(ports[POLICYKG_NO_CACHE], data), "/sparql", env_no_cache),
            POLICYKG_GUNICORN: (gunicorn(ports[POLICYKG_GUNICORN]), "/sparql", env),
            "oxigraph serve": (
                [
                    str(BIN / "oxigraph"),
                    "serve-read-only",
                    "--location",
                    str(work / "oxdb"),
                    "--bind",
                    f"127.0.0.1:{ports['oxigraph serve']}",
                    "--union-default-graph",
                ],
                "/query",
                None,
            ),
            "rdflib-endpoint": (
                [
                    str(BIN / "rdflib-endpoint"),
                    "serve",
                    str(data),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(ports["rdflib-endpoint"]),
                ],
                "/",
                None,
            ),
        }
        for name, (command, path, server_env) in commands.items():
            process = start(name, command, ports[name], path, server_env, work / f"{name}.log")
            stack.callback(stop, process)
            servers[name] = (ports[name], path)

        pool = stack.enter_context(multiprocessing.get_context("fork").Pool(CONCURRENCY))
        rows: list[dict] = []
        for query_file in QUERIES:
            body = urlencode({"query": query_file.read_text(encoding="utf-8")})
            counts = {}
            for name, (port, path) in servers.items():
                status, answer = post(port, path, body)
                counts[name] = rows_of(answer) if status == 200 else f"HTTP {status}"
            print(f"{query_file.name}: rows {counts}", file=sys.stderr)
            for name, (port, path) in servers.items():
                latencies, errors1 = serial_run(port, path, body, args.requests, args.seconds)
                if wrk:
                    rps8, errors8 = wrk_run(wrk, work, port, path, body, args.seconds)
                else:
                    rps8, errors8 = concurrent_run(pool, port, path, body, args.seconds)
                rows.append(
                    {
                        "query": query_file.stem,
                        "server": name,
                        "rows": counts[name],
                        "n": len(latencies),
                        "p50": statistics.median(latencies),
                        "p95": percentile(latencies, 95),
                        "rps1": len(latencies) / (sum(latencies) / 1000),
                        "rps8": rps8,
                        "errors": errors1 + errors8,
                    }
                )
                print(
                    f"  {name:16} p50 {rows[-1]['p50']:8.2f} ms  c8 {rps8:8.1f} rps",
                    file=sys.stderr,
                )

    table = render(rows)
    header = (
        f"# HTTP benchmark\n\nMachine: {machine()}; 1-minute load average "
        f"{load_before:.1f} before the run, {os.getloadavg()[0]:.1f} after it (the machine "
        f"is shared; the client runs on it too).\nData: {triples} quads. "
        f"Caps per measurement: {args.seconds:g} s, {args.requests} requests at c=1. "
        f"Requests: form POST, Accept: application/sparql-results+json. Clients: c=1 "
        f"Python http.client; c=8 {client_name(wrk)}.\n\n"
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(header + table, encoding="utf-8")
    print(header + table)
    return 0


def client_name(wrk: str | None) -> str:
    if not wrk:
        return f"{CONCURRENCY} Python http.client processes"
    version = subprocess.run([wrk, "-v"], capture_output=True, text=True).stdout.split()
    return f"{' '.join(version[:2]) if version else 'wrk'} (-t2 -c{CONCURRENCY})"


def render(rows: list[dict]) -> str:
    """The Markdown table, with ratios against oxigraph serve and rdflib-endpoint at c=8."""
    by = {(r["query"], r["server"]): r for r in rows}
    lines = [
        "| query | server | rows | c1 p50 ms | c1 p95 ms | c1 rps | c8 rps | "
        "c8 vs oxigraph serve | c8 vs rdflib-endpoint | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        ox_rps = by[(r["query"], "oxigraph serve")]["rps8"]
        rl_rps = by[(r["query"], "rdflib-endpoint")]["rps8"]
        lines.append(
            f"| {r['query']} | {r['server']} | {r['rows']} | {r['p50']:.2f} | {r['p95']:.2f} | "
            f"{r['rps1']:.0f} | {r['rps8']:.0f} | {r['rps8'] / ox_rps:.2f} | "
            f"{r['rps8'] / rl_rps:.1f} | {r['errors']} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if shutil.which("oxigraph", path=str(BIN)) is None:
        sys.exit("needs the bench extra: pip install -e '.[bench]'")
    sys.exit(main())
