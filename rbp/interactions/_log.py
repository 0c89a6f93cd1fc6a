"""Writing the contact log: validation, id assignment and bulk insertion.

Rows go to the driver's ``executemany`` (SQLite) or ``COPY`` (PostgreSQL) in
batches inside one transaction, so a call of millions of items streams in bounded
memory and is still all or nothing. Each batch also folds its officer ties into pair
summaries, merged into ``tie_pairs`` and ``tie_months`` (see
:mod:`rbp._queries.pairs`): on SQLite in SQL, from the batch's rows just written, and
merged once per :data:`~rbp._queries.pair_batch.MERGE_EVERY` interactions and at the
end of the call (:mod:`rbp._queries.pair_batch`); elsewhere in Python, merged per batch
(:class:`~rbp._queries.pairs.Tally`). The community ties (pairs of non-officers) go to
``community_pairs`` the same way (:mod:`rbp._queries.community_batch`).

On SQLite a long log keeps the page cache larger than the growing file
(:func:`~rbp._unit.grow_cache`).

On PostgreSQL (:mod:`rbp.interactions._log_pg`) the directory's keys are looked up per
chunk of items, the rows go by binary ``COPY``, and the foreign-key triggers are
switched off when the role may (each batch locks its distinct directory keys instead).
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp import _schema as t
from rbp._queries import community_batch
from rbp._queries.pair_batch import MERGE_EVERY, OFFICERS, SqlSummaries
from rbp._queries.pairs import BUCKET, Tally
from rbp._schema._copy import copy_rows
from rbp._time import to_micros
from rbp._unit import grow_cache
from rbp.errors import RbpError, UnknownKeyError
from rbp.interactions import _log_keys, _log_pg
from rbp.interactions._log_keys import Directory
from rbp.model._interactions import Interaction, interaction_from

__all__ = ["LogWriter"]

BATCH = 50_000
"""Interactions per batch: written, folded into the pair summaries, then the next. On
SQLite, larger batches fold for less (the fold of the officer contacts about a quarter
less CPU per interaction at 50,000 than at 20,000 in a log of 1M, the community fold
and the participants' insert in stakeholder order a little less too); the tables come
out the same."""

SORT_AFTER = 200_000
"""On SQLite, a batch's participant rows are written in stakeholder order once the log
holds this many interactions. The sort pays only when the stakeholder index is large:
at 30,000 interactions it costs 7% more CPU; at 100,000 it about breaks even; from
200,000 on it pays (the medium city, 500,000 interactions: the whole log 11% less
CPU than sorting from 1,000,000 on; the first million of the large city, 200,000
stakeholders: the participants' insert 40% less). On the large city (5M) the build
with it took a fifth less CPU (together with the build's paused garbage collector)."""

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


_STAKEHOLDER = operator.itemgetter(1)


class LogWriter:
    """Checks and writes interactions inside one write transaction.

    Parameters
    ----------
    conn
        The caller's write transaction.
    """

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        pg = conn.dialect.name == "postgresql"
        # The keys each chunk of items names are looked up before it is checked.
        self._directory = d = Directory(conn)
        self.officer_of, self.areas, self.plans, self.concerns = (
            d.officer_of,
            d.areas,
            d.plans,
            d.concerns,
        )
        # ``in`` without the look-up (C speed): the chunk's keys are all there already
        self._person_known = dict.__contains__.__get__(d.officer_of)
        self._area_known = dict.__contains__.__get__(d.areas)
        # PostgreSQL: the table lock, and the foreign-key triggers off when the role
        # may (each batch then locks its keys); the setting to put back, or None.
        self._triggers = _log_pg.begin(conn) if pg else None
        self._pinned: tuple[set[str], set[str]] = (set(), set())  # keys locked so far
        top = conn.execute(sa.select(sa.func.max(t.interactions.c.id))).scalar()
        self.next_id = int(top or 0) + 1
        self.errors: list[RbpError] = []
        self.written = 0
        # SQLite folds each batch's pair summaries itself; elsewhere Python folds them.
        self._summaries = SqlSummaries(conn) if conn.dialect.name == "sqlite" else None

    def check(self, row: int, item: Interaction | Mapping[str, Any]) -> Interaction | None:
        """The item as a valid Interaction, or None after recording why it is not."""
        try:
            if not isinstance(item, Interaction):
                item = interaction_from(item)
            if (  # every key known (loops in C); the loops below say which one is not
                all(map(self._person_known, item.participants))
                and all(map(self._area_known, item.areas))
                and (item.plan is None or item.plan in self.plans)
                and (item.concern is None or item.concern in self.concerns)
            ):
                return item
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

        Good items wait for their batch as records; each batch becomes its rows in one
        pass per table. After the first bad item nothing more is inserted, but every
        item is still checked so the error lists them all; the caller rolls back.
        """
        first = self.next_id
        pending: list[Interaction] = []
        check = self.check
        row = 0
        for chunk, clean in self._directory.chunks(items, _log_keys.LOOKUP):
            if not clean:
                for n, raw in enumerate(chunk, row):
                    item = check(n, raw)
                    if item is None or self.errors:
                        continue
                    pending.append(item)
                    if len(pending) >= BATCH:
                        self._flush(pending)
                        pending = []
            row += len(chunk)
            if not clean or self.errors:
                continue
            # Records whose keys are all known: nothing to check one by one.
            start = 0
            while start < len(chunk):
                take = chunk[start : start + BATCH - len(pending)]
                pending += take
                start += len(take)
                if len(pending) >= BATCH:
                    self._flush(pending)
                    pending = []
        if not self.errors and pending:
            self._flush(pending)
        if not self.errors:
            if self._summaries is not None:
                self._merge()
            _log_pg.end(conn=self.conn, before=self._triggers)
        return range(0) if self.errors else range(first, self.next_id)

    def _flush(self, items: list[Interaction]) -> None:
        """Write one batch of good items with the next ids, and its pair summaries."""
        conn = self.conn
        first = self.next_id
        ids = range(first, first + len(items))
        self.next_id = ids.stop
        # Records often share their time objects (a generator stamping quarter hours,
        # say): each distinct object is converted once (the batch keeps them alive, so
        # their ids stay theirs while this runs).
        seen: dict[int, int] = {}
        ats = [
            seen[k] if (k := id(x.at)) in seen else seen.setdefault(k, to_micros(x.at))
            for x in items
        ]
        numbered = list(zip(ids, ats, items, strict=True))
        main = [
            (
                i,
                at,
                x.kind._value_,
                x.attendees,
                None if x.duration is None else int(x.duration.total_seconds()),
                None if x.follow_up_by is None else to_micros(x.follow_up_by),
                x.plan,
                x.concern,
                x.notes,
            )
            for i, at, x in numbered
        ]
        people = [(i, k, at) for i, at, x in numbered for k in x.participants]
        if self._summaries is not None and first > SORT_AFTER:
            # In the order of the participants' stakeholder index: each stakeholder's
            # new entries go in together, one sweep over the index instead of a jump
            # per row (the table's own rows are the batch's, at its end either way).
            people.sort(key=_STAKEHOLDER)
        places = [(i, a, at) for i, at, x in numbered if x.areas for a in x.areas]
        topics = [(i, tp) for i, _, x in numbered if x.topics for tp in x.topics]
        if len(items) >= BATCH:  # a long log: the cache grows with the file
            grow_cache(conn)
        if self._triggers is not None:  # PostgreSQL without the triggers: lock the keys
            _log_pg.pin(conn, {k for _, k, _ in people}, {a for _, a, _ in places}, self._pinned)
        for table, rows in (
            (t.interactions, main),
            (t.participants, people),
            (t.interaction_areas, places),
            (t.interaction_topics, topics),
        ):
            if rows:
                copy_rows(conn, table, _COLUMNS[table.name], rows, binary=True)
        if self._summaries is not None:  # SQLite: folded now, merged every so often
            officers = filter(self.officer_of.__getitem__, set(map(_STAKEHOLDER, people)))
            self._summaries.add(first, ids.stop - 1, officers)
            community_batch.fold(conn, first, ids.stop - 1, OFFICERS)
            if self._summaries.waiting >= MERGE_EVERY:
                self._merge()
        else:
            self._fold(numbered, main).write(conn)
            community_batch.write(conn, numbered, self.officer_of)
        self.written += len(main)

    def _merge(self) -> None:
        """SQLite: merge the folded officer and community summaries into the tables."""
        assert self._summaries is not None
        self._summaries.merge()
        community_batch.merge(self.conn)

    def _fold(
        self, numbered: list[tuple[int, int, Interaction]], main: list[tuple[Any, ...]]
    ) -> Tally:
        """The batch's pair summaries folded in Python (where SQLite does not fold them)."""
        tally = Tally()
        add = tally.add
        officer_of = self.officer_of
        for (_, at, item), row in zip(numbered, main, strict=True):
            officers: list[str] = []
            others: list[str] = []
            for key in item.participants:
                (officers if officer_of[key] else others).append(key)
            if officers and others:
                bucket = at // BUCKET
                promise = row[5]
                for o in officers:
                    for s in others:
                        add(bucket, o, s, at, promise)
        return tally
