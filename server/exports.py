"""The graph in the vocabularies national legislation graphs use: the ELI and schema.org views.

Each view is a CONSTRUCT query shipped in ``queries/views/`` and run by a query engine over
the union of the dataset's graphs; ``schema_jsonld`` frames the schema.org view as
JSON-LD, one tree per document (its parts, items and measures embedded through
``hasPart``). The schema.org view is policykg's one mapping to schema.org: the pages
embed what it says about their resource (:class:`SchemaIndex`, made for the resource and
its neighbours only, so a page costs the same at any size of dataset), so the export and
the pages cannot disagree.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from policykg.graph.namespaces import ELI, PKID, SCHEMA, bind_prefixes
from policykg.graph.rdfio import as_dataset

from .engine import Engine, RdflibEngine, Term, Triple, to_rdflib
from .linking import iri_ref
from .viewmodels.queries import view_query as page_query

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
    "legislationResponsible": {"@type": "@id"},
    "parentOrganization": {"@type": "@id"},
}
_ID_VALUED = {
    k for k, v in SCHEMA_CONTEXT.items() if isinstance(v, dict) and v.get("@type") == "@id"
}
# Framed as nested objects (the rest stay references): parts and issuers wherever they are
# linked, a responsible agency where it is first linked.
_EMBEDDED = {"hasPart", "legislationPassedBy"}
_EMBEDDED_ONCE = {"legislationResponsible"}


def view_query(name: str, focus: Sequence[str] = ()) -> str:
    """The text of a view's CONSTRUCT query (eli or schema), made for the resources
    ``focus`` where the view has a $focus list (the schema view), else for every one."""
    if name not in VIEWS:
        raise ValueError(f"unknown view {name!r}; the views are {', '.join(VIEWS)}")
    text = (resources.files("policykg.server") / "queries" / "views" / f"{name}.rq").read_text(
        encoding="utf-8"
    )
    # iri_ref writes no backslash, so the IRIs are a plain replacement string
    return text.replace("$focus", " ".join(map(iri_ref, focus)) if focus else "UNDEF")


def view_triples(engine: Engine, name: str, focus: Sequence[str] = ()) -> list[Triple]:
    """The triples of a view, as the engine answers its CONSTRUCT query."""
    return engine.query(view_query(name, focus)).triples()


def construct_view(data: Graph | Engine, name: str) -> Graph:
    """The named view of a policykg graph, dataset or engine, as a new graph (an rdflib
    graph or dataset is queried with the rdflib engine)."""
    engine = data if isinstance(data, Engine) else RdflibEngine.from_dataset(as_dataset(data))
    view = Graph()
    bind_prefixes(view.namespace_manager)
    view.bind("eli", ELI)
    view.bind("schema", SCHEMA)
    for triple in view_triples(engine, name):
        view.add(tuple(to_rdflib(t) for t in triple))
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


def _node_id(node: URIRef | BNode) -> str:
    """A node's @id: its compacted IRI, or _:label for a blank node."""
    return _compact_iri(node) if isinstance(node, URIRef) else f"_:{node}"


def _subject(node: Node) -> URIRef | BNode:
    """A subject of the view (an IRI or a blank node: what a CONSTRUCT can give)."""
    if not isinstance(node, URIRef | BNode):
        raise TypeError(f"not a subject of an RDF graph: {node!r}")
    return node


def _iri(node: Node) -> URIRef:
    """A predicate or class of the view (an IRI: what the view's CONSTRUCT gives)."""
    if not isinstance(node, URIRef):
        raise TypeError(f"not an IRI: {node!r}")
    return node


def _term(predicate: URIRef) -> str:
    """A property as a JSON-LD key: bare for schema.org, the full IRI otherwise."""
    s = str(predicate)
    return s[len(str(SCHEMA)) :] if s.startswith(str(SCHEMA)) else s


def _value(key: str, o: object) -> Any:
    """One object as a compacted JSON-LD value under the given key."""
    if isinstance(o, URIRef | BNode):
        return _node_id(o) if key in _ID_VALUED else {"@id": _node_id(o)}
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


def _flat_nodes(view: Graph) -> dict[URIRef | BNode, dict[str, Any]]:
    """Every subject of the view as a compacted node object (values sorted)."""
    nodes: dict[URIRef | BNode, dict[str, Any]] = {}
    for s in sorted({_subject(s) for s in view.subjects()}, key=str):
        node: dict[str, Any] = {"@id": _node_id(s)}
        types = sorted(_term(_iri(t)) for t in view.objects(s, RDF.type))
        if types:
            node["@type"] = types[0] if len(types) == 1 else types
        for p in sorted({_iri(p) for p in view.predicates(s)} - {RDF.type}, key=str):
            key = _term(p)
            values = sorted((_value(key, o) for o in view.objects(s, p)), key=_sort_key)
            node[key] = values[0] if len(values) == 1 else values
        nodes[s] = node
    return nodes


def _frame(
    node: dict[str, Any], by_id: dict[str, dict[str, Any]], seen: frozenset[str], placed: set[str]
) -> dict[str, Any]:
    """A node with its parts, issuer and responsible agencies embedded (recursively, never
    around a cycle; a node of _EMBEDDED_ONCE only where it is first linked)."""
    framed = dict(node)
    for key in (_EMBEDDED | _EMBEDDED_ONCE) & node.keys():
        once = key in _EMBEDDED_ONCE
        values = node[key] if isinstance(node[key], list) else [node[key]]
        embedded = []
        for v in values:
            if v in by_id and v not in seen and not (once and v in placed):
                placed.add(v)
                embedded.append(_frame(by_id[v], by_id, seen | {v}, placed))
            else:
                embedded.append(v)
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
    documents), with hasPart, legislationPassedBy and legislationResponsible embedded;
    every other node is reachable from there or listed after the documents. Parsing the
    result gives back exactly the triples of the schema.org view.
    """
    nodes = _flat_nodes(view)
    by_id = {n["@id"]: n for n in nodes.values()}
    tops = [
        n
        for s, n in nodes.items()
        if (s, RDF.type, SCHEMA.Legislation) in view and (s, SCHEMA.isPartOf, None) not in view
    ]
    placed: set[str] = set()
    graph = [_frame(n, by_id, frozenset({n["@id"]}), placed) for n in tops]
    reached: set[str] = set()
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


# -- the pages' JSON-LD -----------------------------------------------------------------------

PAGE_CONTEXT = "https://schema.org/"
RDF_TYPE = str(RDF.type)
_INTEGER = str(XSD.integer)
_TermKey = tuple[str, str, str | None, str | None]  # what Term.key gives


class SchemaIndex:
    """The schema.org view of the served dataset by subject: what a page embeds as JSON-LD.

    A page's node is its resource's node of the view, in the form search engines read:
    full IRIs, each linked resource as an object with its type and name, literals as plain
    values (the Chinese ones where there are several languages: the pages are in Chinese).
    """

    def __init__(self, triples: list[Triple]) -> None:
        self.nodes: dict[str, dict[str, dict[_TermKey, Term]]] = {}
        for s, p, o in triples:
            self.nodes.setdefault(str(s), {}).setdefault(str(p), {})[o.key] = o

    @classmethod
    def around(cls, engine: Engine, iri: str) -> SchemaIndex:
        """The index of what a page about ``iri`` embeds: the view made for the resource
        and its neighbours only (queries/views/page-neighbours.rq), so that a page costs
        the same whatever the size of the dataset. Its page_jsonld(iri) equals that of
        the whole dataset's index."""
        own = cls(view_triples(engine, "schema", [iri]))
        if RDF_TYPE not in own.nodes.get(iri, {}):
            return own  # not in the view (a place, a graph, the dataset): nothing to embed
        rows = engine.select(page_query("page-neighbours", resource=iri))
        focus = sorted({iri} | {str(r["x"]) for r in rows if r.get("x") is not None})
        return cls(view_triples(engine, "schema", focus))

    def page_jsonld(self, iri: str) -> dict[str, Any] | None:
        """The JSON-LD a resource's page embeds; None when the view says nothing of it."""
        if RDF_TYPE not in self.nodes.get(iri, {}):
            return None
        return {"@context": PAGE_CONTEXT, **self._node(iri, embed=True)}

    def _node(self, iri: str, embed: bool) -> dict[str, Any]:
        properties = self.nodes.get(iri, {})
        node: dict[str, Any] = {"@id": iri}
        types = sorted(_key(t) for t in properties.get(RDF_TYPE, {}).values())
        if types:
            node["@type"] = types[0] if len(types) == 1 else types
        for predicate in sorted(properties):
            if predicate == RDF_TYPE:
                continue
            objects = sorted(properties[predicate].values(), key=lambda t: t.key)
            if not embed and predicate != str(SCHEMA.name):
                continue  # a linked resource shows its type and name
            resources = [o for o in objects if not o.is_literal]
            if resources:
                node[_key(predicate)] = [self._node(str(o), embed=False) for o in resources]
            else:
                node[_key(predicate)] = _plain(objects)
        return node


def _key(iri: str) -> str:
    return iri[len(str(SCHEMA)) :] if iri.startswith(str(SCHEMA)) else iri


def _plain(literals: list[Term]) -> Any:
    """Literals as plain JSON values: the Chinese ones when there are several languages."""
    chosen = [t for t in literals if t.lang == "zh"] or [t for t in literals if not t.lang]
    values = [int(t) if t.datatype == _INTEGER else str(t) for t in chosen or literals]
    return values[0] if len(values) == 1 else values
