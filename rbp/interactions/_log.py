"""Writing the contact log: validation, id assignment and bulk insertion.

Rows go to the driver's ``executemany`` (SQLite) or ``COPY`` (PostgreSQL) in
batches inside one transaction, so a call of millions of items streams in bounded
memory and is still all or nothing. Each batch also folds its officer ties into pair
summaries, merged into ``tie_pairs`` and ``tie_months`` (see
:mod:`rbp._queries.pairs`): on SQLite in SQL, from the batch's rows just written, and
merged once per :data:`~rbp._queries.pair_batch.MERGE_EVERY` interactions and at the
end of the call (:mod:`rbp._queries.pair_batch`); elsewhere in Python
(:class:`~rbp._queries.pairs.Tally`), kept across batches and merged as often. The
community ties (pairs of non-officers) go to ``community_pairs`` the same way
(:mod:`rbp._queries.community_batch`).

On SQLite a long log keeps the page cache larger than the growing file
(:func:`~rbp._unit.grow_cache`), and a batch's folds and merges run on a second thread
(:class:`Beside`), on the log's own connection and in its transaction, while this thread
reads and checks the next batch's items and makes their rows: the fold is a few long
statements, during which Python's sqlite3 lets other threads run. Nothing else touches
the connection until the fold is over (the next batch's writes, a look-up of new
directory keys and the end of the log wait for it first), and its error is raised here.

On PostgreSQL (:mod:`rbp.interactions._log_pg`) the directory's keys are looked up per
chunk of items, the rows go by binary ``COPY``, and the foreign-key triggers are
switched off when the role may (each batch locks its distinct directory keys instead).
"""

from __future__ import annotations

import operator
import threading
from collections.abc import Callable, Iterable, Mapping
from itertools import islice
from typing import Any, NamedTuple, cast

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
_RECORDS = {Interaction}

Row = tuple[Any, ...]


class _Rows(NamedTuple):
    """A batch's rows, table by table, for the ids ``ids``."""

    ids: range
    numbered: list[tuple[int, int, Interaction]]  # (id, at in epoch microseconds, item)
    main: list[Row]
    people: list[Row]
    places: list[Row]
    topics: list[Row]


class Beside:
    """At most one piece of work at a time on a second thread, waited for by :meth:`join`.

    The log's folds go here: the thread uses the log's connection while the calling
    thread does not (it joins before every use), so the two never meet on it. An
    error of the work is raised by the next :meth:`join`.

    Examples
    --------
    >>> done = []
    >>> b = Beside()
    >>> b.start(lambda: done.append(1))
    >>> b.join()
    >>> done
    [1]
    >>> b.start(lambda: 1 / 0)
    >>> b.join()
    Traceback (most recent call last):
    ...
    ZeroDivisionError: division by zero
    """

    def __init__(self) -> None:
        self._thread: threading.Thread | None = None
        self._failed: list[BaseException] = []

    def start(self, work: Callable[[], None]) -> None:
        """Run ``work()`` on a new thread, once the previous work is over."""
        self.join()

        def run() -> None:
            try:
                work()
            except BaseException as exc:  # handed to the thread that joins
                self._failed.append(exc)

        self._thread = threading.Thread(target=run, name="rbp-log-fold", daemon=True)
        self._thread.start()

    def join(self) -> None:
        """Wait for the work started last; raise its error, if it failed."""
        thread, self._thread = self._thread, None
        if thread is not None:
            while thread.is_alive():  # an interrupt here still waits for the work
                try:
                    thread.join()
                except BaseException:
                    thread.join()
                    raise
        if self._failed:
            raise self._failed.pop()


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
        sqlite = conn.dialect.name == "sqlite"
        # SQLite: each batch is folded beside the reading of the next one.
        self._beside = Beside() if sqlite else None
        # The keys each chunk of items names are looked up before it is checked (once
        # the fold beside is over: it holds the connection).
        self._directory = d = Directory(conn, None if self._beside is None else self._beside.join)
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
        # SQLite folds each batch's pair summaries itself; elsewhere Python folds them
        # into tallies kept across batches.
        self._summaries = SqlSummaries(conn) if sqlite else None
        self._tally = Tally()
        self._community = community_batch.Tally()
        self._waiting = 0  # interactions folded into the tallies since they were written

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
        try:
            return self._write(items)
        finally:  # whatever happened, the fold beside is over before the caller goes on
            if self._beside is not None:
                self._beside.join()

    def _write(self, items: Iterable[Interaction | Mapping[str, Any]]) -> range:
        """:meth:`write`'s work (the fold of the last batch may still be running).

        A batch of items is read, and its rows made when every item is a record
        (checked when it was made), before its keys are looked up: on SQLite that work
        runs beside the previous batch's fold. A batch with a key to check item by item
        has its rows made again from the checked items.
        """
        first = self.next_id
        check = self.check
        row = 0
        it = iter(items)
        while batch := list(islice(it, BATCH)):
            made = None
            if not self.errors and set(map(type, batch)) == _RECORDS:
                made = self._rows(self.next_id, cast("list[Interaction]", batch))
            pending: list[Interaction] = []
            for chunk, clean in self._directory.chunks(batch, _log_keys.LOOKUP):
                if clean:  # records whose keys are all known: nothing to check one by one
                    if not self.errors:
                        pending += chunk
                else:
                    made = None
                    for n, raw in enumerate(chunk, row):
                        item = check(n, raw)
                        if item is not None and not self.errors:
                            pending.append(item)
                row += len(chunk)
            if not self.errors and pending:
                self._flush(made or self._rows(self.next_id, pending))
        if not self.errors:
            if self._summaries is not None:
                assert self._beside is not None
                self._beside.join()
                self._merge()
            elif self._waiting:
                self._write_tallies()
            _log_pg.end(conn=self.conn, before=self._triggers)
        return range(0) if self.errors else range(first, self.next_id)

    def _rows(self, first: int, items: list[Interaction]) -> _Rows:
        """The rows of a batch of good items given the ids from ``first`` on (nothing
        is written: the keys may not be looked up yet)."""
        ids = range(first, first + len(items))
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
        return _Rows(ids, numbered, main, people, places, topics)

    def _flush(self, rows: _Rows) -> None:
        """Write one batch's rows (made for the next ids), and its pair summaries."""
        conn = self.conn
        ids, numbered, main, people, places, topics = rows
        assert ids.start == self.next_id
        first = ids.start
        self.next_id = ids.stop
        if self._beside is not None:  # wait for the last batch's fold
            self._beside.join()
        if len(main) >= BATCH:  # a long log: the cache grows with the file
            grow_cache(conn)
        if self._triggers is not None:  # PostgreSQL without the triggers: lock the keys
            _log_pg.pin(conn, {k for _, k, _ in people}, {a for _, a, _ in places}, self._pinned)
        for table, batch in (
            (t.interactions, main),
            (t.participants, people),
            (t.interaction_areas, places),
            (t.interaction_topics, topics),
        ):
            if batch:
                copy_rows(conn, table, _COLUMNS[table.name], batch, binary=True)
        if self._summaries is not None:  # SQLite: folded beside, merged every so often
            assert self._beside is not None
            officers = list(filter(self.officer_of.__getitem__, set(map(_STAKEHOLDER, people))))
            summaries, last = self._summaries, ids.stop - 1

            def fold() -> None:
                summaries.add(first, last, officers)
                community_batch.fold(conn, first, last, OFFICERS)
                if summaries.waiting >= MERGE_EVERY:
                    self._merge()

            self._beside.start(fold)
        else:  # folded in Python, written every so often (see _write_tallies)
            self._fold(numbered, main, self._tally)
            community_batch.add(self._community, numbered, self.officer_of)
            self._waiting += len(main)
            if self._waiting >= MERGE_EVERY:
                self._write_tallies()
        self.written += len(main)

    def _write_tallies(self) -> None:
        """Elsewhere than SQLite: write the summaries folded in Python since the last
        time. Once per :data:`~rbp._queries.pair_batch.MERGE_EVERY` interactions or so,
        not per batch: within one transaction each update of a stored summary leaves a
        row version behind that every later look-up of its key steps over, so merging
        per batch made a long log slower with every batch (a 5M-interaction log on
        PostgreSQL had not ended after 16 minutes; merged so, it took 13 minutes)."""
        self._tally.write(self.conn)
        community_batch.write(self.conn, self._community)
        self._waiting = 0

    def _merge(self) -> None:
        """SQLite: merge the folded officer and community summaries into the tables."""
        assert self._summaries is not None
        self._summaries.merge()
        community_batch.merge(self.conn)

    def _fold(
        self,
        numbered: list[tuple[int, int, Interaction]],
        main: list[tuple[Any, ...]],
        tally: Tally,
    ) -> None:
        """Fold the batch's pair summaries into ``tally`` in Python (where SQLite does not
        fold them)."""
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
