"""What accountability answers with: policy versions, one officer's currency, the
currency of the whole department."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pendulum

from rbp._render import Renderable, Report, Table, count, percent
from rbp._time import MICROS_PER_DAY, duration_micros

__all__ = ["Currency", "OfficerCurrency", "PolicyVersion"]


@attrs.frozen(kw_only=True)
class PolicyVersion:
    """One published version of a policy, as the store holds it (all public).

    Examples
    --------
    >>> v = PolicyVersion(key="use-of-force", version="2026.1", title="Use of force",
    ...                   effective=pendulum.datetime(2026, 1, 1), url=None, summary=None)
    >>> v.key, v.version
    ('use-of-force', '2026.1')
    """

    key: str
    version: str
    title: str
    effective: pendulum.DateTime
    url: str | None
    summary: str | None


@attrs.frozen(kw_only=True)
class OfficerCurrency:
    """One officer's currency as of a time.

    ``unacknowledged`` are policy keys whose version in force the officer has not
    acknowledged within the grace period; ``lapsed`` are course keys never taken or past
    renewal; ``due_soon`` are course keys whose renewal falls within the due-soon period.

    Examples
    --------
    >>> o = OfficerCurrency(officer="P1", unit="CSP", areas=("b-1",),
    ...                     unacknowledged=("use-of-force",), lapsed=(), due_soon=("cit",))
    >>> o.current
    False
    """

    officer: str
    unit: str | None
    areas: tuple[str, ...]
    unacknowledged: tuple[str, ...]
    lapsed: tuple[str, ...]
    due_soon: tuple[str, ...]

    @property
    def current(self) -> bool:
        """Nothing unacknowledged and nothing lapsed (due soon is still current)."""
        return not self.unacknowledged and not self.lapsed


@attrs.frozen(kw_only=True, repr=False, eq=False)
class Currency(Renderable):
    """Training and policy currency of every active officer as of a time.

    Made by :meth:`rbp.accountability.Accountability.currency`. ``ratio`` is the share
    of active officers who are current (None with no officers); ``officers`` maps each
    officer's key to their :class:`OfficerCurrency`; ``policies`` and ``courses`` count,
    for each policy and course, the officers out of currency on it.

    Examples
    --------
    >>> c = Currency(as_of=pendulum.datetime(2026, 6, 30), grace=pendulum.duration(days=30),
    ...              officers={"P1": OfficerCurrency(officer="P1", unit=None, areas=(),
    ...                                              unacknowledged=(), lapsed=("cit",),
    ...                                              due_soon=())})
    >>> c.ratio, c.current, c.total, c.to_frame().loc[0, "lapsed"]
    (0.0, 0, 1, 'cit')
    """

    as_of: pendulum.DateTime
    grace: dt.timedelta
    officers: dict[str, OfficerCurrency]

    @property
    def total(self) -> int:
        """Active officers in scope."""
        return len(self.officers)

    @property
    def current(self) -> int:
        """Officers with nothing unacknowledged and nothing lapsed."""
        return sum(1 for o in self.officers.values() if o.current)

    @property
    def ratio(self) -> float | None:
        """``current / total``; None when there are no officers."""
        return None if not self.officers else self.current / self.total

    def by_item(self) -> list[dict[str, Any]]:
        """One row per policy and course: officers out of currency on it, and due soon.

        Returns
        -------
        list of dict
            ``kind`` ("policy" or "course"), ``key``, ``out`` (officers), ``due_soon``.

        Examples
        --------
        >>> o = OfficerCurrency(officer="P1", unit=None, areas=(), unacknowledged=("uof",),
        ...                     lapsed=(), due_soon=("cit",))
        >>> c = Currency(as_of=pendulum.datetime(2026, 6, 30), grace=pendulum.duration(days=30),
        ...              officers={"P1": o})
        >>> [(r["kind"], r["key"], r["out"], r["due_soon"]) for r in c.by_item()]
        [('policy', 'uof', 1, 0), ('course', 'cit', 0, 1)]
        """
        out: dict[tuple[str, str], dict[str, Any]] = {}

        def row(kind: str, key: str) -> dict[str, Any]:
            return out.setdefault((kind, key), {"kind": kind, "key": key, "out": 0, "due_soon": 0})

        for o in self.officers.values():
            for p in o.unacknowledged:
                row("policy", p)["out"] += 1
            for c in o.lapsed:
                row("course", c)["out"] += 1
            for c in o.due_soon:
                row("course", c)["due_soon"] += 1
        return [out[k] for k in sorted(out, key=lambda k: (k[0] != "policy", k[1]))]

    def _report(self) -> Report:
        rows = [
            {
                "officer": o.officer,
                "unit": o.unit,
                "current": o.current,
                "unacknowledged": ", ".join(o.unacknowledged),
                "lapsed": ", ".join(o.lapsed),
                "due_soon": ", ".join(o.due_soon),
            }
            for o in sorted(self.officers.values(), key=lambda o: (o.current, o.officer))
        ]
        return Report(
            "Training and policy currency",
            as_of=self.as_of,
            summary=(
                f"{count(self.current, 'officer')} of {self.total} current "
                f"({percent(self.ratio)}); policies must be acknowledged within "
                f"{count(duration_micros(self.grace) // MICROS_PER_DAY, 'day')} of taking force."
            ),
            tables=(
                Table(
                    "Officers",
                    ("officer", "unit", "current", "unacknowledged", "lapsed", "due_soon"),
                    rows,
                ),
                Table("By policy and course", ("kind", "key", "out", "due_soon"), self.by_item()),
            ),
        )
