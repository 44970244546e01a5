"""The `policykg` command: build, query and their handling of bad input."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph

from policykg.cli.main import main

DOCS = Path(__file__).parent / "data" / "docs"


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_console_script_is_installed():
    exe = shutil.which("policykg") or str(Path(sys.executable).parent / "policykg")
    out = subprocess.run([exe, "--help"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0
    for command in ("build", "query", "validate", "serve"):
        assert command in out.stdout


def test_build_prints_summary(tmp_path):
    out = tmp_path / "g.nq"
    result = run("build", "--output", str(out), "--quiet")
    assert result.exit_code == 0, result.output
    for line in (
        "documents",
        "items",
        "measures",
        "responsibilities",
        "agencies",
        "time bounds",
        "quantities",
        "citations",
        "places",
        "triples",
    ):
        assert line in result.output
    assert any(line.split() == ["measures", "80"] for line in result.output.splitlines())


@pytest.mark.slow
def test_build_twice_gives_identical_nquads(tmp_path):
    first, second = tmp_path / "a.nq", tmp_path / "b.nq"
    assert run("build", "-q", "--output", str(first)).exit_code == 0
    assert run("build", "-q", "--output", str(second)).exit_code == 0
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.slow
def test_build_is_the_same_in_a_new_process(tmp_path):
    """Hash randomisation differs between processes: output must not depend on it."""
    here = tmp_path / "here.nq"
    assert run("build", "-q", "--output", str(here)).exit_code == 0
    there = tmp_path / "there.nq"
    subprocess.run(
        [sys.executable, "-m", "policykg.cli.main", "build", "-q", "--output", str(there)],
        check=True,
        capture_output=True,
        timeout=120,
        env={"PYTHONHASHSEED": "12345", "PATH": "/usr/bin:/bin"},
    )
    assert here.read_bytes() == there.read_bytes()


@pytest.mark.slow
@pytest.mark.parametrize(
    "suffix, keeps_graphs",
    [(".nq", True), (".trig", True), (".jsonld", True), (".ttl", False), (".nt", False)],
)
def test_build_format_follows_extension(tmp_path, suffix, keeps_graphs):
    out = tmp_path / f"g{suffix}"
    assert run("build", "-q", "--output", str(out)).exit_code == 0
    fmt = {".nq": "nquads", ".trig": "trig", ".jsonld": "json-ld", ".ttl": "turtle", ".nt": "nt"}[
        suffix
    ]
    data = Dataset() if keeps_graphs else Graph()
    data.parse(out, format=fmt)
    assert len(data) > 10_000 if not keeps_graphs else len(list(data.quads())) > 10_000
    if keeps_graphs:
        assert len(list(data.graphs())) >= 3


def test_unknown_extension_is_refused_before_work(tmp_path):
    out = tmp_path / "g.xyz"
    result = run("build", "--output", str(out))
    assert result.exit_code == 2
    assert "extension" in result.output and ".nq" in result.output
    assert not out.exists()


@pytest.mark.parametrize(
    "name, words",
    [
        ("empty.txt", "empty"),
        ("binary.bin", "binary"),
        ("latin1.txt", "GB18030"),
        ("not-a-policy.txt", "policy document"),
    ],
)
def test_bad_input_exits_2_without_output(tmp_path, name, words):
    out = tmp_path / "g.nq"
    result = run("build", str(DOCS / name), "--output", str(out))
    assert result.exit_code == 2, result.output
    assert words in result.output
    assert "Traceback" not in result.output
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_missing_file_exits_2(tmp_path):
    out = tmp_path / "g.nq"
    result = run("build", str(tmp_path / "nope.txt"), "--output", str(out))
    assert result.exit_code == 2
    assert "nope.txt" in result.output
    assert not out.exists()


@pytest.mark.slow
def test_gb18030_copy_builds_like_the_utf8_original(tmp_path):
    a, b = tmp_path / "a.nt", tmp_path / "b.nt"
    assert (
        run("build", "-q", str(DOCS / "taiyuan-city-plan.txt"), "--output", str(a)).exit_code == 0
    )
    assert (
        run(
            "build", "-q", str(DOCS / "taiyuan-city-plan.gb18030.txt"), "--output", str(b)
        ).exit_code
        == 0
    )
    measures = "<https://w3id.org/policykg/ontology#Measure>"
    count = [sum(measures in line for line in p.read_text().splitlines()) for p in (a, b)]
    assert count[0] == count[1] > 0


@pytest.mark.slow
def test_city_plan_links_to_the_provincial_plan(tmp_path):
    out = tmp_path / "two.nq"
    result = run(
        "build",
        "-q",
        str(DOCS / "taiyuan-city-plan.txt"),
        "corpus/jinzhengbanfa-2022-77.txt",
        "--output",
        str(out),
    )
    assert result.exit_code == 0, result.output
    ds = Dataset()
    ds.parse(out, format="nquads")
    q = """PREFIX eli: <http://data.europa.eu/eli/ontology#>
    ASK { GRAPH ?g { <https://w3id.org/policykg/id/doc/并政办发/2022/58>
          eli:ensures_implementation_of <https://w3id.org/policykg/id/doc/晋政办发/2022/77> } }"""
    assert ds.query(q).askAnswer


def test_query_with_bad_query_file_exits_2(tmp_path, bundled_nq):
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT ?x WHERE { ?x ", encoding="utf-8")
    result = run("query", str(bad), "--data", str(bundled_nq))
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_query_json_format(bundled_nq):
    import json

    result = run(
        "query", "server/queries/cq01-documents.rq", "--data", str(bundled_nq), "--format", "json"
    )
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert "number" in answer["head"]["vars"]
    assert any(
        b["number"]["value"] == "晋政办发〔2022〕77号" for b in answer["results"]["bindings"]
    )


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
@pytest.mark.parametrize("suffix", [".owl", ".rdf", ".trix", ".data"])
def test_query_reads_every_format_validate_reads(tmp_path, engine, suffix):
    """query --data takes what validate takes: any format either engine's registry names
    (.owl, .trix: rdflib's), and a file known by its content alone."""
    from policykg.graph.rdfio import format_for_media_type, serialize_dataset

    dataset = Dataset()
    dataset.parse(Path(__file__).parent / "data" / "sample.trig", format="trig")
    media_type = "application/trix" if suffix == ".trix" else "application/rdf+xml"
    data = tmp_path / f"sample{suffix}"
    data.write_bytes(serialize_dataset(dataset, format_for_media_type(media_type)))
    query = "server/queries/cq01-documents.rq"
    result = run("query", query, "--data", str(data), "--engine", engine, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert "晋政办发〔2022〕77号" in result.output
    assert run("validate", str(data), "--no-owl").exit_code in (0, 1)


def test_query_without_data_uses_bundled_corpus():
    result = run("query", "server/queries/cq02-items.rq", "--format", "tsv")
    assert result.exit_code == 0, result.output
    assert "围绕保市场主体加大助企纾困力度" in result.output


@pytest.mark.slow
def test_export_eli_view(tmp_path, bundled_nq):
    out = tmp_path / "eli.ttl"
    result = run("export", "eli", "--data", str(bundled_nq), "--output", str(out))
    assert result.exit_code == 0, result.output
    g = Graph().parse(out, format="turtle")
    q = """PREFIX eli: <http://data.europa.eu/eli/ontology#>
    ASK { ?d a eli:LegalResource ; eli:id_local "晋政办发〔2022〕77号" ;
             eli:ensures_implementation_of ?n . ?n eli:id_local "国办发〔2022〕9号" }"""
    assert g.query(q).askAnswer


@pytest.mark.slow
def test_export_schema_view_is_framed_jsonld(tmp_path, bundled_nq):
    import json

    out = tmp_path / "schema.jsonld"
    assert run("export", "schema", "--data", str(bundled_nq), "--output", str(out)).exit_code == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    ids = {node["@id"] for node in doc["@graph"]}
    assert "pkid:doc/晋政办发/2022/77" in ids


def test_export_refuses_unknown_view(tmp_path):
    result = run("export", "frbr", "--output", str(tmp_path / "x.ttl"))
    assert result.exit_code == 2
    assert not (tmp_path / "x.ttl").exists()


def test_missing_output_folder_is_refused_before_work(tmp_path):
    out = tmp_path / "no-such-folder" / "g.nq"
    result = run("build", "--output", str(out))
    assert result.exit_code == 2
    assert "does not exist" in result.output
    assert "parsed" not in result.output  # nothing was built


@pytest.mark.parametrize(
    "note, public",
    [
        ("此件公开发布", True),
        ("此件主动公开", True),
        ("此件不予公开", False),
        ("此件不公开", False),
    ],
)
def test_release_note(note, public):
    from policykg.graph.build import is_public_release

    assert is_public_release(note) is public


def test_the_same_document_twice_is_refused(tmp_path):
    """Strict, the second file of a document stops the build; otherwise it is left out
    and reported, the first is written and the command exits 2."""
    out = tmp_path / "g.nq"
    files = [str(DOCS / "taiyuan-city-plan.txt"), str(DOCS / "taiyuan-city-plan.gb18030.txt")]
    strict = run("build", *files, "--strict", "--output", str(out))
    assert strict.exit_code == 2
    assert "same document" in strict.output and "并政办发〔2022〕58号" in strict.output
    assert not out.exists()
    lenient = run("build", *files, "--output", str(out))
    assert lenient.exit_code == 2
    assert "same document" in lenient.output and "taiyuan-city-plan.gb18030.txt" in lenient.output
    assert out.exists()
    assert re.search(r"^  documents +1$", lenient.output, re.MULTILINE)


def test_written_graph_is_readable_by_others(tmp_path):
    import os
    import stat

    out = tmp_path / "g.nq"
    old = os.umask(0o022)
    try:
        assert (
            run("build", "-q", str(DOCS / "jiangxi-measures.txt"), "--output", str(out)).exit_code
            == 0
        )
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644


def test_unwritable_folder_exits_2():
    # /proc refuses new files even to root, which ignores permission bits
    result = run("build", "-q", str(DOCS / "jiangxi-measures.txt"), "--output", "/proc/g.nq")
    assert result.exit_code == 2
    assert "cannot write" in result.output
    assert "Traceback" not in result.output


def test_query_with_missing_data_file_exits_2(tmp_path):
    result = run("query", "server/queries/cq01-documents.rq", "--data", str(tmp_path / "none.nq"))
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_serve_offers_exactly_the_fronts_and_engines_the_server_has():
    # the CLI names them literally so that `policykg --help` need not import the server
    from policykg.cli.main import main
    from policykg.server.engine import ENGINES
    from policykg.server.serve import FRONTS

    options = {p.name: p for p in main.commands["serve"].params}
    assert list(options["front"].type.choices) == list(FRONTS)
    assert sorted(options["engine"].type.choices) == sorted(ENGINES)
    assert options["front"].default == next(iter(FRONTS))


# -- many files, failures and numbering breaks ----------------------------------------------


def test_many_files_build_what_they_can_and_list_the_others(tmp_path):
    out = tmp_path / "g.nq"
    result = run(
        "build",
        "-q",
        str(DOCS / "henan-opinion.txt"),
        str(DOCS / "empty.txt"),
        "--output",
        str(out),
    )
    assert result.exit_code == 2
    assert "not built: empty.txt: the file is empty" in result.output
    assert "1 file(s) could not be built" in result.output and "--strict" in result.output
    assert "Traceback" not in result.output
    ds = Dataset()
    ds.parse(out, format="nquads")
    assert any("豫政/2023/12" in str(g.identifier) for g in ds.graphs())


def test_strict_build_writes_nothing_when_a_file_fails(tmp_path):
    out = tmp_path / "g.nq"
    result = run(
        "build",
        "--strict",
        str(DOCS / "henan-opinion.txt"),
        str(DOCS / "empty.txt"),
        "-o",
        str(out),
    )
    assert result.exit_code == 2 and "empty" in result.output
    assert not out.exists()


def test_build_prints_the_reading_quality_of_each_document(tmp_path):
    out = tmp_path / "g.nq"
    result = run(
        "build",
        "-q",
        str(DOCS / "henan-opinion.txt"),
        "corpus/jinzhengbanfa-2022-77.txt",
        "-o",
        str(out),
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    at = lines.index("reading quality:")
    quality = {line.split(":")[0].strip(): line for line in lines[at + 1 :]}
    assert set(quality) == {"henan-opinion.txt", "jinzhengbanfa-2022-77.txt"}
    assert (
        "80 clauses, 0 unregistered names, nothing unplaced, 0 numbering breaks"
        in quality["jinzhengbanfa-2022-77.txt"]
    )
    assert "CHECK" not in quality["jinzhengbanfa-2022-77.txt"]
    assert any(line.split() == ["paragraphs", "5"] for line in lines)


@pytest.mark.slow
def test_a_break_in_the_numbering_writes_the_graph_and_exits_1(tmp_path):
    text = (DOCS / "numbering-past-1000.txt").read_text(encoding="utf-8")
    broken = tmp_path / "broken.txt"
    broken.write_text(
        text.replace("（九百九十九）推进第999号项目。做好前期工作。（市住建局负责）\n", "")
    )
    out = tmp_path / "g.nq"
    result = run("build", "-q", str(broken), "-o", str(out))
    assert result.exit_code == 1
    assert "item numbered （一千） where 999 was expected" in result.output
    assert "Correct the numbers in the text" in result.output
    assert "CHECK: the numbering breaks at 1 place(s)" in result.output
    assert out.exists()


@pytest.mark.slow
def test_warnings_are_capped_per_file(tmp_path):
    lines = (DOCS / "numbering-past-1000.txt").read_text(encoding="utf-8").splitlines()
    # every other item left out: 500 breaks in the numbering
    kept = [line for k, line in enumerate(lines) if not (line.startswith("（") and k % 2)]
    broken = tmp_path / "gaps.txt"
    broken.write_text("\n".join(kept) + "\n", encoding="utf-8")
    result = run("build", "-q", str(broken), "-o", str(tmp_path / "g.nq"))
    assert result.exit_code == 1
    warnings = [line for line in result.output.splitlines() if line.startswith("warning: gaps.txt")]
    assert len(warnings) == 21 and warnings[-1].endswith("more warnings")
