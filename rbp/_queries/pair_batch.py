"""A logged batch's pair summaries, folded and merged by SQLite itself.

On SQLite the interaction log writes a batch's rows first; then statements read the
batch back (one range of interaction ids) and keep ``tie_months`` and ``tie_pairs``
(see :mod:`rbp._queries.pairs`), with no Python object per contact:

1. each contact of the batch (every officer x non-officer pair of each interaction,
   as the one-contact summary ``(1, at, at, follow_up_by, 1.0)``) is upserted into a
   temporary table of bucket summaries, clustered by (officer, stakeholder, bucket)
   (:meth:`SqlSummaries.add`, once per batch);
2. those are merged into ``tie_months``, read in key order (so the b-tree is written
   in order too);
3. and into ``tie_pairs``, one bucket after another (2 and 3: :meth:`SqlSummaries.merge`,
   once per :data:`MERGE_EVERY` interactions or so, and at the end of the log).

The merges cost per row of the temporary table and per page of the stored b-trees they
reach, so fewer, larger ones cost less: contacts of one pair in one bucket that came in
different batches become one row, and the rows of one merge land closer together in the
b-trees (at 5M interactions, merging once per 100,000 interactions instead of once per
20,000 halved their cost per interaction).

Every fold is :func:`rbp._queries.pairs.merge_sql`, the rule the upsert always used,
so the summaries stay exact whatever order the contacts arrive in. The keys of the
officers among a batch's participants go into a temporary table first (each once per
writer), which tells the statement who is an officer.

Examples
--------
>>> import pendulum, rbp
>>> from rbp.interactions import Interaction
>>> crm = rbp.open()
>>> crm.directory.add_many([rbp.Officer("P1"), rbp.Officer("P2"), rbp.CommunityMember("m-1")])
3
>>> t0 = pendulum.datetime(2026, 1, 5, 10, tz="UTC")
>>> crm.interactions.log_many(
...     Interaction(at=t0.add(days=d), kind="call", participants=("P1", "P2", "m-1"))
...     for d in (0, 40, 40))
range(1, 4)
>>> with crm.engine.connect() as conn:
...     conn.exec_driver_sql(
...         "SELECT officer, stakeholder, n, round(weight, 6) FROM tie_pairs").all()
[('P1', 'm-1', 3, 2.734867), ('P2', 'm-1', 3, 2.734867)]
>>> round(1 + 1 + 0.5 ** (40 / 90), 6)  # two contacts at the last, one 40 days before
2.734867
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.engine import Connection

from rbp._queries.pairs import BUCKET, merge_sql

__all__ = ["MERGE_EVERY", "OFFICERS", "SqlSummaries"]

MERGE_EVERY = 200_000
"""Interactions whose folded contacts wait in the temporary table before a merge."""

OFFICERS = "temp.rbp_log_officers"
"""The writer's temporary table of the officers among the participants of the batches
it logged (each added before its batch is folded)."""
_BATCH = "temp.rbp_log_months"
_FIGURES = "n, first, last, promise, weight"

# Floor division of an instant by the bucket width (SQLite's % and / truncate).
_BUCKET_OF = f"((i.at - (((i.at % {BUCKET}) + {BUCKET}) % {BUCKET})) / {BUCKET})"

_MONTHS = f"""
INSERT INTO {_BATCH} (officer, stakeholder, bucket, {_FIGURES})
SELECT po.stakeholder, pk.stakeholder, {_BUCKET_OF}, 1, i.at, i.at, i.follow_up_by, 1.0
FROM interactions AS i
CROSS JOIN interaction_participants AS po
CROSS JOIN interaction_participants AS pk
WHERE i.id BETWEEN ? AND ?
  AND po.interaction_id = i.id
  AND pk.interaction_id = i.id
  AND +po.stakeholder IN {OFFICERS}
  AND +pk.stakeholder NOT IN {OFFICERS}
ON CONFLICT (officer, stakeholder, bucket) DO UPDATE SET {merge_sql(_BATCH.split(".")[1])}
"""

_TO_MONTHS = f"""
INSERT INTO tie_months (officer, stakeholder, bucket, {_FIGURES})
SELECT officer, stakeholder, bucket, {_FIGURES} FROM {_BATCH} WHERE true
ON CONFLICT (officer, stakeholder, bucket) DO UPDATE SET {merge_sql("tie_months")}
"""

_TO_PAIRS = f"""
INSERT INTO tie_pairs (officer, stakeholder, {_FIGURES})
SELECT officer, stakeholder, {_FIGURES} FROM {_BATCH} WHERE true
ON CONFLICT (officer, stakeholder) DO UPDATE SET {merge_sql("tie_pairs")}
"""


class SqlSummaries:
    """Keeps ``tie_months`` and ``tie_pairs`` for the batches a SQLite writer logs.

    Parameters
    ----------
    conn
        The writer's transaction (SQLite).
    """

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._ready = False
        self._officers: set[str] = set()  # in the temporary table
        self.waiting = 0  # interactions folded since the last merge

    def _prepare(self) -> None:
        raw = self.conn.exec_driver_sql
        raw(
            f"CREATE TEMP TABLE IF NOT EXISTS {OFFICERS.split('.')[1]} "
            "(key TEXT PRIMARY KEY) WITHOUT ROWID"
        )
        raw(f"DELETE FROM {OFFICERS}")
        raw(
            f"CREATE TEMP TABLE IF NOT EXISTS {_BATCH.split('.')[1]} (officer TEXT, "
            "stakeholder TEXT, bucket INTEGER, n INTEGER, first INTEGER, last INTEGER, "
            "promise INTEGER, weight REAL, PRIMARY KEY (officer, stakeholder, bucket)) "
            "WITHOUT ROWID"
        )
        raw(f"DELETE FROM {_BATCH}")
        self._ready = True

    def add(self, first_id: int, last_id: int, officers: Iterable[str]) -> None:
        """Fold the contacts of the interactions ``first_id`` to ``last_id`` (written
        already; ``officers``: every officer among their participants) into the
        temporary table; :meth:`merge` puts them into the stored summaries."""
        if not self._ready:
            self._prepare()
        raw = self.conn.exec_driver_sql
        new = sorted(set(officers) - self._officers)
        if new:
            raw(f"INSERT INTO {OFFICERS} VALUES (?)", [(k,) for k in new])
            self._officers.update(new)
        raw(_MONTHS, (first_id, last_id))
        self.waiting += last_id - first_id + 1

    def merge(self) -> None:
        """Merge what :meth:`add` folded into ``tie_months`` and ``tie_pairs``."""
        if not self.waiting:
            return
        raw = self.conn.exec_driver_sql
        raw(_TO_MONTHS)
        raw(_TO_PAIRS)
        raw(f"DELETE FROM {_BATCH}")
        self.waiting = 0
