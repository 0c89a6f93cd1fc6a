"""Concerns reported in bulk, each with the status changes it went through.

:meth:`rbp.engagement.Concerns.report_many` writes what ``report`` and a run of
``set_status`` calls would write (the ``concerns`` row, one ``concern_events`` row per
status, an update to the reporter for each, an audit entry) in one transaction, a batch
of items at a time: a query per batch checks the areas, reporters and keys, and each
table gets one ``executemany`` per batch instead of a transaction per change. It is all
or nothing: every bad item is named with its position and nothing is written.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp import _args
from rbp import _schema as t
from rbp._queries.batch import CHUNK, chunks
from rbp._schema._copy import copy_rows
from rbp._time import to_micros
from rbp.engagement._messages import Draft, concern_update, make
from rbp.errors import (
    BulkValidationError,
    DuplicateKeyError,
    RbpError,
    UnknownKeyError,
    ValidationError,
)
from rbp.model._engagement import Concern, ConcernStatus, MessageKind, check_concern_status

if TYPE_CHECKING:
    from rbp._unit import UnitOfWork

__all__ = ["ConcernBulk"]

_EVENT_COLUMNS = ("concern", "at", "kind", "status", "public")


@attrs.frozen
class _Item:
    """A checked item: the concern, its status changes as (status, micros), its row."""

    row: int
    concern: Concern
    at: int
    moves: tuple[tuple[ConcernStatus, int], ...]


def _item(row: int, item: object) -> _Item:
    """Check one item on its own (shape, statuses, times, transitions)."""
    if isinstance(item, Concern):
        return _Item(row, item, to_micros(item.at), ())
    if not (isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], Concern)):
        raise ValidationError(
            f"expected a Concern or a (Concern, changes) pair, got {type(item).__name__}",
            field="concerns",
        )
    concern, changes = item
    if isinstance(changes, str | bytes) or not isinstance(changes, Iterable):
        raise ValidationError(
            f"the changes must be an iterable of (status, at) pairs, got {type(changes).__name__}",
            field="changes",
        )
    status, last = ConcernStatus.RECEIVED, to_micros(concern.at)
    moves: list[tuple[ConcernStatus, int]] = []
    for change in changes:
        if not (isinstance(change, tuple) and len(change) == 2):
            raise ValidationError(
                f"a change must be a (status, at) pair, got {type(change).__name__}",
                field="changes",
            )
        try:
            new = _args.choice(ConcernStatus, change[0], "status")
            when = to_micros(_args.time(change[1], "at"))
        except TypeError as exc:
            raise ValidationError(str(exc), field="changes") from None
        if when < last:
            raise ValidationError(
                f"the change to {new.value} at {change[1]} comes before the one before it",
                field="at",
            )
        check_concern_status(concern.key or "(new)", status, new)
        moves.append((new, when))
        status, last = new, when
    return _Item(row, concern, to_micros(concern.at), tuple(moves))


class _Batches:
    """Checks and writes the batches of one ``report_many`` call."""

    def __init__(self, uow: UnitOfWork, conn: Connection) -> None:
        self.uow = uow
        self.conn = conn
        self.errors: list[RbpError] = []
        self.keys: list[str] = []
        self.given: dict[str, int] = {}  # keys given in the call -> their position
        self.made = to_micros(uow.now())

    def check(self, batch: Sequence[tuple[int, object]]) -> list[_Item]:
        good: list[_Item] = []
        for row, raw in batch:
            try:
                good.append(_item(row, raw))
            except RbpError as exc:
                self.errors.append(exc.with_row(row))
        conn = self.conn
        areas = t.existing(conn, t.areas.c.key, [i.concern.area for i in good])
        people = t.existing(
            conn, t.stakeholders.c.key, [i.concern.reporter for i in good if i.concern.reporter]
        )
        keys = [i.concern.key for i in good if i.concern.key is not None]
        taken = t.existing(conn, t.concerns.c.key, keys)
        out: list[_Item] = []
        for i in good:
            c = i.concern
            problem: RbpError | None = None
            if c.area not in areas:
                problem = UnknownKeyError(f"no area {c.area!r}", key=c.area, field="area")
            elif c.reporter is not None and c.reporter not in people:
                problem = UnknownKeyError(
                    f"no stakeholder {c.reporter!r}", key=c.reporter, field="reporter"
                )
            elif c.key is not None and (c.key in taken or c.key in self.given):
                where = "in the store" if c.key in taken else f"at item {self.given[c.key]}"
                problem = DuplicateKeyError(
                    f"concern {c.key!r} exists already ({where})", key=c.key, field="key"
                )
            if problem is not None:
                self.errors.append(problem.with_row(i.row))
                continue
            if c.key is not None:
                self.given[c.key] = i.row
            out.append(i)
        return out

    def write(self, items: Sequence[_Item]) -> None:
        """The concerns, their events, the reporters' updates and the audit entries."""
        if not items:
            return
        conn, c = self.conn, t.concerns.c
        rows = [
            {
                "key": i.concern.key or f"~{secrets.token_hex(12)}",
                "at": i.at,
                "area": i.concern.area,
                "category": i.concern.category,
                "text": i.concern.text,
                "reporter": i.concern.reporter,
                "tip": False,
            }
            for i in items
        ]
        result = conn.execute(
            sa.insert(t.concerns).returning(c.id, sort_by_parameter_order=True), rows
        )
        ids = [int(x) for (x,) in result]
        keys = self._keys(items, ids)
        renamed = [
            {"_id": n, "_key": k}
            for n, k, i in zip(ids, keys, items, strict=True)
            if not i.concern.key
        ]
        if renamed:
            conn.execute(
                sa.update(t.concerns)
                .where(c.id == sa.bindparam("_id"))
                .values(key=sa.bindparam("_key")),
                renamed,
            )
        events: list[tuple[Any, ...]] = []
        drafts: list[Draft] = []
        agency = self.uow.settings.agency
        for key, i in zip(keys, items, strict=True):
            reporter = i.concern.reporter
            for status, when in ((ConcernStatus.RECEIVED, i.at), *i.moves):
                events.append((key, when, "status", status.value, False))
                if reporter is not None:
                    text = concern_update(agency, key, status)
                    drafts.append(Draft(reporter, MessageKind.CONCERN_UPDATE, text, when, key))
        copy_rows(conn, t.concern_events, _EVENT_COLUMNS, events)
        make(conn, drafts, made=self.made)
        for key, i in zip(keys, items, strict=True):
            final = i.moves[-1][0] if i.moves else ConcernStatus.RECEIVED
            detail = {"category": i.concern.category, "status": final.value}
            self.uow.record(conn, "report", "concern", [key], detail)
        self.keys.extend(keys)

    def _keys(self, items: Sequence[_Item], ids: Sequence[int]) -> list[str]:
        """The given keys, or "C-" and the id (with a suffix when that key is taken)."""
        made = {n: f"C-{n:06d}" for n, i in zip(ids, items, strict=True) if not i.concern.key}
        taken = t.existing(self.conn, t.concerns.c.key, list(made.values()))
        taken |= {k for k in made.values() if k in self.given}
        out: list[str] = []
        for n, i in zip(ids, items, strict=True):
            key = i.concern.key or made[n]
            if not i.concern.key and key in taken:
                key = f"{key}-{secrets.token_hex(3).upper()}"  # codes are read in upper case
            out.append(key)
        return out


class ConcernBulk:
    """``report_many``: concerns in bulk, with their status changes."""

    _uow: UnitOfWork

    def report_many(
        self, concerns: Iterable[Concern | tuple[Concern, Iterable[tuple[Any, Any]]]]
    ) -> list[str]:
        """Report many concerns, each with the status changes it has been through, in one
        transaction: all of them, or none.

        Each item is a :class:`~rbp.engagement.Concern`, or a pair of the concern and
        its changes: ``(status, at)`` pairs in time order, each allowed by
        :data:`~rbp.engagement.CONCERN_TRANSITIONS` from the one before (the first from
        received). The store ends up as after :meth:`report` and one :meth:`set_status`
        per change: the same concerns (keys from the same sequence), the same history,
        and the same update queued to each reporter for each status (suppressed when
        they may not be contacted). The audit trail gets one ``report`` entry per
        concern, with its final status. Any iterable works: items are checked and
        written in batches.

        Parameters
        ----------
        concerns
            :class:`~rbp.engagement.Concern` records, or ``(concern, changes)`` pairs.

        Returns
        -------
        list of str
            The concerns' keys, in the order of the items.

        Raises
        ------
        BulkValidationError
            Some items were bad (an unknown area or reporter, a key that is taken, a
            change the table does not allow or dated before the one before it); each
            is named with its ``row`` and nothing was written.
        StoreError
            The store was opened read-only.
        TypeError
            ``concerns`` is not an iterable of items.

        Examples
        --------
        >>> import pendulum, rbp
        >>> from rbp.engagement import Concern
        >>> crm = rbp.open()
        >>> crm.directory.add_many([rbp.Area("b-1"), rbp.CommunityMember("m-1")])
        2
        >>> t0 = pendulum.datetime(2026, 3, 2, 9)
        >>> lights = Concern(at=t0, area="b-1", category="lighting", text="Dark corner",
        ...                  reporter="m-1")
        >>> noise = Concern(at=t0.add(hours=1), area="b-1", category="noise", text=".")
        >>> crm.concerns.report_many([
        ...     (lights, [("acknowledged", t0.add(hours=3)), ("resolved", t0.add(days=4))]),
        ...     noise])
        ['C-000001', 'C-000002']
        >>> c = crm.concerns.get("C-000001")
        >>> c.status.value, [e.status.value for e in c.history]
        ('resolved', ['received', 'acknowledged', 'resolved'])
        >>> crm.concerns.report_many([(noise, [("closed", t0)])])
        Traceback (most recent call last):
        ...
        rbp.errors.BulkValidationError: report_many: 1 bad item(s), nothing was written; ...
        """
        one_pair = (
            isinstance(concerns, tuple)
            and len(concerns) == 2
            and isinstance(concerns[0], Concern)
            and not isinstance(concerns[1], Concern | tuple)
        )
        if (
            one_pair
            or isinstance(concerns, str | bytes | Concern)
            or not isinstance(concerns, Iterable)
        ):
            raise TypeError(
                "concerns must be an iterable of Concern records or (Concern, changes) "
                f"pairs, got {type(concerns).__name__}"
            )
        with self._uow.write(bulk=True) as conn:
            work = _Batches(self._uow, conn)
            for batch in chunks(enumerate(concerns), size=CHUNK):
                items = work.check(batch)
                if not work.errors:
                    work.write(items)
            if work.errors:
                raise BulkValidationError(
                    "report_many", sorted(work.errors, key=lambda e: e.row or 0)
                )
        return work.keys
