"""Declared relationships: written one at a time, many at once, or ended.

Part of :class:`rbp.directory.Directory`. Relationships are structure (who belongs
where, who refers to whom), declared by hand; interaction ties are computed elsewhere.
Each call is one write transaction, checked first and recorded in the audit trail.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import pendulum
from sqlalchemy.engine import Connection

from rbp import _args
from rbp import _schema as t
from rbp._queries.batch import chunks
from rbp._schema._copy import copy_rows
from rbp.directory import _sql as sql
from rbp.errors import BulkValidationError, RbpError, UnknownKeyError, ValidationError
from rbp.model import Relationship, RelationshipKind

if TYPE_CHECKING:
    from rbp._unit import UnitOfWork

__all__ = ["RelationshipWrites"]

_CHUNK = 5_000  # items checked and written at a time by a bulk call
_COLUMNS = ("a", "b", "kind", "since", "until")


def _check_batch(
    conn: Connection, batch: Sequence[tuple[int, object]], errors: list[RbpError]
) -> list[tuple[Any, ...]]:
    """The rows of a batch of ``relate_many``; its bad items go to ``errors``.

    One query names the batch's keys that are stakeholders.
    """
    wanted = [k for _, rel in batch if isinstance(rel, Relationship) for k in (rel.a, rel.b)]
    known = t.existing(conn, t.stakeholders.c.key, wanted)
    rows: list[tuple[Any, ...]] = []
    for row, rel in batch:
        if not isinstance(rel, Relationship):
            errors.append(
                ValidationError(
                    f"item {row}: expected a Relationship, got {type(rel).__name__}", row=row
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
            rows.append((rel.a, rel.b, rel.kind.value, t.micros(rel.since), t.micros(rel.until)))
    return rows


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
        count = 0
        with self._uow.write(bulk=True) as conn:
            for batch in chunks(enumerate(relationships), size=_CHUNK):
                count = batch[-1][0] + 1
                rows = _check_batch(conn, batch, errors)
                if not errors:
                    copy_rows(conn, t.relationships, _COLUMNS, rows)
            if errors:
                raise BulkValidationError("relate_many", errors)
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
