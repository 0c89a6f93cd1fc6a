"""Every public callable is documented the numpydoc way, with an example that runs.

The public surface is read from the packages' ``__all__`` and from the namespaces a
store hands out, so a new public call is checked without anyone listing it here. The
examples themselves run as doctests (``--doctest-modules``); this checks that they and
the Parameters, Returns and Raises sections are there.
"""

from __future__ import annotations

import enum
import importlib
import inspect
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import rbp

NAMESPACES = (
    "directory",
    "interactions",
    "plans",
    "graph",
    "feedback",
    "concerns",
    "outbox",
    "accountability",
)

PACKAGES = [
    "rbp",
    "rbp.directory",
    "rbp.interactions",
    "rbp.plans",
    "rbp.graph",
    "rbp.engagement",
    "rbp.accountability",
    "rbp.settings",
    "rbp.synth",
    "rbp.report",
    "rbp.io",
    "rbp.scale",
]


def _sections(doc: str) -> set[str]:
    return set(re.findall(r"^\s*([A-Z][a-z]+)\n\s*-{3,}\s*$", doc, flags=re.M))


def _namespace_classes() -> list[type]:
    crm = rbp.open()
    try:
        return [
            type(crm),
            *(type(getattr(crm, n)) for n in NAMESPACES),
        ]
    finally:
        crm.close()


def _public() -> Iterator[tuple[str, Callable[..., Any]]]:
    seen: set[int] = set()
    for name in PACKAGES:
        module = importlib.import_module(name)
        for attr in getattr(module, "__all__", ()):
            value = getattr(module, attr)
            if id(value) in seen or not callable(value):
                continue
            seen.add(id(value))
            yield f"{name}.{attr}", value
    for cls in _namespace_classes():
        # A namespace may take its reads from a base class (Plans from PlanReads):
        # those methods are as public as its own.
        own = [k for k in cls.__mro__ if k.__module__.startswith("rbp")]
        for attr in sorted({a for k in own for a in vars(k)}):
            value = getattr(cls, attr)
            if attr.startswith("_") or not callable(value) or id(value) in seen:
                continue
            seen.add(id(value))
            yield f"{cls.__module__}.{cls.__name__}.{attr}", value


PUBLIC = sorted(_public(), key=lambda item: item[0])


def _takes_arguments(fn: Callable[..., Any]) -> bool:
    params = [p for p in inspect.signature(fn).parameters.values() if p.name not in ("self", "cls")]
    return bool(params)


@pytest.mark.parametrize(("name", "value"), PUBLIC, ids=[n for n, _ in PUBLIC])
def test_documented(name: str, value: Callable[..., Any]) -> None:
    doc = inspect.getdoc(value) or ""
    assert doc, f"{name} has no docstring"
    if inspect.isclass(value):
        if issubclass(value, (enum.Enum, BaseException)):
            return  # members and the error tree are documented in their modules
        assert ">>>" in doc, f"{name}: no runnable Examples section"
        return
    sections = _sections(doc)
    missing = [s for s in ("Examples",) if s not in sections]
    if _takes_arguments(value) and "Parameters" not in sections:
        missing.append("Parameters")
    returns = inspect.signature(value).return_annotation
    if returns not in (None, "None", inspect.Signature.empty) and "Returns" not in sections:
        missing.append("Returns")
    if _takes_arguments(value) and "Raises" not in sections:
        missing.append("Raises")
    assert not missing, f"{name}: missing numpydoc sections {missing}"
    assert ">>>" in doc, f"{name}: the Examples section has no runnable example"
