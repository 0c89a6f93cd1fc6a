"""The README's reference lists every public call of every namespace.

The calls are read from the namespaces a store hands out (their own methods and those of
the rbp classes they are built from), so a new call that the README does not list fails.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

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
README = Path(__file__).resolve().parents[2] / "README.md"


def _reference() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("\n## Reference")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def _calls() -> dict[str, set[str]]:
    crm = rbp.open()
    try:
        out: dict[str, set[str]] = {}
        for ns in NAMESPACES:
            cls = type(getattr(crm, ns))
            out[ns] = {
                name
                for klass in inspect.getmro(cls)
                if klass.__module__.startswith("rbp")
                for name, value in vars(klass).items()
                if not name.startswith("_") and callable(value)
            }
        return out
    finally:
        crm.close()


def test_every_namespace_call_is_in_the_reference() -> None:
    rows = [line for line in _reference().splitlines() if line.startswith("| `")]
    missing = []
    for ns, names in _calls().items():
        mine = [row for row in rows if f"`crm.{ns}." in row.split(" | ")[0]]
        listed = {m for row in mine for m in re.findall(r"(?:`|\.)([a-z_]+)\(", row)}
        missing += [f"crm.{ns}.{name}" for name in sorted(names - listed)]
    assert missing == []


def test_the_reference_names_no_call_that_does_not_exist() -> None:
    calls = _calls()
    named = re.findall(r"crm\.(" + "|".join(NAMESPACES) + r")\.([a-z_]+)\(", _reference())
    assert named
    assert [f"{ns}.{n}" for ns, n in named if n not in calls[ns]] == []
