"""OWL 2 DL for real: the OWL API's profile checker (tools/owl2-profile/) finds no violation
in the ontology, nor in the ontology with the built data; HermiT reasons over the data's
literals without ignoring any datatype, by their values.

The checker runs as a user runs it (python tools/owl2-profile/check.py FILE …). It needs
Java and Debian's libowlapi-java (bin/setup installs both for the tests); the tests are
skipped only when there is no Java at all.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from publish import web_page
from rdflib import Graph, Literal
from rdflib.namespace import RDF, XSD

from policykg.cli.main import main
from policykg.graph.namespaces import NIF, PKG
from policykg.graph.rdfio import read_dataset
from policykg.shapes.owl import OwlCheckError, check_consistency, hermit_command

pytestmark = pytest.mark.skipif(
    shutil.which("java") is None, reason="the OWL API and HermiT need java"
)

ROOT = Path(__file__).parent.parent
CHECK = ROOT / "tools" / "owl2-profile" / "check.py"
ONTOLOGY = ROOT / "ontology" / "policykg.ttl"
PREFIXES = """
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix pkg: <https://w3id.org/policykg/ontology#> .
@prefix ex: <https://example.org/> .
"""


def profile(*paths: Path) -> tuple[int, list[str]]:
    """The checker's exit status and its violation lines."""
    done = subprocess.run(
        [sys.executable, str(CHECK), *map(str, paths)], capture_output=True, text=True, timeout=600
    )
    assert done.returncode in (0, 1), done.stderr
    lines = done.stdout.splitlines()
    assert lines[-1].startswith("violations ")
    return done.returncode, [line for line in lines if "\t" in line]


def test_the_ontology_is_owl2_dl():
    assert profile(ONTOLOGY) == (0, [])


def test_the_ontology_with_the_bundled_graph_is_owl2_dl(bundled_nq):
    # the build holds the ontology as the named graph pkgraph:reference/ontology
    assert profile(bundled_nq) == (0, [])


def test_the_ontology_with_the_test_documents_is_owl2_dl(three_documents):
    assert profile(ONTOLOGY, three_documents) == (0, [])


def test_the_ontology_with_documents_of_every_layout_is_owl2_dl(tmp_path):
    """Paragraphs, section kinds, printed numbers, reading quality, documents without a
    number, a published page's original file and fields: their terms are declared too."""
    docs = ROOT / "tests" / "data" / "docs"
    real = ROOT / "tests" / "data" / "real"
    paths = [docs / "henan-opinion.txt", docs / "luoyang-notice.txt"]
    paths += sorted(real.glob("0[67]-*.txt"))
    page = tmp_path / "page.html"
    text = next(real.glob("13-*.txt")).read_text(encoding="utf-8")
    page.write_bytes(
        web_page(text, {"索引号": "000014349/2013-00150", "发布日期": "2013年11月27日"})
    )
    paths.append(page)
    out = tmp_path / "layouts.nq"
    result = CliRunner().invoke(main, ["build", *map(str, paths), "--output", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    assert profile(out) == (0, [])


def test_the_checker_reports_what_is_not_owl2_dl(tmp_path):
    """The three faults of the issue: a datatype outside the OWL 2 datatype map on a data
    property, an undeclared class, an IRI used as object and data property."""
    path = tmp_path / "bad.ttl"
    path.write_text(
        PREFIXES
        + """
        ex:o a owl:Ontology .
        ex:day a owl:DatatypeProperty ; rdfs:range xsd:gMonthDay .
        ex:h ex:day "--01-01"^^xsd:gMonthDay .
        ex:d a ex:Undeclared .
        ex:both a owl:ObjectProperty , owl:DatatypeProperty .
        """,
        encoding="utf-8",
    )
    status, violations = profile(path)
    kinds = {line.split("\t")[0] for line in violations}
    assert status == 1
    assert {"UseOfUndeclaredDatatype", "UseOfUndeclaredClass", "IllegalPunning"} <= kinds


def test_imports_are_reported_and_never_fetched(tmp_path, listener):
    port, hits = listener
    path = tmp_path / "imports.ttl"
    path.write_text(
        PREFIXES + f"ex:o a owl:Ontology ; owl:imports <http://127.0.0.1:{port}/other.ttl> .\n",
        encoding="utf-8",
    )
    status, violations = profile(path)
    assert status == 1
    assert [line.split("\t")[0] for line in violations] == ["ImportNotFollowed"]
    assert hits == []


# -- HermiT: every datatype reasoned over, values against ranges ------------------------------


def test_hermit_is_not_told_to_ignore_datatypes(tmp_path):
    command = hermit_command(tmp_path / "x.nt")
    assert not any("nsupported" in part for part in command)


def test_data_and_ontology_are_consistent_without_ignoring_datatypes(three_documents):
    outcome = check_consistency(read_dataset([three_documents]))
    assert outcome.consistent, outcome.text()


def test_an_integer_offset_meets_nifs_range_by_its_value(three_documents):
    """nif:beginIndex ranges over xsd:nonNegativeInteger: an xsd:integer offset is in it
    when it is 0 or more, and a negative one makes the data inconsistent."""
    dataset = read_dataset([three_documents])
    doc_graph = max(dataset.graphs(), key=lambda g: len(list(g.subjects(RDF.type, PKG.TextSpan))))
    span = sorted(doc_graph.subjects(RDF.type, PKG.TextSpan), key=str)[0]
    assert doc_graph.value(span, NIF.beginIndex).datatype == XSD.integer
    doc_graph.set((span, NIF.beginIndex, Literal("-1", datatype=XSD.integer)))
    outcome = check_consistency(dataset)
    assert not outcome.consistent


def test_an_ordinal_of_zero_is_inconsistent_with_the_ontology():
    data = Graph().parse(
        data=PREFIXES + 'ex:p a pkg:Part ; pkg:ordinal "0"^^xsd:integer .', format="turtle"
    )
    assert not check_consistency(data).consistent
    good = Graph().parse(
        data=PREFIXES + 'ex:p a pkg:Part ; pkg:ordinal "3"^^xsd:integer .', format="turtle"
    )
    assert check_consistency(good).consistent


def test_a_datatype_outside_the_map_is_named_not_ignored():
    """HermiT would have ignored it before; now the check says which datatype it cannot use."""
    data = Graph().parse(
        data=PREFIXES + 'ex:d a pkg:PolicyDocument ; pkg:year "2022"^^xsd:gYear .', format="turtle"
    )
    with pytest.raises(OwlCheckError, match="XMLSchema#gYear.*not in the OWL 2 datatype map"):
        check_consistency(data)
