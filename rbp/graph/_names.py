"""What a diagram calls the areas and people it draws, read in a few queries per diagram.

The graphs and reports the diagrams draw carry keys only. Here the store's words are
read for them: areas and partner agencies by name (not personal data; the key when
there is no name), officers by key (their badge), community members by a pseudonym of
sector and area ("Faith · Beat 111 #3", numbered in key order among every member of
that sector and home area in the store, so the same person has the same pseudonym in
every diagram). Only when names are asked for do officers and members show their
stored names (a member without one keeps the pseudonym).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp import _schema as t
from rbp._queries.batch import chunks
from rbp.errors import ValidationError

__all__ = ["Naming", "names_arg", "read_names", "sector_words"]


@dataclass(frozen=True)
class Naming:
    """Words for the keys of one diagram: ``areas`` by area key, ``people`` by
    stakeholder key (only keys the store knows are present)."""

    areas: dict[str, str] = field(default_factory=dict)
    people: dict[str, str] = field(default_factory=dict)

    def area(self, key: str) -> str:
        """The area's name, or its key."""
        return self.areas.get(key, key)

    def place(self, key: str | None) -> str:
        """A title's words for an area: its name, "Area KEY", or "Department" (None)."""
        if key is None:
            return "Department"
        return self.areas.get(key) or f"Area {key}"


def names_arg(names: object, pseudonymise: bool) -> bool:
    """The ``names`` argument of a diagram: True or False, and not with ``pseudonymise``."""
    if not isinstance(names, bool):
        raise TypeError(f"names must be True or False, got {type(names).__name__}")
    if names and pseudonymise:
        raise ValidationError(
            "names=True shows stored names and pseudonymise=True hides even keys; pick one",
            field="names",
        )
    return names


def sector_words(value: str | None) -> str:
    """A sector value as a reader writes it: ``"mental_health"`` is "Mental health"."""
    return (value or "other").replace("_", " ").capitalize()


def read_names(
    conn: Connection, keys: Collection[str], *, names: bool = False, here: str | None = None
) -> Naming:
    """The words for the areas of the store and the stakeholders ``keys``.

    A member whose home is ``here`` (the area a map is titled by) is called by sector
    and number alone ("Faith #3"): the title already says where.

    Parameters
    ----------
    conn
        An open connection (inside the diagram's read transaction).
    keys
        The stakeholders the diagram draws.
    names
        Officers and members by their stored names (when they have one).
    here
        The area of the map, left out of its own members' pseudonyms.

    Returns
    -------
    Naming
        Area names by key, and the default label of each known stakeholder.
    """
    a = t.areas.c
    areas = {str(k): str(n) for k, n in conn.execute(sa.select(a.key, a.name)) if n}
    s = t.stakeholders.c
    sa_c = t.stakeholder_areas.c
    home: dict[str, str | None] = {}
    rows: list[tuple[str, str, str | None, str | None]] = []
    for piece in chunks(sorted(set(keys))):
        found = conn.execute(
            sa.select(s.key, s.kind, s.sector, s.name, s.erased, s.pseudonymous)
            .where(s.key.in_(piece))
            .order_by(s.key)
        ).all()
        for key, kind, sector, name, erased, pseudonymous in found:
            shown = None if (erased or pseudonymous) else name
            rows.append((str(key), str(kind), sector, shown))
        for key, area in conn.execute(
            sa.select(sa_c.stakeholder, sa_c.area)
            .where(sa_c.stakeholder.in_(piece))
            .order_by(sa_c.stakeholder, sa_c.area)
        ):
            home.setdefault(str(key), str(area))
    members = [(k, sector) for k, kind, sector, name in rows if kind == "member"]
    number = _numbers(conn, {home.get(k) for k, _ in members}, {sec for _, sec in members})
    people: dict[str, str] = {}
    for key, kind, sector, name in rows:
        if kind == "agency" or (names and name):
            people[key] = name or key
        elif kind == "member":
            where = home.get(key)
            place = "" if where is None or where == here else f" · {areas.get(where, where)}"
            people[key] = f"{sector_words(sector)}{place} #{number.get(key, 0)}"
    return Naming(areas=areas, people=people)


def _numbers(
    conn: Connection, homes: Collection[str | None], sectors: Collection[str | None]
) -> dict[str, int]:
    """Each member's number among every member of its sector and home area, in key order
    (members have one area; their home)."""
    s = t.stakeholders.c
    sa_c = t.stakeholder_areas.c
    query = (
        sa.select(s.key, s.sector, sa_c.area)
        .select_from(t.stakeholders.outerjoin(t.stakeholder_areas, sa_c.stakeholder == s.key))
        .where(s.kind == "member")
    )
    known = sorted(h for h in homes if h is not None)
    where = [sa_c.area.in_(known)] if known else []
    if None in homes:
        where.append(sa_c.area.is_(None))
    if not where:
        return {}
    query = query.where(sa.or_(*where)).order_by(s.key)
    if None not in sectors:
        query = query.where(s.sector.in_(sorted(str(x) for x in sectors)))
    seen: defaultdict[tuple[str | None, str | None], int] = defaultdict(int)
    out: dict[str, int] = {}
    for key, sector, area in conn.execute(query):
        if str(key) in out:
            continue
        seen[sector, area] += 1
        out[str(key)] = seen[sector, area]
    return out
