"""Rows <-> directory records: areas, stakeholders (with their areas, tags and
trainings) and relationships.

The only place that builds directory records from rows and rows from records.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pendulum
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp._schema._tables import (
    areas,
    officer_trainings,
    stakeholder_areas,
    stakeholder_tags,
    stakeholders,
)
from rbp._time import from_micros, to_micros
from rbp.model import (
    Area,
    CommunityMember,
    Contact,
    Officer,
    OrgType,
    PartnerAgency,
    Priority,
    Relationship,
    RelationshipKind,
    Sector,
    StakeholderKind,
    Training,
)
from rbp.model._directory import AnyStakeholder

__all__ = [
    "CHUNK",
    "area_from_row",
    "area_row",
    "chunks",
    "existing",
    "instant",
    "load_area",
    "load_stakeholder",
    "load_stakeholders",
    "micros",
    "relationship_from_row",
    "relationship_row",
    "stakeholder_child_rows",
    "stakeholder_from_row",
    "stakeholder_row",
]

CHUNK = 5_000
"""Keys per ``IN (...)`` list: well below every driver's parameter limit."""


def micros(value: pendulum.DateTime | None) -> int | None:
    """Column value of an optional instant."""
    return None if value is None else to_micros(value)


def instant(value: int | None, tz: str) -> pendulum.DateTime | None:
    """Domain value of an optional instant column."""
    return None if value is None else from_micros(value, tz)


def area_row(area: Area) -> dict[str, Any]:
    return {
        "key": area.key,
        "name": area.name,
        "parent": area.parent,
        "population": area.population,
        "expected_sectors": ",".join(s.value for s in area.expected_sectors),
    }


def area_from_row(row: Mapping[Any, Any]) -> Area:
    sectors = row["expected_sectors"] or ""
    return Area(
        row["key"],
        name=row["name"],
        parent=row["parent"],
        population=row["population"],
        expected_sectors=tuple(Sector(s) for s in sectors.split(",") if s),
    )


def stakeholder_row(s: AnyStakeholder) -> dict[str, Any]:
    """The ``stakeholders`` row of a stakeholder (areas, tags and trainings go elsewhere)."""
    row: dict[str, Any] = {
        "key": s.key,
        "kind": s.kind.value,
        "name": s.name,
        "since": micros(s.since),
        "until": micros(s.until),
        "sector": None,
        "priority": None,
        "unit": None,
        "rank": None,
        "active": True,
        "org_type": None,
        "may_contact": False,
        "may_text": False,
        "pseudonymous": False,
        "erased": False,
        "email": s.contact.email,
        "phone": s.contact.phone,
        "address": s.contact.address,
    }
    if isinstance(s, Officer):
        row.update(unit=s.unit, rank=s.rank, active=s.active)
    elif isinstance(s, CommunityMember):
        row.update(
            sector=s.sector.value,
            priority=s.priority.value,
            may_contact=s.may_contact,
            may_text=s.may_text,
            pseudonymous=s.pseudonymous,
            erased=s.erased,
        )
    else:
        row.update(sector=s.sector.value, priority=s.priority.value, org_type=s.org_type.value)
    return row


def stakeholder_from_row(
    row: Mapping[Any, Any],
    *,
    areas: Sequence[str],
    tags: Sequence[str],
    trainings: Sequence[Training],
    tz: str,
) -> AnyStakeholder:
    """Build the domain record from its row and its child rows."""
    common: dict[str, Any] = {
        "name": row["name"],
        "tags": tuple(tags),
        "since": instant(row["since"], tz),
        "until": instant(row["until"], tz),
        "contact": Contact(email=row["email"], phone=row["phone"], address=row["address"]),
    }
    kind = StakeholderKind(row["kind"])
    if kind is StakeholderKind.OFFICER:
        return Officer(
            row["key"],
            unit=row["unit"],
            rank=row["rank"],
            areas=tuple(areas),
            trainings=tuple(trainings),
            active=bool(row["active"]),
            **common,
        )
    if kind is StakeholderKind.MEMBER:
        return CommunityMember(
            row["key"],
            sector=Sector(row["sector"]),
            area=areas[0] if areas else None,
            priority=Priority(row["priority"]),
            may_contact=bool(row["may_contact"]),
            may_text=bool(row["may_text"]),
            pseudonymous=bool(row["pseudonymous"]),
            erased=bool(row["erased"]),
            **common,
        )
    return PartnerAgency(
        row["key"],
        sector=Sector(row["sector"]),
        areas=tuple(areas),
        org_type=OrgType(row["org_type"]),
        priority=Priority(row["priority"]),
        **common,
    )


def relationship_row(rel: Relationship) -> dict[str, Any]:
    return {
        "a": rel.a,
        "b": rel.b,
        "kind": rel.kind.value,
        "since": micros(rel.since),
        "until": micros(rel.until),
    }


def relationship_from_row(row: Mapping[Any, Any], tz: str) -> Relationship:
    return Relationship(
        row["a"],
        row["b"],
        RelationshipKind(row["kind"]),
        since=instant(row["since"], tz),
        until=instant(row["until"], tz),
        id=row["id"],
    )


def chunks(keys: Sequence[str]) -> Iterable[Sequence[str]]:
    """``keys`` in slices of :data:`CHUNK`."""
    for i in range(0, len(keys), CHUNK):
        yield keys[i : i + CHUNK]


def existing(conn: Connection, column: sa.Column[Any], keys: Sequence[str]) -> set[str]:
    """Which of ``keys`` are in ``column``."""
    found: set[str] = set()
    for chunk in chunks(list(dict.fromkeys(keys))):
        found.update(conn.execute(sa.select(column).where(column.in_(chunk))).scalars())
    return found


def load_area(conn: Connection, key: str) -> Area | None:
    """The area ``key``, or None."""
    row = conn.execute(sa.select(areas).where(areas.c.key == key)).mappings().first()
    return None if row is None else area_from_row(row)


def stakeholder_child_rows(
    people: Sequence[AnyStakeholder],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """The ``stakeholder_areas``, ``stakeholder_tags`` and ``officer_trainings`` rows."""
    area_rows = [{"stakeholder": p.key, "area": a} for p in people for a in p.areas]
    tag_rows = [{"stakeholder": p.key, "tag": g} for p in people for g in p.tags]
    training_rows = [
        {"officer": p.key, "name": tr.name, "completed": tr.completed}
        for p in people
        if isinstance(p, Officer)
        for tr in p.trainings
    ]
    return area_rows, tag_rows, training_rows


def load_stakeholders(conn: Connection, rows: Sequence[Any], tz: str) -> tuple[AnyStakeholder, ...]:
    """Domain records from ``stakeholders`` rows, with their areas, tags and trainings."""
    keys = [r["key"] for r in rows]
    by_area: dict[str, list[str]] = defaultdict(list)
    tags: dict[str, list[str]] = defaultdict(list)
    trainings: dict[str, list[Training]] = defaultdict(list)
    sa_c, tg, tr = stakeholder_areas.c, stakeholder_tags.c, officer_trainings.c
    for chunk in chunks(keys):
        for k, a in conn.execute(
            sa.select(sa_c.stakeholder, sa_c.area)
            .where(sa_c.stakeholder.in_(chunk))
            .order_by(sa_c.stakeholder, sa_c.area)
        ):
            by_area[k].append(a)
        for k, g in conn.execute(
            sa.select(tg.stakeholder, tg.tag).where(tg.stakeholder.in_(chunk))
        ):
            tags[k].append(g)
        for k, name, done in conn.execute(
            sa.select(tr.officer, tr.name, tr.completed).where(tr.officer.in_(chunk))
        ):
            completed = None if done is None else pendulum.Date(done.year, done.month, done.day)
            trainings[k].append(Training(name, completed))
    return tuple(
        stakeholder_from_row(
            r, areas=by_area[r["key"]], tags=tags[r["key"]], trainings=trainings[r["key"]], tz=tz
        )
        for r in rows
    )


def load_stakeholder(conn: Connection, key: str, tz: str) -> AnyStakeholder | None:
    """The stakeholder ``key``, or None."""
    rows = conn.execute(sa.select(stakeholders).where(stakeholders.c.key == key)).mappings().all()
    found = load_stakeholders(conn, rows, tz)
    return found[0] if found else None
