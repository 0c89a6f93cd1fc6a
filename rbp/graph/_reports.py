"""Report records: coverage and gaps (key-person risk and departures: ``_risk_reports``).

Frozen attrs records of keys and numbers (never personal data). Each says what it
shows in ``_report()`` (a title, the as-of time, a summary and named tables) and the
one renderer (:class:`rbp._render.Renderable`) gives it ``to_frame()`` for pandas,
``_repr_html_`` for notebooks, ``to_html()`` for a standalone page (inline CSS,
diagrams as inline SVG) to send to a program lead, and a short text repr.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs
import pendulum

from rbp._render import Renderable, Report, Table, count
from rbp.model import Priority, Sector
from rbp.model._interactions import FollowUp

if TYPE_CHECKING:
    import pandas as pd

    from rbp._queries.concerns import OverdueConcern
    from rbp._queries.plan_status import PlanStatus

__all__ = ["Cell", "ColdTie", "CoverageReport", "GapReport", "key_rows", "pct", "ratio_of"]


def ratio_of(covered: int, total: int) -> float | None:
    return None if total == 0 else covered / total


@attrs.frozen
class Cell:
    """Covered and total stakeholders of one slice; ``ratio`` is None when empty.

    The slices of a :class:`CoverageReport`: an area, a sector, an area × sector cell.

    Examples
    --------
    >>> cell = crm.graph.coverage(as_of=T).by_area["b-0101"]
    >>> cell, cell.uncovered, round(cell.ratio, 3)
    (Cell(covered=5, total=13), 8, 0.385)
    >>> rbp.graph.Cell(0, 0).ratio is None
    True
    """

    covered: int
    total: int

    @property
    def ratio(self) -> float | None:
        """covered / total, or None for an empty slice."""
        return ratio_of(self.covered, self.total)

    @property
    def uncovered(self) -> int:
        """total - covered."""
        return self.total - self.covered


def pct(r: float | None) -> str:
    return "—" if r is None else f"{100 * r:.1f}%"


def _cell_rows(key: str, cells: dict[Any, Cell]) -> list[dict[str, Any]]:
    return [
        {key: k, "covered": c.covered, "total": c.total, "ratio": c.ratio} for k, c in cells.items()
    ]


def key_rows(column: str, keys: tuple[str, ...]) -> list[dict[str, Any]]:
    return [{column: k} for k in keys]


@attrs.frozen(kw_only=True, repr=False)
class CoverageReport(Renderable):
    """Who has a working relationship with an officer, as of a time.

    A non-officer stakeholder is *covered* when at least one officer shares an
    interaction with it in the window ``(T - window, T]`` (default: the
    stakeholder's cadence). ``by_area`` rolls up the area tree (a stakeholder of a
    beat counts for its district too, once); ``matrix`` is area × sector.
    Made by :meth:`~rbp.graph.Graph.coverage`.

    Examples
    --------
    >>> cov = crm.graph.coverage(as_of=T)
    >>> cov.covered, cov.total, cov.cell("b-0101", rbp.Sector.RESIDENT)
    (78, 172, Cell(covered=1, total=3))
    >>> cov.to_frame().columns.tolist(), cov.matrix_frame().shape
    (['area', 'sector', 'covered', 'total', 'ratio'], (12, 12))
    """

    as_of: pendulum.DateTime
    covered: int
    total: int
    by_area: dict[str, Cell]
    by_sector: dict[Sector, Cell]
    matrix: dict[tuple[str, Sector], Cell]
    uncovered: tuple[str, ...]
    window: dt.timedelta | None = None  # the one window used; None = each cadence

    @property
    def ratio(self) -> float | None:
        """covered / total, or None when nothing is in scope."""
        return ratio_of(self.covered, self.total)

    def cell(self, area: str, sector: Sector) -> Cell:
        """The matrix cell of ``area`` × ``sector`` (an empty cell if nobody is there)."""
        return self.matrix.get((area, sector), Cell(0, 0))

    def matrix_frame(self) -> pd.DataFrame:
        """The matrix as a wide frame of ratios: areas as rows, sectors as columns."""
        long = self.to_frame()
        return long.pivot(index="area", columns="sector", values="ratio")

    def _report(self) -> Report:
        """By sector, by area, the area x sector matrix (``to_frame()``: area, sector,
        covered, total, ratio; cells with nobody left out) and the uncovered keys.

        Returns
        -------
        Report
            What the renderer shows: title, as-of time, window, summary and tables.

        Examples
        --------
        >>> import pendulum
        >>> report = CoverageReport(
        ...     as_of=pendulum.datetime(2026, 6, 30), covered=1, total=2,
        ...     by_area={"b-1": Cell(1, 2)}, by_sector={}, matrix={}, uncovered=("m-2",))
        >>> report
        CoverageReport: Coverage — as of 2026-06-30 00:00 UTC
        50.0% covered: 1 of 2 stakeholders has a working relationship with an officer.
        By sector (0 rows)
        Also: By area (1 row); Area × sector (0 rows); Uncovered stakeholders (1 row)
          (to_frames() or to_html() show them all).
        """
        matrix = [
            {"area": a, "sector": s.value, "covered": c.covered, "total": c.total, "ratio": c.ratio}
            for (a, s), c in self.matrix.items()
            if c.total
        ]
        return Report(
            "Coverage",
            as_of=self.as_of,
            window=self.window,
            summary=(
                f"{pct(self.ratio)} covered: {self.covered} of {count(self.total, 'stakeholder')} "
                f"{'has' if self.covered == 1 else 'have'} a working relationship with an officer."
            ),
            tables=(
                Table(
                    "By sector",
                    ("sector", "covered", "total", "ratio"),
                    _cell_rows("sector", self.by_sector),
                ),
                Table(
                    "By area",
                    ("area", "covered", "total", "ratio"),
                    _cell_rows("area", self.by_area),
                ),
                Table("Area × sector", ("area", "sector", "covered", "total", "ratio"), matrix),
                Table(
                    "Uncovered stakeholders",
                    ("stakeholder",),
                    key_rows("stakeholder", self.uncovered),
                ),
            ),
            frame="Area × sector",
        )


@attrs.frozen(kw_only=True)
class ColdTie:
    """A tie going cold: cooling or dormant as of the report's time.

    The ``cooling`` items of a :class:`GapReport`; ``status`` is the
    :class:`~rbp.interactions.TieStatus` value and ``last`` the last contact.

    Examples
    --------
    >>> cold = crm.graph.gaps(as_of=T).cooling[0]
    >>> cold.officer, cold.stakeholder, cold.status, f"{cold.last:%Y-%m-%d}"
    ('P0003', 'm-000093', 'dormant', '2024-02-08')
    """

    officer: str
    stakeholder: str
    status: str
    last: pendulum.DateTime


@attrs.frozen(kw_only=True, repr=False)
class GapReport(Renderable):
    """Where relationships are missing or thinning, as of a time.

    ``uncovered`` maps each priority to its uncovered stakeholders; ``cooling``
    lists ties going cold; ``matrix_gaps`` are area × sector cells with
    stakeholders but none covered; ``missing_sectors`` are expected sectors with no
    known stakeholder in an area; ``quiet_areas`` had no interaction in the window
    (an interaction in an area counts for it and all its ancestors);
    ``single_threaded`` are covered stakeholders held by one officer;
    ``overdue_follow_ups`` are promised follow-ups that passed without contact;
    ``plans`` are the open action plans with overdue tasks, partners not engaged or
    needed sectors with no partner; ``out_of_currency`` maps each area to the active
    officers assigned to it (or below it) who are out of policy or training currency
    (see :meth:`rbp.accountability.Accountability.currency`); ``overdue_concerns`` are
    the open concerns and tips past their service-level target (see
    :meth:`rbp.engagement.Concerns.overdue`). Made by :meth:`~rbp.graph.Graph.gaps`.

    Examples
    --------
    >>> gaps = crm.graph.gaps(as_of=T)
    >>> len(gaps.cooling), gaps.quiet_areas, gaps.matrix_gaps[0]
    (236, ('b-0108',), ('city', <Sector.HEALTH: 'health'>))
    >>> gaps.to_frame().shape
    (12, 3)
    """

    as_of: pendulum.DateTime
    uncovered: dict[Priority, tuple[str, ...]]
    cooling: Sequence[ColdTie]  # a ColdTies (built as read) or any sequence of them
    matrix_gaps: tuple[tuple[str, Sector], ...]
    missing_sectors: dict[str, tuple[Sector, ...]]
    quiet_areas: tuple[str, ...]
    single_threaded: tuple[str, ...]
    overdue_follow_ups: Sequence[FollowUp]  # an OverdueFollowUps (built as read) or a tuple
    plans: tuple[PlanStatus, ...] = ()
    window: dt.timedelta | None = None  # the one window used; None = each cadence
    out_of_currency: dict[str, tuple[str, ...]] = attrs.field(factory=dict)
    overdue_concerns: tuple[OverdueConcern, ...] = ()

    def _rows(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for p, keys in self.uncovered.items():
            rows.append(
                {
                    "gap": f"uncovered ({p.value})",
                    "count": len(keys),
                    "examples": ", ".join(keys[:5]),
                }
            )
        rows.append(
            {
                "gap": "ties going cold",
                "count": len(self.cooling),
                "examples": ", ".join(f"{c.officer}~{c.stakeholder}" for c in self.cooling[:5]),
            }
        )
        rows.append(
            {
                "gap": "area x sector cells with nobody covered",
                "count": len(self.matrix_gaps),
                "examples": ", ".join(f"{a}/{s.value}" for a, s in self.matrix_gaps[:5]),
            }
        )
        n_missing = sum(len(v) for v in self.missing_sectors.values())
        rows.append(
            {
                "gap": "expected sectors with nobody known",
                "count": n_missing,
                "examples": ", ".join(
                    f"{a}/{s[0].value}" for a, s in list(self.missing_sectors.items())[:5]
                ),
            }
        )
        rows.append(
            {
                "gap": "quiet areas",
                "count": len(self.quiet_areas),
                "examples": ", ".join(self.quiet_areas[:5]),
            }
        )
        rows.append(
            {
                "gap": "single-threaded stakeholders",
                "count": len(self.single_threaded),
                "examples": ", ".join(self.single_threaded[:5]),
            }
        )
        rows.append(
            {
                "gap": "overdue follow-ups",
                "count": len(self.overdue_follow_ups),
                "examples": ", ".join(
                    f"{f.officer}~{f.stakeholder}" for f in self.overdue_follow_ups[:5]
                ),
            }
        )
        rows.append(
            {
                "gap": "open plans with overdue tasks, idle partners or missing sectors",
                "count": len(self.plans),
                "examples": ", ".join(p.plan for p in self.plans[:5]),
            }
        )
        officers = sorted({o for keys in self.out_of_currency.values() for o in keys})
        rows.append(
            {
                "gap": "officers out of policy or training currency",
                "count": len(officers),
                "examples": ", ".join(officers[:5]),
            }
        )
        rows.append(
            {
                "gap": "concerns and tips overdue",
                "count": len(self.overdue_concerns),
                "examples": ", ".join(c.key for c in self.overdue_concerns[:5]),
            }
        )
        return rows

    def _report(self) -> Report:
        """One row per kind of gap (``to_frame()``: gap, count, examples), then every
        key of each kind in its own table."""
        n_uncovered = sum(len(keys) for keys in self.uncovered.values())
        return Report(
            "Gaps",
            as_of=self.as_of,
            summary=(
                f"{count(n_uncovered, 'stakeholder')} uncovered, "
                f"{count(len(self.cooling), 'tie')} going cold, "
                f"{count(len(self.quiet_areas), 'quiet area')}, "
                f"{count(len(self.single_threaded), 'single-threaded stakeholder')}, "
                f"{count(len(self.plans), 'plan')} needing attention."
            ),
            tables=(
                Table("By kind of gap", ("gap", "count", "examples"), self._rows()),
                Table(
                    "Uncovered stakeholders",
                    ("stakeholder", "priority"),
                    [
                        {"stakeholder": k, "priority": p}
                        for p, keys in self.uncovered.items()
                        for k in keys
                    ],
                ),
                Table(
                    "Ties going cold",
                    ("officer", "stakeholder", "status", "last"),
                    [attrs.asdict(c, recurse=False) for c in self.cooling],
                ),
                Table(
                    "Area × sector cells with nobody covered",
                    ("area", "sector"),
                    [{"area": a, "sector": s} for a, s in self.matrix_gaps],
                ),
                Table(
                    "Expected sectors with nobody known",
                    ("area", "sector"),
                    [
                        {"area": a, "sector": s}
                        for a, sectors in self.missing_sectors.items()
                        for s in sectors
                    ],
                ),
                Table("Quiet areas", ("area",), key_rows("area", self.quiet_areas)),
                Table(
                    "Single-threaded stakeholders",
                    ("stakeholder",),
                    key_rows("stakeholder", self.single_threaded),
                ),
                Table(
                    "Overdue follow-ups",
                    ("officer", "stakeholder", "last", "due"),
                    [attrs.asdict(f, recurse=False) for f in self.overdue_follow_ups],
                ),
                Table(
                    "Plans needing attention",
                    ("key", "title", "phase", "overdue", "unengaged", "missing_sectors"),
                    [p.row() for p in self.plans],
                ),
                Table(
                    "Officers out of currency by area",
                    ("area", "officers"),
                    [
                        {"area": a, "officers": ", ".join(keys)}
                        for a, keys in self.out_of_currency.items()
                    ],
                ),
                Table(
                    "Concerns and tips overdue",
                    ("key", "area", "category", "stage", "days_late", "level"),
                    [attrs.asdict(c, recurse=False) for c in self.overdue_concerns],
                ),
            ),
        )


# Their public path is set by the package; doctest still reads their examples here.
__test__ = {
    "Cell": Cell,
    "ColdTie": ColdTie,
    "CoverageReport": CoverageReport,
    "GapReport": GapReport,
}
