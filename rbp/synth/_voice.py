"""The community's voice in the synthetic city: survey responses, concerns and tips.

Plausible rhythms, every draw from its own seeded generator:

- **surveys**: about one interaction in twelve with a community member gets one
  response a day or two (24 to 60 hours) later, if that is still inside the period;
  overall satisfaction is mostly 4 or 5 with an officer's and a beat's own lean, the
  four procedural-justice items follow it, a few carry a short comment and a few name
  the member who answered;
- **concerns**: in the last half-year of the period each beat gets about one a month
  (some beats more, summer busier), with a category, a resident reporter or none;
  most are acknowledged in a day or three and resolved in one to five weeks, the
  newest are still open, and some are left unanswered, so the overdue list has something in it;
- **tips**: two anonymous tips a district in the last year.

The interactions to answer are chosen while the log streams into the store
(:class:`Sampler`), so the log is generated once and written at its bulk speed. Each
part is then one bulk call: the responses one ``record_many``, the concerns with their
status changes one ``report_many`` (a call per change took a transaction each, and
read the concern's linked interactions by scanning the log: about 30 ms a change at
500,000 interactions, ten times that at 5 million).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

import pendulum

from rbp._time import from_micros, to_micros
from rbp.engagement import Concern, ConcernStatus, Response, Tip
from rbp.interactions import Interaction

if TYPE_CHECKING:
    from rbp.store import Store
    from rbp.synth._calendar import Calendar
    from rbp.synth._town import People, Places

__all__ = ["CATEGORIES", "Sampler", "write_concerns", "write_responses", "write_tips"]

SURVEYED = 1 / 12
_HOUR = 3_600_000_000  # microseconds
CATEGORIES = (
    "noise",
    "traffic",
    "lighting",
    "graffiti",
    "abandoned vehicle",
    "encampment",
    "drugs",
)
_CATEGORY_WEIGHTS = (5, 4, 2, 2, 2, 2, 1)
_COMMENTS = (
    "Thank you for listening.",
    "The officer explained what happens next.",
    "Took the time to follow up.",
    "Felt rushed.",
    "Nobody called back.",
)


class Sampler:
    """Passes a stream of interactions through, keeping the position, time and
    members of about :data:`SURVEYED` of those with a community member."""

    def __init__(self, seed: int, members: frozenset[str], officers: frozenset[str]) -> None:
        self._rng = random.Random(f"rbp.synth:{seed}:surveys")
        self._members = members
        self._officers = officers
        self.kept: list[tuple[int, pendulum.DateTime, tuple[str, ...], str]] = []

    def __call__(self, items: Iterable[Interaction]) -> Iterator[Interaction]:
        """Yield every item, keeping a sample (position, time, members, first officer)."""
        rnd = self._rng.random
        for i, item in enumerate(items):
            if rnd() < SURVEYED:
                people = tuple(p for p in item.participants if p in self._members)
                if people:
                    officer = next((p for p in item.participants if p in self._officers), "")
                    self.kept.append((i, item.at, people, officer))
            yield item


def _lean(rng: random.Random, keys: Sequence[str], spread: float) -> dict[str, float]:
    return {k: rng.gauss(0.0, spread) for k in keys}


def write_responses(
    crm: Store,
    seed: int,
    kept: Sequence[tuple[int, pendulum.DateTime, tuple[str, ...], str]],
    ids: Sequence[int],
    end: pendulum.DateTime,
) -> int:
    """Record one response to each sampled interaction that falls inside the period."""
    rng = random.Random(f"rbp.synth:{seed}:responses")
    officers = sorted({o for *_, o in kept})
    lean = _lean(rng, officers, 0.6)

    tz = end.timezone_name or "UTC"
    last = to_micros(end)

    def responses() -> Iterator[Response]:
        for i, at, people, officer in kept:
            # ``at.add(hours=h)``, without pendulum's arithmetic: hours are absolute time.
            micros = to_micros(at) + rng.randint(24, 60) * _HOUR
            if micros > last:
                continue
            when = from_micros(micros, tz)
            base = 4.1 + lean.get(officer, 0.0) + rng.gauss(0.0, 0.9)
            overall = min(5, max(1, round(base)))
            items = [min(5, max(1, round(overall + rng.gauss(0.0, 0.7)))) for _ in range(4)]
            answered = [v if rng.random() < 0.9 else None for v in items]
            comment = rng.choice(_COMMENTS) if rng.random() < 0.12 else None
            respondent = people[0] if rng.random() < 0.2 else None
            yield Response(
                at=when,
                interaction=ids[i],
                overall=overall if rng.random() < 0.97 else None,
                respect=answered[0],
                voice=answered[1],
                neutrality=answered[2],
                trust=answered[3],
                comment=comment,
                respondent=respondent,
            )

    return crm.feedback.record_many(responses())


def _residents(places: Places, people: People) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {b: [] for b in places.beats}
    for m in people.members:
        for a in m.areas:
            beat = places.beat_of.get(a, a)
            if beat in out:
                out[beat].append(m.key)
    return out


def write_concerns(crm: Store, seed: int, cal: Calendar, places: Places, people: People) -> int:
    """Report, acknowledge and resolve the concerns of the last half-year, beat by beat,
    in one :meth:`~rbp.engagement.Concerns.report_many` call."""
    rng = random.Random(f"rbp.synth:{seed}:concerns")
    end = cal.end()
    first = max(0, cal.n - 182)
    residents = _residents(places, people)
    busy = _lean(rng, places.beats, 0.5)
    items: list[tuple[Concern, list[tuple[ConcernStatus, pendulum.DateTime]]]] = []
    for day in range(first, cal.n, 30):
        summer = 1.3 if cal.date(day).month in (6, 7, 8) else 1.0
        for beat in places.beats:
            if beat in places.quiet:
                continue
            rate = max(0.2, 1.0 + busy[beat]) * summer
            for _ in range(_poisson(rng, rate)):
                at = cal.at(min(cal.n - 1, day + rng.randrange(30)), rng.randrange(8 * 60, 21 * 60))
                if at > end:
                    continue
                near = residents[beat]
                reporter = rng.choice(near) if near and rng.random() < 0.6 else None
                category = rng.choices(CATEGORIES, _CATEGORY_WEIGHTS)[0]
                concern = Concern(
                    at=at, area=beat, category=category, text="(synthetic)", reporter=reporter
                )
                items.append((concern, _progress(rng, at, end)))
    return len(crm.concerns.report_many(items))


def _poisson(rng: random.Random, rate: float) -> int:
    n, p, limit = 0, 1.0, pow(2.718281828459045, -rate)
    while True:
        p *= rng.random()
        if p <= limit:
            return n
        n += 1


def _progress(
    rng: random.Random, at: pendulum.DateTime, end: pendulum.DateTime
) -> list[tuple[ConcernStatus, pendulum.DateTime]]:
    """The status changes of a concern reported at ``at``: acknowledged, resolved, closed
    (each only if still inside the period; some are never answered)."""
    if rng.random() < 0.08:  # never answered: overdue once old enough
        return []
    ack = at.add(hours=rng.randint(2, 80))
    if ack > end:
        return []
    done = ack.add(days=rng.randint(3, 40))
    if done > end or rng.random() < 0.05:
        return [(ConcernStatus.ACKNOWLEDGED, ack)]
    closed = done.add(days=rng.randint(1, 10))
    moves = [(ConcernStatus.ACKNOWLEDGED, ack), (ConcernStatus.RESOLVED, done)]
    if closed <= end:
        moves.append((ConcernStatus.CLOSED, closed))
    return moves


def write_tips(crm: Store, seed: int, cal: Calendar, places: Places) -> int:
    """Two anonymous tips a district, in the last year of the period."""
    rng = random.Random(f"rbp.synth:{seed}:tips")
    first = max(0, cal.n - 365)
    beats = [b for b in places.beats if b not in places.quiet]
    made = 0
    for district in places.districts:
        mine = [b for b in beats if places.district_of.get(b) == district] or beats
        for _ in range(2):
            if not mine:
                break
            at = cal.at(rng.randrange(first, cal.n), rng.randrange(24 * 60))
            crm.concerns.tip(
                Tip(
                    at=at,
                    area=rng.choice(mine),
                    category=rng.choice(("drugs", "weapons")),
                    text="(synthetic)",
                )
            )
            made += 1
    return made
