"""View-models of the landing page (the dataset as a whole) and of a named graph's page."""

from __future__ import annotations

from policykg.graph.publishing import DUMPS

from ..engine import Engine
from ..linking import links
from .page import SCHEMA_ORG, Page, thing, to_int
from .queries import view_query
from .terms import label_map, link

# The downloads the endpoint serves at /download/<name> (server/sparql.py), with what each is.
DOWNLOADS: tuple[tuple[str, str], ...] = tuple(
    (name, f"数据集 dataset ({media_type})") for name, media_type in DUMPS.items()
) + (("ontology.ttl", "本体 ontology (Turtle)"), ("shapes.ttl", "SHACL 约束 shapes (Turtle)"))


def build_landing(engine: Engine, page: Page) -> None:
    """The landing page: counts, documents, named graphs, downloads."""
    stats = engine.stats()
    counts = {str(r["class"]): to_int(r["n"]) for r in engine.select(view_query("dataset-counts"))}
    labels = label_map(engine, counts)
    documents = []
    for row in engine.select(view_query("dataset-documents")):
        documents.append(
            {
                "link": link(str(row["doc"]), text=str(row.get("number", "")) or None),
                "title": str(row.get("title", "")),
                "issued": str(row.get("issued", "")),
                "in_corpus": "source" in row,
            }
        )
    page.context.update(
        triples=stats.triples,
        entities=stats.entities,
        counts=[(link(c, labels), n) for c, n in sorted(counts.items(), key=lambda kv: -kv[1])],
        documents=documents,
        graphs=[(link(g), n) for g, n in stats.graphs.items()],
        downloads=DOWNLOADS,
    )
    page.jsonld = {
        "@context": SCHEMA_ORG,
        "@type": "Dataset",
        "name": "policykg",
        "description": "中国政府政策文件知识图谱 Chinese government policy documents "
        "as a linked-data knowledge graph",
        "distribution": [
            {"@type": "DataDownload", "contentUrl": f"/download/{name}"} for name, _ in DOWNLOADS
        ],
    }


def build_graph(engine: Engine, iri: str, page: Page) -> None:
    """A named graph: what it holds, the document it is about, its downloads."""
    classes = engine.select(view_query("graph-classes", graph=iri))
    labels = label_map(engine, [str(r["class"]) for r in classes])
    name = links().short(iri).removeprefix("graph/")
    about = links().resource_iri("id", name)
    about_labels = label_map(engine, [about])
    page.title = f"命名图 {name}"
    page.context.update(
        classes=[(link(str(r["class"]), labels), to_int(r["n"])) for r in classes],
        about=link(about, about_labels) if about in about_labels else None,
    )
    page.jsonld = thing(iri, page.title, "Dataset")
