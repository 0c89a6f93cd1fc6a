"""The directory namespace (``crm.directory``): areas, stakeholders, relationships.

Every write is one transaction and is recorded in the audit trail. A bulk call
checks every item first, reports every bad one with its position, and writes
nothing unless all are good.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from rbp import _args
from rbp import _schema as t
from rbp.directory import _sql as sql
from rbp.directory._checks import check_areas, check_people, dup, parents_first
from rbp.directory._reads import DirectoryReads
from rbp.directory._relations import RelationshipWrites
from rbp.errors import (
    BulkValidationError,
    RbpError,
    ValidationError,
)
from rbp.model import (
    Area,
    CommunityMember,
    Officer,
    PartnerAgency,
)
from rbp.model._directory import AnyStakeholder

if TYPE_CHECKING:
    from rbp._unit import UnitOfWork

__all__ = ["Directory"]

_STAKEHOLDER_TYPES = (Officer, CommunityMember, PartnerAgency)


class Directory(DirectoryReads, RelationshipWrites):
    """Areas, stakeholders and declared relationships of one store (``crm.directory``).

    Parameters
    ----------
    uow
        The store's unit of work. Not built by hand: :func:`rbp.open` makes the store
        and ``crm.directory`` is this namespace.

    Examples
    --------
    >>> import rbp
    >>> from rbp import Area, Officer, CommunityMember, Sector, Priority
    >>> crm = rbp.open()
    >>> crm.directory.add(Area("d-01", name="District 1"))
    >>> crm.directory.add(Area("b-0111", name="Beat 111", parent="d-01", population=8200))
    >>> crm.directory.add(Officer("P1234", name="A. Ruiz", unit="CSP", areas=("b-0111",)))
    >>> crm.directory.add(CommunityMember("m-17", sector=Sector.FAITH, area="b-0111",
    ...                                   priority=Priority.KEY))
    >>> [s.key for s in crm.directory.find(area="d-01")]
    ['P1234', 'm-17']
    >>> crm.directory.areas().descendants("d-01")
    ('b-0111',)
    """

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    # ------------------------------------------------------------------ writes

    def add(self, item: Area | AnyStakeholder) -> None:
        """Add one area or stakeholder.

        Parameters
        ----------
        item
            An :class:`~rbp.Area`, :class:`~rbp.Officer`, :class:`~rbp.CommunityMember` or
            :class:`~rbp.PartnerAgency`.

        Raises
        ------
        DuplicateKeyError
            The key is taken (stakeholder keys are unique across all kinds).
        UnknownKeyError
            A parent or assigned area does not exist.
        ValidationError
            ``item`` is not one of the four records, or an area's parent would make a cycle.
        StoreError
            The store was opened read-only.

        Examples
        --------
        >>> import rbp
        >>> crm = rbp.open()
        >>> crm.directory.add(rbp.Area("d-01", name="District 1"))
        >>> crm.directory.add(rbp.Officer("P1234", unit="CSP", areas=("d-01",)))
        >>> crm.directory.summary().officers
        1
        >>> crm.directory.add(rbp.Officer("P1234"))
        Traceback (most recent call last):
        ...
        rbp.errors.DuplicateKeyError: ...
        """
        try:
            self.add_many([item])
        except BulkValidationError as exc:
            first = exc.errors[0]
            message = first.message.removeprefix("item 0: ")
            raise type(first)(message, key=first.key, field=first.field) from None

    def add_many(self, items: Iterable[Area | AnyStakeholder]) -> int:
        """Add areas and stakeholders in one transaction: all of them, or none.

        Areas may come in any order (a parent after its child is fine). Every bad
        item is reported with its zero-based position in
        :class:`~rbp.errors.BulkValidationError`.

        Parameters
        ----------
        items
            Areas, officers, community members and partner agencies, in any mix.

        Returns
        -------
        int
            How many records were written.

        Raises
        ------
        BulkValidationError
            One or more items are bad (a duplicate or taken key, an unknown area, a
            cycle of parents, not a record); ``errors`` lists each with its ``row``.
        StoreError
            The store was opened read-only.
        TypeError
            ``items`` is one record or not an iterable.

        Examples
        --------
        >>> import rbp
        >>> crm = rbp.open()
        >>> crm.directory.add_many([rbp.Area("b-1", parent="d-01"), rbp.Area("d-01"),
        ...                         rbp.Officer("P1", areas=("b-1",))])
        3
        >>> try:
        ...     crm.directory.add_many([rbp.Officer("P2"), rbp.Officer("P1")])
        ... except rbp.BulkValidationError as exc:
        ...     [(e.row, e.key) for e in exc.errors]
        [(1, 'P1')]
        >>> crm.directory.summary().officers   # nothing of the failed batch was written
        1
        """
        if isinstance(items, Area | Officer | CommunityMember | PartnerAgency | str):
            raise TypeError(
                f"items must be an iterable of records, got one {type(items).__name__}; "
                "use add() for one record"
            )
        if not isinstance(items, Iterable):
            raise TypeError(f"items must be an iterable of records, got {type(items).__name__}")
        batch = list(items)
        errors: list[RbpError] = []
        new_areas: dict[str, tuple[int, Area]] = {}
        people: list[tuple[int, AnyStakeholder]] = []
        seen: dict[str, int] = {}
        for row, item in enumerate(batch):
            if isinstance(item, Area):
                if item.key in new_areas:
                    errors.append(dup("area", item.key, row, new_areas[item.key][0]))
                else:
                    new_areas[item.key] = (row, item)
            elif isinstance(item, _STAKEHOLDER_TYPES):
                if item.key in seen:
                    errors.append(dup("stakeholder", item.key, row, seen[item.key]))
                else:
                    seen[item.key] = row
                    people.append((row, item))
            else:
                errors.append(
                    ValidationError(
                        f"item {row}: expected an Area, Officer, CommunityMember or "
                        f"PartnerAgency, got {type(item).__name__}",
                        row=row,
                    )
                )
        with self._uow.write() as conn:
            errors += check_areas(conn, new_areas)
            errors += check_people(conn, people, set(new_areas))
            if errors:
                errors.sort(key=lambda e: e.row if e.row is not None else -1)
                raise BulkValidationError("add_many", errors)
            ordered = parents_first([a for _, a in new_areas.values()])
            if ordered:
                conn.execute(sa.insert(t.areas), [t.area_row(a) for a in ordered])
            sql.insert_people(conn, [p for _, p in people])
            self._uow.record(conn, "add", "area", [a.key for a in ordered])
            self._uow.record(conn, "add", "stakeholder", [p.key for _, p in people])
        return len(batch)

    def update(self, key: str, /, **changes: Any) -> Area | AnyStakeholder:
        """Change fields of an area or stakeholder; returns the new record.

        The key and the kind cannot change. For an area, a new ``parent`` must
        exist and must not make a cycle. Areas and stakeholders have separate keys:
        when an area has the same key as a stakeholder, this changes the
        stakeholder; use :meth:`update_area` for the area.

        Parameters
        ----------
        key
            The stakeholder's (or area's) key.
        **changes
            New values of the record's fields, e.g. ``unit="CSP"``.

        Returns
        -------
        Area or Officer or CommunityMember or PartnerAgency
            The record as stored after the change.

        Raises
        ------
        UnknownKeyError
            No area or stakeholder has this key, or a new area does not exist.
        ValidationError
            A field that does not exist or cannot change, a bad value, or a cycle.
        StoreError
            The store was opened read-only.

        Examples
        --------
        >>> import rbp
        >>> crm = rbp.open()
        >>> crm.directory.add(rbp.Area("d-01"))
        >>> crm.directory.add(rbp.Officer("P1", unit="Patrol"))
        >>> crm.directory.update("P1", unit="CSP").unit
        'CSP'
        """
        return self._update(_args.key(key, "key"), changes, areas_only=False)

    def update_area(self, area: str, /, **changes: Any) -> Area:
        """Change fields of the area ``area`` (even if a stakeholder has that key too).

        Parameters
        ----------
        area
            The area's key.
        **changes
            New values of the area's fields, e.g. ``parent="d-01"``.

        Returns
        -------
        Area
            The area as stored after the change.

        Raises
        ------
        UnknownKeyError
            No such area, or the new parent does not exist.
        ValidationError
            A field that does not exist or cannot change, a bad value, or a cycle.
        StoreError
            The store was opened read-only.

        Examples
        --------
        >>> import rbp
        >>> crm = rbp.open()
        >>> crm.directory.add_many([rbp.Area("d-01"), rbp.Area("b-1"), rbp.Officer("b-1")])
        3
        >>> crm.directory.update_area("b-1", parent="d-01").parent
        'd-01'
        """
        new = self._update(_args.key(area, "area"), changes, areas_only=True)
        assert isinstance(new, Area)
        return new

    def _update(
        self, key: str, changes: dict[str, Any], *, areas_only: bool
    ) -> Area | AnyStakeholder:
        with self._uow.write() as conn:
            new = sql.update_record(conn, key, changes, areas_only=areas_only, tz=self._uow.tz)
            entity = "area" if isinstance(new, Area) else "stakeholder"
            self._uow.record(conn, "update", entity, [key], {"fields": sorted(changes)})
        return new

    def erase(self, member: str) -> CommunityMember:
        """Forget a community member's personal data; keep the key so counts stay right.

        The name, contact details and tags are removed, the member becomes
        pseudonymous and ``erased``, and the notes of interactions they took part in
        are cleared. Their interactions still count in ties and coverage.

        Parameters
        ----------
        member
            The community member's key.

        Returns
        -------
        CommunityMember
            The member as stored now: no name, no contact details, ``erased``.

        Raises
        ------
        UnknownKeyError
            No community member has this key.
        StoreError
            The store was opened read-only.

        Examples
        --------
        >>> import rbp
        >>> crm = rbp.open()
        >>> crm.directory.add(rbp.CommunityMember("m-17", name="J. Lee"))
        >>> gone = crm.directory.erase("m-17")
        >>> gone.erased, gone.name
        (True, None)
        """
        key = _args.key(member, "member")
        with self._uow.write() as conn:
            erased = sql.erase_member(conn, key, self._uow.tz)
            self._uow.record(conn, "erase", "stakeholder", [key])
        return erased

    # ------------------------------------------------------------------ relationships


__test__ = {"Directory": Directory}
