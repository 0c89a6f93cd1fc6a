"""The bulk add of areas and stakeholders, streamed in batches inside one transaction.

:meth:`rbp.directory.Directory.add_many` reads its items a batch at a time, checks
each batch against the database and against what the call has seen so far, and
writes it; so a call of a million members holds one batch of records (and the
call's keys, to name duplicates within it), never the whole list. The caller's
transaction makes it all or nothing: after the first bad item nothing more is
written, but every item is still checked, so the error names them all.

An item that cannot be written yet waits until the end of the call: an area whose
parent has not been placed (it may come later: areas arrive in any order), and a
stakeholder in such an area (or in an area not seen yet). A file of one kind
(members of known areas, say) therefore streams whole; a call that mixes areas and
the people in them holds only those.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from sqlalchemy.engine import Connection

from rbp import _schema as t
from rbp._queries.batch import CHUNK, chunks
from rbp._schema._copy import copy_dicts
from rbp.directory import _sql as sql
from rbp.directory._checks import dup, parents_first
from rbp.errors import DuplicateKeyError, IntegrityError, RbpError, UnknownKeyError, ValidationError
from rbp.model import Area, CommunityMember, Officer, PartnerAgency
from rbp.model._directory import AnyStakeholder

if TYPE_CHECKING:
    from rbp._unit import UnitOfWork

__all__ = ["BulkAdd"]

_STAKEHOLDER_TYPES = (Officer, CommunityMember, PartnerAgency)


class BulkAdd:
    """Checks and writes one ``add_many`` call inside the caller's write transaction.

    Parameters
    ----------
    uow
        The store's unit of work (for the audit trail).
    conn
        The caller's write transaction.
    """

    size = CHUNK
    """Items read, checked and written at a time."""

    def __init__(self, uow: UnitOfWork, conn: Connection) -> None:
        self._uow = uow
        self._conn = conn
        self.errors: list[RbpError] = []
        self.count = 0
        self._area_rows: dict[str, int] = {}  # every new area of the call -> its position
        self._placed: set[str] = set()  # new areas whose parent chain reaches the database
        self._people_rows: dict[str, int] = {}  # every new stakeholder key -> its position
        self._waiting_areas: dict[str, tuple[int, Area]] = {}
        self._waiting_people: list[tuple[int, AnyStakeholder]] = []

    def run(self, items: Iterable[object]) -> int:
        """Check and write every item, a batch at a time; returns how many there were.

        ``errors`` lists the bad items (sorted by position) when it returns.
        """
        for batch in chunks(enumerate(items), size=self.size):
            self._batch(batch)
        self._finish()
        self.errors.sort(key=lambda e: e.row if e.row is not None else -1)
        return self.count

    # ------------------------------------------------------------------ one batch

    def _batch(self, batch: Iterable[tuple[int, object]]) -> None:
        areas: list[tuple[int, Area]] = []
        people: list[tuple[int, AnyStakeholder]] = []
        for row, item in batch:
            self.count = row + 1
            if isinstance(item, Area):
                if item.key in self._area_rows:
                    self.errors.append(dup("area", item.key, row, self._area_rows[item.key]))
                else:
                    self._area_rows[item.key] = row
                    areas.append((row, item))
            elif isinstance(item, _STAKEHOLDER_TYPES):
                if item.key in self._people_rows:
                    self.errors.append(
                        dup("stakeholder", item.key, row, self._people_rows[item.key])
                    )
                else:
                    self._people_rows[item.key] = row
                    people.append((row, item))
            else:
                self.errors.append(
                    ValidationError(
                        f"item {row}: expected an Area, Officer, CommunityMember or "
                        f"PartnerAgency, got {type(item).__name__}",
                        row=row,
                    )
                )
        ready_areas = self._check_areas(areas)
        ready_people = self._check_people(people)
        self._write(ready_areas, ready_people)

    def _check_areas(self, areas: list[tuple[int, Area]]) -> list[Area]:
        """Name areas that exist already; the batch's areas that can be written now."""
        if not areas:
            return []
        conn = self._conn
        for key in t.existing(conn, t.areas.c.key, [a.key for _, a in areas]):
            row = self._area_rows[key]
            self.errors.append(
                DuplicateKeyError(
                    f"item {row}: area {key!r} exists already; use update() to change it",
                    key=key,
                    field="key",
                    row=row,
                )
            )
        outside = [a.parent for _, a in areas if a.parent and a.parent not in self._area_rows]
        known = t.existing(conn, t.areas.c.key, outside)
        by_key = {a.key: (row, a) for row, a in areas}
        ready: list[Area] = []
        for area in parents_first([a for _, a in areas]):
            parent = area.parent
            if parent is None or parent in known or parent in self._placed:
                self._placed.add(area.key)
                ready.append(area)
            else:
                self._waiting_areas[area.key] = by_key[area.key]
        return ready

    def _check_people(self, people: list[tuple[int, AnyStakeholder]]) -> list[AnyStakeholder]:
        """Name stakeholders whose key is taken; those that can be written now."""
        if not people:
            return []
        conn = self._conn
        taken = t.existing(conn, t.stakeholders.c.key, [p.key for _, p in people])
        wanted = {a for _, p in people for a in p.areas if a not in self._area_rows}
        known = t.existing(conn, t.areas.c.key, list(wanted))
        ready: list[AnyStakeholder] = []
        for row, person in people:
            if person.key in taken:
                self.errors.append(
                    DuplicateKeyError(
                        f"item {row}: stakeholder {person.key!r} exists already; "
                        "use update() to change it",
                        key=person.key,
                        field="key",
                        row=row,
                    )
                )
            if all(a in known or a in self._placed for a in person.areas):
                ready.append(person)
            else:  # an area that comes later in the call, waits, or does not exist
                self._waiting_people.append((row, person))
        return ready

    def _write(self, areas: list[Area], people: list[AnyStakeholder]) -> None:
        if self.errors:
            return  # the caller raises and rolls back; checking goes on
        conn = self._conn
        if areas:
            copy_dicts(conn, t.areas, (t.area_row(a) for a in areas))
            self._uow.record(conn, "add", "area", [a.key for a in areas])
        if people:
            sql.insert_people(conn, people)
            self._uow.record(conn, "add", "stakeholder", [p.key for p in people])

    # ------------------------------------------------------------------ the end of the call

    def _finish(self) -> None:
        """Check and write what waited: areas with late parents, the people in them."""
        waiting = self._waiting_areas
        conn = self._conn
        parents = [a.parent for _, a in waiting.values() if a.parent not in self._area_rows]
        known = t.existing(conn, t.areas.c.key, [p for p in parents if p])
        for row, area in waiting.values():
            if area.parent not in self._area_rows and area.parent not in known:
                self.errors.append(
                    UnknownKeyError(
                        f"item {row}: area {area.key!r} has parent {area.parent!r}, "
                        "which is not an area; add the parent too",
                        key=area.key,
                        field="parent",
                        row=row,
                    )
                )
        # A cycle can only run through waiting areas: the placed ones reach the database.
        parent_of = {k: a.parent for k, (_, a) in waiting.items()}
        for key, (row, _) in waiting.items():
            walk, node = set(), key
            while node in parent_of and node not in walk:
                walk.add(node)
                node = parent_of[node]  # type: ignore[assignment]
            if node == key:
                self.errors.append(
                    IntegrityError(
                        f"item {row}: area {key!r} would be its own ancestor "
                        "(a cycle in the area tree)",
                        key=key,
                        field="parent",
                        row=row,
                    )
                )
        people = self._waiting_people
        wanted = {a for _, p in people for a in p.areas if a not in self._area_rows}
        known = t.existing(conn, t.areas.c.key, list(wanted))
        for row, person in people:
            for name in person.areas:
                if name not in self._area_rows and name not in known:
                    field = "area" if isinstance(person, CommunityMember) else "areas"
                    self.errors.append(
                        UnknownKeyError(
                            f"item {row}: stakeholder {person.key!r} names area {name!r}, "
                            "which is not an area; add it first",
                            key=person.key,
                            field=field,
                            row=row,
                        )
                    )
        ordered = parents_first([a for _, a in waiting.values()])
        for piece in chunks(ordered):
            self._write(list(piece), [])
        for part in chunks([p for _, p in people]):
            self._write([], list(part))
