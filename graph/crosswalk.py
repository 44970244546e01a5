"""The crosswalk: which item of a higher-level document each item of a plan implements.

Computed from the text, never listed by hand. Each item becomes a bag of character
bigrams (of its title, and of its title with its measures' texts), weighted by TF-IDF
over the items of both sides (titles among titles, whole texts among whole texts); two
items are as similar as the better of the cosines of their titles and of their whole
texts. Plans follow the document they implement item
by item, so the links are chosen by an order-preserving alignment (dynamic programming,
items on either side may be skipped) that maximises the summed similarity above a
threshold: an item whose best match falls below the threshold, or would break the
order, gets no link. Links below a second, higher threshold are reported as weak.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from rdflib import Literal, URIRef
from rdflib.graph import Graph
from rdflib.namespace import DCTERMS, RDF

from . import iris
from .literals import decimal
from .model import Document
from .namespaces import ELI, PKG

METHOD = (
    "tf-idf cosine of character bigrams (title; title with measures), "
    "order-preserving alignment, v1"
)
LINK_THRESHOLD = 0.25  # below this an item has no counterpart
WEAK_THRESHOLD = 0.5  # links below this are reported for review
REPEAT_PENALTY = 0.15  # a second plan item linked to the same target gains this much less

# Runs of letters and digits: bigrams never straddle punctuation or white space.
_RUN = re.compile(r"[^\W_]+")

Vector = Mapping[str, float]
Triple = tuple[URIRef, URIRef, URIRef | Literal]


@dataclass(frozen=True)
class TargetItem:
    """An item of a document that others implement: its IRI, number, title, measure texts."""

    iri: URIRef
    ordinal: int
    title: str
    measures: tuple[str, ...] = ()


@dataclass(frozen=True)
class CrosswalkLink:
    """The outcome for one plan item.

    ``target_iri`` is None when the item has no counterpart; ``score`` and ``best_iri``
    then describe the best candidate that was rejected.
    """

    item_ordinal: int
    target_iri: URIRef | None
    score: float
    weak: bool
    best_iri: URIRef | None = None
    # the plan item's IRI (items may restart in every part); not part of the outcome
    item_iri: URIRef | None = field(default=None, compare=False)

    def __str__(self) -> str:
        if self.target_iri is None:
            best = f"best candidate {self.best_iri}" if self.best_iri else "no candidate"
            return f"item {self.item_ordinal} has no counterpart ({best}, score {self.score:.3f})"
        link = f"{'weakly ' if self.weak else ''}implements {self.target_iri}"
        return f"item {self.item_ordinal} {link} (score {self.score:.3f})"


# -- text to vectors ----------------------------------------------------------------------


def bigrams(text: str) -> Counter[str]:
    """Character bigrams of the text's letter-and-digit runs; a one-character run counts
    as itself."""
    grams: Counter[str] = Counter()
    for run in _RUN.findall(text):
        if len(run) == 1:
            grams[run] += 1
        grams.update(run[k : k + 2] for k in range(len(run) - 1))
    return grams


def idf_weights(bags: Iterable[Counter[str]]) -> dict[str, float]:
    """Smoothed inverse document frequency of every gram over the given bags."""
    bags = list(bags)
    df: Counter[str] = Counter()
    for bag in bags:
        df.update(bag.keys())
    n = len(bags)
    return {g: math.log((1 + n) / (1 + d)) + 1.0 for g, d in df.items()}


def tfidf(bag: Counter[str], idf: Mapping[str, float]) -> dict[str, float]:
    """A unit-length TF-IDF vector (sublinear term frequency), keys in sorted order."""
    weights = {g: (1.0 + math.log(c)) * idf.get(g, 1.0) for g, c in sorted(bag.items())}
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {g: w / norm for g, w in weights.items()} if norm else {}


def cosine(a: Vector, b: Vector) -> float:
    """The cosine of two unit vectors (summed in key order, so the result is reproducible)."""
    if len(a) > len(b):
        a, b = b, a
    return sum((w * b[g] for g, w in sorted(a.items()) if g in b), 0.0)


def whole_text(item: TargetItem) -> str:
    """An item's title and measure texts, as one text."""
    return "。".join((item.title, *item.measures))


def similarity_matrix(
    plan: Sequence[TargetItem], targets: Sequence[TargetItem]
) -> list[list[float]]:
    """Similarity of every plan item to every target item, in [0, 1]."""
    title_bags = [bigrams(i.title) for i in (*plan, *targets)]
    text_bags = [bigrams(whole_text(i)) for i in (*plan, *targets)]
    # Titles and whole texts are weighted over their own kind: a gram common in measure
    # texts (市场, 企业) can still tell two titles apart.
    title_idf, text_idf = idf_weights(title_bags), idf_weights(text_bags)
    titles = [tfidf(b, title_idf) for b in title_bags]
    texts = [tfidf(b, text_idf) for b in text_bags]
    n = len(plan)
    return [
        [
            max(cosine(titles[i], titles[n + j]), cosine(texts[i], texts[n + j]))
            for j in range(len(targets))
        ]
        for i in range(len(plan))
    ]


# -- alignment ------------------------------------------------------------------------------


def align(
    scores: Sequence[Sequence[float]],
    threshold: float = LINK_THRESHOLD,
    repeat_penalty: float = REPEAT_PENALTY,
) -> dict[int, int]:
    """The order-preserving links (plan index → target index) of greatest summed gain.

    A link gains its score minus the threshold, so only links above the threshold are
    worth making; links never cross. Consecutive plan items may share a target (a plan
    may split an item in two), at a penalty.
    """
    n = len(scores)
    m = len(scores[0]) if n else 0
    # best[i][j]: greatest gain aligning plan[i:] with targets[j:]; `held` means plan[i-1]
    # is linked to targets[j], so plan[i] may link to it again.
    neg = -math.inf
    best = [[[0.0, 0.0] for _ in range(m + 1)] for _ in range(n + 1)]
    move: dict[tuple[int, int, int], str] = {}
    for i in range(n - 1, -1, -1):
        for j in range(m, -1, -1):
            for held in (0, 1):
                options: list[tuple[float, str]] = [(best[i + 1][j][0], "skip-plan")]
                if j < m:
                    options.append((best[i][j + 1][0], "skip-target"))
                    s = scores[i][j]
                    if s >= threshold:
                        gain = s - threshold - (repeat_penalty if held else 0.0)
                        options.append((gain + best[i + 1][j][1], "repeat"))
                        options.append((gain + best[i + 1][j + 1][0], "link"))
                value, choice = neg, ""
                for v, c in options:  # first best wins: ties resolve the same way every run
                    if v > value + 1e-12:
                        value, choice = v, c
                best[i][j][held] = value
                move[(i, j, held)] = choice
    links: dict[int, int] = {}
    i = j = held = 0
    while i < n:
        choice = move[(i, j, held)]
        if choice == "skip-plan":
            i, held = i + 1, 0
        elif choice == "skip-target":
            j, held = j + 1, 0
        else:
            links[i] = j
            if choice == "repeat":
                i, held = i + 1, 1
            else:
                i, j, held = i + 1, j + 1, 0
    return links


def crosswalk_items(
    plan: Sequence[TargetItem],
    targets: Sequence[TargetItem],
    threshold: float = LINK_THRESHOLD,
    weak_below: float = WEAK_THRESHOLD,
) -> list[CrosswalkLink]:
    """One outcome per plan item: its link (or none) with its score, in plan order."""
    if not plan:
        return []
    if not targets:
        return [CrosswalkLink(p.ordinal, None, 0.0, True, item_iri=p.iri) for p in plan]
    scores = similarity_matrix(plan, targets)
    links = align(scores, threshold)
    result = []
    for i, item in enumerate(plan):
        if i in links:
            s = scores[i][links[i]]
            link = CrosswalkLink(item.ordinal, targets[links[i]].iri, s, s < weak_below)
        else:
            j = max(range(len(targets)), key=lambda k: (scores[i][k], -k))
            link = CrosswalkLink(item.ordinal, None, scores[i][j], True, targets[j].iri)
        result.append(replace(link, item_iri=item.iri))
    return result


def plan_items(plan: Document, plan_iri: URIRef | None = None) -> list[TargetItem]:
    """A parsed document's items, with their titles and measure texts."""
    doc = plan_iri or iris.parsed_document_iri(plan)
    return [
        TargetItem(
            iris.parsed_item_iri(doc, plan, item),
            item.ordinal,
            item.title.text,
            tuple(m.span.text for m in item.measures),
        )
        for item in plan.items
    ]


def crosswalk(plan: Document, target_items: Sequence[TargetItem]) -> list[CrosswalkLink]:
    """Link each item of a parsed plan to the target item it implements (see the module doc)."""
    return crosswalk_items(plan_items(plan), target_items)


# -- RDF in and out -------------------------------------------------------------------------


def _zh_first(values: Iterable[object]) -> str | None:
    """The Chinese literal among the values, else the first one."""
    values = sorted(values, key=lambda v: (getattr(v, "language", None) != "zh", str(v)))
    return str(values[0]) if values else None


def _ordinal(graph: Graph, node: URIRef) -> int | None:
    value = graph.value(node, PKG.ordinal)
    return int(value) if isinstance(value, Literal) else None


def _parts(graph: Graph, whole: URIRef, kind: URIRef) -> list[URIRef]:
    """The resources of class ``kind`` that are eli:is_part_of ``whole`` (IRIs only)."""
    return [
        part
        for part in graph.subjects(ELI.is_part_of, whole)
        if isinstance(part, URIRef) and (part, RDF.type, kind) in graph
    ]


def target_items_from_graph(graph: Graph, document_iri: URIRef) -> list[TargetItem]:
    """The items of a document in a graph (directly in it or in its parts), in order.

    Measure texts (pkg:text of the pkg:Measure parts of an item) are included when the
    graph has them; the national outline has titles only.
    """
    items = set(_parts(graph, document_iri, PKG.Item))
    for part in _parts(graph, document_iri, PKG.Part):
        items.update(_parts(graph, part, PKG.Item))
    result = []
    for item in items:
        ordinal = _ordinal(graph, item)
        title = _zh_first(graph.objects(item, DCTERMS.title))
        if ordinal is None or title is None:
            continue
        measures = sorted(
            (_ordinal(graph, m) or 0, _zh_first(graph.objects(m, PKG.text)) or "")
            for m in _parts(graph, item, PKG.Measure)
        )
        result.append(TargetItem(item, ordinal, title, tuple(text for _, text in measures if text)))
    return sorted(result, key=lambda t: (t.ordinal, str(t.iri)))


def score_literal(score: float) -> Literal:
    """A score as xsd:decimal rounded to 3 places (the same text on every run)."""
    return decimal(Decimal(f"{score:.3f}"))


def crosswalk_triples(
    links: Iterable[CrosswalkLink], plan_iri: URIRef, method: str = METHOD
) -> Iterable[Triple]:
    """The direct links and a scored link node ``{item}/crosswalk`` for every linked item."""
    for link in links:
        if link.target_iri is None:
            continue
        item = link.item_iri or iris.item_iri(plan_iri, link.item_ordinal)
        node = URIRef(f"{item}/crosswalk")
        yield item, PKG.correspondsTo, link.target_iri
        yield node, RDF.type, PKG.CrosswalkLink
        yield node, PKG.fromItem, item
        yield node, PKG.toItem, link.target_iri
        yield node, PKG.score, score_literal(link.score)
        yield node, PKG.method, Literal(method)
