"""Pieces of the bulk add's checks: the error for a key given twice, parents before children."""

from __future__ import annotations

from rbp.errors import DuplicateKeyError
from rbp.model import Area

__all__ = ["dup", "parents_first"]


def dup(what: str, key: str, row: int, first: int) -> DuplicateKeyError:
    return DuplicateKeyError(
        f"item {row}: {what} key {key!r} appears twice in this call (first at item {first})",
        key=key,
        field="key",
        row=row,
    )


def parents_first(areas: list[Area]) -> list[Area]:
    by_key = {a.key: a for a in areas}
    out: list[Area] = []
    done: set[str] = set()

    def visit(a: Area) -> None:
        if a.key in done:
            return
        done.add(a.key)
        if a.parent in by_key:
            visit(by_key[a.parent])
        out.append(a)

    for a in areas:
        visit(a)
    return out
