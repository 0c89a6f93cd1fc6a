"""The directory's SQL: inserts, updates, erasure, relationships, searches and counts.

Functions of an open connection; the arguments were checked at the public boundary
(:class:`rbp.directory.Directory`), and the rows <-> records translation is
:mod:`rbp._schema`'s.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import attrs
import pendulum
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp import _schema as t
from rbp._schema._copy import copy_dicts
from rbp._time import to_micros
from rbp.areas import AreaTree
from rbp.directory._summary import DirectorySummary
from rbp.errors import IntegrityError, RbpError, UnknownKeyError, ValidationError
from rbp.model import Area, CommunityMember, Priority, Relationship, Sector, StakeholderKind
from rbp.model._directory import AnyStakeholder

__all__ = [
    "end_relationship",
    "erase_member",
    "find_rows",
    "insert_people",
    "insert_relationship",
    "relationship_rows",
    "summary",
    "tree",
    "update_record",
]


def tree(conn: Connection) -> AreaTree:
    """Every area, as a tree."""
    rows = conn.execute(sa.select(t.areas).order_by(t.areas.c.key)).mappings().all()
    return AreaTree([t.area_from_row(r) for r in rows])


def insert_people(
    conn: Connection, people: Sequence[AnyStakeholder], *, children_only: bool = False
) -> None:
    """Insert stakeholders (or only their areas, tags and trainings) in bulk (COPY on
    PostgreSQL, executemany on SQLite)."""
    if not people:
        return
    if not children_only:
        copy_dicts(conn, t.stakeholders, (t.stakeholder_row(p) for p in people))
    area_rows, tag_rows, training_rows = t.stakeholder_child_rows(people)
    for table, rows in (
        (t.stakeholder_areas, area_rows),
        (t.stakeholder_tags, tag_rows),
        (t.officer_trainings, training_rows),
    ):
        copy_dicts(conn, table, rows)


def update_record(
    conn: Connection, key: str, changes: dict[str, Any], *, areas_only: bool, tz: str
) -> Area | AnyStakeholder:
    """Apply ``changes`` to the stakeholder (or area) ``key``; returns the new record."""
    if "key" in changes:
        raise ValidationError("the key of a record cannot change", key=key, field="key")
    current: Area | AnyStakeholder | None = (
        None if areas_only else t.load_stakeholder(conn, key, tz)
    )
    if current is None:
        current = t.load_area(conn, key)
    if current is None:
        what = "area" if areas_only else "stakeholder or area"
        raise UnknownKeyError(f"no {what} {key!r}", key=key)
    try:
        new = attrs.evolve(current, **changes)
    except TypeError as exc:
        raise ValidationError(f"{key}: {exc}", key=key) from None
    except RbpError as exc:
        raise type(exc)(f"{key}: {exc}", key=key, field=exc.field) from None
    if isinstance(new, Area):
        _update_area(conn, new)
        return new
    _check_area_keys(conn, new)
    cond = t.stakeholders.c.key == key
    conn.execute(sa.update(t.stakeholders).where(cond).values(t.stakeholder_row(new)))
    for table, col in (
        (t.stakeholder_areas, t.stakeholder_areas.c.stakeholder),
        (t.stakeholder_tags, t.stakeholder_tags.c.stakeholder),
        (t.officer_trainings, t.officer_trainings.c.officer),
    ):
        conn.execute(sa.delete(table).where(col == key))
    insert_people(conn, [new], children_only=True)
    return new


def _check_area_keys(conn: Connection, p: AnyStakeholder) -> None:
    missing = set(p.areas) - t.existing(conn, t.areas.c.key, list(p.areas))
    if missing:
        area = sorted(missing)[0]
        raise UnknownKeyError(
            f"stakeholder {p.key!r} names area {area!r}, which is not an area",
            key=p.key,
            field="area" if isinstance(p, CommunityMember) else "areas",
        )


def _update_area(conn: Connection, new: Area) -> None:
    if new.parent is not None:
        areas = tree(conn)
        if new.parent not in areas:
            raise UnknownKeyError(
                f"area {new.key!r}: parent {new.parent!r} is not an area",
                key=new.key,
                field="parent",
            )
        if new.parent == new.key or new.key in areas.ancestors(new.parent):
            raise IntegrityError(
                f"area {new.key!r} cannot move under {new.parent!r}: that is inside it",
                key=new.key,
                field="parent",
            )
    conn.execute(sa.update(t.areas).where(t.areas.c.key == new.key).values(t.area_row(new)))


def erase_member(conn: Connection, key: str, tz: str) -> CommunityMember:
    """Clear a member's personal data, the notes of their interactions, their survey
    comments and the texts of the concerns they reported."""
    found = t.load_stakeholder(conn, key, tz)
    if found is None:
        raise UnknownKeyError(f"no stakeholder {key!r}", key=key)
    if not isinstance(found, CommunityMember):
        raise ValidationError(
            f"{key!r} is a {found.kind.value}; only community members are erased",
            key=key,
            field="kind",
        )
    conn.execute(
        sa.update(t.stakeholders)
        .where(t.stakeholders.c.key == key)
        .values(name=None, email=None, phone=None, address=None, pseudonymous=True, erased=True)
    )
    conn.execute(sa.delete(t.stakeholder_tags).where(t.stakeholder_tags.c.stakeholder == key))
    ids = sa.select(t.participants.c.interaction_id).where(t.participants.c.stakeholder == key)
    conn.execute(sa.update(t.interactions).where(t.interactions.c.id.in_(ids)).values(notes=None))
    # What they wrote to the department: survey comments and concern texts (the
    # answers and the concerns themselves stay, so every count stays right).
    r, c = t.survey_responses.c, t.concerns.c
    conn.execute(sa.update(t.survey_responses).where(r.respondent == key).values(comment=None))
    conn.execute(sa.update(t.concerns).where(c.reporter == key).values(text=""))
    return attrs.evolve(found, name=None, contact=None, tags=(), pseudonymous=True, erased=True)


# ----------------------------------------------------------------------------- relationships


def insert_relationship(conn: Connection, rel: Relationship) -> Relationship:
    """Insert a relationship between two known stakeholders; returns it with its id."""
    known = t.existing(conn, t.stakeholders.c.key, [rel.a, rel.b])
    for field, key in (("a", rel.a), ("b", rel.b)):
        if key not in known:
            raise UnknownKeyError(
                f"relate: {key!r} is not a stakeholder; add it first", key=key, field=field
            )
    new_id = conn.execute(
        sa.insert(t.relationships).values(t.relationship_row(rel))
    ).inserted_primary_key
    assert new_id is not None
    return attrs.evolve(rel, id=int(new_id[0]))


def end_relationship(conn: Connection, id: int, when: pendulum.DateTime, tz: str) -> Relationship:
    """Set ``until`` of relationship ``id``; returns the ended relationship."""
    c = t.relationships.c
    row = conn.execute(sa.select(t.relationships).where(c.id == id)).mappings().first()
    if row is None:
        raise UnknownKeyError(f"no relationship with id {id}", key=str(id), field="id")
    rel = t.relationship_from_row(row, tz)
    if rel.since is not None and when < rel.since:
        raise ValidationError(
            f"relationship {id} cannot end at {when}, before it began ({rel.since})",
            key=str(id),
            field="at",
        )
    conn.execute(sa.update(t.relationships).where(c.id == id).values(until=to_micros(when)))
    return attrs.evolve(rel, until=when)


def relationship_rows(
    conn: Connection, key: str | None, at: int, tz: str
) -> tuple[Relationship, ...]:
    """Relationships of ``key`` (or all) active at ``at`` (micros), ordered by id."""
    c = t.relationships.c
    q = sa.select(t.relationships).order_by(c.id)
    if key is not None:
        q = q.where(sa.or_(c.a == key, c.b == key))
    q = q.where(sa.or_(c.since.is_(None), c.since <= at), sa.or_(c.until.is_(None), c.until >= at))
    return tuple(t.relationship_from_row(r, tz) for r in conn.execute(q).mappings())


# ----------------------------------------------------------------------------- searches


def find_rows(
    conn: Connection,
    *,
    kind: StakeholderKind | None,
    area: str | None,
    sector: Sector | None,
    tag: str | None,
    priority: Priority | None,
    at: int,
    within: bool,
    tz: str,
) -> tuple[AnyStakeholder, ...]:
    """Stakeholders present at ``at`` (micros) matching every filter given, ordered by key."""
    s = t.stakeholders.c
    q = sa.select(t.stakeholders).order_by(s.key)
    for column, choice in ((s.kind, kind), (s.sector, sector), (s.priority, priority)):
        if choice is not None:
            q = q.where(column == choice.value)
    if tag is not None:
        tg = t.stakeholder_tags.c
        q = q.where(s.key.in_(sa.select(tg.stakeholder).where(tg.tag == tag)))
    q = q.where(sa.or_(s.since.is_(None), s.since <= at), sa.or_(s.until.is_(None), s.until >= at))
    if area is not None:
        areas = tree(conn)
        if area not in areas:
            raise UnknownKeyError(f"find: no area {area!r}", key=area, field="area")
        scope = (area, *areas.descendants(area)) if within else (area,)
        sa_c = t.stakeholder_areas.c
        q = q.where(s.key.in_(sa.select(sa_c.stakeholder).where(sa_c.area.in_(scope))))
    rows = conn.execute(q).mappings().all()
    return t.load_stakeholders(conn, rows, tz)


def summary(conn: Connection) -> DirectorySummary:
    """Counts of areas, stakeholders by kind and sector, and relationships."""
    s = t.stakeholders.c
    n_areas = conn.execute(sa.select(sa.func.count()).select_from(t.areas)).scalar_one()
    n_rel = conn.execute(sa.select(sa.func.count()).select_from(t.relationships)).scalar_one()
    by_kind: dict[str, int] = {
        k: int(n) for k, n in conn.execute(sa.select(s.kind, sa.func.count()).group_by(s.kind))
    }
    sectors = conn.execute(
        sa.select(s.kind, s.sector, sa.func.count())
        .where(s.sector.is_not(None))
        .group_by(s.kind, s.sector)
    ).all()
    by_sector: dict[Sector, int] = defaultdict(int)
    for _, sector, n in sectors:
        by_sector[Sector(sector)] += n
    return DirectorySummary(
        areas=n_areas,
        officers=by_kind.get("officer", 0),
        members=by_kind.get("member", 0),
        agencies=by_kind.get("agency", 0),
        relationships=n_rel,
        by_sector=dict(sorted(by_sector.items(), key=lambda kv: (-kv[1], kv[0].value))),
    )
