"""The brief: one page a program lead reads in thirty seconds (:func:`brief`).

Everything on it comes from the public calls a user would make (``crm.graph.coverage``,
``gaps``, ``key_person_risk``, ``simulate_departure``, ``crm.plans.statuses``,
``crm.directory.find``, ``crm.interactions.ties``), as of one time T and, for the
changes, as of a quarter before. ``crm.graph`` keeps the snapshot of each time it
answers for, so the coverage, gap, key-person and departure figures as of T are read
from one snapshot and counted once, and the quarter before is one more snapshot with
only its headline figures counted (no gap report, no departures).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs
import pendulum

from rbp._render import (
    Figure,
    Front,
    HeatMap,
    Listing,
    Renderable,
    Report,
    Table,
    count,
    percent,
)
from rbp.interactions import TieStatus
from rbp.model import Priority, StakeholderKind
from rbp.plans import Phase
from rbp.report._full import busiest_beat
from rbp.report._heat import area_name, heatmap
from rbp.report._judge import Headline
from rbp.report._urgent import Urgent, urgent_gaps

if TYPE_CHECKING:
    from rbp.graph import CoverageReport, DepartureImpact, GapReport, KeyPersonReport
    from rbp.plans import PlanStatus
    from rbp.store import Store

__all__ = ["Brief", "brief"]

QUARTER = pendulum.duration(months=3)
"""How far back the changes of the headline figures look."""

LOSE = 3
"""How many officers "who we would lose" shows (those who hold the most alone)."""

PLANS_SHOWN = 5
"""How many plans needing attention the front lists (the most overdue first)."""


@attrs.frozen(kw_only=True)
class _Measure:
    """The figures of one time: the reports they come from and the counts."""

    coverage: CoverageReport
    risk: KeyPersonReport
    homes: dict[str, tuple[str, ...]]  # key stakeholders in scope -> their areas
    in_scope: frozenset[str]  # every non-officer stakeholder in scope
    key_uncovered: int  # key stakeholders in scope without contact in their cadence
    live_ties: int  # ties with a stakeholder in scope that have not lapsed
    cold_ties: int  # of those, the cooling and dormant
    open_plans: int
    plans: tuple[PlanStatus, ...]  # open plans needing attention
    statuses: Renderable  # every plan's status


def _areas(stakeholder: Any) -> tuple[str, ...]:
    """A member's home area or the areas an agency serves."""
    if stakeholder.kind is StakeholderKind.AGENCY:
        return tuple(stakeholder.areas)
    return () if stakeholder.area is None else (stakeholder.area,)


def _measure(crm: Store, at: pendulum.DateTime, area: str | None) -> _Measure:
    """The headline figures as of ``at``: coverage and key-person risk share the graph's
    one snapshot of that time; the gap counts come from them and from the ties, so no
    gap report is made for them."""
    cov = crm.graph.coverage(as_of=at, area=area)
    risk = crm.graph.key_person_risk(as_of=at, area=area)
    people = [
        s for s in crm.directory.find(area=area, as_of=at) if s.kind is not StakeholderKind.OFFICER
    ]
    homes = {s.key: _areas(s) for s in people if s.priority is Priority.KEY}
    in_scope = {s.key for s in people}
    live = cold = 0
    for tie in crm.interactions.ties(as_of=at):
        if tie.status is not TieStatus.LAPSED and tie.stakeholder in in_scope:
            live += 1
            cold += tie.status is not TieStatus.ACTIVE
    statuses = crm.plans.statuses(as_of=at, area=area)
    still_open = [s for s in statuses if s.phase is not Phase.CLOSED]
    return _Measure(
        coverage=cov,
        risk=risk,
        homes=homes,
        in_scope=frozenset(in_scope),
        key_uncovered=sum(1 for k in cov.uncovered if k in homes),
        live_ties=live,
        cold_ties=cold,
        open_plans=len(still_open),
        plans=tuple(p for p in still_open if p.overdue or p.unengaged or p.missing_sectors),
        statuses=statuses,
    )


def _headlines(now: _Measure, then: _Measure, compared: pendulum.DateTime) -> tuple[Headline, ...]:
    def figures(m: _Measure) -> dict[str, tuple[int, int]]:
        return {
            "coverage": (m.coverage.covered, m.coverage.total),
            "key_uncontacted": (m.key_uncovered, len(m.homes)),
            "single_threaded": (len(m.risk.single_threaded), m.risk.covered),
            "cold_ties": (m.cold_ties, m.live_ties),
            "plans": (len(m.plans), m.open_plans),
        }

    labels = {
        "coverage": ("Coverage", "stakeholder"),
        "key_uncontacted": ("Key stakeholders without recent contact", "key stakeholder"),
        "single_threaded": ("Held by a single officer", "covered stakeholder"),
        "cold_ties": ("Ties gone cold", "live tie"),
        "plans": ("Plans needing attention", "open plan"),
    }
    now_f, then_f = figures(now), figures(then)
    return tuple(
        Headline(
            name=name,
            label=labels[name][0],
            noun=labels[name][1],
            value=value,
            of=of,
            previous=then_f[name][0],
            previous_of=then_f[name][1],
            compared=compared,
        )
        for name, (value, of) in now_f.items()
    )


@attrs.frozen(kw_only=True, repr=False)
class Brief(Renderable):
    """One page a program lead reads in thirty seconds (made by :func:`brief`).

    ``headlines`` are the five headline figures (now and a quarter before, judged by
    :data:`~rbp.report.THRESHOLDS`); ``urgent`` the most urgent gaps as sentences;
    ``departures`` the officers whose transfer would leave the most stakeholders with
    no officer, with their successors; ``plans`` the open plans needing attention;
    ``busiest`` the busiest beat (key and name), whose network map is in ``diagrams``;
    the coverage, gap and key-person reports are the details. ``to_html(path)`` writes the
    page; ``to_frame()`` gives the headline figures.

    Examples
    --------
    >>> b = rbp.report.brief(crm, as_of=T)
    >>> [h.name for h in b.headlines][:2], b.headlines[0].shown
    (['coverage', 'key_uncontacted'], '45 %')
    >>> b.to_frame().columns.tolist()[:4]
    ['figure', 'value', 'of', 'judgement']
    """

    as_of: pendulum.DateTime
    compared: pendulum.DateTime
    area: str | None
    scope: str
    headlines: tuple[Headline, ...]
    heat: HeatMap | None
    urgent: tuple[Urgent, ...]
    departures: tuple[DepartureImpact, ...]
    lose: tuple[dict[str, Any], ...]
    plans: tuple[PlanStatus, ...]
    statuses: Renderable
    coverage: CoverageReport
    gaps: GapReport
    risk: KeyPersonReport
    busiest: tuple[str, str] | None = None  # the busiest beat's key and name
    diagrams: tuple[tuple[str, Any], ...] = ()

    def _report(self) -> Report:
        """The front (figures, heat-map, lists) and, below it, the reports it comes from."""
        figures = [
            Figure(
                label=h.label,
                value=h.shown,
                status=h.status,
                change=_unbroken(h.change),
                detail=_unbroken(h.detail),
                rule=_unbroken(h.threshold.rule),
            )
            for h in self.headlines
        ]
        lose_table = Table(
            "Who we would lose",
            LOSE_COLUMNS,
            list(self.lose),
        )
        front = Front(
            figures=figures,
            heatmap=self.heat,
            compared=self.compared.format("D MMM YYYY"),
            listings=[
                Listing(
                    title="Most urgent gaps",
                    items=[u.sentence for u in self.urgent],
                    empty="No gaps: every stakeholder in scope has recent officer contact.",
                ),
                Listing(
                    title="Who we would lose",
                    table=lose_table,
                    empty="No officer holds a relationship alone.",
                    note="Officers by key; successors ranked by who already knows the "
                    "stakeholders (see Departure under Details).",
                ),
                Listing(
                    title="Plans that need attention",
                    items=[_plan_sentence(p) for p in self.plans[:PLANS_SHOWN]],
                    empty="No open plan has overdue tasks, idle partners or missing sectors.",
                    note=(
                        f"{count(len(self.plans) - PLANS_SHOWN, 'more plan')} under Details."
                        if len(self.plans) > PLANS_SHOWN
                        else ""
                    ),
                ),
            ],
        )
        rows = [
            {
                "figure": h.label,
                "value": h.value,
                "of": h.of,
                "judgement": h.status,
                "previous": h.previous,
                "previous_of": h.previous_of,
                "thresholds": h.threshold.rule,
            }
            for h in self.headlines
        ]
        columns = ("figure", "value", "of", "judgement", "previous", "previous_of", "thresholds")
        return Report(
            f"Relationship brief for {self.scope}",
            as_of=self.as_of,
            summary=self._busiest_line(),
            diagrams=dict(self.diagrams),
            tables=(Table("Headline figures", columns, rows), lose_table),
            parts=(self.coverage, self.gaps, self.risk, *self.departures, self.statuses),
            front=front,
        )

    def _busiest_line(self) -> str:
        if self.busiest is None:
            return ""
        key, name = self.busiest
        cell = self.coverage.by_area[key]
        return (
            f"Busiest beat: {name}, {count(cell.total, 'stakeholder')}, "
            f"{percent(cell.ratio)} with recent officer contact; its network map is under "
            "Details."
        )


def _unbroken(text: str) -> str:
    """``text`` with a number and its per cent sign kept on one line."""
    return text.replace(" %", "\u00a0%")


def _plan_sentence(p: PlanStatus) -> str:
    bits = []
    if p.overdue:
        bits.append(f"{count(len(p.overdue), 'task')} overdue")
    if p.unengaged:
        bits.append(f"{count(len(p.unengaged), 'partner')} not met in 90 days")
    if p.missing_sectors:
        bits.append("no " + " or ".join(s.value.replace("_", " ") for s in p.missing_sectors))
        bits[-1] += " partner"
    days = round(p.days_in_phase)
    return (
        f"{p.title} ({p.plan}; {p.phase.value}, {count(days, 'day')} in phase): "
        + ", ".join(bits)
        + "."
    )


LOSE_COLUMNS = ("officer", "left with no officer", "areas hit hardest", "hand over to (has met)")


def _lose_row(
    impact: DepartureImpact, scope: frozenset[str], names: Any, leaves: Sequence[str]
) -> dict[str, Any]:
    orphaned = [k for k in impact.orphaned if k in scope]
    dropped = [a for a in impact.areas_dropped if a in leaves][:3]
    officer, left, hit, handover = LOSE_COLUMNS
    return {
        officer: impact.officer,
        left: count(len(orphaned), "stakeholder"),
        hit: ", ".join(names(a) for a in dropped) or "—",
        handover: ", ".join(f"{s.officer} ({s.orphans_known})" for s in impact.successors) or "—",
    }


def brief(crm: Store, *, as_of: pendulum.DateTime | None = None, area: str | None = None) -> Brief:
    """The one-page brief of a store, as of T: what a program lead reads first.

    Five headline figures, each with its change since a quarter before (the same figure
    as of T minus 3 months) and a judgement, good / watch / act, by
    :data:`~rbp.report.THRESHOLDS`: coverage, key stakeholders with no officer contact
    within their cadence, stakeholders held by a single officer, officer ties gone
    cold (cooling or dormant) and open plans needing attention. Then the coverage
    heat-map (the areas one level below the scope by sector), the ten most urgent gaps
    in plain sentences (scored by :data:`~rbp.report.URGENCY`), who we would lose (the
    officers who hold the most stakeholders alone, with the successors
    ``simulate_departure`` ranks), and the plans that need attention; the busiest beat
    (:func:`~rbp.report.busiest_beat`) is named, and the coverage, gap, key-person,
    departure and plan reports and the busiest beat's network map follow as details.
    Areas are shown by name, officers by key, and no person's name, contact or note is
    on the page.

    Parameters
    ----------
    crm
        An open store.
    as_of
        T; default now by the store's clock.
    area
        Only this area and the areas below it (plans covering them, stakeholders of
        them).

    Returns
    -------
    Brief
        ``to_html(path)`` writes the page (it prints to A4 with every detail open);
        notebooks show it as it is.

    Raises
    ------
    UnknownKeyError
        ``area`` is no area of the store.
    ValidationError
        ``area`` is not a valid key.
    NaiveDatetimeError
        ``as_of`` has no time zone.

    Examples
    --------
    >>> b = rbp.report.brief(crm, as_of=T)
    >>> for h in b.headlines:
    ...     print(f"{h.label}: {h.shown} ({h.status}); {h.change}")
    Coverage: 45 % (watch); down 4 points since 30 Sep 2025 (worse)
    Key stakeholders without recent contact: 6 (act); up 2 since 30 Sep 2025 (worse)
    Held by a single officer: 43 (act); up 2 since 30 Sep 2025 (worse)
    Ties gone cold: 236 (act); up 23 since 30 Sep 2025 (worse)
    Plans needing attention: 0 (None); no change since 30 Sep 2025
    >>> print(b.urgent[0].sentence)
    Beat 0108 has had no logged interaction for over 90 days (28 stakeholders there).
    >>> import pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     page = b.to_html(pathlib.Path(tmp) / "brief.html").read_text(encoding="utf-8")
    >>> "Coverage by area and sector" in page and "@media print" in page
    True
    """
    # The gap report first: its snapshot (with the ties going cold) is the one every
    # other figure of T is counted from.
    gaps = crm.graph.gaps(as_of=as_of, area=area)
    at = gaps.as_of
    now = _measure(crm, at, area)
    compared = at - QUARTER
    then = _measure(crm, compared, area)
    tree = crm.directory.areas()
    officers = [o for o, keys in now.risk.sole_held.items() if keys][:LOSE]
    departures = tuple(crm.graph.simulate_departure(o, as_of=at, successors=3) for o in officers)
    leaves = [a.key for a in tree if not tree.children(a.key) and a.key in now.coverage.by_area]
    settings = crm.settings
    scope = "the department" if area is None else area_name(tree, area)
    beat = busiest_beat(crm, now.coverage)
    busiest = None if beat is None else (beat, area_name(tree, beat))
    diagrams = (
        ()
        if busiest is None
        else (
            (f"Network of the busiest beat, {busiest[1]}", crm.graph.diagram(as_of=at, area=beat)),
        )
    )
    return Brief(
        as_of=at,
        compared=compared,
        area=area,
        scope=scope,
        headlines=_headlines(now, then, compared),
        heat=heatmap(now.coverage, tree, area),
        urgent=urgent_gaps(
            now.coverage,
            gaps,
            tree,
            homes=now.homes,
            key_days=settings.cadence_days(Priority.KEY),
            quiet_days=settings.cadence_days(Priority.REGULAR),
        ),
        departures=departures,
        lose=tuple(
            _lose_row(d, now.in_scope, lambda a: area_name(tree, a), leaves) for d in departures
        ),
        plans=tuple(sorted(now.plans, key=lambda p: (-len(p.overdue), p.plan))),
        statuses=now.statuses,
        busiest=busiest,
        diagrams=diagrams,
        coverage=now.coverage,
        gaps=gaps,
        risk=now.risk,
    )
