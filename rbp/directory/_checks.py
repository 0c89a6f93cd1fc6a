"""Checks of a bulk add before anything is written: duplicates, unknown parents and
areas, cycles in the area tree; every bad item reported with its position."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from rbp import _schema as t
from rbp.errors import DuplicateKeyError, IntegrityError, RbpError, UnknownKeyError
from rbp.model import Area, CommunityMember
from rbp.model._directory import AnyStakeholder

__all__ = ["check_areas", "check_people", "dup", "parents_first"]


def check_areas(conn: Connection, new: dict[str, tuple[int, Area]]) -> list[RbpError]:
    if not new:
        return []
    errors: list[RbpError] = []
    existing = t.existing(conn, t.areas.c.key, list(new))
    for key in existing:
        row = new[key][0]
        errors.append(
            DuplicateKeyError(
                f"item {row}: area {key!r} exists already; use update() to change it",
                key=key,
                field="key",
                row=row,
            )
        )
    parents = {a.parent for _, a in new.values() if a.parent and a.parent not in new}
    known = t.existing(conn, t.areas.c.key, list(parents))
    for row, area in new.values():
        if area.parent and area.parent not in new and area.parent not in known:
            errors.append(
                UnknownKeyError(
                    f"item {row}: area {area.key!r} has parent {area.parent!r}, "
                    "which is not an area; add the parent too",
                    key=area.key,
                    field="parent",
                    row=row,
                )
            )
    # A cycle can only run through new areas: existing areas already form a tree.
    parent_of = {k: a.parent for k, (_, a) in new.items()}
    for key, (row, _) in new.items():
        walk, node = set(), key
        while node in parent_of and node not in walk:
            walk.add(node)
            node = parent_of[node]  # type: ignore[assignment]
        if node == key:
            errors.append(
                IntegrityError(
                    f"item {row}: area {key!r} would be its own ancestor "
                    "(a cycle in the area tree)",
                    key=key,
                    field="parent",
                    row=row,
                )
            )
    return errors


def check_people(
    conn: Connection, people: list[tuple[int, AnyStakeholder]], new_areas: set[str]
) -> list[RbpError]:
    if not people:
        return []
    errors: list[RbpError] = []
    taken = t.existing(conn, t.stakeholders.c.key, [p.key for _, p in people])
    wanted = {a for _, p in people for a in p.areas if a not in new_areas}
    known = t.existing(conn, t.areas.c.key, list(wanted)) | new_areas
    for row, person in people:
        if person.key in taken:
            errors.append(
                DuplicateKeyError(
                    f"item {row}: stakeholder {person.key!r} exists already; "
                    "use update() to change it",
                    key=person.key,
                    field="key",
                    row=row,
                )
            )
        for area in person.areas:
            if area not in known:
                field = "area" if isinstance(person, CommunityMember) else "areas"
                errors.append(
                    UnknownKeyError(
                        f"item {row}: stakeholder {person.key!r} names area {area!r}, "
                        "which is not an area; add it first",
                        key=person.key,
                        field=field,
                        row=row,
                    )
                )
    return errors


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
