"""HTTP to the one external store the operator names: `policykg push` and `serve --upstream`.

These are the only connections policykg ever opens, and only to the URL given: redirects
are refused (a store that answers with one is an error, never followed), proxies from the
environment are not used, and authentication is a header the operator gives or the
entry of the URL's host in a netrc file (the operator's ~/.netrc, or the file named).

`push` writes a dataset file's named graphs one by one with the SPARQL 1.1 Graph Store
HTTP Protocol: ``PUT {endpoint}?graph={name}`` with the graph as N-Triples, which
replaces the graph (a second push of a document replaces it, never duplicates it). The
file is parsed through once first (a syntax error sends nothing), each graph written to a
temporary N-Triples file, so memory holds a small buffer per graph, not the corpus.
"""

from __future__ import annotations

import netrc
import tempfile
import time
import urllib.error
import urllib.request
from base64 import b64encode
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlencode, urlsplit

import pyoxigraph as ox

from .errors import InputError, RDFSyntaxError, RemoteError

Progress = Callable[[str], None]


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not an instruction to connect elsewhere."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise urllib.error.HTTPError(args[1], args[2], "redirect refused", args[4], None)


@dataclass
class Remote:
    """One HTTP endpoint with its authentication; nothing else is ever contacted."""

    url: str
    headers: dict[str, str] = field(default_factory=dict)
    timeout: float = 60.0

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InputError(
                f"not an http(s) URL: {self.url!r}",
                hint="e.g. http://127.0.0.1:7878/store for `oxigraph serve`",
            )
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects())

    def request(
        self,
        method: str,
        url: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> tuple[str, bytes]:
        """(content type, body) of a request to ``url`` (which must be this endpoint's)."""
        if urlsplit(url)[:2] != urlsplit(self.url)[:2]:
            raise InputError(f"refused: {url} is not at {self.url}")
        request = urllib.request.Request(
            url, data=body, method=method, headers={**self.headers, **(headers or {})}
        )
        try:
            with self._opener.open(request, timeout=timeout or self.timeout) as answer:
                return answer.headers.get("Content-Type", ""), answer.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")[:300] if exc.fp else ""
            message = f"{self.url} answered {exc.code} {exc.reason}: {detail}".strip()
            raise RemoteError(message) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise RemoteError(f"{self.url} cannot be reached: {reason}") from None


def auth_headers(
    url: str, header: tuple[str, ...] = (), netrc_file: Path | None = None
) -> dict[str, str]:
    """The headers to send: each ``Name: value`` given, else Basic authentication from the
    netrc entry of the URL's host (the file named, or ~/.netrc when it exists)."""
    headers: dict[str, str] = {}
    for line in header:
        name, sep, value = line.partition(":")
        if not sep or not name.strip():
            raise InputError(f"not a header: {line!r}", hint="write it as 'Name: value'")
        headers[name.strip()] = value.strip()
    if "Authorization" not in headers:
        entry = _netrc_entry(urlsplit(url).hostname or "", netrc_file)
        if entry is not None:
            token = b64encode(f"{entry[0]}:{entry[1]}".encode()).decode("ascii")
            headers["Authorization"] = f"Basic {token}"
    return headers


def _netrc_entry(host: str, path: Path | None) -> tuple[str, str] | None:
    source = path or Path.home() / ".netrc"
    if path is None and not source.is_file():
        return None
    try:
        found = netrc.netrc(str(source)).authenticators(host)
    except (OSError, netrc.NetrcParseError) as exc:
        raise InputError(f"cannot read the netrc file {source}: {exc}") from None
    if found is None:
        return None
    login, _account, password = found
    return login or "", password or ""


# -- push -------------------------------------------------------------------------------------


# a graph's lines are kept in memory up to this many bytes, then appended to its file
_BUFFER_BYTES = 1 << 16


def _split_by_graph(graph_file: Path, folder: Path) -> dict[str, Path]:
    """Each named graph of the file as an N-Triples file in ``folder`` (by graph name),
    read through in one pass before anything is sent. Memory holds at most
    ``_BUFFER_BYTES`` of each graph; quads of the default graph are not pushed."""
    from .rdfio import dataset_file_format

    rdf_format = dataset_file_format(
        graph_file, "push sends the named graphs of an N-Quads (.nq) or TriG file"
    )
    files: dict[str, Path] = {}
    buffers: dict[str, list[str]] = {}
    sizes: dict[str, int] = {}

    def flush(name: str) -> None:
        with files[name].open("a", encoding="utf-8") as out:
            out.writelines(buffers[name])
        buffers[name], sizes[name] = [], 0

    quads = ox.parse(
        path=str(graph_file), format=rdf_format.oxigraph, base_iri=graph_file.resolve().as_uri()
    )
    try:
        for quad in quads:
            graph = quad.graph_name
            if not isinstance(graph, ox.NamedNode):
                continue
            name = graph.value
            if name not in files:
                files[name] = folder / f"{len(files)}.nt"
                buffers[name], sizes[name] = [], 0
            line = f"{quad.subject} {quad.predicate} {quad.object} .\n"
            buffers[name].append(line)
            sizes[name] += len(line)
            if sizes[name] > _BUFFER_BYTES:
                flush(name)
    except SyntaxError as exc:
        raise RDFSyntaxError(f"{graph_file}: {exc.msg}", line=exc.lineno) from None
    for name in files:
        flush(name)
    return dict(sorted(files.items()))


def push(
    graph_file: Path, remote: Remote, progress: Progress | None = None, connections: int = 4
) -> tuple[int, int, float]:
    """PUT every named graph of the file to the Graph Store endpoint, ``connections`` at a
    time: (graphs, triples, seconds)."""
    say = progress or (lambda _m: None)
    started = time.perf_counter()
    separator = "&" if "?" in remote.url else "?"

    def send(name: str, path: Path) -> int:
        body = path.read_bytes()
        remote.request(
            "PUT",
            f"{remote.url}{separator}{urlencode({'graph': name})}",
            body,
            {"Content-Type": "application/n-triples"},
        )
        return body.count(b"\n")

    sent = triples = 0
    with tempfile.TemporaryDirectory(prefix="policykg-push-") as folder:
        graphs = _split_by_graph(graph_file, Path(folder))
        if not graphs:
            raise InputError(f"{graph_file}: no named graphs to push")
        with ThreadPoolExecutor(connections) as pool:
            for count in pool.map(send, graphs.keys(), graphs.values()):
                sent, triples = sent + 1, triples + count
                if sent % 100 == 0 or sent == len(graphs):
                    say(f"pushed {sent:,}/{len(graphs):,} graphs")
    return sent, triples, time.perf_counter() - started
