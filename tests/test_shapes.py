"""SHACL validation: the bundled graph conforms, the shapes file is well formed, reports are
readable in both languages and standard, input files are read safely, and validation runs
one document at a time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, XSD

from policykg.cli.main import run_validate
from policykg.graph.errors import InputError, RDFSyntaxError
from policykg.graph.namespaces import ELI, NIF, PKG, SH
from policykg.graph.rdfio import read_dataset
from policykg.shapes.loading import load_shapes, shape_iri
from policykg.shapes.validate import validate_dataset, validation_units

DATA = Path(__file__).parent / "data" / "shapes"
MINIMAL = DATA / "minimal.trig"


# -- the shapes file -------------------------------------------------------------------------


def test_every_shape_has_bilingual_message_label_and_severity():
    shapes = load_shapes()
    named = {
        s
        for s in shapes.subjects(RDF.type, None)
        if isinstance(s, URIRef)
        and str(s).startswith("https://w3id.org/policykg/shapes#")
        and (s, RDF.type, SH.SPARQLTarget) not in shapes
    }
    assert len(named) > 30
    for shape in named:
        messages = {m.language for m in shapes.objects(shape, SH.message)}
        labels = {m.language for m in shapes.objects(shape, RDFS.label)}
        assert messages == {"zh", "en"}, shape
        assert labels == {"zh", "en"}, shape
        assert shapes.value(shape, SH.severity) in (SH.Violation, SH.Warning, SH.Info), shape


def test_sparql_is_used_only_at_document_level():
    """SHACL-SPARQL constraints sit on shapes whose focus is a document or its source text."""
    shapes = load_shapes()
    for shape in set(shapes.subjects(SH.sparql, None)):
        assert set(shapes.objects(shape, SH.targetClass)) <= {PKG.PolicyDocument, PKG.SourceText}, (
            shape
        )


# -- the bundled graph -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundled_result(bundled_dataset):
    return validate_dataset(bundled_dataset)


@pytest.mark.slow
def test_bundled_graph_conforms(bundled_result):
    assert bundled_result.conforms, bundled_result.text()
    assert bundled_result.by_severity("Violation") == []


@pytest.mark.slow
def test_bundled_graph_warnings_are_known(bundled_result):
    """Warnings the bundled graph still has (listed in the README): none at present."""
    warnings = {(r.shape, str(r.focus)) for r in bundled_result.by_severity("Warning")}
    assert warnings == set(), bundled_result.text()


def test_bundled_graph_is_validated_per_document(bundled_dataset):
    units, schema = validation_units(bundled_dataset)
    names = [u.name for u in units]
    assert any(n.endswith("/graph/doc/晋政办发/2022/77") for n in names)
    assert "reference" in names
    assert all(len(u.graphs) == 1 for u in units if u.name != "reference")
    assert len(schema) == 1


@pytest.mark.slow
def test_bundled_report_is_a_standard_conforming_report(bundled_result):
    g = bundled_result.report_graph
    report = g.value(None, RDF.type, SH.ValidationReport) or next(
        g.subjects(RDF.type, SH.ValidationReport)
    )
    assert g.value(report, SH.conforms) == Literal(True)


# -- a hand-made document: results, reports ---------------------------------------------------


@pytest.fixture()
def minimal():
    return read_dataset([MINIMAL])


def test_minimal_fixture_conforms_with_one_warning(minimal):
    result = validate_dataset(minimal)
    assert result.conforms
    assert [r.shape for r in result.results] == [shape_iri("UnregisteredAgency")]
    assert str(result.results[0].focus).endswith("agency/山西省测试局")


def broken_deadline(dataset):
    """The fixture with its deadline moved before the document's issue date."""
    g = dataset.graph(URIRef("https://w3id.org/policykg/graph/doc/晋政办发/2022/99"))
    bound = next(g.subjects(PKG.timeBoundType, PKG["bound-deadline"]))
    instant = URIRef("https://w3id.org/policykg/id/instant/2021-01-31")
    g.add((instant, RDF.type, URIRef("http://www.w3.org/2006/time#Instant")))
    g.add(
        (
            instant,
            URIRef("http://www.w3.org/2006/time#inXSDDate"),
            Literal("2021-01-31", datatype=XSD.date),
        )
    )
    g.set((bound, URIRef("http://www.w3.org/2006/time#hasEnd"), instant))
    return bound


def test_text_report_shows_message_focus_value_and_source_sentence(minimal):
    bound = broken_deadline(minimal)
    result = validate_dataset(minimal)
    assert not result.conforms
    text = result.text()
    assert "不符合 / does not conform" in text
    assert "期限早于文件的成文日期" in text and "lies before the document's issue date" in text
    assert "“山西省测试实施方案”" in text  # the focus (the document) with its label
    assert f"<{bound}> “执行期限至2023年4月30日”" in text  # the value with its label
    assert "原文 source: 延续执行降低失业保险费率政策" in text  # the measure's sentence
    assert "（省财政厅、省测试局按职责分工负责）" in text  # with its clause
    assert text.index("违规 / violation") < text.index("警告 / warning")


def test_text_report_shows_path(minimal):
    g = minimal.graph(URIRef("https://w3id.org/policykg/graph/doc/晋政办发/2022/99"))
    measure = next(g.subjects(RDF.type, PKG.Measure))
    g.remove((measure, PKG.text, None))
    text = validate_dataset(minimal).text()
    assert "路径 path: pkg:text" in text
    assert f"<{measure}>" in text


def test_turtle_and_json_reports_are_standard(minimal):
    broken_deadline(minimal)
    result = validate_dataset(minimal)
    report = Graph().parse(data=result.turtle(), format="turtle")
    node = next(report.subjects(RDF.type, SH.ValidationReport))
    assert report.value(node, SH.conforms) == Literal(False)
    results = list(report.objects(node, SH.result))
    shapes = {report.value(r, SH.sourceShape) for r in results}
    assert shapes == {shape_iri("DeadlineAfterIssue"), shape_iri("UnregisteredAgency")}
    for r in results:
        assert {m.language for m in report.objects(r, SH.resultMessage)} == {"zh", "en"}
        assert report.value(r, SH.focusNode) is not None
        assert report.value(r, SH.resultSeverity) in (SH.Violation, SH.Warning)
    parsed = json.loads(result.json())
    assert parsed
    again = Graph().parse(data=result.json(), format="json-ld")
    assert len(again) == len(report)


def test_span_check_counts_code_points(minimal):
    """anchorOf must equal the source's characters [begin, end) in code points."""
    g = minimal.graph(URIRef("https://w3id.org/policykg/graph/doc/晋政办发/2022/99"))
    measure = next(g.subjects(RDF.type, PKG.Measure))
    span = g.value(measure, PROV.wasDerivedFrom)
    end = int(g.value(span, NIF.endIndex))
    g.set((span, NIF.endIndex, Literal(str(end - 1), datatype=XSD.integer)))
    result = validate_dataset(minimal)
    found = [r for r in result.results if r.shape == shape_iri("SpanInSource")]
    assert [r.value for r in found] == [span]


def test_cross_document_link_is_resolved_in_another_graph(minimal):
    """The implements-link of a document points into the national reference graph: valid
    there, invalid once the national document is removed from the dataset."""
    assert validate_dataset(minimal).conforms
    national = minimal.graph(URIRef("https://w3id.org/policykg/graph/reference/national"))
    doc = URIRef("https://w3id.org/policykg/id/doc/国办发/2022/9")
    national.remove((doc, None, None))
    result = validate_dataset(minimal)
    assert shape_iri("ImplementsTarget") in result.shapes_reported()


def test_shared_node_described_in_two_documents_is_checked_as_one(minimal):
    """Two graphs giving one part two parents: each graph is fine, the union is not."""
    other = minimal.graph(URIRef("https://w3id.org/policykg/graph/doc/other"))
    part = URIRef("https://w3id.org/policykg/id/doc/晋政办发/2022/99/part/1")
    other.add((part, ELI.is_part_of, URIRef("https://w3id.org/policykg/id/doc/国办发/2022/9")))
    result = validate_dataset(minimal)
    assert shape_iri("PartParent") in result.shapes_reported()


# -- reading files ---------------------------------------------------------------------------


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "name, text, line, column",
    [
        ("bad.ttl", '@prefix ex: <http://ex/> .\nex:a ex:b ex:c .\nex:a ex:b "x ;\n', 3, 15),
        (
            "bad.nt",
            "<http://ex/a> <http://ex/b> <http://ex/c> .\n<http://ex/a> <http://ex/b> bad .\n",
            2,
            29,
        ),
        (
            "bad.nq",
            "<http://ex/a> <http://ex/b> <http://ex/c> <http://g> .\n"
            '<http://ex/a> <http://ex/b> "x" <http://g> junk\n',
            2,
            43,
        ),
        (
            "bad.trig",
            "@prefix ex: <http://ex/> .\n<http://g> { ex:a ex:b ex:c . \n ex:a ex:b }\n",
            3,
            11,
        ),
        (
            "bad.rdf",
            '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
            '<rdf:Description rdf:about="http://ex/a">\n<foo>\n</rdf:RDF>\n',
            5,
            3,
        ),
        ("bad.jsonld", '{"@id": "http://ex/a",\n "http://ex/p": [1,}', 2, 20),
    ],
)
def test_file_that_does_not_parse_reports_line_and_column(tmp_path, name, text, line, column):
    with pytest.raises(RDFSyntaxError) as info:
        read_dataset([write(tmp_path, name, text)])
    assert (info.value.line, info.value.column) == (line, column)
    assert f"line {line}, column {column}" in str(info.value)
    assert name in str(info.value)


def test_unknown_extension_is_refused(tmp_path):
    with pytest.raises(InputError, match="unknown RDF format"):
        read_dataset([write(tmp_path, "data.foo", "hello world\n")])


def test_unknown_extension_with_turtle_content_is_sniffed(tmp_path):
    path = write(tmp_path, "data.foo", "@prefix ex: <http://ex/> .\nex:a ex:b ex:c .\n")
    assert len(read_dataset([path])) == 1


def test_empty_file_is_refused(tmp_path):
    with pytest.raises(InputError, match="empty"):
        read_dataset([write(tmp_path, "empty.ttl", "  \n")])


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_dataset([tmp_path / "missing.nq"])


def test_folder_is_refused_as_a_folder(tmp_path):
    folder = tmp_path / "graphs.nq"
    folder.mkdir()
    with pytest.raises(InputError, match="is a folder") as info:
        read_dataset([folder])
    assert "no such file" not in str(info.value)


def test_unreadable_file_is_an_input_error(tmp_path, monkeypatch):
    path = write(tmp_path, "secret.ttl", "@prefix ex: <http://ex/> .\nex:a ex:b ex:c .\n")

    def refuse(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)  # root reads any file: refuse by hand
    with pytest.raises(InputError, match="secret.ttl: cannot be read") as info:
        read_dataset([path])
    assert info.value.exit_code == 2
    assert "Permission denied" in str(info.value)


def test_rdfxml_with_doctype_is_refused(tmp_path):
    text = (
        '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n'
    )
    with pytest.raises(InputError, match="DOCTYPE"):
        read_dataset([write(tmp_path, "dtd.rdf", text)])


@pytest.mark.parametrize(
    "context",
    [
        '"http://127.0.0.1:9/context.jsonld"',
        '["file:///etc/passwd", {"ex": "http://ex/"}]',
        '{"@import": "http://127.0.0.1:9/c", "ex": "http://ex/"}',
    ],
)
def test_jsonld_with_remote_context_is_refused(tmp_path, context):
    text = '{"@context": ' + context + ', "@id": "http://ex/a", "http://ex/p": "x"}'
    with pytest.raises(InputError, match="remote @context"):
        read_dataset([write(tmp_path, "remote.jsonld", text)])


def test_jsonld_with_embedded_context_loads(tmp_path):
    text = '{"@context": {"ex": "http://ex/"}, "@id": "ex:a", "ex:p": "x"}'
    dataset = read_dataset([write(tmp_path, "ok.jsonld", text)])
    assert len(dataset) == 1


def test_every_format_loads_the_same_triples(tmp_path):
    graph = Graph()
    for s, p, o, _g in read_dataset([MINIMAL]).quads((None, None, None, None)):
        graph.add((s, p, o))
    counts = set()
    for suffix, fmt in (("ttl", "turtle"), ("nt", "nt"), ("rdf", "xml"), ("jsonld", "json-ld")):
        path = tmp_path / f"x.{suffix}"
        graph.serialize(path, format=fmt, encoding="utf-8")
        counts.add(len(read_dataset([path])))
    assert len(counts) == 1


def test_named_graphs_survive_nquads_and_trig(tmp_path):
    dataset = read_dataset([MINIMAL])
    path = tmp_path / "x.nq"
    dataset.serialize(path, format="nquads", encoding="utf-8")
    again = read_dataset([path])
    names = {g.identifier for g in again.graphs() if len(g)}
    assert URIRef("https://w3id.org/policykg/graph/doc/晋政办发/2022/99") in names


# -- the command's logic ------------------------------------------------------------------------


@pytest.mark.slow
def test_run_validate_exit_codes(tmp_path, bundled_nq):
    code, output = run_validate([bundled_nq], fmt="text", owl=False)
    assert code == 0, output
    assert "符合 / conforms" in output

    broken = read_dataset([MINIMAL])
    broken_deadline(broken)
    path = tmp_path / "broken.trig"
    broken.serialize(path, format="trig", encoding="utf-8")
    code, output = run_validate([path], fmt="json", owl=False)
    assert code == 1
    assert json.loads(output)

    with pytest.raises(RDFSyntaxError) as info:
        run_validate([write(tmp_path, "bad.ttl", "@prefix ex <x> .")], owl=False)
    assert info.value.exit_code == 2
    assert "line 1" in str(info.value)

    with pytest.raises(InputError) as info:
        run_validate([path], fmt="yaml", owl=False)
    assert info.value.exit_code == 2


def test_run_validate_with_own_shapes_file(tmp_path):
    shapes = write(
        tmp_path,
        "shapes.ttl",
        """
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix pkg: <https://w3id.org/policykg/ontology#> .
        @prefix ex: <http://ex/> .
        ex:NeedsNotice a sh:PropertyShape ; sh:targetClass pkg:PolicyDocument ;
            sh:path pkg:noticeTitle ; sh:minCount 1 ;
            sh:message "须有通知标题"@zh , "needs a notice title"@en .
    """,
    )
    code, output = run_validate([MINIMAL], shapes=shapes, fmt="ttl", owl=False)
    assert code == 1
    report = Graph().parse(data=output, format="turtle")
    assert {report.value(r, SH.sourceShape) for r in report.objects(None, SH.result)} == {
        URIRef("http://ex/NeedsNotice")
    }


def test_validate_command_keeps_errors_out_of_the_report(tmp_path):
    """`policykg validate --format ttl > report.ttl`: an error goes to stderr, not stdout."""
    from click.testing import CliRunner

    from policykg.cli.main import main

    bad = write(tmp_path, "bad.ttl", "@prefix ex <x> .")
    result = CliRunner().invoke(main, ["validate", str(bad), "--format", "ttl", "--no-owl"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "error:" in result.stderr and "line 1" in result.stderr


SERVICE_SHAPES = """
    @prefix sh: <http://www.w3.org/ns/shacl#> .
    @prefix pkg: <https://w3id.org/policykg/ontology#> .
    @prefix ex: <http://ex/> .
"""


@pytest.mark.parametrize(
    "select",
    [
        "SELECT ?this WHERE {{ SERVICE <http://127.0.0.1:{port}/> {{ ?this ?p ?o }} }}",
        "SELECT ?this WHERE {{ ?this ?q ?r . "
        "OPTIONAL {{ SERVICE SILENT <http://127.0.0.1:{port}/sparql> {{ ?this ?p ?o }} }} }}",
        "SELECT ?this WHERE {{ ?this ?q ?r . "
        "FILTER EXISTS {{ SERVICE <http://127.0.0.1:{port}/> {{ ?this ?p ?o }} }} }}",
        "SELECT ?this WHERE {{ {{ SELECT ?this WHERE {{ SERVICE <http://127.0.0.1:{port}/> "
        "{{ ?this ?p ?o }} }} }} }}",
    ],
)
def test_shapes_query_with_service_is_refused_without_a_request(tmp_path, listener, select):
    """A SPARQL target of user-supplied shapes naming a SERVICE: refused, nothing requested."""
    port, hits = listener
    query = select.format(port=port)
    shapes = write(
        tmp_path,
        "service.ttl",
        SERVICE_SHAPES
        + f"""
        ex:Remote a sh:NodeShape ; sh:nodeKind sh:IRI ;
            sh:target [ a sh:SPARQLTarget ; sh:select \"\"\"{query}\"\"\" ] .
    """,
    )
    with pytest.raises(InputError, match="SERVICE") as info:
        run_validate([MINIMAL], shapes=shapes, owl=False)
    assert info.value.exit_code == 2
    assert hits == []


def test_shapes_constraint_with_service_is_an_input_error(tmp_path, listener):
    """pySHACL refuses SERVICE in a SPARQL constraint itself: a clear error, no crash."""
    port, hits = listener
    shapes = write(
        tmp_path,
        "service.ttl",
        SERVICE_SHAPES
        + f"""
        ex:Remote a sh:NodeShape ; sh:targetClass pkg:PolicyDocument ;
            sh:sparql [ sh:select \"\"\"SELECT $this WHERE {{
                SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}\"\"\" ] .
    """,
    )
    with pytest.raises(InputError, match="SERVICE"):
        run_validate([MINIMAL], shapes=shapes, owl=False)
    assert hits == []


def test_shapes_query_with_from_is_refused_without_a_request(tmp_path, listener):
    port, hits = listener
    shapes = write(
        tmp_path,
        "from.ttl",
        SERVICE_SHAPES
        + f"""
        ex:Remote a sh:NodeShape ; sh:nodeKind sh:IRI ;
            sh:target [ a sh:SPARQLTarget ; sh:select \"\"\"SELECT ?this
                FROM <http://127.0.0.1:{port}/data.ttl> WHERE {{ ?this ?p ?o }}\"\"\" ] .
    """,
    )
    with pytest.raises(InputError, match="FROM"):
        run_validate([MINIMAL], shapes=shapes, owl=False)
    assert hits == []


def test_shapes_query_that_does_not_parse_is_an_input_error(tmp_path):
    shapes = write(
        tmp_path,
        "broken.ttl",
        SERVICE_SHAPES
        + """
        ex:Broken a sh:NodeShape ; sh:nodeKind sh:IRI ;
            sh:target [ a sh:SPARQLTarget ; sh:select "SELECT ?this WHERE { ?this" ] .
    """,
    )
    with pytest.raises(InputError, match="does not parse") as info:
        run_validate([MINIMAL], shapes=shapes, owl=False)
    assert info.value.exit_code == 2


def test_updates_are_refused_on_the_validated_graph(listener):
    from policykg.graph.errors import QueryRefused
    from policykg.shapes.sandbox import PreparedQueryGraph

    port, hits = listener
    graph = PreparedQueryGraph()
    for update in (
        f"LOAD <http://127.0.0.1:{port}/data.ttl>",
        "INSERT DATA { <http://ex/a> <http://ex/b> <http://ex/c> }",
    ):
        with pytest.raises(QueryRefused):
            graph.update(update)
    assert hits == [] and len(graph) == 0


def test_prepared_query_with_service_is_refused(listener):
    from rdflib.plugins.sparql import prepareQuery

    from policykg.graph.errors import QueryRefused
    from policykg.shapes.sandbox import PreparedQueryGraph

    port, hits = listener
    query = prepareQuery(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}")
    with pytest.raises(QueryRefused, match="SERVICE"):
        PreparedQueryGraph().query(query)
    assert hits == []


def test_shapes_queries_are_still_answered(minimal):
    """The refusal leaves ordinary queries alone, including those with prefixes from initNs."""
    from policykg.shapes.sandbox import PreparedQueryGraph

    graph = PreparedQueryGraph()
    for g in minimal.graphs():
        graph += g
    found = graph.query("SELECT ?d WHERE { ?d a pkg:PolicyDocument }", initNs={"pkg": PKG})
    assert {row.d for row in found} == set(graph.subjects(RDF.type, PKG.PolicyDocument))
    assert len(found) > 0
    assert bool(graph.query(f"ASK {{ ?d a <{PKG.PolicyDocument}> }}").askAnswer)


@pytest.mark.parametrize("before", [True, False])
def test_graph_loading_is_restored_after_validation(minimal, monkeypatch, before):
    import rdflib.plugins.sparql

    # whatever the process had set (the rdflib engine turns loading off for good)
    monkeypatch.setattr(rdflib.plugins.sparql, "SPARQL_LOAD_GRAPHS", before)
    validate_dataset(minimal)
    assert rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS is before


def test_shapes_namespace_is_declared_once():
    from policykg.graph.namespaces import PKGSH, PREFIXES
    from policykg.shapes.owl import OWL_SHAPE
    from policykg.shapes.report import JSONLD_CONTEXT

    assert shape_iri("DocumentTitle") == PKGSH.DocumentTitle
    assert PKGSH.OwlConsistency == OWL_SHAPE
    assert JSONLD_CONTEXT["pkgsh"] == str(PKGSH)
    assert all(PREFIXES[p] == iri for p, iri in JSONLD_CONTEXT.items() if p != "pkgsh")


def test_link_to_a_node_described_nowhere_is_reported(minimal):
    """A cited document that no graph describes is reported (it belongs to no unit)."""
    g = minimal.graph(URIRef("https://w3id.org/policykg/graph/doc/晋政办发/2022/99"))
    measure = next(g.subjects(PKG.cites, None))
    g.add((measure, PKG.cites, URIRef("https://w3id.org/policykg/id/work/不存在的文件")))
    result = validate_dataset(minimal)
    found = [r for r in result.results if r.shape == shape_iri("CitedDocumentTitle")]
    assert [str(r.focus) for r in found] == ["https://w3id.org/policykg/id/work/不存在的文件"]


def with_copies(dataset, copies: int):
    """The dataset with its document graph copied under other document numbers."""
    from rdflib import Dataset

    out = Dataset()
    for graph in dataset.graphs():
        target = out.graph(graph.identifier)
        target.addN((s, p, o, target) for s, p, o in graph)
    doc_graph = dataset.graph(URIRef("https://w3id.org/policykg/graph/doc/晋政办发/2022/99"))
    for k in range(1, copies + 1):

        def rename(term, k=k):
            if isinstance(term, URIRef) and "/晋政办发/2022/99" in term:
                return URIRef(term.replace("/晋政办发/2022/99", f"/晋政办发/2022/99{k}", 1))
            return term

        target = out.graph(rename(doc_graph.identifier))
        target.addN((rename(s), p, rename(o), target) for s, p, o in doc_graph)
    return out


def test_a_documents_validation_does_not_grow_with_other_documents(minimal):
    """Each document is validated with its own context only: linear cost overall."""
    from policykg.shapes.loading import bundled_ontology
    from policykg.shapes.validate import SubjectIndex, schema_context, unit_data_graph

    sizes = []
    for copies in (0, 3):
        dataset = with_copies(minimal, copies)
        units, schema = validation_units(dataset)
        assert len([u for u in units if "/graph/doc/" in u.name]) == copies + 1
        unit = next(u for u in units if u.name.endswith("/graph/doc/晋政办发/2022/99"))
        index = SubjectIndex(dataset, {g.identifier for g in schema})
        context = schema_context([*schema, bundled_ontology()])
        sizes.append(len(unit_data_graph(unit, context, index)))
        result = validate_dataset(dataset)
        assert result.conforms
        # the unregistered agency all copies name is one node: reported once
        assert [str(r.focus) for r in result.by_severity("Warning")] == [
            "https://w3id.org/policykg/id/agency/山西省测试局"
        ]
    assert sizes[0] == sizes[1]
