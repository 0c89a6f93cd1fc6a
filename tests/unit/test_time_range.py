"""Times rbp accepts: aware, and in the years 1900-2200, so every one reads back in any zone.

A ``since`` of year 1 or 9999 used to be stored and then fail every read of its row
with ``OverflowError`` in the store's zone. ``rbp._time.aware`` (which every time
passes) now refuses it with a ValidationError naming the field. The range is a range
of instants, 1899-12-31T00:00Z up to 2201-01-02T00:00Z: every wall time of 1900-2200
in any zone, and one that holds again when the time is read back in another zone.
"""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rbp
from rbp._time import aware, from_micros, to_micros

# The zones furthest from UTC either way, and two with daylight saving.
ZONES = ["Pacific/Kiritimati", "Etc/GMT+12", "America/Chicago", "Australia/Lord_Howe", "UTC"]


@pytest.mark.parametrize(
    "value",
    [
        dt.datetime(1, 1, 1, tzinfo=dt.UTC),
        dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.UTC),
        pendulum.datetime(1899, 12, 30, 23, 59, 59, tz="UTC"),
        dt.datetime(1899, 12, 31, 0, 59, tzinfo=dt.timezone(dt.timedelta(hours=14))),
        pendulum.datetime(2201, 1, 2, tz="UTC"),
        pendulum.datetime(2201, 1, 1, 12, tz="Etc/GMT+12"),  # 2201-01-02 00:00Z
    ],
    ids=str,
)
def test_years_outside_1900_2200_are_refused_by_field(value: dt.datetime) -> None:
    with pytest.raises(rbp.ValidationError) as info:
        aware(value, field="since", key="P1")
    assert (info.value.field, info.value.key) == ("since", "P1")
    assert "1900-2200" in str(info.value)
    assert str(info.value).startswith("since ")


def test_a_record_with_year_9999_is_refused_before_the_store() -> None:
    with pytest.raises(rbp.ValidationError) as info:
        rbp.Officer("P1", since=pendulum.datetime(9999, 1, 1, tz="UTC"))
    assert info.value.field == "since"


def test_the_store_refuses_extreme_years_in_every_entry_point() -> None:
    with rbp.open(tz="Pacific/Kiritimati") as crm:
        with pytest.raises(rbp.ValidationError) as info:
            crm.graph.coverage(as_of=pendulum.datetime(1, 1, 1, tz="UTC"))
        assert info.value.field == "as_of"
        with pytest.raises(rbp.ValidationError) as info:
            crm.audit(since=dt.datetime(9999, 1, 1, tzinfo=dt.UTC))
        assert info.value.field == "since"


EDGES = [
    dt.datetime(1899, 12, 31, tzinfo=dt.UTC),  # the first instant accepted
    dt.datetime(2201, 1, 1, 23, 59, 59, 999999, tzinfo=dt.UTC),  # the last
    dt.datetime(1900, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=14))),
    dt.datetime(1900, 1, 1, tzinfo=dt.timezone(-dt.timedelta(hours=23, minutes=59))),
    dt.datetime(2200, 12, 31, 23, 59, 59, 999999, tzinfo=dt.timezone(-dt.timedelta(hours=12))),
    dt.datetime(2200, 12, 31, 23, 59, 59, 999999, tzinfo=dt.timezone(dt.timedelta(hours=23))),
]


@pytest.mark.parametrize("value", EDGES, ids=str)
@pytest.mark.parametrize("zone", ZONES)
def test_the_edges_round_trip_in_every_zone(value: dt.datetime, zone: str) -> None:
    micros = to_micros(aware(value))
    back = from_micros(micros, zone)
    assert back == value  # the same instant
    assert back.timezone_name == zone


@settings(derandomize=True, max_examples=300, deadline=None)
@given(
    local=st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 12, 31)),
    offset=st.integers(-(23 * 60 + 59), 23 * 60 + 59),
    zone=st.sampled_from(ZONES),
)
def test_every_accepted_time_round_trips(local: dt.datetime, offset: int, zone: str) -> None:
    value = local.replace(tzinfo=dt.timezone(dt.timedelta(minutes=offset)))
    back = from_micros(to_micros(aware(value)), zone)
    assert back == value
    # and once more through the zone's own wall clock
    assert from_micros(to_micros(back), "UTC") == value


def test_an_extreme_officer_reads_back_in_extreme_zones() -> None:
    early = pendulum.datetime(1900, 1, 1, tz="Pacific/Kiritimati")  # 1899 in UTC
    late = pendulum.datetime(2200, 12, 31, 23, tz="Etc/GMT+12")  # 2201 in UTC
    for zone in ZONES:
        with rbp.open(tz=zone) as crm:
            crm.directory.add(rbp.Officer("P1", since=early, until=late))
            got = crm.directory.get("P1")
            assert (got.since, got.until) == (early, late)
            assert got.since.timezone_name == zone
