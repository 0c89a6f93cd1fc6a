"""Training and policy currency of officers as of T, shared by accountability and graph.

The rules, written once:

- **in scope**: officers present at T (``since``/``until``) and active;
- **policy in force**: of each policy, the version with the latest ``effective`` at or
  before T;
- **unacknowledged**: the officer has no acknowledgement of the version in force at or
  before T, and T is more than the grace period after the later of the version's
  ``effective`` and the officer's ``since``;
- **course**: applies to the officer when it names no units or names the officer's unit;
  taken on the latest ``completed`` date of the officer's training records of that name
  on or before T's date (in the agency's zone; a record without a date proves nothing);
  it expires ``every`` days after that date;
- **lapsed**: never taken, or T's date is on or after the expiry date;
- **due soon**: not lapsed, and the expiry date is within ``due_soon`` days of T's date.

An officer is **current** with nothing unacknowledged and nothing lapsed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping

import attrs
import pendulum
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp import _schema as t
from rbp._queries.rules import present_sql
from rbp._time import MICROS_PER_DAY, AsOf, duration_micros
from rbp.areas import AreaTree

__all__ = ["Standing", "out_of_currency", "standings"]


@attrs.frozen
class Standing:
    """One officer's currency: policy keys unacknowledged, course keys lapsed or due soon."""

    officer: str
    unit: str | None
    areas: tuple[str, ...]
    unacknowledged: tuple[str, ...]
    lapsed: tuple[str, ...]
    due_soon: tuple[str, ...]

    @property
    def current(self) -> bool:
        """Nothing unacknowledged and nothing lapsed."""
        return not self.unacknowledged and not self.lapsed


def _days(value: dt.timedelta) -> int:
    return duration_micros(value) // MICROS_PER_DAY


def standings(
    conn: Connection, when: AsOf, *, grace: dt.timedelta, due_soon: dt.timedelta
) -> tuple[Standing, ...]:
    """The currency of every officer in scope at ``when``, by officer key."""
    at = when.micros
    today = pendulum.Date(when.at.year, when.at.month, when.at.day)
    s, sa_c = t.stakeholders.c, t.stakeholder_areas.c
    officers = conn.execute(
        sa.select(s.key, s.unit, s.since)
        .where(s.kind == "officer", s.active.is_(True), present_sql(s.since, s.until, at))
        .order_by(s.key)
    ).all()
    if not officers:
        return ()
    in_force = _in_force(conn, at)
    acked = _acknowledged(conn, at, in_force)
    required = _courses(conn)
    latest = _latest_training(conn, today)
    areas: dict[str, list[str]] = defaultdict(list)
    for key, area in conn.execute(
        sa.select(sa_c.stakeholder, sa_c.area)
        .join(t.stakeholders, t.stakeholders.c.key == sa_c.stakeholder)
        .where(s.kind == "officer")
        .order_by(sa_c.stakeholder, sa_c.area)
    ).all():  # fetched all at once, not a driver call per row
        areas[key].append(area)
    grace_micros = duration_micros(grace)
    soon = _days(due_soon)
    out = []
    for key, unit, since in officers:
        unacknowledged = tuple(
            policy
            for policy, (version, effective) in in_force.items()
            if (key, policy, version) not in acked
            and at - max(effective, since if since is not None else effective) > grace_micros
        )
        lapsed: list[str] = []
        due: list[str] = []
        for course, (every, units) in required.items():
            if units and unit not in units:
                continue
            last = latest.get((key, course))
            if last is None or last.add(days=every) <= today:
                lapsed.append(course)
            elif last.add(days=every) <= today.add(days=soon):
                due.append(course)
        out.append(
            Standing(
                officer=key,
                unit=unit,
                areas=tuple(areas.get(key, ())),
                unacknowledged=unacknowledged,
                lapsed=tuple(lapsed),
                due_soon=tuple(due),
            )
        )
    return tuple(out)


def _in_force(conn: Connection, at: int) -> dict[str, tuple[str, int]]:
    """Policy key -> (version, effective) of the version in force at ``at``."""
    pv = t.policy_versions.c
    newest = (
        sa.select(pv.policy, sa.func.max(pv.effective).label("effective"))
        .where(pv.effective <= at)
        .group_by(pv.policy)
        .subquery()
    )
    rows = conn.execute(
        sa.select(pv.policy, pv.version, pv.effective)
        .join(newest, sa.and_(newest.c.policy == pv.policy, newest.c.effective == pv.effective))
        .order_by(pv.policy)
    )
    return {policy: (version, effective) for policy, version, effective in rows}


def _acknowledged(
    conn: Connection, at: int, in_force: Mapping[str, tuple[str, int]]
) -> set[tuple[str, str, str]]:
    """(officer, policy, version) acknowledged at or before ``at``, for versions in force."""
    if not in_force:
        return set()
    pa = t.policy_acks.c
    rows = conn.execute(
        sa.select(pa.officer, pa.policy, pa.version).where(
            pa.at <= at,
            sa.tuple_(pa.policy, pa.version).in_([(p, v) for p, (v, _) in in_force.items()]),
        )
    )
    return {(o, p, v) for o, p, v in rows}


def _courses(conn: Connection) -> dict[str, tuple[int, frozenset[str]]]:
    """Course key -> (renewal days, units it applies to; empty = every officer)."""
    c, cu = t.courses.c, t.course_units.c
    units: dict[str, set[str]] = defaultdict(set)
    for course, unit in conn.execute(sa.select(cu.course, cu.unit)):
        units[course].add(unit)
    return {
        key: (every, frozenset(units.get(key, ())))
        for key, every in conn.execute(sa.select(c.key, c.every_days).order_by(c.key))
    }


def _latest_training(
    conn: Connection, today: pendulum.Date
) -> dict[tuple[str, str], pendulum.Date]:
    """(officer, course) -> the latest completion on or before ``today``, for required courses."""
    tr, c = t.officer_trainings.c, t.courses.c
    rows = conn.execute(
        sa.select(tr.officer, tr.name, sa.func.max(tr.completed))
        .where(tr.completed.is_not(None), tr.completed <= today, tr.name.in_(sa.select(c.key)))
        .group_by(tr.officer, tr.name)
    )
    return {(o, n): pendulum.Date(d.year, d.month, d.day) for o, n, d in rows}


def out_of_currency(found: Iterable[Standing], tree: AreaTree) -> dict[str, tuple[str, ...]]:
    """Area key -> officers out of currency assigned to it or to an area below it."""
    by_area: dict[str, set[str]] = defaultdict(set)
    for s in found:
        if s.current:
            continue
        for area in s.areas:
            if area not in tree:
                continue
            for a in (area, *tree.ancestors(area)):
                by_area[a].add(s.officer)
    return {a: tuple(sorted(by_area[a])) for a in tree.order() if a in by_area}
