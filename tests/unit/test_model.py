"""The directory model checks every value when a record is made."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

import rbp
from rbp import (
    Area,
    CommunityMember,
    Contact,
    Officer,
    OrgType,
    PartnerAgency,
    Priority,
    Relationship,
    RelationshipKind,
    Sector,
    StakeholderKind,
    Training,
)
from tests import strategies as strat

T0 = pendulum.datetime(2026, 1, 1, tz="America/Chicago")
STAKEHOLDER_CLASSES = [Officer, CommunityMember, PartnerAgency]


# ----------------------------------------------------------------------------- keys


@pytest.mark.parametrize("cls", [Area, *STAKEHOLDER_CLASSES])
@pytest.mark.parametrize("key", ["", "   ", "\t", " m-1", "m-1 ", "m\n1", "m\x001", "x" * 201])
def test_bad_key_is_rejected_naming_the_key_field(cls: type, key: str) -> None:
    with pytest.raises(rbp.ValidationError) as info:
        cls(key)
    assert info.value.field == "key"


@pytest.mark.parametrize("cls", [Area, *STAKEHOLDER_CLASSES])
def test_key_must_be_text(cls: type) -> None:
    with pytest.raises(rbp.ValidationError, match="key must be a string") as info:
        cls(17)
    assert info.value.field == "key"


@pytest.mark.parametrize(("a", "b", "field"), [("", "m-2", "a"), ("m-1", "  ", "b")])
def test_relationship_ends_need_keys(a: str, b: str, field: str) -> None:
    with pytest.raises(rbp.ValidationError) as info:
        Relationship(a, b, RelationshipKind.KNOWS)
    assert info.value.field == field


@given(strat.keys)
def test_every_generated_key_is_accepted_unchanged(key: str) -> None:
    assert CommunityMember(key).key == key
    assert Area(key).key == key


# ----------------------------------------------------------------------------- enums


@pytest.mark.parametrize(
    ("cls", "field", "value"),
    [
        (CommunityMember, "sector", "church"),
        (CommunityMember, "sector", "FAITH"),  # names are not values
        (CommunityMember, "priority", "urgent"),
        (PartnerAgency, "sector", "mental health"),
        (PartnerAgency, "org_type", "church"),
        (PartnerAgency, "priority", 1),
    ],
)
def test_unknown_enum_value_names_the_field_and_the_choices(
    cls: type, field: str, value: object
) -> None:
    with pytest.raises(rbp.ValidationError, match="use one of") as info:
        cls("k-1", **{field: value})
    assert info.value.field == field
    assert isinstance(info.value, ValueError)


def test_unknown_relationship_kind_names_kind() -> None:
    with pytest.raises(rbp.ValidationError) as info:
        Relationship("m-1", "org-1", "friend_of")
    assert info.value.field == "kind"


def test_unknown_expected_sector_names_the_field() -> None:
    with pytest.raises(rbp.ValidationError) as info:
        Area("a-1", expected_sectors=("faith", "bowling"))
    assert info.value.field == "expected_sectors"


def test_enum_values_are_accepted_for_members() -> None:
    m = CommunityMember("m-1", sector="mental_health", priority="key")
    assert (m.sector, m.priority) == (Sector.MENTAL_HEALTH, Priority.KEY)
    assert PartnerAgency("o-1", org_type="school").org_type is OrgType.SCHOOL
    assert Relationship("a", "b", "member_of").kind is RelationshipKind.MEMBER_OF


def test_design_enum_members_exist() -> None:
    names = {s.name for s in Sector}
    assert names >= {
        "RESIDENT",
        "FAITH",
        "BUSINESS",
        "YOUTH",
        "EDUCATION",
        "HEALTH",
        "MENTAL_HEALTH",
        "HOUSING",
        "HOMELESS_SERVICES",
        "SOCIAL_SERVICES",
        "GOVERNMENT",
        "ADVOCACY",
        "MEDIA",
    }
    assert [p.name for p in Priority] == ["KEY", "REGULAR", "LOW"]
    assert {k.name for k in RelationshipKind} == {
        "MEMBER_OF",
        "WORKS_FOR",
        "REFERS_TO",
        "LIAISON_FOR",
        "KNOWS",
    }
    assert [p.cadence_days for p in Priority] == [30, 90, 180]


# ----------------------------------------------------------------------------- times


@pytest.mark.parametrize("cls", STAKEHOLDER_CLASSES)
@pytest.mark.parametrize("field", ["since", "until"])
@given(value=strat.naive_datetimes)
def test_naive_datetime_is_rejected(cls: type, field: str, value: dt.datetime) -> None:
    with pytest.raises(rbp.NaiveDatetimeError) as info:
        cls("k-1", **{field: value})
    assert info.value.field == field
    assert isinstance(info.value, rbp.ValidationError)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("field", ["since", "until"])
def test_naive_datetime_is_rejected_on_relationships(field: str) -> None:
    with pytest.raises(rbp.NaiveDatetimeError) as info:
        Relationship("a", "b", "knows", **{field: dt.datetime(2026, 1, 1)})
    assert info.value.field == field


@pytest.mark.parametrize("cls", STAKEHOLDER_CLASSES)
def test_a_date_is_not_a_datetime(cls: type) -> None:
    with pytest.raises(rbp.ValidationError) as info:
        cls("k-1", since=dt.date(2026, 1, 1))
    assert info.value.field == "since"


@pytest.mark.parametrize("cls", STAKEHOLDER_CLASSES)
def test_until_before_since_is_rejected(cls: type) -> None:
    with pytest.raises(rbp.ValidationError) as info:
        cls("k-1", since=T0, until=T0.subtract(seconds=1))
    assert (info.value.field, info.value.key) == ("until", "k-1")


def test_relationship_until_before_since_is_rejected() -> None:
    with pytest.raises(rbp.ValidationError) as info:
        Relationship("a", "b", "knows", since=T0, until=T0.subtract(days=1))
    assert info.value.field == "until"


@given(strat.since_until())
def test_since_until_in_any_zones_is_accepted(pair: tuple[dt.datetime, dt.datetime]) -> None:
    since, until = pair
    m = CommunityMember("m-1", since=since, until=until)
    assert strat.to_utc(m.since) == strat.to_utc(since)
    assert strat.to_utc(m.until) == strat.to_utc(until)
    assert m.since is None or isinstance(m.since, pendulum.DateTime)


def test_equal_since_and_until_is_fine() -> None:
    assert CommunityMember("m-1", since=T0, until=T0).present_at(T0)


def test_present_at_follows_since_and_until() -> None:
    m = Officer("P1", since=T0, until=T0.add(days=10))
    assert not m.present_at(T0.subtract(seconds=1))
    assert m.present_at(T0.add(days=5))
    assert not m.present_at(T0.add(days=10, seconds=1))


# ----------------------------------------------------------------------------- other rules


def test_relationship_to_self_is_rejected() -> None:
    with pytest.raises(rbp.ValidationError, match="itself") as info:
        Relationship("m-1", "m-1", RelationshipKind.KNOWS)
    assert (info.value.key, info.value.field) == ("m-1", "b")


def test_area_cannot_be_its_own_parent() -> None:
    with pytest.raises(rbp.ValidationError) as info:
        Area("d-1", parent="d-1")
    assert info.value.field == "parent"


def test_pseudonymous_member_with_a_name_is_rejected() -> None:
    with pytest.raises(rbp.ValidationError, match="pseudonymous") as info:
        CommunityMember("m-1", name="J. Lee", pseudonymous=True)
    assert (info.value.key, info.value.field) == ("m-1", "name")
    assert "J. Lee" not in str(info.value)


@pytest.mark.parametrize("population", [-1, 2**31, 1.5, True, "8200"])
def test_bad_population(population: object) -> None:
    with pytest.raises(rbp.ValidationError) as info:
        Area("b-1", population=population)
    assert info.value.field == "population"


@pytest.mark.parametrize(
    ("cls", "field", "limit"),
    [
        (CommunityMember, "name", 300),
        (Officer, "unit", 200),
        (Officer, "rank", 200),
        (Area, "name", 300),
    ],
)
def test_text_longer_than_its_column_is_rejected(cls: type, field: str, limit: int) -> None:
    assert getattr(cls("k-1", **{field: "x" * limit}), field) == "x" * limit
    with pytest.raises(rbp.ValidationError) as info:
        cls("k-1", **{field: "x" * (limit + 1)})
    assert info.value.field == field


@pytest.mark.parametrize(("field", "limit"), [("email", 300), ("phone", 100), ("address", 500)])
def test_contact_longer_than_its_column_is_rejected(field: str, limit: int) -> None:
    with pytest.raises(rbp.ValidationError) as info:
        Contact(**{field: "9" * (limit + 1)})
    assert info.value.field == field


@pytest.mark.parametrize("text", ["a\x00b", "\ud800", "ok\udfff"])
def test_text_no_database_can_store_is_rejected_without_echoing_it(text: str) -> None:
    with pytest.raises(rbp.ValidationError) as info:
        CommunityMember("m-1", name=text)
    assert info.value.field == "name"
    assert text not in str(info.value)


@pytest.mark.parametrize("value", [1, "yes", None])
def test_flags_must_be_booleans(value: object) -> None:
    with pytest.raises(rbp.ValidationError) as info:
        Officer("P1", active=value)
    assert info.value.field == "active"


def test_contact_must_be_a_contact() -> None:
    with pytest.raises(rbp.ValidationError) as info:
        CommunityMember("m-1", contact={"email": "x@example.org"})
    assert info.value.field == "contact"


def test_training_completed_must_be_a_date() -> None:
    with pytest.raises(rbp.ValidationError) as info:
        Training("de-escalation", "2026-01-01")  # type: ignore[arg-type]
    assert info.value.field == "completed"


@given(strat.bad_fields())
def test_every_bad_field_is_named(case: tuple[type, dict[str, object], str]) -> None:
    cls, kwargs, field = case
    with pytest.raises(rbp.ValidationError) as info:
        cls(**kwargs)
    assert info.value.field == field, str(info.value)


# ----------------------------------------------------------------------------- normal forms


def test_kinds() -> None:
    assert Officer("P1").kind is StakeholderKind.OFFICER
    assert CommunityMember("m-1").kind is StakeholderKind.MEMBER
    assert PartnerAgency("o-1").kind is StakeholderKind.AGENCY


def test_tags_and_areas_are_sorted_sets() -> None:
    o = Officer("P1", tags=("b", "a", "b"), areas=("y", "x", "y"))
    assert o.tags == ("a", "b")
    assert o.areas == ("x", "y")
    assert PartnerAgency("o-1", areas=("d-2", "d-1")).areas == ("d-1", "d-2")
    assert Officer("P1", tags="one").tags == ("one",)


def test_member_areas_is_its_home_area() -> None:
    assert CommunityMember("m-1", area="b-1").areas == ("b-1",)
    assert CommunityMember("m-1").areas == ()


def test_relationship_labels() -> None:
    rel = Relationship("m-17", "org-dmh", RelationshipKind.MEMBER_OF)
    assert rel.label == "m-17 member of org-dmh"
    assert (rel.kind.forward, rel.kind.reverse) == ("member of", "has member")


@given(strat.stakeholders(["b-1", "b-2"]))
def test_records_are_frozen_and_hashable(person: rbp.Officer) -> None:
    hash(person)
    with pytest.raises(AttributeError):
        person.key = "other"  # type: ignore[misc]


@given(st.sampled_from(STAKEHOLDER_CLASSES), strat.keys)
def test_defaults_are_valid(cls: type, key: str) -> None:
    person = cls(key)
    assert (person.since, person.until, person.name) == (None, None, None)
    assert person.contact == Contact()
