"""Small random contact logs, and brute-force answers computed from them in plain Python.

The integration tests of ``crm.interactions`` log a :class:`Log` and compare what the
store answers with what the functions here compute from the Python-side list of
interactions: a second path that shares no code with ``rbp.interactions`` (times are
turned into epoch microseconds with :mod:`calendar`, not with ``rbp._time``).

* :func:`logs` draws a directory (a fixed area tree, a few officers, members and
  agencies, some with ``since``/``until``) and 1-15 interactions of 1-6 participants at
  random aware times in random zones over about two years, plus the as-of times to ask
  at: before, between and after the events, exactly at events and at status boundaries.
* :func:`expected_ties`, :func:`expected_parts` and :func:`expected_follow_ups` are the
  brute-force answers.
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import pendulum
from hypothesis import strategies as st

from rbp import Area, CommunityMember, Officer, PartnerAgency, Priority
from rbp.interactions import FollowUpReason, Interaction, InteractionKind, TieStatus
from rbp.settings import Settings
from tests.strategies import texts, zones

__all__ = [
    "AREA_CHILDREN",
    "AREAS",
    "BASE",
    "DAY_US",
    "DEFAULTS",
    "Definitions",
    "ExpectedTie",
    "Log",
    "TOPICS",
    "descendants",
    "expected_follow_ups",
    "expected_parts",
    "expected_ties",
    "find_queries",
    "in_zone",
    "interaction_fields",
    "logs",
    "micros",
    "pairs_of",
    "definitions",
]

DAY_US = 86_400 * 1_000_000
BASE = dt.datetime(2024, 7, 1, tzinfo=dt.UTC)
"""The log starts here and runs for about two years."""
SPAN_US = 730 * DAY_US

AREAS = [
    Area("city"),
    Area("d-1", parent="city"),
    Area("d-2", parent="city"),
    Area("b-11", parent="d-1"),
    Area("b-12", parent="d-1"),
    Area("b-21", parent="d-2"),
]
AREA_CHILDREN = {"city": ("d-1", "d-2"), "d-1": ("b-11", "b-12"), "d-2": ("b-21",)}
PLACES = ("b-11", "b-12", "b-21", "b-11", "b-12", "b-21", "d-1", "city")
"""Areas interactions happen in: mostly beats, so finding by district needs the tree."""
TOPICS = ("housing", "noise", "traffic", "youth")
OFFICER_KEYS = ("P1", "P2", "P3")
MEMBER_KEYS = ("m-1", "m-2", "m-3", "m-4", "m-5")
AGENCY_KEYS = ("org-1", "org-2")
ALL_KEYS = (*OFFICER_KEYS, *MEMBER_KEYS, *AGENCY_KEYS)

Stakeholder = Officer | CommunityMember | PartnerAgency


def micros(value: dt.datetime) -> int:
    """Epoch microseconds (UTC) of an aware datetime, through :mod:`calendar`."""
    assert value.tzinfo is not None
    return calendar.timegm(value.utctimetuple()) * 1_000_000 + value.microsecond


def descendants(area: str) -> set[str]:
    """``area`` and every area below it in :data:`AREAS`."""
    out = {area}
    for child in AREA_CHILDREN.get(area, ()):
        out |= descendants(child)
    return out


# ----------------------------------------------------------------------------- drawing


def in_zone(instant_us: int, zone: dt.tzinfo, as_pendulum: bool) -> dt.datetime:
    """The instant ``instant_us`` as an aware datetime in ``zone`` (stdlib or pendulum)."""
    value = (
        dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=instant_us)
    ).astimezone(zone)
    return pendulum.instance(value) if as_pendulum else value


@st.composite
def _instants(draw: st.DrawFn, lo: int, hi: int) -> dt.datetime:
    return in_zone(draw(st.integers(lo, hi)), draw(zones), draw(st.booleans()))


DEFAULT_CADENCE = {"key": 30, "regular": 90, "low": 180}
"""Days between contacts by priority, as DESIGN.md defines them."""


@attrs.frozen
class Definitions:
    """The half-life and cadences a log is judged by, and the Settings that say so."""

    half_life: dt.timedelta
    cadence: dict[str, int]  # priority value -> days
    settings: Settings | None  # None: the store's defaults


DEFAULTS = Definitions(half_life=dt.timedelta(days=90), cadence=DEFAULT_CADENCE, settings=None)


@st.composite
def definitions(draw: st.DrawFn) -> Definitions:
    """A random half-life (an hour to 400 days) and random cadences for some priorities.

    Half the half-lives are under two days, so that contacts two years old are more than
    a thousand half-lives away and ``0.5 ** (age / half_life)`` underflows.
    """
    half_life = draw(
        st.timedeltas(min_value=dt.timedelta(hours=1), max_value=dt.timedelta(days=2))
        | st.timedeltas(min_value=dt.timedelta(days=2), max_value=dt.timedelta(days=400))
    )
    changed = draw(st.dictionaries(st.sampled_from(Priority), st.integers(1, 400)))
    cadence = {**DEFAULT_CADENCE, **{p.value: days for p, days in changed.items()}}
    return Definitions(
        half_life=half_life,
        cadence=cadence,
        settings=Settings(half_life=half_life, cadence=changed),
    )


@attrs.frozen
class Log:
    """A directory, a contact log and the times to ask about it.

    ``fields`` are the raw keyword arguments drawn for each interaction, ``items`` what
    is passed to ``log_many`` (each an Interaction or its ``fields`` mapping), and
    ``interactions`` the same as Interaction records, all in the same order.
    """

    people: list[Stakeholder]
    fields: list[dict[str, Any]]
    interactions: list[Interaction]
    items: list[Interaction | dict[str, Any]]
    as_of: list[dt.datetime]
    rules: Definitions

    @property
    def directory(self) -> list[Area | Stakeholder]:
        return [*AREAS, *self.people]

    @property
    def officers(self) -> list[str]:
        return [p.key for p in self.people if isinstance(p, Officer)]

    @property
    def others(self) -> list[str]:
        return [p.key for p in self.people if not isinstance(p, Officer)]


def _window(draw: st.DrawFn) -> tuple[dt.datetime | None, dt.datetime | None]:
    lo, hi = -60 * DAY_US, SPAN_US + 60 * DAY_US
    since = draw(st.none() | _instants(micros(BASE) + lo, micros(BASE) + hi))
    until = draw(st.none() | _instants(micros(BASE) + lo, micros(BASE) + hi))
    if since is not None and until is not None and micros(until) < micros(since):
        since, until = until, since
    return since, until


def _people(draw: st.DrawFn) -> list[Stakeholder]:
    n_officers = draw(st.integers(1, len(OFFICER_KEYS)))
    n_members = draw(st.integers(1, len(MEMBER_KEYS)))
    n_agencies = draw(st.integers(0, len(AGENCY_KEYS)))
    people: list[Stakeholder] = []
    for key in OFFICER_KEYS[:n_officers]:
        since, until = _window(draw) if draw(st.booleans()) else (None, None)
        people.append(Officer(key, since=since, until=until, areas=("d-1",)))
    for key in MEMBER_KEYS[:n_members]:
        since, until = _window(draw) if draw(st.booleans()) else (None, None)
        people.append(
            CommunityMember(
                key,
                since=since,
                until=until,
                area=draw(st.sampled_from([a.key for a in AREAS])),
                priority=draw(st.sampled_from(Priority)),
            )
        )
    for key in AGENCY_KEYS[:n_agencies]:
        since, until = _window(draw) if draw(st.booleans()) else (None, None)
        people.append(
            PartnerAgency(key, since=since, until=until, priority=draw(st.sampled_from(Priority)))
        )
    return people


def interaction_fields(draw: st.DrawFn, keys: Sequence[str], at_us: int) -> dict[str, Any]:
    """Keyword arguments of a valid Interaction at ``at_us`` among stakeholders ``keys``."""
    at = in_zone(at_us, draw(zones), draw(st.booleans()))
    fields: dict[str, Any] = {
        "at": at,
        "kind": draw(
            st.sampled_from(InteractionKind) | st.sampled_from([k.value for k in InteractionKind])
        ),
        "participants": tuple(
            draw(
                st.lists(st.sampled_from(keys), min_size=1, max_size=min(6, len(keys)), unique=True)
            )
        ),
    }
    if draw(st.integers(0, 3)):
        fields["areas"] = tuple(draw(st.lists(st.sampled_from(PLACES), max_size=2)))
    if draw(st.booleans()):
        fields["topics"] = tuple(draw(st.lists(st.sampled_from(TOPICS), max_size=2)))
    if draw(st.booleans()):
        fields["attendees"] = draw(st.integers(0, 60))
    if draw(st.booleans()):
        fields["duration"] = dt.timedelta(seconds=draw(st.integers(0, 6 * 3600)))
    if draw(st.booleans()):
        fields["follow_up_by"] = in_zone(
            at_us + draw(st.integers(0, 200 * DAY_US)), draw(zones), draw(st.booleans())
        )
    if draw(st.booleans()):
        fields["notes"] = draw(texts(40))
    if draw(st.integers(0, 3)) == 0:
        fields["plan"] = "plan-1"
    if draw(st.integers(0, 3)) == 0:
        fields["concern"] = "c-9"
    return fields


def _candidates(
    people: Sequence[Stakeholder], interactions: Sequence[Interaction], rules: Definitions
) -> list[int]:
    """As-of times worth asking at, in epoch microseconds."""
    times = sorted({micros(i.at) for i in interactions})
    out = {micros(BASE) - DAY_US, times[-1] + 1000 * DAY_US}
    for t in times:
        out |= {t - 1, t, t + 1}
        for c in set(rules.cadence.values()):
            for k in (1, 2, 4):
                out |= {t + k * c * DAY_US, t + k * c * DAY_US + 1}
    out |= {(a + b) // 2 for a, b in itertools.pairwise(times)}
    for p in people:
        for edge in (p.since, p.until):
            if edge is not None:
                out |= {micros(edge) - 1, micros(edge), micros(edge) + 1}
    for i in interactions:
        if i.follow_up_by is not None:
            out |= {micros(i.follow_up_by), micros(i.follow_up_by) + 1}
    return sorted(out)


def _status_edges(
    people: Sequence[Stakeholder], interactions: Sequence[Interaction], rules: Definitions
) -> list[int]:
    """``t + c``, ``t + 2c``, ``t + 4c`` (and 1 µs later) for each officer x non-officer
    contact at ``t``, with ``c`` the cadence of that non-officer."""
    officers = _officer_keys(people)
    cadence = _cadence_of(people, rules)
    out = set()
    for interaction in interactions:
        t = micros(interaction.at)
        for _, s in pairs_of(interaction, officers):
            for k in (1, 2, 4):
                edge = t + k * cadence[s] * DAY_US
                out |= {edge, edge + 1}
    return sorted(out)


@st.composite
def logs(draw: st.DrawFn, *, custom_settings: bool = False, max_interactions: int = 15) -> Log:
    """A directory, 1..``max_interactions`` interactions and a few as-of times."""
    rules = draw(definitions()) if custom_settings else DEFAULTS
    people = _people(draw)
    keys = [p.key for p in people]
    drawn: list[dict[str, Any]] = []
    interactions: list[Interaction] = []
    items: list[Interaction | dict[str, Any]] = []
    for _ in range(draw(st.integers(1, max_interactions))):
        if interactions and draw(st.integers(0, 3)) == 0:  # the same instant as another one
            at_us = micros(draw(st.sampled_from(interactions)).at)
        else:
            at_us = micros(BASE) + draw(st.integers(0, SPAN_US))
        fields = interaction_fields(draw, keys, at_us)
        interaction = Interaction(**fields)
        drawn.append(fields)
        interactions.append(interaction)
        items.append(fields if draw(st.booleans()) else interaction)
    # a third of the times are exactly at an event (or 1 µs off), a third on a status
    # boundary of some pair, a third anywhere else worth asking
    at_events = sorted({micros(i.at) + d for i in interactions for d in (-1, 0, 1)})
    candidates = st.sampled_from(at_events) | st.sampled_from(
        _candidates(people, interactions, rules)
    )
    edges = _status_edges(people, interactions, rules)
    if edges:
        candidates = candidates | st.sampled_from(edges)
    chosen = draw(st.lists(candidates, min_size=1, max_size=6, unique=True))
    as_of = [in_zone(t, draw(zones), draw(st.booleans())) for t in chosen]
    return Log(
        people=people,
        fields=drawn,
        interactions=interactions,
        items=items,
        as_of=as_of,
        rules=rules,
    )


@st.composite
def find_queries(draw: st.DrawFn) -> dict[str, Any]:
    """Keyword arguments for ``crm.interactions.find``: any mix of its filters."""
    query: dict[str, Any] = {}
    lo, hi = micros(BASE) - 10 * DAY_US, micros(BASE) + SPAN_US + 10 * DAY_US
    options: dict[str, st.SearchStrategy[Any]] = {
        "stakeholder": st.sampled_from([*ALL_KEYS, "zz-404"]),
        "area": st.sampled_from(["city", "d-1", "d-2", "d-1", "d-2", "b-11", "b-12", "b-21"]),
        "kind": st.sampled_from(InteractionKind)
        | st.sampled_from([k.value for k in InteractionKind]),
        "topic": st.sampled_from([*TOPICS, "nothing"]),
        "since": _instants(lo, hi),
        "until": _instants(lo, hi),
        "newest_first": st.booleans(),
        "limit": st.integers(0, 6),
        "offset": st.integers(0, 6),
    }
    for name, strategy in options.items():
        if draw(st.integers(0, 3)) == 0:  # a few filters at a time, or most answers are empty
            query[name] = draw(strategy)
    return query


# ----------------------------------------------------------------------------- brute force


def _present(people: Iterable[Stakeholder], at_us: int) -> set[str]:
    """Keys of the stakeholders part of the picture at ``at_us``."""
    return {
        p.key
        for p in people
        if (p.since is None or micros(p.since) <= at_us)
        and (p.until is None or micros(p.until) >= at_us)
    }


def pairs_of(interaction: Interaction, officers: set[str]) -> list[tuple[str, str]]:
    """The (officer, non-officer) pairs of one interaction."""
    inside = [k for k in interaction.participants if k in officers]
    outside = [k for k in interaction.participants if k not in officers]
    return [(o, s) for o in inside for s in outside]


def _officer_keys(people: Iterable[Stakeholder]) -> set[str]:
    return {p.key for p in people if isinstance(p, Officer)}


@attrs.frozen
class ExpectedTie:
    count: int
    first: int
    last: int
    strength: float
    status: TieStatus
    cadence_days: int


def _status(age_us: int, cadence_days: int) -> TieStatus:
    c = dt.timedelta(days=cadence_days)
    age = dt.timedelta(microseconds=age_us)
    if age <= c:
        return TieStatus.ACTIVE
    if age <= 2 * c:
        return TieStatus.COOLING
    if age <= 4 * c:
        return TieStatus.DORMANT
    return TieStatus.LAPSED


def _cadence_of(people: Iterable[Stakeholder], rules: Definitions) -> dict[str, int]:
    return {
        p.key: rules.cadence[p.priority.value]
        for p in people
        if isinstance(p, CommunityMember | PartnerAgency)
    }


def expected_parts(
    people: Sequence[Stakeholder],
    interactions: Sequence[Interaction],
    ids: Sequence[int],
    at_us: int,
) -> dict[tuple[str, str], list[tuple[int, int]]]:
    """(interaction time, id) of every shared contact at or before ``at_us``, per pair,
    for pairs whose both ends are part of the picture at ``at_us``; sorted by time, id."""
    officers = _officer_keys(people)
    present = _present(people, at_us)
    out: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for iid, interaction in zip(ids, interactions, strict=True):
        t = micros(interaction.at)
        if t > at_us:
            continue
        for o, s in pairs_of(interaction, officers):
            if o in present and s in present:
                out[(o, s)].append((t, iid))
    return {pair: sorted(parts) for pair, parts in out.items()}


def expected_ties(
    people: Sequence[Stakeholder],
    interactions: Sequence[Interaction],
    ids: Sequence[int],
    at_us: int,
    rules: Definitions,
) -> dict[tuple[str, str], ExpectedTie]:
    """Every officer tie as of ``at_us``, by brute force."""
    half_life_s = rules.half_life.total_seconds()
    cadence = _cadence_of(people, rules)
    out = {}
    for (o, s), parts in expected_parts(people, interactions, ids, at_us).items():
        times = [t for t, _ in parts]
        last = max(times)
        out[(o, s)] = ExpectedTie(
            count=len(times),
            first=min(times),
            last=last,
            strength=sum(0.5 ** (((at_us - t) / 1e6) / half_life_s) for t in times),
            status=_status(at_us - last, cadence[s]),
            cadence_days=cadence[s],
        )
    return out


FollowUpRow = tuple[str, str, FollowUpReason, int, int, int, int | None]
"""(officer, stakeholder, reason, last, due, suggested, interaction), times in microseconds."""


def expected_follow_ups(
    people: Sequence[Stakeholder],
    interactions: Sequence[Interaction],
    ids: Sequence[int],
    at_us: int,
    rules: Definitions,
    officer: str | None = None,
) -> list[FollowUpRow]:
    """The follow-up list as of ``at_us`` by brute force, in no particular order."""
    out: list[FollowUpRow] = []
    for (o, s), tie in expected_ties(people, interactions, ids, at_us, rules).items():
        if tie.status not in (TieStatus.COOLING, TieStatus.DORMANT):
            continue
        c = tie.cadence_days * DAY_US
        cooling = tie.status is TieStatus.COOLING
        out.append(
            (
                o,
                s,
                FollowUpReason.COOLING if cooling else FollowUpReason.DORMANT,
                tie.last,
                tie.last + c,
                tie.last + (2 if cooling else 4) * c,
                None,
            )
        )
    officers = _officer_keys(people)
    present = _present(people, at_us)
    contacts: dict[tuple[str, str], list[int]] = defaultdict(list)
    for interaction in interactions:
        for pair in pairs_of(interaction, officers):
            contacts[pair].append(micros(interaction.at))
    for iid, interaction in zip(ids, interactions, strict=True):
        if interaction.follow_up_by is None or micros(interaction.follow_up_by) > at_us:
            continue
        t = micros(interaction.at)
        for o, s in pairs_of(interaction, officers):
            if o not in present or s not in present:
                continue
            if any(t < u <= at_us for u in contacts[(o, s)]):
                continue  # they were in touch again after it
            out.append(
                (o, s, FollowUpReason.OVERDUE, t, micros(interaction.follow_up_by), at_us, iid)
            )
    return [row for row in out if officer is None or row[0] == officer]


def as_mapping(interaction: Interaction) -> Mapping[str, Any]:
    """The fields of an interaction as a plain dict (no id)."""
    out = attrs.asdict(interaction, recurse=False)
    out.pop("id")
    return out
