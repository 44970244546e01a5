"""POST /validate: an uploaded RDF graph checked against policykg's SHACL shapes.

The upload is Turtle, N-Triples, N-Quads, TriG or JSON-LD (a remote @context is refused)
or RDF/XML without DOCTYPE or ENTITY declarations, by Content-Type; browsers can post a
form with `data` and `format` fields. The size is capped by MAX_CONTENT_LENGTH on the
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
import html
import time
from pathlib import Path

from flask import Blueprint, Response, current_app, g, request
from rdflib import Dataset, Graph
from rdflib.namespace import SH

from policykg.graph.errors import InputError, NotAcceptable, UnsupportedMediaType
from policykg.graph.rdfio import RdfFormat, format_for_media_type, parse_text

from .admission import client_address
from .description import serialize_graph
from .executor import run_isolated
from .protocol import GRAPH_TYPES, content_type

validate_bp = Blueprint("validate", __name__)

# the form's format field: names the query page uses for these media types too
FORM_FORMATS = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "nquads": "application/n-quads",
    "trig": "application/trig",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
UPLOAD_NAME = Path("upload")  # names the upload in error messages; never read
# Relative IRIs of an upload are resolved against this base, not against a path of the
# server (the reserved .invalid domain, RFC 6761, names nothing anywhere).
UPLOAD_BASE = "https://upload.invalid/"


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
        media_type = FORM_FORMATS.get(request.form.get("format", "turtle"))
        if media_type is None:
            raise InputError("format must be one of " + ", ".join(FORM_FORMATS))
        return text, format_for_media_type(media_type)
    rdf_format = format_for_media_type(mimetype) if mimetype else None
    if rdf_format is None:
        raise UnsupportedMediaType(
            f"Content-Type {mimetype or '(none)'} is not accepted",
            hint="send one of " + ", ".join(FORM_FORMATS.values()),
        )
    data = request.get_data()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"the upload is not UTF-8 (byte {exc.start})") from None
    return text, rdf_format


def _validate_text(text: str, rdf_format: RdfFormat) -> dict[str, object]:
    """Parse and validate (runs in the child): the verdict and the report in every rendering."""
    from policykg.shapes.validate import validate_dataset

    if not text.strip():
        raise InputError("the upload is empty")
    dataset = Dataset()
    parse_text(UPLOAD_NAME, text, rdf_format, dataset, base=UPLOAD_BASE)
    result = validate_dataset(dataset)
    return {
        "conforms": bool(result.conforms),
        "text/turtle": result.turtle(),
        "application/ld+json": result.json(),
        "text/plain": result.text(),
        "nt": result.report_graph.serialize(format="nt", encoding="utf-8"),
    }


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
        return Response(_FORM_PAGE, content_type="text/html; charset=utf-8")
    text, fmt = _upload()
    wanted = _report_type()
    _warm_up()
    state = current_app.extensions["policykg"]
    with state.validations.admit(client_address()):
        remaining = g.arrival + state.config.validate_timeout - time.monotonic()
        report = run_isolated(_validate_text, text, fmt, timeout=max(remaining, 0.0))
    conforms = report["conforms"]
    if wanted == "text/html":
        graph = Graph().parse(data=report["nt"], format="nt")
        response = Response(
            _report_page(conforms, graph, report["text/plain"]),
            content_type="text/html; charset=utf-8",
        )
    elif wanted == "application/ld+json":
        response = Response(report["application/ld+json"], content_type="application/ld+json")
    elif wanted in ("text/turtle", "text/plain"):
        response = Response(report[wanted], content_type=content_type(wanted))
    else:
        graph = Graph().parse(data=report["nt"], format="nt")
        response = Response(serialize_graph(graph, wanted), content_type=content_type(wanted))
    response.headers["X-Policykg-Conforms"] = "true" if conforms else "false"
    response.vary.add("Accept")
    return response


# What a report can be written in, the default first; then what clients send for them.
REPORT_TYPES = [
    "text/turtle",
    "application/ld+json",
    "text/html",
    "text/plain",
    *(t for t in GRAPH_TYPES if t not in ("text/turtle", "application/ld+json")),
]
REPORT_ALIASES = {
    "application/json": "application/ld+json",
    "application/xml": "application/rdf+xml",
    "text/xml": "application/rdf+xml",
}


def _report_type() -> str:
    """The media type of the report from Accept (Turtle without one), or 406."""
    accept = request.accept_mimetypes
    if not accept:
        return REPORT_TYPES[0]
    best = accept.best_match([*REPORT_TYPES, *REPORT_ALIASES])
    if best is None:
        raise NotAcceptable(
            "none of the media types in Accept can be served for this report", REPORT_TYPES
        )
    return REPORT_ALIASES.get(best, best)


def _report_page(conforms: bool, report: Graph, text_report: str) -> str:
    """A readable HTML report: verdict and one table row per SHACL result."""
    rows = []
    for result in report.objects(None, SH.result):
        cells = [
            report.value(result, p)
            for p in (SH.resultSeverity, SH.focusNode, SH.resultPath, SH.resultMessage)
        ]
        rows.append(
            "<tr>"
            + "".join(
                f"<td>{html.escape(str(c).rsplit('#', 1)[-1] if c is not None else '')}</td>"
                for c in cells
            )
            + "</tr>"
        )
    verdict = "conforms" if conforms else f"does not conform ({len(rows)} results)"
    table = (
        (
            "<table><tr><th>severity</th><th>focus node</th><th>path</th><th>message</th></tr>"
            + "".join(rows)
            + "</table>"
        )
        if rows
        else ""
    )
    return (
        f"<!doctype html><html lang='en'><meta charset='utf-8'><title>SHACL report</title>"
        f"<h1>The upload {verdict}</h1>{table}<h2>Text report</h2>"
        f"<pre>{html.escape(text_report)}</pre><p><a href='/validate'>Validate another</a></p>"
        f"</html>"
    )


_FORM_PAGE = """<!doctype html><html lang="en"><meta charset="utf-8">
<title>Validate RDF against the policykg shapes</title>
<h1>Validate RDF against the policykg shapes</h1>
<form method="post" action="/validate" enctype="multipart/form-data">
<p><label>Format <select name="format">
<option value="turtle">Turtle</option><option value="trig">TriG</option>
<option value="ntriples">N-Triples</option><option value="nquads">N-Quads</option>
<option value="jsonld">JSON-LD</option><option value="rdfxml">RDF/XML</option></select></label></p>
<p><label>File <input type="file" name="file"></label></p>
<p><label>or paste it<br><textarea name="data" rows="16" cols="100"></textarea></label></p>
<p><button type="submit">Validate</button></p>
</form></html>
"""
