"""The full report: one standalone HTML page of every report, for the analyst behind
the brief.

:func:`write_report` puts coverage, gaps (with the concerns overdue), key-person risk,
community satisfaction (CPSS and the PJ index by area and by officer, small groups
suppressed), the departure of the officer who holds the most relationships alone,
and the network diagram of the busiest beat on one page, with inline CSS and the
diagram as inline SVG (when Graphviz's ``dot`` is installed). The page holds keys and
counts only, never names, contact details or notes, and every text in it is escaped.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pendulum

from rbp._render import Report

if TYPE_CHECKING:
    from rbp.graph import CoverageReport, KeyPersonReport
    from rbp.store import Store

__all__ = ["busiest_beat", "write_report"]


def busiest_beat(crm: Store, coverage: CoverageReport) -> str | None:
    """The beat (an area with no child areas) with the most stakeholders in ``coverage``.

    Ties go to the smaller key; None when no beat has anybody in scope.

    Parameters
    ----------
    crm
        The store ``coverage`` was computed on (for its area tree).
    coverage
        A coverage report, e.g. ``crm.graph.coverage(as_of=T)``.

    Returns
    -------
    str or None
        The beat's key.

    Raises
    ------
    StoreError
        The store cannot be read.

    Examples
    --------
    >>> import rbp
    >>> crm = rbp.open()
    >>> crm.directory.add(rbp.Area("d-1", name="District 1"))
    >>> crm.directory.add(rbp.Area("b-1", name="Beat 1", parent="d-1"))
    >>> crm.directory.add(rbp.CommunityMember("m-1", name="J. Lee", area="b-1",
    ...                                       sector=rbp.Sector.FAITH))
    >>> busiest_beat(crm, crm.graph.coverage())
    'b-1'
    """
    tree = crm.directory.areas()
    beats = [
        a
        for a, cell in coverage.by_area.items()
        if a in tree and not tree.children(a) and cell.total > 0
    ]
    if not beats:
        return None
    return min(beats, key=lambda b: (-coverage.by_area[b].total, b))


def _most_sole_held(risk: KeyPersonReport) -> str | None:
    held = [(len(keys), officer) for officer, keys in risk.sole_held.items() if keys]
    if not held:
        return None
    return min(held, key=lambda x: (-x[0], x[1]))[1]


def write_report(
    crm: Store,
    path: str | Path,
    *,
    as_of: pendulum.DateTime | None = None,
    area: str | None = None,
    progress: Callable[[str], Any] | None = None,
) -> Path:
    """Write the combined HTML report of a store and return its path.

    Parameters
    ----------
    crm
        An open store.
    path
        The HTML file to write (parent folders are made).
    as_of
        T; default now (the store's clock).
    area
        Only this area and the areas below it.
    progress
        Called with a short line before each step (the ``rbp`` command prints them
        to stderr).

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    UnknownKeyError
        ``area`` is not an area of the store.

    Examples
    --------
    >>> import tempfile, pathlib, pendulum, rbp
    >>> from rbp.interactions import Interaction, InteractionKind
    >>> crm = rbp.open(tz="America/Chicago")
    >>> crm.directory.add(rbp.Area("d-1", name="District 1"))
    >>> crm.directory.add(rbp.Area("b-1", name="Beat 1", parent="d-1"))
    >>> crm.directory.add(rbp.Officer("P1", name="A. Ruiz", areas=("b-1",)))
    >>> crm.directory.add(rbp.CommunityMember("m-1", name="J. Lee", area="b-1",
    ...                                       sector=rbp.Sector.FAITH))
    >>> _ = crm.interactions.log(Interaction(
    ...     at=pendulum.datetime(2026, 6, 1, tz="America/Chicago"),
    ...     kind=InteractionKind.MEETING, participants=("P1", "m-1"), areas=("b-1",)))
    >>> T = pendulum.datetime(2026, 6, 30, tz="America/Chicago")
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = write_report(crm, pathlib.Path(tmp) / "report.html", as_of=T)
    ...     text = out.read_text(encoding="utf-8")
    >>> "Departure of P1" in text and "J. Lee" not in text
    True
    >>> "Community satisfaction" in text and "By officer" in text
    True
    """
    say = progress or (lambda line: None)
    # The gap report first: its snapshot (with the ties going cold) is the one every
    # other figure of T is counted from.
    say("gaps")
    gaps = crm.graph.gaps(as_of=as_of, area=area)
    at = gaps.as_of
    say("coverage")
    cov = crm.graph.coverage(as_of=at, area=area)
    say("key-person risk")
    risk = crm.graph.key_person_risk(as_of=at, area=area)
    say("community satisfaction")
    parts: list[Any] = [
        cov,
        gaps,
        risk,
        crm.feedback.cpss(as_of=at, by="area"),
        crm.feedback.cpss(as_of=at, by="officer"),
    ]
    notes: list[str] = []
    officer = _most_sole_held(risk)
    if officer is None:
        notes.append("No officer holds a relationship alone.")
    else:
        say(f"departure of {officer}")
        parts.append(crm.graph.simulate_departure(officer, as_of=at))
    diagrams: dict[str, Any] = {}
    beat = busiest_beat(crm, cov)
    if beat is not None:
        say(f"network diagram of {beat}")
        diagrams[f"Network of the busiest beat, {beat}"] = crm.graph.diagram(as_of=at, area=beat)
    scope = "the department" if area is None else f"area {area}"
    report = Report(
        f"Relationship report: {scope}",
        as_of=at,
        summary=(
            f"{cov.total} stakeholders in scope, {cov.covered} covered; "
            f"{len(gaps.quiet_areas)} quiet areas; busiest beat: {beat or 'none'}."
        ),
        notes=notes,
        parts=parts,
        diagrams=diagrams,
    )
    say(f"writing {path}")
    return report.to_html(path)
