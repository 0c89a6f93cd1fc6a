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

Nothing here runs on SQLite, which switches foreign keys off for the checked
transaction itself (:meth:`rbp._unit.UnitOfWork.write`).
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy.engine import Connection

from rbp.errors import StoreError

__all__ = ["begin", "end", "pin"]

_LOCK = "LOCK TABLE interactions IN SHARE ROW EXCLUSIVE MODE"

WRITTEN = (
    "interactions",
    "interaction_participants",
    "interaction_areas",
    "interaction_topics",
    "tie_months",
    "tie_pairs",
    "community_pairs",
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
