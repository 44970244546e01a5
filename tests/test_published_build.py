"""Building from published files: a folder of saved pages and attachments, the original
files recorded in the graph, and the page's metadata used where the text is silent.

The files are made by the tests (tests/publish.py) from the text documents of
tests/data/; the built graphs are read back with SPARQL.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pytest
from publish import docx_file, pdf_file, scanned_pdf, web_page
from rdflib import Dataset, Literal

from policykg.graph.namespaces import ELI, PKG
from policykg.graph.pipeline import build

DATA = Path(__file__).parent / "data"
TAIYUAN = DATA / "docs" / "taiyuan-city-plan.txt"
JIANGXI = DATA / "docs" / "jiangxi-measures.txt"
OPINION = DATA / "real" / "04-guofa-2019-5-shuangsuiji-yijian.txt"  # title, number, …, 国务院, date

HTML = "text/html"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

ORIGINALS = """
PREFIX pkg: <https://w3id.org/policykg/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?doc ?name ?type ?sha ?textSha WHERE {
  ?doc pkg:source ?source . ?source pkg:sha256 ?textSha ; nif:isString ?text ;
       prov:wasDerivedFrom ?original .
  ?original a pkg:OriginalFile ; pkg:fileName ?name ; pkg:mediaType ?type ; pkg:sha256 ?sha .
} ORDER BY ?name
""".replace(
    "SELECT",
    "PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>\nSELECT",
)


def page_fields(number: str = "晋政办发〔2099〕1号") -> dict[str, str]:
    return {
        "索引号": "11140000MB1957978E/2022-00261",
        "发文机关": "国务院",
        "成文日期": "2019年02月15日",
        "发文字号": number,
        "发布日期": "2019年02月18日",
    }


def folder_of_published_files(folder: Path) -> dict[str, bytes]:
    """A folder as a user saves it: a page, a PDF and a Word file of three documents, the
    page's image, and a scan that has no text."""
    files = {
        "taiyuan.html": web_page(TAIYUAN.read_text(encoding="utf-8"), {}, "provincial"),
        "jiangxi.pdf": pdf_file(JIANGXI.read_text(encoding="utf-8")),
        "opinion.docx": docx_file(OPINION.read_text(encoding="utf-8")),
        "scan.pdf": scanned_pdf(),
        "logo.png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
    }
    folder.mkdir()
    for name, raw in files.items():
        (folder / name).write_bytes(raw)
    return files


def test_a_folder_of_pages_and_attachments_builds_with_its_original_files(tmp_path):
    folder = tmp_path / "saved"
    files = folder_of_published_files(folder)
    result = build([folder], strict=False)
    assert [name for name, _ in result.failures] == ["scan.pdf"]
    assert "no text" in result.failures[0][1]
    result.dataset.default_union = True
    rows = list(result.dataset.query(ORIGINALS))
    by_name = {str(r.name): r for r in rows}
    assert set(by_name) == {"taiyuan.html", "jiangxi.pdf", "opinion.docx"}
    expected_types = {"taiyuan.html": HTML, "jiangxi.pdf": PDF, "opinion.docx": DOCX}
    for name, row in by_name.items():
        assert str(row.type) == expected_types[name]
        assert str(row.sha) == hashlib.sha256(files[name]).hexdigest()
    # the source text's checksum is that of the derived text, which the graph ships
    for doc in result.documents:
        row = by_name[doc.source.file_name]
        assert str(row.textSha) == hashlib.sha256(doc.source.text.encode("utf-8")).hexdigest()
        assert str(row.textSha) != str(row.sha)


def test_a_text_file_has_no_original_file(bundled_dataset):
    assert not list(bundled_dataset.quads((None, PKG.mediaType, None, None)))


def strip_lines(text: str, *drop: str) -> str:
    """The text without the lines that are exactly one of ``drop``."""
    return "\n".join(line for line in text.split("\n") if line.strip() not in drop)


def test_the_pages_metadata_gives_the_number_issuer_and_date_the_text_lacks(tmp_path):
    text = OPINION.read_text(encoding="utf-8")
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    number, signature, date = lines[1], lines[-3], lines[-2]
    assert (number, signature, date) == ("国发〔2019〕5号", "国务院", "2019年1月27日")
    # a copy whose title leaves out the issuer (关于…的意见), with no number and no signature
    bare = strip_lines(text, number, signature, date).replace(
        lines[0], lines[0][len("国务院") :], 1
    )
    page = tmp_path / "opinion.html"
    fields = page_fields(number) | {"成文日期": "2019年01月28日"}  # not the text's: from the page
    page.write_bytes(web_page(bare, fields, "central"))
    result = build([page])
    (doc,) = result.documents
    assert doc.number is not None and doc.number.text == number
    assert doc.issuer is None and doc.stated_issuer == "国务院"
    assert set(doc.from_page) == {"发文字号", "发文机关", "成文日期", "发布日期", "索引号"}
    result.dataset.default_union = True
    rows = list(
        result.dataset.query(
            """PREFIX pkg: <https://w3id.org/policykg/ontology#>
            PREFIX eli: <http://data.europa.eu/eli/ontology#>
            SELECT ?number ?issued ?published ?index ?issuerName
                   (GROUP_CONCAT(?name; separator="|") AS ?names)
            WHERE { ?d eli:id_local ?number ; eli:date_document ?issued ;
                       eli:date_publication ?published ; pkg:indexNumber ?index ;
                       eli:passed_by/skos:prefLabel ?issuerName ;
                       pkg:takenFromPage/pkg:fieldName ?name .
                    FILTER(LANG(?issuerName) = "zh") }
            GROUP BY ?number ?issued ?published ?index ?issuerName""".replace(
                "SELECT", "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\nSELECT"
            )
        )
    )
    assert len(rows) == 1
    row = rows[0]
    assert (str(row.number), str(row.issued), str(row.published)) == (
        number,
        "2019-01-28",
        "2019-02-18",
    )
    assert str(row["index"]) == fields["索引号"]
    assert str(row.issuerName) == "国务院"
    assert set(str(row.names).split("|")) == set(doc.from_page)


def test_what_the_text_prints_wins_over_the_page(tmp_path):
    text = OPINION.read_text(encoding="utf-8")
    page = tmp_path / "opinion.html"
    page.write_bytes(web_page(text, page_fields("国发〔2000〕1号"), "central"))
    result = build([page])
    (doc,) = result.documents
    assert doc.number is not None and doc.number.text == "国发〔2019〕5号"
    assert str(doc.issued) == "2019-01-27"
    assert set(doc.from_page) == {"发布日期", "索引号"}
    g = result.dataset
    g.default_union = True
    fields = {str(v) for v in g.objects(None, PKG.fieldValue)}
    assert "国发〔2000〕1号" in fields  # the page's statement is kept as the page states it
    assert (None, ELI.id_local, Literal("国发〔2000〕1号")) not in g


def test_the_same_document_twice_is_built_once_and_the_copy_reported(tmp_path):
    folder = tmp_path / "twice"
    folder.mkdir()
    text = TAIYUAN.read_text(encoding="utf-8")
    (folder / "a-plan.txt").write_text(text, encoding="utf-8")
    (folder / "b-plan.html").write_bytes(web_page(text, {}, "central"))
    result = build([folder], strict=False)
    assert [d.source.file_name for d in result.documents] == ["a-plan.txt"]
    assert [name for name, _ in result.failures] == ["b-plan.html"]
    assert "same document" in result.failures[0][1]


@pytest.mark.slow
def test_policykg_build_reads_a_folder(tmp_path):
    folder = tmp_path / "saved"
    folder_of_published_files(folder)
    out = tmp_path / "out.nq"
    run = subprocess.run(
        [str(Path(sys.executable).parent / "policykg"), "build", str(folder), "--output", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 2, run.stderr  # the scan could not be read; the rest is written
    assert "scan.pdf" in run.stderr and "logo.png" in run.stderr
    dataset = Dataset()
    dataset.parse(out, format="nquads")
    names = {str(o) for _, _, o, _ in dataset.quads((None, PKG.fileName, None, None))}
    assert {"taiyuan.html", "jiangxi.pdf", "opinion.docx"} <= names
    assert re.search(r"^  documents +3$", run.stdout, re.MULTILINE), run.stdout


def test_the_source_page_says_which_file_the_text_came_from(tmp_path):
    from urllib.parse import quote

    from policykg.server.app import create_app
    from policykg.server.engine import OxigraphEngine

    raw = pdf_file(JIANGXI.read_text(encoding="utf-8"))
    (tmp_path / "measures.pdf").write_bytes(raw)
    result = build([tmp_path / "measures.pdf"])
    (source,) = {str(s) for s, _, _, _ in result.dataset.quads((None, PKG.mediaType, None, None))}
    source_page = source.rsplit("/original", 1)[0] + "/source"
    app = create_app({"TESTING": True}, engine=OxigraphEngine.from_dataset(result.dataset))
    path = source_page.removeprefix("https://w3id.org/policykg")
    page = app.test_client().get(quote(path), headers={"Accept": "text/html"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Derived from" in html and "measures.pdf" in html and "application/pdf" in html
    assert hashlib.sha256(raw).hexdigest() in html
