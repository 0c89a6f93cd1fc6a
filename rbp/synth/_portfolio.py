"""Officers' portfolios: the members and agencies each officer sees again and again.

A :class:`Duty` is one officer's working life in the period; :func:`fill` draws its
portfolio: members mostly where the officer works (key leaders more often), agencies
serving those areas (the unit's favoured sectors more often), each with a window of
days in which it is visited and a weight for how often.

A city of ten thousand officers draws portfolios from the same few hundred areas
again and again, so what depends only on the areas is worked out once: the members
that can be drawn in an area (:class:`Pool`), and the agencies serving a set of areas
with their cumulative weights for a unit (:class:`Agencies`). The draws are the same
as when everything was recomputed per officer, so a seed gives the same city.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate

import attrs

from rbp.model import Priority, Sector
from rbp.synth._town import Partners, People, Places

__all__ = ["CA", "CSP", "HOU", "PATROL", "UNITS", "YOUTH", "Agencies", "Duty", "Pool", "fill"]

S = Sector
PATROL, CSP, HOU, YOUTH, CA = UNITS = (
    "Patrol",
    "CSP",
    "Homeless Outreach",
    "Youth",
    "Community Affairs",
)
_PORTFOLIO = {PATROL: (30, 4), CSP: (70, 10), HOU: (30, 14), YOUTH: (45, 10), CA: (70, 14)}
_FAVOURED = {
    PATROL: {S.BUSINESS, S.FAITH, S.RESIDENT},
    CSP: {S.RESIDENT, S.HOUSING, S.EDUCATION, S.FAITH, S.YOUTH},
    HOU: {S.HOMELESS_SERVICES, S.MENTAL_HEALTH, S.HOUSING, S.SOCIAL_SERVICES, S.HEALTH},
    YOUTH: {S.YOUTH, S.EDUCATION},
    CA: {S.FAITH, S.BUSINESS, S.ADVOCACY, S.GOVERNMENT, S.MEDIA},
}
_PICK = {Priority.KEY: 6.0, Priority.REGULAR: 1.0, Priority.LOW: 0.3}  # chance to be known
_VISIT = {Priority.KEY: 4.0, Priority.REGULAR: 1.0, Priority.LOW: 0.4}  # how often seen


@attrs.define
class Duty:
    """One officer's working life in the period: where, when, and whom they see."""

    key: str
    unit: str
    primary: str  # the area logged when no member's home applies
    district: str
    first: int  # first and last active day
    last: int
    rate: float
    m_keys: list[str] = attrs.Factory(list)
    m_area: list[str] = attrs.Factory(list)
    m_cum: list[float] = attrs.Factory(list)
    m_lo: list[int] = attrs.Factory(list)
    m_hi: list[int] = attrs.Factory(list)
    a_keys: list[str] = attrs.Factory(list)
    a_cum: list[float] = attrs.Factory(list)
    a_lo: list[int] = attrs.Factory(list)
    a_hi: list[int] = attrs.Factory(list)
    partners: list[int] = attrs.Factory(list)  # the colleagues they usually work with


class Pool:
    """Weighted draws of members, by area, district or city-wide."""

    def __init__(self, people: People, places: Places) -> None:
        self.people = people
        pick = [_PICK[m.priority] for m in people.members]
        by_area: dict[str, list[int]] = {}
        for i, m in enumerate(people.members):
            assert m.area is not None
            for a in (m.area, places.district_of[m.area], places.city):
                by_area.setdefault(a, []).append(i)
        self.index = by_area
        self.cum = {a: list(accumulate(pick[i] for i in idx)) for a, idx in by_area.items()}
        self.favoured = {
            unit: [m.sector in sectors or m.pseudonymous for m in people.members]
            for unit, sectors in _FAVOURED.items()
        }
        self.visit = [_VISIT[m.priority] for m in people.members]

    def usable(self, areas: Sequence[str]) -> list[str]:
        """The areas among ``areas`` that have members to draw."""
        return [a for a in areas if a in self.index]

    def draw(self, rng: random.Random, areas: list[str]) -> int | None:
        """A member of one of ``areas`` (from :meth:`usable`), key leaders more often."""
        if not areas:
            return None
        a = areas[0] if len(areas) == 1 else rng.choice(areas)
        cum = self.cum[a]
        return self.index[a][bisect_right(cum, rng.random() * cum[-1])]


class Agencies:
    """The agencies serving a set of areas, with a unit's weights: worked out once per
    (areas, unit) and kept."""

    def __init__(self, partners: Partners) -> None:
        self.partners = partners
        index: dict[str, list[int]] = {}
        for j, ag in enumerate(partners.agencies):
            for a in ag.areas:
                index.setdefault(a, []).append(j)
        self.index = index
        visit = [_VISIT[ag.priority] for ag in partners.agencies]
        self.fav = {
            unit: [3.0 if ag.sector in sectors else 1.0 for ag in partners.agencies]
            for unit, sectors in _FAVOURED.items()
        }
        self.visit = visit
        self._known: dict[tuple[str, tuple[str, ...]], tuple[list[int], list[float]]] = {}

    def serving(self, unit: str, served: Sequence[str]) -> tuple[list[int], list[float]]:
        """The agencies serving any of ``served`` (first seen first) and their cumulative
        preference for ``unit``."""
        key = (unit, tuple(served))
        found = self._known.get(key)
        if found is None:
            index = self.index
            js = list(dict.fromkeys(j for a in served for j in index.get(a, ())))
            fav, visit = self.fav[unit], self.visit
            found = self._known[key] = (js, list(accumulate(fav[j] * visit[j] for j in js)))
        return found


def fill(
    rng: random.Random,
    duty: Duty,
    home: list[str],
    places: Places,
    pool: Pool,
    agencies: Agencies,
    n_days: int,
) -> None:
    """Draw the officer's portfolio: members mostly at home, agencies serving their areas."""
    favoured = pool.favoured[duty.unit]
    size_m, size_a = _PORTFOLIO[duty.unit]
    members, first, last = pool.people.members, pool.people.first, pool.people.last
    chosen: dict[int, None] = {}
    want = round(size_m * rng.uniform(0.7, 1.3))
    scopes = (pool.usable(home), pool.usable([duty.district]), pool.usable([places.city]))
    for _ in range(want * 3):
        if len(chosen) >= want:
            break
        r = rng.random()
        scope = scopes[0] if r < 0.75 else scopes[1] if r < 0.95 else scopes[2]
        idx = pool.draw(rng, scope)
        if idx is None:
            continue
        if favoured[idx] or rng.random() < 0.35:
            chosen[idx] = None
    weights = []
    for idx in chosen:
        m = members[idx]
        lo, hi = first[idx], last[idx]
        r = rng.random()
        if r < 0.10:  # a contact made during the period
            lo = max(lo, rng.randrange(n_days))
        elif r < 0.22:  # the pair goes cold
            hi = min(hi, rng.randrange(n_days))
        duty.m_keys.append(m.key)
        assert m.area is not None
        duty.m_area.append(m.area)
        duty.m_lo.append(lo)
        duty.m_hi.append(hi)
        weights.append(pool.visit[idx] * min(4.0, rng.lognormvariate(0.0, 0.6)))
    duty.m_cum = list(accumulate(weights))
    served = [*home, duty.district, places.city]
    served += [places.beat_of[a] for a in home if a in places.beat_of]
    found, cum = agencies.serving(duty.unit, served)
    if not found:
        return
    picks = dict.fromkeys(rng.choices(found, cum_weights=cum, k=size_a))
    fav, visit, partners = agencies.fav[duty.unit], agencies.visit, agencies.partners
    weights = []
    for j in picks:
        duty.a_keys.append(partners.agencies[j].key)
        duty.a_lo.append(partners.first[j])
        duty.a_hi.append(partners.last[j])
        weights.append(fav[j] * visit[j] * rng.lognormvariate(0.0, 0.5))
    duty.a_cum = list(accumulate(weights))
