"""The community summaries at the edges the hypothesis cities rarely reach.

Interactions before and after 1970, the same pair at the same instant twice in one
batch (and once more in a later one), a batch whose contacts of one pair arrive newest
first, groups of exactly the cap (50 people, with attendees) and one more, a dozen named
members in one interaction, officers among them, contacts of one pair three centuries
apart (the older one's weight underflows to 0 when merged), and a second call
back-filled into the keys the first one wrote, then single ``log`` calls. After each call
``community_pairs`` must equal, row by row, the brute-force summaries
(:mod:`tests.community_summaries`) of what was logged, computed from the list logged
here and, separately, from the store's rows. On every database kind.
"""

from __future__ import annotations

from typing import Any

import pendulum
import pytest

import rbp
from rbp.interactions import Interaction
from tests.community_summaries import CAP, check_community
from tests.databases import DB_KINDS

EPOCH = pendulum.datetime(1970, 1, 1, tz="UTC")
DAY = 86_400_000_000
OLD = -2_177_452_800_000_000  # 1901-01-01
LATE = 7_258_032_000_000_000  # 2199-12-31
OFFICERS = ("P1", "P2")
MEMBERS = tuple(f"m-{i:02d}" for i in range(12))
AGENCIES = ("a-1", "a-2")

Row = tuple[int, tuple[str, ...], int]  # (micros from the epoch, participants, attendees)

FIRST: list[Row] = [
    (-1, ("m-00", "m-01"), 0),
    (0, ("m-00", "m-01"), 0),
    (5 * DAY, ("a-1", "m-00", "m-01"), 0),
    (5 * DAY, ("a-1", "m-00", "m-01"), 0),  # the same instant, the same pair and size
    (40 * DAY, ("m-02", "m-03"), 0),
    (10 * DAY, ("m-02", "m-03"), 0),  # newest first within the batch
    (40 * DAY, ("m-02", "m-03"), 0),
    (3 * DAY, ("P1", "m-04", "m-05", "m-06"), CAP - 4),  # exactly the cap
    (3 * DAY, ("P1", "m-04", "m-05", "m-06"), CAP - 3),  # one more: not summed up
    (4 * DAY, ("P1", "P2", "m-04"), 0),  # one non-officer: no pair
    (6 * DAY, MEMBERS, 0),  # 66 pairs
    (6 * DAY, ("P2", *MEMBERS[:5], "a-2"), 3),
    (OLD, ("a-1", "a-2"), 1),
]
# Back-filled into the same keys, newer ones too, and three centuries later.
SECOND: list[Row] = [
    (5 * DAY, ("a-1", "m-00", "m-01"), 0),
    (-40 * DAY, ("m-00", "m-01"), 0),
    (90 * DAY, ("m-02", "m-03"), 0),
    (20 * DAY, ("m-02", "m-03"), 0),
    (-3 * DAY, ("P2", "m-04", "m-05", "m-06"), CAP - 4),
    (6 * DAY, MEMBERS, 0),
    (LATE, ("a-1", "a-2"), 1),
    (OLD + DAY, ("a-1", "a-2"), 1),
]
SINGLE: list[Row] = [
    (40 * DAY, ("m-02", "m-03"), 0),
    (OLD, ("a-1", "a-2"), 1),
    (7 * DAY, ("m-05", "P1", "m-04"), CAP - 3),
]


def _item(at: int, who: tuple[str, ...], attendees: int) -> Interaction:
    return Interaction(
        at=EPOCH.add(microseconds=at), kind="meeting", participants=who, attendees=attendees
    )


@pytest.mark.parametrize("kind", DB_KINDS)
def test_community_summaries_at_the_edges(fresh_store: Any, kind: str) -> None:
    with fresh_store(kind) as (crm, sql):
        crm.directory.add_many(
            [
                *(rbp.Officer(k) for k in OFFICERS),
                *(rbp.CommunityMember(k) for k in MEMBERS),
                *(rbp.PartnerAgency(k) for k in AGENCIES),
            ]
        )
        logged: list[Row] = []
        for chunk in (FIRST, SECOND):
            crm.interactions.log_many(_item(*row) for row in chunk)
            logged += chunk
            check_community(sql)  # against the store's own rows
            check_community(sql, logged, set(OFFICERS))  # against what was logged
        for row in SINGLE:  # each call its own batch and writer
            crm.interactions.log(_item(*row))
            logged.append(row)
            want = check_community(sql, logged, set(OFFICERS))
        assert want["m-00", "m-01", 3][:3] == (3, 5 * DAY, 5 * DAY)
        assert want["m-00", "m-01", 3][3] == 3.0
        assert ("m-04", "m-05", CAP) in want
        assert ("m-04", "m-05", CAP + 1) not in want
        assert want["m-04", "m-05", CAP][0] == 3
        assert want["a-1", "a-2", 3] == (4, OLD, LATE, 1.0)  # the old ones weigh 0 at LATE
        assert len([k for k in want if k[2] == len(MEMBERS)]) == 66
