"""The `policykg` command: build, query, validate and serve policy graphs.

A thin layer: it parses arguments, calls one plain function of a stage, prints what it
returns, and maps policykg's exceptions to exit codes (0 success or conforms, 1 does not
conform, 2 bad input or usage). Nothing imports this module.

Run as the `policykg` program (`run`), every command but `serve` first puts its process
in the network sandbox (server/sandbox.py): building, querying, validating and exporting
never need the network, so no query, RDF file or ontology import they read can make
them connect anywhere. `main` is the click group without that step, for embedding.
"""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from policykg.graph.confine import READER_MEMORY, reader_limits
from policykg.graph.errors import InputError, PolicyKGError
from policykg.graph.publishing import DEFAULT_LICENSE
from policykg.graph.source import MAX_SOURCE_BYTES, source_size_limit

EXISTING_FILE = click.Path(path_type=Path, dir_okay=True)
READABLE_FILE = click.Path(path_type=Path, exists=True, dir_okay=False, readable=True)


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn policykg's exceptions into a message on stderr and their exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except PolicyKGError as err:
            click.echo(f"error: {err}", err=True)
            sys.exit(err.exit_code)
        except OSError as err:  # a file that vanished or cannot be read past click's checks
            where = f"{err.filename}: " if err.filename else ""
            click.echo(f"error: {where}{err.strerror or err}", err=True)
            sys.exit(2)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)

    return wrapper


def offline(command: Callable[..., Any]) -> Callable[..., Any]:
    """Run the command in the network sandbox when this process is the `policykg` program."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        options = click.get_current_context().find_root().obj
        if isinstance(options, dict) and options.get("sandbox"):
            from policykg.server.sandbox import enter_sandbox

            enter_sandbox()
        return command(*args, **kwargs)

    return wrapper


def output_option(help_text: str) -> Callable[..., Any]:
    """The --output option of a command that writes a file (its format from the extension)."""
    return click.option(
        "--output",
        "-o",
        type=click.Path(path_type=Path, dir_okay=False),
        required=True,
        help=help_text,
    )


def progress(message: str) -> None:
    """Progress lines go to stderr, so stdout stays clean for data."""
    click.echo(f"  {message}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="policykg")
def main() -> None:
    """policykg turns Chinese government policy documents into a knowledge graph."""


class StageBar:
    """A progress bar on stderr for each stage of a build (index, build), as ticks come."""

    def __init__(self) -> None:
        self.stage: str | None = None
        self.bar: Any = None
        self.shown = 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            self.close()
            self.stage, self.shown = stage, 0
            self.bar = click.progressbar(
                length=total, label=f"  {stage:<5}", file=sys.stderr, show_pos=True
            )
            self.bar.__enter__()
        self.bar.update(done - self.shown)
        self.shown = done
        if done >= total:
            self.close()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@main.command("build")
@click.argument("text_files", nargs=-1, type=EXISTING_FILE)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Graph file to write: .nq, .trig, .ttl, .nt or .jsonld (.nq and .nt are written "
    "as they are built; the others are assembled in memory).",
)
@click.option(
    "--store",
    type=click.Path(path_type=Path, file_okay=False),
    help="An Oxigraph store folder to write into (created if missing); each document "
    "replaces its own named graph there.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 256),
    default=None,
    help="Worker processes (default: the CPU count). The output is the same for any count.",
)
@click.option("--quiet", "-q", is_flag=True, help="Print only the summary.")
@click.option(
    "--max-input-bytes",
    type=click.IntRange(1),
    default=MAX_SOURCE_BYTES,
    show_default=True,
    help="Largest text file accepted (real documents are under 100 KB).",
)
@click.option(
    "--max-reader-memory",
    type=click.IntRange(16),
    default=READER_MEMORY // (1024 * 1024),
    show_default=True,
    help="MiB of memory the reader of one PDF, Word file or web page may use "
    "(a file that needs more is refused: a decompression bomb).",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Stop at the first file that cannot be built and write nothing "
    "(by default the other files are built and the failures listed).",
)
@click.option(
    "--license",
    "license_iri",
    default=DEFAULT_LICENSE,
    show_default=True,
    help="IRI of the licence the dataset's description states for the derived data.",
)
@reports_errors
@offline
def build_command(
    text_files: tuple[Path, ...],
    output: Path | None,
    store: Path | None,
    jobs: int | None,
    quiet: bool,
    max_input_bytes: int,
    max_reader_memory: int,
    strict: bool,
    license_iri: str,
) -> None:
    """Build the graph of TEXT_FILES (default: the bundled corpus) into --output and/or
    --store, document by document in --jobs processes.

    Exits 0 when every file was built and read without a break in its numbering; 2 when
    a file could not be built (the others are written unless --strict); 1 when the graph
    was written but a document's numbering breaks (fix the text and build again).
    """
    from policykg.graph.rdfio import check_destination, check_not_an_input
    from policykg.graph.stream import stream_build

    if not license_iri.startswith(("http://", "https://")):
        raise InputError(
            f"--license must be the IRI of a licence, not {license_iri!r}",
            hint=f"e.g. --license {DEFAULT_LICENSE}",
        )
    if output is None and store is None:
        raise InputError(
            "nothing to write: give --output FILE, --store DIR or both",
            hint="e.g. policykg build plans/ --output out/policykg.nq",
        )
    if output is not None:
        check_destination(output)  # refuse an unknown extension or folder before any work
        check_not_an_input(output, text_files)
    loader = None
    if store is not None:
        from policykg.graph.store import open_for_writing

        loader = open_for_writing(store)
    started = time.perf_counter()
    bar = None if quiet else StageBar()
    try:
        with (
            source_size_limit(max_input_bytes),
            reader_limits(max_reader_memory * 1024 * 1024),
        ):
            result = stream_build(
                list(text_files) or None,
                output,
                jobs=jobs,
                strict=strict,
                progress=None if quiet else progress,
                tick=bar,
                merged=loader.replace_graphs if loader is not None else None,
                license_iri=license_iri,
            )
    finally:
        if bar is not None:
            bar.close()
        if loader is not None:
            loader.close()
    for warning in capped(result.outcome.warnings):
        click.echo(f"warning: {warning}", err=True)
    summary = result.summary()
    took = time.perf_counter() - started
    if output is not None:
        click.echo(f"wrote {output} ({result.size:,} bytes) in {took:.2f} s")
    if store is not None:
        click.echo(f"stored {len(result.graphs):,} named graphs in {store} in {took:.2f} s")
    width = max(map(len, summary))
    for name, count in summary.items():
        click.echo(f"  {name:<{width}}  {count:>7,}")
    click.echo(
        f"  reference data {result.timings['reference'] * 1000:.0f} ms, "
        f"index {result.timings['index'] * 1000:.0f} ms, "
        f"documents {result.timings['extraction'] * 1000:.0f} ms, "
        f"merge {result.timings['rdf'] * 1000:.0f} ms"
    )
    click.echo("reading quality:")
    for name, quality in result.outcome.quality.items():
        problems = "; ".join(en for _, en in quality.problems())
        click.echo(f"  {name}: {quality}" + (f" — CHECK: {problems}" if problems else ""))
    sys.exit(build_exit_code(result.failures, result.outcome.numbering_breaks))


# Warnings printed per file before the rest are only counted.
MAX_WARNINGS_PER_FILE = 20


def capped(warnings: list[str]) -> list[str]:
    """The warnings, at most MAX_WARNINGS_PER_FILE per file, then how many more there are."""
    shown: list[str] = []
    counts: dict[str, int] = {}
    for warning in warnings:
        name = warning.split(": ", 1)[0]
        counts[name] = counts.get(name, 0) + 1
        if counts[name] <= MAX_WARNINGS_PER_FILE:
            shown.append(warning)
    shown += [
        f"{name}: … and {n - MAX_WARNINGS_PER_FILE:,} more warnings"
        for name, n in counts.items()
        if n > MAX_WARNINGS_PER_FILE
    ]
    return shown


def build_exit_code(failures: list[tuple[str, str]], breaks: list[str]) -> int:
    """Report the files that failed and the numbering that breaks; the build's exit code."""
    for _name, reason in failures:
        click.echo(f"error: not built: {reason}", err=True)
    if failures:
        click.echo(
            f"error: {len(failures)} file(s) could not be built; the graph holds the others. "
            "Fix or remove them and build again (--strict builds all or nothing).",
            err=True,
        )
        return 2
    if breaks:
        click.echo(
            f"error: the numbering breaks in {len(breaks)} place(s) (the warnings above say "
            "where); the graph was written, but items or measures after a break may be "
            "misplaced. Correct the numbers in the text (a number missing, repeated or "
            "mistyped) and build again.",
            err=True,
        )
        return 1
    return 0


@main.command("load")
@click.argument("graph_file", type=READABLE_FILE)
@click.option(
    "--store",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="The Oxigraph store folder (created if missing).",
)
@reports_errors
@offline
def load_command(graph_file: Path, store: Path) -> None:
    """Bulk-load GRAPH_FILE (N-Quads or TriG) into the on-disk store --store; each of its
    named graphs replaces the store's graph of that name."""
    from policykg.graph.store import load_file

    started = time.perf_counter()
    quads, graphs = load_file(graph_file, store)
    click.echo(
        f"loaded {len(graphs):,} named graphs from {graph_file} into {store} "
        f"({quads:,} quads in the store) in {time.perf_counter() - started:.2f} s"
    )


def remote_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--header and --netrc: how `push` and `serve --upstream` authenticate."""
    command = click.option(
        "--netrc",
        "netrc_file",
        type=READABLE_FILE,
        help="A netrc file with the store host's login (default: ~/.netrc when present).",
    )(command)
    return click.option(
        "--header",
        "-H",
        multiple=True,
        help="A header sent with every request, e.g. 'Authorization: Bearer …' (repeatable).",
    )(command)


@main.command("push")
@click.argument("graph_file", type=READABLE_FILE)
@click.option(
    "--endpoint",
    required=True,
    help="The store's SPARQL 1.1 Graph Store endpoint (oxigraph serve: http://host:7878/store).",
)
@remote_options
@click.option("--timeout", type=click.FloatRange(1), default=120.0, show_default=True)
@reports_errors
def push_command(
    graph_file: Path,
    endpoint: str,
    header: tuple[str, ...],
    netrc_file: Path | None,
    timeout: float,
) -> None:
    """Write each named graph of GRAPH_FILE (N-Quads or TriG) to an external store with the
    Graph Store HTTP Protocol (PUT: a graph pushed again replaces its namesake).

    The only connections made are to --endpoint (no redirects followed, no proxies)."""
    from policykg.graph.remote import Remote, auth_headers, push

    remote = Remote(endpoint, auth_headers(endpoint, header, netrc_file), timeout)
    graphs, triples, seconds = push(graph_file, remote, progress)
    click.echo(
        f"pushed {graphs:,} named graphs ({triples:,} triples) to {endpoint} in {seconds:.1f} s"
    )


@main.command("query")
@click.argument("query_file", type=READABLE_FILE)
@click.option("--data", type=READABLE_FILE, help="Graph file (default: the bundled corpus).")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "tsv", "json"]), default="csv", show_default=True
)
@click.option(
    "--engine", type=click.Choice(["oxigraph", "rdflib"]), default="oxigraph", show_default=True
)
@reports_errors
@offline
def query_command(query_file: Path, data: Path | None, fmt: str, engine: str) -> None:
    """Run the SPARQL query in QUERY_FILE and print its results."""
    click.echo(run_query_file(query_file, data, fmt, engine=engine), nl=False)


# the media types of the --format names of `policykg query`
QUERY_FORMATS = {
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "json": "application/sparql-results+json",
}


def run_query_file(
    path: Path | str, data: Path | str | None = None, format: str = "csv", engine: str = "oxigraph"
) -> str:
    """The answer to the query in `path` over `data` (None: the bundled corpus) as text.

    `format` is csv | tsv | json (SPARQL 1.1 result formats) for SELECT and ASK; a
    CONSTRUCT or DESCRIBE answer is written as Turtle whatever the format.
    """
    from policykg.server.engine import open_engine

    if format not in QUERY_FORMATS:
        raise InputError(f"unknown format {format!r}", hint="use csv, tsv or json")
    try:
        sparql = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read query file {path}: {exc}") from exc
    result = open_engine(engine, data).query(sparql)
    media_type = "text/turtle" if result.kind == "graph" else QUERY_FORMATS[format]
    return result.serialize(media_type).decode("utf-8")


@main.command("validate")
@click.argument("graph_files", nargs=-1, type=EXISTING_FILE)
@click.option("--shapes", type=EXISTING_FILE, help="SHACL shapes (default: policykg's).")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "ttl", "json"]), default="text", show_default=True
)
@click.option("--no-owl", is_flag=True, help="Skip the OWL consistency check.")
@click.option(
    "--store",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="Validate an on-disk store with SHACL: only the graphs changed since their last "
    "validation (the records are kept in the store's folder).",
)
@click.option("--revalidate", is_flag=True, help="With --store: validate every graph again.")
@click.option(
    "--jobs", "-j", type=click.IntRange(1, 256), default=None, help="With --store: processes."
)
@reports_errors
@offline
def validate_command(
    graph_files: tuple[Path, ...],
    shapes: Path | None,
    fmt: str,
    no_owl: bool,
    store: Path | None,
    revalidate: bool,
    jobs: int | None,
) -> None:
    """Validate GRAPH_FILES (default: the bundled graph) with SHACL and OWL, or the store
    --store with SHACL."""
    if store is not None:
        if graph_files:
            raise InputError("give GRAPH_FILES or --store, not both")
        from policykg.shapes.storevalidate import validate_store

        result = validate_store(store, shapes, jobs, revalidate, progress)
        text = result.render(fmt)
        click.echo(text, nl=not text.endswith("\n"))
        sys.exit(0 if result.conforms else 1)
    code, text = run_validate(list(graph_files), shapes, fmt, owl=not no_owl, progress=progress)
    click.echo(text, nl=not text.endswith("\n"))
    sys.exit(code)


def run_validate(
    paths: list[Path] | None,
    shapes: Path | None = None,
    fmt: str = "text",
    owl: bool = True,
    progress: Callable[[str], None] | None = None,
) -> tuple[int, str]:
    """`policykg validate`: the exit code (0 conforms, 1 does not) and the report.

    Without paths the bundled corpus is built and validated. HermiT starts only once the
    input and the shapes have been read. Bad input (a file, the shapes, the format) raises
    a PolicyKGError whose exit code is never 1, which means "does not conform".
    """
    from policykg.shapes.loading import load_input, load_shapes
    from policykg.shapes.validate import validate_with_owl

    say = progress or (lambda _message: None)
    try:
        say("loading the graph …" if paths else "building the bundled graph …")
        dataset = load_input(paths)
        shapes_graph = load_shapes(shapes)
        result = validate_with_owl(dataset, shapes_graph, owl=owl, progress=progress)
        return (0 if result.conforms else 1), result.render(fmt)
    except PolicyKGError as exc:
        if exc.exit_code == 1:  # 1 is the verdict "does not conform", never an error
            raise InputError(exc.message, hint=exc.hint) from exc
        raise


@main.command("export")
@click.argument("view", type=click.Choice(["eli", "schema"]))
@click.option("--data", type=READABLE_FILE, help="Graph file (default: the bundled corpus).")
@output_option("File to write: .ttl, .nt or .jsonld (schema.org JSON-LD is framed).")
@reports_errors
@offline
def export_command(view: str, data: Path | None, output: Path) -> None:
    """Write the graph in the ELI or schema.org vocabulary (VIEW: eli | schema)."""
    from policykg.server.exports import write_view

    size = write_view(view, data, output)
    click.echo(f"wrote the {view} view to {output} ({size:,} bytes)")


@main.command("serve")
@click.option("--data", type=READABLE_FILE, help="Graph file (default: build the bundled corpus).")
@click.option(
    "--store",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="Serve an on-disk store (policykg load / build --store) instead of --data.",
)
@click.option(
    "--upstream",
    help="Answer every query with this SPARQL endpoint instead of local data "
    "(its default graph must be the union of its named graphs).",
)
@remote_options
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--engine", type=click.Choice(["oxigraph", "rdflib"]), default=None)
@click.option(
    "--allow-nonconforming",
    is_flag=True,
    help="Serve a graph even when it does not conform to the shapes.",
)
@click.option(
    "--front",
    type=click.Choice(["granian"]),
    default="granian",
    show_default=True,
    help="The HTTP server in front of the app (gunicorn only behind a buffering proxy: "
    "see docs/endpoint.md).",
)
@click.option(
    "--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="Worker processes."
)
@reports_errors
def serve_command(
    data: Path | None,
    store: Path | None,
    upstream: str | None,
    header: tuple[str, ...],
    netrc_file: Path | None,
    host: str,
    port: int,
    engine: str | None,
    allow_nonconforming: bool,
    front: str,
    workers: int,
) -> None:
    """Build (or load), validate and serve the graph over SPARQL and linked-data pages."""
    from policykg.server.serve import serve

    if store is not None and (data is not None or engine not in (None, "oxigraph")):
        raise InputError(
            "--store is served alone, by the oxigraph engine",
            hint="give either --data FILE or --store DIR",
        )
    if upstream is not None and (data is not None or store is not None or engine):
        raise InputError(
            "--upstream answers every query: no --data, --store or --engine with it",
        )
    remote = None
    if upstream is not None:
        from policykg.graph.remote import auth_headers

        remote = (upstream, auth_headers(upstream, header, netrc_file))
    serve(
        data=data,
        store=store,
        upstream=remote,
        host=host,
        port=port,
        engine=engine,
        allow_nonconforming=allow_nonconforming,
        progress=progress,
        front=front,
        workers=workers,
    )


def run() -> None:
    """The `policykg` program: the commands, those that need no network sandboxed."""
    main(obj={"sandbox": True})


if __name__ == "__main__":
    run()
