"""The synthetic city's places and people outside the department.

A city root area holds districts; districts hold beats; a few beats hold a
CSP-style housing development ("site"). Community members live in beats and sites,
in proportion to population, each with a sector and a priority; a minority are
key leaders (faith leaders, school principals, business owners, ...). Partner
agencies serve a beat, a few beats, a district or the whole city.

Some gaps are made on purpose so that coverage and gap metrics have something to
find: a few beats are *quiet* (nobody visits their residents in the last months),
some beats lack a sector, some members go cold or move away.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from itertools import accumulate

import attrs

from rbp.errors import ValidationError
from rbp.model import Area, CommunityMember, Contact, OrgType, PartnerAgency, Priority, Sector
from rbp.synth._calendar import Calendar
from rbp.synth._names import Namer

__all__ = ["Places", "plan_agencies", "plan_members", "plan_places"]

S = Sector
_GAP_SECTORS = (S.FAITH, S.BUSINESS, S.YOUTH, S.EDUCATION, S.SOCIAL_SERVICES)
_MEMBER_SECTORS = (
    (S.RESIDENT, 55), (S.FAITH, 7), (S.BUSINESS, 9), (S.YOUTH, 6), (S.EDUCATION, 5),
    (S.HEALTH, 2), (S.MENTAL_HEALTH, 2), (S.HOUSING, 3), (S.HOMELESS_SERVICES, 2),
    (S.SOCIAL_SERVICES, 3), (S.GOVERNMENT, 2), (S.ADVOCACY, 3), (S.MEDIA, 1),
)  # fmt: skip
_SITE_SECTORS = ((S.RESIDENT, 80), (S.YOUTH, 10), (S.FAITH, 4), (S.SOCIAL_SERVICES, 3),
                 (S.HOUSING, 3))  # fmt: skip
# (chance of KEY, chance of LOW, tag of a key member, tag of the others)
_ROLE = {
    S.RESIDENT: (0.03, 0.35, "block-captain", None),
    S.FAITH: (0.30, 0.05, "faith-leader", "congregant"),
    S.BUSINESS: (0.15, 0.10, "business-owner", "shopkeeper"),
    S.YOUTH: (0.10, 0.20, "youth-mentor", None),
    S.EDUCATION: (0.25, 0.05, "school-principal", "teacher"),
    S.HEALTH: (0.10, 0.10, "clinic-director", "clinic-staff"),
    S.MENTAL_HEALTH: (0.15, 0.05, "program-director", "clinician"),
    S.HOUSING: (0.15, 0.10, "property-manager", "tenant-organiser"),
    S.HOMELESS_SERVICES: (0.15, 0.05, "shelter-director", "outreach-worker"),
    S.SOCIAL_SERVICES: (0.15, 0.05, "program-director", "caseworker"),
    S.GOVERNMENT: (0.35, 0.05, "council-staff", None),
    S.ADVOCACY: (0.30, 0.10, "advocate", None),
    S.MEDIA: (0.30, 0.10, "reporter", None),
}
# agency type: (weight, sector, org type, reach: "beat" | "beats" | "district" | "city", label)
_AGENCY_TYPES = (
    (22, S.EDUCATION, OrgType.SCHOOL, "beat", "{} School"),
    (22, S.FAITH, OrgType.CONGREGATION, "beat", "{} Community Church"),
    (10, S.BUSINESS, OrgType.BUSINESS, "beats", "{} Business Association"),
    (10, S.YOUTH, OrgType.NONPROFIT, "beats", "{} Youth League"),
    (7, S.MENTAL_HEALTH, OrgType.NONPROFIT, "district", "{} Counseling Center"),
    (6, S.HOUSING, OrgType.AGENCY, "district", "{} Housing Office"),
    (6, S.HOMELESS_SERVICES, OrgType.NONPROFIT, "district", "{} Shelter and Outreach"),
    (7, S.SOCIAL_SERVICES, OrgType.AGENCY, "district", "{} Family Services"),
    (4, S.HEALTH, OrgType.NONPROFIT, "beats", "{} Health Clinic"),
    (3, S.GOVERNMENT, OrgType.AGENCY, "city", "City {} Office"),
    (3, S.ADVOCACY, OrgType.NONPROFIT, "city", "{} Neighbors United"),
)


@attrs.define
class Places:
    """The area tree and the facts about it that the rest of the plan needs."""

    areas: list[Area]
    city: str
    districts: list[str]
    beats: list[str]
    sites: list[str]
    district_of: dict[str, str]  # beat or site -> district
    beat_of: dict[str, str]  # site -> beat
    quiet: list[str]  # beats nobody visits after quiet_from
    quiet_from: int
    lacking: dict[str, tuple[Sector, ...]]  # beat -> sectors left out on purpose
    population: dict[str, int]


def _split(total: int, sites: int) -> tuple[int, int]:
    """(districts, beats) for ``total`` areas: the city, the sites, ~10 beats a district."""
    rest = total - 1 - sites
    districts = max(1, round(rest / 11))
    beats = rest - districts
    if beats < max(districts, sites, 1):
        raise ValidationError(
            f"areas={total} is too few for {sites} site(s): give at least {2 * sites + 3}",
            field="areas",
        )
    return districts, beats


def plan_places(
    rng: random.Random, namer: Namer, *, total: int, sites: int, cal: Calendar
) -> Places:
    """The area tree: city → districts → beats (→ a site in a few beats)."""
    n_districts, n_beats = _split(total, sites)
    city = "city"
    districts = [f"d-{i + 1:02d}" for i in range(n_districts)]
    per = [n_beats // n_districts + (i < n_beats % n_districts) for i in range(n_districts)]
    width = max(2, len(str(max(per))))
    beats: list[str] = []
    district_of: dict[str, str] = {}
    for d, (dk, k) in enumerate(zip(districts, per, strict=True)):
        for j in range(k):
            key = f"b-{d + 1:02d}{j + 1:0{width}d}"
            beats.append(key)
            district_of[key] = dk
    population = {b: rng.randint(3_000, 15_000) for b in beats}
    site_beats = rng.sample(beats, sites)
    site_keys = [f"csp-{i + 1:02d}" for i in range(sites)]
    beat_of = dict(zip(site_keys, site_beats, strict=True))
    for s, b in beat_of.items():
        district_of[s] = district_of[b]
        population[s] = rng.randint(1_200, 4_000)
        population[b] += population[s]
    for dk in districts:
        population[dk] = sum(population[b] for b in beats if district_of[b] == dk)
    population[city] = sum(population[d] for d in districts)
    free = [b for b in beats if b not in site_beats]
    quiet = sorted(rng.sample(free, min(len(free), max(1, n_beats // 30)))) if n_beats >= 4 else []
    lacking = {
        b: tuple(rng.sample(_GAP_SECTORS, rng.choice((1, 1, 2))))
        for b in beats
        if b not in quiet and rng.random() < 0.3
    }
    names = namer.places(n_districts + sites)
    areas = [Area(city, name="City", population=population[city])]
    areas += [
        Area(dk, name=f"{names[i]} District", parent=city, population=population[dk])
        for i, dk in enumerate(districts)
    ]
    areas += [
        Area(b, name=f"Beat {b[2:]}", parent=district_of[b], population=population[b])
        for b in beats
    ]
    areas += [
        Area(s, name=f"{names[n_districts + i]} Homes", parent=beat_of[s], population=population[s])
        for i, s in enumerate(site_keys)
    ]
    return Places(
        areas=areas,
        city=city,
        districts=districts,
        beats=beats,
        sites=site_keys,
        district_of=district_of,
        beat_of=beat_of,
        quiet=quiet,
        quiet_from=max(0, cal.n - 150),
        lacking=lacking,
        population=population,
    )


@attrs.define
class People:
    """Community members with what the plan needs to know about them."""

    members: list[CommunityMember]
    first: list[int]  # first day they may be visited
    last: list[int]  # last day they may be visited (cold, moved away, quiet beat)
    gone_cold: list[str]


def _cum(weights: list[float]) -> list[float]:
    return list(accumulate(weights))


def plan_members(
    rng: random.Random, namer: Namer, places: Places, *, count: int, cal: Calendar
) -> People:
    """``count`` community members living in beats and sites."""
    homes = places.beats + places.sites
    weights = [
        places.population[b]
        - sum(places.population[s] for s, p in places.beat_of.items() if p == b)
        for b in places.beats
    ] + [places.population[s] * 3 for s in places.sites]
    home_cum = _cum([float(w) for w in weights])
    sectors = [s for s, _ in _MEMBER_SECTORS]
    sector_cum = _cum([float(w) for _, w in _MEMBER_SECTORS])
    site_sectors = [s for s, _ in _SITE_SECTORS]
    site_cum = _cum([float(w) for _, w in _SITE_SECTORS])
    quiet = set(places.quiet)
    width = max(6, len(str(count)))
    members: list[CommunityMember] = []
    first: list[int] = []
    last: list[int] = []
    gone_cold: list[str] = []
    n = cal.n
    for i in range(count):
        key = f"m-{i + 1:0{width}d}"
        home = homes[bisect_right(home_cum, rng.random() * home_cum[-1])]
        if home in places.beat_of:
            sector = site_sectors[bisect_right(site_cum, rng.random() * site_cum[-1])]
            if sector in places.lacking.get(places.beat_of[home], ()):
                sector = S.RESIDENT
        else:
            sector = sectors[bisect_right(sector_cum, rng.random() * sector_cum[-1])]
            for _ in range(5):
                if sector not in places.lacking.get(home, ()):
                    break
                home = places.beats[rng.randrange(len(places.beats))]
            else:
                sector = S.RESIDENT
        p_key, p_low, key_tag, tag = _ROLE[sector]
        r = rng.random()
        priority = (
            Priority.KEY if r < p_key else Priority.LOW if r > 1 - p_low else Priority.REGULAR
        )
        tags = [key_tag] if priority is Priority.KEY and key_tag else [tag] if tag else []
        if home in places.beat_of:
            tags.append("csp-site")
        pseudonymous = rng.random() < (0.06 if sector is S.RESIDENT else 0.01)
        may_contact = not pseudonymous and rng.random() < 0.7
        may_text = may_contact and rng.random() < 0.6
        name = None if pseudonymous else namer.person()
        contact = None
        if may_contact and name is not None:
            handle = name.lower().replace(" ", ".")
            phone = f"(555) 555-01{rng.randrange(100):02d}" if may_text else None
            contact = Contact(email=f"{handle}{i}@example.org", phone=phone)
        lo, hi = 0, n - 1
        since = until = None
        r = rng.random()
        if r < 0.12:  # became known during the period
            lo = rng.randrange(n - 30)
            since = cal.at(lo)
        elif r < 0.15:  # moved away
            hi = rng.randrange(n // 4, n - 30)
            until = cal.at(hi, 23 * 60 + 59)
        elif r < 0.21:  # still around, but the department stops visiting
            hi = rng.randrange(n // 3, max(n // 3 + 1, n - 120))
            gone_cold.append(key)
        if home in quiet or places.beat_of.get(home) in quiet:
            hi = min(hi, places.quiet_from - 1)
        members.append(
            CommunityMember(
                key,
                name=name,
                sector=sector,
                area=home,
                priority=priority,
                tags=tags,
                may_contact=may_contact,
                may_text=may_text,
                pseudonymous=pseudonymous,
                contact=contact,
                since=since,
                until=until,
            )
        )
        first.append(lo)
        last.append(hi)
    return People(members=members, first=first, last=last, gone_cold=gone_cold)


@attrs.define
class Partners:
    """Partner agencies and the days they may be visited."""

    agencies: list[PartnerAgency]
    first: list[int]
    last: list[int]


def plan_agencies(
    rng: random.Random, namer: Namer, places: Places, *, count: int, cal: Calendar
) -> Partners:
    """``count`` partner agencies, each serving a beat, some beats, a district or the city."""
    kinds = _cum([float(t[0]) for t in _AGENCY_TYPES])
    width = max(4, len(str(count)))
    by_district: dict[str, list[str]] = {d: [] for d in places.districts}
    for b in places.beats:
        by_district[places.district_of[b]].append(b)
    agencies: list[PartnerAgency] = []
    first: list[int] = []
    last: list[int] = []
    n = cal.n
    for i in range(count):
        _, sector, org_type, reach, label = _AGENCY_TYPES[
            bisect_right(kinds, rng.random() * kinds[-1])
        ]
        if reach == "city":
            served = [places.city]
        elif reach == "district":
            served = rng.sample(places.districts, min(len(places.districts), rng.choice((1, 1, 2))))
        else:
            home = places.beats[rng.randrange(len(places.beats))]
            for _ in range(5):
                if sector not in places.lacking.get(home, ()):
                    break
                home = places.beats[rng.randrange(len(places.beats))]
            served = [home]
            if reach == "beats":
                near = [b for b in by_district[places.district_of[home]] if b != home]
                served += rng.sample(near, min(len(near), rng.randint(1, 3)))
            served = [b for b in served if sector not in places.lacking.get(b, ())] or [home]
        r = rng.random()
        priority = Priority.KEY if r < 0.2 else Priority.LOW if r > 0.9 else Priority.REGULAR
        lo, hi = 0, n - 1
        since = until = None
        r = rng.random()
        if r < 0.05:
            lo = rng.randrange(n - 30)
            since = cal.at(lo)
        elif r < 0.08:  # the partnership ended
            hi = rng.randrange(n // 3, n - 30)
            until = cal.at(hi, 23 * 60 + 59)
        agencies.append(
            PartnerAgency(
                f"org-{i + 1:0{width}d}",
                name=label.format(namer.surname() if rng.random() < 0.5 else namer.place()),
                sector=sector,
                areas=tuple(served),
                org_type=org_type,
                priority=priority,
                since=since,
                until=until,
            )
        )
        first.append(lo)
        last.append(hi)
    return Partners(agencies=agencies, first=first, last=last)
