"""The brief's most urgent gaps, each one plain sentence, areas by name, officers by key,
never a person's name.

Every gap gets a score, ``weight x how many it touches`` (:data:`URGENCY`), and the
brief lists the highest first (ties: the order of :data:`URGENCY`, then the area tree).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import attrs

from rbp._render import count

if TYPE_CHECKING:
    from rbp.areas import AreaTree
    from rbp.graph import CoverageReport, GapReport

__all__ = ["PER_KIND", "URGENCY", "Urgent", "urgent_gaps"]

URGENCY: dict[str, int] = {
    "key_uncontacted": 5,
    "quiet_area": 2,
    "sector_uncovered": 1,
    "follow_ups": 1,
    "sector_missing": 1,
}
"""Weight of each kind of gap, per stakeholder (or follow-up, or sector) it touches:
key stakeholders with no recent officer contact in an area; an area with no logged
interaction (per stakeholder there); a sector of an area where nobody has recent
officer contact; an officer's promised follow-ups past due; expected sectors with
nobody known in an area."""

PER_KIND = 4
"""The most sentences of one kind among the urgent gaps, so that one kind of gap
cannot crowd out the others."""


@attrs.frozen
class Urgent:
    """One urgent gap: its kind (a key of :data:`URGENCY`), the area or officer it is
    about, its score, and the sentence the brief prints.

    Examples
    --------
    >>> top = rbp.report.brief(crm, as_of=T).urgent[0]
    >>> top.kind, top.about, top.score
    ('quiet_area', 'b-0108', 56)
    """

    kind: str
    about: str
    score: int
    sentence: str


def _has(n: int) -> str:
    return "has" if n == 1 else "have"


def _key_uncontacted(
    cov: CoverageReport,
    homes: dict[str, tuple[str, ...]],
    names: dict[str, str],
    days: int,
) -> Iterable[Urgent]:
    uncovered = set(cov.uncovered)
    per_area: Counter[str] = Counter()
    for key, areas in homes.items():
        if key in uncovered:
            per_area.update(a for a in areas if a in cov.by_area)
    for area, n in per_area.items():
        yield Urgent(
            "key_uncontacted",
            area,
            URGENCY["key_uncontacted"] * n,
            f"{count(n, 'key stakeholder')} in {names[area]} {_has(n)} had no officer "
            f"contact for over {days} days.",
        )


def _quiet(
    gaps: GapReport, cov: CoverageReport, tree: AreaTree, names: dict[str, str], days: int
) -> Iterable[Urgent]:
    quiet = set(gaps.quiet_areas)
    for area in gaps.quiet_areas:
        parent = tree[area].parent if area in tree else None
        if parent in quiet:
            continue  # the area above is quiet too: say it once, there
        n = cov.by_area[area].total if area in cov.by_area else 0
        yield Urgent(
            "quiet_area",
            area,
            URGENCY["quiet_area"] * max(n, 1),
            f"{names[area]} has had no logged interaction for over {days} days "
            f"({count(n, 'stakeholder')} there).",
        )


def _follow_ups(gaps: GapReport) -> Iterable[Urgent]:
    per_officer = Counter(f.officer for f in gaps.overdue_follow_ups)
    for officer, n in per_officer.items():
        yield Urgent(
            "follow_ups",
            officer,
            URGENCY["follow_ups"] * n,
            f"Officer {officer} has {count(n, 'promised follow-up')} past due.",
        )


def _sector_uncovered(
    gaps: GapReport, cov: CoverageReport, tree: AreaTree, names: dict[str, str]
) -> Iterable[Urgent]:
    cells = set(gaps.matrix_gaps)
    for area, sector in gaps.matrix_gaps:
        n = cov.cell(area, sector).total
        below = tree.children(area) if area in tree else ()
        if any((c, sector) in cells and cov.cell(c, sector).total == n for c in below):
            continue  # all of them live in one area below: say it there
        what = sector.value.replace("_", " ")
        sentence = (
            f"The only {what} stakeholder in {names[area]} has no recent officer contact."
            if n == 1
            else f"None of the {n} {what} stakeholders in {names[area]} has recent officer contact."
        )
        yield Urgent("sector_uncovered", area, URGENCY["sector_uncovered"] * n, sentence)


def _sector_missing(gaps: GapReport, tree: AreaTree, names: dict[str, str]) -> Iterable[Urgent]:
    for area, sectors in gaps.missing_sectors.items():
        parent = tree[area].parent if area in tree else None
        above = set(gaps.missing_sectors.get(parent, ())) if parent else set()
        mine = [s.value.replace("_", " ") for s in sectors if s not in above]
        if not mine:
            continue
        listed = mine[0] if len(mine) == 1 else ", ".join(mine[:-1]) + " or " + mine[-1]
        yield Urgent(
            "sector_missing",
            area,
            URGENCY["sector_missing"] * len(mine),
            f"{names[area]} has no known {listed} stakeholder.",
        )


def urgent_gaps(
    cov: CoverageReport,
    gaps: GapReport,
    tree: AreaTree,
    *,
    homes: dict[str, tuple[str, ...]],
    key_days: int,
    quiet_days: int,
    limit: int = 10,
) -> tuple[Urgent, ...]:
    """The ``limit`` most urgent gaps of ``gaps`` (scored by :data:`URGENCY`, at most
    :data:`PER_KIND` of one kind).

    ``homes`` maps each key stakeholder in scope to its areas; ``key_days`` is the key
    cadence and ``quiet_days`` the quiet window, in days, as the sentences say them.
    """
    names = {a.key: a.name or a.key for a in tree}
    found: list[Urgent] = [
        *_key_uncontacted(cov, homes, names, key_days),
        *_quiet(gaps, cov, tree, names, quiet_days),
        *_follow_ups(gaps),
        *_sector_uncovered(gaps, cov, tree, names),
        *_sector_missing(gaps, tree, names),
    ]
    kinds = list(URGENCY)
    order: Sequence[str] = tree.order()
    place = {a: i for i, a in enumerate(order)}
    found.sort(key=lambda u: (-u.score, kinds.index(u.kind), place.get(u.about, -1), u.about))
    shown: list[Urgent] = []
    per_kind: Counter[str] = Counter()
    for u in found:
        if per_kind[u.kind] < PER_KIND:
            per_kind[u.kind] += 1
            shown.append(u)
    return tuple(shown[:limit])
