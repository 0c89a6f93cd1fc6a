"""Declared relationships: written one at a time, many at once, or ended.

Part of :class:`rbp.directory.Directory`. Relationships are structure (who belongs
where, who refers to whom), declared by hand; interaction ties are computed elsewhere.
Each call is one write transaction, checked first and recorded in the audit trail.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pendulum
import sqlalchemy as sa

from rbp import _args
from rbp import _schema as t
from rbp._schema._copy import copy_dicts
from rbp.directory import _sql as sql
from rbp.errors import BulkValidationError, RbpError, UnknownKeyError, ValidationError
from rbp.model import Relationship, RelationshipKind

if TYPE_CHECKING:
    from rbp._unit import UnitOfWork

__all__ = ["RelationshipWrites"]

_CHUNK = 5_000  # rows per INSERT of a bulk call


class RelationshipWrites:
    """The relationship writes of :class:`rbp.directory.Directory`."""

    _uow: UnitOfWork

    def relate(
        self,
        a: str,
        b: str,
        kind: RelationshipKind | str,
        *,
        since: pendulum.DateTime | None = None,
        until: pendulum.DateTime | None = None,
    ) -> Relationship:
        """Declare a typed tie ``a`` → ``b`` (e.g. ``m-17`` MEMBER_OF ``org-dmh``).

        Parameters
        ----------
        a
            The subject's key (``a`` member of ``b``).
        b
            The object's key.
        kind
            A :class:`~rbp.RelationshipKind` or its value.
        since
            When the relationship began (aware), if known.
        until
            When it ended (aware), if it has.

        Returns
        -------
        Relationship
            The relationship with the ``id`` the store gave it.

        Raises
        ------
        UnknownKeyError
            ``a`` or ``b`` is not a stakeholder.
        ValidationError
            An unknown kind, ``a`` equal to ``b``, naive times, or ``until`` before ``since``.
        StoreError
            The store was opened read-only.

        Examples
        --------
        >>> import rbp
        >>> crm = rbp.open()
        >>> crm.directory.add_many([rbp.CommunityMember("m-17"), rbp.PartnerAgency("org-dmh")])
        2
        >>> crm.directory.relate("m-17", "org-dmh", rbp.RelationshipKind.MEMBER_OF).label
        'm-17 member of org-dmh'
        """
        rel = Relationship(
            a, b, _args.choice(RelationshipKind, kind, "kind"), since=since, until=until
        )
        with self._uow.write() as conn:
            rel = sql.insert_relationship(conn, rel)
            detail = {"id": rel.id, "kind": rel.kind.value, "b": rel.b}
            self._uow.record(conn, "relate", "relationship", [rel.a], detail)
        return rel

    def relate_many(self, relationships: Iterable[Relationship]) -> int:
        """Declare many relationships in one transaction: all of them, or none.

        Every bad item (not a :class:`~rbp.Relationship`, or naming a stakeholder
        that does not exist) is reported with its zero-based position.

        Parameters
        ----------
        relationships
            Any iterable of :class:`~rbp.Relationship` records.

        Returns
        -------
        int
            How many relationships were written.

        Raises
        ------
        BulkValidationError
            Some items were bad; nothing was written.
        TypeError
            ``relationships`` is not an iterable of records.

        Examples
        --------
        >>> import rbp
        >>> crm = rbp.open()
        >>> crm.directory.add_many([rbp.CommunityMember("m-17"), rbp.PartnerAgency("org-dmh")])
        2
        >>> crm.directory.relate_many([rbp.Relationship("m-17", "org-dmh", "member_of")])
        1
        """
        if isinstance(relationships, Relationship | str):
            raise TypeError("relationships must be an iterable of Relationship records")
        if not isinstance(relationships, Iterable):
            raise TypeError(
                f"relationships must be an iterable of Relationship records, "
                f"got {type(relationships).__name__}"
            )
        errors: list[RbpError] = []
        with self._uow.write() as conn:
            known = set(conn.execute(sa.select(t.stakeholders.c.key)).scalars())
            rows: list[dict[str, Any]] = []
            count = 0
            for row, rel in enumerate(relationships):
                count = row + 1
                if not isinstance(rel, Relationship):
                    errors.append(
                        ValidationError(
                            f"item {row}: expected a Relationship, got {type(rel).__name__}",
                            row=row,
                        )
                    )
                    continue
                for field, key in (("a", rel.a), ("b", rel.b)):
                    if key not in known:
                        errors.append(
                            UnknownKeyError(
                                f"item {row}: {key!r} is not a stakeholder; add it first",
                                key=key,
                                field=field,
                                row=row,
                            )
                        )
                        break
                else:
                    if not errors:
                        rows.append(t.relationship_row(rel))
                if len(rows) >= _CHUNK:
                    copy_dicts(conn, t.relationships, rows)
                    rows = []
            if errors:
                raise BulkValidationError("relate_many", errors)
            if rows:
                copy_dicts(conn, t.relationships, rows)
            if count:
                self._uow.record(conn, "relate", "relationship", [None], {"count": count})
        return count

    def end_relationship(
        self, relationship: int, *, at: pendulum.DateTime | None = None
    ) -> Relationship:
        """End the declared relationship with this id at ``at`` (default: now).

        Parameters
        ----------
        relationship
            The relationship's ``id`` (from :meth:`relate` or :meth:`relationships`).
        at
            When it ended (aware); default the store's clock.

        Returns
        -------
        Relationship
            The relationship with its ``until`` set.

        Raises
        ------
        UnknownKeyError
            No relationship has this id.
        ValidationError
            ``at`` is naive, or before the relationship began.
        StoreError
            The store was opened read-only.

        Examples
        --------
        >>> import pendulum, rbp
        >>> crm = rbp.open()
        >>> crm.directory.add_many([rbp.CommunityMember("m-17"), rbp.PartnerAgency("org-dmh")])
        2
        >>> rel = crm.directory.relate("m-17", "org-dmh", "member_of")
        >>> ended = crm.directory.end_relationship(rel.id, at=pendulum.datetime(2026, 1, 5))
        >>> ended.until.to_date_string()
        '2026-01-05'
        """
        id = _args.record_id(relationship, "relationship", maximum=_args.MAX_SMALL_ID)
        when = self._uow.now() if at is None else _args.time(at, "at")
        with self._uow.write() as conn:
            rel = sql.end_relationship(conn, id, when, self._uow.tz)
            self._uow.record(conn, "end", "relationship", [rel.a], {"id": id})
        return rel


# The class shows its public path (rbp.directory), so doctest would look for its
# methods' examples there; point it at them here.
