"""The directory namespace (``crm.directory``): areas, stakeholders, relationships.

Every write is one transaction and is recorded in the audit trail. A bulk call
checks every item first, reports every bad one with its position, and writes
nothing unless all are good.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rbp import _args
from rbp.directory import _sql as sql
from rbp.directory._bulk import BulkAdd
from rbp.directory._reads import DirectoryReads
from rbp.directory._relations import RelationshipWrites
from rbp.errors import (
    BulkValidationError,
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
        :class:`~rbp.errors.BulkValidationError`. The items are read and written a
        batch at a time, so a generator of a million members is never held whole
        (only the keys, to name a key given twice); items that must wait for an area
        later in the call (a child before its parent, a member of a new area) are
        held until the end.

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
        with self._uow.write(bulk=True) as conn:
            writer = BulkAdd(self._uow, conn)
            count = writer.run(items)
            if writer.errors:
                raise BulkValidationError("add_many", writer.errors)
        return count

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
