"""The graph in the vocabularies national legislation graphs use: the ELI and schema.org views.

Each view is a CONSTRUCT query shipped in ``queries/views/`` and run over the union of the
dataset's graphs; ``schema_jsonld`` frames the schema.org view as JSON-LD, one tree per
document (its parts, items and measures embedded through ``hasPart``).
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from policykg.graph.namespaces import ELI, PKID, SCHEMA, bind_prefixes
from policykg.graph.rdfio import union_graph

VIEWS = ("eli", "schema")

# The JSON-LD context of the schema.org view: schema.org terms bare, policykg IRIs compact.
SCHEMA_CONTEXT: dict[str, Any] = {
    "@vocab": str(SCHEMA),
    "pkid": str(PKID),
    "xsd": str(XSD),
    "legislationDate": {"@type": "xsd:date"},
    "legislationPassedBy": {"@type": "@id"},
    "legislationEnsuresImplementationOf": {"@type": "@id"},
    "isPartOf": {"@type": "@id"},
    "hasPart": {"@type": "@id"},
}
_ID_VALUED = {
    k for k, v in SCHEMA_CONTEXT.items() if isinstance(v, dict) and v.get("@type") == "@id"
}
_EMBEDDED = {"hasPart", "legislationPassedBy"}  # framed as nested objects; the rest stay references


def view_query(name: str) -> str:
    """The text of a view's CONSTRUCT query (eli or schema)."""
    if name not in VIEWS:
        raise ValueError(f"unknown view {name!r}; the views are {', '.join(VIEWS)}")
    return (resources.files("policykg.server") / "queries" / "views" / f"{name}.rq").read_text(
        encoding="utf-8"
    )


def construct_view(data: Graph, name: str) -> Graph:
    """The named view of a policykg graph or dataset, as a new graph."""
    view = Graph()
    bind_prefixes(view.namespace_manager)
    view.bind("eli", ELI)
    view.bind("schema", SCHEMA)
    for triple in union_graph(data, prefixes=False).query(view_query(name)):
        view.add(triple)
    return view


def eli_view(data: Graph) -> Graph:
    """The ELI view (see queries/views/eli.rq)."""
    return construct_view(data, "eli")


def schema_view(data: Graph) -> Graph:
    """The schema.org view (see queries/views/schema.rq)."""
    return construct_view(data, "schema")


# -- JSON-LD ----------------------------------------------------------------------------------


def _compact_iri(iri: URIRef) -> str:
    """An IRI as written in the JSON-LD: pkid:… for policykg's resources."""
    s = str(iri)
    return "pkid:" + s[len(str(PKID)) :] if s.startswith(str(PKID)) else s


def _term(predicate: URIRef) -> str:
    """A property as a JSON-LD key: bare for schema.org, the full IRI otherwise."""
    s = str(predicate)
    return s[len(str(SCHEMA)) :] if s.startswith(str(SCHEMA)) else s


def _value(key: str, o: object) -> Any:
    """One object as a compacted JSON-LD value under the given key."""
    if isinstance(o, URIRef):
        return _compact_iri(o) if key in _ID_VALUED else {"@id": _compact_iri(o)}
    if isinstance(o, BNode):
        return {"@id": f"_:{o}"}
    assert isinstance(o, Literal)
    if o.language:
        return {"@value": str(o), "@language": o.language}
    if o.datatype == XSD.date and key == "legislationDate":
        return str(o)
    if o.datatype == XSD.integer:
        return int(o)
    if o.datatype in (None, XSD.string):
        return str(o)
    return {"@value": str(o), "@type": str(o.datatype)}


def _sort_key(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _flat_nodes(view: Graph) -> dict[URIRef, dict[str, Any]]:
    """Every subject of the view as a compacted node object (values sorted)."""
    nodes: dict[URIRef, dict[str, Any]] = {}
    for s in sorted(set(view.subjects()), key=str):
        node: dict[str, Any] = {"@id": _compact_iri(s)}
        types = sorted(_term(t) for t in view.objects(s, RDF.type))
        if types:
            node["@type"] = types[0] if len(types) == 1 else types
        for p in sorted(set(view.predicates(s)) - {RDF.type}, key=str):
            key = _term(p)
            values = sorted((_value(key, o) for o in view.objects(s, p)), key=_sort_key)
            node[key] = values[0] if len(values) == 1 else values
        nodes[s] = node
    return nodes


def _frame(
    node: dict[str, Any], by_id: dict[str, dict[str, Any]], seen: frozenset[str]
) -> dict[str, Any]:
    """A node with its parts and issuer embedded (recursively, never around a cycle)."""
    framed = dict(node)
    for key in _EMBEDDED & node.keys():
        values = node[key] if isinstance(node[key], list) else [node[key]]
        embedded = [
            (_frame(by_id[v], by_id, seen | {v}) if v in by_id and v not in seen else v)
            for v in values
        ]
        embedded.sort(
            key=lambda n: (
                (n.get("position", 0), n.get("@id", "")) if isinstance(n, dict) else (0, n)
            )
        )
        framed[key] = embedded[0] if len(embedded) == 1 else embedded
    return framed


def schema_jsonld(data: Graph) -> str:
    """The schema.org view of a policykg graph or dataset as framed JSON-LD."""
    return frame_schema_view(schema_view(data))


def frame_schema_view(view: Graph) -> str:
    """A schema.org view as framed, compacted JSON-LD (the same text on every run).

    The top level holds one tree per schema:Legislation that is part of nothing (the
    documents), with hasPart and legislationPassedBy embedded; every other node is
    reachable from there or listed after the documents. Parsing the result gives back
    exactly the triples of the schema.org view.
    """
    nodes = _flat_nodes(view)
    by_id = {n["@id"]: n for n in nodes.values()}
    tops = [
        n
        for s, n in nodes.items()
        if (s, RDF.type, SCHEMA.Legislation) in view and (s, SCHEMA.isPartOf, None) not in view
    ]
    graph = [_frame(n, by_id, frozenset({n["@id"]})) for n in tops]
    reached = set()
    _collect_ids(graph, reached)
    graph.extend(n for n in nodes.values() if n["@id"] not in reached)
    return (
        json.dumps(
            {"@context": SCHEMA_CONTEXT, "@graph": graph},
            ensure_ascii=False,
            indent=2,
            sort_keys=True,
        )
        + "\n"
    )


def _collect_ids(value: Any, out: set[str]) -> None:
    """The @id of every node object written out in full (not mere references)."""
    if isinstance(value, list):
        for v in value:
            _collect_ids(v, out)
    elif isinstance(value, dict):
        if "@id" in value and len(value) > 1:
            out.add(value["@id"])
        for v in value.values():
            _collect_ids(v, out)


def write_view(name: str, data: Path | None, output: Path) -> int:
    """Write a view of a graph file (None: the bundled corpus) to ``output``; return its size.

    The format follows the extension, as for `policykg build`: a view is one graph, which
    the dataset formats (N-Quads, TriG) hold as their default graph.
    """
    from policykg.graph.rdfio import (
        JSON_LD,
        check_destination,
        check_not_an_input,
        serialize_dataset,
        write_bytes,
    )
    from policykg.shapes.loading import load_input

    rdf_format = check_destination(output)
    if data is not None:
        check_not_an_input(output, [data])
    source = load_input([data] if data else None)
    view = construct_view(source, name)
    if name == "schema" and rdf_format.media_type == JSON_LD:
        body = frame_schema_view(view).encode("utf-8")
    elif rdf_format.keeps_graphs and rdf_format.media_type != JSON_LD:
        dataset = Dataset()
        for prefix, namespace in view.namespaces():
            dataset.bind(prefix, namespace)
        dataset.default_graph += view
        body = serialize_dataset(dataset, rdf_format)
    else:
        body = view.serialize(format=rdf_format.rdflib, encoding="utf-8")
    return write_bytes(body, output)
