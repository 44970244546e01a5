"""The dataset a server serves: the given RDF file, or the bundled corpus built, and in
either case validated with the SHACL shapes first; or an on-disk store, whose graphs
changed since their last validation are validated.

`policykg serve` and the WSGI app configured by POLICYKG_DATA both load through here, so
a graph that does not conform is refused the same way (unless ALLOW_NONCONFORMING /
--allow-nonconforming says to serve it anyway).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rdflib import Dataset

from policykg.graph.errors import NotConforming
from policykg.shapes.result import ValidationResult


def checked_store(
    store: Path, allow_nonconforming: bool, say: Callable[[str], None], jobs: int | None = None
) -> None:
    """Check an on-disk store before it is served: the graphs changed since their last
    validation are validated (shapes/storevalidate.py), the others read from the records."""
    from policykg.shapes.storevalidate import validate_store

    say(f"checking the store {store} …")
    result = validate_store(store, jobs=jobs, progress=say)
    _refuse_nonconforming(result, allow_nonconforming, say)


def checked_dataset(
    data: Path | None, allow_nonconforming: bool, say: Callable[[str], None]
) -> Dataset:
    """The dataset to serve: built (bundled corpus) or loaded, and validated."""
    from policykg.shapes.loading import load_input
    from policykg.shapes.validate import validate_dataset

    say("building the bundled corpus …" if data is None else f"loading {data} …")
    dataset = load_input([data] if data else None)
    say("validating with the SHACL shapes …")
    result = validate_dataset(dataset)
    _refuse_nonconforming(result, allow_nonconforming, say)
    return dataset


def _refuse_nonconforming(
    result: ValidationResult, allow_nonconforming: bool, say: Callable[[str], None]
) -> None:
    """NotConforming for a result with violations, unless they are allowed."""
    if not result.conforms:
        violations = len(result.by_severity("Violation"))
        if not allow_nonconforming:
            raise NotConforming(
                f"the graph does not conform to the shapes ({violations} violations)",
                hint="run `policykg validate` for the report, or serve it anyway with "
                "--allow-nonconforming (POLICYKG_ALLOW_NONCONFORMING=true)",
            )
        say(
            f"serving a graph with {violations} violations "
            "(--allow-nonconforming, POLICYKG_ALLOW_NONCONFORMING)"
        )
