"""Round-trip properties of crm.directory on SQLite (memory, file) and PostgreSQL.

* Any valid directory written and read back is equal (times compared as instants).
* Any batch with bad items (unknown area, unknown parent, duplicate key, cycle) raises
  an RbpError listing exactly those items and leaves every table as it was, checked
  with plain SQL.

Each example gets a new empty store from the session-scoped ``fresh_store``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import rbp
from rbp import Area, Officer
from tests import strategies as strat
from tests.databases import DB_KINDS, TZ

Stakeholder = rbp.Officer | rbp.CommunityMember | rbp.PartnerAgency


def in_utc(person: Stakeholder) -> Stakeholder:
    """The record with its times as UTC instants, for comparison across the store."""
    return attrs.evolve(person, since=strat.to_utc(person.since), until=strat.to_utc(person.until))


@pytest.mark.parametrize("kind", DB_KINDS)
@given(directory=strat.directories())
def test_valid_directory_round_trips(
    fresh_store: Any, kind: str, directory: strat.Directory
) -> None:
    with fresh_store(kind) as (crm, sql):
        assert crm.directory.add_many(directory.items) == len(directory.items)

        for area in directory.areas:
            assert crm.directory.get_area(area.key) == area
        for person in directory.people:
            got = crm.directory.get(person.key)
            assert in_utc(got) == in_utc(person)
            for value in (got.since, got.until):
                assert value is None or value.timezone_name == TZ
        # find() answers now by the store's clock; find(as_of=T) answers at T. The
        # instants tried include every since and until, where the bounds are inclusive.
        now = crm.now()
        found = crm.directory.find()
        present = [p for p in directory.people if _present(p, now)]
        assert [p.key for p in found] == sorted(p.key for p in present)
        assert {p.key: in_utc(p) for p in found} == {p.key: in_utc(p) for p in present}
        bounds = {t for p in directory.people for t in (p.since, p.until) if t is not None}
        for when in sorted(bounds)[:8]:
            at_when = [p.key for p in crm.directory.find(as_of=when)]
            assert at_when == sorted(p.key for p in directory.people if _present(p, when))

        # the second path: what the tables hold, by plain SQL
        assert sql.count("areas") == len(directory.areas)
        assert Counter(k for (k,) in sql.rows("SELECT kind FROM stakeholders")) == Counter(
            p.kind.value for p in directory.people
        )
        assert sorted(sql.rows("SELECT stakeholder, area FROM stakeholder_areas")) == sorted(
            (p.key, a) for p in directory.people for a in p.areas
        )
        assert sorted(sql.rows("SELECT stakeholder, tag FROM stakeholder_tags")) == sorted(
            (p.key, t) for p in directory.people for t in p.tags
        )
        assert sorted(sql.rows("SELECT key, parent FROM areas"), key=repr) == sorted(
            ((a.key, a.parent) for a in directory.areas), key=repr
        )
        stored = dict(sql.rows("SELECT key, since FROM stakeholders"))
        for person in directory.people:
            expected = None if person.since is None else _micros(person.since)
            assert stored[person.key] == expected
        assert sql.count("audit_log") == len(directory.items)


def _present(person: Stakeholder, when: dt.datetime) -> bool:
    """Whether ``person`` is part of the picture at ``when`` (bounds inclusive), by hand."""
    return (person.since is None or person.since <= when) and (
        person.until is None or when <= person.until
    )


def _micros(value: dt.datetime) -> int:
    delta = value.astimezone(dt.UTC).replace(tzinfo=None) - dt.datetime(1970, 1, 1)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


@pytest.mark.parametrize("kind", DB_KINDS)
@given(case=strat.faulty_batches())
def test_bad_batch_is_rejected_whole(fresh_store: Any, kind: str, case: strat.FaultyBatch) -> None:
    with fresh_store(kind) as (crm, sql):
        crm.directory.add_many(case.base.items)
        before = sql.snapshot()
        with pytest.raises(rbp.BulkValidationError) as info:
            crm.directory.add_many(case.batch)
        assert {e.row for e in info.value.errors} == case.bad_rows, (case.fault, str(info.value))
        for error in info.value.errors:
            assert isinstance(error, rbp.RbpError)
            assert error.key is not None
            assert f"item {error.row}:" in str(error)
        assert sql.snapshot() == before


@pytest.mark.parametrize("kind", DB_KINDS)
@given(case=strat.faulty_batches(), data=st.data())
def test_bad_single_add_changes_nothing(
    fresh_store: Any, kind: str, case: strat.FaultyBatch, data: st.DataObject
) -> None:
    """``add`` of one bad item raises that item's own error, not a bulk one."""
    assume(case.fault != "cycle")  # one new area cannot close a cycle
    item = case.batch[data.draw(st.sampled_from(sorted(case.bad_rows)))]
    good = [x for i, x in enumerate(case.batch) if i not in case.bad_rows]
    with fresh_store(kind) as (crm, sql):
        crm.directory.add_many([*case.base.items, *good])
        before = sql.snapshot()
        with pytest.raises(rbp.RbpError) as info:
            crm.directory.add(item)
        assert not isinstance(info.value, rbp.BulkValidationError)
        assert info.value.row is None
        assert info.value.key is not None
        assert sql.snapshot() == before


@pytest.mark.parametrize("kind", DB_KINDS)
@given(directory=strat.directories(min_areas=2), data=st.data())
def test_moving_an_area_into_its_own_subtree_changes_nothing(
    fresh_store: Any, kind: str, directory: strat.Directory, data: st.DataObject
) -> None:
    with fresh_store(kind) as (crm, sql):
        crm.directory.add_many(directory.items)
        tree = crm.directory.areas()
        movable = [a.key for a in directory.areas if tree.descendants(a.key)]
        if not movable:
            return
        key = data.draw(st.sampled_from(movable))
        target = data.draw(st.sampled_from(tree.descendants(key)))
        before = sql.snapshot()
        with pytest.raises(rbp.IntegrityError) as info:
            crm.directory.update_area(key, parent=target)
        assert (info.value.key, info.value.field) == (key, "parent")
        assert sql.snapshot() == before


@pytest.mark.parametrize("kind", DB_KINDS)
def test_areas_of_an_officer_come_back_as_given(fresh_store: Any, kind: str) -> None:
    officer = Officer("P1", areas=("b-2", "b-1", "b-2"))
    assert officer.areas == ("b-1", "b-2")  # a sorted set, like tags
    with fresh_store(kind) as (crm, _sql):
        crm.directory.add_many([Area("b-2"), Area("b-1"), officer])
        assert crm.directory.get("P1") == officer
