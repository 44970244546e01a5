"""What validation reads: the bundled ontology and shapes, other shapes, the dataset.

RDF files are read by policykg.graph.rdfio (formats, safe parsing); this module names
what the validator reads with it. The bundled files are parsed once per process.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from rdflib import Dataset, Graph, URIRef

from policykg.graph.namespaces import PKGSH, bind_prefixes
from policykg.graph.rdfio import read_dataset, read_graph


@functools.cache
def bundled_ontology() -> Graph:
    """The policykg ontology shipped with the package, parsed once per process for the
    SHACL context and the OWL check (treat as read-only)."""
    text = (resources.files("policykg.ontology") / "policykg.ttl").read_text(encoding="utf-8")
    return Graph().parse(data=text, format="turtle")


def bundled_shapes_path() -> Traversable:
    """The shapes file shipped with policykg."""
    return resources.files("policykg.shapes") / "shapes.ttl"


@functools.cache
def bundled_shapes() -> Graph:
    """The bundled shapes, parsed once per process (pySHACL does not change them)."""
    return Graph().parse(data=bundled_shapes_path().read_text(encoding="utf-8"), format="turtle")


def shape_iri(name: str) -> URIRef:
    """The IRI of one of policykg's shapes by its local name."""
    return PKGSH[name]


def load_shapes(shapes: Graph | str | Path | None = None) -> Graph:
    """The shapes graph: the bundled shapes, a parsed graph, or a shapes file."""
    if isinstance(shapes, Graph):
        return shapes
    if shapes is None:
        return bundled_shapes()
    return read_graph(shapes)


def load_input(paths: Sequence[str | Path] | None) -> Dataset:
    """The dataset to validate (or serve, or export): the given RDF files, or the bundled
    corpus built in memory."""
    if paths:
        return read_dataset(paths)
    # the whole extraction stack, needed only here: imported on demand
    from policykg.graph.pipeline import build_dataset

    dataset = build_dataset()
    bind_prefixes(dataset.namespace_manager)
    return dataset
