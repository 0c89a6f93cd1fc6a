"""crm.directory on SQLite (memory and file) and PostgreSQL, checked with plain SQL.

Every test runs once per ``db_url``; what the store wrote is read back with plain
SQL text (the ``sql`` probe), not through rbp's reading code.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

import pendulum
import pytest

import rbp
from rbp import (
    Area,
    CommunityMember,
    Contact,
    Officer,
    PartnerAgency,
    Priority,
    RelationshipKind,
    Sector,
    StakeholderKind,
    Training,
)
from rbp.interactions import Interaction, InteractionKind
from tests.databases import NOW, TZ, PlainSQL

T0 = pendulum.datetime(2025, 3, 2, 18, 30, tz="America/Los_Angeles")


def micros(value: dt.datetime) -> int:
    """Epoch microseconds, computed here rather than by rbp."""
    return calendar.timegm(value.utctimetuple()) * 1_000_000 + value.microsecond


def flag(value: Any) -> bool:
    """A boolean column as Python bool (SQLite returns 0/1)."""
    return bool(value)


AREAS = [
    Area("city", name="City"),
    Area("d-01", name="District 1", parent="city", expected_sectors=("faith", "youth")),
    Area("d-02", name="District 2", parent="city"),
    Area("b-0111", name="Beat 111", parent="d-01", population=8200),
    Area("b-0112", name="Beat 112", parent="d-01"),
    Area("b-0211", name="Beat 211", parent="d-02"),
]
PEOPLE = [
    Officer(
        "P1234",
        name="A. Ruiz",
        unit="CSP",
        rank="Officer",
        areas=("b-0111", "b-0112"),
        trainings=(Training("de-escalation", pendulum.Date(2025, 5, 1)), Training("CIT")),
        tags=("csp", "spanish"),
        since=T0,
        contact=Contact(email="ruiz@example.org"),
    ),
    Officer("P2000", name="B. Chen", unit="Patrol", areas=("b-0211",), active=False),
    CommunityMember(
        "m-17",
        name="J. Lee",
        sector=Sector.FAITH,
        area="b-0111",
        priority=Priority.KEY,
        may_contact=True,
        tags=("pastor",),
        contact=Contact(email="lee@example.org", phone="555-0100", address="1 Main St"),
    ),
    CommunityMember("m-18", sector="youth", area="b-0211", pseudonymous=True),
    CommunityMember("m-19", name="K. Park", sector="business", area="d-02", until=T0.add(days=30)),
    PartnerAgency(
        "org-dmh",
        name="Dept. of Mental Health",
        sector=Sector.MENTAL_HEALTH,
        areas=("d-01", "d-02"),
        org_type="agency",
        since=T0.subtract(years=2),
    ),
]


@pytest.fixture
def city(crm: rbp.Store) -> rbp.Store:
    """The store with AREAS and PEOPLE added in one call (children before parents)."""
    assert crm.directory.add_many([*reversed(AREAS), *PEOPLE]) == len(AREAS) + len(PEOPLE)
    return crm


# ----------------------------------------------------------------------------- add / get


def test_add_writes_areas_as_rows(city: rbp.Store, sql: PlainSQL) -> None:
    rows = sql.rows(
        "SELECT key, name, parent, population, expected_sectors FROM areas ORDER BY key"
    )
    assert rows == [
        ("b-0111", "Beat 111", "d-01", 8200, ""),
        ("b-0112", "Beat 112", "d-01", None, ""),
        ("b-0211", "Beat 211", "d-02", None, ""),
        ("city", "City", None, None, ""),
        ("d-01", "District 1", "city", None, "faith,youth"),
        ("d-02", "District 2", "city", None, ""),
    ]


def test_add_writes_stakeholders_as_rows(city: rbp.Store, sql: PlainSQL) -> None:
    rows = {
        r[0]: r[1:]
        for r in sql.rows(
            "SELECT key, kind, name, since, until, sector, priority, unit, rank, active, "
            "org_type, may_contact, may_text, pseudonymous, erased, email, phone, address "
            "FROM stakeholders"
        )
    }
    assert set(rows) == {p.key for p in PEOPLE}
    kind, name, since, until, sector, priority, unit, rank, active, *rest = rows["P1234"]
    assert (kind, name, since, until, sector, priority) == (
        "officer",
        "A. Ruiz",
        micros(T0),
        None,
        None,
        None,
    )
    assert (unit, rank, flag(active)) == ("CSP", "Officer", True)
    assert rest[-3:] == ["ruiz@example.org", None, None]
    assert flag(rows["P2000"][8]) is False
    member = rows["m-17"]
    assert member[:6] == ("member", "J. Lee", None, None, "faith", "key")
    assert [flag(v) for v in member[10:14]] == [True, False, False, False]
    assert member[14:] == ("lee@example.org", "555-0100", "1 Main St")
    assert rows["m-18"][1] is None
    assert flag(rows["m-18"][12]) is True
    assert rows["m-19"][3] == micros(T0.add(days=30))
    agency = rows["org-dmh"]
    assert (agency[0], agency[4], agency[5], agency[9]) == (
        "agency",
        "mental_health",
        "regular",
        "agency",
    )


def test_add_writes_areas_tags_and_trainings(city: rbp.Store, sql: PlainSQL) -> None:
    assert sql.rows("SELECT stakeholder, area FROM stakeholder_areas ORDER BY 1, 2") == [
        ("P1234", "b-0111"),
        ("P1234", "b-0112"),
        ("P2000", "b-0211"),
        ("m-17", "b-0111"),
        ("m-18", "b-0211"),
        ("m-19", "d-02"),
        ("org-dmh", "d-01"),
        ("org-dmh", "d-02"),
    ]
    assert sql.rows("SELECT stakeholder, tag FROM stakeholder_tags ORDER BY 1, 2") == [
        ("P1234", "csp"),
        ("P1234", "spanish"),
        ("m-17", "pastor"),
    ]
    trainings = sql.rows("SELECT officer, name, completed FROM officer_trainings ORDER BY name")
    assert [(o, n, None if c is None else str(c)) for o, n, c in trainings] == [
        ("P1234", "CIT", None),
        ("P1234", "de-escalation", "2025-05-01"),
    ]


def test_get_returns_what_was_added(city: rbp.Store) -> None:
    for person in PEOPLE:
        got = city.directory.get(person.key)
        assert got == person
        assert type(got) is type(person)
        if got.since is not None:
            assert got.since.timezone_name == TZ  # times come back in the agency's zone
    for area in AREAS:
        assert city.directory.get_area(area.key) == area


def test_get_unknown_key(crm: rbp.Store) -> None:
    with pytest.raises(rbp.UnknownKeyError) as info:
        crm.directory.get("nobody")
    assert info.value.key == "nobody"
    with pytest.raises(KeyError):
        crm.directory.get_area("nowhere")


def test_add_one_duplicate_raises_duplicate_key_error(city: rbp.Store, sql: PlainSQL) -> None:
    before = sql.snapshot()
    with pytest.raises(rbp.DuplicateKeyError) as info:
        city.directory.add(PartnerAgency("m-17"))  # keys are unique across kinds
    assert (info.value.key, info.value.field, info.value.row) == ("m-17", "key", None)
    assert not str(info.value).startswith("item")
    with pytest.raises(rbp.DuplicateKeyError):
        city.directory.add(Area("d-01"))
    assert sql.snapshot() == before


def test_area_and_stakeholder_keys_are_separate(city: rbp.Store, sql: PlainSQL) -> None:
    city.directory.add(Area("m-17", parent="city"))
    city.directory.add(CommunityMember("d-01"))
    assert sql.count("areas", "key = :k", k="m-17") == 1
    assert sql.count("stakeholders", "key = :k", k="d-01") == 1
    # update() changes the stakeholder of a shared key, update_area() the area
    assert city.directory.update("m-17", priority="low").priority is Priority.LOW
    assert city.directory.update_area("m-17", parent="d-02").parent == "d-02"
    assert sql.rows("SELECT parent FROM areas WHERE key = 'm-17'") == [("d-02",)]
    assert sql.rows("SELECT priority FROM stakeholders WHERE key = 'm-17'") == [("low",)]
    with pytest.raises(rbp.UnknownKeyError):
        city.directory.update_area("P1234", name="not an area")


def test_add_with_unknown_area(city: rbp.Store, sql: PlainSQL) -> None:
    before = sql.snapshot()
    with pytest.raises(rbp.UnknownKeyError) as info:
        city.directory.add(CommunityMember("m-99", area="b-9999"))
    assert (info.value.key, info.value.field) == ("m-99", "area")
    with pytest.raises(rbp.UnknownKeyError) as info:
        city.directory.add(Officer("P9", areas=("b-0111", "b-9999")))
    assert info.value.field == "areas"
    assert sql.snapshot() == before


def test_add_rejects_what_is_not_a_record(crm: rbp.Store, sql: PlainSQL) -> None:
    with pytest.raises(rbp.ValidationError):
        crm.directory.add("m-17")  # type: ignore[arg-type]
    assert sql.count("stakeholders") == 0


# ----------------------------------------------------------------------------- add_many


def test_add_many_lists_every_bad_item_and_writes_nothing(city: rbp.Store, sql: PlainSQL) -> None:
    before = sql.snapshot()
    counts = sql.counts()
    batch: list[Any] = [
        Area("b-0113", parent="d-01"),  # 0 fine
        CommunityMember("m-40", area="b-404"),  # 1 unknown area
        CommunityMember("m-41", area="b-0113"),  # 2 fine (area in the same call)
        CommunityMember("m-41"),  # 3 duplicate within the call
        Officer("P1234"),  # 4 duplicate against the database
        Area("x-1", parent="x-2"),  # 5 cycle
        Area("x-2", parent="x-1"),  # 6 cycle
        Area("b-0999", parent="d-99"),  # 7 unknown parent
        Area("d-01"),  # 8 area exists already
        "not a record",  # 9 wrong type
        PartnerAgency("org-2", areas=("d-01", "nowhere")),  # 10 unknown area
    ]
    with pytest.raises(rbp.BulkValidationError) as info:
        city.directory.add_many(batch)
    errors = info.value.errors
    found = sorted((e.row, type(e).__name__, e.field) for e in errors)
    assert found == [
        (1, "UnknownKeyError", "area"),
        (3, "DuplicateKeyError", "key"),
        (4, "DuplicateKeyError", "key"),
        (5, "IntegrityError", "parent"),
        (6, "IntegrityError", "parent"),
        (7, "UnknownKeyError", "parent"),
        (8, "DuplicateKeyError", "key"),
        (9, "ValidationError", None),
        (10, "UnknownKeyError", "areas"),
    ]
    assert [e.row for e in errors] == sorted(e.row for e in errors)  # listed in order
    for e in errors:
        assert f"item {e.row}:" in str(info.value)
    assert {e.key for e in errors if e.row in (1, 3, 4, 7)} == {"m-40", "m-41", "P1234", "b-0999"}
    assert sql.snapshot() == before
    assert sql.counts() == counts


def test_add_many_accepts_children_before_parents(crm: rbp.Store, sql: PlainSQL) -> None:
    assert crm.directory.add_many(reversed(AREAS)) == len(AREAS)
    assert sql.count("areas") == len(AREAS)
    assert crm.directory.add_many([]) == 0


def test_add_many_is_one_transaction_even_when_the_database_says_no(
    crm: rbp.Store, sql: PlainSQL
) -> None:
    crm.directory.add(Area("b-1"))
    before = sql.snapshot()
    long_tag_is_fine = "t" * 200
    people = [CommunityMember(f"m-{i}", area="b-1", tags=(long_tag_is_fine,)) for i in range(50)]
    # the last item is valid in Python but duplicates an earlier key
    with pytest.raises(rbp.BulkValidationError):
        crm.directory.add_many([*people, CommunityMember("m-3")])
    assert sql.snapshot() == before


def test_add_many_at_scale(crm: rbp.Store, sql: PlainSQL) -> None:
    crm.directory.add_many(AREAS)
    keys = [a.key for a in AREAS]
    people = [
        CommunityMember(f"m-{i:05d}", area=keys[i % len(keys)], tags=("bulk",))
        for i in range(12_000)  # more than one chunk of key look-ups
    ]
    assert crm.directory.add_many(people) == len(people)
    assert sql.count("stakeholders") == len(people)
    assert sql.count("stakeholder_tags", "tag = 'bulk'") == len(people)
    with pytest.raises(rbp.BulkValidationError) as info:
        crm.directory.add_many(people[::1000])
    assert [e.row for e in info.value.errors] == list(range(12))
    assert sql.count("stakeholders") == len(people)


# ----------------------------------------------------------------------------- reads


def test_area_tree(city: rbp.Store, sql: PlainSQL) -> None:
    tree = city.directory.areas()
    parent = dict(sql.rows("SELECT key, parent FROM areas"))
    assert set(tree.roots) == {k for k, p in parent.items() if p is None}
    for key in parent:
        assert set(tree.children(key)) == {k for k, p in parent.items() if p == key}
        below, frontier = set(), {key}
        while frontier:
            frontier = {k for k, p in parent.items() if p in frontier}
            below |= frontier
        assert set(tree.descendants(key)) == below
    assert tree.descendants("city") == ("d-01", "d-02", "b-0111", "b-0112", "b-0211")
    assert tree.ancestors("b-0111") == ("d-01", "city")
    assert tree.depth("b-0111") == 2
    assert len(tree) == len(AREAS)
    with pytest.raises(rbp.UnknownKeyError):
        tree.children("nowhere")


def _expected(predicate: Any) -> list[str]:
    return sorted(p.key for p in PEOPLE if predicate(p))


def test_find(city: rbp.Store) -> None:
    def keys(**filters: Any) -> list[str]:
        return [p.key for p in city.directory.find(**filters)]

    # Without as_of, find() answers now by the store's clock: m-19 left at T0 + 30 days.
    now = city.now()
    assert now > T0.add(days=30)
    assert keys() == _expected(lambda p: p.present_at(now))
    assert "m-19" not in keys()
    assert keys(kind="officer") == _expected(lambda p: p.kind is StakeholderKind.OFFICER)
    assert keys(kind=StakeholderKind.MEMBER) == ["m-17", "m-18"]
    assert keys(sector=Sector.FAITH) == ["m-17"]
    assert keys(priority="key") == ["m-17"]
    assert keys(tag="csp") == ["P1234"]
    assert keys(area="b-0111") == ["P1234", "m-17"]
    assert keys(area="d-01") == ["P1234", "m-17", "org-dmh"]
    assert keys(area="d-01", within=False) == ["org-dmh"]
    assert keys(area="city") == _expected(lambda p: p.present_at(now))
    assert keys(area="d-02", kind="member") == ["m-18"]
    assert keys(area="d-02", kind="member", as_of=T0) == ["m-18", "m-19"]
    later = T0.add(days=31)
    assert keys(as_of=later) == _expected(lambda p: p.present_at(later))
    early = T0.subtract(years=3)
    assert keys(as_of=early) == _expected(lambda p: p.present_at(early))
    assert "m-19" not in keys(as_of=later)
    with pytest.raises(rbp.UnknownKeyError):
        keys(area="nowhere")
    with pytest.raises(rbp.ValidationError) as info:
        keys(sector="bowling")
    assert info.value.field == "sector"
    with pytest.raises(rbp.NaiveDatetimeError):
        keys(as_of=dt.datetime(2026, 1, 1))


def test_summary_matches_plain_counts(city: rbp.Store, sql: PlainSQL) -> None:
    city.directory.relate("m-17", "org-dmh", "member_of")
    s = city.directory.summary()
    by_kind = dict(sql.rows("SELECT kind, count(*) FROM stakeholders GROUP BY kind"))
    assert (s.areas, s.officers, s.members, s.agencies, s.relationships) == (
        sql.count("areas"),
        by_kind["officer"],
        by_kind["member"],
        by_kind["agency"],
        sql.count("relationships"),
    )
    by_sector = dict(
        sql.rows(
            "SELECT sector, count(*) FROM stakeholders WHERE sector IS NOT NULL GROUP BY sector"
        )
    )
    assert {k.value: v for k, v in s.by_sector.items()} == by_sector


# ----------------------------------------------------------------------------- update


def test_update_stakeholder(city: rbp.Store, sql: PlainSQL) -> None:
    new = city.directory.update(
        "P1234", unit="HOC", areas=("b-0211",), tags=("outreach",), trainings=()
    )
    assert isinstance(new, Officer)
    assert (new.unit, new.areas, new.tags, new.trainings) == ("HOC", ("b-0211",), ("outreach",), ())
    assert new.name == "A. Ruiz"  # untouched fields stay
    assert sql.rows("SELECT unit, name FROM stakeholders WHERE key = 'P1234'") == [
        ("HOC", "A. Ruiz")
    ]
    assert sql.rows("SELECT area FROM stakeholder_areas WHERE stakeholder = 'P1234'") == [
        ("b-0211",)
    ]
    assert sql.rows("SELECT tag FROM stakeholder_tags WHERE stakeholder = 'P1234'") == [
        ("outreach",)
    ]
    assert sql.count("officer_trainings") == 0
    assert city.directory.get("P1234") == new


def test_update_area(city: rbp.Store, sql: PlainSQL) -> None:
    moved = city.directory.update("b-0112", parent="d-02", population=100, name="Beat 112b")
    assert moved == Area("b-0112", name="Beat 112b", parent="d-02", population=100)
    assert sql.rows("SELECT parent, population, name FROM areas WHERE key = 'b-0112'") == [
        ("d-02", 100, "Beat 112b")
    ]
    assert city.directory.areas().children("d-02") == ("b-0112", "b-0211")


@pytest.mark.parametrize(
    ("key", "changes", "error", "field"),
    [
        ("d-01", {"parent": "b-0111"}, rbp.IntegrityError, "parent"),  # into its own subtree
        ("city", {"parent": "b-0211"}, rbp.IntegrityError, "parent"),
        ("d-01", {"parent": "d-01"}, rbp.ValidationError, "parent"),
        ("d-01", {"parent": "nowhere"}, rbp.UnknownKeyError, "parent"),
        ("m-17", {"area": "nowhere"}, rbp.UnknownKeyError, "area"),
        ("P1234", {"areas": ("b-0111", "nowhere")}, rbp.UnknownKeyError, "areas"),
        ("m-17", {"sector": "bowling"}, rbp.ValidationError, "sector"),
        ("m-17", {"name": "New Name", "pseudonymous": True}, rbp.ValidationError, "name"),
        ("m-17", {"since": dt.datetime(2026, 1, 1)}, rbp.NaiveDatetimeError, "since"),
        ("m-17", {"key": "m-99"}, rbp.ValidationError, "key"),
        ("m-17", {"shoe_size": 9}, rbp.ValidationError, None),
        ("P1234", {"until": T0.subtract(days=1)}, rbp.ValidationError, "until"),
        ("nobody", {"name": "x"}, rbp.UnknownKeyError, None),
    ],
)
def test_bad_update_changes_nothing(
    city: rbp.Store,
    sql: PlainSQL,
    key: str,
    changes: dict[str, Any],
    error: type[rbp.RbpError],
    field: str | None,
) -> None:
    before = sql.snapshot()
    with pytest.raises(error) as info:
        city.directory.update(key, **changes)
    assert info.value.field == field
    assert info.value.key == key
    assert sql.snapshot() == before


# ----------------------------------------------------------------------------- relationships


def test_relate_and_end(city: rbp.Store, sql: PlainSQL) -> None:
    rel = city.directory.relate("m-17", "org-dmh", RelationshipKind.MEMBER_OF, since=T0)
    other = city.directory.relate("P1234", "org-dmh", "liaison_for")
    assert rel.id is not None
    assert other.id is not None
    assert rel.id != other.id
    assert sql.rows("SELECT id, a, b, kind, since, until FROM relationships ORDER BY id") == [
        (rel.id, "m-17", "org-dmh", "member_of", micros(T0), None),
        (other.id, "P1234", "org-dmh", "liaison_for", None, None),
    ]
    assert city.directory.relationships("org-dmh") == (rel, other)  # both directions
    assert city.directory.relationships("m-17") == (rel,)
    assert city.directory.relationships() == (rel, other)
    assert city.directory.relationships(as_of=T0.subtract(days=1)) == (other,)

    ended = city.directory.end_relationship(rel.id)  # default: the store's clock
    assert ended.until == NOW
    assert sql.rows("SELECT until FROM relationships WHERE id = :i", i=rel.id) == [(micros(NOW),)]
    assert city.directory.relationships(as_of=NOW.add(seconds=1)) == (other,)
    assert city.directory.relationships(as_of=NOW) == (ended, other)

    at = pendulum.datetime(2025, 12, 1, tz="Europe/Berlin")
    assert city.directory.end_relationship(other.id, at=at).until == at
    assert sql.rows("SELECT until FROM relationships WHERE id = :i", i=other.id) == [(micros(at),)]


def test_bad_relationships_write_nothing(city: rbp.Store, sql: PlainSQL) -> None:
    rel = city.directory.relate("m-17", "org-dmh", "member_of", since=T0)
    before = sql.snapshot()
    with pytest.raises(rbp.UnknownKeyError) as info:
        city.directory.relate("m-17", "ghost", "knows")
    assert (info.value.key, info.value.field) == ("ghost", "b")
    with pytest.raises(rbp.UnknownKeyError) as info:
        city.directory.relate("ghost", "m-17", "knows")
    assert info.value.field == "a"
    with pytest.raises(rbp.ValidationError) as info:
        city.directory.relate("m-17", "m-17", "knows")
    assert info.value.field == "b"
    with pytest.raises(rbp.ValidationError) as info:
        city.directory.relate("m-17", "m-18", "cousin_of")
    assert info.value.field == "kind"
    with pytest.raises(rbp.ValidationError) as info:
        city.directory.end_relationship(rel.id, at=T0.subtract(days=1))  # type: ignore[arg-type]
    assert info.value.field == "at"
    with pytest.raises(rbp.UnknownKeyError):
        city.directory.end_relationship(10_000)
    with pytest.raises(rbp.NaiveDatetimeError):
        city.directory.end_relationship(rel.id, at=dt.datetime(2026, 1, 1))  # type: ignore[arg-type]
    assert sql.snapshot() == before


# ----------------------------------------------------------------------------- erase


def test_erase_forgets_personal_data_and_keeps_counts(city: rbp.Store, sql: PlainSQL) -> None:
    city.directory.relate("m-17", "org-dmh", "member_of")
    iid = city.interactions.log(
        Interaction(
            at=T0,
            kind=InteractionKind.MEETING,
            participants=("P1234", "m-17"),
            areas=("b-0111",),
            notes="talked about the food bank; J. Lee's phone 555-0100",
        )
    )
    counts = sql.counts()
    summary = city.directory.summary()
    erased = city.directory.erase("m-17")

    assert (erased.name, erased.contact, erased.tags) == (None, Contact(), ())
    assert (erased.pseudonymous, erased.erased) == (True, True)
    assert (erased.sector, erased.area, erased.priority) == (Sector.FAITH, "b-0111", Priority.KEY)
    row = sql.rows(
        "SELECT name, email, phone, address, pseudonymous, erased FROM stakeholders "
        "WHERE key = 'm-17'"
    )[0]
    assert row[:4] == (None, None, None, None)
    assert (flag(row[4]), flag(row[5])) == (True, True)
    assert sql.count("stakeholder_tags", "stakeholder = 'm-17'") == 0
    assert sql.rows("SELECT notes FROM interactions WHERE id = :i", i=iid) == [(None,)]
    # the key, the area, the relationship and the interaction stay, so counts stay right
    after = sql.counts()
    assert after.pop("stakeholder_tags") == counts.pop("stakeholder_tags") - 1
    assert after.pop("audit_log") == counts.pop("audit_log") + 1
    assert after == counts
    assert city.directory.summary() == summary
    assert city.directory.get("m-17") == erased
    for text in ("J. Lee", "lee@example.org", "555-0100", "1 Main St"):
        assert all(text not in repr(r) for rows in sql.snapshot().values() for r in rows)


def test_erase_only_members(city: rbp.Store, sql: PlainSQL) -> None:
    before = sql.snapshot()
    with pytest.raises(rbp.ValidationError) as info:
        city.directory.erase("P1234")
    assert (info.value.key, info.value.field) == ("P1234", "kind")
    with pytest.raises(rbp.UnknownKeyError):
        city.directory.erase("nobody")
    assert sql.snapshot() == before


# ----------------------------------------------------------------------------- audit


def test_every_write_is_audited(city: rbp.Store, sql: PlainSQL) -> None:
    rel = city.directory.relate("m-17", "org-dmh", "member_of")
    city.directory.update("m-18", priority="key")
    city.directory.end_relationship(rel.id)  # type: ignore[arg-type]
    city.directory.erase("m-19")
    rows = sql.rows("SELECT at, actor, action, entity, key FROM audit_log ORDER BY id")
    added_areas = [r[4] for r in rows[: len(AREAS)]]
    assert sorted(added_areas) == sorted(a.key for a in AREAS)
    for area in AREAS:  # written parents first
        if area.parent is not None:
            assert added_areas.index(area.parent) < added_areas.index(area.key)
    expected = [
        *[("add", "area", k) for k in added_areas],
        *[("add", "stakeholder", p.key) for p in PEOPLE],
        ("relate", "relationship", "m-17"),
        ("update", "stakeholder", "m-18"),
        ("end", "relationship", "m-17"),
        ("erase", "stakeholder", "m-19"),
    ]
    assert [r[2:] for r in rows] == expected
    assert {r[1] for r in rows} == {"test"}
    assert {r[0] for r in rows} == {micros(NOW)}  # written at the injected clock's time
    entries = city.audit()
    assert [(e.action, e.entity, e.key) for e in entries] == expected
    assert entries[0].at == NOW
    assert [e.action for e in city.audit(key="m-17")] == ["add", "relate", "end"]
    assert len(city.audit(entity="area")) == len(AREAS)
    assert len(city.audit(limit=3)) == 3
    detail = sql.rows("SELECT detail FROM audit_log WHERE action = 'update'")[0][0]
    assert "priority" in detail


def test_failed_writes_are_not_audited(city: rbp.Store, sql: PlainSQL) -> None:
    n = sql.count("audit_log")
    with pytest.raises(rbp.RbpError):
        city.directory.add_many([CommunityMember("m-50"), CommunityMember("m-17")])
    with pytest.raises(rbp.RbpError):
        city.directory.update("m-17", area="nowhere")
    assert sql.count("audit_log") == n


def test_audit_holds_no_personal_data(city: rbp.Store, sql: PlainSQL) -> None:
    city.directory.update("m-17", name="Jay Lee", contact=Contact(phone="555-0199"))
    text = repr(sql.rows("SELECT * FROM audit_log"))
    for secret in ("Jay Lee", "555-0199", "J. Lee"):
        assert secret not in text
