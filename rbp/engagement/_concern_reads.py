"""Reading concerns as they stood at a time: ``get``, ``find`` and ``overdue``."""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs
import pendulum
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp import _args
from rbp import _schema as t
from rbp._queries.concerns import linked_plans
from rbp._queries.concerns import overdue as late
from rbp._queries.scope import area_scope
from rbp._render import RecordList
from rbp._time import from_micros
from rbp.engagement._records import ConcernEvent, ConcernRecord
from rbp.errors import DuplicateKeyError, UnknownKeyError
from rbp.model._engagement import ConcernStatus

if TYPE_CHECKING:
    from rbp._unit import UnitOfWork

__all__ = ["ConcernReads", "insert_concern", "load"]

_COLUMNS = ("key", "at", "area", "category", "status", "owner", "tip")
_OVERDUE = ("key", "area", "category", "status", "owner", "stage", "due", "days_late", "level")


def load(
    conn: Connection,
    tz: str,
    *,
    upto: int,
    keys: Sequence[str] | None = None,
    links: bool = True,
    **where: Any,
) -> list[ConcernRecord]:
    """Concerns reported at or before ``upto`` (micros) with their history, interactions
    and plans up to then (without ``links``: their history alone, which a change of
    status needs, and no read of the interaction log)."""
    c, e = t.concerns.c, t.concern_events.c
    conds = [c.at <= upto]
    if keys is not None:
        conds.append(c.key.in_(list(keys)))
    if where.get("areas") is not None:
        conds.append(c.area.in_(where["areas"]))
    if where.get("category") is not None:
        conds.append(c.category == where["category"])
    q = sa.select(t.concerns).where(*conds).order_by(c.at, c.id)
    chosen = sa.select(c.key).where(*conds)  # the keys alone, for the two reads below
    rows = conn.execute(q).mappings().all()
    if not rows:
        return []
    history: dict[str, list[ConcernEvent]] = defaultdict(list)
    events = conn.execute(
        sa.select(t.concern_events).where(e.at <= upto, e.concern.in_(chosen)).order_by(e.at, e.id)
    ).mappings()
    for r in events:
        history[str(r["concern"])].append(
            ConcernEvent(
                at=from_micros(r["at"], tz),
                kind=str(r["kind"]),
                status=None if r["status"] is None else ConcernStatus(r["status"]),
                owner=r["owner"],
                note=r["note"],
                public=bool(r["public"]),
            )
        )
    if not links:
        return [_record(r, tuple(history[str(r["key"])]), tz) for r in rows]
    i = t.interactions.c
    linked: dict[str, list[int]] = defaultdict(list)
    for concern, iid in conn.execute(
        sa.select(i.concern, i.id).where(i.at <= upto, i.concern.in_(chosen)).order_by(i.at, i.id)
    ):
        linked[str(concern)].append(int(iid))
    plans = linked_plans(conn, chosen, upto)
    return [
        attrs.evolve(
            _record(r, tuple(history[str(r["key"])]), tz),
            interactions=tuple(linked[str(r["key"])]),
            plans=tuple(plans.get(str(r["key"]), ())),
        )
        for r in rows
    ]


def _record(row: Any, history: tuple[ConcernEvent, ...], tz: str) -> ConcernRecord:
    status = ConcernStatus.RECEIVED
    owner = None
    acknowledged = resolved = None
    for ev in history:
        if ev.kind == "assign":
            owner = ev.owner
        elif ev.status is not None:
            status = ev.status
            if status is ConcernStatus.ACKNOWLEDGED and acknowledged is None:
                acknowledged = ev.at
            if status is ConcernStatus.RESOLVED:
                resolved = ev.at
            elif status is ConcernStatus.IN_PROGRESS:
                resolved = None
    return ConcernRecord(
        key=str(row["key"]),
        at=from_micros(row["at"], tz),
        area=str(row["area"]),
        category=str(row["category"]),
        text=str(row["text"]),
        reporter=row["reporter"],
        tip=bool(row["tip"]),
        status=status,
        owner=owner,
        history=history,
        acknowledged=acknowledged,
        resolved=resolved,
    )


def insert_concern(conn: Connection, row: dict[str, Any], prefix: str, key: str | None) -> str:
    """Insert a concern row (and its first event); its key, given or made from its id."""
    c = t.concerns.c
    if key is not None and conn.execute(sa.select(c.id).where(c.key == key)).first():
        raise DuplicateKeyError(f"concern {key!r} exists already", key=key, field="key")
    area = row["area"]
    if not conn.execute(sa.select(t.areas.c.key).where(t.areas.c.key == area)).first():
        raise UnknownKeyError(f"no area {area!r}", key=area, field="area")
    temporary = key or f"~{secrets.token_hex(12)}"
    new_id = conn.execute(
        sa.insert(t.concerns).values(key=temporary, **row).returning(c.id)
    ).scalar_one()
    if key is None:
        key = f"{prefix}-{int(new_id):06d}"
        if conn.execute(sa.select(c.id).where(c.key == key)).first():
            key = f"{key}-{secrets.token_hex(3).upper()}"  # codes are read in upper case
        conn.execute(sa.update(t.concerns).where(c.id == new_id).values(key=key))
    conn.execute(
        sa.insert(t.concern_events).values(
            concern=key, at=row["at"], kind="status", status=ConcernStatus.RECEIVED.value
        )
    )
    return key


class ConcernReads:
    """The reads of ``crm.concerns``: one concern, a filtered list, the overdue list."""

    _uow: UnitOfWork

    def get(self, concern: str, *, as_of: pendulum.DateTime | None = None) -> ConcernRecord:
        """A concern (or a tip) as it stood at ``as_of``, with its history up to then.

        It shows the work on it by then: the interactions logged with ``concern=`` its
        key and the action plans linked to it (``crm.plans.link_concern``).

        Parameters
        ----------
        concern
            The concern's key (its reference).
        as_of
            The time (aware); default now.

        Returns
        -------
        ConcernRecord
            ``status``, ``owner``, ``history`` (every change up to ``as_of``),
            ``interactions`` (ids) and ``plans`` (keys) linked by then, ...

        Raises
        ------
        UnknownKeyError
            No concern has that key, or it was reported after ``as_of``.
        ValidationError
            A malformed key or a naive ``as_of``.
        TypeError
            ``as_of`` is not a time.

        Examples
        --------
        >>> import pendulum, rbp
        >>> from rbp.engagement import Concern
        >>> crm = rbp.open()
        >>> crm.directory.add_many([rbp.Area("b-1"), rbp.Officer("P1")])
        2
        >>> t0 = pendulum.datetime(2026, 3, 2)
        >>> key = crm.concerns.report(Concern(at=t0, area="b-1", category="noise", text="..."))
        >>> crm.concerns.set_status(key, "acknowledged", at=t0.add(days=1))
        >>> crm.concerns.get(key, as_of=t0.add(hours=1)).status.value
        'received'
        >>> [e.status.value for e in crm.concerns.get(key, as_of=t0.add(days=2)).history]
        ['received', 'acknowledged']

        A plan that works on it, opened a day later:

        >>> from rbp.plans import ActionPlan
        >>> crm.plans.create(ActionPlan("p-1", title="Late parties", problem="Noise at night",
        ...                             concerns=(key,)), at=t0.add(days=1))
        >>> crm.concerns.get(key).plans, crm.concerns.get(key, as_of=t0).plans
        (('p-1',), ())
        """
        key = _args.key(concern, "concern")
        when = self._uow.when(as_of)
        with self._uow.read() as conn:
            found = load(conn, self._uow.tz, upto=when.micros, keys=[key])
        if not found:
            raise UnknownKeyError(
                f"no concern {key!r} as of {when.at.to_iso8601_string()}", key=key, field="concern"
            )
        return found[0]

    def find(
        self,
        *,
        area: str | None = None,
        status: ConcernStatus | str | None = None,
        category: str | None = None,
        as_of: pendulum.DateTime | None = None,
    ) -> RecordList:
        """Concerns and tips as they stood at ``as_of``, oldest first.

        Parameters
        ----------
        area
            Only concerns of this area and the areas below it.
        status
            Only concerns with this status at ``as_of``.
        category
            Only concerns of this category.
        as_of
            The time (aware); default now.

        Returns
        -------
        RecordList of ConcernRecord
            The list shows key, time, area, category, status, owner and whether it is a
            tip; never the text or the reporter.

        Raises
        ------
        UnknownKeyError
            ``area`` does not exist.
        ValidationError
            A malformed key, an unknown status or a naive ``as_of``.
        TypeError
            An argument of the wrong type.

        Examples
        --------
        >>> import pendulum, rbp
        >>> from rbp.engagement import Concern
        >>> crm = rbp.open()
        >>> crm.directory.add_many([rbp.Area("d-1"), rbp.Area("b-1", parent="d-1")])
        2
        >>> t0 = pendulum.datetime(2026, 3, 2)
        >>> _ = crm.concerns.report(Concern(at=t0, area="b-1", category="noise", text="..."))
        >>> [c.key for c in crm.concerns.find(area="d-1", status="received", as_of=t0)]
        ['C-000001']
        """
        where = _args.optional_key(area, "area")
        state = _args.optional_choice(ConcernStatus, status, "status")
        kind = _args.optional_key(category, "category")
        when = self._uow.when(as_of)
        with self._uow.read() as conn:
            areas = None if where is None else area_scope(conn, where)
            found = load(conn, self._uow.tz, upto=when.micros, areas=areas, category=kind)
        items = [c for c in found if state is None or c.status is state]
        return RecordList(items, columns=_COLUMNS, title="Concerns", as_of=when.at)

    def overdue(
        self, *, as_of: pendulum.DateTime | None = None, area: str | None = None
    ) -> RecordList:
        """Open concerns past their service-level target at ``as_of``, most urgent first.

        A received concern is late to be acknowledged, an acknowledged or in-progress
        one late to be resolved, by the targets of its category
        (``settings.service_levels``, else ``settings.service_level``: 2 and 30 days),
        counted from its report. Level 1 is past the target, 2 past twice it, 3 past
        four times it.

        Parameters
        ----------
        as_of
            The time (aware); default now.
        area
            Only concerns of this area and the areas below it.

        Returns
        -------
        RecordList of OverdueConcern
            ``key``, ``stage`` ("acknowledge" or "resolve"), ``due``, ``days_late``
            (whole days) and ``level`` (1-3), highest level first.

        Raises
        ------
        UnknownKeyError
            ``area`` does not exist.
        ValidationError
            A malformed key or a naive ``as_of``.
        TypeError
            An argument of the wrong type.

        Examples
        --------
        >>> import pendulum, rbp
        >>> from rbp.engagement import Concern
        >>> crm = rbp.open()
        >>> crm.directory.add(rbp.Area("b-1"))
        >>> t0 = pendulum.datetime(2026, 3, 2)
        >>> key = crm.concerns.report(Concern(at=t0, area="b-1", category="noise", text="..."))
        >>> late = crm.concerns.overdue(as_of=t0.add(days=5))[0]
        >>> late.stage, late.days_late, late.level
        ('acknowledge', 3, 2)
        """
        when = self._uow.when(as_of)
        where = _args.optional_key(area, "area")
        with self._uow.read() as conn:
            areas = None if where is None else area_scope(conn, where)
            out = late(conn, when.micros, self._uow.settings, self._uow.tz, areas=areas)
        return RecordList(
            out,
            columns=_OVERDUE,
            title="Overdue concerns",
            as_of=when.at,
        )
