"""An officer's ego map: the officer, their ties by status and strength, and the other
officers of the same stakeholders, greyed; grouped by area past ``max_nodes``."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

import graphviz
import networkx as nx

from rbp._render._words import count
from rbp.graph.diagrams._layout import Sketch
from rbp.graph.diagrams._style import STYLE, Labels, Nodes, TextIn, engine_for, lines, text, width

__all__ = ["ego_diagram"]

_STATUS_ORDER = ("active", "cooling", "dormant", "lapsed")

ROUTED = 120
"""Up to this many nodes an ego map's edges are routed around its nodes (about two
seconds at 80 nodes): every line runs from the officer or another officer to one
stakeholder, and a straight one passing under another stakeholder reads as a tie to it.
Other diagrams stop routing at 40 nodes (:data:`rbp.graph.diagrams._layout.ROUTED`)."""


def ego_diagram(
    g: nx.Graph,
    officer: str,
    *,
    title: str,
    labels: Mapping[str, str] | None = None,
    names: Mapping[str, str] | None = None,
    areas: Mapping[str, str] | None = None,
    pseudonymise: bool = False,
    max_nodes: int = 150,
) -> graphviz.Graph:
    """One officer, their ties (styled by status, width by strength), and the other
    officers of the same stakeholders, greyed. The title starts with the officer's label.

    ``g`` holds officer ties (as built by ``crm.graph.build``); only the officer's
    neighbours and their officers are drawn. Past ``max_nodes`` the other officers
    are counted instead of drawn and, if the officer's stakeholders alone are too
    many, they are grouped by area; the title says so.

    Parameters
    ----------
    g
        The graph around the officer; not changed.
    officer
        The officer at the centre (a node of ``g``).
    title
        The diagram's title, after the officer's label.
    labels
        Text to show instead of keys, by key; it wins over ``names`` and aliases.
    names
        What the store calls some stakeholders (see
        :func:`~rbp.graph.diagrams.network_diagram`); other keys show as themselves.
    areas
        Area names by key, for a map grouped by area; other areas show their keys.
    pseudonymise
        Show stable aliases ("S-001") instead of names and keys.
    max_nodes
        The most nodes drawn one by one.

    Returns
    -------
    graphviz.Graph
        The ego map, laid out by ``neato`` (``sfdp`` when it is large), pinned, with
        its legend beside or below it; its lines curve around the nodes up to
        :data:`ROUTED` nodes.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.Graph()
    >>> for k, kind in (("P1", "officer"), ("P2", "officer"), ("m-1", "member")):
    ...     g.add_node(k, kind=kind, areas=("b-1",))
    >>> g.add_edge("P1", "m-1", kind="officer_tie", status="active", strength=2.0)
    >>> g.add_edge("P2", "m-1", kind="officer_tie", status="cooling", strength=1.0)
    >>> src = ego_diagram(g, "P1", title="P1").source
    >>> "#e5e5e5" in src and "legend_other_officer" in src
    True
    """
    mine = sorted(
        n
        for n in (g.adj[officer] if officer in g else {})
        if g.nodes[n].get("kind") != "officer" and g.edges[officer, n].get("kind") == "officer_tie"
    )
    others: dict[str, list[str]] = defaultdict(list)
    for n in mine:
        for o in g[n]:
            if (
                o != officer
                and g.nodes[o].get("kind") == "officer"
                and g.edges[o, n].get("kind") == "officer_tie"
            ):
                others[o].append(n)
    group = len(mine) + 1 > max_nodes
    draw_others = not group and len(mine) + len(others) + 1 <= max_nodes
    note = ""
    if group:
        note = " (stakeholders grouped by area: too many to draw one by one)"
    elif not draw_others:
        note = f" ({count(len(others), 'other officer')} counted, not drawn: too many)"
    shown = [officer, *mine, *(sorted(others) if draw_others else ())]
    show = Labels(shown, labels=labels, names=names, pseudonymise=pseudonymise)
    sk = Sketch(
        f"{show(officer)}: {title}{note}",
        engine=engine_for(len(shown), pinned=True),
        sep="+8",
        overlap="prism",
        overlap_scaling="-1",  # start as tight as the labels; prism then spreads
    )
    ids = Nodes()
    sk.node(
        ids(officer),
        "officer",
        label=lines(show(officer)),
        tooltip=text(f"officer {show(officer)}", into=TextIn.TOOLTIP),
        penwidth="3",
    )
    if group:
        _ego_grouped(sk, g, officer, mine, ids, areas or {})
        return sk.finish()
    held_by = Counter(n for ns in others.values() for n in ns)
    for n in mine:
        kind = g.nodes[n].get("kind", "member")
        extra = "" if draw_others else f", {count(held_by[n], 'other officer')}"
        sk.node(
            ids(n),
            kind if kind in STYLE else "member",
            label=lines(show(n)),
            tooltip=text(f"{kind} {show(n)}{extra}", into=TextIn.TOOLTIP),
        )
        tie = g.edges[officer, n]
        status = str(tie.get("status") or "active")
        strength = width(float(tie.get("strength") or 0.0))
        sk.edge(ids(officer), ids(n), status, penwidth=STYLE[status].get("penwidth", strength))
    if draw_others:
        for o in sorted(others):
            sk.node(
                ids(o),
                "other_officer",
                label=lines(show(o)),
                tooltip=text(f"other officer {show(o)}", into=TextIn.TOOLTIP),
            )
            for n in others[o]:
                sk.edge(ids(o), ids(n), "other_tie")
    return sk.finish(splines="true" if len(shown) <= ROUTED else "line")


def _ego_grouped(
    sk: Sketch,
    g: nx.Graph,
    officer: str,
    mine: Sequence[str],
    ids: Nodes,
    areas: Mapping[str, str],
) -> None:
    """The officer's stakeholders as one node per home area, tie statuses counted."""
    per: dict[str, Counter[str]] = defaultdict(Counter)
    strength: defaultdict[str, float] = defaultdict(float)
    for n in mine:
        area = (g.nodes[n].get("areas") or ("(no area)",))[0]
        tie = g.edges[officer, n]
        per[area][tie.get("status") or "active"] += 1
        strength[area] += float(tie.get("strength") or 0.0)
    for area in sorted(per):
        counts = ", ".join(f"{per[area][s]} {s}" for s in _STATUS_ORDER if per[area][s])
        name = areas.get(area, area)
        sk.node(
            ids("area:" + area),
            "area",
            label=lines(f"{name}: {counts}"),
            tooltip=text(f"area {name}", into=TextIn.TOOLTIP),
        )
        best = next(s for s in _STATUS_ORDER if per[area][s])
        sk.edge(ids(officer), ids("area:" + area), best, penwidth=width(strength[area]))
