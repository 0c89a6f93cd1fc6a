"""The pair summaries at the edges the hypothesis cities do not reach.

Contacts before 1970 (negative epoch times, where a bucket is a floor division: SQLite
folds them in SQL, and its ``/`` and ``%`` truncate towards zero), on both sides of
the bucket edges at and before the epoch, several officers and several members in one
interaction, contacts at the same instant with and without promises, and a back-filled
second call whose contacts fall into buckets and pairs the first one wrote. After
each call ``tie_pairs`` and ``tie_months`` must equal, row by row, the brute-force
summaries of every contact logged (:mod:`tests.pair_summaries`, computed from the
store's rows read with plain SQL and, separately, from the list logged here).
"""

from __future__ import annotations

import pendulum
import pytest

import rbp
from rbp.interactions import Interaction
from tests.databases import PlainSQL
from tests.pair_summaries import BUCKET, check_summaries, contacts_of

EPOCH = pendulum.datetime(1970, 1, 1, tz="UTC")
OFFICERS = ("P1", "P2", "P3")
OTHERS = ("m-1", "m-2", "a-1")

# (microseconds from the epoch, participants, follow_up_by in microseconds or None)
FIRST: list[tuple[int, tuple[str, ...], int | None]] = [
    (-1, ("P1", "m-1"), None),
    (0, ("P1", "m-1"), 5),
    (-BUCKET, ("P1", "P2", "m-1", "m-2"), None),
    (-BUCKET - 1, ("P1", "m-1", "a-1"), -3),
    (-BUCKET - 1, ("P1", "m-1"), -7),
    (-BUCKET - 1, ("P1", "m-1"), None),
    (-5 * BUCKET + 17, ("P2", "P3", "m-2", "a-1"), 12),
    (3 * BUCKET - 1, ("P3", "m-1"), None),
    (-2, ("P1", "P2", "P3"), None),  # officers only: no contact
    (-2, ("m-1", "m-2"), 4),  # no officer: no contact
]
# Back-filled into the same buckets and pairs, and older than all of them.
SECOND: list[tuple[int, tuple[str, ...], int | None]] = [
    (-BUCKET - 1, ("P1", "m-1"), -9),
    (-BUCKET // 2, ("P1", "P2", "m-1"), 8),
    (-1, ("P1", "m-1"), -1),
    (-40 * BUCKET - 3, ("P1", "P3", "m-1", "m-2", "a-1"), None),
    (3 * BUCKET - 2, ("P3", "m-1"), 3 * BUCKET + 2),
]


def _item(at: int, who: tuple[str, ...], promise: int | None) -> Interaction:
    return Interaction(
        at=EPOCH.add(microseconds=at),
        kind="meeting",
        participants=who,
        follow_up_by=None if promise is None else EPOCH.add(microseconds=promise),
    )


def test_summaries_before_1970_and_on_bucket_edges(crm: rbp.Store, sql: PlainSQL) -> None:
    crm.directory.add_many(
        [
            *(rbp.Officer(k) for k in OFFICERS),
            rbp.CommunityMember("m-1"),
            rbp.CommunityMember("m-2"),
            rbp.PartnerAgency("a-1"),
        ]
    )
    logged: list[tuple[int, tuple[str, ...], int | None]] = []
    for chunk in (FIRST, SECOND):
        crm.interactions.log_many(_item(*row) for row in chunk)
        logged += chunk
        expected = contacts_of(logged, set(OFFICERS))
        assert any(at < 0 and at % BUCKET for _, _, at, _ in expected)
        check_summaries(sql)  # against the store's own rows
        check_summaries(sql, expected)  # against what was logged
    # One interaction at a time as well (each call its own batch and writer).
    crm.interactions.log(_item(-BUCKET - 1, ("P2", "m-1"), -2))
    logged.append((-BUCKET - 1, ("P2", "m-1"), -2))
    check_summaries(sql, contacts_of(logged, set(OFFICERS)))


def test_participants_written_in_stakeholder_order_are_the_same_rows(
    crm: rbp.Store, sql: PlainSQL, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store past ``SORT_AFTER`` interactions gets each batch's participant rows in
    stakeholder order (SQLite); the rows and summaries are the ones logged."""
    from rbp.interactions import _log

    monkeypatch.setattr(_log, "SORT_AFTER", 3)
    crm.directory.add_many(
        [
            *(rbp.Officer(k) for k in OFFICERS),
            rbp.CommunityMember("m-1"),
            rbp.CommunityMember("m-2"),
            rbp.PartnerAgency("a-1"),
        ]
    )
    logged = FIRST + SECOND
    for chunk in (logged[:4], logged[4:]):  # the second call starts past SORT_AFTER
        crm.interactions.log_many(_item(*row) for row in chunk)
    want = sorted((n + 1, k) for n, (_, who, _) in enumerate(logged) for k in who)
    got = sorted(
        (int(i), k)
        for i, k in sql.rows("SELECT interaction_id, stakeholder FROM interaction_participants")
    )
    assert got == want
    check_summaries(sql, contacts_of(logged, set(OFFICERS)))
