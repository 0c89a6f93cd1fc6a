"""The synthetic department: officers, their assignments and their portfolios.

Every officer has a *portfolio*: the community members and agencies they see
again and again, mostly in their own areas, key leaders more often. Interactions
are drawn from portfolios, so pairs repeat and ties build up. Each portfolio entry
has a window of days in which it is visited, which is how ties go cold, how new
contacts appear, and how a transfer hands a portfolio to a successor (or leaves
its stakeholders orphaned).
"""

from __future__ import annotations

import random

import attrs

from rbp.model import (
    Officer,
    PartnerAgency,
    Priority,
    Relationship,
    RelationshipKind,
    Sector,
    Training,
)
from rbp.synth._calendar import Calendar
from rbp.synth._names import Namer
from rbp.synth._portfolio import CA, CSP, HOU, PATROL, UNITS, YOUTH, Agencies, Duty, Pool, fill
from rbp.synth._town import Partners, People, Places

__all__ = ["UNITS", "Duty", "Force", "plan_force", "plan_relationships"]

S = Sector
_SHARE = {HOU: 0.08, YOUTH: 0.08, CA: 0.06}
_RATE = {PATROL: 0.8, CSP: 1.3, HOU: 1.3, YOUTH: 1.1, CA: 1.5}
_TRAININGS = (
    "de-escalation",
    "crisis-intervention",
    "procedural-justice",
    "implicit-bias",
    "mental-health-first-aid",
    "trauma-informed-policing",
    "youth-engagement",
)


@attrs.define
class Force:
    """The officers, their duties, and who transferred."""

    officers: list[Officer]
    duties: list[Duty]
    transferred: list[str]
    successors: dict[str, str]
    orphaned: list[str]


def _units(n: int, sites: int) -> list[str]:
    team = 10 if n >= 400 else max(2, n // (6 * max(1, sites)))
    csp = min(sites * (team + 1), n // 3)
    units = [CSP] * csp
    for unit, share in _SHARE.items():
        units += [unit] * (max(1, round(share * n)) if n >= 8 else 0)
    return units + [PATROL] * max(0, n - len(units))


def plan_force(
    rng: random.Random,
    namer: Namer,
    places: Places,
    people: People,
    partners: Partners,
    *,
    count: int,
    cal: Calendar,
) -> Force:
    """``count`` officers in five units, with portfolios; some transfer during the period."""
    n_days = cal.n
    moves = max(1, round(0.08 * count)) if count >= 5 else 0
    replaced = round(0.6 * moves)
    base = count - replaced
    units = _units(base, len(places.sites))
    width = max(4, len(str(count)))
    by_district: dict[str, list[str]] = {d: [] for d in places.districts}
    for b in places.beats:
        if b not in places.quiet:
            by_district[places.district_of[b]].append(b)
    staffed = [d for d in places.districts if by_district[d]] or places.districts
    pool = Pool(people, places)
    serving = Agencies(partners)
    officers: list[Officer] = []
    duties: list[Duty] = []
    homes: list[list[str]] = []
    site_staff = dict.fromkeys(places.sites, 0)
    for i, unit in enumerate(units):
        rank = "Officer"
        if unit == CSP:
            site = places.sites[i % len(places.sites)]
            rank = "Sergeant" if site_staff[site] == 0 else rank
            site_staff[site] += 1
            assigned, home, primary = [site], [site], site
            district = places.district_of[site]
            since = -rng.randint(2 * 365, 6 * 365)
        else:
            district = rng.choice(staffed)
            beats = by_district[district] or [
                b for b in places.beats if places.district_of[b] == district
            ]
            since = -rng.randint(60, 12 * 365)
            if unit in (PATROL, YOUTH):
                k = rng.choice((1, 1, 2)) if unit == PATROL else rng.randint(2, 4)
                assigned = rng.sample(beats, min(k, len(beats)))
                home, primary = list(assigned), assigned[0]
            elif unit == CA and rng.random() < 0.25:
                assigned, home, primary = [places.city], list(places.beats), places.city
            else:
                assigned, primary = [district], district
                home = [b for b in places.beats if places.district_of[b] == district]
            r = rng.random()
            rank = "Sergeant" if r < 0.12 else "Senior Lead Officer" if r < 0.27 else rank
        duty = Duty(
            key=f"P{i + 1:0{width}d}",
            unit=unit,
            primary=primary,
            district=district,
            first=max(0, since),
            last=n_days - 1,
            rate=_RATE[unit] * rng.uniform(0.6, 1.4),
        )
        fill(rng, duty, home, places, pool, serving, n_days)
        duties.append(duty)
        homes.append(assigned)
        officers.append(_officer(rng, duty, rank, assigned, since, namer, cal))
    transferred: list[str] = []
    successors: dict[str, str] = {}
    movers = rng.sample(range(len(duties)), min(moves, len(duties)))
    for n, i in enumerate(movers):
        old = duties[i]
        until = rng.randint(min(90, n_days // 3), max(min(90, n_days // 3), n_days - 60))
        old.last = until
        officers[i] = attrs.evolve(officers[i], until=cal.at(until, 17 * 60), active=False)
        transferred.append(old.key)
        if n >= replaced:
            continue
        start = until + rng.randint(1, 21)
        new = attrs.evolve(
            old,
            key=f"P{len(duties) + 1:0{width}d}",
            first=start,
            last=n_days - 1,
            rate=old.rate * rng.uniform(0.8, 1.2),
            m_lo=[max(lo, start) for lo in old.m_lo],
            a_lo=[max(lo, start) for lo in old.a_lo],
        )
        successors[old.key] = new.key
        duties.append(new)
        homes.append(homes[i])
        officers.append(_officer(rng, new, "Officer", homes[i], start, namer, cal))
    teams: dict[str, list[int]] = {}
    for i, d in enumerate(duties):
        teams.setdefault(d.primary if d.unit == CSP else d.district, []).append(i)
    for i, d in enumerate(duties):
        team = [j for j in teams[d.primary if d.unit == CSP else d.district] if j != i]
        d.partners = rng.sample(team, min(3, len(team)))
    return Force(
        officers=officers,
        duties=duties,
        transferred=transferred,
        successors=successors,
        orphaned=_orphaned(duties, transferred, successors, people),
    )


def _officer(
    rng: random.Random,
    duty: Duty,
    rank: str,
    areas: list[str],
    since: int,
    namer: Namer,
    cal: Calendar,
) -> Officer:
    trainings = [
        Training(name, cal.date(rng.randint(since, cal.n - 1)))
        for name in rng.sample(_TRAININGS, rng.randint(1, 4))
    ]
    given, surname = namer.person().split(" ", 1)
    return Officer(
        duty.key,
        name=f"{given[0]}. {surname}",
        unit=duty.unit,
        rank=rank,
        areas=tuple(areas),
        trainings=tuple(trainings),
        since=cal.at(since),
        tags=("csp",) if duty.unit == CSP else (),
    )


def _orphaned(
    duties: list[Duty],
    transferred: list[str],
    successors: dict[str, str],
    people: People,
) -> list[str]:
    """Members only officers who left without a successor visited (and still around)."""
    left = {k for k in transferred if k not in successors}
    kept = {k for d in duties if d.key not in left for k in d.m_keys}
    present = {m.key for m in people.members if m.until is None}
    out = {k for d in duties if d.key in left for k in d.m_keys}
    return sorted(k for k in out if k not in kept and k in present)


def plan_relationships(
    rng: random.Random, people: People, partners: Partners, force: Force, places: Places
) -> list[Relationship]:
    """Declared ties: members of congregations, staff of agencies, liaisons, referrals."""
    by_area_sector: dict[tuple[str, Sector], list[str]] = {}
    for ag in partners.agencies:
        for a in ag.areas:
            by_area_sector.setdefault((a, ag.sector), []).append(ag.key)
    out: list[Relationship] = []

    def near(area: str, sector: Sector) -> list[str]:
        up = (places.beat_of.get(area, ""), places.district_of.get(area, ""), places.city)
        for a in (area, *up):
            found = by_area_sector.get((a, sector))
            if found:
                return found
        return []

    staff = {S.EDUCATION, S.HEALTH, S.MENTAL_HEALTH, S.HOUSING, S.HOMELESS_SERVICES}
    staff |= {S.SOCIAL_SERVICES}
    for m in people.members:
        assert m.area is not None
        if m.sector in staff or (m.sector is S.FAITH and m.priority is Priority.KEY):
            kind, chance = RelationshipKind.WORKS_FOR, 0.5
        elif m.sector in (S.FAITH, S.BUSINESS, S.YOUTH):
            kind, chance = RelationshipKind.MEMBER_OF, 0.25
        else:
            continue
        orgs = near(m.area, m.sector)
        if orgs and rng.random() < chance:
            out.append(Relationship(m.key, rng.choice(orgs), kind, since=m.since))
    liaison = {HOU: S.HOMELESS_SERVICES, YOUTH: S.EDUCATION, CA: S.FAITH, CSP: S.HOUSING}
    for duty, officer in zip(force.duties, force.officers, strict=True):
        sector = liaison.get(duty.unit)
        if sector is None or (duty.unit == CSP and officer.rank != "Sergeant"):
            continue
        orgs = near(duty.primary, sector) if duty.primary != places.city else []
        orgs = orgs or by_area_sector.get((places.city, sector), [])
        if orgs:
            out.append(
                Relationship(
                    duty.key, rng.choice(orgs), RelationshipKind.LIAISON_FOR, since=officer.since
                )
            )
    services = [a for a in partners.agencies if a.sector in staff and a.sector is not S.EDUCATION]
    serving: dict[str, list[int]] = {}
    for j, ag in enumerate(services):
        for a in ag.areas:
            serving.setdefault(a, []).append(j)
    known: dict[tuple[tuple[str, ...], Sector], list[PartnerAgency]] = {}  # same areas, same list
    for ag in services:
        others = known.get((ag.areas, ag.sector))
        if others is None:
            found = dict.fromkeys(j for a in ag.areas for j in serving[a])
            others = [services[j] for j in found if services[j].sector is not ag.sector]
            known[(ag.areas, ag.sector)] = others
        for b in rng.sample(others, min(len(others), rng.randint(0, 2))):
            out.append(Relationship(ag.key, b.key, RelationshipKind.REFERS_TO))
    leaders = [m for m in people.members if m.priority is Priority.KEY and m.until is None]
    pairs: set[tuple[str, str]] = set()
    for m in leaders:
        if rng.random() < 0.2:
            other = rng.choice(leaders)
            pair = (min(m.key, other.key), max(m.key, other.key))
            if other.key != m.key and pair not in pairs:
                pairs.add(pair)
                out.append(Relationship(m.key, other.key, RelationshipKind.KNOWS))
    return out
