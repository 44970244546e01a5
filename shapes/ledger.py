"""Validation records: each graph's SHACL results, kept with the content hash of the graph.

A document's validation depends on its own named graph, on the reference graphs its
nodes point to (registers, gazetteer, ontology) and on the shapes. Its record keeps the
hash of its graph and a *context* hash (the reference graphs' hashes, the shapes' and
policykg's version); a later validation of the same store re-validates a graph only when
either hash differs, and reads the results of the others from their records. The
reference graphs form one unit, validated again only when they change.

What is not tracked: the triples of *other documents* a document's context holds (the
item of another document its items implement, an agency another document describes).
Changing those alone does not re-validate the documents that point at them; validate
with ``--revalidate`` to check everything again.

The records are a JSON file in the store's folder (:data:`RECORDS_FILE`); each result
is kept with its terms in N-Triples syntax, so the report of an unchanged graph is the
report its validation gave.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib.term import Node
from rdflib.util import from_n3

from .records import ResultRecord

RECORDS_FILE = "policykg-validation.json"
FORMAT = 1


def context_hash(reference_hashes: dict[str, str], shapes: bytes, version: str) -> str:
    """The hash of what every document's validation also depends on."""
    digest = hashlib.sha256(f"policykg {version}\n".encode())
    digest.update(hashlib.sha256(shapes).hexdigest().encode())
    for name, value in sorted(reference_hashes.items()):
        digest.update(f"{name} {value}\n".encode())
    return digest.hexdigest()


@dataclass
class Record:
    """The validation of one unit (a document's graph, or 'reference')."""

    hash: str
    context: str
    results: list[ResultRecord] = field(default_factory=list)


@dataclass
class Ledger:
    """The records of one store, by unit name."""

    records: dict[str, Record] = field(default_factory=dict)

    def current(self, unit: str, content: str, context: str) -> Record | None:
        """The unit's record when it was made for this content and context."""
        record = self.records.get(unit)
        if record is not None and record.hash == content and record.context == context:
            return record
        return None

    @classmethod
    def read(cls, folder: Path) -> Ledger:
        """The records kept in a folder (none when missing or unreadable)."""
        try:
            data = json.loads((folder / RECORDS_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return cls()
        records: dict[str, Record] = {}
        for unit, value in data.get("units", {}).items():
            try:
                results = [_record_from_json(r) for r in value["results"]]
                records[unit] = Record(value["hash"], value["context"], results)
            except (KeyError, TypeError, ValueError):
                continue  # a damaged record is validated again
        return cls(records)

    def write(self, folder: Path) -> bool:
        """Keep the records in the folder; False when it cannot be written (read-only)."""
        units = {
            unit: {
                "hash": r.hash,
                "context": r.context,
                "results": [_record_to_json(x) for x in r.results],
            }
            for unit, r in sorted(self.records.items())
        }
        text = json.dumps({"format": FORMAT, "units": units}, ensure_ascii=False)
        target = folder / RECORDS_FILE
        try:
            partial = target.with_suffix(".partial")
            partial.write_text(text, encoding="utf-8")
            partial.replace(target)
        except OSError:
            return False
        return True


_TERMS = ("shape", "constraint", "focus", "path", "value", "measure")
_TEXTS = ("severity", "focus_label", "path_text", "value_label", "sentence")


def _n3(term: Node | None) -> str | None:
    return None if term is None else term.n3()


def _node(text: str | None) -> Any:
    return None if text is None else from_n3(text)


def _record_to_json(record: ResultRecord) -> dict[str, Any]:
    out: dict[str, Any] = {name: _n3(getattr(record, name)) for name in _TERMS}
    out.update({name: getattr(record, name) for name in _TEXTS})
    out["messages"] = record.messages
    out["shape_labels"] = record.shape_labels
    out["path_triples"] = [[t.n3() for t in triple] for triple in record.path_triples]
    return out


def _record_from_json(data: dict[str, Any]) -> ResultRecord:
    terms = {name: _node(data[name]) for name in _TERMS}
    texts = {name: data[name] for name in _TEXTS}
    return ResultRecord(
        messages=dict(data["messages"]),
        shape_labels=dict(data["shape_labels"]),
        path_triples=[(_node(s), _node(p), _node(o)) for s, p, o in data["path_triples"]],
        **terms,
        **texts,
    )
