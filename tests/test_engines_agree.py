"""Both query engines give the same answers to every shipped query, on several documents.

The union default graph must behave as an RDF merge in both: a triple held by several
named graphs (an instant, an agency) must not multiply rows.
"""

from __future__ import annotations

from importlib import resources

import pytest

from policykg.cli.main import run_query_file

pytestmark = pytest.mark.slow

QUERIES = resources.files("policykg.server") / "queries"
SHIPPED = sorted(
    [f"{q.name}" for q in QUERIES.iterdir() if q.name.endswith(".rq")]
    + [f"cross/{q.name}" for q in (QUERIES / "cross").iterdir() if q.name.endswith(".rq")]
)


@pytest.mark.parametrize("name", SHIPPED)
def test_engines_agree(three_documents, name):
    with resources.as_file(QUERIES / name) as query:
        ox = run_query_file(query, three_documents, "csv", engine="oxigraph")
        rd = run_query_file(query, three_documents, "csv", engine="rdflib")
    assert ox == rd
    if name.startswith("cq"):  # every competency question has answers on these documents
        assert ox.count("\n") > 1


def test_shared_instants_do_not_multiply_rows(three_documents):
    with resources.as_file(QUERIES / "cq05-time-bounds.rq") as query:
        rows = run_query_file(query, three_documents, "csv").splitlines()[1:]
    assert len(rows) == len(set(rows))
