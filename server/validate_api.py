"""POST /validate: an uploaded RDF graph checked against policykg's SHACL shapes.

The upload is Turtle, N-Triples, N-Quads, TriG or JSON-LD (a remote @context is refused)
or RDF/XML without DOCTYPE or ENTITY declarations — any RDF media type
policykg.graph.rdfio knows, by Content-Type; browsers can post a form with `data` and
`format` fields (the format names of /sparql). The size is capped by MAX_CONTENT_LENGTH on the
bytes read, chunked or not (413, server/bodies.py). Nothing is ever fetched: the unsafe
constructs are refused (policykg.graph.rdfio: remote JSON-LD contexts before parsing,
DTDs and entities by the XML parser itself), and parsing and validation run in a forked
child that cannot open network sockets (server/sandbox.py) and is killed at
VALIDATE_TIMEOUT, counted from the request's arrival (503). At most VALIDATE_WORKERS
uploads are checked at once, one per client (503 / 429 beyond). Relative IRIs of an
upload resolve against a neutral base, so no report shows a path of the server.

The answer is the SHACL validation report: Turtle (the default), JSON-LD (for
application/json too), the bilingual text report (text/plain) or any other RDF type by
Accept (RDF/XML for application/xml and text/xml too), or a readable HTML page for
browsers; an Accept none of these meets gets 406 listing them all. The header
X-Policykg-Conforms says true or false. A validation that runs is answered 200 whatever its verdict.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Response, g, render_template, request
from rdflib import Dataset, Graph
from rdflib.namespace import SH

from policykg.graph.errors import InputError, UnsupportedMediaType
from policykg.graph.rdfio import RdfFormat, format_for_media_type, parse_text

from .admission import client_address
from .executor import run_isolated
from .negotiation import (
    GRAPH,
    HTML,
    REPORT,
    content_type,
    media_type_named,
    negotiate,
    short_name,
)
from .serialize import rdflib_triples, write_description
from .sparql import service

validate_bp = Blueprint("validate", __name__, template_folder="templates")

UPLOAD_NAME = Path("upload")  # names the upload in error messages; never read
# Relative IRIs of an upload are resolved against this base, not against a path of the
# server (the reserved .invalid domain, RFC 6761, names nothing anywhere).
UPLOAD_BASE = "https://upload.invalid/"
# the renderings of a report made by policykg.shapes (the others are written here)
OWN_RENDERINGS = ("text/turtle", "application/ld+json", "text/plain")


@dataclass(frozen=True)
class CheckedUpload:
    """What the validation child sends back: the verdict, the report graph as N-Triples
    and the report's own renderings (OWN_RENDERINGS) by media type."""

    conforms: bool
    report_ntriples: bytes
    renderings: dict[str, str]


def _graph_format(media_type: str) -> RdfFormat:
    """The reader of one of the GRAPH offer's media types (policykg.graph.rdfio reads all)."""
    found = format_for_media_type(media_type)
    if found is None:
        raise LookupError(f"policykg.graph.rdfio reads no {media_type}, which GRAPH offers")
    return found


def _form_format() -> RdfFormat:
    """The format a browser's form names (format=turtle …: the names /sparql knows)."""
    name = request.form.get("format", "turtle")
    media_type = media_type_named(GRAPH, name)
    if media_type is None:
        raise InputError("format must be one of " + ", ".join(GRAPH.names()))
    return _graph_format(media_type)


def _upload() -> tuple[str, RdfFormat]:
    """The uploaded text and its format."""
    mimetype = request.mimetype
    if mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        text = request.form.get("data", "")
        if "file" in request.files and request.files["file"].filename:
            try:
                text = request.files["file"].read().decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise InputError(f"the uploaded file is not UTF-8 (byte {exc.start})") from None
        return text, _form_format()
    rdf_format = format_for_media_type(mimetype) if mimetype else None
    if rdf_format is None:
        raise UnsupportedMediaType(
            f"Content-Type {mimetype or '(none)'} is not accepted",
            hint="send one of " + ", ".join(GRAPH.types),
        )
    data = request.get_data()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"the upload is not UTF-8 (byte {exc.start})") from None
    return text, rdf_format


def _validate_text(text: str, rdf_format: RdfFormat) -> CheckedUpload:
    """Parse and validate (runs in the child)."""
    from policykg.shapes.validate import validate_dataset

    if not text.strip():
        raise InputError("the upload is empty")
    dataset = Dataset()
    parse_text(UPLOAD_NAME, text, rdf_format, dataset, base=UPLOAD_BASE)
    result = validate_dataset(dataset)
    return CheckedUpload(
        conforms=bool(result.conforms),
        report_ntriples=result.report_graph.serialize(format="nt", encoding="utf-8"),
        renderings={
            "text/turtle": result.turtle(),
            "application/ld+json": result.json(),
            "text/plain": result.text(),
        },
    )


@functools.cache
def _warm_up() -> None:
    """Import pySHACL and parse the shapes and ontology once, in the server process, so that
    every forked validation child starts with them (seconds otherwise, per upload)."""
    import pyshacl  # noqa: F401  (the import itself is the slow part)

    from policykg.shapes.loading import bundled_ontology, bundled_shapes

    bundled_shapes()
    bundled_ontology()


@validate_bp.route("/validate", methods=["GET", "POST"])
def validate() -> Response:
    """Validate an upload (POST), or show the upload form (GET)."""
    if request.method == "GET":
        return Response(
            render_template("validate.html", page=None, formats=_form_choices()),
            content_type="text/html; charset=utf-8",
        )
    text, rdf_format = _upload()
    wanted = negotiate(REPORT, request.headers.get("Accept"))
    _warm_up()
    state = service()
    with state.validations.admit(client_address()):
        remaining = g.arrival + state.config.validate_timeout - time.monotonic()
        report = run_isolated(_validate_text, text, rdf_format, timeout=max(remaining, 0.0))
    body: str | bytes
    if wanted == HTML:
        body = render_template(
            "validation-report.html",
            page=None,
            conforms=report.conforms,
            rows=_report_rows(Graph().parse(data=report.report_ntriples, format="nt")),
            text_report=report.renderings["text/plain"],
        )
    elif wanted in OWN_RENDERINGS:
        body = report.renderings[wanted]
    else:
        graph = Graph().parse(data=report.report_ntriples, format="nt")
        body = write_description(rdflib_triples(graph), wanted)
    response = Response(body, content_type=content_type(wanted))
    response.headers["X-Policykg-Conforms"] = "true" if report.conforms else "false"
    response.vary.add("Accept")
    return response


def _form_choices() -> list[tuple[str, str]]:
    """The form's format choices: (format= name, the format's name)."""
    return [(short_name(t), _graph_format(t).name) for t in GRAPH.types]


def _report_rows(report: Graph) -> list[tuple[str, ...]]:
    """One row per SHACL result: severity, focus node, path, message (local names)."""
    rows = []
    for result in report.objects(None, SH.result):
        cells = [
            report.value(result, p)
            for p in (SH.resultSeverity, SH.focusNode, SH.resultPath, SH.resultMessage)
        ]
        rows.append(tuple(str(c).rsplit("#", 1)[-1] if c is not None else "" for c in cells))
    return rows
