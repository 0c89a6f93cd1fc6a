"""CPSS and the PJ index, aggregated in SQL per interaction and summed by group.

DESIGN section 1 ("Engagement"): CPSS = 100 x responses with overall 4 or 5 /
responses with an overall answer; the PJ index is the mean over responses of the
mean of their answered PJ items, mapped from 1-5 to 0-100; a score from fewer than
``min_n`` responses is None. A response counts for every officer of its interaction
and for every area of it and the areas above them (once per area).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp import _schema as t
from rbp._queries.batch import chunks
from rbp.areas import AreaTree
from rbp.engagement._records import Score
from rbp.model._engagement import ScoreBy

__all__ = ["Tally", "by_group", "score_of", "tally_query"]

_ITEMS = ("respect", "voice", "neutrality", "trust")


@attrs.define
class Tally:
    """Running sums: responses with an overall answer, positive ones, PJ answers and sum."""

    n: int = 0
    positive: int = 0
    pj_n: int = 0
    pj_sum: float = 0.0

    def add(self, other: Tally) -> None:
        self.n += other.n
        self.positive += other.positive
        self.pj_n += other.pj_n
        self.pj_sum += other.pj_sum


def score_of(key: str | None, tally: Tally, min_n: int) -> Score:
    """The :class:`Score` of a tally, suppressed under ``min_n``."""
    score = 100.0 * tally.positive / tally.n if tally.n >= min_n else None
    pj = (tally.pj_sum / tally.pj_n - 1.0) / 4.0 * 100.0 if tally.pj_n >= min_n else None
    return Score(key, n=tally.n, score=score, pj_n=tally.pj_n, pj=pj)


def tally_query(lo: int | None, hi: int) -> sa.Select[Any]:
    """Per interaction: responses with overall, positive ones, PJ answers and their sum,
    over responses with ``lo < at <= hi``."""
    r = t.survey_responses.c
    answered = sum(
        (sa.case((getattr(r, name).is_not(None), 1), else_=0) for name in _ITEMS),
        sa.literal(0),
    )
    total = sum((sa.func.coalesce(getattr(r, name), 0) for name in _ITEMS), sa.literal(0))
    mean = sa.cast(total, sa.Float) / sa.func.nullif(answered, 0)
    q = sa.select(
        r.interaction_id,
        sa.func.count(r.overall),
        sa.func.coalesce(sa.func.sum(sa.case((r.overall >= 4, 1), else_=0)), 0),
        sa.func.coalesce(sa.func.sum(sa.case((answered > 0, 1), else_=0)), 0),
        sa.func.coalesce(sa.func.sum(mean), 0.0),
    ).where(r.at <= hi)
    if lo is not None:
        q = q.where(r.at > lo)
    return q.group_by(r.interaction_id)


def _tally(row: Iterable[Any]) -> tuple[Any, Tally]:
    key, n, pos, pj_n, pj_sum = row
    return key, Tally(int(n), int(pos), int(pj_n), float(pj_sum))


def by_group(
    conn: Connection, lo: int | None, hi: int, by: ScoreBy | None
) -> tuple[Tally, dict[str, Tally]]:
    """The overall tally and the tally of each officer or area with a response."""
    per = {int(k): v for k, v in map(_tally, conn.execute(tally_query(lo, hi)))}
    overall = Tally()
    for tally in per.values():
        overall.add(tally)
    groups: dict[str, Tally] = defaultdict(Tally)
    if by is ScoreBy.OFFICER:
        # Every participation of an officer in an interaction up to T, joined here to the
        # interactions with responses: one pass over the officers' part of the index.
        p, s = t.participants.c, t.stakeholders.c
        officers = sa.select(s.key).where(s.kind == "officer")
        rows = conn.execute(
            sa.select(p.interaction_id, p.stakeholder).where(
                p.stakeholder.in_(officers), p.at <= hi
            )
        )
        for iid, officer in rows:
            found = per.get(int(iid))
            if found is not None:
                groups[str(officer)].add(found)
    elif by is ScoreBy.AREA:
        tree = AreaTree(t.area_from_row(r) for r in conn.execute(sa.select(t.areas)).mappings())
        a = t.interaction_areas.c
        places: dict[int, set[str]] = defaultdict(set)
        up: dict[str, tuple[str, ...]] = {}
        for piece in chunks(sorted(per)):
            rows = conn.execute(
                sa.select(a.interaction_id, a.area).where(a.interaction_id.in_(piece))
            )
            for iid, area in rows:
                key = str(area)
                if key not in up:
                    up[key] = (key, *tree.ancestors(key))
                places[int(iid)].update(up[key])
        for iid, keys in places.items():
            for key in keys:
                groups[key].add(per[iid])
    return overall, dict(groups)
