"""What validation reads: the bundled ontology and shapes, and the dataset to validate.

RDF files are read by policykg.graph.rdfio (formats, safe parsing); this module names
what the validator reads with it. The bundled files are parsed once per process.
"""

from __future__ import annotations

import functools
from importlib import resources

from rdflib import Graph


@functools.cache
def bundled_ontology() -> Graph:
    """The policykg ontology shipped with the package, parsed once per process for the
    SHACL context and the OWL check (treat as read-only)."""
    text = (resources.files("policykg.ontology") / "policykg.ttl").read_text(encoding="utf-8")
    return Graph().parse(data=text, format="turtle")
