"""A logged batch's community-tie summaries, merged into ``community_pairs``.

Called for every batch by the interaction log (in its transaction), for every path that
logs: ``log``, ``log_many``, the importers and the synthetic cities, which all go
through ``log_many``. See :mod:`rbp._queries.community` for what the table holds.

* On SQLite, two statements read the batch back (one range of interaction ids) with no
  Python object per contact: the interactions of at most :data:`~rbp._queries.community.CAP`
  people with two non-officers or more are found in one pass over the batch's
  participants; each pair of their non-officers, as the one-contact summary
  ``(1, at, at, 1.0)``, is upserted into a temporary table clustered by ``(a, b,
  size)``; that is merged into ``community_pairs`` in key order (so its b-tree is
  written in order too).
* On PostgreSQL each batch is folded in Python (:func:`add`) into a :class:`Tally`
  the log keeps across batches; once per :data:`~rbp._queries.pair_batch.MERGE_EVERY`
  interactions or so, and at the end of the log (:func:`write`), the summaries of keys
  not stored yet go by one binary ``COPY``, the others are merged by one ``UPDATE ...
  FROM unnest(...)`` (as :mod:`rbp._queries._pairs_pg` writes the officer ties).

Every merge is :func:`rbp._queries.pairs.merge_sql`'s rule without the promise, so the
summaries stay exact whatever order the interactions arrive in. A stakeholder's kind
never changes once it is in the directory, so a pair summed up as two non-officers
stays one (as ``tie_pairs`` relies on for its officers).

Examples
--------
>>> t = Tally()
>>> t.add(100, 3, ["m-2", "m-1"])
>>> t.add(100, 3, ["m-1", "m-2", "a-1"])
>>> sorted(t.pairs.items())
[(('a-1', 'm-1', 3), [1, 100, 100, 1.0]), (('a-1', 'm-2', 3), [1, 100, 100, 1.0]), \
(('m-1', 'm-2', 3), [2, 100, 100, 2.0])]
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from itertools import combinations
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Connection

from rbp._queries.community import CAP
from rbp._queries.pairs import HALF_LIFE, merge_sql
from rbp._queries.rules import UNDERFLOW

if TYPE_CHECKING:
    from rbp.model._interactions import Interaction

__all__ = ["Tally", "add", "fold", "merge", "write"]

_BATCH = "rbp_log_community"
_KEY = ("a", "b", "size")
_FIGURES = ("n", "first", "last", "weight")
_COLUMNS = ", ".join((*_KEY, *_FIGURES))
_OFFICERS = "(SELECT key FROM stakeholders WHERE kind = 'officer')"

_CREATE = (
    f"CREATE TEMP TABLE IF NOT EXISTS {_BATCH} (a TEXT, b TEXT, size INTEGER, n INTEGER, "
    "first INTEGER, last INTEGER, weight REAL, PRIMARY KEY (a, b, size)) WITHOUT ROWID"
)


# The batch's interactions that can pair anybody (one pass over their participants in
# the key's order, ``attendees`` read once per interaction), then their non-officers
# paired, each pair once (a < b).
@functools.cache
def _fold_sql(officers: str) -> str:
    """The fold of a batch's community contacts; ``officers``: a table (or a query) of
    at least the officers among the batch's participants."""
    return f"""
INSERT INTO temp.{_BATCH} ({_COLUMNS})
SELECT pa.stakeholder, pb.stakeholder, g.size, 1, g.at, g.at, 1.0
FROM (
    SELECT i.id AS id, i.at AS at, i.attendees + count(*) AS size
    FROM interactions AS i
    JOIN interaction_participants AS p ON p.interaction_id = i.id
    WHERE i.id BETWEEN ? AND ?
    GROUP BY i.id
    HAVING i.attendees + count(*) <= {CAP} AND sum(p.stakeholder NOT IN {officers}) >= 2
) AS g
JOIN interaction_participants AS pa ON pa.interaction_id = g.id
JOIN interaction_participants AS pb ON pb.interaction_id = g.id AND pb.stakeholder > pa.stakeholder
WHERE pa.stakeholder NOT IN {officers} AND pb.stakeholder NOT IN {officers}
ON CONFLICT (a, b, size) DO UPDATE SET {merge_sql(_BATCH, promise=False)}
"""


_MERGE = f"""
INSERT INTO community_pairs ({_COLUMNS})
SELECT {_COLUMNS} FROM temp.{_BATCH} WHERE true
ON CONFLICT (a, b, size) DO UPDATE SET {merge_sql("community_pairs", promise=False)}
"""


def add(
    tally: Tally,
    batch: Sequence[tuple[int, int, Interaction]],
    officer_of: Mapping[str, bool],
) -> None:
    """Fold the community contacts of a batch in Python into ``tally`` (PostgreSQL: the
    log writes the tally with :func:`write` once per
    :data:`~rbp._queries.pair_batch.MERGE_EVERY` interactions or so; SQLite folds in
    SQL: :func:`fold`, :func:`merge`).

    Parameters
    ----------
    tally
        The summaries folded so far, not written yet.
    batch
        ``(id, at, interaction)`` of each interaction of the batch (``at`` in epoch
        microseconds).
    officer_of
        Whether each participant key is an officer.
    """
    fold = tally.add
    for _, at, item in batch:
        who = item.participants
        size = len(who) + item.attendees
        if size <= CAP and len(who) > 1:
            others = [k for k in who if not officer_of[k]]
            if len(others) > 1:
                fold(at, size, others)


def write(conn: Connection, tally: Tally) -> None:
    """Merge the summaries folded in ``tally`` into ``community_pairs`` (PostgreSQL),
    then forget them."""
    if tally.pairs:
        from rbp._queries import _community_pg

        _community_pg.write(conn, tally.pairs)
    tally.pairs = {}


def fold(conn: Connection, first_id: int, last_id: int, officers: str = _OFFICERS) -> None:
    """SQLite: fold the community contacts of the interactions ``first_id`` to
    ``last_id`` (written already) into the temporary table; :func:`merge` puts them
    into ``community_pairs`` (the log merges once per
    :data:`~rbp._queries.pair_batch.MERGE_EVERY` interactions, as the officer ties).
    ``officers``: a table holding at least the officers among their participants (the
    log's own, :data:`~rbp._queries.pair_batch.OFFICERS`; by default every officer)."""
    raw = conn.exec_driver_sql
    raw(_CREATE)
    raw(_fold_sql(officers), (first_id, last_id))


def merge(conn: Connection) -> None:
    """SQLite: merge what :func:`fold` folded into ``community_pairs``, in key order."""
    raw = conn.exec_driver_sql
    raw(_CREATE)
    raw(_MERGE)
    raw(f"DELETE FROM temp.{_BATCH}")


def _decay(age: int) -> float:
    n = age / HALF_LIFE
    return 0.0 if n >= UNDERFLOW else float(0.5**n)


class Tally:
    """The community summaries of a batch, folded in memory: ``pairs`` maps ``(a, b,
    size)`` to ``[n, first, last, weight]``."""

    def __init__(self) -> None:
        self.pairs: dict[tuple[str, str, int], list[Any]] = {}

    def add(self, at: int, size: int, others: Sequence[str]) -> None:
        """Fold one interaction at ``at`` of ``size`` people whose non-officers are
        ``others`` (each once): one contact for each pair of them."""
        pairs = self.pairs
        for a, b in combinations(sorted(others), 2):
            key = (a, b, size)
            rec = pairs.get(key)
            if rec is None:
                pairs[key] = [1, at, at, 1.0]
                continue
            rec[0] += 1
            if at < rec[1]:
                rec[1] = at
            last = rec[2]
            if at > last:
                rec[3] = rec[3] * _decay(at - last) + 1.0
                rec[2] = at
            elif at == last:
                rec[3] += 1.0
            else:
                rec[3] += _decay(last - at)
