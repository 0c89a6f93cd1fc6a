"""Small cities for the graph tests: a raw Python-side log, how to load it, how to draw it.

A :class:`City` is the test's own record of what it put in the store: an area forest,
stakeholders with optional ``since``/``until``, declared relationships and interactions,
every instant as integer microseconds since the epoch (UTC) so the brute-force oracle in
:mod:`tests.integration.graph_oracle` can do exact arithmetic on it. :func:`load` writes
a city into a store through the public API; :func:`cities` draws small cities for
hypothesis; :func:`random_city` makes a moderate one from a seed; :func:`loaded_store`
opens a store of one database kind with a city in it (for module-scoped fixtures).

Times cluster on the boundaries that matter (exactly 30, 60, 90, 120, 180, 360, 720 days
before T, one microsecond either side, exactly T, after T), because that is where an
off-by-one in a window shows.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pendulum
from hypothesis import strategies as st

import rbp
from rbp import Area, CommunityMember, Officer, PartnerAgency, Priority, RelationshipKind, Sector
from rbp.interactions import Interaction, InteractionKind
from tests.databases import TZ, PgCluster, fixed_clock

__all__ = [
    "DAY",
    "T",
    "City",
    "Event",
    "Link",
    "Person",
    "Place",
    "cities",
    "dt_of",
    "load",
    "loaded_store",
    "log_events",
    "random_city",
]

DAY = 86_400_000_000
"""Microseconds in a day."""

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
T = 1_782_838_800_000_000
"""2026-06-30 12:00 America/Chicago (17:00 UTC), in epoch microseconds: the default as-of."""

SECTORS = (Sector.RESIDENT, Sector.FAITH, Sector.BUSINESS, Sector.YOUTH, Sector.EDUCATION)
BOUNDARY_DAYS = (0, 30, 60, 90, 120, 180, 360, 720)


def dt_of(micros: int) -> pendulum.DateTime:
    """The aware instant (UTC) of ``micros`` epoch microseconds, by stdlib arithmetic."""
    return pendulum.instance(_EPOCH + dt.timedelta(microseconds=micros))


assert dt_of(T) == pendulum.datetime(2026, 6, 30, 12, tz=TZ)


# ----------------------------------------------------------------------------- the model


@dataclass(frozen=True)
class Place:
    """An area: key, parent, the sectors it expects (empty: the store's default)."""

    key: str
    parent: str | None = None
    expected: tuple[Sector, ...] = ()


@dataclass(frozen=True)
class Person:
    """A stakeholder. ``kind`` is "officer", "member" or "agency"; a member has at most
    one area. ``sector``/``priority`` are None for officers."""

    key: str
    kind: str
    sector: Sector | None = None
    priority: Priority | None = None
    areas: tuple[str, ...] = ()
    since: int | None = None
    until: int | None = None
    unit: str | None = None


@dataclass(frozen=True)
class Link:
    """A declared relationship ``a`` -kind-> ``b``, active from ``since`` to ``until``."""

    a: str
    b: str
    kind: RelationshipKind
    since: int | None = None
    until: int | None = None


@dataclass(frozen=True)
class Event:
    """An interaction: when, who (each once), where, unnamed attendees, a promised
    follow-up. ``id`` is what the store gave it (set by :func:`log_events`)."""

    at: int
    participants: tuple[str, ...]
    areas: tuple[str, ...] = ()
    attendees: int = 0
    follow_up_by: int | None = None
    id: int | None = None


@dataclass
class City:
    """Everything a test put in the store, as plain Python values."""

    places: list[Place] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    def person(self, key: str) -> Person:
        return next(p for p in self.people if p.key == key)

    @property
    def officers(self) -> list[Person]:
        return [p for p in self.people if p.kind == "officer"]

    @property
    def others(self) -> list[Person]:
        return [p for p in self.people if p.kind != "officer"]


# ----------------------------------------------------------------------------- one beat

BEAT = [Place("d1"), Place("b1", "d1")]
"""A district and its one beat, b1: where the small hand-made cities live."""


def beat_people(*members: str) -> list[Person]:
    """The officers P1 and P2 and the ``members`` (faith sector, regular priority), all
    of the beat b1."""
    return [
        Person("P1", "officer", areas=("b1",)),
        Person("P2", "officer", areas=("b1",)),
        *(Person(k, "member", Sector.FAITH, Priority.REGULAR, areas=("b1",)) for k in members),
    ]


# ----------------------------------------------------------------------------- loading


def _record(p: Person) -> Officer | CommunityMember | PartnerAgency:
    since = None if p.since is None else dt_of(p.since)
    until = None if p.until is None else dt_of(p.until)
    common = {"name": f"Name of {p.key}", "since": since, "until": until}
    if p.kind == "officer":
        return Officer(p.key, unit=p.unit, areas=p.areas, **common)
    if p.kind == "member":
        return CommunityMember(
            p.key,
            sector=p.sector,
            priority=p.priority,
            area=p.areas[0] if p.areas else None,
            **common,
        )
    return PartnerAgency(p.key, sector=p.sector, priority=p.priority, areas=p.areas, **common)


def interaction_of(e: Event) -> Interaction:
    """The event as the Interaction rbp logs."""
    return Interaction(
        at=dt_of(e.at),
        kind=InteractionKind.MEETING,
        participants=e.participants,
        areas=e.areas,
        attendees=e.attendees,
        follow_up_by=None if e.follow_up_by is None else dt_of(e.follow_up_by),
    )


def log_events(crm: rbp.Store, events: Sequence[Event]) -> list[Event]:
    """Log ``events`` in one call; returns them with the ids the store gave."""
    ids = crm.interactions.log_many(interaction_of(e) for e in events)
    return [replace(e, id=i) for e, i in zip(events, ids, strict=True)]


def load(crm: rbp.Store, city: City) -> City:
    """Write ``city`` into an empty store; returns it with interaction ids filled in."""
    items: list[Area | Officer | CommunityMember | PartnerAgency] = [
        Area(p.key, parent=p.parent, expected_sectors=p.expected) for p in city.places
    ]
    items += [_record(p) for p in city.people]
    crm.directory.add_many(items)
    for link in city.links:
        crm.directory.relate(
            link.a,
            link.b,
            link.kind,
            since=None if link.since is None else dt_of(link.since),
            until=None if link.until is None else dt_of(link.until),
        )
    return replace(city, events=log_events(crm, city.events))


@contextlib.contextmanager
def loaded_store(
    kind: str, city: City, *, pg_cluster: PgCluster, folder: Path, **options: object
) -> Iterator[tuple[rbp.Store, City]]:
    """A store of ``kind`` ("sqlite-memory", "sqlite-file", "postgresql") with ``city``
    loaded; closed (and its PostgreSQL database dropped) after."""
    url: str | None = None
    database = None
    if kind == "sqlite-file":
        url = str(folder / "city.db")
    elif kind == "postgresql":
        pg_cluster.admin_url()
        database = pg_cluster.create_database()
        url = pg_cluster.url(database)
    try:
        crm = rbp.open(url, **{"tz": TZ, "actor": "test", "clock": fixed_clock, **options})
        try:
            yield crm, load(crm, city)
        finally:
            crm.close()
    finally:
        if database is not None:
            pg_cluster.drop_database(database)


# ----------------------------------------------------------------------------- hypothesis


def _offsets() -> st.SearchStrategy[int]:
    """Microseconds relative to T, mostly before it, often on a boundary (± 1 µs)."""
    boundary = st.builds(
        lambda d, j: -d * DAY + j, st.sampled_from(BOUNDARY_DAYS), st.sampled_from([0, 0, 1, -1])
    )
    anywhere = st.integers(-800 * DAY, 0)
    after = st.integers(1, 40 * DAY)
    return st.one_of(boundary, anywhere, anywhere, after)


@st.composite
def _lifespan(draw: st.DrawFn) -> tuple[int | None, int | None]:
    """Optional since/until around T (since <= until): mostly always present."""
    if draw(st.integers(0, 3)):
        return None, None
    marks = st.none() | st.sampled_from([-400 * DAY, -10 * DAY, -1, 0, 1, 10 * DAY]).map(
        lambda d: T + d
    )
    since, until = draw(marks), draw(marks)
    if since is not None and until is not None and until < since:
        since, until = until, since
    return since, until


@st.composite
def cities(
    draw: st.DrawFn,
    *,
    max_areas: int = 5,
    max_officers: int = 3,
    max_members: int = 7,
    max_agencies: int = 3,
    max_events: int = 40,
) -> City:
    """A small city: an area forest, officers, members of several sectors and
    priorities, agencies, declared relationships, and 0-``max_events`` interactions."""
    n_areas = draw(st.integers(1, max_areas))
    places = []
    for i in range(n_areas):
        parent = draw(st.none() | st.sampled_from([f"a{j}" for j in range(i)])) if i else None
        expected = draw(
            st.just(()) | st.lists(st.sampled_from(SECTORS), min_size=1, max_size=3, unique=True)
        )
        places.append(Place(f"a{i}", parent, tuple(expected)))
    area_keys = [p.key for p in places]
    subset = st.lists(st.sampled_from(area_keys), max_size=3, unique=True).map(tuple)
    people: list[Person] = []
    for i in range(draw(st.integers(1, max_officers))):
        since, until = draw(_lifespan())
        people.append(
            Person(f"P{i}", "officer", areas=draw(subset), since=since, until=until, unit="CSP")
        )
    for i in range(draw(st.integers(1, max_members))):
        since, until = draw(_lifespan())
        people.append(
            Person(
                f"m{i}",
                "member",
                sector=draw(st.sampled_from(SECTORS)),
                priority=draw(st.sampled_from(Priority)),
                areas=draw(st.just(()) | st.sampled_from(area_keys).map(lambda a: (a,))),
                since=since,
                until=until,
            )
        )
    for i in range(draw(st.integers(0, max_agencies))):
        since, until = draw(_lifespan())
        people.append(
            Person(
                f"org{i}",
                "agency",
                sector=draw(st.sampled_from(SECTORS)),
                priority=draw(st.sampled_from(Priority)),
                areas=draw(subset),
                since=since,
                until=until,
            )
        )
    keys = [p.key for p in people]
    links = []
    for _ in range(draw(st.integers(0, 3))):
        a, b = draw(st.lists(st.sampled_from(keys), min_size=2, max_size=2, unique=True))
        since, until = draw(_lifespan())
        links.append(Link(a, b, draw(st.sampled_from(RelationshipKind)), since, until))
    events = []
    for _ in range(draw(st.integers(0, max_events))):
        at = T + draw(_offsets())
        who = draw(st.lists(st.sampled_from(keys), min_size=1, max_size=4, unique=True))
        promise = draw(st.none() | st.sampled_from([0, 1, 20, 60]))
        follow = None if promise is None else at + promise * DAY
        events.append(
            Event(
                at=at,
                participants=tuple(sorted(who)),
                areas=tuple(
                    sorted(draw(st.lists(st.sampled_from(area_keys), max_size=2, unique=True)))
                ),
                attendees=draw(st.sampled_from([0, 0, 0, 2, 21, 22, 23, 30])),
                follow_up_by=follow,
            )
        )
    return City(places=places, people=people, links=links, events=events)


# ----------------------------------------------------------------------------- a seeded city


def random_city(
    seed: int,
    *,
    n_areas: int = 8,
    n_officers: int = 6,
    n_members: int = 60,
    n_agencies: int = 8,
    n_links: int = 20,
    n_events: int = 600,
    n_satellites: int = 6,
) -> City:
    """A moderate city drawn from ``random.Random(seed)``, with the same kinds of edge
    cases as :func:`cities` (boundaries, presence windows, big groups, promises)."""
    rng = random.Random(seed)
    places = []
    for i in range(n_areas):
        if i == 0:
            parent = None
        elif i < 3:
            parent = rng.choice([None, "a0"])
        else:
            parent = f"a{rng.randrange(i)}"
        expected = tuple(rng.sample(SECTORS, rng.randint(1, 3))) if rng.random() < 0.4 else ()
        places.append(Place(f"a{i}", parent, expected))
    area_keys = [p.key for p in places]

    def life() -> tuple[int | None, int | None]:
        roll = rng.random()
        if roll < 0.75:
            return None, None
        if roll < 0.85:  # joins: before T, exactly at T, or after it
            return rng.choice([T - 400 * DAY, T - 30 * DAY, T, T + 1, T + 5 * DAY]), None
        if roll < 0.95:  # leaves
            return None, rng.choice([T - 200 * DAY, T - 1, T, T + 60 * DAY])
        return T - 200 * DAY, rng.choice([T - 100 * DAY, T + DAY])

    people = []
    for i in range(n_officers):
        s, u = life()
        areas = tuple(sorted(rng.sample(area_keys, rng.randint(0, 2))))
        people.append(Person(f"P{i:02d}", "officer", areas=areas, since=s, until=u, unit="CSP"))
    for i in range(n_members):
        s, u = life()
        area = (rng.choice(area_keys),) if rng.random() < 0.9 else ()
        people.append(
            Person(
                f"m{i:03d}",
                "member",
                sector=rng.choice(SECTORS),
                priority=rng.choice(list(Priority)),
                areas=area,
                since=s,
                until=u,
            )
        )
    for i in range(n_agencies):
        s, u = life()
        areas = tuple(sorted(rng.sample(area_keys, rng.randint(0, 3))))
        people.append(
            Person(
                f"org{i:02d}",
                "agency",
                sector=rng.choice(SECTORS),
                priority=rng.choice(list(Priority)),
                areas=areas,
                since=s,
                until=u,
            )
        )
    officers = [p.key for p in people if p.kind == "officer"]
    others = [p.key for p in people if p.kind != "officer"]
    links = []
    for _ in range(n_links):
        a, b = rng.sample(others, 2) if rng.random() < 0.85 else (rng.choice(others), officers[0])
        s, u = life()
        links.append(Link(a, b, rng.choice(list(RelationshipKind)), s, u))
    events = []
    for _ in range(n_events):
        roll = rng.random()
        if roll < 0.25:
            at = T - rng.choice(BOUNDARY_DAYS) * DAY + rng.choice([0, 1, -1])
        elif roll < 0.9:
            at = T - rng.randrange(800 * DAY)
        else:
            at = T + rng.randrange(1, 60 * DAY)
        n_off = rng.choice([0, 1, 1, 1, 2])
        n_oth = rng.choice([0, 1, 1, 2, 3])
        who = rng.sample(officers, n_off) + rng.sample(others, n_oth)
        if not who:
            who = [rng.choice(others)]
        follow = at + rng.choice([0, 10, 45]) * DAY if rng.random() < 0.1 else None
        events.append(
            Event(
                at=at,
                participants=tuple(sorted(who)),
                areas=tuple(sorted(rng.sample(area_keys, rng.choice([0, 1, 1, 2])))),
                attendees=rng.choice([0, 0, 0, 0, 3, 21, 22, 23, 40]),
                follow_up_by=follow,
            )
        )
    # Satellites: members known only through another member, in short chains, so some
    # stakeholders are the only path between others and the department (brokers).
    for i in range(n_satellites):
        key = f"s{i:02d}"
        people.append(
            Person(key, "member", sector=rng.choice(SECTORS), priority=Priority.LOW, areas=())
        )
        via = f"s{i - 1:02d}" if i % 3 else rng.choice(others)
        events.append(
            Event(at=T - rng.randrange(1, 300) * DAY, participants=tuple(sorted((via, key))))
        )
    return City(places=places, people=people, links=links, events=events)
