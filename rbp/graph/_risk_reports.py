"""Report records: key-person risk and the impact of an officer's departure.

Frozen attrs records of keys and numbers (never personal data), shown by the one
renderer (:class:`rbp._render.Renderable`) like the coverage reports in ``_reports``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs
import pendulum

from rbp._render import Renderable, Report, Table, count
from rbp.graph._reports import CoverageReport, key_rows, pct, ratio_of

if TYPE_CHECKING:
    import datetime as dt


__all__ = ["DepartureImpact", "KeyPersonReport", "Successor"]


@attrs.frozen(kw_only=True, repr=False)
class KeyPersonReport(Renderable):
    """Relationships held by a single officer.

    A covered stakeholder is *single-threaded* when exactly one officer holds an
    active tie with it. ``ratio`` is single-threaded / covered (None if none covered).
    ``sole_held`` maps each officer to the stakeholders only they hold, most first.
    Made by :meth:`~rbp.graph.Graph.key_person_risk`.

    Examples
    --------
    >>> risk = crm.graph.key_person_risk(as_of=T)
    >>> risk.sole_held["P0008"], risk.to_frame().shape
    (('org-0017',), (11, 3))
    """

    as_of: pendulum.DateTime
    covered: int
    single_threaded: tuple[str, ...]
    sole_held: dict[str, tuple[str, ...]]
    window: dt.timedelta | None = None  # the one window used; None = each cadence

    @property
    def ratio(self) -> float | None:
        """Share of covered stakeholders that are single-threaded."""
        return ratio_of(len(self.single_threaded), self.covered)

    def _rows(self) -> list[dict[str, Any]]:
        return [
            {"officer": o, "sole_held": len(keys), "stakeholders": ", ".join(keys[:8])}
            for o, keys in self.sole_held.items()
        ]

    def _report(self) -> Report:
        """One row per officer (``to_frame()``: officer, sole_held, stakeholders, the
        first eight), then every single-threaded stakeholder with its one officer."""
        return Report(
            "Key-person risk",
            as_of=self.as_of,
            summary=(
                f"{len(self.single_threaded)} of {count(self.covered, 'covered stakeholder')} "
                f"({pct(self.ratio)}) {'is' if len(self.single_threaded) == 1 else 'are'} held "
                "by one officer."
            ),
            tables=(
                Table(
                    "Sole-held relationships by officer",
                    ("officer", "sole_held", "stakeholders"),
                    self._rows(),
                ),
                Table(
                    "Single-threaded stakeholders",
                    ("stakeholder", "officer"),
                    [
                        {"stakeholder": k, "officer": o}
                        for o, keys in self.sole_held.items()
                        for k in keys
                    ],
                ),
            ),
        )


@attrs.frozen(kw_only=True)
class Successor:
    """A candidate for a warm handover, with the score's reasons.

    The ``successors`` of a :class:`DepartureImpact`, best first; the score is
    explained at :meth:`~rbp.graph.Graph.simulate_departure`.

    Examples
    --------
    >>> best = crm.graph.simulate_departure("P0001", as_of=T).successors[0]
    >>> best.officer, best.score, best.orphans_known
    ('P0003', 18.0, 5)
    >>> best.reasons[0]
    'has met 5 of the 6 orphaned stakeholders'
    """

    officer: str
    score: float
    orphans_known: int
    reasons: tuple[str, ...]


@attrs.frozen(kw_only=True, repr=False)
class DepartureImpact(Renderable):
    """What the department loses if one officer leaves at T.

    Coverage ``before`` and ``after`` (two :class:`CoverageReport`), the
    ``orphaned`` stakeholders (covered before, not after), the ``areas_dropped``
    (biggest fall first) and the ranked ``successors``. Made by
    :meth:`~rbp.graph.Graph.simulate_departure`.

    Examples
    --------
    >>> impact = crm.graph.simulate_departure("P0001", as_of=T)
    >>> impact.before.covered, impact.after.covered, impact.orphaned[:2]
    (78, 72, ('m-000001', 'm-000006'))
    >>> impact.to_frame().columns.tolist()
    ['officer', 'score', 'orphans_known', 'reasons']
    """

    officer: str
    before: CoverageReport
    after: CoverageReport
    orphaned: tuple[str, ...]
    areas_dropped: tuple[str, ...]
    successors: tuple[Successor, ...]
    window: dt.timedelta | None = None  # the one window used; None = each cadence

    def _rows(self) -> list[dict[str, Any]]:
        return [
            {
                "officer": s.officer,
                "score": s.score,
                "orphans_known": s.orphans_known,
                "reasons": "; ".join(s.reasons),
            }
            for s in self.successors
        ]

    def _report(self) -> Report:
        """The coverage before and after, ranked successors (``to_frame()``: officer,
        score, orphans_known, reasons), the orphaned stakeholders and the areas that
        lose coverage."""
        return Report(
            f"Departure of {self.officer}",
            as_of=self.before.as_of,
            window=self.window,
            summary=(
                f"If {self.officer} leaves: coverage {pct(self.before.ratio)} → "
                f"{pct(self.after.ratio)}; {count(len(self.orphaned), 'stakeholder')} orphaned; "
                f"{count(len(self.areas_dropped), 'area')} "
                f"{'loses' if len(self.areas_dropped) == 1 else 'lose'} coverage."
            ),
            tables=(
                Table(
                    "Successors for a warm handover",
                    ("officer", "score", "orphans_known", "reasons"),
                    self._rows(),
                ),
                Table(
                    "Orphaned stakeholders",
                    ("stakeholder",),
                    key_rows("stakeholder", self.orphaned),
                ),
                Table("Areas losing coverage", ("area",), key_rows("area", self.areas_dropped)),
            ),
        )


# Their public path is set by the package; doctest still reads their examples here.
__test__ = {
    "DepartureImpact": DepartureImpact,
    "KeyPersonReport": KeyPersonReport,
    "Successor": Successor,
}
