"""The directory's keys a contact log checks against, looked up per chunk of items.

A log reads the stakeholders, areas, plans and concerns its items name, one query per
chunk of :data:`LOOKUP` items, instead of every key of the directory: a single ``log``
in a state-wide directory reads a handful of rows, and a bulk log reads each key it
names once. PostgreSQL passes each table's keys as one array (``= ANY(...)``), SQLite
as one JSON list (``IN (SELECT value FROM json_each(...))``); either way each key is one
probe of its table's primary key.

Examples
--------
>>> import rbp
>>> crm = rbp.open()
>>> crm.directory.add_many([rbp.Officer("P1"), rbp.CommunityMember("m-1")])
2
>>> with crm.engine.connect() as conn:
...     d = Directory(conn)
...     d.look_up([{"P1", "m-1", "ghost"}, set(), set(), set()])
...     dict(d.officer_of), sorted(d.officer_of.absent), "P1" in d.officer_of
({'P1': True, 'm-1': False}, ['ghost'], True)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import chain, filterfalse, islice
from operator import attrgetter
from typing import Any

from sqlalchemy.engine import Connection

from rbp.model._interactions import Interaction

__all__ = ["LOOKUP", "Directory", "Keys"]

LOOKUP = 10_000
"""Items per chunk whose directory keys are looked up in one query."""

_TABLES = ("stakeholders", "areas", "plans", "concerns")
_IS_OFFICER = "coalesce(kind = 'officer', false)"
_LOOKUP = {
    "postgresql": " UNION ALL ".join(
        f"SELECT {n}, key, {_IS_OFFICER if n == 0 else 'true'} FROM {table} "
        "WHERE key = ANY(%b::text[])"
        for n, table in enumerate(_TABLES)
    ),
    "sqlite": " UNION ALL ".join(
        f"SELECT {n}, key, {_IS_OFFICER if n == 0 else 'true'} FROM {table} "
        "WHERE key IN (SELECT value FROM json_each(?))"
        for n, table in enumerate(_TABLES)
    ),
}


_RECORDS = {Interaction}
_PARTICIPANTS = attrgetter("participants")
_AREAS = attrgetter("areas")
_PLAN = attrgetter("plan")
_CONCERN = attrgetter("concern")


class Keys(dict[str, bool]):
    """The keys of one directory table a log has looked up: key to "is an officer" for
    stakeholders, to True for the others. ``in`` asks the database about a key not
    looked up yet (and remembers the answer, absent keys too)."""

    def __init__(self, directory: Directory, table: int) -> None:
        super().__init__()
        self._directory = directory
        self._table = table
        self.absent: set[str] = set()

    def __contains__(self, key: object) -> bool:
        if dict.__contains__(self, key):
            return True
        if not isinstance(key, str) or key in self.absent:
            return False
        wanted: list[set[str]] = [set(), set(), set(), set()]
        wanted[self._table].add(key)
        self._directory.look_up(wanted)
        return dict.__contains__(self, key)


class Directory:
    """The directory's keys a log checks against, looked up for each chunk of items
    (one query for the chunk's keys of all four tables) instead of read whole.

    :meth:`chunks` feeds the items through in chunks of ``size``, looking each chunk's
    keys up before its first item is checked (a chunk of records whose keys are all
    known needs no check item by item); a key found nowhere in a chunk (a
    mapping's odd value that the record's converter turns into a key) is looked up on
    its own when it is checked.

    Parameters
    ----------
    conn
        The log's transaction (SQLite or PostgreSQL).
    before_query
        Called before each query on ``conn`` (the log waits there for the work it runs
        beside on the same connection), or None.
    """

    def __init__(self, conn: Connection, before_query: Callable[[], None] | None = None) -> None:
        self.conn = conn
        self._before_query = before_query
        self._sql = _LOOKUP[conn.dialect.name]
        self._pg = conn.dialect.name == "postgresql"
        self.officer_of = Keys(self, 0)
        self.areas = Keys(self, 1)
        self.plans = Keys(self, 2)
        self.concerns = Keys(self, 3)
        self._tables = (self.officer_of, self.areas, self.plans, self.concerns)

    def look_up(self, wanted: list[set[str]]) -> None:
        """Read the keys of ``wanted`` (one set per table) not looked up yet."""
        # The keys known already are left out in C (most of a chunk's, once a log is
        # under way): only the few new ones reach the Python test.
        asked = [
            [
                k
                for k in filterfalse(dict.__contains__.__get__(table), keys)
                if isinstance(k, str) and k not in table.absent
            ]
            for keys, table in zip(wanted, self._tables, strict=True)
        ]
        if not any(asked):
            return
        if self._before_query is not None:
            self._before_query()
        raw: Any = self.conn.connection.driver_connection
        params = asked if self._pg else [json.dumps(keys) for keys in asked]
        cur = raw.cursor()
        try:
            for n, key, value in cur.execute(self._sql, params):
                self._tables[n][key] = bool(value)
        finally:
            cur.close()
        for keys, table in zip(asked, self._tables, strict=True):
            table.absent.update(k for k in keys if not dict.__contains__(table, k))

    def chunks(self, items: Iterable[Any], size: int) -> Iterator[tuple[list[Any], bool]]:
        """``items`` again in chunks of ``size``, each looked up before it is handed on,
        with whether it is *clean*: every item an :class:`Interaction` record (checked
        when it was made) and every key the chunk names known, so that no item of it
        needs a check of its own."""
        it = iter(items)
        while chunk := list(islice(it, size)):
            wanted: list[set[str]]
            records = set(map(type, chunk)) == _RECORDS  # the usual case: gathered in C
            if records:
                wanted = [
                    set(chain.from_iterable(map(_PARTICIPANTS, chunk))),
                    set(chain.from_iterable(map(_AREAS, chunk))),
                    set(map(_PLAN, chunk)),
                    set(map(_CONCERN, chunk)),
                ]
                wanted[2].discard(None)
                wanted[3].discard(None)
            else:
                wanted = [set(), set(), set(), set()]
                for item in chunk:
                    _wanted(item, wanted)
            self.look_up(wanted)
            clean = records and all(
                all(map(dict.__contains__.__get__(table), keys))
                for keys, table in zip(wanted, self._tables, strict=True)
            )
            yield chunk, clean


def _wanted(item: Any, wanted: list[set[str]]) -> None:
    """Add an item's participants, areas, plan and concern to ``wanted`` (what it looks
    like it names: a bad item is found out by the checks)."""
    people: Any
    areas: Any
    plan: Any
    concern: Any
    if isinstance(item, Interaction):
        people, areas, plan, concern = item.participants, item.areas, item.plan, item.concern
    elif item.__class__ is dict or isinstance(item, Mapping):
        get = item.get
        people, areas, plan, concern = (
            get("participants"),
            get("areas"),
            get("plan"),
            get("concern"),
        )
    else:
        return
    for n, keys in ((0, people), (1, areas)):
        if isinstance(keys, str):
            wanted[n].add(keys)
        elif isinstance(keys, list | tuple | set | frozenset):
            try:
                wanted[n].update(keys)  # what is not a key is left out by look_up
            except TypeError:  # an unhashable value (the checks name it)
                wanted[n].update(k for k in keys if isinstance(k, str))
    for n, key in ((2, plan), (3, concern)):
        if isinstance(key, str):
            wanted[n].add(key)
