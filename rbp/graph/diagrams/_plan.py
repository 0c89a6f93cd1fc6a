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
from rbp.graph.diagrams._layout import Sketch
from rbp.graph.diagrams._style import STYLE, Labels, Nodes, TextIn, lines, text
from rbp.model._plans import ActionPlan, TaskStatus

__all__ = ["plan_diagram"]

_FINISHED = (TaskStatus.DONE, TaskStatus.CANCELLED)
_WIDE = 30
"""Plan and task labels wrap at about this many characters (they are sentences)."""


def plan_diagram(
    plan: ActionPlan,
    status: PlanStatus,
    kinds: Mapping[str, str],
    *,
    labels: Mapping[str, str] | None = None,
    names: Mapping[str, str] | None = None,
    pseudonymise: bool = False,
) -> graphviz.Digraph:
    """The coalition of ``plan`` as it stood at ``status.as_of``.

    Partners show their role under their name (the edge is dashed when the partner
    was not engaged recently), task owners and dependencies are told apart by line
    style (the legend says which; no words on lines), overdue tasks are drawn in the
    overdue style, and needed sectors without a partner as ghost nodes. Laid out
    top-down by ``dot``, then pinned with the legend beside or below.

    Parameters
    ----------
    plan
        The plan to draw.
    status
        Its status at the diagram's time (overdue tasks, idle partners, missing sectors).
    kinds
        Each partner's and task owner's kind ("officer", "member", "agency"), by key.
    labels
        Text to show instead of keys, by key; it wins over ``names`` and aliases.
    names
        What the store calls some stakeholders (see
        :func:`~rbp.graph.diagrams.network_diagram`); other keys show as themselves.
    pseudonymise
        Show stable aliases ("S-001") instead of names and keys.

    Returns
    -------
    graphviz.Digraph
        The coalition diagram.

    Examples
    --------
    >>> import pendulum, rbp
    >>> from rbp.plans import ActionPlan
    >>> store = rbp.open()
    >>> t0 = pendulum.datetime(2026, 3, 2)
    >>> store.plans.create(ActionPlan("p-1", title="Creek camp", problem="Encampment",
    ...                               needed_sectors=("housing",)), at=t0)
    >>> status = store.plans.status("p-1", as_of=t0.add(days=10))
    >>> src = plan_diagram(store.plans.get("p-1"), status, {}).source
    >>> "no housing partner" in src, "Encampment" in src
    (True, False)
    """
    people = sorted(
        {p.stakeholder for p in plan.partners} | {t.owner for t in plan.tasks if t.owner}
    )
    show = Labels(people, labels=labels, names=names, pseudonymise=pseudonymise)
    ids = Nodes()
    sk = Sketch(
        f"Plan {plan.key}: {plan.title} ({status.phase.value}) as of {status.as_of:%Y-%m-%d}",
        engine="dot",
        directed=True,
        rankdir="TB",
        ranksep="0.6",
    )
    root = ids("plan:" + plan.key)
    sk.node(
        root,
        "plan",
        label=lines(f"{plan.key}: {plan.title}", wrap=_WIDE),
        tooltip=text(f"plan {plan.key}", into=TextIn.TOOLTIP),
    )
    idle = set(status.unengaged)

    def person(key: str, role: str = "") -> None:
        kind = kinds.get(key, "member")
        sk.node(
            ids(key),
            kind if kind in STYLE else "member",
            label=lines(show(key)) + ("" if not role else "\\n" + text(f"({role})")),
            tooltip=text(f"{kind} {show(key)}", into=TextIn.TOOLTIP),
        )

    # A partner's role is written under its name (words on lines would cross nodes).
    for partner in sorted(plan.partners, key=lambda p: (p.role.value, p.stakeholder)):
        key = partner.stakeholder
        person(key, partner.role.value.replace("_", " "))
        sk.edge(root, ids(key), "unengaged" if key in idle else "role")
    late = {o.task for o in status.overdue}
    partners = {p.stakeholder for p in plan.partners}
    for task in plan.tasks:
        node = ids("task:" + task.key)
        style = (
            "task_overdue"
            if task.key in late
            else "task_done"
            if task.status in _FINISHED
            else "task"
        )
        due = "" if task.due is None else f", due {task.due:%Y-%m-%d}"
        sk.node(
            node,
            style,
            label=lines(f"{task.key}: {task.title} [{task.status.value}{due}]", wrap=_WIDE),
            tooltip=text(f"task {task.key}", into=TextIn.TOOLTIP),
        )
        sk.edge(root, node, "plan_task")
        if task.owner:
            if task.owner not in partners:
                person(task.owner)
            sk.edge(node, ids(task.owner), "owner")
        for dep in task.depends_on:
            sk.edge(node, ids("task:" + dep), "depends")
    for sector in status.missing_sectors:
        ghost = ids("sector:" + sector.value)
        sk.node(
            ghost,
            "ghost",
            label=lines(f"no {sector.value.replace('_', ' ')} partner", wrap=_WIDE),
            tooltip=text(f"needed sector {sector.value}", into=TextIn.TOOLTIP),
        )
        sk.edge(root, ghost, "ghost_edge")
    return sk.finish()
