"""The builder's literals (graph/literals.py) are in the forms every engine keeps, and the
shapes hold the rule: offsets from 0 and ordinals from 1, xsd:integer, nothing a store
would retype."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pyoxigraph as ox
import pytest
from hypothesis import given
from hypothesis import strategies as st
from rdflib import Dataset, Graph, Literal
from rdflib.namespace import PROV, RDF, XSD

from policykg.graph.literals import boolean, day, decimal, integer
from policykg.graph.namespaces import NIF, PKG
from policykg.shapes.loading import shape_iri
from policykg.shapes.validate import validate_dataset


def as_stored(literal: Literal) -> tuple[str, str]:
    """The literal's lexical form and datatype after a round trip through pyoxigraph's store
    and through rdflib's parser."""
    term = ox.Literal(str(literal), datatype=ox.NamedNode(str(literal.datatype)))
    store = ox.Store()
    store.add(
        ox.Quad(ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p"), term)
    )
    stored = next(iter(store)).object
    parsed = Graph().parse(
        data=f"<https://example.org/s> <https://example.org/p> {stored} .", format="nt"
    )
    read = next(parsed.objects())
    assert (str(read), str(read.datatype)) == (stored.value, stored.datatype.value)
    return stored.value, stored.datatype.value


def kept(literal: Literal) -> bool:
    return as_stored(literal) == (str(literal), str(literal.datatype))


@given(st.integers(min_value=-(10**20), max_value=10**20))
def test_integers_are_kept(n):
    assert kept(integer(n))
    assert integer(n).datatype == XSD.integer


@given(
    st.decimals(
        allow_nan=False, allow_infinity=False, places=6, min_value=-(10**15), max_value=10**15
    )
)
def test_decimals_are_kept(d):
    literal = decimal(d)
    assert kept(literal)
    assert Decimal(str(literal)) == d


@pytest.mark.parametrize("text", ["1.50", "35.0", "5.5E+4", "0.700", "-0", "100"])
def test_decimals_are_written_canonically(text):
    assert kept(decimal(Decimal(text)))


@given(st.booleans())
def test_booleans_are_kept(b):
    assert kept(boolean(b)) and str(boolean(b)) in ("true", "false")


@given(st.dates(min_value=date(1949, 1, 1), max_value=date(2100, 12, 31)))
def test_days_are_kept(d):
    assert kept(day(d))


def test_what_a_store_changes_is_seen():
    """The round trip can fail: the types and forms of before are changed by the store."""
    assert not kept(Literal("3", datatype=XSD.nonNegativeInteger))
    assert not kept(Literal("1", datatype=XSD.positiveInteger))
    assert not kept(Literal("1.50", datatype=XSD.decimal, normalize=False))


# -- the shapes --------------------------------------------------------------------------------


def copy_of(dataset: Dataset) -> Dataset:
    copy = Dataset()
    for graph in dataset.graphs():
        target = copy.graph(graph.identifier)
        target.addN((s, p, o, target) for s, p, o in graph)
    return copy


def document_graph(dataset: Dataset) -> Graph:
    return next(g for g in dataset.graphs() if (None, PKG.source, None) in g)


def reported(dataset: Dataset, shape: str) -> list:
    result = validate_dataset(dataset)
    assert not result.conforms
    return [r for r in result.results if r.shape == shape_iri(shape)]


def test_a_negative_offset_is_a_violation(bundled_dataset):
    broken = copy_of(bundled_dataset)
    g = document_graph(broken)
    span = g.value(sorted(g.subjects(RDF.type, PKG.Measure), key=str)[0], PROV.wasDerivedFrom)
    g.set((span, NIF.beginIndex, integer(-1)))
    found = reported(broken, "SpanOffsets")
    assert [(r.focus, str(r.value)) for r in found] == [(span, "-1")]


@pytest.mark.parametrize(
    "ordinal",
    [Literal("1.5", datatype=XSD.decimal), integer(0), Literal("2", datatype=XSD.positiveInteger)],
    ids=["decimal", "zero", "positiveInteger"],
)
def test_an_ordinal_that_is_no_integer_from_one_is_the_ordinal_shapes_violation(
    bundled_dataset, ordinal
):
    broken = copy_of(bundled_dataset)
    g = document_graph(broken)
    responsibility = sorted(g.subjects(RDF.type, PKG.Responsibility), key=str)[0]
    g.set((responsibility, PKG.ordinal, ordinal))
    result = validate_dataset(broken)
    assert result.shapes_reported() == {shape_iri("Ordinal")}, result.text()
    assert [r.focus for r in result.results] == [responsibility]
