"""Logging interactions, checked with plain SQL and against a brute-force filter.

What ``log``/``log_many`` wrote is read back with plain SQL text (not rbp's reading
code) and compared with values computed here from the drawn fields: one
``interactions`` row per item with its time as UTC epoch microseconds, one
``interaction_participants`` row per participant, and the officer x non-officer pair
summaries (``tie_pairs``, ``tie_months``) equal to a brute-force summary of the drawn
contacts (:mod:`tests.pair_summaries`). ``find`` is compared with a filter over the
Python-side list. Every test runs on in-memory SQLite, a SQLite file and the throwaway
PostgreSQL server.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rbp
from rbp.engagement import Concern
from rbp.interactions import Interaction, InteractionKind
from rbp.plans import ActionPlan
from tests.databases import PlainSQL
from tests.integration.conftest import ReusedDatabase
from tests.interaction_logs import (
    AREAS,
    Log,
    descendants,
    find_queries,
    logs,
    micros,
)
from tests.pair_summaries import check_summaries, contacts_of

T_CONCERN = pendulum.datetime(2020, 1, 1)
EXAMPLES = 30


def _in_utc(i: Interaction) -> Interaction:
    """The same interaction with its times in UTC: Python never calls a time in a DST
    fold equal to one in another zone, even at the same instant."""
    return attrs.evolve(
        i,
        at=i.at.in_timezone("UTC"),
        follow_up_by=None if i.follow_up_by is None else i.follow_up_by.in_timezone("UTC"),
    )


def _kind(value: Any) -> str:
    return value.value if isinstance(value, InteractionKind) else str(value)


def _expected_rows(log: Log, ids: list[int]) -> dict[str, set[tuple[Any, ...]]]:
    """The rows each table should hold, from the raw drawn fields."""
    rows: dict[str, set[tuple[Any, ...]]] = {
        "interactions": set(),
        "interaction_participants": set(),
        "interaction_areas": set(),
        "interaction_topics": set(),
    }
    for iid, f in zip(ids, log.fields, strict=True):
        at = micros(f["at"])
        duration = f.get("duration")
        follow_up_by = f.get("follow_up_by")
        rows["interactions"].add(
            (
                iid,
                at,
                _kind(f["kind"]),
                f.get("attendees", 0),
                None if duration is None else int(duration.total_seconds()),
                None if follow_up_by is None else micros(follow_up_by),
                f.get("plan"),
                f.get("concern"),
                f.get("notes"),
            )
        )
        rows["interaction_participants"] |= {(iid, k, at) for k in f["participants"]}
        rows["interaction_areas"] |= {(iid, a, at) for a in f.get("areas", ())}
        rows["interaction_topics"] |= {(iid, x) for x in f.get("topics", ())}
    return rows


def _expected_contacts(log: Log) -> list[tuple[str, str, int, int | None]]:
    """(officer, non-officer, at, follow_up_by) of every shared contact drawn."""
    return contacts_of(
        (
            (
                micros(f["at"]),
                f["participants"],
                None if f.get("follow_up_by") is None else micros(f["follow_up_by"]),
            )
            for f in log.fields
        ),
        set(log.officers),
    )


_COLUMNS = {
    "interactions": "id, at, kind, attendees, duration_s, follow_up_by, plan, concern, notes",
    "interaction_participants": "interaction_id, stakeholder, at",
    "interaction_areas": "interaction_id, area, at",
    "interaction_topics": "interaction_id, topic",
}


def _check_rows(sql: PlainSQL, log: Log, ids: list[int]) -> None:
    want = _expected_rows(log, ids)
    for table, columns in _COLUMNS.items():
        got = sql.rows(f"SELECT {columns} FROM {table}")
        assert len(got) == len(set(got)), table  # no row twice
        assert set(got) == want[table], table
    # the pair summaries: the drawn contacts, and what the stored rows say, agree
    contacts = _expected_contacts(log)
    check_summaries(sql, contacts)
    check_summaries(sql)
    # ties join an officer and a non-officer, never two of a kind
    for table in ("tie_pairs", "tie_months"):
        for end, kind_test in (("officer", "<> 'officer'"), ("stakeholder", "= 'officer'")):
            bad = sql.count(
                f"{table} e JOIN stakeholders s ON s.key = e.{end}", f"s.kind {kind_test}"
            )
            assert bad == 0


def _brute_find(log: Log, ids: list[int], query: dict[str, Any]) -> list[int]:
    """Ids of the interactions ``find(**query)`` should return, in order."""
    found = []
    for iid, f in zip(ids, log.fields, strict=True):
        at = micros(f["at"])
        if "stakeholder" in query and query["stakeholder"] not in f["participants"]:
            continue
        if "area" in query and not set(f.get("areas", ())) & descendants(query["area"]):
            continue
        if "kind" in query and _kind(f["kind"]) != _kind(query["kind"]):
            continue
        if "topic" in query and query["topic"] not in f.get("topics", ()):
            continue
        if "since" in query and at < micros(query["since"]):
            continue
        if "until" in query and at > micros(query["until"]):
            continue
        found.append((at, iid))
    found.sort(reverse=query.get("newest_first", False))
    start = query.get("offset", 0)
    stop = None if query.get("limit") is None else start + query["limit"]
    return [iid for _, iid in found[start:stop]]


# ----------------------------------------------------------------------------- properties


@settings(max_examples=EXAMPLES)
@given(
    log=logs(), split=st.integers(0, 15), queries=st.lists(find_queries(), min_size=2, max_size=8)
)
def test_logged_rows_ids_find_and_get(
    reused_db: ReusedDatabase, log: Log, split: int, queries: list[dict[str, Any]]
) -> None:
    crm = reused_db.store()
    sql = reused_db.sql
    crm.directory.add_many(log.directory)
    crm.plans.create(ActionPlan("plan-1", title="Plan 1", problem="linked by some items"))
    crm.concerns.report(Concern(key="c-9", at=T_CONCERN, area="city", category="x", text="-"))
    k = min(split, len(log.items))
    first = crm.interactions.log_many(iter(log.items[:k]))
    second = crm.interactions.log_many(item for item in log.items[k:])
    assert isinstance(first, range)
    assert isinstance(second, range)
    assert first == range(1, k + 1)  # contiguous, and the next call carries on
    assert second == range(k + 1, len(log.items) + 1)
    ids = [*first, *second]

    _check_rows(sql, log, ids)
    assert crm.interactions.count() == len(ids)
    calls = sum(1 for part in (first, second) if len(part))
    assert sql.count("audit_log", "action = 'log' AND entity = 'interaction'") == calls

    for iid, interaction in zip(ids, log.interactions, strict=True):
        got = crm.interactions.get(iid)
        assert got.id == iid
        assert _in_utc(got) == _in_utc(interaction)
        assert got.at.timezone_name == "America/Chicago"

    for query in queries:
        found = crm.interactions.find(**query)
        assert [i.id for i in found] == _brute_find(log, ids, query), query


# ----------------------------------------------------------------------------- examples


T0 = pendulum.datetime(2026, 3, 2, 18, tz="America/Chicago")


def _people(crm: rbp.Store) -> None:
    crm.directory.add_many(
        [
            *AREAS,
            rbp.Officer("P1"),
            rbp.Officer("P2"),
            rbp.CommunityMember("m-1", name="Jo Lee"),
            rbp.CommunityMember("m-2"),
            rbp.PartnerAgency("org-1"),
        ]
    )


def test_one_interaction_rows_by_hand(crm: rbp.Store, sql: PlainSQL) -> None:
    """Two officers, a member and an agency: four tie rows, none officer-officer."""
    _people(crm)
    crm.plans.create(ActionPlan("plan-7", title="Plan 7", problem="rec centre"))
    at = pendulum.datetime(2026, 3, 2, 18, 30, 15, 250, tz="America/Chicago")
    iid = crm.interactions.log(
        {
            "at": at,
            "kind": "joint_outreach",
            "participants": ["org-1", "P2", "m-1", "P1"],
            "areas": ["b-11"],
            "topics": ["youth", "housing"],
            "attendees": 12,
            "duration": dt.timedelta(minutes=90),
            "follow_up_by": at.add(days=14),
            "plan": "plan-7",
            "notes": "met at the rec centre",
        }
    )
    assert iid == 1
    # 2026-03-03 00:30:15.000250 UTC, by hand
    at_us = 1772497815000250
    assert sql.rows("SELECT id, at, kind, attendees, duration_s, plan FROM interactions") == [
        (1, at_us, "joint_outreach", 12, 5400, "plan-7")
    ]
    # 14 calendar days later in Chicago, across the switch to daylight time: 14 x 24 h - 1 h
    hours = 14 * 24 - 1
    assert sql.scalar("SELECT follow_up_by FROM interactions") == at_us + hours * 3_600_000_000
    assert sorted(sql.rows("SELECT stakeholder, at FROM interaction_participants")) == [
        ("P1", at_us),
        ("P2", at_us),
        ("m-1", at_us),
        ("org-1", at_us),
    ]
    promise = at_us + hours * 3_600_000_000
    summary = (1, at_us, at_us, promise, 1.0)
    assert sorted(sql.rows("SELECT * FROM tie_pairs")) == [
        ("P1", "m-1", *summary),
        ("P1", "org-1", *summary),
        ("P2", "m-1", *summary),
        ("P2", "org-1", *summary),
    ]
    bucket = at_us // (30 * 86_400_000_000)
    assert bucket == 683  # 2026-03-03 is day 20,515 after 1970-01-01; 20,515 // 30 = 683
    assert sorted(sql.rows("SELECT * FROM tie_months")) == [
        ("P1", "m-1", bucket, *summary),
        ("P1", "org-1", bucket, *summary),
        ("P2", "m-1", bucket, *summary),
        ("P2", "org-1", bucket, *summary),
    ]
    assert sorted(sql.rows("SELECT topic FROM interaction_topics")) == [("housing",), ("youth",)]


def test_interactions_without_an_officer_or_without_a_member_make_no_ties(
    crm: rbp.Store, sql: PlainSQL
) -> None:
    _people(crm)
    ids = crm.interactions.log_many(
        [
            Interaction(at=T0, kind="meeting", participants=("P1", "P2")),
            Interaction(at=T0, kind="meeting", participants=("m-1", "m-2", "org-1")),
            Interaction(at=T0, kind="call", participants=("m-1",)),
        ]
    )
    assert ids == range(1, 4)
    assert sql.count("interaction_participants") == 6
    assert sql.count("tie_pairs") == 0
    assert sql.count("tie_months") == 0
    assert len(crm.interactions.ties(as_of=T0)) == 0


def test_log_many_of_nothing_writes_nothing(crm: rbp.Store, sql: PlainSQL) -> None:
    _people(crm)
    before = sql.snapshot()
    assert len(crm.interactions.log_many([])) == 0
    assert sql.snapshot() == before


def test_find_by_an_unknown_area_is_an_error(crm: rbp.Store) -> None:
    with pytest.raises(rbp.UnknownKeyError) as info:
        crm.interactions.find(area="b-99")
    assert info.value.field == "area"
    assert info.value.key == "b-99"


def test_get_of_an_unknown_id_is_an_error(crm: rbp.Store) -> None:
    with pytest.raises(rbp.UnknownKeyError) as info:
        crm.interactions.get(42)
    assert info.value.field == "interaction"  # the parameter's name


def test_notes_never_show_in_reprs_or_tables(crm: rbp.Store) -> None:
    _people(crm)
    secret = "Lives-with-her-brother-7731"
    crm.interactions.log(
        Interaction(at=T0, kind="meeting", participants=("P1", "m-1"), notes=secret)
    )
    got = crm.interactions.get(1)
    assert got.notes == secret  # kept, and given back when asked for
    found = crm.interactions.find()
    shown = [
        repr(got),
        str(got),
        repr(found),
        found._repr_html_(),
        repr(crm.interactions.ties(as_of=T0)),
        crm.interactions.ties(as_of=T0)._repr_html_(),
        str(crm.interactions.explain("P1", "m-1", as_of=T0)),
        repr(crm.interactions.follow_ups(as_of=T0)),
    ]
    for text in shown:
        assert secret not in text
    assert "notes" not in found.to_frame().columns


def test_erasing_a_member_clears_their_notes_and_keeps_their_ties(
    crm: rbp.Store, sql: PlainSQL
) -> None:
    _people(crm)
    crm.interactions.log_many(
        [
            Interaction(at=T0, kind="meeting", participants=("P1", "m-1"), notes="A: m-1"),
            Interaction(at=T0.add(days=1), kind="call", participants=("P1", "m-2"), notes="B"),
            Interaction(
                at=T0.add(days=2), kind="meeting", participants=("P2", "m-1", "m-2"), notes="C"
            ),
            Interaction(at=T0.add(days=3), kind="call", participants=("P2", "m-1")),
        ]
    )
    as_of = T0.add(days=30)
    before = list(crm.interactions.ties(as_of=as_of))
    explained = crm.interactions.explain("P2", "m-1", as_of=as_of)
    erased = crm.directory.erase("m-1")
    assert erased.erased
    assert erased.name is None
    assert sql.rows("SELECT id, notes FROM interactions ORDER BY id") == [
        (1, None),
        (2, "B"),
        (3, None),
        (4, None),
    ]
    assert sql.count("interaction_participants", "stakeholder = 'm-1'") == 3
    m1 = "SELECT officer, n FROM tie_pairs WHERE stakeholder = 'm-1' ORDER BY officer"
    assert sql.rows(m1) == [
        ("P1", 1),
        ("P2", 2),
    ]
    check_summaries(sql)
    assert list(crm.interactions.ties(as_of=as_of)) == before
    assert crm.interactions.explain("P2", "m-1", as_of=as_of) == explained
    assert crm.interactions.get(1).notes is None
    assert crm.interactions.get(2).notes == "B"
    assert sql.scalar("SELECT name FROM stakeholders WHERE key = 'm-1'") is None
