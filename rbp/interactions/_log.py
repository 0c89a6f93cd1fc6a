"""Writing the contact log: validation, id assignment and bulk insertion.

Rows go to the driver's ``executemany`` (SQLite) or ``COPY`` (PostgreSQL) in
batches inside one transaction, so a call of millions of items streams in bounded
memory and is still all or nothing. Each batch also folds its officer ties into pair
summaries and merges them into ``tie_pairs`` and ``tie_months`` (see
:mod:`rbp._queries.pairs`).

On PostgreSQL (:mod:`rbp.interactions._log_pg`) the foreign-key triggers are switched
off when the role may (each batch locks its distinct directory keys instead), and a
second thread sends each part of a batch while the next part is built.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp import _schema as t
from rbp._queries.pairs import BUCKET, Tally
from rbp._schema._copy import copy_rows
from rbp._time import to_micros
from rbp.errors import RbpError, UnknownKeyError, ValidationError
from rbp.interactions import _log_pg
from rbp.model._interactions import Interaction

__all__ = ["LogWriter"]

BATCH = 20_000

_COLUMNS: dict[str, tuple[str, ...]] = {
    "interactions": (
        "id",
        "at",
        "kind",
        "attendees",
        "duration_s",
        "follow_up_by",
        "plan",
        "concern",
        "notes",
    ),
    "interaction_participants": ("interaction_id", "stakeholder", "at"),
    "interaction_areas": ("interaction_id", "area", "at"),
    "interaction_topics": ("interaction_id", "topic"),
}


_FIELDS = frozenset(a.name for a in attrs.fields(Interaction) if a.init)
_REQUIRED = ("at", "kind", "participants")
_NEEDED = frozenset(_REQUIRED)


def _check_fields(item: Mapping[str, Any]) -> None:
    """Name the field when a mapping lacks a required one or has one Interaction lacks."""
    names = item.keys()
    if _NEEDED <= names <= _FIELDS:  # two set comparisons; the loops below say what is wrong
        return
    for name in _REQUIRED:
        if name not in item:
            raise ValidationError(
                f"{name} is missing; every interaction needs at, kind and participants",
                field=name,
            )
    for name in item:
        if isinstance(name, str) and name not in _FIELDS:
            raise ValidationError(
                f"{name!r} is not a field of an interaction; use: {', '.join(sorted(_FIELDS))}",
                field=name,
            )


class LogWriter:
    """Checks and writes interactions inside one write transaction.

    Parameters
    ----------
    conn
        The caller's write transaction.
    """

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._pg = conn.dialect.name == "postgresql"
        self.officer_of: Mapping[str, bool]
        self.areas: Container[str]
        self.plans: Container[str]
        self.concerns: Container[str]
        # PostgreSQL looks the keys of each chunk of items up (see write); SQLite reads
        # them whole.
        self._directory = _log_pg.Directory(conn) if self._pg else None
        if self._directory is not None:
            d = self._directory
            self.officer_of, self.areas, self.plans, self.concerns = (
                d.officer_of,
                d.areas,
                d.plans,
                d.concerns,
            )
        else:
            s = t.stakeholders.c
            self.officer_of = {
                k: kind == "officer" for k, kind in conn.execute(sa.select(s.key, s.kind))
            }
            self.areas = set(conn.execute(sa.select(t.areas.c.key)).scalars())
            self.plans = set(conn.execute(sa.select(t.plans.c.key)).scalars())
            self.concerns = set(conn.execute(sa.select(t.concerns.c.key)).scalars())
        # PostgreSQL: the table lock, and the foreign-key triggers off when the role
        # may (each batch then pins its keys); the setting to put back, or None.
        self._triggers = _log_pg.begin(conn) if self._pg else None
        self._pipe = _log_pg.Pipeline() if self._pg else None
        self._pinned: tuple[set[str], set[str]] = (set(), set())  # keys locked so far
        top = conn.execute(sa.select(sa.func.max(t.interactions.c.id))).scalar()
        self.next_id = int(top or 0) + 1
        self.errors: list[RbpError] = []
        self.written = 0
        self._clear()

    def check(self, row: int, item: Interaction | Mapping[str, Any]) -> Interaction | None:
        """The item as a valid Interaction, or None after recording why it is not."""
        try:
            if not isinstance(item, Interaction):
                if item.__class__ is not dict and not isinstance(item, Mapping):
                    raise ValidationError(
                        f"expected an Interaction or a mapping, got {type(item).__name__}"
                    )
                _check_fields(item)
                try:
                    item = Interaction(**item)
                except TypeError as exc:
                    raise ValidationError(f"bad fields: {exc}") from None
            for key in item.participants:
                if key not in self.officer_of:
                    raise UnknownKeyError(
                        f"participant {key!r} is not a stakeholder; add it to the directory",
                        key=key,
                        field="participants",
                    )
            for area in item.areas:
                if area not in self.areas:
                    raise UnknownKeyError(
                        f"area {area!r} is not an area; add it to the directory",
                        key=area,
                        field="areas",
                    )
            if item.plan is not None and item.plan not in self.plans:
                raise UnknownKeyError(
                    f"plan {item.plan!r} is not a plan; create it with crm.plans.create",
                    key=item.plan,
                    field="plan",
                )
            if item.concern is not None and item.concern not in self.concerns:
                raise UnknownKeyError(
                    f"concern {item.concern!r} is not a concern; report it with "
                    "crm.concerns.report",
                    key=item.concern,
                    field="concern",
                )
        except RbpError as exc:
            self.errors.append(exc.with_row(row))
            return None
        return item

    def write(self, items: Iterable[Interaction | Mapping[str, Any]]) -> range:
        """Check and insert every item in batches; returns the new ids (empty on errors).

        Each good item becomes its rows at once (so the record itself is let go, and
        only plain tuples wait for the batch insert). After the first bad item
        nothing more is inserted, but every item is still checked so the error lists
        them all; the caller rolls back.
        """
        first = self.next_id
        self._clear()
        pending = 0
        if self._directory is not None:
            items = self._directory.chunks(items, _log_pg.LOOKUP)
        try:
            for row, raw in enumerate(items):
                item = self.check(row, raw)
                if item is None or self.errors:
                    continue
                self._add(item)
                pending += 1
                if pending >= BATCH:
                    self._flush()
                    pending = 0
                elif self._pipe is not None and pending % _log_pg.ROWS == 0:
                    self._flush(ties=False)
            if not self.errors:
                self._flush()
        except BaseException:
            if self._pipe is not None:  # the connection is free again before the rollback
                self._pipe.wait(quiet=True)
            raise
        if self._pipe is not None:
            self._pipe.wait()
        if not self.errors:
            _log_pg.end(self.conn, self._triggers)
        return range(0) if self.errors else range(first, self.next_id)

    def _clear(self) -> None:
        self._main: list[tuple[Any, ...]] = []
        self._people: list[tuple[Any, ...]] = []
        self._places: list[tuple[Any, ...]] = []
        self._topics: list[tuple[Any, ...]] = []
        self._ties = Tally()

    def _add(self, item: Interaction) -> None:
        """The rows of one good interaction, with the next id."""
        i = self.next_id
        self.next_id += 1
        at = to_micros(item.at)
        duration = item.duration
        promise = None if item.follow_up_by is None else to_micros(item.follow_up_by)
        self._main.append(
            (
                i,
                at,
                item.kind.value,
                item.attendees,
                None if duration is None else int(duration.total_seconds()),
                promise,
                item.plan,
                item.concern,
                item.notes,
            )
        )
        officer_of = self.officer_of
        people = self._people
        officers: list[str] = []
        others: list[str] = []
        for key in item.participants:
            people.append((i, key, at))
            (officers if officer_of[key] else others).append(key)
        for area in item.areas:
            self._places.append((i, area, at))
        for topic in item.topics:
            self._topics.append((i, topic))
        if officers and others:
            add = self._ties.add
            bucket = at // BUCKET
            for o in officers:
                for s in others:
                    add(bucket, o, s, at, promise)

    def _flush(self, *, ties: bool = True) -> None:
        """Write the rows gathered so far, and the batch's summaries unless not ``ties``
        (PostgreSQL sends the rows of a batch in parts, to overlap their building)."""
        rows = (self._main, self._people, self._places, self._topics)
        tally = self._ties if ties else None
        self.written += len(self._main)
        self._main, self._people, self._places, self._topics = [], [], [], []
        if ties:
            self._ties = Tally()
        if self._pipe is not None:  # PostgreSQL: sent while the next rows are built
            self._pipe.submit(self._send, rows, tally)
        else:
            self._send(rows, tally)

    def _send(self, rows: tuple[list[tuple[Any, ...]], ...], ties: Tally | None) -> None:
        conn = self.conn
        main, people, places, topics = rows
        if self._triggers is not None:
            keys, areas = {k for _, k, _ in people}, {a for _, a, _ in places}
            _log_pg.pin(conn, keys, areas, self._pinned)
        for table, batch in (
            (t.interactions, main),
            (t.participants, people),
            (t.interaction_areas, places),
            (t.interaction_topics, topics),
        ):
            if batch:
                copy_rows(conn, table, _COLUMNS[table.name], batch, binary=True)
        if ties is not None:
            ties.write(conn)
