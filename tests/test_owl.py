"""The OWL check: HermiT finds the bundled graph consistent, finds mistyped data
inconsistent, and the report names the nodes and classes involved."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from policykg.cli.main import run_validate
from policykg.graph.namespaces import PKG
from policykg.graph.rdfio import read_dataset
from policykg.shapes.owl import OWL_SHAPE, check_consistency

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs java"),
]

DATA = Path(__file__).parent / "data" / "shapes"
DOC_GRAPH = URIRef("https://w3id.org/policykg/graph/doc/晋政办发/2022/99")


def test_bundled_graph_is_consistent(bundled_dataset):
    outcome = check_consistency(bundled_dataset)
    assert outcome.consistent, outcome.text()
    assert outcome.conflicts == []


def test_node_typed_agency_and_measure_is_inconsistent():
    dataset = read_dataset([DATA / "minimal.trig"])
    g = dataset.graph(DOC_GRAPH)
    measure = sorted(g.subjects(RDF.type, PKG.Measure), key=str)[0]
    g.add((measure, RDF.type, PKG.Agency))
    outcome = check_consistency(dataset)
    assert not outcome.consistent
    assert [c.node for c in outcome.conflicts] == [measure]
    conflict = outcome.conflicts[0]
    assert set(conflict.classes) == {PKG.Agency, PKG.Measure}
    assert str(measure) in conflict.message_en and "pkg:Agency" in conflict.message_en
    assert "pkg:Measure" in conflict.message_en and "disjoint" in conflict.message_en
    assert "不相交" in conflict.message_zh
    assert "Exception" not in outcome.text()


def test_range_of_a_property_explains_an_inconsistency():
    """A measure used as the agent of a responsibility is an agency by pkg:agent's range."""
    dataset = read_dataset([DATA / "minimal.trig"])
    g = dataset.graph(DOC_GRAPH)
    measure = sorted(g.subjects(RDF.type, PKG.Measure), key=str)[0]
    resp = sorted(g.subjects(RDF.type, PKG.Responsibility), key=str)[0]
    g.set((resp, PKG.agent, measure))
    outcome = check_consistency(dataset)
    assert not outcome.consistent
    assert any(
        c.node == measure and "range of pkg:agent" in c.message_en for c in outcome.conflicts
    )


def test_functional_property_with_two_values_is_explained():
    dataset = read_dataset([DATA / "minimal.trig"])
    g = dataset.graph(DOC_GRAPH)
    item = sorted(g.subjects(RDF.type, PKG.Item), key=str)[0]
    g.add((item, PKG.ordinal, Literal("42", datatype=XSD.positiveInteger)))
    outcome = check_consistency(dataset)
    assert not outcome.consistent
    assert any(c.node == item and "pkg:ordinal" in c.message_en for c in outcome.conflicts)


def test_functional_property_with_an_iri_value_is_explained():
    """A functional datatype property given a literal and an IRI: the clash is named (the
    explanation compared every value as a literal and failed on the IRI)."""
    from policykg.shapes.loading import bundled_ontology
    from policykg.shapes.owl import explain

    dataset = read_dataset([DATA / "minimal.trig"])
    g = dataset.graph(DOC_GRAPH)
    item = sorted(g.subjects(RDF.type, PKG.Item), key=str)[0]
    g.add((item, PKG.ordinal, URIRef("http://example.org/not-a-number")))
    conflicts = [c for c in explain(bundled_ontology(), [g]) if c.node == item]
    assert len(conflicts) == 1
    assert "pkg:ordinal" in conflicts[0].message_en
    assert "http://example.org/not-a-number" in conflicts[0].message_en


def test_inconsistency_makes_validate_fail_with_a_readable_report(tmp_path):
    dataset = read_dataset([DATA / "minimal.trig"])
    g = dataset.graph(DOC_GRAPH)
    measure = sorted(g.subjects(RDF.type, PKG.Measure), key=str)[0]
    g.add((measure, RDF.type, PKG.Agency))
    path = tmp_path / "inconsistent.trig"
    dataset.serialize(path, format="trig", encoding="utf-8")
    code, text = run_validate([path], fmt="text")
    assert code == 1
    assert "pkgsh:OwlConsistency" in text
    assert str(measure) in text
    code, ttl = run_validate([path], fmt="ttl")
    assert code == 1 and str(OWL_SHAPE) in ttl


@pytest.fixture()
def hermit_processes(monkeypatch, tmp_path):
    """The HermiT processes started during a test, and the folder of their temporary files."""
    import subprocess
    import tempfile

    from policykg.shapes import owl

    started: list[subprocess.Popen] = []
    real = subprocess.Popen

    def spy(*args, **kwargs):
        process = real(*args, **kwargs)
        started.append(process)
        return process

    monkeypatch.setattr(owl.subprocess, "Popen", spy)
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    yield started, temp
    for process in started:  # whatever the outcome, leave no Java behind
        if process.poll() is None:
            process.kill()
            process.wait()


def test_bad_shapes_file_leaves_no_reasoner_behind(tmp_path, hermit_processes):
    """The shapes are read before HermiT starts: a bad --shapes file starts no Java."""
    from policykg.graph.errors import RDFSyntaxError

    started, temp = hermit_processes
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("@prefix ex <x> .", encoding="utf-8")
    with pytest.raises(RDFSyntaxError):
        run_validate([DATA / "minimal.trig"], shapes=shapes)
    assert [p for p in started if p.poll() is None] == []
    assert list(temp.iterdir()) == []


def test_failed_validation_stops_the_reasoner(tmp_path, hermit_processes):
    """An error during SHACL validation, while HermiT runs, stops it and removes its files."""
    from policykg.graph.errors import InputError

    started, temp = hermit_processes
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        """
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix ex: <http://ex/> .
        ex:Remote a sh:NodeShape ; sh:nodeKind sh:IRI ;
            sh:target [ a sh:SPARQLTarget ;
                sh:select "SELECT ?this WHERE { SERVICE <http://127.0.0.1:9/> { ?this ?p ?o } }" ] .
    """,
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="SERVICE"):
        run_validate([DATA / "minimal.trig"], shapes=shapes)
    assert len(started) == 1
    assert started[0].poll() is not None
    assert list(temp.iterdir()) == []


def test_the_check_uses_the_one_parsed_ontology(hermit_processes):
    from policykg.shapes.loading import bundled_ontology
    from policykg.shapes.owl import start_consistency_check

    check = start_consistency_check(read_dataset([DATA / "minimal.trig"]))
    try:
        assert check.ontology is bundled_ontology()
    finally:
        check.cancel()
    check.cancel()  # stopping twice is harmless
    assert hermit_processes[0][0].poll() is not None
