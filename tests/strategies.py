"""Hypothesis strategies for rbp's directory records, valid and invalid.

Valid records use every field the model accepts: keys of any printable Unicode,
aware datetimes in random zones (IANA and fixed offsets, stdlib or pendulum, with
``since <= until``), contact details, tags, trainings. :func:`directories` draws a
whole consistent directory: an area tree and stakeholders whose areas exist.

Invalid variants come in two sorts:

* :func:`bad_fields`: a record class, its keyword arguments and one field made bad;
  building it must raise :class:`rbp.ValidationError` naming that field;
* :func:`faulty_batches`: a valid directory plus one bulk call that the store must
  reject as a whole (unknown area, unknown parent, duplicate key, cycle), with the
  positions of every bad item.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import attrs
import pendulum
from hypothesis import strategies as st

from rbp import (
    Area,
    CommunityMember,
    Contact,
    Officer,
    OrgType,
    PartnerAgency,
    Priority,
    RelationshipKind,
    Sector,
    Training,
)

__all__ = [
    "Accountable",
    "Directory",
    "FaultyBatch",
    "accountable_histories",
    "areas_trees",
    "aware_datetimes",
    "bad_fields",
    "community_members",
    "contacts",
    "directories",
    "faulty_batches",
    "keys",
    "naive_datetimes",
    "officers",
    "partner_agencies",
    "since_until",
    "stakeholders",
    "to_utc",
]

Stakeholder = Officer | CommunityMember | PartnerAgency

# ----------------------------------------------------------------------------- scalars

readable_keys = st.from_regex(r"[a-z]{1,3}-[0-9]{1,5}", fullmatch=True)
unicode_keys = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]),
    min_size=1,
    max_size=30,
).filter(lambda s: s == s.strip())
keys = st.one_of(readable_keys, readable_keys, unicode_keys)
"""Valid keys: mostly readable (``m-17``), sometimes any printable Unicode."""


def texts(max_size: int) -> st.SearchStrategy[str]:
    """Free text a record may hold: any Unicode but NUL and lone surrogates."""
    return st.text(
        alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=max_size
    )


fixed_offsets = st.builds(
    dt.timezone,
    st.timedeltas(
        min_value=dt.timedelta(hours=-23, minutes=-59), max_value=dt.timedelta(hours=23, minutes=59)
    ).map(lambda d: dt.timedelta(minutes=round(d.total_seconds() / 60))),
)
zones = st.one_of(st.timezones(), fixed_offsets, st.just(dt.UTC))


def _as_pendulum_sometimes(value: dt.datetime, pendulum_form: bool) -> dt.datetime:
    return pendulum.instance(value) if pendulum_form else value


aware_datetimes = st.builds(
    _as_pendulum_sometimes,
    st.datetimes(
        min_value=dt.datetime(1900, 1, 1),
        max_value=dt.datetime(2100, 12, 31),
        timezones=zones,
        allow_imaginary=False,
    ),
    st.booleans(),
)
"""Aware datetimes (stdlib or pendulum) in random zones, 1900-2100."""

naive_datetimes = st.one_of(
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 12, 31)),
    st.builds(pendulum.naive, st.integers(1900, 2100), st.integers(1, 12), st.integers(1, 28)),
)


def to_utc(value: dt.datetime | None) -> dt.datetime | None:
    """The same instant in UTC, for comparing times that crossed the store.

    Python never calls an ambiguous wall time (a DST fold) equal to a time in another
    zone, even at the same instant, so round trips compare in UTC.
    """
    return None if value is None else value.astimezone(dt.UTC)


@st.composite
def since_until(draw: st.DrawFn) -> tuple[dt.datetime | None, dt.datetime | None]:
    """An optional ``since`` and ``until`` with ``since <= until`` when both are set."""
    since = draw(st.none() | aware_datetimes)
    until = draw(st.none() | aware_datetimes)
    if since is not None and until is not None and to_utc(until) < to_utc(since):  # type: ignore[operator]
        since, until = until, since
    return since, until


contacts = st.builds(
    Contact,
    email=st.none() | texts(60),
    phone=st.none() | st.from_regex(r"\+?[0-9 ()-]{3,20}", fullmatch=True),
    address=st.none() | texts(80),
)
tags = st.lists(keys, max_size=4).map(tuple)
trainings = st.lists(
    st.builds(
        Training,
        st.sampled_from(["de-escalation", "crisis intervention", "procedural justice"]) | keys,
        st.none()
        | st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)).map(
            lambda d: pendulum.Date(d.year, d.month, d.day)
        ),
    ),
    max_size=3,
    unique_by=lambda t: (t.name, t.completed),
).map(tuple)


# ----------------------------------------------------------------------------- records


@st.composite
def areas_trees(draw: st.DrawFn, *, min_size: int = 1, max_size: int = 8) -> list[Area]:
    """Areas with unique keys forming a forest (every parent is in the list), shuffled."""
    area_keys = draw(st.lists(keys, min_size=min_size, max_size=max_size, unique=True))
    out: list[Area] = []
    for i, key in enumerate(area_keys):
        parent = draw(st.none() | st.sampled_from(area_keys[:i])) if i else None
        out.append(
            Area(
                key,
                name=draw(texts(40)),
                parent=parent,
                population=draw(st.none() | st.integers(0, 2**31 - 1)),
                expected_sectors=draw(st.lists(st.sampled_from(Sector), max_size=3, unique=True)),
            )
        )
    return draw(st.permutations(out))


def _common(draw: st.DrawFn, key: str) -> dict[str, Any]:
    since, until = draw(since_until())
    return {
        "name": draw(st.none() | texts(40)),
        "tags": draw(tags),
        "since": since,
        "until": until,
        "contact": draw(contacts),
    }


def _area_choice(area_keys: list[str]) -> st.SearchStrategy[str | None]:
    return st.none() | st.sampled_from(area_keys) if area_keys else st.none()


def _area_subset(area_keys: list[str]) -> st.SearchStrategy[tuple[str, ...]]:
    if not area_keys:
        return st.just(())
    return st.lists(st.sampled_from(area_keys), max_size=3, unique=True).map(tuple)


@st.composite
def officers(
    draw: st.DrawFn, area_keys: list[str] | None = None, key: str | None = None
) -> Officer:
    """A valid officer whose areas come from ``area_keys``."""
    key = key if key is not None else draw(keys)
    return Officer(
        key,
        **_common(draw, key),
        unit=draw(st.none() | st.sampled_from(["CSP", "Patrol", "HOC"]) | texts(20)),
        rank=draw(st.none() | st.sampled_from(["Officer", "Sergeant", "Lieutenant"])),
        areas=draw(_area_subset(area_keys or [])),
        trainings=draw(trainings),
        active=draw(st.booleans()),
    )


@st.composite
def community_members(
    draw: st.DrawFn, area_keys: list[str] | None = None, key: str | None = None
) -> CommunityMember:
    """A valid community member, pseudonymous (no name) or not."""
    key = key if key is not None else draw(keys)
    common = _common(draw, key)
    pseudonymous = draw(st.booleans())
    if pseudonymous:
        common["name"] = None
    return CommunityMember(
        key,
        **common,
        sector=draw(st.sampled_from(Sector)),
        area=draw(_area_choice(area_keys or [])),
        priority=draw(st.sampled_from(Priority)),
        may_contact=draw(st.booleans()),
        may_text=draw(st.booleans()),
        pseudonymous=pseudonymous,
    )


@st.composite
def partner_agencies(
    draw: st.DrawFn, area_keys: list[str] | None = None, key: str | None = None
) -> PartnerAgency:
    """A valid partner agency serving some of ``area_keys``."""
    key = key if key is not None else draw(keys)
    return PartnerAgency(
        key,
        **_common(draw, key),
        sector=draw(st.sampled_from(Sector)),
        areas=draw(_area_subset(area_keys or [])),
        org_type=draw(st.sampled_from(OrgType)),
        priority=draw(st.sampled_from(Priority)),
    )


def stakeholders(
    area_keys: list[str] | None = None, key: str | None = None
) -> st.SearchStrategy[Stakeholder]:
    """An officer, community member or partner agency."""
    return st.one_of(
        officers(area_keys, key),
        community_members(area_keys, key),
        partner_agencies(area_keys, key),
    )


@attrs.frozen
class Directory:
    """A consistent directory: an area forest and stakeholders with unique keys."""

    areas: list[Area]
    people: list[Stakeholder]

    @property
    def items(self) -> list[Area | Stakeholder]:
        return [*self.areas, *self.people]


@st.composite
def directories(
    draw: st.DrawFn, *, min_areas: int = 1, max_areas: int = 6, max_people: int = 8
) -> Directory:
    """Areas and stakeholders whose area references all exist."""
    areas = draw(areas_trees(min_size=min_areas, max_size=max_areas))
    area_keys = sorted(a.key for a in areas)
    people_keys = draw(st.lists(keys, max_size=max_people, unique=True))
    people = [draw(stakeholders(area_keys, k)) for k in people_keys]
    return Directory(areas=areas, people=people)


relationship_kinds = st.sampled_from(RelationshipKind)


# ----------------------------------------------------------------------------- invalid


def _bad(
    cls: type, good: dict[str, Any], field: str, value: Any
) -> tuple[type, dict[str, Any], str]:
    return cls, {**good, field: value}, field


_BAD_TEXT = st.one_of(st.just("a\x00b"), st.just("\ud800"), st.integers(), st.just(b"bytes"))

bad_keys = st.one_of(
    st.just(""),
    st.just("   "),
    st.just(" padded"),
    st.just("tab\tkey"),
    st.just("x" * 201),
    st.just("\ud800"),
    st.integers(),
    st.none(),
)
"""Values no key may have: empty, blank, padded, control characters, too long, not text."""


@st.composite
def bad_fields(draw: st.DrawFn) -> tuple[type, dict[str, Any], str]:
    """``(cls, kwargs, field)``: building ``cls(**kwargs)`` must fail naming ``field``."""
    choices: list[Callable[[], tuple[type, dict[str, Any], str]]] = [
        lambda: _bad(Area, {"key": "a-1"}, "key", draw(bad_keys)),
        lambda: _bad(
            Area, {"key": "a-1"}, "parent", draw(bad_keys.filter(lambda v: v is not None))
        ),
        lambda: _bad(
            Area, {"key": "a-1"}, "population", draw(st.sampled_from([-1, 2**31, 1.5, True, "9"]))
        ),
        lambda: _bad(
            Area, {"key": "a-1"}, "expected_sectors", [draw(st.sampled_from(["faithful", "", 3]))]
        ),
        lambda: _bad(Area, {"key": "a-1"}, "name", "n" * 301),
        lambda: _bad(Officer, {"key": "P1"}, "key", draw(bad_keys)),
        lambda: _bad(Officer, {"key": "P1"}, "active", draw(st.sampled_from([1, "yes", None]))),
        lambda: _bad(Officer, {"key": "P1"}, "unit", draw(_BAD_TEXT)),
        lambda: _bad(
            Officer, {"key": "P1"}, "areas", ("b-1", draw(bad_keys.filter(lambda v: v is not None)))
        ),
        lambda: _bad(Officer, {"key": "P1"}, "since", draw(naive_datetimes)),
        lambda: _bad(
            CommunityMember,
            {"key": "m-1"},
            "sector",
            draw(st.sampled_from(["church", "", "FAITH"])),
        ),
        lambda: _bad(
            CommunityMember, {"key": "m-1"}, "priority", draw(st.sampled_from(["urgent", "KEY", 1]))
        ),
        lambda: _bad(CommunityMember, {"key": "m-1"}, "name", draw(_BAD_TEXT)),
        lambda: _bad(CommunityMember, {"key": "m-1"}, "until", draw(naive_datetimes)),
        lambda: _bad(CommunityMember, {"key": "m-1", "pseudonymous": True}, "name", "J. Lee"),
        lambda: _bad(CommunityMember, {"key": "m-1"}, "may_text", draw(st.sampled_from([0, "no"]))),
        lambda: _bad(
            PartnerAgency, {"key": "org-1"}, "org_type", draw(st.sampled_from(["church", "Agency"]))
        ),
        lambda: _bad(PartnerAgency, {"key": "org-1"}, "sector", "mental health"),
        lambda: _bad(
            PartnerAgency,
            {"key": "org-1"},
            "contact",
            draw(st.sampled_from(["a@b.org", {"email": "x"}])),
        ),
    ]
    return draw(st.sampled_from(choices))()


@attrs.frozen
class FaultyBatch:
    """A valid ``base`` directory already in the store, and a ``batch`` to add to it
    that must be rejected as a whole; ``bad_rows`` are the positions of the bad items."""

    base: Directory
    batch: list[Area | Stakeholder]
    bad_rows: frozenset[int]
    fault: str


FAULTS = ("unknown-area", "unknown-parent", "duplicate-in-call", "duplicate-in-db", "cycle")


@st.composite
def faulty_batches(draw: st.DrawFn) -> FaultyBatch:
    """A valid directory, then one bulk call of good items with bad ones mixed in."""
    base = draw(directories(max_people=4))
    used = {a.key for a in base.areas} | {p.key for p in base.people}
    fresh = keys.filter(lambda k: k not in used)  # sees keys added to ``used`` later

    good_areas = draw(
        areas_trees(min_size=0, max_size=3).filter(lambda t: not {a.key for a in t} & used)
    )
    used |= {a.key for a in good_areas}
    new_area_keys = sorted(a.key for a in good_areas)
    good_people = []
    for _ in range(draw(st.integers(0, 3))):
        key = draw(fresh)
        used.add(key)
        good_people.append(draw(stakeholders(new_area_keys, key)))
    good: list[Area | Stakeholder] = [*good_areas, *good_people]

    fault = draw(st.sampled_from(FAULTS))
    bad: list[Area | Stakeholder] = []
    if fault == "unknown-area":
        missing = draw(fresh)
        used.add(missing)
        key = draw(fresh)
        used.add(key)
        bad.append(_with_area(draw(stakeholders([], key)), missing))
    elif fault == "unknown-parent":
        missing = draw(fresh)
        used.add(missing)
        bad.append(Area(draw(fresh), parent=missing))
    elif fault == "duplicate-in-call":
        if not good:
            good.append(Area(draw(fresh)))
        bad.append(draw(st.sampled_from(good)))
    elif fault == "duplicate-in-db":
        existing = draw(st.sampled_from(base.items))
        if isinstance(existing, Area):
            bad.append(Area(existing.key, name="again"))
        else:
            bad.append(draw(stakeholders(sorted(a.key for a in base.areas), existing.key)))
    else:  # a cycle among new areas
        ring = draw(st.lists(fresh, min_size=2, max_size=4, unique=True))
        bad += [Area(key, parent=ring[i - 1]) for i, key in enumerate(ring)]

    items = [*good, *bad]
    position = draw(st.permutations(range(len(items))))  # item i goes to position[i]
    batch: list[Area | Stakeholder] = [items[0]] * len(items)
    for i, item in enumerate(items):
        batch[position[i]] = item
    bad_rows = {position[len(good) + j] for j in range(len(bad))}
    if fault == "duplicate-in-call":  # of the two copies, the one seen second is wrong
        twin = bad[0]
        bad_rows = {max(position[i] for i, x in enumerate(items) if x is twin)}
    return FaultyBatch(base=base, batch=batch, bad_rows=frozenset(bad_rows), fault=fault)


def _with_area(person: Stakeholder, area: str) -> Stakeholder:
    if isinstance(person, CommunityMember):
        return attrs.evolve(person, area=area)
    return attrs.evolve(person, areas=(area,))


# ----------------------------------------------------------------------------- accountability


@attrs.frozen
class Accountable:
    """A department's policy and training history, in hours and days after a start.

    ``officers``: (key, unit, beat, since_h, until_h, active); ``versions``: (policy,
    version, effective_h); ``acks``: (officer, policy, version, at_h); ``courses``: (key,
    every_days, units); ``trainings``: (officer, course, at_h, through_directory);
    ``grace_days``; ``as_of_h``.
    """

    officers: list[tuple[str, str | None, str, int | None, int | None, bool]]
    versions: list[tuple[str, str, int]]
    acks: list[tuple[str, str, str, int]]
    courses: list[tuple[str, int, tuple[str, ...]]]
    trainings: list[tuple[str, str, int, bool]]
    grace_days: int
    as_of_h: int


_HOURS = st.integers(0, 24 * 800)


@st.composite
def accountable_histories(draw: st.DrawFn) -> Accountable:
    """Officers (some joining late, leaving or inactive), policy versions, acknowledgements
    of them, required courses (some for one unit) and training records."""
    n = draw(st.integers(1, 5))
    officers = [
        (
            f"P{i}",
            draw(st.sampled_from(["CSP", "Patrol", None])),
            draw(st.sampled_from(["b-1", "b-2"])),
            draw(st.none() | _HOURS),
            draw(st.none() | _HOURS),
            draw(st.sampled_from([True, True, False])),
        )
        for i in range(n)
    ]
    officers = [
        (k, u, b, s, None if (s is not None and e is not None and e < s) else e, a)
        for k, u, b, s, e, a in officers
    ]
    versions = []
    for policy in draw(
        st.lists(st.sampled_from(["uof", "dti", "bias"]), unique=True, min_size=1, max_size=3)
    ):
        times = draw(st.lists(_HOURS, min_size=1, max_size=3, unique=True))
        versions += [(policy, f"v{j}", h) for j, h in enumerate(times)]
    acks = []
    if versions:
        acks = draw(
            st.lists(
                st.tuples(
                    st.sampled_from([o[0] for o in officers]),
                    st.sampled_from(versions),
                    _HOURS,
                ).map(lambda x: (x[0], x[1][0], x[1][1], x[2])),
                max_size=12,
            )
        )
    course_keys = draw(
        st.lists(st.sampled_from(["cit", "deesc", "pj"]), unique=True, min_size=1, max_size=3)
    )
    courses = [
        (
            c,
            draw(st.sampled_from([1, 61, 90, 365]) | st.integers(1, 500)),
            tuple(draw(st.lists(st.sampled_from(["CSP", "Patrol"]), unique=True, max_size=1))),
        )
        for c in course_keys
    ]
    trainings = []
    if courses:
        trainings = draw(
            st.lists(
                st.tuples(
                    st.sampled_from([o[0] for o in officers]),
                    st.sampled_from(course_keys),
                    _HOURS,
                    st.booleans(),
                ),
                min_size=1,
                max_size=12,
            )
        )
    grace = draw(st.sampled_from([0, 0, 30]) | st.integers(0, 90))
    # T is often on a boundary: the end of a grace period, a renewal, the due-soon edge.
    every = {c: days for c, days, _ in courses}
    edges = {
        "grace": [h + grace * 24 for _, _, h in versions]
        + [o[3] + grace * 24 for o in officers if o[3] is not None],
        "lapse": [at_h + every[c] * 24 for _, c, at_h, _ in trainings],
        "due": [at_h + (every[c] - 60) * 24 for _, c, at_h, _ in trainings],
        "trained": [at_h for _, _, at_h, _ in trainings],
        "acknowledged": [at_h for _, _, _, at_h in acks],
    }
    kinds = [k for k, v in edges.items() if any(e >= 24 for e in v)]
    kind = draw(st.sampled_from([*kinds, "free"]))
    if kind == "free":
        as_of = draw(_HOURS)
    else:
        chosen = draw(st.sampled_from([e for e in edges[kind] if e >= 24]))
        as_of = chosen + draw(st.sampled_from([0, 0, 0, -1, 1, -24, 24]))
    return Accountable(
        officers=officers,
        versions=versions,
        acks=acks,
        courses=courses,
        trainings=trainings,
        grace_days=grace,
        as_of_h=as_of,
    )
