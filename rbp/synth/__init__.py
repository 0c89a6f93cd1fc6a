"""A deterministic synthetic city for demos, tests and benchmarks.

:func:`city` builds a plausible department into a store: a city of districts,
beats and a few CSP-style housing developments; officers in five units with
assignments, ranks and trainings; community members by sector and priority (a
minority of key leaders, some pseudonymous); partner agencies serving several
areas; declared relationships; and years of interactions with realistic rhythms
(portfolios of people seen again and again, seasons, weekdays, evening events).
Some gaps are made on purpose (transfers, orphaned stakeholders, ties going cold,
quiet beats, sectors missing in some beats) and listed on the returned
:class:`CityInfo`, so coverage and gap metrics have something to find. The community
answers too: survey responses a day or two after a share of the contacts, concerns in
every beat (some left unanswered, so some are overdue) and a few anonymous tips.

The same arguments always give the same data: every draw comes from
``random.Random(seed)``-style generators, never from the global generator or the
clock.

Examples
--------
>>> from rbp import synth
>>> info = synth.city(size="toy", seed=1)
>>> info.officers, info.interactions
(12, 2000)
>>> info.store.interactions.count()
2000
>>> info.store.close()

From a shell: ``python -m rbp.synth --size small --out city.db``.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING

import pendulum

from rbp.errors import ValidationError
from rbp.synth._blueprint import Blueprint, CityInfo
from rbp.synth._calendar import Calendar
from rbp.synth._force import plan_force, plan_relationships
from rbp.synth._fresh import bulk_load
from rbp.synth._names import Namer
from rbp.synth._town import plan_agencies, plan_members, plan_places

if TYPE_CHECKING:
    from rbp.store import Store

__all__ = ["SIZES", "Blueprint", "CityInfo", "blueprint", "bulk_load", "city"]


SIZES: dict[str, dict[str, int]] = {
    "toy": {
        "officers": 12,
        "members": 150,
        "agencies": 24,
        "interactions": 2_000,
        "areas": 12,
        "sites": 1,
    },
    "small": {
        "officers": 60,
        "members": 1_900,
        "agencies": 100,
        "interactions": 30_000,
        "areas": 34,
        "sites": 2,
    },
    "medium": {
        "officers": 1_000,
        "members": 19_000,
        "agencies": 1_000,
        "interactions": 500_000,
        "areas": 140,
        "sites": 3,
    },
    "large": {
        "officers": 10_000,
        "members": 190_000,
        "agencies": 10_000,
        "interactions": 5_000_000,
        "areas": 600,
        "sites": 8,
    },
}
"""Named city sizes for :func:`city` (``size="medium"``); stakeholders = members + agencies."""

DEFAULT_START = pendulum.Date(2023, 1, 1)
DEFAULT_END = pendulum.Date(2025, 12, 31)
DEFAULT_TZ = "America/Chicago"


def _day(value: dt.date | dt.datetime, field: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise ValidationError(f"{field} must be a date, got {type(value).__name__}", field=field)


def _count(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError(f"{field} must be a whole number >= 0, got {value!r}", field=field)
    return value


def blueprint(
    *,
    size: str | None = None,
    seed: int = 0,
    officers: int | None = None,
    members: int | None = None,
    agencies: int | None = None,
    interactions: int | None = None,
    areas: int | None = None,
    sites: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    tz: str = DEFAULT_TZ,
) -> Blueprint:
    """Plan a synthetic city without writing it.

    Parameters
    ----------
    size
        A preset from :data:`SIZES` (default "toy"); the counts below override it.
    seed
        The same seed gives the same city, row for row.
    officers
        How many officers to make.
    members
        How many community members to make.
    agencies
        How many partner agencies to make.
    interactions
        How many interactions to log.
    areas
        How many areas in all (the root, districts, beats and sites).
    sites
        How many CSP-style housing developments.
    start
        The first day of the interaction log (default 2023-01-01).
    end
        The last day of the interaction log, inclusive (default 2025-12-31).
    tz
        The time zone the local times are made in.

    Returns
    -------
    Blueprint
        The planned city; :meth:`Blueprint.write` puts it into a store.

    Raises
    ------
    ValidationError
        An unknown size, a negative count, a period shorter than 90 days, or
        interactions without officers.

    Examples
    --------
    >>> from rbp import synth
    >>> plan = synth.blueprint(officers=3, members=20, agencies=2, interactions=50)
    >>> sum(1 for _ in plan.interactions())
    50
    """
    if size is not None and size not in SIZES:
        raise ValidationError(
            f"size {size!r} is not known; use one of: {', '.join(SIZES)}", field="size"
        )
    preset = SIZES[size or "toy"]
    given = {
        "officers": officers,
        "members": members,
        "agencies": agencies,
        "interactions": interactions,
        "areas": areas,
        "sites": sites,
    }
    n = {k: _count(preset[k] if v is None else v, k) for k, v in given.items()}
    first = _day(DEFAULT_START if start is None else start, "start")
    last = _day(DEFAULT_END if end is None else end, "end")
    if (last - first).days < 90:
        raise ValidationError("the period from start to end must be at least 90 days", field="end")
    if n["officers"] == 0 and n["interactions"]:
        raise ValidationError("interactions need officers; give officers >= 1", field="officers")
    cal = Calendar(first, last, tz)
    rng = random.Random(f"rbp.synth:{seed}:directory")
    namer = Namer(rng)
    places = plan_places(rng, namer, total=n["areas"], sites=n["sites"], cal=cal)
    people = plan_members(rng, namer, places, count=n["members"], cal=cal)
    partners = plan_agencies(rng, namer, places, count=n["agencies"], cal=cal)
    force = plan_force(rng, namer, places, people, partners, count=n["officers"], cal=cal)
    relationships = plan_relationships(rng, people, partners, force, places)
    return Blueprint(
        seed=seed,
        total=n["interactions"],
        cal=cal,
        places=places,
        people=people,
        partners=partners,
        force=force,
        relationships=relationships,
    )


def city(
    crm: Store | None = None,
    *,
    size: str | None = None,
    seed: int = 0,
    officers: int | None = None,
    members: int | None = None,
    agencies: int | None = None,
    interactions: int | None = None,
    areas: int | None = None,
    sites: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    tz: str | None = None,
    voice: bool = True,
) -> CityInfo:
    """Build a synthetic city into ``crm`` (default: a new in-memory store).

    Parameters
    ----------
    crm
        An empty store to write into. Without one, an in-memory store is opened.
    size
        A preset from :data:`SIZES`: "toy" (the default), "small", "medium" or
        "large"; the counts below override it.
    seed
        The same seed gives the same city, row for row.
    officers
        How many officers to make.
    members
        How many community members to make.
    agencies
        How many partner agencies to make.
    interactions
        How many interactions to log.
    areas
        How many areas in all: the city root, its districts (about one per ten
        beats), the beats, and the ``sites``.
    sites
        How many CSP-style housing developments, each with a team of about ten
        officers and a sergeant on long assignments.
    start
        The first day of the interaction log (default 2023-01-01).
    end
        The last day of the interaction log, inclusive (default 2025-12-31).
    tz
        The agency's time zone for local times; default the store's zone, or
        America/Chicago for a new store.
    voice
        Also write the community's voice: survey responses, concerns and tips
        (:meth:`Blueprint.write`).

    Returns
    -------
    CityInfo
        The store, the counts, and the keys of transfers, orphans, cold ties,
        quiet areas and missing sectors.

    Raises
    ------
    ValidationError
        An unknown size, a negative count, a period shorter than 90 days, or
        interactions without officers.
    BulkValidationError
        ``crm`` already holds keys the city uses.
    StoreError
        ``crm`` was opened read-only.

    Examples
    --------
    >>> from rbp import synth
    >>> info = synth.city(officers=4, members=30, agencies=3, interactions=200, seed=7)
    >>> info.store.directory.summary().officers, info.interactions
    (4, 200)
    >>> info.responses > 0, info.concerns > 0, info.tips
    (True, True, 2)
    """
    from rbp.store import open as open_store

    zone = tz or (crm.tz if crm is not None else DEFAULT_TZ)
    plan = blueprint(
        size=size,
        seed=seed,
        officers=officers,
        members=members,
        agencies=agencies,
        interactions=interactions,
        areas=areas,
        sites=sites,
        start=start,
        end=end,
        tz=zone,
    )
    store = crm if crm is not None else open_store(tz=zone)
    try:
        return plan.write(store, voice=voice)
    except BaseException:
        if crm is None:
            store.close()
        raise


# Users import these from ``rbp.synth``: reprs and docs show that path.
for _cls in (Blueprint, CityInfo, bulk_load):
    _cls.__module__ = __name__
