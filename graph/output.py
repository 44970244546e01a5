"""Writing a dataset to a file (the format follows the extension; output is deterministic),
and the two ways of seeing a dataset as one graph: a copy and a read-only view.

N-Quads and N-Triples lines are sorted, so that building twice gives byte-identical
files. A file is written next to its destination and renamed into place, so a failed
write never leaves a partial file, and a destination that is also an input is refused
before any work, so an input is never replaced by what was made from it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from rdflib import Dataset, Graph
from rdflib.graph import ReadOnlyGraphAggregate

from .errors import InputError
from .namespaces import bind_prefixes

# extension → (rdflib format, keeps named graphs)
FORMATS: dict[str, tuple[str, bool]] = {
    ".nq": ("nquads", True),
    ".trig": ("trig", True),
    ".jsonld": ("json-ld", True),
    ".ttl": ("turtle", False),
    ".nt": ("nt", False),
    ".rdf": ("xml", False),
    ".owl": ("xml", False),
}
_LINE_BASED = {"nquads", "nt"}


def format_for(path: Path) -> tuple[str, bool]:
    """The rdflib format for a file name, or an InputError naming the ones supported."""
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        supported = ", ".join(sorted(FORMATS))
        raise InputError(
            f"cannot tell the RDF format of {path.name!r} from its extension",
            hint=f"use one of {supported}",
        ) from None


def union_graph(dataset: Dataset) -> Graph:
    """All triples of every named graph, as one graph (for formats without graphs)."""
    union = Graph()
    bind_prefixes(union.namespace_manager)
    for graph in dataset.graphs():
        union += graph
    return union


def union_view(data: Graph) -> Graph:
    """All graphs of a dataset as one read-only graph, without copying (a Graph as is)."""
    if isinstance(data, Dataset):
        return ReadOnlyGraphAggregate(list(data.graphs()))
    return data


def serialize_dataset(dataset: Dataset, fmt: str, keeps_graphs: bool = True) -> bytes:
    """The dataset in an rdflib format, deterministic for the line-based ones."""
    source = dataset if keeps_graphs else union_graph(dataset)
    data = source.serialize(format=fmt, encoding="utf-8")
    if fmt in _LINE_BASED:
        lines = sorted(set(data.splitlines(keepends=True)) - {b"\n"})
        data = b"".join(lines)
    return data


def write_dataset(dataset: Dataset, path: Path) -> int:
    """Write the dataset to ``path`` (format from its extension); return the bytes written."""
    fmt, keeps_graphs = format_for(path)
    return write_bytes(serialize_dataset(dataset, fmt, keeps_graphs), path)


def check_destination(path: Path) -> tuple[str, bool]:
    """Refuse, before any work, a destination whose format or folder will not do."""
    found = format_for(path)
    folder = path.resolve().parent
    if not folder.is_dir():
        raise InputError(
            f"cannot write {path}: the folder {folder} does not exist",
            hint="create the folder first or choose another --output",
        )
    return found


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file (through links, relative parts or hard links)."""
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet): compare where they lead
        return a.resolve() == b.resolve()


def check_not_an_input(output: Path, inputs: Iterable[Path]) -> None:
    """Refuse an output file that is one of the inputs: writing it would replace the input."""
    for source in inputs:
        if same_file(output, source):
            raise InputError(
                f"--output {output} is also an input ({source}); policykg never writes "
                "over a file it reads",
                hint="choose another --output file",
            )


def write_bytes(data: bytes, path: Path) -> int:
    """Write ``data`` to ``path`` through a temporary file, so no partial file is left."""
    check_destination(path)
    path = path.resolve()
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise InputError(
            f"cannot write {path}: {exc.strerror}",
            hint="choose an --output in a folder you can write to",
        ) from None
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp's 0600 would hide the graph from others
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(
            f"cannot write {path}: {exc.strerror}",
            hint="check the free space and the permissions of the folder",
        ) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(data)


def _umask() -> int:
    """The process's file-creation mask (read by setting it and putting it back)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask
