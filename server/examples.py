"""The example queries offered on the query page: the competency questions, then the
cross-document questions, read from the package at request time.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

# Folders of queries/ and file-name patterns offered, in the order they are listed.
_SOURCES = (("", "cq"), ("cross", ""))


@dataclass(frozen=True)
class Example:
    """One example: its file name, the question it answers (first comment line), its text."""

    name: str
    question: str
    query: str


def _question(text: str, fallback: str) -> str:
    """The first comment line, without '#' and the cqNN tag."""
    for line in text.splitlines():
        if line.startswith("#"):
            words = line.lstrip("#").strip().split(" ", 1)
            if len(words) == 2 and words[0].lower().startswith("cq"):
                return words[1]
            return " ".join(words)
    return fallback


def examples() -> list[Example]:
    """Every example query shipped in policykg.server/queries, competency questions first."""
    found: list[Example] = []
    root = resources.files("policykg.server") / "queries"
    for folder, prefix in _SOURCES:
        place = root / folder if folder else root
        if not place.is_dir():
            continue
        files = sorted(
            (f for f in place.iterdir() if f.name.endswith(".rq") and f.name.startswith(prefix)),
            key=lambda f: f.name,
        )
        for file in files:
            text = file.read_text(encoding="utf-8")
            name = file.name[:-3]
            found.append(Example(name=name, question=_question(text, name), query=text))
    return found
