"""The key-person map: the officers who alone hold the most stakeholders, each tied to
those stakeholders by a dashed (single-threaded) line."""

from __future__ import annotations

from collections.abc import Mapping

import graphviz

from rbp._render._words import count
from rbp.graph._risk_reports import KeyPersonReport
from rbp.graph.diagrams._layout import Sketch
from rbp.graph.diagrams._style import STYLE, Labels, Nodes, TextIn, lines, text

__all__ = ["keyperson_diagram"]


def keyperson_diagram(
    report: KeyPersonReport,
    kinds: Mapping[str, str],
    *,
    title: str,
    top: int = 10,
    per_officer: int = 12,
    labels: Mapping[str, str] | None = None,
    names: Mapping[str, str] | None = None,
    pseudonymise: bool = False,
) -> graphviz.Graph:
    """The ``top`` officers by stakeholders only they hold, each with those
    stakeholders on dashed (single-threaded) lines; past ``per_officer`` the rest
    of an officer's are one counted node.

    Parameters
    ----------
    report
        The key-person report to draw.
    kinds
        Each stakeholder's kind value ("member", "agency"), by key, for its style.
    title
        The diagram's title.
    top
        How many officers to draw.
    per_officer
        How many stakeholders to draw per officer.
    labels
        Text to show instead of keys, by key; it wins over ``names`` and aliases.
    names
        What the store calls some stakeholders (see
        :func:`~rbp.graph.diagrams.network_diagram`); other keys show as themselves.
    pseudonymise
        Show stable aliases ("S-001") instead of names and keys.

    Returns
    -------
    graphviz.Graph
        The key-person map: each officer labelled with how many stakeholders only
        they hold, pinned, with its legend beside or below it.

    Examples
    --------
    >>> import pendulum
    >>> from rbp.graph._risk_reports import KeyPersonReport
    >>> r = KeyPersonReport(as_of=pendulum.datetime(2026, 1, 1), covered=3,
    ...                     single_threaded=("m-1", "m-2"), sole_held={"P1": ("m-1", "m-2")})
    >>> src = keyperson_diagram(r, {"m-1": "member", "m-2": "agency"}, title="t").source
    >>> src.count("style=dashed") >= 2 and "legend_single_threaded" in src
    True
    """
    chosen = list(report.sole_held.items())[:top]
    keys = [o for o, _ in chosen] + [k for _, held in chosen for k in held[:per_officer]]
    # Each officer a card: the officer on the left, their stakeholders in a column on
    # the right (dot, left to right), the cards in rows, most held first.
    sk = Sketch(title, engine="dot", cards=True, rankdir="LR", nodesep="0.08", ranksep="0.35")
    ids = Nodes()
    show = Labels(keys, labels=labels, names=names, pseudonymise=pseudonymise)
    for o, held in chosen:
        sk.node(
            ids(o),
            "officer",
            label=lines(f"{show(o)} ({len(held)})"),
            tooltip=text(
                f"officer {show(o)}: {count(len(held), 'stakeholder')} held by nobody else",
                into=TextIn.TOOLTIP,
            ),
        )
        for k in held[:per_officer]:
            kind = kinds.get(k, "member")
            sk.node(
                ids(k),
                kind if kind in STYLE else "member",
                label=lines(show(k)),
                tooltip=text(f"{kind} {show(k)}", into=TextIn.TOOLTIP),
            )
            sk.edge(ids(o), ids(k), "single_threaded")
        if len(held) > per_officer:
            rest = len(held) - per_officer
            sk.node(
                ids("more:" + o),
                "more",
                label=text(f"+{rest} more"),
                tooltip=text(f"{rest} more held only by {show(o)}", into=TextIn.TOOLTIP),
            )
            sk.edge(ids(o), ids("more:" + o), "single_threaded")
    return sk.finish(texts={"officer": "officer (how many only they hold)"})
