"""The synthetic contact log: interactions drawn from officers' portfolios.

The total is split exactly over (month, officer) cells in proportion to the
officer's rate and the month's activity weight (season, weekdays, holidays), so
the count is exactly what was asked. Interactions come out in time order (ids
rise with time), a month at a time, holding only one integer per interaction of
the month until it is made and handed out.

The per-interaction work is kept small: the interaction's shape (kind, how many
members, agencies and colleagues, duration) comes from a precomputed table with
one random number, portfolios hold cumulative weights (one ``bisect`` per draw),
days come from the calendar's cumulative weights, and local times are built from
precomputed (year, month, day) tuples.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

import attrs
import pendulum

from rbp.interactions import Interaction, InteractionKind
from rbp.synth._calendar import Calendar
from rbp.synth._portfolio import CA, CSP, HOU, PATROL, YOUTH, Duty

__all__ = ["Row", "allocate", "from_rows", "rows", "stream"]

K = InteractionKind
_T = TypeVar("_T")
Row = tuple[
    int, str, tuple[str, ...], tuple[str, ...], tuple[str, ...], int, int | None, int | None,
    str | None,
]  # fmt: skip
"""One drawn interaction as plain values (:func:`rows`): the minute of the period it
happened, its kind's value, participants, areas, topics, attendees, duration in
seconds or None, the minute of its follow-up date or None, and notes."""
_TABLE = 4096
_MISSING: Any = object()
_NEW = object.__new__
# The record's slots, filled straight (see :func:`_record`).
_FIELDS = tuple(a.name for a in attrs.fields(Interaction))
assert _FIELDS == (
    "at", "kind", "participants", "areas", "topics", "attendees", "duration",
    "follow_up_by", "plan", "concern", "notes", "id",
), "the record's fields changed: update _record"  # fmt: skip
(
    _PUT_AT, _PUT_KIND, _PUT_PARTICIPANTS, _PUT_AREAS, _PUT_TOPICS, _PUT_ATTENDEES,
    _PUT_DURATION, _PUT_FOLLOW_UP_BY, _PUT_PLAN, _PUT_CONCERN, _PUT_NOTES, _PUT_ID,
) = (Interaction.__dict__[name].__set__ for name in _FIELDS)  # the record's slots  # fmt: skip


class _Kind:
    """How an interaction of one kind is put together."""

    def __init__(
        self,
        kind: InteractionKind,
        *,
        members: Sequence[int],
        agencies: Sequence[int],
        colleagues: Sequence[int] = (0,),
        hours: Sequence[int] = (9, 10, 10, 11, 11, 13, 14, 14, 15, 16, 17, 18, 19),
        durations: Sequence[int] = (),
        follow_up: float = 0.04,
        place: bool = True,
    ) -> None:
        self.kind = kind
        self.members = tuple(members)
        self.agencies = tuple(agencies)
        self.colleagues = tuple(colleagues)
        self.minutes = tuple(h * 60 + q for h in hours for q in (0, 15, 30, 45))
        # As the record keeps them (whole seconds, a pendulum Duration).
        self.durations = tuple(pendulum.duration(minutes=m) for m in durations)
        self.follow_up = follow_up
        self.place = place


_EVENING = (10, 11, 14, 17, 18, 18, 19, 19, 19, 20)
_KINDS = {
    K.MEETING: _Kind(K.MEETING, members=(1,) * 8 + (2, 2), agencies=(0,) * 5 + (1,),
                     colleagues=(0,) * 9 + (1,), durations=(30, 45, 60, 60, 90), follow_up=0.08),
    K.CALL: _Kind(K.CALL, members=(1, 1, 1, 1, 0), agencies=(0, 0, 0, 0, 1), place=False),
    K.SERVICE_CALL: _Kind(K.SERVICE_CALL, members=(1,), agencies=(0,), colleagues=(0, 0, 0, 1),
                          hours=tuple(range(7, 23)), follow_up=0.15),
    K.FOLLOW_UP: _Kind(K.FOLLOW_UP, members=(1,) * 6 + (0,), agencies=(0,) * 6 + (1,)),
    K.JOINT_OUTREACH: _Kind(K.JOINT_OUTREACH, members=(0, 1, 1, 2), agencies=(1, 1, 2),
                            colleagues=(0, 0, 0, 1), hours=(7, 8, 9, 10, 11, 13, 14, 15),
                            durations=(60, 90, 120, 180)),
    K.COMMUNITY_EVENT: _Kind(K.COMMUNITY_EVENT, members=(2, 3, 3, 4, 5, 6), agencies=(0, 0, 1, 2),
                             colleagues=(0, 0, 1, 1, 2), hours=_EVENING, durations=(90, 120, 180)),
    K.CASE_CONFERENCE: _Kind(K.CASE_CONFERENCE, members=(0, 0, 1), agencies=(3, 3, 4, 5),
                             hours=(9, 10, 11, 13, 14, 15), durations=(45, 60, 90), follow_up=0.3),
    K.REFERRAL: _Kind(K.REFERRAL, members=(1,), agencies=(1,), follow_up=0.3),
    K.RIDE_ALONG: _Kind(K.RIDE_ALONG, members=(1,), agencies=(0,), hours=(15, 16, 17, 18, 19),
                        durations=(120, 180, 240)),
    K.EMAIL: _Kind(K.EMAIL, members=(1, 1, 0), agencies=(0, 0, 1), place=False,
                   hours=tuple(range(8, 18))),
}  # fmt: skip
_ORDER = tuple(_KINDS)
#              MEET CALL SERV FOLL OUTR EVNT CONF REFR RIDE MAIL
_MIX = {
    PATROL: (25, 15, 30, 10, 3, 5, 1, 6, 2, 3),
    CSP: (35, 15, 10, 12, 5, 10, 2, 6, 2, 3),
    HOU: (15, 10, 8, 10, 30, 3, 12, 10, 0, 2),
    YOUTH: (30, 12, 5, 10, 5, 15, 3, 5, 10, 5),
    CA: (35, 20, 2, 8, 3, 15, 3, 4, 2, 8),
}
_TOPICS = {
    PATROL: ("traffic-safety", "noise", "graffiti", "business-theft", "drug-activity",
             "lighting", "abandoned-vehicles", "park-safety", "trust-building"),
    CSP: ("youth-programs", "housing-conditions", "gang-intervention", "park-safety",
          "trust-building", "senior-safety", "lighting", "school-safety"),
    HOU: ("homelessness", "mental-health", "encampment", "shelter-beds", "substance-use",
          "housing-placement"),
    YOUTH: ("youth-programs", "school-safety", "mentoring", "summer-jobs", "gang-intervention"),
    CA: ("trust-building", "community-event", "faith-partnership", "business-district",
         "domestic-violence", "senior-safety", "youth-programs"),
}  # fmt: skip
_NOTES = (
    "Discussed {} and agreed on next steps.",
    "Checked in after the last meeting about {}.",
    "Walked the block together; noted {} concerns.",
    "Asked for a call back about {}.",
    "Shared the partner intake line for {}.",
    "Good turnout; residents raised {}.",
)


def allocate(
    rng: random.Random, duties: Sequence[Duty], cal: Calendar, total: int
) -> list[list[tuple[int, int]]]:
    """Split ``total`` exactly into (officer, count) cells for each month of the calendar."""
    cells: list[tuple[int, int]] = []
    want: list[float] = []
    for m, (lo_m, hi_m) in enumerate(cal.months):
        for i, d in enumerate(duties):
            w = cal.weight(max(lo_m, d.first), min(hi_m, d.last))
            if w > 0:
                cells.append((m, i))
                want.append(d.rate * w * rng.uniform(0.75, 1.25))
    out: list[list[tuple[int, int]]] = [[] for _ in cal.months]
    if not cells:
        if total:
            raise ValueError("no officer is active in the period; nobody can log interactions")
        return out
    scale = total / sum(want)
    exact = [w * scale for w in want]
    counts = [int(x) for x in exact]
    short = total - sum(counts)
    by_remainder = sorted(range(len(exact)), key=lambda j: (counts[j] - exact[j], j))
    for j in by_remainder[:short]:
        counts[j] += 1
    for (m, i), c in zip(cells, counts, strict=True):
        if c:
            out[m].append((i, c))
    return out


def _scenarios(rng: random.Random, unit: str) -> list[tuple[Any, ...]]:
    """A table to draw a whole interaction shape from with one random number.

    Each entry: (kind, members, agencies, colleagues, minutes of day, duration,
    chance of a follow-up date, whether it has a place).
    """
    kinds = rng.choices([_KINDS[k] for k in _ORDER], weights=_MIX[unit], k=_TABLE)
    return [
        (
            k.kind,
            rng.choice(k.members),
            rng.choice(k.agencies),
            rng.choice(k.colleagues),
            k.minutes,
            rng.choice(k.durations) if k.durations else None,
            k.follow_up,
            k.place,
        )
        for k in kinds
    ]


def _topic_table(rng: random.Random, unit: str) -> list[tuple[str, ...]]:
    """Topic tuples: none (45%), one (45%) or two (10%) of the unit's usual topics."""
    topics = _TOPICS[unit]
    out: list[tuple[str, ...]] = []
    for _ in range(_TABLE):
        r = rng.random()
        out.append(() if r >= 0.55 else tuple(sorted(set(rng.sample(topics, 1 + (r < 0.1))))))
    return out


def _maker(stamp: Callable[[int], pendulum.DateTime]) -> Callable[..., Interaction]:
    """``make`` for :func:`_drawn`: the record of one draw (times by ``stamp``)."""

    def make(
        when: int,
        kind: InteractionKind,
        participants: tuple[str, ...],
        areas: tuple[str, ...],
        topics: tuple[str, ...],
        attendees: int,
        duration: pendulum.Duration | None,
        follow: int | None,
        notes: str | None,
    ) -> Interaction:
        return _record(
            stamp(when),
            kind,
            participants,
            areas,
            topics,
            attendees,
            duration,
            None if follow is None else stamp(follow),
            notes,
        )

    return make


def _record(
    at: pendulum.DateTime,
    kind: InteractionKind,
    participants: tuple[str, ...],
    areas: tuple[str, ...],
    topics: tuple[str, ...],
    attendees: int,
    duration: pendulum.Duration | None,
    follow_up_by: pendulum.DateTime | None,
    notes: str | None,
) -> Interaction:
    """An :class:`Interaction` of values that are already what its checks would make
    of them, without running the checks again.

    The stream makes only such values (aware times from the calendar, sorted
    participant and topic tuples, kinds, whole-second durations as pendulum
    Durations, a follow-up after the contact); the tests check that
    :class:`Interaction` makes an equal record of each. Checking millions of records
    that this module built itself was more than half the cost of making them.
    """
    item = _NEW(Interaction)
    _PUT_AT(item, at)
    _PUT_KIND(item, kind)
    _PUT_PARTICIPANTS(item, participants)
    _PUT_AREAS(item, areas)
    _PUT_TOPICS(item, topics)
    _PUT_ATTENDEES(item, attendees)
    _PUT_DURATION(item, duration)
    _PUT_FOLLOW_UP_BY(item, follow_up_by)
    _PUT_PLAN(item, None)
    _PUT_CONCERN(item, None)
    _PUT_NOTES(item, notes)
    _PUT_ID(item, None)
    return item


def _times(cal: Calendar) -> Callable[[int], pendulum.DateTime]:
    """``cal.at`` by minute of the period (``day * 1440 + minute``), each made once:
    times fall on quarter hours, so a few hundred thousand make millions of stamps."""
    made: dict[int, pendulum.DateTime] = {}
    at = cal.at

    def stamp(when: int) -> pendulum.DateTime:
        found = made.get(when)
        if found is None:
            found = made[when] = at(*divmod(when, 1440))
        return found

    return stamp


def stream(seed: int, duties: Sequence[Duty], cal: Calendar, total: int) -> Iterator[Interaction]:
    """Exactly ``total`` interactions, in time order, the same for the same inputs.

    For each month, first every interaction's officer, shape and time are drawn
    and packed into one integer; the integers are sorted; then the interactions
    are made in that order and handed out one by one. Only integers wait in memory.
    """
    return _drawn(seed, duties, cal, total, _maker(_times(cal)))


def rows(seed: int, duties: Sequence[Duty], cal: Calendar, total: int) -> Iterator[Row]:
    """What :func:`stream` draws, as plain :data:`Row` tuples (ints, strings, tuples of
    strings and None: :mod:`marshal` writes them, e.g. to hand them to another
    process); :func:`from_rows` makes the same interactions of them."""
    seconds: dict[pendulum.Duration, int] = {}

    def make(
        when: int,
        kind: InteractionKind,
        participants: tuple[str, ...],
        areas: tuple[str, ...],
        topics: tuple[str, ...],
        attendees: int,
        duration: pendulum.Duration | None,
        follow: int | None,
        notes: str | None,
    ) -> Row:
        if duration is not None:  # a few distinct lengths: each one's seconds worked out once
            found = seconds.get(duration)
            secs = seconds[duration] = int(duration.total_seconds()) if found is None else found
        return (
            when,
            kind._value_,
            participants,
            areas,
            topics,
            attendees,
            None if duration is None else secs,
            follow,
            notes,
        )

    return _drawn(seed, duties, cal, total, make)


def from_rows(drawn: Iterable[Row], cal: Calendar) -> Iterator[Interaction]:
    """The interactions of :func:`rows`' tuples: equal, field by field, to those
    :func:`stream` makes of the same draws."""
    stamp = _times(cal)
    kinds = {k._value_: k for k in InteractionKind}
    durations: dict[int | None, pendulum.Duration | None] = {None: None}
    record = _record
    for when, kind, participants, areas, topics, attendees, secs, follow, notes in drawn:
        duration = durations.get(secs, _MISSING)
        if duration is _MISSING:  # a whole number of minutes (not None: that is there)
            duration = durations[secs] = pendulum.duration(minutes=(secs or 0) // 60)
        yield record(
            stamp(when),
            kinds[kind],
            participants,
            areas,
            topics,
            attendees,
            duration,
            None if follow is None else stamp(follow),
            notes,
        )


def _drawn(
    seed: int, duties: Sequence[Duty], cal: Calendar, total: int, make: Callable[..., _T]
) -> Iterator[_T]:
    """The draws of :func:`stream`, each handed to ``make`` (the minute of the period
    of the time and of the follow-up date, the other fields as the record has them)."""
    rng = random.Random(f"rbp.synth:{seed}:activity")
    rnd = rng.random
    draw_day = cal.day_drawer(rnd)
    plan = allocate(rng, duties, cal, total)
    units = list(_MIX)
    shapes = [_scenarios(rng, u) for u in units]
    topic_tables = [_topic_table(rng, u) for u in units]
    unit_of = [units.index(d.unit) for d in duties]
    event = K.COMMUNITY_EVENT
    outreach = K.JOINT_OUTREACH
    n_notes = len(_NOTES)
    n_duties = len(duties)
    for m, (lo_m, hi_m) in enumerate(cal.months):
        keys: list[int] = []
        for oi, count in plan[m]:
            d = duties[oi]
            lo, hi = max(lo_m, d.first), min(hi_m, d.last)
            shape = shapes[unit_of[oi]]
            for _ in range(count):
                s = int(rnd() * _TABLE)
                minutes = shape[s][4]
                when = draw_day(lo, hi) * 1440 + minutes[int(rnd() * len(minutes))]
                keys.append((when * _TABLE + s) * n_duties + oi)
        keys.sort()
        for packed in keys:
            rest, oi = divmod(packed, n_duties)
            when, s = divmod(rest, _TABLE)
            day = when // 1440
            d = duties[oi]
            kind, n_m, n_a, n_c, _, duration, p_follow, place = shapes[unit_of[oi]][s]
            parts = [d.key]
            area = None
            if n_m and d.m_cum:
                mk, mc, ml, mh = d.m_keys, d.m_cum, d.m_lo, d.m_hi
                top, last = mc[-1], len(mc) - 1
                for _n in range(n_m):
                    for _t in range(6):
                        j = bisect_right(mc, rnd() * top, 0, last)
                        if ml[j] <= day <= mh[j]:
                            if mk[j] not in parts:
                                parts.append(mk[j])
                                area = area or d.m_area[j]
                            break
            if n_a and d.a_cum:
                ak, ac, al, ah = d.a_keys, d.a_cum, d.a_lo, d.a_hi
                top, last = ac[-1], len(ac) - 1
                for _n in range(n_a):
                    for _t in range(6):
                        j = bisect_right(ac, rnd() * top, 0, last)
                        if al[j] <= day <= ah[j]:
                            if ak[j] not in parts:
                                parts.append(ak[j])
                            break
            mates = d.partners
            if n_c and mates:
                for _n in range(n_c):
                    other = duties[mates[int(rnd() * len(mates))]]
                    if other.first <= day <= other.last and other.key not in parts:
                        parts.append(other.key)
            topic = topic_tables[unit_of[oi]][int(rnd() * _TABLE)]
            attendees = 0
            if kind is event:
                attendees = min(500, int(rng.lognormvariate(3.6, 0.7)))
            elif kind is outreach:
                attendees = int(rnd() * 5)
            follow = None
            if rnd() < p_follow:
                follow = when + (3 + int(rnd() * 28)) * 1440
            notes = None
            if rnd() < 0.12:
                subject = topic[0].replace("-", " ") if topic else "local concerns"
                notes = _NOTES[int(rnd() * n_notes)].format(subject)
            parts.sort()
            yield make(
                when,
                kind,
                tuple(parts),
                (area or d.primary,) if place else (),
                topic,
                attendees,
                duration,
                follow,
                notes,
            )
