"""The evidence of an accreditation pack, read with SQL for a period: community
involvement by kind and area, partner liaisons, community meetings, concerns and what
was done, surveys, action plans with their goals and measures, training of the staff
doing the work. Keys, kinds, counts and dates only: no names, contacts or free text."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp import _schema as t
from rbp._queries.currency import standings
from rbp._time import AsOf, from_micros
from rbp.model import RelationshipKind
from rbp.settings import Settings

__all__ = [
    "activity",
    "concerns",
    "liaisons",
    "meetings",
    "plans",
    "surveys",
    "training",
]

Rows = list[dict[str, Any]]
MEETING_KINDS = ("meeting", "community_event")


def activity(conn: Connection, start: AsOf, end: AsOf) -> Rows:
    """Interactions in the period by area and kind (an interaction counts in each area)."""
    i, ia = t.interactions.c, t.interaction_areas.c
    rows = conn.execute(
        sa.select(ia.area, i.kind, sa.func.count(), sa.func.sum(i.attendees))
        .join(t.interactions, i.id == ia.interaction_id)
        .where(ia.at >= start.micros, ia.at <= end.micros)
        .group_by(ia.area, i.kind)
    ).all()
    return [
        {"area": a, "kind": k, "interactions": int(n), "unnamed attendees": int(m or 0)}
        for a, k, n, m in sorted(rows, key=lambda r: (r[0], r[1]))
    ]


def liaisons(conn: Connection, start: AsOf, end: AsOf, tz: str) -> Rows:
    """Declared liaison relationships in force at some time in the period."""
    r, s = t.relationships.c, t.stakeholders.c
    kinds = dict(conn.execute(sa.select(s.key, s.kind)).all())
    rows = conn.execute(
        sa.select(r.a, r.b, r.since, r.until).where(
            r.kind == RelationshipKind.LIAISON_FOR.value,
            sa.or_(r.since.is_(None), r.since <= end.micros),
            sa.or_(r.until.is_(None), r.until >= start.micros),
        )
    ).all()
    return [
        {
            "liaison": a if kinds.get(a) != "member" else "(community member)",
            "liaison kind": kinds.get(a),
            "for": b if kinds.get(b) != "member" else "(community member)",
            "for kind": kinds.get(b),
            "since": None if since is None else from_micros(since, tz).to_date_string(),
            "until": None if until is None else from_micros(until, tz).to_date_string(),
        }
        for a, b, since, until in sorted(rows, key=lambda r: (r[0], r[1]))
    ]


def meetings(conn: Connection, start: AsOf, end: AsOf, tz: str) -> Rows:
    """Community meetings and events in the period: when, where, who took part (counts)."""
    i, ia, p, s = (
        t.interactions.c,
        t.interaction_areas.c,
        t.participants.c,
        t.stakeholders.c,
    )
    found = conn.execute(
        sa.select(i.id, i.at, i.kind, i.attendees)
        .where(i.kind.in_(MEETING_KINDS), i.at >= start.micros, i.at <= end.micros)
        .order_by(i.at, i.id)
    ).all()
    ids = [r[0] for r in found]
    areas: dict[int, list[str]] = defaultdict(list)
    who: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for begin in range(0, len(ids), 5000):
        chunk = ids[begin : begin + 5000]
        for iid, area in conn.execute(
            sa.select(ia.interaction_id, ia.area)
            .where(ia.interaction_id.in_(chunk))
            .order_by(ia.area)
        ):
            areas[iid].append(area)
        for iid, kind in conn.execute(
            sa.select(p.interaction_id, s.kind)
            .join(t.stakeholders, s.key == p.stakeholder)
            .where(p.interaction_id.in_(chunk))
        ):
            who[iid][kind] += 1
    return [
        {
            "date": from_micros(at, tz).to_date_string(),
            "kind": kind,
            "areas": ", ".join(areas[iid]),
            "officers": who[iid]["officer"],
            "community members": who[iid]["member"],
            "partner agencies": who[iid]["agency"],
            "unnamed attendees": attendees,
        }
        for iid, at, kind, attendees in found
    ]


def concerns(conn: Connection, start: AsOf, end: AsOf) -> Rows:
    """Concerns and tips raised in the period by category, and where each stood at the end."""
    c, e = t.concerns.c, t.concern_events.c
    raised = dict(
        conn.execute(
            sa.select(c.key, c.category).where(c.at >= start.micros, c.at <= end.micros)
        ).all()
    )
    status: dict[str, str] = {}
    for key, value in conn.execute(
        sa.select(e.concern, e.status)
        .where(e.kind == "status", e.status.is_not(None), e.at <= end.micros)
        .order_by(e.at, e.id)
    ):
        if key in raised:
            status[key] = value
    states = ("received", "acknowledged", "in_progress", "resolved", "closed")
    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(states, 0))
    for key, category in raised.items():
        counts[category][status.get(key, "received")] += 1
    return [
        {"category": cat, "raised": sum(by.values()), **by} for cat, by in sorted(counts.items())
    ]


def surveys(conn: Connection, start: AsOf, end: AsOf, min_n: int) -> Rows:
    """Responses in the period: CPSS and the PJ index (None from fewer than ``min_n``)."""
    r = t.survey_responses.c
    got = conn.execute(
        sa.select(r.overall, r.respect, r.voice, r.neutrality, r.trust).where(
            r.at >= start.micros, r.at <= end.micros
        )
    ).all()
    overall = [o for o, *_ in got if o is not None]
    pj = [
        (sum(items) / len(items) - 1) / 4 * 100
        for _, *answers in got
        if (items := [x for x in answers if x is not None])
    ]
    return [
        {
            "responses": len(got),
            "with an overall answer": len(overall),
            "cpss": round(100 * sum(o >= 4 for o in overall) / len(overall), 1)
            if len(overall) >= min_n
            else None,
            "with a PJ answer": len(pj),
            "pj index": round(sum(pj) / len(pj), 1) if len(pj) >= min_n else None,
        }
    ]


def plans(conn: Connection, end: AsOf, tz: str) -> Rows:
    """Every plan opened by the end: its phase then, its goals and latest measures."""
    p, h, g, m = t.plans.c, t.plan_phase_history.c, t.plan_goals.c, t.plan_measures.c
    opened = dict(conn.execute(sa.select(p.key, p.title).where(p.opened <= end.micros)).all())
    phase: dict[str, str] = {}
    for plan, value in conn.execute(
        sa.select(h.plan, h.phase).where(h.at <= end.micros).order_by(h.at, h.id)
    ):
        phase[plan] = value
    latest: dict[tuple[str, str], tuple[float, int]] = {}
    for plan, goal, value, at in conn.execute(
        sa.select(m.plan, m.goal, m.value, m.at).where(m.at <= end.micros).order_by(m.at, m.id)
    ):
        latest[(plan, goal)] = (value, at)
    out: Rows = []
    goals = conn.execute(
        sa.select(g.plan, g.key, g.measure, g.baseline, g.target, g.direction)
        .where(g.added <= end.micros)
        .order_by(g.plan, g.key)
    ).all()
    with_goals = {r[0] for r in goals}
    for plan, goal, measure, baseline, target, direction in goals:
        if plan not in opened:
            continue
        value = latest.get((plan, goal))
        out.append(
            {
                "plan": plan,
                "title": opened[plan],
                "phase": phase.get(plan),
                "goal": goal,
                "measure": measure,
                "baseline": baseline,
                "target": target,
                "direction": direction,
                "latest": None if value is None else value[0],
                "measured": None if value is None else from_micros(value[1], tz).to_date_string(),
            }
        )
    for plan in sorted(set(opened) - with_goals):
        out.append({"plan": plan, "title": opened[plan], "phase": phase.get(plan), "goal": None})
    return sorted(out, key=lambda r: (r["plan"], r["goal"] or ""))


def training(conn: Connection, start: AsOf, end: AsOf, settings: Settings) -> Rows:
    """Officers who took part in interactions in the period: how often, and their training."""
    p, s, tr = t.participants.c, t.stakeholders.c, t.officer_trainings.c
    worked: dict[str, int] = dict(
        conn.execute(
            sa.select(p.stakeholder, sa.func.count())
            .join(t.stakeholders, s.key == p.stakeholder)
            .where(s.kind == "officer", p.at >= start.micros, p.at <= end.micros)
            .group_by(p.stakeholder)
        ).all()
    )
    if not worked:
        return []
    taken: dict[str, dict[str, str]] = defaultdict(dict)
    today = end.at.date()
    for officer, name, done in conn.execute(
        sa.select(tr.officer, tr.name, tr.completed)
        .where(tr.officer.in_(sorted(worked)), tr.completed.is_not(None), tr.completed <= today)
        .order_by(tr.completed)
    ):
        taken[officer][name] = str(done)[:10]
    standing = {
        x.officer: x
        for x in standings(conn, end, grace=settings.policy_grace, due_soon=settings.due_soon)
    }
    return [
        {
            "officer": officer,
            "interactions": int(n),
            "training": ", ".join(f"{k} ({d})" for k, d in sorted(taken[officer].items())),
            "current": standing[officer].current if officer in standing else None,
        }
        for officer, n in sorted(worked.items())
    ]
