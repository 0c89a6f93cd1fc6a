"""Brute-force pair summaries, and the stored ones read back with plain SQL.

rbp keeps, per officer x non-officer pair, a summary of their shared contacts in
``tie_pairs`` (all contacts) and ``tie_months`` (the contacts of each 30-day bucket).
The functions here recompute both from a plain list of contacts, written out from the
definitions (nothing imported from rbp):

* ``n``: the number of contacts; ``first``/``last``: the earliest and latest time;
* ``promise``: the smallest ``follow_up_by`` among the contacts AT ``last`` (None when
  none of them has one);
* ``weight``: ``sum(0.5 ** ((last - t) / 90 days))`` over the contacts;
* ``bucket``: ``at // (30 days in microseconds)`` (floor division).

:func:`contacts_in_store` lists a store's contacts a second way: every interaction,
its participants and the stakeholders' kinds read with plain ``SELECT``s and paired in
Python. :func:`check_summaries` compares the stored tables with the brute force, row
by row (weights to a relative 1e-9).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from tests.databases import PlainSQL

__all__ = [
    "BUCKET",
    "HALF_LIFE",
    "Contact",
    "Summary",
    "check_summaries",
    "contacts_in_store",
    "contacts_of",
    "stored_summaries",
    "summarise",
]

DAY = 86_400_000_000
BUCKET = 30 * DAY
HALF_LIFE = 90 * DAY

Contact = tuple[str, str, int, int | None]
"""(officer, stakeholder, at, follow_up_by), times in epoch microseconds."""
Summary = tuple[int, int, int, int | None, float]
"""(n, first, last, promise, weight)."""


def _summary(parts: Sequence[tuple[int, int | None]]) -> Summary:
    times = [t for t, _ in parts]
    last = max(times)
    promises = [f for t, f in parts if t == last and f is not None]
    weight = math.fsum(0.5 ** ((last - t) / HALF_LIFE) for t in times)
    return (len(times), min(times), last, min(promises) if promises else None, weight)


def summarise(
    contacts: Iterable[Contact],
) -> tuple[dict[tuple[str, str], Summary], dict[tuple[int, str, str], Summary]]:
    """The expected ``tie_pairs`` (by officer, stakeholder) and ``tie_months`` (by
    bucket, officer, stakeholder) of a list of contacts."""
    pairs: dict[tuple[str, str], list[tuple[int, int | None]]] = defaultdict(list)
    months: dict[tuple[int, str, str], list[tuple[int, int | None]]] = defaultdict(list)
    for o, s, at, promise in contacts:
        pairs[o, s].append((at, promise))
        months[at // BUCKET, o, s].append((at, promise))
    return (
        {k: _summary(v) for k, v in pairs.items()},
        {k: _summary(v) for k, v in months.items()},
    )


def contacts_of(
    logged: Iterable[tuple[int, Sequence[str], int | None]], officers: set[str]
) -> list[Contact]:
    """Contacts of interactions given as (at, participants, follow_up_by): every
    officer x non-officer pair among the participants."""
    out: list[Contact] = []
    for at, who, promise in logged:
        inside = [k for k in who if k in officers]
        outside = [k for k in who if k not in officers]
        out += [(o, s, at, promise) for o in inside for s in outside]
    return out


def contacts_in_store(sql: PlainSQL) -> list[Contact]:
    """Every contact in the store, from plain SELECTs of the interactions, their
    participants and the stakeholders' kinds, paired here."""
    kinds = sql.rows("SELECT key, kind FROM stakeholders")
    officers = {k for k, kind in kinds if kind == "officer"}
    times = {
        int(i): (int(at), None if f is None else int(f))
        for i, at, f in sql.rows("SELECT id, at, follow_up_by FROM interactions")
    }
    who: dict[int, list[str]] = defaultdict(list)
    for i, k in sql.rows("SELECT interaction_id, stakeholder FROM interaction_participants"):
        who[int(i)].append(k)
    return contacts_of(
        ((times[i][0], who.get(i, []), times[i][1]) for i in sorted(times)), officers
    )


def stored_summaries(
    sql: PlainSQL,
) -> tuple[dict[tuple[str, str], Summary], dict[tuple[int, str, str], Summary]]:
    """``tie_pairs`` and ``tie_months`` as the database holds them (plain SQL)."""
    figures = "n, first, last, promise, weight"

    def summary(row: Sequence[Any]) -> Summary:
        n, first, last, promise, weight = row
        return (
            int(n),
            int(first),
            int(last),
            None if promise is None else int(promise),
            float(weight),
        )

    pairs = {}
    for row in sql.rows(f"SELECT officer, stakeholder, {figures} FROM tie_pairs"):
        assert (row[0], row[1]) not in pairs
        pairs[row[0], row[1]] = summary(row[2:])
    months = {}
    for row in sql.rows(f"SELECT bucket, officer, stakeholder, {figures} FROM tie_months"):
        key = (int(row[0]), row[1], row[2])
        assert key not in months
        months[key] = summary(row[3:])
    return pairs, months


def _same(got: Mapping[Any, Summary], want: Mapping[Any, Summary], table: str) -> None:
    assert sorted(got) == sorted(want), table
    for key, expected in want.items():
        found = got[key]
        assert found[:4] == expected[:4], (table, key, found, expected)
        assert math.isclose(found[4], expected[4], rel_tol=1e-9), (table, key, found, expected)


def check_summaries(sql: PlainSQL, contacts: Iterable[Contact] | None = None) -> None:
    """``tie_pairs`` and ``tie_months`` hold exactly the brute-force summaries of
    ``contacts`` (default: the store's own contacts, :func:`contacts_in_store`)."""
    pairs, months = summarise(contacts_in_store(sql) if contacts is None else contacts)
    got_pairs, got_months = stored_summaries(sql)
    _same(got_pairs, pairs, "tie_pairs")
    _same(got_months, months, "tie_months")
