"""The outcome of a validation: the verdict, the typed results and the standard report.

A :class:`ValidationResult` is what the validator returns (shapes/validate.py) and what
the CLI, the server and the tests read; it renders itself through shapes/report.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import Graph
from rdflib.term import IdentifiedNode

from policykg.graph.errors import InputError

from .records import ResultRecord, build_report_graph
from .report import render_json, render_text, render_turtle

if TYPE_CHECKING:
    from .owl import OwlOutcome


@dataclass
class ValidationResult:
    """The merged outcome of validating a dataset."""

    conforms: bool
    results: list[ResultRecord]
    report_graph: Graph
    owl_summary: str | None = None  # one line from the OWL check, when it ran

    def by_severity(self, severity: str) -> list[ResultRecord]:
        """The results of one severity (Violation, Warning, Info)."""
        return [r for r in self.results if r.severity == severity]

    def shapes_reported(self, severity: str | None = None) -> set[IdentifiedNode]:
        """The source shapes of the results (of one severity, when given)."""
        return {r.shape for r in self.results if severity is None or r.severity == severity}

    def text(self) -> str:
        """The text report, both languages, grouped by severity and shape."""
        return render_text(self.conforms, self.results, self.owl_summary)

    def turtle(self) -> str:
        """The standard SHACL validation report as Turtle."""
        return render_turtle(self.report_graph)

    def json(self) -> str:
        """The standard SHACL validation report as JSON-LD."""
        return render_json(self.report_graph)

    def render(self, fmt: str) -> str:
        """The report in ``text``, ``ttl`` or ``json``."""
        renderers = {"text": self.text, "ttl": self.turtle, "json": self.json}
        if fmt not in renderers:
            raise InputError(f"unknown report format {fmt!r}", hint="use text, ttl or json")
        return renderers[fmt]()

    def add_owl_outcome(self, outcome: OwlOutcome) -> None:
        """Fold the OWL check's findings into the result, as violations."""
        self.owl_summary = outcome.text().splitlines()[0]
        if outcome.consistent:
            return
        self.results.extend(outcome.records())
        self.conforms = False
        self.report_graph = build_report_graph(False, self.results)
