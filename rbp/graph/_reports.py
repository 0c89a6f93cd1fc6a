"""Report records: coverage, gaps, key-person risk, departure impact.

Frozen attrs records of keys and numbers (never personal data), each with
``to_frame()`` for pandas, ``_repr_html_`` for notebooks and ``to_html(path)`` for a
standalone page (inline CSS, diagrams as inline SVG) to send to a program lead.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import pendulum

from rbp._frames import frame, html_table
from rbp._html import Diagrams, write_page
from rbp.model import Priority, Sector
from rbp.model._interactions import FollowUp

if TYPE_CHECKING:
    import pandas as pd

    from rbp._queries.plan_status import PlanStatus

__all__ = [
    "Cell",
    "ColdTie",
    "CoverageReport",
    "DepartureImpact",
    "GapReport",
    "KeyPersonReport",
    "Successor",
]


def _ratio(covered: int, total: int) -> float | None:
    return None if total == 0 else covered / total


@attrs.frozen
class Cell:
    """Covered and total stakeholders of one slice; ``ratio`` is None when empty."""

    covered: int
    total: int

    @property
    def ratio(self) -> float | None:
        """covered / total, or None for an empty slice."""
        return _ratio(self.covered, self.total)

    @property
    def uncovered(self) -> int:
        """total - covered."""
        return self.total - self.covered


def _pct(r: float | None) -> str:
    return "—" if r is None else f"{100 * r:.1f}%"


def _keys_html(keys: tuple[str, ...], limit: int = 200) -> str:
    shown = ", ".join(html.escape(k) for k in keys[:limit])
    more = f" and {len(keys) - limit} more" if len(keys) > limit else ""
    return f"<p>{shown or 'none'}{more}</p>"


@attrs.frozen(kw_only=True)
class CoverageReport:
    """Who has a working relationship with an officer, as of a time.

    A non-officer stakeholder is *covered* when at least one officer shares an
    interaction with it in the window ``(T - window, T]`` (default: the
    stakeholder's cadence). ``by_area`` rolls up the area tree (a stakeholder of a
    beat counts for its district too, once); ``matrix`` is area × sector.
    """

    as_of: pendulum.DateTime
    window_days: float | None
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
        return _ratio(self.covered, self.total)

    def cell(self, area: str, sector: Sector) -> Cell:
        """The matrix cell of ``area`` × ``sector`` (an empty cell if nobody is there)."""
        return self.matrix.get((area, sector), Cell(0, 0))

    def _area_rows(self) -> list[dict[str, Any]]:
        return [
            {"area": a, "covered": c.covered, "total": c.total, "ratio": c.ratio}
            for a, c in self.by_area.items()
        ]

    def to_frame(self) -> pd.DataFrame:
        """The area × sector matrix in long form: area, sector, covered, total, ratio."""
        rows = [
            {"area": a, "sector": s.value, "covered": c.covered, "total": c.total, "ratio": c.ratio}
            for (a, s), c in self.matrix.items()
            if c.total
        ]
        return frame(rows, ["area", "sector", "covered", "total", "ratio"])

    def matrix_frame(self) -> pd.DataFrame:
        """The matrix as a wide frame of ratios: areas as rows, sectors as columns."""
        long = self.to_frame()
        return long.pivot(index="area", columns="sector", values="ratio")

    def _repr_html_(self) -> str:
        head = (
            f"<p>Coverage as of {self.as_of:%Y-%m-%d}: <b>{_pct(self.ratio)}</b> "
            f"({self.covered} of {self.total} stakeholders)</p>"
        )
        return head + html_table(
            self._area_rows(), ["area", "covered", "total", "ratio"], title="By area"
        )

    def _sector_rows(self) -> list[dict[str, Any]]:
        return [
            {"sector": s.value, "covered": c.covered, "total": c.total, "ratio": c.ratio}
            for s, c in self.by_sector.items()
        ]

    def to_html(self, path: str | Path, *, diagrams: Diagrams = None) -> Path:
        """Write a standalone HTML page of this report and return its path.

        Parameters
        ----------
        path : str or Path
            The file to write (parent folders are made).
        diagrams : mapping or iterable of graphviz objects, optional
            Inlined as SVG when Graphviz's ``dot`` is installed.

        Examples
        --------
        >>> import pendulum, tempfile, pathlib
        >>> report = CoverageReport(
        ...     as_of=pendulum.datetime(2026, 6, 30), window_days=None, covered=1, total=2,
        ...     by_area={"b-1": Cell(1, 2)}, by_sector={}, matrix={}, uncovered=("m-2",))
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     text = report.to_html(pathlib.Path(tmp) / "c.html").read_text(encoding="utf-8")
        >>> "As of 2026-06-30" in text and "<td>b-1</td>" in text
        True
        """
        sections = [
            ("Coverage", self._repr_html_()),
            (
                "By sector",
                html_table(self._sector_rows(), ["sector", "covered", "total", "ratio"]),
            ),
        ]
        return write_page(path, "Coverage report", sections, as_of=self.as_of, diagrams=diagrams)

    def __str__(self) -> str:
        lines = [
            f"coverage as of {self.as_of:%Y-%m-%d}: {_pct(self.ratio)} "
            f"({self.covered}/{self.total})"
        ]
        for s, c in self.by_sector.items():
            lines.append(f"  {s.value:<20} {_pct(c.ratio):>7} ({c.covered}/{c.total})")
        return "\n".join(lines)


@attrs.frozen(kw_only=True)
class ColdTie:
    """A tie going cold: cooling or dormant as of the report's time."""

    officer: str
    stakeholder: str
    status: str
    last: pendulum.DateTime


@attrs.frozen(kw_only=True)
class GapReport:
    """Where relationships are missing or thinning, as of a time.

    ``uncovered`` maps each priority to its uncovered stakeholders; ``cooling``
    lists ties going cold; ``matrix_gaps`` are area × sector cells with
    stakeholders but none covered; ``missing_sectors`` are expected sectors with no
    known stakeholder in an area; ``quiet_areas`` had no interaction in the window
    (an interaction in an area counts for it and all its ancestors);
    ``single_threaded`` are covered stakeholders held by one officer;
    ``overdue_follow_ups`` are promised follow-ups that passed without contact;
    ``plans`` are the open action plans with overdue tasks, partners not engaged or
    needed sectors with no partner.
    """

    as_of: pendulum.DateTime
    uncovered: dict[Priority, tuple[str, ...]]
    cooling: tuple[ColdTie, ...]
    matrix_gaps: tuple[tuple[str, Sector], ...]
    missing_sectors: dict[str, tuple[Sector, ...]]
    quiet_areas: tuple[str, ...]
    single_threaded: tuple[str, ...]
    overdue_follow_ups: tuple[FollowUp, ...]
    plans: tuple[PlanStatus, ...] = ()
    window: dt.timedelta | None = None  # the one window used; None = each cadence

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
        return rows

    def to_frame(self) -> pd.DataFrame:
        """One row per kind of gap: gap, count, examples."""
        return frame(self._rows(), ["gap", "count", "examples"])

    def _repr_html_(self) -> str:
        return html_table(
            self._rows(), ["gap", "count", "examples"], title=f"Gaps as of {self.as_of:%Y-%m-%d}"
        )

    def to_html(self, path: str | Path, *, diagrams: Diagrams = None) -> Path:
        """Write a standalone HTML page of this report (see
        :meth:`CoverageReport.to_html`) and return its path."""
        sections = [("Gaps", self._repr_html_())]
        return write_page(path, "Gap report", sections, as_of=self.as_of, diagrams=diagrams)

    def __str__(self) -> str:
        return "\n".join(f"{r['gap']:<42}{r['count']:>7}  {r['examples']}" for r in self._rows())


@attrs.frozen(kw_only=True)
class KeyPersonReport:
    """Relationships held by a single officer.

    A covered stakeholder is *single-threaded* when exactly one officer holds an
    active tie with it. ``ratio`` is single-threaded / covered (None if none covered).
    """

    as_of: pendulum.DateTime
    covered: int
    single_threaded: tuple[str, ...]
    sole_held: dict[str, tuple[str, ...]]
    window: dt.timedelta | None = None  # the one window used; None = each cadence

    @property
    def ratio(self) -> float | None:
        """Share of covered stakeholders that are single-threaded."""
        return _ratio(len(self.single_threaded), self.covered)

    def _rows(self) -> list[dict[str, Any]]:
        return [
            {"officer": o, "sole_held": len(keys), "stakeholders": ", ".join(keys[:8])}
            for o, keys in self.sole_held.items()
        ]

    def to_frame(self) -> pd.DataFrame:
        """One row per officer: officer, sole_held (count), stakeholders."""
        return frame(self._rows(), ["officer", "sole_held", "stakeholders"])

    def _repr_html_(self) -> str:
        head = (
            f"<p>{len(self.single_threaded)} of {self.covered} covered stakeholders "
            f"({_pct(self.ratio)}) are held by one officer</p>"
        )
        return head + html_table(
            self._rows(),
            ["officer", "sole_held", "stakeholders"],
            title="Sole-held relationships by officer",
        )

    def to_html(self, path: str | Path, *, diagrams: Diagrams = None) -> Path:
        """Write a standalone HTML page of this report (see
        :meth:`CoverageReport.to_html`) and return its path."""
        sections = [("Key-person risk", self._repr_html_())]
        return write_page(path, "Key-person risk", sections, as_of=self.as_of, diagrams=diagrams)


@attrs.frozen(kw_only=True)
class Successor:
    """A candidate for a warm handover, with the score's reasons."""

    officer: str
    score: float
    orphans_known: int
    reasons: tuple[str, ...]


@attrs.frozen(kw_only=True)
class DepartureImpact:
    """What the department loses if one officer leaves at T."""

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

    def to_frame(self) -> pd.DataFrame:
        """Ranked successors: officer, score, orphans_known, reasons."""
        return frame(self._rows(), ["officer", "score", "orphans_known", "reasons"])

    def _repr_html_(self) -> str:
        head = (
            f"<p>If {html.escape(self.officer)} leaves: coverage {_pct(self.before.ratio)} → "
            f"{_pct(self.after.ratio)}; {len(self.orphaned)} stakeholders orphaned; "
            f"areas losing coverage: {html.escape(', '.join(self.areas_dropped)) or 'none'}</p>"
        )
        return head + html_table(
            self._rows(),
            ["officer", "score", "orphans_known", "reasons"],
            title="Successors for a warm handover",
        )

    def to_html(self, path: str | Path, *, diagrams: Diagrams = None) -> Path:
        """Write a standalone HTML page of this report (see
        :meth:`CoverageReport.to_html`) and return its path."""
        sections = [
            (f"Departure of {self.officer}", self._repr_html_()),
            ("Orphaned stakeholders", _keys_html(self.orphaned)),
        ]
        return write_page(
            path,
            f"Departure impact: {self.officer}",
            sections,
            as_of=self.before.as_of,
            diagrams=diagrams,
        )

    def __str__(self) -> str:
        lines = [
            f"departure of {self.officer}: coverage {_pct(self.before.ratio)} -> "
            f"{_pct(self.after.ratio)}, {len(self.orphaned)} orphaned, "
            f"{len(self.areas_dropped)} areas lose coverage",
        ]
        for s in self.successors[:5]:
            lines.append(f"  successor {s.officer} (score {s.score:g}): {'; '.join(s.reasons)}")
        return "\n".join(lines)
