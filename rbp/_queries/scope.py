"""Scopes: an area key and everything below it."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp import _schema as t
from rbp.areas import AreaTree
from rbp.errors import UnknownKeyError

__all__ = ["area_scope", "stakeholder_kinds"]


def area_scope(conn: Connection, area: str) -> list[str]:
    """``area`` and the keys of every area below it; refuses an unknown area."""
    tree = AreaTree(t.area_from_row(r) for r in conn.execute(sa.select(t.areas)).mappings())
    if area not in tree:
        raise UnknownKeyError(f"no area {area!r}", key=area, field="area")
    return [area, *tree.descendants(area)]


def stakeholder_kinds(conn: Connection, keys: list[str]) -> dict[str, str]:
    """The kind value ("officer", "member", "agency") of each known key."""
    s = t.stakeholders.c
    out: dict[str, str] = {}
    for start in range(0, len(keys), 5_000):
        chunk = keys[start : start + 5_000]
        rows = conn.execute(sa.select(s.key, s.kind).where(s.key.in_(chunk)))
        out.update((str(k), str(v)) for k, v in rows)
    return out
