"""Mutation tests: every shape is proven by breaking a copy of the bundled graph in exactly
the way the shape forbids and checking that exactly that shape reports it.

Each mutation picks its target from the data by what it is (the document, a measure
with a deadline, the quantity that has parts ...), never by a hard-coded count.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, TIME, XSD

from policykg.graph.namespaces import ELI, NIF, PKG, PKID
from policykg.shapes.loading import shape_iri
from policykg.shapes.validate import validate_dataset

Mutation = Callable[[Dataset], None]

pytestmark = pytest.mark.slow  # a validation of the bundled graph per shape


def copy_dataset(dataset: Dataset) -> Dataset:
    """An independent copy of every named graph."""
    copy = Dataset()
    for graph in dataset.graphs():
        target = copy.graph(graph.identifier)
        target.addN((s, p, o, target) for s, p, o in graph)
    return copy


def document(ds: Dataset) -> tuple[Graph, URIRef]:
    """The built document's graph and IRI (the document that has a source text)."""
    for graph in ds.graphs():
        for doc in graph.subjects(PKG.source, None):
            return graph, doc
    raise AssertionError("no document with a source text")


def graph_of(ds: Dataset, node: URIRef) -> Graph:
    """The named graph that describes ``node``."""
    for graph in ds.graphs():
        if (node, None, None) in graph:
            return graph
    raise AssertionError(f"nothing describes {node}")


def first(nodes) -> URIRef:
    """The first node in IRI order (deterministic)."""
    ordered = sorted(nodes, key=str)
    assert ordered, "the bundled graph lacks what this mutation needs"
    return ordered[0]


def replace(graph: Graph, s, p, new) -> None:
    """Replace every value of (s, p) with ``new``."""
    graph.remove((s, p, None))
    graph.add((s, p, new))


def retype(graph: Graph, s, p, datatype: URIRef) -> None:
    """Keep the lexical value of (s, p) but give it another datatype."""
    old = graph.value(s, p)
    replace(graph, s, p, Literal(str(old), datatype=datatype))


def new_instant(graph: Graph, day: str) -> URIRef:
    node = PKID[f"instant/{day}"]
    graph.add((node, RDF.type, TIME.Instant))
    graph.add((node, TIME.inXSDDate, Literal(day, datatype=XSD.date)))
    return node


def measures(g: Graph) -> list[URIRef]:
    return sorted(g.subjects(RDF.type, PKG.Measure), key=str)


# -- the mutations, one per shape -------------------------------------------------------------


def original_file(ds: Dataset, **values: Literal) -> None:
    """Describe the document's source text as derived from a web page: ``values`` give the
    original file's properties (by local name in pkg:)."""
    g, doc = document(ds)
    original = URIRef(f"{doc}/original")
    g.add((g.value(doc, PKG.source), PROV.wasDerivedFrom, original))
    g.add((original, RDF.type, PKG.OriginalFile))
    g.add((original, PKG.fileName, Literal("plan.html")))
    for name, value in values.items():
        g.add((original, PKG[name], value))


def original_without_checksum(ds: Dataset) -> None:
    original_file(ds, mediaType=Literal("text/html"))


def original_with_bad_media_type(ds: Dataset) -> None:
    original_file(ds, sha256=Literal("0" * 64), mediaType=Literal("HTML page"))


def drop_document_property(prop: URIRef) -> Mutation:
    def mutate(ds: Dataset) -> None:
        g, doc = document(ds)
        g.remove((doc, prop, None))

    return mutate


def second_parent_of_part(ds: Dataset) -> None:
    g, doc = document(ds)
    part = first(g.subjects(RDF.type, PKG.Part))
    national = first(g.objects(doc, ELI.ensures_implementation_of))
    g.add((part, ELI.is_part_of, national))


def second_parent_of_item(ds: Dataset) -> None:
    g, _doc = document(ds)
    items = sorted(g.subjects(RDF.type, PKG.Item), key=str)
    parts = sorted(g.subjects(RDF.type, PKG.Part), key=str)
    item = items[0]
    other = next(p for p in parts if (item, ELI.is_part_of, p) not in g)
    g.add((item, ELI.is_part_of, other))


def second_parent_of_measure(ds: Dataset) -> None:
    # a second parent outside the document: the measure numbering of the document is unchanged
    g, _doc = document(ds)
    measure = measures(g)[0]
    national_item = first(
        o for i in g.subjects(RDF.type, PKG.Item) for o in g.objects(i, PKG.correspondsTo)
    )
    g.add((measure, ELI.is_part_of, national_item))


def second_document_number(ds: Dataset) -> None:
    g, doc = document(ds)
    g.add((doc, ELI.id_local, Literal("另发〔2022〕1号")))


def paragraph(ds: Dataset, role: URIRef = PKG["paragraph-content"]) -> tuple[Graph, URIRef]:
    """A well-formed paragraph added to the document's first part (the bundled plan has
    none of its own), derived from the span of the first measure's text."""
    g, _doc = document(ds)
    part = first(g.subjects(RDF.type, PKG.Part))
    node = URIRef(f"{part}/paragraph/1")
    g.add((node, RDF.type, PKG.Paragraph))
    g.add((node, ELI.is_part_of, part))
    g.add((node, PKG.ordinal, Literal("1", datatype=XSD.integer)))
    g.add((node, PKG.paragraphRole, role))
    g.add((node, PROV.wasDerivedFrom, g.value(measures(g)[0], PROV.wasDerivedFrom)))
    return g, node


def second_parent_of_paragraph(ds: Dataset) -> None:
    g, node = paragraph(ds)
    other = next(p for p in g.subjects(RDF.type, PKG.Part) if (node, ELI.is_part_of, p) not in g)
    g.add((node, ELI.is_part_of, other))


def paragraph_without_span(ds: Dataset) -> None:
    g, node = paragraph(ds)
    g.remove((node, PROV.wasDerivedFrom, None))


def paragraph_with_a_role_from_elsewhere(ds: Dataset) -> None:
    g, node = paragraph(ds)
    replace(g, node, PKG.paragraphRole, PKG["role-lead"])


def unplaced_paragraph(ds: Dataset) -> None:
    paragraph(ds, PKG["paragraph-unplaced"])


def ordinal_of_wrong_type(ds: Dataset) -> None:
    # the type a store would turn into xsd:integer: what is served would differ from the build
    g, _doc = document(ds)
    resp = first(g.subjects(RDF.type, PKG.Responsibility))
    retype(g, resp, PKG.ordinal, XSD.positiveInteger)


def renumber(cls: URIRef, new_ordinal: int) -> Mutation:
    """Give the second-numbered node of a class a number that leaves a gap."""

    def mutate(ds: Dataset) -> None:
        g, _doc = document(ds)
        node = next(n for n in g.subjects(RDF.type, cls) if int(g.value(n, PKG.ordinal)) == 2)
        replace(g, node, PKG.ordinal, Literal(str(new_ordinal), datatype=XSD.integer))

    return mutate


def drop_measure_property(prop: URIRef) -> Mutation:
    def mutate(ds: Dataset) -> None:
        g, _doc = document(ds)
        g.remove((measures(g)[0], prop, None))

    return mutate


def first_measure_span(ds: Dataset):
    """The document's graph and the span its first measure was derived from."""
    g, _doc = document(ds)
    return g, g.value(measures(g)[0], PROV.wasDerivedFrom)


def span_without_context(ds: Dataset) -> None:
    g, span = first_measure_span(ds)
    g.remove((span, NIF.referenceContext, None))


def span_offset_of_wrong_type(ds: Dataset) -> None:
    g, span = first_measure_span(ds)
    retype(g, span, NIF.beginIndex, XSD.nonNegativeInteger)


def span_without_text(ds: Dataset) -> None:
    g, span = first_measure_span(ds)
    g.remove((span, NIF.anchorOf, None))


def span_with_wrong_text(ds: Dataset) -> None:
    g, span = first_measure_span(ds)
    replace(g, span, NIF.anchorOf, Literal("这不是原文"))


def responsibility_without_agent(ds: Dataset) -> None:
    g, _doc = document(ds)
    g.remove((first(g.subjects(RDF.type, PKG.Responsibility)), PKG.agent, None))


def role_from_another_scheme(ds: Dataset) -> None:
    g, _doc = document(ds)
    resp = first(g.subjects(PKG.role, PKG["role-lead"]))
    replace(g, resp, PKG.role, PKG["comparator-eq"])


def support_without_lead(ds: Dataset) -> None:
    g, _doc = document(ds)
    resp = first(g.subjects(PKG.role, PKG["role-shared"]))
    replace(g, resp, PKG.role, PKG["role-support"])


def registered_agencies(ds: Dataset) -> list[tuple[Graph, URIRef]]:
    out = []
    for graph in ds.graphs():
        for agency in graph.subjects(RDF.type, PKG.Agency):
            if (agency, RDF.type, PKG.UnregisteredAgency) not in graph:
                out.append((graph, agency))
    return sorted(out, key=lambda ga: str(ga[1]))


def agency_responsible(ds: Dataset) -> tuple[Graph, URIRef]:
    """A registered agency named in a responsibility (so a document points to it)."""
    g, _doc = document(ds)
    agents = {o for o in g.objects(None, PKG.agent)}
    return next((graph, a) for graph, a in registered_agencies(ds) if a in agents)


def agency_without_kind(ds: Dataset) -> None:
    graph, agency = agency_responsible(ds)
    graph.remove((agency, PKG.agencyKind, None))


def agency_without_chinese_name(ds: Dataset) -> None:
    graph, agency = agency_responsible(ds)
    for label in list(graph.objects(agency, SKOS.prefLabel)):
        if label.language == "zh":
            graph.remove((agency, SKOS.prefLabel, label))


def unregistered_agency(ds: Dataset) -> None:
    g, _doc = document(ds)
    resp = first(g.subjects(RDF.type, PKG.Responsibility))
    node = PKID["agency/山西省未登记测试办公室"]
    g.add((node, RDF.type, PKG.UnregisteredAgency))
    g.add((node, RDF.type, PKG.Agency))
    g.add((node, SKOS.prefLabel, Literal("山西省未登记测试办公室", lang="zh")))
    g.add((node, PKG.agencyKind, PKG["kind-provincial-department"]))
    replace(g, resp, PKG.agent, node)


def instant_with_string_date(ds: Dataset) -> None:
    g, _doc = document(ds)
    instant = first(g.subjects(RDF.type, TIME.Instant))
    retype(g, instant, TIME.inXSDDate, XSD.string)


def time_bounds(
    g: Graph, kind: str, with_beginning: bool | None = None, in_period: bool | None = None
) -> list[URIRef]:
    found = []
    for t in g.subjects(PKG.timeBoundType, PKG[f"bound-{kind}"]):
        has_begin = g.value(t, TIME.hasBeginning) is not None
        has_period = (None, PKG.period, t) in g
        if with_beginning is not None and has_begin != with_beginning:
            continue
        if in_period is not None and has_period != in_period:
            continue
        found.append(t)
    return sorted(found, key=str)


def time_bound_without_type(ds: Dataset) -> None:
    g, _doc = document(ds)
    g.remove((time_bounds(g, "deadline")[0], PKG.timeBoundType, None))


def time_bound_end_not_an_instant(ds: Dataset) -> None:
    g, _doc = document(ds)
    t = time_bounds(g, "deadline")[0]
    replace(g, t, TIME.hasEnd, PKID["not-an-instant"])


def time_bound_begins_after_end(ds: Dataset) -> None:
    g, _doc = document(ds)
    t = time_bounds(g, "period", with_beginning=True)[0]
    end = g.value(g.value(t, TIME.hasEnd), TIME.inXSDDate).toPython()
    replace(
        g,
        t,
        TIME.hasBeginning,
        new_instant(
            g,
            end.replace(day=1, month=12).isoformat() if end.month < 12 else f"{end.year + 1}-01-01",
        ),
    )


def deadline_before_issue(ds: Dataset) -> None:
    g, doc = document(ds)
    issued = g.value(doc, ELI.date_document).toPython()
    t = time_bounds(g, "deadline", with_beginning=False, in_period=False)[0]
    replace(g, t, TIME.hasEnd, new_instant(g, f"{issued.year - 1}-12-31"))


def bound_far_in_future(ds: Dataset) -> None:
    g, doc = document(ds)
    issued = g.value(doc, ELI.date_document).toPython()
    t = time_bounds(g, "deadline", with_beginning=False, in_period=False)[0]
    replace(g, t, TIME.hasEnd, new_instant(g, f"{issued.year + 11}-12-31"))


def quantities(g: Graph, unit: str | None = None, plain: bool = True) -> list[URIRef]:
    """Quantities (of a unit), by default those with no part, whole or period link."""
    found = []
    for q in g.subjects(RDF.type, PKG.Quantity):
        linked = (
            (q, PKG.partOf, None) in g or (None, PKG.partOf, q) in g or (q, PKG.period, None) in g
        )
        if plain and linked:
            continue
        if unit is not None and str(g.value(q, PKG.unit)) != unit:
            continue
        found.append(q)
    return sorted(found, key=str)


def non_percent(g: Graph) -> URIRef:
    return next(q for q in quantities(g) if str(g.value(q, PKG.unit)) != "%")


def quantity_value_not_numeric(ds: Dataset) -> None:
    g, _doc = document(ds)
    retype(g, non_percent(g), PKG.value, XSD.string)


def quantity_without_unit(ds: Dataset) -> None:
    g, _doc = document(ds)
    g.remove((non_percent(g), PKG.unit, None))


def quantity_with_bad_comparator(ds: Dataset) -> None:
    g, _doc = document(ds)
    replace(g, quantities(g)[0], PKG.comparator, PKG["role-lead"])


def percentage_over_hundred(ds: Dataset) -> None:
    g, _doc = document(ds)
    replace(g, quantities(g, "%")[0], PKG.value, Literal("150", datatype=XSD.decimal))


def parts_do_not_add_up(ds: Dataset) -> None:
    g, _doc = document(ds)
    part = first(g.subjects(PKG.partOf, None))
    value = g.value(part, PKG.value).toPython()
    replace(g, part, PKG.value, Literal(str(value + 1), datatype=XSD.decimal))


def year_exceeds_period(ds: Dataset) -> None:
    g, _doc = document(ds)

    def day(t, prop):
        instant = g.value(t, prop)
        return g.value(instant, TIME.inXSDDate).toPython() if instant is not None else None

    # the quantity over a whole period (begin and end) and another of the same measure
    whole = first(
        q
        for q in g.subjects(PKG.period, None)
        if day(g.value(q, PKG.period), TIME.hasBeginning) is not None
    )
    measure = next(g.subjects(PKG.hasQuantity, whole))
    share = first(
        q for q in g.objects(measure, PKG.hasQuantity) if q != whole and (q, PKG.period, None) in g
    )
    bigger = g.value(whole, PKG.value).toPython() + 1
    replace(g, share, PKG.value, Literal(str(bigger), datatype=XSD.decimal))


def cited_document_without_title(ds: Dataset) -> None:
    g, _doc = document(ds)
    cited = first(g.objects(None, PKG.cites))
    graph_of(ds, cited).remove((cited, DCTERMS.title, None))


def implements_missing_document(ds: Dataset) -> None:
    g, doc = document(ds)
    g.add((doc, ELI.ensures_implementation_of, PKID["doc/国办发/2099/999"]))


def ontology_graph(ds: Dataset) -> Graph:
    return next(
        g
        for g in ds.graphs()
        if (None, RDF.type, URIRef("http://www.w3.org/2002/07/owl#Ontology")) in g
    )


def term_without_label(lang: str) -> Mutation:
    def mutate(ds: Dataset) -> None:
        onto = ontology_graph(ds)
        for prop in (RDFS.label, SKOS.prefLabel):
            for label in list(onto.objects(PKG.Part, prop)):
                if label.language == lang:
                    onto.remove((PKG.Part, prop, label))

    return mutate


MUTATIONS: dict[str, Mutation] = {
    "DocumentNumber": second_document_number,
    "DocumentTitle": drop_document_property(DCTERMS.title),
    "DocumentIssuer": drop_document_property(ELI.passed_by),
    "DocumentIssueDate": drop_document_property(ELI.date_document),
    "PartParent": second_parent_of_part,
    "ItemParent": second_parent_of_item,
    "MeasureParent": second_parent_of_measure,
    "ParagraphParent": second_parent_of_paragraph,
    "ParagraphSpan": paragraph_without_span,
    "ParagraphRole": paragraph_with_a_role_from_elsewhere,
    "UnplacedText": unplaced_paragraph,
    "ReadingQuality": drop_document_property(PKG.clauseCount),
    "Ordinal": ordinal_of_wrong_type,
    "PartNumbering": renumber(PKG.Part, 9),
    "ItemNumbering": renumber(PKG.Item, 99),
    "MeasureNumbering": renumber(PKG.Measure, 99),
    "MeasureText": drop_measure_property(PKG.text),
    "MeasureSpan": drop_measure_property(PROV.wasDerivedFrom),
    "MeasureResponsibility": drop_measure_property(PKG.hasResponsibility),
    "SpanContext": span_without_context,
    "SpanOffsets": span_offset_of_wrong_type,
    "SpanAnchor": span_without_text,
    "SpanInSource": span_with_wrong_text,
    "OriginalFileChecksum": original_without_checksum,
    "OriginalFileMediaType": original_with_bad_media_type,
    "ResponsibilityAgent": responsibility_without_agent,
    "ResponsibilityRole": role_from_another_scheme,
    "LeadWithSupport": support_without_lead,
    "AgencyKind": agency_without_kind,
    "RegisteredAgencyName": agency_without_chinese_name,
    "UnregisteredAgency": unregistered_agency,
    "InstantDate": instant_with_string_date,
    "TimeBoundType": time_bound_without_type,
    "TimeBoundInstants": time_bound_end_not_an_instant,
    "TimeBoundOrder": time_bound_begins_after_end,
    "DeadlineAfterIssue": deadline_before_issue,
    "BoundWithinTenYears": bound_far_in_future,
    "QuantityValue": quantity_value_not_numeric,
    "QuantityUnit": quantity_without_unit,
    "QuantityComparator": quantity_with_bad_comparator,
    "PercentageShare": percentage_over_hundred,
    "PartsAddUp": parts_do_not_add_up,
    "YearWithinPeriod": year_exceeds_period,
    "CitedDocumentTitle": cited_document_without_title,
    "ImplementsTarget": implements_missing_document,
    "TermLabelZh": term_without_label("zh"),
    "TermLabelEn": term_without_label("en"),
}
WARNING_SHAPES = {
    "UnregisteredAgency",
    "BoundWithinTenYears",
    "MeasureResponsibility",
    "UnplacedText",
}


@pytest.mark.parametrize("shape", sorted(MUTATIONS))
def test_mutation_is_reported_by_exactly_its_shape(bundled_dataset, shape):
    broken = copy_dataset(bundled_dataset)
    MUTATIONS[shape](broken)
    result = validate_dataset(broken)
    assert result.shapes_reported() == {shape_iri(shape)}, result.text()
    assert result.conforms == (shape in WARNING_SHAPES)
    expected = "Warning" if shape in WARNING_SHAPES else "Violation"
    assert {r.severity for r in result.results} == {expected}


def test_every_targeted_shape_has_a_mutation():
    from policykg.graph.namespaces import SH
    from policykg.shapes.loading import load_shapes

    shapes = load_shapes()
    targets = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
    targeted = {str(s) for t in targets for s in shapes.subjects(t, None) if isinstance(s, URIRef)}
    names = {s.rsplit("#", 1)[1] for s in targeted}
    assert names == set(MUTATIONS)
