"""The plan coalition diagram: a plan, its partners by role, its tasks by owner, and the
sectors it needs but has no partner for, drawn as ghost nodes.

A hierarchy, so ``dot`` lays it out top-down. Styles come from the one style map in
:mod:`rbp.graph.diagrams._style`; labels are keys (or aliases), task titles and the plan's
title, all escaped; the problem statement is never drawn.
"""

from __future__ import annotations

from collections.abc import Mapping

import graphviz

from rbp._queries.plan_status import PlanStatus
from rbp.graph.diagrams._style import STYLE, Labels, Nodes, TextIn, legend, new_graph, text
from rbp.model._plans import ActionPlan, TaskStatus

__all__ = ["plan_diagram"]

_FINISHED = (TaskStatus.DONE, TaskStatus.CANCELLED)


def plan_diagram(
    plan: ActionPlan,
    status: PlanStatus,
    kinds: Mapping[str, str],
    *,
    labels: Mapping[str, str] | None = None,
    pseudonymise: bool = False,
) -> graphviz.Digraph:
    """The coalition of ``plan`` as it stood at ``status.as_of``.

    ``kinds`` maps each partner and task owner to its kind ("officer", "member",
    "agency"). Partners not engaged recently are drawn with a dashed edge, overdue
    tasks in the overdue style, and needed sectors without a partner as ghost nodes.
    """
    people = sorted(
        {p.stakeholder for p in plan.partners} | {t.owner for t in plan.tasks if t.owner}
    )
    show = Labels(people, labels=labels, pseudonymise=pseudonymise)
    ids = Nodes()
    d = new_graph(
        f"Plan {plan.key}: {plan.title} ({status.phase.value}) as of {status.as_of:%Y-%m-%d}",
        nodes=len(people) + len(plan.tasks) + 1,
        engine="dot",
        directed=True,
    )
    d.attr(rankdir="TB")
    root = ids("plan:" + plan.key)
    d.node(
        root,
        label=text(f"{plan.key}: {plan.title}"),
        tooltip=text(f"plan {plan.key}", into=TextIn.TOOLTIP),
        **STYLE["plan"],
    )
    idle = set(status.unengaged)
    for partner in sorted(plan.partners, key=lambda p: (p.role.value, p.stakeholder)):
        key = partner.stakeholder
        kind = kinds.get(key, "member")
        d.node(
            ids(key),
            label=text(show(key)),
            tooltip=text(f"{kind} {show(key)}", into=TextIn.TOOLTIP),
            **STYLE.get(kind, STYLE["member"]),
        )
        edge = STYLE["unengaged"] if key in idle else STYLE["role"]
        d.edge(root, ids(key), label=text(partner.role.value.replace("_", " ")), **edge)
    late = {o.task for o in status.overdue}
    for task in plan.tasks:
        node = ids("task:" + task.key)
        style = (
            STYLE["task_overdue"]
            if task.key in late
            else STYLE["task_done"]
            if task.status in _FINISHED
            else STYLE["task"]
        )
        due = "" if task.due is None else f", due {task.due:%Y-%m-%d}"
        d.node(
            node,
            label=text(f"{task.key}: {task.title} [{task.status.value}{due}]"),
            tooltip=text(f"task {task.key}", into=TextIn.TOOLTIP),
            **style,
        )
        d.edge(root, node, **STYLE["plan_task"])
        if task.owner:
            if task.owner not in {p.stakeholder for p in plan.partners}:
                kind = kinds.get(task.owner, "member")
                d.node(
                    ids(task.owner),
                    label=text(show(task.owner)),
                    tooltip=text(f"{kind} {show(task.owner)}", into=TextIn.TOOLTIP),
                    **STYLE.get(kind, STYLE["member"]),
                )
            d.edge(node, ids(task.owner), label=text("owner"), **STYLE["owner"])
        for dep in task.depends_on:
            d.edge(node, ids("task:" + dep), label=text("needs"), **STYLE["depends"])
    for sector in status.missing_sectors:
        ghost = ids("sector:" + sector.value)
        d.node(
            ghost,
            label=text(f"no {sector.value.replace('_', ' ')} partner"),
            tooltip=text(f"needed sector {sector.value}", into=TextIn.TOOLTIP),
            **STYLE["ghost"],
        )
        d.edge(root, ghost, label=text("needed"), **STYLE["ghost_edge"])
    legend(
        d,
        ("plan", "officer", "member", "agency", "task", "task_overdue", "task_done", "ghost"),
        ("role", "unengaged", "owner", "depends"),
    )
    return d
