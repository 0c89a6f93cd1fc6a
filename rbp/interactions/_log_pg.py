"""The contact log's PostgreSQL side: the table lock, and foreign keys checked once per key.

On PostgreSQL every row of ``interaction_participants``, ``interaction_areas`` and
``interaction_topics`` fires its foreign-key triggers: one lookup and one row lock per
key per row, about two thirds of the server's work for a bulk log. The writer checks
every key itself, inside the transaction (the directory's keys, and the interactions it
writes first under a table lock), so when the role may set
``session_replication_role`` (a superuser, or on PostgreSQL 15 a role granted ``SET``
on it) the transaction runs with it set to ``replica`` (the triggers do not fire; the
setting is ``LOCAL``, so it ends with the transaction at the latest) and each batch
instead locks the rows of its distinct keys ``FOR KEY SHARE``, as the triggers would
have: a directory row a batch names cannot be deleted (or its key changed) until the
transaction ends, and a key deleted since the writer read it fails the batch. Any other
role, or a store whose written tables carry triggers of their own (added by a
deployment: ``replica`` would silence them too), writes with the triggers, as before.

The directory's keys are looked up per chunk of items (:class:`Directory`), not read
whole. Nothing here runs on SQLite, which switches foreign keys off for the checked
transaction itself (:meth:`rbp._unit.UnitOfWork.write`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from itertools import islice
from typing import Any

from sqlalchemy.engine import Connection

from rbp.errors import StoreError
from rbp.model._interactions import Interaction

__all__ = ["Directory", "Keys", "begin", "end", "pin"]

LOOKUP = 10_000
"""Items per chunk whose directory keys are looked up in one query."""

_LOCK = "LOCK TABLE interactions IN SHARE ROW EXCLUSIVE MODE"

WRITTEN = (
    "interactions",
    "interaction_participants",
    "interaction_areas",
    "interaction_topics",
    "tie_months",
    "tie_pairs",
)
"""The tables the log writes (with their partitions, when partitioned)."""

_OWN_TRIGGERS = (
    "EXISTS (SELECT 1 FROM pg_trigger WHERE NOT tgisinternal AND tgrelid IN ("
    + " UNION ALL ".join(  # the partition tree of a plain table is empty
        f"SELECT '{t}'::regclass UNION ALL SELECT relid FROM pg_partition_tree('{t}')"
        for t in WRITTEN
    )
    + "))"
)

_MAY_SET = {
    # PostgreSQL 15 grants SET on a parameter; earlier versions: superusers only.
    True: "SELECT current_setting('session_replication_role'), "
    f"has_parameter_privilege('session_replication_role', 'SET'), {_OWN_TRIGGERS}",
    False: "SELECT current_setting('session_replication_role'), "
    f"(SELECT rolsuper FROM pg_roles WHERE rolname = current_user), {_OWN_TRIGGERS}",
}

_PIN = (
    "SELECT (SELECT count(*) FROM (SELECT 1 FROM stakeholders WHERE key = ANY(%b::text[]) "
    "FOR KEY SHARE) AS s), (SELECT count(*) FROM (SELECT 1 FROM areas "
    "WHERE key = ANY(%b::text[]) FOR KEY SHARE) AS a)"
)


def begin(conn: Connection) -> str | None:
    """Lock ``interactions`` against other writers (ids are handed out from its largest),
    and switch the foreign-key triggers off when the role may and no table written has
    a trigger of its own (one a deployment added: it would not fire either): the setting
    to put back (:func:`end`), or None when the triggers stay on."""
    conn.exec_driver_sql(_LOCK)
    version = conn.dialect.server_version_info or (0,)
    before, may, triggers = conn.exec_driver_sql(_MAY_SET[version >= (15,)]).one()
    if not may or triggers or before == "replica":
        return None
    conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
    return str(before)


def pin(
    conn: Connection,
    stakeholders: Collection[str],
    areas: Collection[str],
    held: tuple[set[str], set[str]] | None = None,
) -> None:
    """Lock the directory rows a batch names ``FOR KEY SHARE`` (what the foreign-key
    triggers would have done, once per key instead of once per row); a
    :class:`~rbp.errors.StoreError` if one is gone (deleted by another session since
    the writer read the keys). ``held``: the keys this transaction locked already
    (skipped, and the new ones added)."""
    if held is not None:
        stakeholders = set(stakeholders) - held[0]
        areas = set(areas) - held[1]
    if not stakeholders and not areas:
        return
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cur:
        cur.execute(_PIN, (list(stakeholders), list(areas)))
        found = cur.fetchone()
    assert found is not None
    if (found[0], found[1]) != (len(stakeholders), len(areas)):
        raise StoreError(
            "a stakeholder or area named by the interactions was deleted while they were "
            "being logged; nothing was written, log them again"
        )
    if held is not None:
        held[0].update(stakeholders)
        held[1].update(areas)


def end(conn: Connection, before: str | None) -> None:
    """Switch the foreign-key triggers back on (for the rest of the transaction)."""
    if before is not None:
        raw = conn.connection.driver_connection
        assert raw is not None
        raw.execute("SELECT set_config('session_replication_role', %s, true)", (before,))


# ----------------------------------------------------------------------------- keys

_LOOKUP = (
    "SELECT 0, key, coalesce(kind = 'officer', false) FROM stakeholders "
    "WHERE key = ANY(%b::text[]) "
    "UNION ALL SELECT 1, key, true FROM areas WHERE key = ANY(%b::text[]) "
    "UNION ALL SELECT 2, key, true FROM plans WHERE key = ANY(%b::text[]) "
    "UNION ALL SELECT 3, key, true FROM concerns WHERE key = ANY(%b::text[])"
)


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
    (one query for the chunk's keys of all four tables) instead of read whole: a
    single ``log`` in a state-wide directory reads a handful of rows, not every key.

    :meth:`chunks` feeds the items through in chunks of ``size``, looking each chunk's
    keys up before its first item is checked; a key found nowhere in a chunk (a
    mapping's odd value that the record's converter turns into a key) is looked up on
    its own when it is checked.
    """

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.officer_of = Keys(self, 0)
        self.areas = Keys(self, 1)
        self.plans = Keys(self, 2)
        self.concerns = Keys(self, 3)
        self._tables = (self.officer_of, self.areas, self.plans, self.concerns)

    def look_up(self, wanted: list[set[str]]) -> None:
        """Read the keys of ``wanted`` (one set per table) not looked up yet."""
        asked = [
            [k for k in keys if not dict.__contains__(table, k) and k not in table.absent]
            for keys, table in zip(wanted, self._tables, strict=True)
        ]
        if not any(asked):
            return
        raw = self.conn.connection.driver_connection
        assert raw is not None
        with raw.cursor() as cur:
            for n, key, value in cur.execute(_LOOKUP, asked):
                self._tables[n][key] = bool(value)
        for keys, table in zip(asked, self._tables, strict=True):
            table.absent.update(k for k in keys if not dict.__contains__(table, k))

    def chunks(self, items: Iterable[Any], size: int) -> Iterator[Any]:
        """``items`` again, each chunk of ``size`` looked up before it is handed on."""
        it = iter(items)
        while chunk := list(islice(it, size)):
            wanted: list[set[str]] = [set(), set(), set(), set()]
            people, places, plans, concerns = wanted
            for item in chunk:
                if item.__class__ is Interaction:  # the usual case, without the tests
                    people.update(item.participants)
                    if item.areas:
                        places.update(item.areas)
                    if item.plan is not None:
                        plans.add(item.plan)
                    if item.concern is not None:
                        concerns.add(item.concern)
                else:
                    _wanted(item, wanted)
            self.look_up(wanted)
            yield from chunk


def _wanted(item: Any, wanted: list[set[str]]) -> None:
    """Add an item's participants, areas, plan and concern to ``wanted`` (what it looks
    like it names: a bad item is found out by the checks)."""
    people: Any
    areas: Any
    plan: Any
    concern: Any
    if isinstance(item, Interaction):
        people, areas, plan, concern = item.participants, item.areas, item.plan, item.concern
    elif isinstance(item, Mapping):
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
            wanted[n].update(k for k in keys if isinstance(k, str))
    for n, key in ((2, plan), (3, concern)):
        if isinstance(key, str):
            wanted[n].add(key)
