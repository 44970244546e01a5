"""Renderings of a validation result: a bilingual text report, and the standard report as
Turtle or JSON-LD.

The text report groups results by severity and then by shape; each result shows the
shape's message in Chinese and English, the focus node with its label, the path and the
value, and, for anything inside a measure, the measure's sentence as in the source.
"""

from __future__ import annotations

import json
from collections import defaultdict

from rdflib import Graph, Literal
from rdflib.term import Node

from policykg.graph.namespaces import PKGSH, PREFIXES

from .records import SEVERITY_ORDER, ResultRecord

SEVERITY_NAMES = {
    "Violation": ("违规", "violation"),
    "Warning": ("警告", "warning"),
    "Info": ("提示", "info"),
}
SENTENCE_LENGTH = 160
# The compacting context of the JSON-LD report: the vocabularies a report uses, as declared
# in graph/namespaces.py, and the shapes' own namespace.
JSONLD_CONTEXT = {
    "sh": PREFIXES["sh"],
    "pkgsh": str(PKGSH),
    "pkg": PREFIXES["pkg"],
    "pkid": PREFIXES["pkid"],
    "xsd": PREFIXES["xsd"],
}


def render_text(conforms: bool, records: list[ResultRecord], owl_summary: str | None) -> str:
    """The text report of a verdict, its results and the OWL check's line (when it ran)."""
    lines = [headline(conforms, records)]
    if owl_summary:
        lines.append(owl_summary)
    lines.append("")
    groups: dict[str, dict[str, list[ResultRecord]]] = defaultdict(lambda: defaultdict(list))
    for record in records:
        groups[record.severity][str(record.shape)].append(record)
    for severity in sorted(groups, key=lambda s: SEVERITY_ORDER.get(s, 9)):
        zh, en = SEVERITY_NAMES.get(severity, (severity, severity))
        total = sum(len(v) for v in groups[severity].values())
        lines.append(f"== {zh} / {en}: {total} ==")
        for shape_records in groups[severity].values():
            lines.extend(shape_block(shape_records))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def headline(conforms: bool, records: list[ResultRecord]) -> str:
    """One line saying whether the graph conforms and how many results of each kind."""
    counts = {s: sum(r.severity == s for r in records) for s in ("Violation", "Warning", "Info")}
    verdict = "符合 / conforms" if conforms else "不符合 / does not conform"
    parts = ", ".join(f"{SEVERITY_NAMES[s][1]}s {n}" for s, n in counts.items() if n)
    return f"policykg validate: {verdict}" + (f" ({parts})" if parts else "")


def shape_block(records: list[ResultRecord]) -> list[str]:
    """The lines for all results of one shape."""
    first = records[0]
    label_zh = first.shape_labels.get("zh", "")
    label_en = first.shape_labels.get("en", "")
    lines = [
        f"-- {short(first.shape)}  {label_zh} / {label_en}  ({len(records)})",
        f"   {first.message('zh')}",
        f"   {first.message('en')}",
    ]
    for record in records:
        lines.extend(result_lines(record))
    return lines


def result_lines(record: ResultRecord) -> list[str]:
    """The lines for one result: focus, path, value and source sentence."""
    lines = [f"   * 对象 focus: {describe(record.focus, record.focus_label)}"]
    if record.path_text:
        lines.append(f"     路径 path: {record.path_text}")
    if record.value is not None:
        lines.append(f"     值 value: {describe(record.value, record.value_label)}")
    if record.sentence:
        sentence = " ".join(record.sentence.split())
        if len(sentence) > SENTENCE_LENGTH:
            sentence = sentence[: SENTENCE_LENGTH - 1] + "…"
        lines.append(f"     原文 source: {sentence}")
    return lines


def describe(node: Node, label: str | None) -> str:
    """A node as shown in the report: its IRI (or literal) and its label."""
    if isinstance(node, Literal):
        text = str(node)
        return repr(text if len(text) <= 80 else text[:79] + "…")
    return f"<{node}>" + (f" “{label}”" if label else "")


def short(node: Node) -> str:
    """A shape IRI written with the pkgsh: prefix when it has it."""
    text = str(node)
    prefix = str(PKGSH)
    return "pkgsh:" + text[len(prefix) :] if text.startswith(prefix) else f"<{text}>"


def render_turtle(report_graph: Graph) -> str:
    """The standard report as Turtle."""
    return report_graph.serialize(format="turtle")


def render_json(report_graph: Graph) -> str:
    """The standard report as JSON-LD (a compacted sh:ValidationReport)."""
    text = report_graph.serialize(format="json-ld", context=JSONLD_CONTEXT, indent=2)
    json.loads(text)  # what is printed must be valid JSON
    return text
