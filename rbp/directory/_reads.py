"""Reading the directory (``crm.directory.get``, ``find``, ``areas``, ``relationships``,
``summary``): a stakeholder, an area, or who is part of the picture at a time."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pendulum

from rbp import _args
from rbp import _schema as t
from rbp._render import RecordList
from rbp.areas import AreaTree
from rbp.directory import _sql as sql
from rbp.directory._summary import DirectorySummary
from rbp.errors import UnknownKeyError
from rbp.model import Area, Priority, Sector, StakeholderKind
from rbp.model._directory import AnyStakeholder

if TYPE_CHECKING:
    from rbp._unit import UnitOfWork

__all__ = ["DirectoryReads"]

# What a list shows: keys and categories, never names or contact details.
_STAKEHOLDER_COLUMNS = ("key", "kind", "sector", "area", "priority", "since", "until")
_RELATIONSHIP_COLUMNS = ("id", "a", "kind", "b", "since", "until")


class DirectoryReads:
    """The reading half of :class:`rbp.directory.Directory`."""

    _uow: UnitOfWork

    def relationships(
        self, stakeholder: str | None = None, *, as_of: pendulum.DateTime | None = None
    ) -> RecordList:
        """Declared relationships of ``stakeholder`` (both directions), or all of them.

        Parameters
        ----------
        stakeholder
            A stakeholder's key; without it, every stakeholder's.
        as_of
            Only relationships active then (aware); default now by the store's clock.

        Returns
        -------
        tuple of Relationship
            Ordered by id.

        Raises
        ------
        ValidationError
            A malformed key, or a naive ``as_of``.
        TypeError
            ``as_of`` is not a datetime.

        Examples
        --------
        >>> rels = crm.directory.relationships(as_of=T)
        >>> len(rels), rels[0].label
        (36, 'm-000018 works for org-0009')
        >>> [r.label for r in crm.directory.relationships("org-0009", as_of=T)][:1]
        ['m-000018 works for org-0009']
        """
        key = _args.optional_key(stakeholder, "stakeholder")
        when = self._uow.when(as_of)
        with self._uow.read() as conn:
            rows = sql.relationship_rows(conn, key, when.micros, self._uow.tz)
        return RecordList(rows, columns=_RELATIONSHIP_COLUMNS, title="Relationships", as_of=when.at)

    # ------------------------------------------------------------------ reads

    def get(self, stakeholder: str) -> AnyStakeholder:
        """The stakeholder with this key.

        Parameters
        ----------
        stakeholder
            The stakeholder's key.

        Returns
        -------
        Officer or CommunityMember or PartnerAgency
            The stored record (its times in the store's zone).

        Raises
        ------
        UnknownKeyError
            No stakeholder has this key.
        ValidationError
            A malformed key.

        Examples
        --------
        >>> crm.directory.get("P0001").unit
        'CSP'
        >>> crm.directory.get("nobody")
        Traceback (most recent call last):
        ...
        rbp.errors.UnknownKeyError: no stakeholder 'nobody'; check the key or add it
        """
        key = _args.key(stakeholder, "stakeholder")
        with self._uow.read() as conn:
            found = t.load_stakeholder(conn, key, self._uow.tz)
        if found is None:
            raise UnknownKeyError(f"no stakeholder {key!r}; check the key or add it", key=key)
        return found

    def get_area(self, area: str) -> Area:
        """The area with this key.

        Parameters
        ----------
        area
            The area's key.

        Returns
        -------
        Area
            The stored area.

        Raises
        ------
        UnknownKeyError
            No area has this key.
        ValidationError
            A malformed key.

        Examples
        --------
        >>> crm.directory.get_area("d-01").parent
        'city'
        """
        key = _args.key(area, "area")
        with self._uow.read() as conn:
            found = t.load_area(conn, key)
        if found is None:
            raise UnknownKeyError(f"no area {key!r}; check the key or add it", key=key)
        return found

    def areas(self) -> AreaTree:
        """All areas, as a tree (``children``, ``descendants``, ``ancestors``, ``roots``).

        Returns
        -------
        AreaTree
            Every area with its parent links.

        Examples
        --------
        >>> tree = crm.directory.areas()
        >>> tree.roots, len(tree)
        (('city',), 12)
        """
        with self._uow.read() as conn:
            return sql.tree(conn)

    def find(
        self,
        *,
        kind: StakeholderKind | str | None = None,
        area: str | None = None,
        sector: Sector | str | None = None,
        tag: str | None = None,
        priority: Priority | str | None = None,
        as_of: pendulum.DateTime | None = None,
        within: bool = True,
    ) -> RecordList:
        """Stakeholders that match every filter given, ordered by key.

        Parameters
        ----------
        kind
            A :class:`~rbp.StakeholderKind` or its value.
        area
            Stakeholders linked to this area (assigned, home or served); with
            ``within`` (the default) also to any area below it in the tree.
        sector
            A :class:`~rbp.Sector` or its value.
        tag
            Stakeholders carrying this tag.
        priority
            A :class:`~rbp.Priority` or its value.
        as_of
            Only stakeholders part of the picture then (``since``/``until``, both
            inclusive); default now by the store's clock.
        within
            Whether ``area`` includes the areas below it.

        Returns
        -------
        tuple of Officer, CommunityMember or PartnerAgency
            Ordered by key.

        Raises
        ------
        UnknownKeyError
            ``area`` does not exist.
        ValidationError
            An unknown kind, sector or priority, a malformed key or tag, or a naive ``as_of``.
        TypeError
            ``as_of`` is not a datetime, or ``within`` is not a bool.

        Examples
        --------
        >>> [s.key for s in crm.directory.find(kind="officer", as_of=T)][:3]
        ['P0001', 'P0003', 'P0004']
        >>> len(crm.directory.find(kind="member", sector="faith", as_of=T))
        13
        """
        the_kind = _args.optional_choice(StakeholderKind, kind, "kind")
        the_sector = _args.optional_choice(Sector, sector, "sector")
        the_priority = _args.optional_choice(Priority, priority, "priority")
        area = _args.optional_key(area, "area")
        tag = _args.optional_key(tag, "tag")
        when = self._uow.when(as_of)
        at, when_at = when.micros, when.at
        within = _args.flag(within, "within")
        with self._uow.read() as conn:
            rows = sql.find_rows(
                conn,
                kind=the_kind,
                area=area,
                sector=the_sector,
                tag=tag,
                priority=the_priority,
                at=at,
                within=within,
                tz=self._uow.tz,
            )
        return RecordList(rows, columns=_STAKEHOLDER_COLUMNS, title="Stakeholders", as_of=when_at)

    def summary(self) -> DirectorySummary:
        """Counts of areas, stakeholders by kind and sector, and relationships.

        Returns
        -------
        DirectorySummary
            The counts; renders as a table.

        Examples
        --------
        >>> s = crm.directory.summary()
        >>> s.areas, s.officers, s.members, s.agencies
        (12, 12, 150, 24)
        """
        with self._uow.read() as conn:
            return sql.summary(conn)
