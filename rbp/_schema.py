"""The SQL schema (SQLAlchemy Core) and the translation between rows and domain records.

This is the only module that knows table layouts. Instants are stored as integer
microseconds since the Unix epoch (UTC), so time arithmetic is plain integer SQL on
every dialect; :mod:`rbp._time` converts. The tables are created and changed by the
Alembic migrations in ``rbp/migrations``; a test checks that the migrated database
matches this metadata.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import pendulum
import sqlalchemy as sa

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
from rbp.model._plans import (
    ActionPlan,
    Direction,
    Goal,
    Measure,
    Partner,
    PartnerRole,
    ProblemTriangle,
    Review,
    Task,
    TaskStatus,
    TriangleSide,
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING)

KEY = sa.String(200)
Micros = sa.BigInteger

areas = sa.Table(
    "areas",
    metadata,
    sa.Column("key", KEY, primary_key=True),
    sa.Column("name", sa.String(300), nullable=False, server_default=""),
    sa.Column("parent", KEY, sa.ForeignKey("areas.key"), nullable=True, index=True),
    sa.Column("population", sa.Integer, nullable=True),
    sa.Column("expected_sectors", sa.String(500), nullable=False, server_default=""),
)

stakeholders = sa.Table(
    "stakeholders",
    metadata,
    sa.Column("key", KEY, primary_key=True),
    sa.Column("kind", sa.String(10), nullable=False, index=True),
    sa.Column("name", sa.String(300), nullable=True),
    sa.Column("since", Micros, nullable=True),
    sa.Column("until", Micros, nullable=True),
    sa.Column("sector", sa.String(40), nullable=True),
    sa.Column("priority", sa.String(10), nullable=True),
    sa.Column("unit", sa.String(200), nullable=True),
    sa.Column("rank", sa.String(200), nullable=True),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("org_type", sa.String(20), nullable=True),
    sa.Column("may_contact", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("may_text", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("pseudonymous", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("erased", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("email", sa.String(300), nullable=True),
    sa.Column("phone", sa.String(100), nullable=True),
    sa.Column("address", sa.String(500), nullable=True),
)

stakeholder_areas = sa.Table(
    "stakeholder_areas",
    metadata,
    sa.Column("stakeholder", KEY, sa.ForeignKey("stakeholders.key"), primary_key=True),
    sa.Column("area", KEY, sa.ForeignKey("areas.key"), primary_key=True, index=True),
)

stakeholder_tags = sa.Table(
    "stakeholder_tags",
    metadata,
    sa.Column("stakeholder", KEY, sa.ForeignKey("stakeholders.key"), primary_key=True),
    sa.Column("tag", KEY, primary_key=True, index=True),
)

officer_trainings = sa.Table(
    "officer_trainings",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("officer", KEY, sa.ForeignKey("stakeholders.key"), nullable=False, index=True),
    sa.Column("name", KEY, nullable=False),
    sa.Column("completed", sa.Date, nullable=True),
)

relationships = sa.Table(
    "relationships",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("a", KEY, sa.ForeignKey("stakeholders.key"), nullable=False, index=True),
    sa.Column("b", KEY, sa.ForeignKey("stakeholders.key"), nullable=False, index=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("since", Micros, nullable=True),
    sa.Column("until", Micros, nullable=True),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", Micros, nullable=False, index=True),
    sa.Column("actor", sa.String(200), nullable=True),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("entity", sa.String(40), nullable=False),
    sa.Column("key", sa.String(400), nullable=True, index=True),
    sa.Column("detail", sa.Text, nullable=True),
)

# ----------------------------------------------------------------------------- interactions

interactions = sa.Table(
    "interactions",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("at", Micros, nullable=False, index=True),
    sa.Column("kind", sa.String(30), nullable=False),
    sa.Column("attendees", sa.Integer, nullable=False, server_default="0"),
    sa.Column("duration_s", sa.Integer, nullable=True),
    sa.Column("follow_up_by", Micros, nullable=True, index=True),
    sa.Column("plan", KEY, nullable=True, index=True),
    sa.Column("concern", KEY, nullable=True),
    sa.Column("notes", sa.Text, nullable=True),
)

participants = sa.Table(
    "interaction_participants",
    metadata,
    sa.Column("interaction_id", sa.BigInteger, sa.ForeignKey("interactions.id"), primary_key=True),
    sa.Column("stakeholder", KEY, sa.ForeignKey("stakeholders.key"), primary_key=True),
    sa.Column("at", Micros, nullable=False),
    sa.Index("ix_interaction_participants_stakeholder_at", "stakeholder", "at"),
)

interaction_areas = sa.Table(
    "interaction_areas",
    metadata,
    sa.Column("interaction_id", sa.BigInteger, sa.ForeignKey("interactions.id"), primary_key=True),
    sa.Column("area", KEY, sa.ForeignKey("areas.key"), primary_key=True),
    sa.Column("at", Micros, nullable=False),
    sa.Index("ix_interaction_areas_area_at", "area", "at"),
)

interaction_topics = sa.Table(
    "interaction_topics",
    metadata,
    sa.Column("interaction_id", sa.BigInteger, sa.ForeignKey("interactions.id"), primary_key=True),
    sa.Column("topic", sa.String(200), primary_key=True, index=True),
)

# One row per (officer, non-officer, interaction): the pairs that make officer ties,
# clustered by pair so the tie aggregate is one ordered scan. Derived from the two
# tables above when an interaction is logged.
tie_events = sa.Table(
    "tie_events",
    metadata,
    sa.Column("officer", KEY, primary_key=True),
    sa.Column("stakeholder", KEY, primary_key=True),
    sa.Column("at", Micros, primary_key=True),
    sa.Column("interaction_id", sa.BigInteger, primary_key=True),
    # The interaction's promise (migration 0004): broken promises come from the same
    # grouped scan as the ties.
    sa.Column("follow_up_by", Micros, nullable=True),
    sa.Index("ix_tie_events_stakeholder_at", "stakeholder", "at"),
    sqlite_with_rowid=False,
)


# ----------------------------------------------------------------------------- translation


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


# ----------------------------------------------------------------------------- plans
# Every change to a plan is a row with its time ``at`` (microseconds), so the plan
# as it stood at any T is read back from these tables alone.


def _plan_fk() -> sa.ForeignKey:
    return sa.ForeignKey("plans.key")


plans = sa.Table(
    "plans",
    metadata,
    sa.Column("key", KEY, primary_key=True),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("problem", sa.Text, nullable=False),
    sa.Column("opened", Micros, nullable=False),
    sa.Column("has_triangle", sa.Boolean, nullable=False, server_default=sa.false()),
)

plan_areas = sa.Table(
    "plan_areas",
    metadata,
    sa.Column("plan", KEY, _plan_fk(), primary_key=True),
    sa.Column("area", KEY, sa.ForeignKey("areas.key"), primary_key=True, index=True),
)

plan_sectors = sa.Table(
    "plan_sectors",
    metadata,
    sa.Column("plan", KEY, _plan_fk(), primary_key=True),
    sa.Column("sector", sa.String(40), primary_key=True),
)

# One row per side (victim, offender, place) of a plan that has a triangle.
plan_triangle = sa.Table(
    "plan_triangle",
    metadata,
    sa.Column("plan", KEY, _plan_fk(), primary_key=True),
    sa.Column("side", sa.String(10), primary_key=True),
    sa.Column("description", sa.Text, nullable=False),
)

plan_triangle_stakeholders = sa.Table(
    "plan_triangle_stakeholders",
    metadata,
    sa.Column("plan", KEY, _plan_fk(), primary_key=True),
    sa.Column("side", sa.String(10), primary_key=True),
    sa.Column("stakeholder", KEY, sa.ForeignKey("stakeholders.key"), primary_key=True),
)

plan_partners = sa.Table(
    "plan_partners",
    metadata,
    sa.Column("plan", KEY, _plan_fk(), primary_key=True),
    sa.Column("stakeholder", KEY, sa.ForeignKey("stakeholders.key"), primary_key=True, index=True),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("since", Micros, nullable=False),
)

plan_tasks = sa.Table(
    "plan_tasks",
    metadata,
    sa.Column("plan", KEY, _plan_fk(), primary_key=True),
    sa.Column("key", KEY, primary_key=True),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("owner", KEY, sa.ForeignKey("stakeholders.key"), nullable=True),
    sa.Column("due", Micros, nullable=True),
    sa.Column("added", Micros, nullable=False),
)

plan_task_deps = sa.Table(
    "plan_task_deps",
    metadata,
    sa.Column("plan", KEY, _plan_fk(), primary_key=True),
    sa.Column("task", KEY, primary_key=True),
    sa.Column("depends_on", KEY, primary_key=True),
)

# Every status a task has had, from when; the first row is its status when added.
plan_task_history = sa.Table(
    "plan_task_history",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("plan", KEY, _plan_fk(), nullable=False),
    sa.Column("task", KEY, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("at", Micros, nullable=False),
    sa.Index("ix_plan_task_history_plan_task", "plan", "task"),
)

plan_goals = sa.Table(
    "plan_goals",
    metadata,
    sa.Column("plan", KEY, _plan_fk(), primary_key=True),
    sa.Column("key", KEY, primary_key=True),
    sa.Column("measure", sa.String(300), nullable=False),
    sa.Column("baseline", sa.Double, nullable=False),
    sa.Column("target", sa.Double, nullable=False),
    sa.Column("direction", sa.String(10), nullable=False),
    sa.Column("due", Micros, nullable=True),
    sa.Column("added", Micros, nullable=False),
)

plan_measures = sa.Table(
    "plan_measures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("plan", KEY, _plan_fk(), nullable=False),
    sa.Column("goal", KEY, nullable=False),
    sa.Column("value", sa.Double, nullable=False),
    sa.Column("at", Micros, nullable=False),
    sa.Index("ix_plan_measures_plan_goal", "plan", "goal"),
)

plan_reviews = sa.Table(
    "plan_reviews",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("plan", KEY, _plan_fk(), nullable=False, index=True),
    sa.Column("at", Micros, nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("decisions", sa.Text, nullable=False),  # a JSON list of strings
)

plan_phase_history = sa.Table(
    "plan_phase_history",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("plan", KEY, _plan_fk(), nullable=False, index=True),
    sa.Column("phase", sa.String(20), nullable=False),
    sa.Column("at", Micros, nullable=False),
    sa.Column("note", sa.Text, nullable=True),
)


def plan_row(plan: ActionPlan, opened: int) -> dict[str, Any]:
    """The ``plans`` row of a new plan (areas, sectors, triangle and phase go elsewhere)."""
    return {
        "key": plan.key,
        "title": plan.title,
        "problem": plan.problem,
        "opened": opened,
        "has_triangle": plan.triangle is not None,
    }


def triangle_from_rows(
    sides: Mapping[str, str], people: Mapping[str, Sequence[str]]
) -> ProblemTriangle:
    """The triangle of a plan from its side descriptions and stakeholders by side."""
    return ProblemTriangle(
        victim=TriangleSide(sides.get("victim", ""), tuple(people.get("victim", ()))),
        offender=TriangleSide(sides.get("offender", ""), tuple(people.get("offender", ()))),
        place=TriangleSide(sides.get("place", ""), tuple(people.get("place", ()))),
    )


def partner_from_row(row: Mapping[Any, Any], tz: str) -> Partner:
    return Partner(row["stakeholder"], PartnerRole(row["role"]), from_micros(row["since"], tz))


def task_row(plan: str, task: Task, added: int) -> dict[str, Any]:
    return {
        "plan": plan,
        "key": task.key,
        "title": task.title,
        "owner": task.owner,
        "due": micros(task.due),
        "added": added,
    }


def task_from_row(
    row: Mapping[Any, Any], *, status: str, depends_on: Sequence[str], tz: str
) -> Task:
    return Task(
        row["key"],
        title=row["title"],
        owner=row["owner"],
        due=instant(row["due"], tz),
        status=TaskStatus(status),
        depends_on=tuple(depends_on),
    )


def goal_row(plan: str, goal: Goal, added: int) -> dict[str, Any]:
    return {
        "plan": plan,
        "key": goal.key,
        "measure": goal.measure,
        "baseline": goal.baseline,
        "target": goal.target,
        "direction": goal.direction.value,
        "due": micros(goal.due),
        "added": added,
    }


def goal_from_row(row: Mapping[Any, Any], tz: str) -> Goal:
    return Goal(
        row["key"],
        measure=row["measure"],
        baseline=float(row["baseline"]),
        target=float(row["target"]),
        direction=Direction(row["direction"]),
        due=instant(row["due"], tz),
    )


def measure_from_row(row: Mapping[Any, Any], tz: str) -> Measure:
    return Measure(row["goal"], float(row["value"]), from_micros(row["at"], tz))


def review_row(plan: str, review: Review) -> dict[str, Any]:
    return {
        "plan": plan,
        "at": to_micros(review.at),
        "note": review.note,
        "decisions": json.dumps(list(review.decisions)),
    }


def review_from_row(row: Mapping[Any, Any], tz: str) -> Review:
    return Review(
        from_micros(row["at"], tz), row["note"], decisions=tuple(json.loads(row["decisions"]))
    )
