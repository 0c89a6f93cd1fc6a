"""What :func:`rbp.synth.city` plans (:class:`Blueprint`) and what it built (:class:`CityInfo`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING

import attrs
import pendulum

from rbp.interactions import Interaction
from rbp.model import Area, CommunityMember, PartnerAgency, Relationship, Sector
from rbp.model._directory import AnyStakeholder
from rbp.settings import DEFAULT_EXPECTED_SECTORS
from rbp.synth._activity import stream
from rbp.synth._calendar import Calendar
from rbp.synth._force import Force
from rbp.synth._town import Partners, People, Places
from rbp.synth._voice import Sampler, write_concerns, write_responses, write_tips

if TYPE_CHECKING:
    from rbp.store import Store

__all__ = ["Blueprint", "CityInfo"]


@attrs.frozen(kw_only=True)
class CityInfo:
    """What :func:`city` built: the store, the counts, and the keys of notable things.

    Attributes
    ----------
    store : Store
        The store that holds the city (close it when done).
    start, end : DateTime
        The first and the last instant of the period; every interaction is inside.
    areas, officers, members, agencies, relationships, interactions : int
        How many of each were written.
    city, districts, beats, sites : keys
        The area tree: the root, its districts, their beats, and the CSP-style
        housing developments (each inside a beat).
    transferred : tuple of str
        Officers whose assignment ended during the period (``until`` set).
    successors : mapping
        Transferred officer → the officer who took over their portfolio. Transferred
        officers missing here left without a successor.
    orphaned : tuple of str
        Members (still around) whom only successor-less transferred officers visited.
    gone_cold : tuple of str
        Members the department stopped visiting part-way through the period.
    quiet_areas : tuple of str
        Beats with no interaction from ``quiet_since`` on.
    missing_sectors : mapping
        Area → expected sectors (the default list) with no member or agency in or
        below that area at ``end``.

    Examples
    --------
    >>> city.officers, city.members, city.interactions
    (12, 150, 2000)
    >>> city.city, city.end.to_date_string(), len(city.gone_cold)
    ('city', '2025-12-31', 11)
    """

    store: Store = attrs.field(repr=False, eq=False)
    seed: int
    tz: str
    start: pendulum.DateTime
    end: pendulum.DateTime
    areas: int
    officers: int
    members: int
    agencies: int
    relationships: int
    interactions: int
    city: str
    districts: tuple[str, ...] = attrs.field(repr=False)
    beats: tuple[str, ...] = attrs.field(repr=False)
    sites: tuple[str, ...]
    transferred: tuple[str, ...] = attrs.field(repr=False)
    successors: Mapping[str, str] = attrs.field(repr=False)
    orphaned: tuple[str, ...] = attrs.field(repr=False)
    gone_cold: tuple[str, ...] = attrs.field(repr=False)
    quiet_areas: tuple[str, ...]
    quiet_since: pendulum.DateTime = attrs.field(repr=False)
    missing_sectors: Mapping[str, tuple[Sector, ...]] = attrs.field(repr=False)
    responses: int = 0
    concerns: int = 0
    tips: int = 0

    def __str__(self) -> str:
        lines = [
            f"period        {self.start:%Y-%m-%d} .. {self.end:%Y-%m-%d} ({self.tz})",
            f"areas         {self.areas:>10,}",
            f"officers      {self.officers:>10,}",
            f"members       {self.members:>10,}",
            f"agencies      {self.agencies:>10,}",
            f"relationships {self.relationships:>10,}",
            f"interactions  {self.interactions:>10,}",
            f"transferred   {len(self.transferred):>10,} ({len(self.successors)} replaced)",
            f"orphaned      {len(self.orphaned):>10,}",
            f"gone cold     {len(self.gone_cold):>10,}",
            f"quiet areas   {len(self.quiet_areas):>10,}",
            f"responses     {self.responses:>10,}",
            f"concerns      {self.concerns:>10,}",
            f"tips          {self.tips:>10,}",
        ]
        return "\n".join(lines)


@attrs.define(eq=False)
class Blueprint:
    """A synthetic city planned but not yet written; made by :func:`blueprint`.

    Use :meth:`write` to put it into a store, or its parts on their own (e.g. a
    benchmark writes :meth:`directory` first and times the :meth:`interactions`).

    Examples
    --------
    >>> from rbp import synth
    >>> plan = synth.blueprint(size="toy", seed=1)
    >>> plan.tz, plan.total, len(plan.directory())
    ('America/Chicago', 2000, 198)
    >>> info = plan.write(rbp.open(tz=plan.tz))
    >>> info.interactions
    2000
    """

    seed: int
    total: int
    cal: Calendar
    places: Places
    people: People
    partners: Partners
    force: Force
    relationships: list[Relationship]

    @property
    def tz(self) -> str:
        """The time zone the local times are made in."""
        return str(self.cal.tz.name)

    def directory(self) -> list[Area | AnyStakeholder]:
        """Areas (parents first), officers, members and agencies."""
        return [
            *self.places.areas,
            *self.force.officers,
            *self.people.members,
            *self.partners.agencies,
        ]

    def interactions(self) -> Iterator[Interaction]:
        """A fresh generator of the city's interactions, in time order."""
        return stream(self.seed, self.force.duties, self.cal, self.total)

    def write(
        self,
        crm: Store,
        *,
        voice: bool = True,
        done: Callable[[str], object] | None = None,
    ) -> CityInfo:
        """Write the whole city into ``crm``: :meth:`write_directory`, then the
        interactions, then (with ``voice``) the community's voice.

        The interactions are streamed through
        :meth:`~rbp.interactions.Interactions.log_many` in one transaction; the ones
        that get a survey response are picked as they stream by. The voice is a
        response to about one interaction in twelve with a community member (a day or
        two later, through :meth:`~rbp.engagement.Feedback.record_many`), half a
        year of concerns in every beat with their acknowledgements and resolutions
        (through :meth:`~rbp.engagement.Concerns.report_many`), and two anonymous tips
        a district (see :mod:`rbp.synth._voice`). ``done``, if given, is called with
        the name of each step as it ends ("directory", "relationships",
        "interactions", "responses", "concerns", "tips"), e.g. to time them.
        """
        step = done or (lambda name: None)
        crm.directory.add_many(self.directory())
        step("directory")
        crm.directory.relate_many(self.relationships)
        step("relationships")
        if not voice:
            ids = crm.interactions.log_many(self.interactions())
            step("interactions")
            return self.info(crm, interactions=len(ids))
        sampler = Sampler(
            self.seed,
            frozenset(m.key for m in self.people.members),
            frozenset(o.key for o in self.force.officers),
        )
        ids = crm.interactions.log_many(sampler(self.interactions()))
        step("interactions")
        end = self.cal.end()
        responses = write_responses(crm, self.seed, sampler.kept, ids, end)
        step("responses")
        concerns = write_concerns(crm, self.seed, self.cal, self.places, self.people)
        step("concerns")
        tips = write_tips(crm, self.seed, self.cal, self.places)
        step("tips")
        return attrs.evolve(
            self.info(crm, interactions=len(ids)),
            responses=responses,
            concerns=concerns,
            tips=tips,
        )

    def write_directory(self, crm: Store) -> None:
        """Write the areas and stakeholders, then declare the relationships (one
        transaction each: :meth:`~rbp.directory.Directory.add_many`, then
        :meth:`~rbp.directory.Directory.relate_many`)."""
        crm.directory.add_many(self.directory())
        crm.directory.relate_many(self.relationships)

    def info(self, crm: Store, *, interactions: int | None = None) -> CityInfo:
        """The :class:`CityInfo` of this city in ``crm``."""
        p = self.places
        return CityInfo(
            store=crm,
            seed=self.seed,
            tz=self.tz,
            start=self.cal.start(),
            end=self.cal.end(),
            areas=len(p.areas),
            officers=len(self.force.officers),
            members=len(self.people.members),
            agencies=len(self.partners.agencies),
            relationships=len(self.relationships),
            interactions=self.total if interactions is None else interactions,
            city=p.city,
            districts=tuple(p.districts),
            beats=tuple(p.beats),
            sites=tuple(p.sites),
            transferred=tuple(self.force.transferred),
            successors=dict(self.force.successors),
            orphaned=tuple(self.force.orphaned),
            gone_cold=tuple(self.people.gone_cold),
            quiet_areas=tuple(p.quiet),
            quiet_since=self.cal.at(p.quiet_from),
            missing_sectors=self._missing(),
        )

    def _missing(self) -> dict[str, tuple[Sector, ...]]:
        end = self.cal.end()
        parent = {a.key: a.parent for a in self.places.areas}
        present: dict[str, set[Sector]] = {a.key: set() for a in self.places.areas}
        others: list[CommunityMember | PartnerAgency] = [
            *self.people.members,
            *self.partners.agencies,
        ]
        for s in others:
            if not s.present_at(end):
                continue
            for home in s.areas:
                node: str | None = home
                while node is not None:
                    present[node].add(s.sector)
                    node = parent[node]
        out: dict[str, tuple[Sector, ...]] = {}
        for area in self.places.areas:
            gone = tuple(x for x in DEFAULT_EXPECTED_SECTORS if x not in present[area.key])
            if gone:
                out[area.key] = gone
        return out


# Their public path is set by the package; doctest still reads their examples here.
__test__ = {"Blueprint": Blueprint, "CityInfo": CityInfo}
