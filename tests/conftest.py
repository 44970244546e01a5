"""Shared fixtures: the bundled corpus built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def bundled_build():
    """The BuildResult of the bundled corpus (built once per session)."""
    from policykg.graph.pipeline import build

    return build()


@pytest.fixture(scope="session")
def bundled_dataset(bundled_build):
    """The rdflib Dataset of the bundled corpus."""
    return bundled_build.dataset


@pytest.fixture(scope="session")
def bundled_nq(bundled_build, tmp_path_factory) -> Path:
    """The bundled corpus's graph as an N-Quads file."""
    from policykg.graph.output import write_dataset

    path = tmp_path_factory.mktemp("bundled") / "bundled.nq"
    write_dataset(bundled_build.dataset, path)
    return path
