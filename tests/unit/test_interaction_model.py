"""The Interaction record checks every value when it is made; status_of's boundaries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

import rbp
from rbp._time import MICROS_PER_DAY
from rbp.interactions import Interaction, InteractionKind, TieStatus, status_of
from tests import strategies as strat

T0 = pendulum.datetime(2026, 3, 2, 18, tz="America/Chicago")
GOOD: dict[str, Any] = {"at": T0, "kind": InteractionKind.MEETING, "participants": ("P1", "m-17")}


def _fails(field: str, value: Any, error: type[rbp.RbpError] = rbp.ValidationError) -> rbp.RbpError:
    with pytest.raises(error) as info:
        Interaction(**{**GOOD, field: value})
    assert isinstance(info.value, rbp.RbpError)
    assert isinstance(info.value, ValueError)
    assert info.value.field == field
    return info.value


# ----------------------------------------------------------------------------- at


@given(strat.naive_datetimes)
def test_naive_at_is_rejected_naming_at(value: dt.datetime) -> None:
    error = _fails("at", value, rbp.NaiveDatetimeError)
    assert "time zone" in str(error)


@pytest.mark.parametrize("value", ["2026-03-02T18:00:00-06:00", 1772496000, dt.date(2026, 3, 2)])
def test_at_must_be_a_datetime(value: Any) -> None:
    _fails("at", value)


@given(strat.aware_datetimes)
def test_any_aware_at_is_kept_as_the_same_instant(value: dt.datetime) -> None:
    at = Interaction(**{**GOOD, "at": value}).at
    assert isinstance(at, pendulum.DateTime)
    assert at.astimezone(dt.UTC) == value.astimezone(dt.UTC)


def test_missing_at_kind_or_participants_is_a_type_error() -> None:
    for name in ("at", "kind", "participants"):
        fields = {k: v for k, v in GOOD.items() if k != name}
        with pytest.raises(TypeError):
            Interaction(**fields)


# ----------------------------------------------------------------------------- participants


def test_no_participants_is_rejected() -> None:
    error = _fails("participants", ())
    assert "at least one participant" in str(error)


def test_a_participant_listed_twice_is_rejected_naming_them() -> None:
    error = _fails("participants", ("P1", "m-17", "P1"))
    assert error.key == "P1"
    assert "twice" in str(error)


@pytest.mark.parametrize("value", [("P1", ""), ("P1", " m-17"), ("P1", 17), ("P1", None)])
def test_participant_keys_must_be_keys(value: Any) -> None:
    _fails("participants", value)


@given(st.lists(strat.keys, min_size=1, max_size=8, unique=True))
def test_participants_are_kept_sorted(keys: list[str]) -> None:
    i = Interaction(**{**GOOD, "participants": keys})
    assert i.participants == tuple(sorted(keys))
    assert Interaction(**{**GOOD, "participants": list(reversed(keys))}) == i
    assert i.size == len(keys)


def test_one_participant_may_be_given_as_a_string() -> None:
    assert Interaction(**{**GOOD, "participants": "m-17"}).participants == ("m-17",)


def test_areas_and_topics_are_sorted_sets() -> None:
    i = Interaction(**{**GOOD, "areas": ("b-2", "b-1", "b-2"), "topics": ["youth", "noise"]})
    assert i.areas == ("b-1", "b-2")
    assert i.topics == ("noise", "youth")


# ----------------------------------------------------------------------------- numbers


@pytest.mark.parametrize("value", [-1, 2**31, 1.0, 2.5, True, "3", None])
def test_bad_attendees_are_rejected(value: Any) -> None:
    _fails("attendees", value)


@pytest.mark.parametrize("value", [0, 1, 2**31 - 1])
def test_attendees_from_zero_to_the_32_bit_limit(value: int) -> None:
    i = Interaction(**{**GOOD, "attendees": value})
    assert i.attendees == value
    assert i.size == 2 + value


@pytest.mark.parametrize(
    "value",
    [
        dt.timedelta(seconds=-1),
        dt.timedelta(seconds=2**31),
        90,
        "PT1H",
        pendulum.datetime(2026, 1, 1),
    ],
)
def test_bad_durations_are_rejected(value: Any) -> None:
    _fails("duration", value)


def test_duration_is_kept_in_whole_seconds() -> None:
    i = Interaction(**{**GOOD, "duration": dt.timedelta(minutes=90, microseconds=999_999)})
    assert i.duration == dt.timedelta(minutes=90)


# ----------------------------------------------------------------------------- follow_up_by


def test_follow_up_before_the_interaction_is_rejected() -> None:
    _fails("follow_up_by", T0 - dt.timedelta(microseconds=1))


def test_follow_up_at_the_interaction_itself_is_allowed() -> None:
    same_instant = T0.in_timezone("Asia/Tokyo")
    assert Interaction(**{**GOOD, "follow_up_by": same_instant}).follow_up_by == T0


def test_naive_follow_up_is_rejected_naming_follow_up_by() -> None:
    _fails("follow_up_by", dt.datetime(2026, 3, 9), rbp.NaiveDatetimeError)


# ----------------------------------------------------------------------------- kind


@pytest.mark.parametrize("value", ["meet", "MEETING", "Meeting", "", 1, None])
def test_unknown_kind_is_rejected(value: Any) -> None:
    error = _fails("kind", value)
    if isinstance(value, str) and value:
        assert "meeting" in str(error)  # the message lists the allowed kinds


@pytest.mark.parametrize("kind", list(InteractionKind))
def test_kind_may_be_given_by_value(kind: InteractionKind) -> None:
    assert Interaction(**{**GOOD, "kind": kind.value}).kind is kind


# ----------------------------------------------------------------------------- notes


@pytest.mark.parametrize("value", [b"bytes", 17, ["a"]])
def test_notes_must_be_text(value: Any) -> None:
    _fails("notes", value)


@pytest.mark.parametrize("value", ["a\x00b", "lone \ud800", "\udfff"])
def test_notes_no_database_can_store_are_rejected_without_repeating_them(value: str) -> None:
    error = _fails("notes", value)
    assert value not in str(error)


@given(strat.texts(200))
def test_notes_never_show_in_repr(notes: str) -> None:
    with_notes = Interaction(**GOOD, notes=notes)
    assert with_notes.notes == notes
    assert repr(with_notes) == repr(Interaction(**GOOD))
    assert "notes" not in repr(with_notes)


def test_id_is_not_part_of_equality() -> None:
    assert Interaction(**GOOD, id=1) == Interaction(**GOOD, id=2)


# ----------------------------------------------------------------------------- status_of


@pytest.mark.parametrize("cadence", [1, 30, 90, 180, 365])
def test_status_boundaries_at_c_2c_and_4c(cadence: int) -> None:
    c = cadence * MICROS_PER_DAY
    assert status_of(0, cadence) is TieStatus.ACTIVE
    assert status_of(c, cadence) is TieStatus.ACTIVE
    assert status_of(c + 1, cadence) is TieStatus.COOLING
    assert status_of(2 * c, cadence) is TieStatus.COOLING
    assert status_of(2 * c + 1, cadence) is TieStatus.DORMANT
    assert status_of(4 * c, cadence) is TieStatus.DORMANT
    assert status_of(4 * c + 1, cadence) is TieStatus.LAPSED


@given(st.integers(0, 10 * 400 * MICROS_PER_DAY), st.integers(1, 400))
def test_status_of_matches_the_definition(age: int, cadence: int) -> None:
    a = dt.timedelta(microseconds=age)
    c = dt.timedelta(days=cadence)
    if a <= c:
        expected = TieStatus.ACTIVE
    elif a <= 2 * c:
        expected = TieStatus.COOLING
    elif a <= 4 * c:
        expected = TieStatus.DORMANT
    else:
        expected = TieStatus.LAPSED
    assert status_of(age, cadence) is expected
