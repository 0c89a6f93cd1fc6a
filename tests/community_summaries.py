"""Brute-force community summaries, and the stored ones read back with plain SQL.

rbp keeps, per pair of non-officers and group size, a summary of their shared contacts
in ``community_pairs``. The functions here recompute it from a plain list of
interactions, written out from the definitions (nothing imported from rbp):

* a *community contact* is one interaction shared by two non-officers ``a < b`` (code
  point order), its *size* the number of participants plus unnamed attendees; only
  interactions of at most :data:`CAP` people are summed up;
* per (a, b, size): ``n`` the number of contacts, ``first``/``last`` the earliest and
  latest time, ``weight = sum(0.5 ** ((last - t) / 90 days))``.

:func:`logged_in_store` lists a store's interactions a second way (plain ``SELECT``s of
the interactions, their participants and the stakeholders' kinds);
:func:`check_community` compares the stored table with the brute force, row by row
(weights to a relative 1e-9).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from itertools import combinations

from tests.databases import PlainSQL

__all__ = [
    "CAP",
    "Logged",
    "check_community",
    "logged_in_store",
    "stored_community",
    "summarise_community",
]

DAY = 86_400_000_000
HALF_LIFE = 90 * DAY
CAP = 50

Logged = tuple[int, Sequence[str], int]
"""(at, participants, attendees) of one interaction, times in epoch microseconds."""
Summary = tuple[int, int, int, float]
"""(n, first, last, weight)."""


def summarise_community(
    logged: Iterable[Logged], officers: set[str]
) -> dict[tuple[str, str, int], Summary]:
    """The expected ``community_pairs`` (by a, b, size) of a list of interactions."""
    times: dict[tuple[str, str, int], list[int]] = defaultdict(list)
    for at, who, attendees in logged:
        size = len(who) + attendees
        if size > CAP:
            continue
        others = sorted(k for k in who if k not in officers)
        for a, b in combinations(others, 2):
            times[a, b, size].append(at)
    out = {}
    for key, ts in times.items():
        last = max(ts)
        weight = math.fsum(0.5 ** ((last - t) / HALF_LIFE) for t in ts)
        out[key] = (len(ts), min(ts), last, weight)
    return out


def logged_in_store(sql: PlainSQL) -> tuple[list[Logged], set[str]]:
    """Every interaction in the store as (at, participants, attendees), and the
    officers' keys, from plain SELECTs."""
    officers = {k for (k,) in sql.rows("SELECT key FROM stakeholders WHERE kind = 'officer'")}
    who: dict[int, list[str]] = defaultdict(list)
    for i, k in sql.rows("SELECT interaction_id, stakeholder FROM interaction_participants"):
        who[int(i)].append(k)
    logged = [
        (int(at), who.get(int(i), []), int(n))
        for i, at, n in sql.rows("SELECT id, at, attendees FROM interactions ORDER BY id")
    ]
    return logged, officers


def stored_community(sql: PlainSQL) -> dict[tuple[str, str, int], Summary]:
    """``community_pairs`` as the database holds it (plain SQL)."""
    out: dict[tuple[str, str, int], Summary] = {}
    for a, b, size, n, first, last, weight in sql.rows(
        "SELECT a, b, size, n, first, last, weight FROM community_pairs"
    ):
        key = (a, b, int(size))
        assert key not in out
        out[key] = (int(n), int(first), int(last), float(weight))
    return out


def check_community(
    sql: PlainSQL, logged: Iterable[Logged] | None = None, officers: set[str] | None = None
) -> dict[tuple[str, str, int], Summary]:
    """``community_pairs`` holds exactly the brute-force summaries of ``logged`` (default:
    the store's own interactions, :func:`logged_in_store`); returns them."""
    if logged is None or officers is None:
        logged, officers = logged_in_store(sql)
    want = summarise_community(logged, officers)
    got = stored_community(sql)
    assert sorted(got) == sorted(want)
    for key, expected in want.items():
        found = got[key]
        assert found[:3] == expected[:3], (key, found, expected)
        assert math.isclose(found[3], expected[3], rel_tol=1e-9), (key, found, expected)
    return want
