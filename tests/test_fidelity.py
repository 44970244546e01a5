"""Fidelity of literals: whatever engine serves the data, every triple served is the triple
built (docs/model.md, "Literals").

The bundled plan and the test documents are built into one N-Quads file. Each engine
(pyoxigraph's store, rdflib's Dataset) serves it from a real server on 127.0.0.1, and every
download (/download/dataset.nq, .trig, .jsonld) is read back and compared with the built
file graph by graph with rdflib.compare.isomorphic, twice: read by pyoxigraph's parser into
terms that keep their lexical forms exactly (so "1.50" is not "1.5" and an
xsd:positiveInteger is not an xsd:integer), and read by rdflib as a linked-data client
would. Every download is validated by `policykg validate` (SHACL and OWL) and conforms.
The same holds for Engine.dump in process, and for resource descriptions and SELECT answers.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from conftest import granian_argv
from publish import web_page
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import PROV, RDF, XSD

from policykg.cli.main import main
from policykg.graph.namespaces import NIF, PKG
from policykg.server.engine import ENGINES
from policykg.server.service_description import DUMPS

ROOT = Path(__file__).parent.parent
TEST_DOCS = ROOT / "tests" / "data" / "docs"
REAL = ROOT / "tests" / "data" / "real"
# The bundled plan and test documents of every layout: between them every kind of literal
# the builder writes (offsets, ordinals, printed numbers, counts and shares of the reading
# quality, quantities, ranges, recurrences, scores, flags, days), documents with and
# without a number, paragraphs, section kinds.
DOCS = [
    ROOT / "corpus" / "jinzhengbanfa-2022-77.txt",
    TEST_DOCS / "taiyuan-city-plan.txt",
    TEST_DOCS / "jiangxi-measures.txt",
    TEST_DOCS / "henan-opinion.txt",
    TEST_DOCS / "luoyang-notice.txt",
    *sorted(REAL.glob("06-*.txt")),
    *sorted(REAL.glob("07-*.txt")),
]
FORMATS = {name: ox.RdfFormat.from_media_type(media) for name, media in DUMPS.items()}
PKG_BASE = URIRef("https://w3id.org/policykg/")
RDFLIB_FORMATS = {"dataset.nq": "nquads", "dataset.trig": "trig", "dataset.jsonld": "json-ld"}


def published_page(folder: Path) -> Path:
    """A real document saved as its portal's web page, with the page's metadata table (the
    original file, its fields, the publication date)."""
    text = (REAL / "13-guobanfa-2013-104-meitan-pingwen-yijian.txt").read_text(encoding="utf-8")
    fields = {
        "索引号": "000014349/2013-00150",
        "发文机关": "国务院办公厅",
        "发布日期": "2013年11月27日",
    }
    path = folder / "meitan.html"
    path.write_bytes(web_page(text, fields))
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The build output: the bundled plan, the test documents and a published page in one
    N-Quads file."""
    folder = tmp_path_factory.mktemp("fidelity")
    out = folder / "built.nq"
    paths = [*DOCS, published_page(folder)]
    result = CliRunner().invoke(main, ["build", *map(str, paths), "--output", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    return out


def exact_term(term):
    """An rdflib term equal to a pyoxigraph term, lexical form and datatype unchanged."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language, normalize=False)
    return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)


def exact_dataset(data: bytes, fmt: ox.RdfFormat) -> Dataset:
    """The quads as a parser reads them, before any store or client normalises a literal."""
    dataset = Dataset()
    for quad in ox.parse(data, format=fmt):
        graph = dataset.graph(exact_term(quad.graph_name))
        graph.add(exact_triple(quad.triple))
    return dataset


def exact_graph(data: bytes, fmt: ox.RdfFormat) -> Graph:
    """The triples of a graph document as a parser reads them (see exact_dataset)."""
    graph = Graph()
    for quad in ox.parse(data, format=fmt):
        graph.add(exact_triple(quad.triple))
    return graph


def exact_triple(triple: ox.Triple) -> tuple:
    return tuple(exact_term(t) for t in (triple.subject, triple.predicate, triple.object))


def client_dataset(data: bytes, fmt: str) -> Dataset:
    """The quads as rdflib reads them."""
    dataset = Dataset()
    dataset.parse(data=data, format=fmt)
    return dataset


def named_graphs(dataset: Dataset) -> dict[URIRef, object]:
    return {g.identifier: g for g in dataset.graphs() if len(g)}


def assert_same_graphs(served: Dataset, built: Dataset) -> None:
    """Graph by graph: the same named graphs, each isomorphic to its build."""
    got, want = named_graphs(served), named_graphs(built)
    assert sorted(got) == sorted(want)
    different = [str(name) for name in want if not isomorphic(got[name], want[name])]
    assert different == [], f"graphs served otherwise than built: {different}"


def test_every_document_keeps_its_literals_in_the_store(tmp_path):
    """The issue's symptom, on every test and real document: pyoxigraph's store gives back
    each quad as built (it retyped and rewrote 2,145 literals of the bundled graph)."""
    out = tmp_path / "all.nq"
    paths = [*sorted(REAL.glob("*.txt")), *DOCS[:5], TEST_DOCS / "numbering-past-1000.txt"]
    paths.remove(REAL / "13-guobanfa-2013-104-meitan-pingwen-yijian.txt")
    paths.append(published_page(tmp_path))
    result = CliRunner().invoke(main, ["build", *map(str, paths), "--output", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    built = list(ox.parse(path=str(out), format=ox.RdfFormat.N_QUADS))
    store = ox.Store()
    store.bulk_load(path=str(out), format=ox.RdfFormat.N_QUADS)
    assert len(store) == len(built)  # no two literals became one
    changed = {str(q) for q in built if not has_bnode(q)} - {str(q) for q in store}
    assert changed == set()


def has_bnode(quad: ox.Quad) -> bool:
    return isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)


@pytest.fixture(scope="module")
def built_exact(built) -> Dataset:
    return exact_dataset(built.read_bytes(), ox.RdfFormat.N_QUADS)


@pytest.fixture(scope="module")
def built_client(built) -> Dataset:
    return client_dataset(built.read_bytes(), "nquads")


def test_the_build_has_the_literals_a_store_would_change_before_this_rule(built_exact):
    """The comparison can fail: the build holds offsets, ordinals, decimals and dates, and
    a store that retypes or rewrites them is seen as different."""
    union = [t for g in built_exact.graphs() for t in g]
    datatypes = {o.datatype for _s, _p, o in union if isinstance(o, Literal)}
    assert {XSD.integer, XSD.decimal, XSD.boolean, XSD.date} <= datatypes
    classes = {o for _s, p, o in union if p == RDF.type}
    assert {PKG.Paragraph, PKG.OriginalFile, PKG.PageField, PKG.CrosswalkLink} <= classes
    retyped = Dataset()
    for graph in built_exact.graphs():
        copy = retyped.graph(graph.identifier)
        for s, p, o in graph:
            if p == NIF.beginIndex:
                o = Literal(str(o), datatype=XSD.nonNegativeInteger, normalize=False)
            copy.add((s, p, o))
    with pytest.raises(AssertionError, match="served otherwise than built"):
        assert_same_graphs(retyped, built_exact)


@pytest.fixture(scope="module", params=sorted(ENGINES))
def engine(request, built):
    """Each engine over the build, in process."""
    return ENGINES[request.param].from_path(built)


@pytest.mark.parametrize("name", sorted(DUMPS))
def test_engine_dump_is_the_build(engine, built_exact, name):
    served = engine.dump(DUMPS[name])
    assert_same_graphs(exact_dataset(served, FORMATS[name]), built_exact)


@pytest.fixture(scope="module", params=sorted(ENGINES))
def server(request, built, tmp_path_factory, server_process):
    """A real server (granian, as documented) serving the build with one engine."""
    log = tmp_path_factory.mktemp(f"fidelity-{request.param}") / "server.log"
    env = {"POLICYKG_DATA": str(built), "POLICYKG_ENGINE": request.param}
    with server_process(lambda port: granian_argv(port, workers=1), env, log) as (base, _):
        yield base


@pytest.fixture(scope="module")
def downloads(server, tmp_path_factory) -> dict[str, Path]:
    """Every dump the server offers, saved as a user would save it."""
    folder = tmp_path_factory.mktemp("downloads")
    saved = {}
    for name in sorted(DUMPS):
        answer = httpx.get(f"{server}/download/{name}", timeout=60)
        assert answer.status_code == 200
        saved[name] = folder / name
        saved[name].write_bytes(answer.content)
    return saved


@pytest.mark.server
@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(DUMPS))
def test_download_is_the_build_and_conforms(downloads, built_exact, built_client, name):
    data = downloads[name].read_bytes()
    assert_same_graphs(exact_dataset(data, FORMATS[name]), built_exact)
    assert_same_graphs(client_dataset(data, RDFLIB_FORMATS[name]), built_client)
    result = CliRunner().invoke(main, ["validate", str(downloads[name])])
    assert result.exit_code == 0, result.output
    assert "符合 / conforms" in result.output and "OWL：一致 / consistent" in result.output


@pytest.mark.server
def test_descriptions_and_answers_carry_the_built_literals(server, built_exact):
    """A span's description (Turtle) and a SELECT answer give offsets and ordinals as built."""
    union = Graph()
    for graph in built_exact.graphs():
        union += graph
    measure = sorted(union.subjects(RDF.type, PKG.Measure), key=str)[0]
    span = union.value(measure, PROV.wasDerivedFrom)
    page = f"{server}/{str(span).removeprefix(str(PKG_BASE))}"
    answer = httpx.get(page, headers={"Accept": "text/turtle"}, timeout=30)
    assert answer.status_code == 200
    described = exact_graph(answer.content, ox.RdfFormat.TURTLE)
    offsets = {(p, o) for p in (NIF.beginIndex, NIF.endIndex) for o in described.objects(span, p)}
    assert offsets == {(p, union.value(span, p)) for p in (NIF.beginIndex, NIF.endIndex)}

    query = f"SELECT ?o WHERE {{ <{measure}> <{PKG.ordinal}> ?o }}"
    answer = httpx.post(
        f"{server}/sparql",
        data={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    ordinal = union.value(measure, PKG.ordinal)
    expected = {"type": "literal", "datatype": str(ordinal.datatype), "value": str(ordinal)}
    assert answer.json()["results"]["bindings"] == [{"o": expected}]
