"""policykg's errors: defined in one module, each with its codes, whole across a pipe."""

from __future__ import annotations

import importlib
import inspect
import pickle
import pkgutil

import pytest

from policykg.graph import errors
from policykg.graph.errors import (
    NotAcceptable,
    PolicyKGError,
    QueryRefused,
    RDFSyntaxError,
)

# every stage's package (wsgi builds an app when imported, so it is left out)
PACKAGES = ("policykg.graph", "policykg.shapes", "policykg.server", "policykg.cli")
SKIPPED = {"policykg.server.wsgi"}


def all_subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *all_subclasses(sub)}
    return found


def example(cls: type[PolicyKGError]) -> PolicyKGError:
    """An instance of an error class, with every attribute it can carry set."""
    if cls is NotAcceptable:
        return NotAcceptable("nothing fits", ["text/turtle", "application/ld+json"])
    if issubclass(cls, RDFSyntaxError):
        return cls("bad triple", line=3, column=7, hint="fix it")
    return cls("it went wrong", hint="do this next")


def test_every_policykg_error_is_defined_in_graph_errors():
    for package in PACKAGES:
        module = importlib.import_module(package)
        for info in pkgutil.iter_modules(module.__path__, package + "."):
            if info.name not in SKIPPED:
                importlib.import_module(info.name)
    outside = {
        f"{cls.__module__}.{cls.__qualname__}"
        for cls in all_subclasses(PolicyKGError)
        if cls.__module__.startswith("policykg.") and cls.__module__ != errors.__name__
    }
    assert outside == set()


ERROR_CLASSES = sorted(
    (
        cls
        for _, cls in inspect.getmembers(errors, inspect.isclass)
        if issubclass(cls, PolicyKGError)
    ),
    key=lambda cls: cls.__name__,
)


def test_each_error_has_an_http_status_and_an_exit_code():
    for cls in ERROR_CLASSES:
        assert 400 <= cls.http_status < 600, cls
        assert cls.exit_code in (1, 2, 3), cls
    # 1 is the verdict "does not conform" and nothing else
    assert [c.__name__ for c in ERROR_CLASSES if c.exit_code == 1] == ["NotConforming"]


@pytest.mark.parametrize("cls", ERROR_CLASSES, ids=lambda cls: cls.__name__)
def test_every_error_pickles_whole(cls):
    original = example(cls)
    copy = pickle.loads(pickle.dumps(original, protocol=pickle.HIGHEST_PROTOCOL))
    assert type(copy) is cls
    assert vars(copy) == vars(original)
    assert str(copy) == str(original) and copy.args == (original.message,)
    assert (copy.http_status, copy.exit_code) == (original.http_status, original.exit_code)
    assert copy.details() == original.details()


def _raise(error: PolicyKGError) -> None:
    raise error


@pytest.mark.parametrize(
    "error",
    [
        RDFSyntaxError("upload: bad", line=2, column=5),
        NotAcceptable("no type fits", ["text/turtle"]),
        QueryRefused("SERVICE is refused", hint="remove it"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_an_error_raised_in_an_evaluation_child_arrives_as_itself(error):
    from policykg.server.executor import run_isolated

    with pytest.raises(type(error)) as raised:
        run_isolated(_raise, error, timeout=20)
    assert vars(raised.value) == vars(error)


def test_any_other_failure_in_a_child_is_an_engine_fault():
    from policykg.graph.errors import EngineCrashed
    from policykg.server.executor import run_isolated

    with pytest.raises(EngineCrashed, match="ZeroDivisionError") as raised:
        run_isolated(divmod, 1, 0, timeout=20)
    assert raised.value.http_status == 500
