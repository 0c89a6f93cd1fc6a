"""The directory namespace (``crm.directory``): areas, stakeholders, relationships.

Every write is one transaction and is recorded in the audit trail. A bulk call
checks every item first, reports every bad one with its position, and writes
nothing unless all are good.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import pendulum
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp import _args
from rbp import _schema as t
from rbp._time import to_micros
from rbp.areas import AreaTree
from rbp.directory._summary import DirectorySummary
from rbp.errors import (
    BulkValidationError,
    DuplicateKeyError,
    IntegrityError,
    RbpError,
    UnknownKeyError,
    ValidationError,
)
from rbp.model import (
    Area,
    CommunityMember,
    Officer,
    PartnerAgency,
    Priority,
    Relationship,
    RelationshipKind,
    Sector,
    StakeholderKind,
    Training,
)
from rbp.model._directory import AnyStakeholder

if TYPE_CHECKING:
    from rbp._unit import UnitOfWork

__all__ = ["Directory"]

_STAKEHOLDER_TYPES = (Officer, CommunityMember, PartnerAgency)
_CHUNK = 5_000


class Directory:
    """Areas, stakeholders and declared relationships of one store.

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

        Raises
        ------
        DuplicateKeyError
            The key is taken (stakeholder keys are unique across all kinds).
        UnknownKeyError
            A parent or assigned area does not exist.
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

        Returns
        -------
        int
            How many records were written.
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
                    errors.append(_dup("area", item.key, row, new_areas[item.key][0]))
                else:
                    new_areas[item.key] = (row, item)
            elif isinstance(item, _STAKEHOLDER_TYPES):
                if item.key in seen:
                    errors.append(_dup("stakeholder", item.key, row, seen[item.key]))
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
            errors += self._check_areas(conn, new_areas)
            errors += self._check_people(conn, people, set(new_areas))
            if errors:
                errors.sort(key=lambda e: e.row if e.row is not None else -1)
                raise BulkValidationError("add_many", errors)
            ordered = _parents_first([a for _, a in new_areas.values()])
            if ordered:
                conn.execute(sa.insert(t.areas), [t.area_row(a) for a in ordered])
            self._insert_people(conn, [p for _, p in people])
            self._uow.record(conn, "add", "area", [a.key for a in ordered])
            self._uow.record(conn, "add", "stakeholder", [p.key for _, p in people])
        return len(batch)

    def _check_areas(self, conn: Connection, new: dict[str, tuple[int, Area]]) -> list[RbpError]:
        if not new:
            return []
        errors: list[RbpError] = []
        existing = _existing(conn, t.areas.c.key, list(new))
        for key in existing:
            row = new[key][0]
            errors.append(
                DuplicateKeyError(
                    f"item {row}: area {key!r} exists already; use update() to change it",
                    key=key,
                    field="key",
                    row=row,
                )
            )
        parents = {a.parent for _, a in new.values() if a.parent and a.parent not in new}
        known = _existing(conn, t.areas.c.key, list(parents))
        for row, area in new.values():
            if area.parent and area.parent not in new and area.parent not in known:
                errors.append(
                    UnknownKeyError(
                        f"item {row}: area {area.key!r} has parent {area.parent!r}, "
                        "which is not an area; add the parent too",
                        key=area.key,
                        field="parent",
                        row=row,
                    )
                )
        # A cycle can only run through new areas: existing areas already form a tree.
        parent_of = {k: a.parent for k, (_, a) in new.items()}
        for key, (row, _) in new.items():
            walk, node = set(), key
            while node in parent_of and node not in walk:
                walk.add(node)
                node = parent_of[node]  # type: ignore[assignment]
            if node == key:
                errors.append(
                    IntegrityError(
                        f"item {row}: area {key!r} would be its own ancestor "
                        "(a cycle in the area tree)",
                        key=key,
                        field="parent",
                        row=row,
                    )
                )
        return errors

    def _check_people(
        self, conn: Connection, people: list[tuple[int, AnyStakeholder]], new_areas: set[str]
    ) -> list[RbpError]:
        if not people:
            return []
        errors: list[RbpError] = []
        taken = _existing(conn, t.stakeholders.c.key, [p.key for _, p in people])
        wanted = {a for _, p in people for a in p.areas if a not in new_areas}
        known = _existing(conn, t.areas.c.key, list(wanted)) | new_areas
        for row, person in people:
            if person.key in taken:
                errors.append(
                    DuplicateKeyError(
                        f"item {row}: stakeholder {person.key!r} exists already; "
                        "use update() to change it",
                        key=person.key,
                        field="key",
                        row=row,
                    )
                )
            for area in person.areas:
                if area not in known:
                    field = "area" if isinstance(person, CommunityMember) else "areas"
                    errors.append(
                        UnknownKeyError(
                            f"item {row}: stakeholder {person.key!r} names area {area!r}, "
                            "which is not an area; add it first",
                            key=person.key,
                            field=field,
                            row=row,
                        )
                    )
        return errors

    def _insert_people(self, conn: Connection, people: Sequence[AnyStakeholder]) -> None:
        if not people:
            return
        conn.execute(sa.insert(t.stakeholders), [t.stakeholder_row(p) for p in people])
        areas = [{"stakeholder": p.key, "area": a} for p in people for a in p.areas]
        if areas:
            conn.execute(sa.insert(t.stakeholder_areas), areas)
        tags = [{"stakeholder": p.key, "tag": g} for p in people for g in p.tags]
        if tags:
            conn.execute(sa.insert(t.stakeholder_tags), tags)
        trainings = [
            {"officer": p.key, "name": tr.name, "completed": tr.completed}
            for p in people
            if isinstance(p, Officer)
            for tr in p.trainings
        ]
        if trainings:
            conn.execute(sa.insert(t.officer_trainings), trainings)

    def update(self, key: str, /, **changes: Any) -> Area | AnyStakeholder:
        """Change fields of an area or stakeholder; returns the new record.

        The key and the kind cannot change. For an area, a new ``parent`` must
        exist and must not make a cycle. Areas and stakeholders have separate keys:
        when an area has the same key as a stakeholder, this changes the
        stakeholder; use :meth:`update_area` for the area.

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
        if "key" in changes:
            raise ValidationError("the key of a record cannot change", key=key, field="key")
        with self._uow.write() as conn:
            current: Area | AnyStakeholder | None = (
                None if areas_only else self._load_one(conn, key)
            )
            if current is None:
                current = _area(conn, key)
            if current is None:
                what = "area" if areas_only else "stakeholder or area"
                raise UnknownKeyError(f"no {what} {key!r}", key=key)
            try:
                new = attrs.evolve(current, **changes)
            except TypeError as exc:
                raise ValidationError(f"{key}: {exc}", key=key) from None
            except RbpError as exc:
                raise type(exc)(f"{key}: {exc}", key=key, field=exc.field) from None
            if isinstance(new, Area):
                self._update_area(conn, new)
            else:
                self._check_area_keys(conn, new)
                cond = t.stakeholders.c.key == key
                conn.execute(sa.update(t.stakeholders).where(cond).values(t.stakeholder_row(new)))
                for table, col in (
                    (t.stakeholder_areas, t.stakeholder_areas.c.stakeholder),
                    (t.stakeholder_tags, t.stakeholder_tags.c.stakeholder),
                    (t.officer_trainings, t.officer_trainings.c.officer),
                ):
                    conn.execute(sa.delete(table).where(col == key))
                self._insert_children(conn, new)
            self._uow.record(
                conn,
                "update",
                "area" if isinstance(new, Area) else "stakeholder",
                [key],
                {"fields": sorted(changes)},
            )
        return new

    def _insert_children(self, conn: Connection, p: AnyStakeholder) -> None:
        if p.areas:
            conn.execute(
                sa.insert(t.stakeholder_areas), [{"stakeholder": p.key, "area": a} for a in p.areas]
            )
        if p.tags:
            conn.execute(
                sa.insert(t.stakeholder_tags), [{"stakeholder": p.key, "tag": g} for g in p.tags]
            )
        if isinstance(p, Officer) and p.trainings:
            conn.execute(
                sa.insert(t.officer_trainings),
                [{"officer": p.key, "name": x.name, "completed": x.completed} for x in p.trainings],
            )

    def _check_area_keys(self, conn: Connection, p: AnyStakeholder) -> None:
        missing = set(p.areas) - _existing(conn, t.areas.c.key, list(p.areas))
        if missing:
            area = sorted(missing)[0]
            raise UnknownKeyError(
                f"stakeholder {p.key!r} names area {area!r}, which is not an area",
                key=p.key,
                field="area" if isinstance(p, CommunityMember) else "areas",
            )

    def _update_area(self, conn: Connection, new: Area) -> None:
        if new.parent is not None:
            tree = self._tree(conn)
            if new.parent not in tree:
                raise UnknownKeyError(
                    f"area {new.key!r}: parent {new.parent!r} is not an area",
                    key=new.key,
                    field="parent",
                )
            if new.parent == new.key or new.key in tree.ancestors(new.parent):
                raise IntegrityError(
                    f"area {new.key!r} cannot move under {new.parent!r}: that is inside it",
                    key=new.key,
                    field="parent",
                )
        conn.execute(sa.update(t.areas).where(t.areas.c.key == new.key).values(t.area_row(new)))

    def erase(self, member: str) -> CommunityMember:
        """Forget a community member's personal data; keep the key so counts stay right.

        The name, contact details and tags are removed, the member becomes
        pseudonymous and ``erased``, and the notes of interactions they took part in
        are cleared. Their interactions still count in ties and coverage.

        Examples
        --------
        >>> import rbp
        >>> crm = rbp.open()
        >>> crm.directory.add(rbp.CommunityMember("m-17", name="J. Lee"))
        >>> crm.directory.erase("m-17").erased
        True
        """
        key = _args.key(member, "member")
        with self._uow.write() as conn:
            member = self._load_one(conn, key)
            if member is None:
                raise UnknownKeyError(f"no stakeholder {key!r}", key=key)
            if not isinstance(member, CommunityMember):
                raise ValidationError(
                    f"{key!r} is a {member.kind.value}; only community members are erased",
                    key=key,
                    field="kind",
                )
            conn.execute(
                sa.update(t.stakeholders)
                .where(t.stakeholders.c.key == key)
                .values(
                    name=None, email=None, phone=None, address=None, pseudonymous=True, erased=True
                )
            )
            conn.execute(
                sa.delete(t.stakeholder_tags).where(t.stakeholder_tags.c.stakeholder == key)
            )
            ids = sa.select(t.participants.c.interaction_id).where(
                t.participants.c.stakeholder == key
            )
            conn.execute(
                sa.update(t.interactions).where(t.interactions.c.id.in_(ids)).values(notes=None)
            )
            self._uow.record(conn, "erase", "stakeholder", [key])
        return attrs.evolve(
            member, name=None, contact=None, tags=(), pseudonymous=True, erased=True
        )

    # ------------------------------------------------------------------ relationships

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
            known = _existing(conn, t.stakeholders.c.key, [a, b])
            for field, key in (("a", a), ("b", b)):
                if key not in known:
                    raise UnknownKeyError(
                        f"relate: {key!r} is not a stakeholder; add it first",
                        key=key,
                        field=field,
                    )
            new_id = conn.execute(
                sa.insert(t.relationships).values(t.relationship_row(rel))
            ).inserted_primary_key
            assert new_id is not None
            rel = attrs.evolve(rel, id=int(new_id[0]))
            self._uow.record(
                conn, "relate", "relationship", [a], {"id": rel.id, "kind": rel.kind.value, "b": b}
            )
        return rel

    def end_relationship(
        self, relationship: int, *, at: pendulum.DateTime | None = None
    ) -> Relationship:
        """End the declared relationship with this id at ``at`` (default: now).

        Examples
        --------
        >>> import pendulum, rbp
        >>> crm = rbp.open()
        >>> crm.directory.add_many([rbp.CommunityMember("m-17"), rbp.PartnerAgency("org-dmh")])
        2
        >>> rel = crm.directory.relate("m-17", "org-dmh", "member_of")
        >>> crm.directory.end_relationship(rel.id).until is not None
        True
        """
        id = _args.record_id(relationship, "relationship", maximum=_args.MAX_SMALL_ID)
        when = self._uow.now() if at is None else _args.time(at, "at")
        with self._uow.write() as conn:
            row = (
                conn.execute(sa.select(t.relationships).where(t.relationships.c.id == id))
                .mappings()
                .first()
            )
            if row is None:
                raise UnknownKeyError(f"no relationship with id {id}", key=str(id), field="id")
            rel = t.relationship_from_row(row, self._uow.tz)
            if rel.since is not None and when < rel.since:
                raise ValidationError(
                    f"relationship {id} cannot end at {when}, before it began ({rel.since})",
                    key=str(id),
                    field="at",
                )
            conn.execute(
                sa.update(t.relationships)
                .where(t.relationships.c.id == id)
                .values(until=to_micros(when))
            )
            self._uow.record(conn, "end", "relationship", [rel.a], {"id": id})
        return attrs.evolve(rel, until=when)

    def relationships(
        self, stakeholder: str | None = None, *, as_of: pendulum.DateTime | None = None
    ) -> tuple[Relationship, ...]:
        """Declared relationships of ``stakeholder`` (both directions), or all of them.

        With ``as_of``, only those active then; without, every one ever declared.
        """
        key = _args.optional_key(stakeholder, "stakeholder")
        at = None if as_of is None else self._uow.when(as_of).micros
        q = sa.select(t.relationships).order_by(t.relationships.c.id)
        if key is not None:
            q = q.where(sa.or_(t.relationships.c.a == key, t.relationships.c.b == key))
        if at is not None:
            c = t.relationships.c
            q = q.where(
                sa.or_(c.since.is_(None), c.since <= at), sa.or_(c.until.is_(None), c.until >= at)
            )
        with self._uow.read() as conn:
            rows = conn.execute(q).mappings().all()
        return tuple(t.relationship_from_row(r, self._uow.tz) for r in rows)

    # ------------------------------------------------------------------ reads

    def get(self, stakeholder: str) -> AnyStakeholder:
        """The stakeholder with this key.

        Raises
        ------
        UnknownKeyError
            No stakeholder has this key.

        Examples
        --------
        >>> import rbp
        >>> crm = rbp.open()
        >>> crm.directory.add(rbp.Officer("P1234", unit="CSP"))
        >>> crm.directory.get("P1234").unit
        'CSP'
        """
        key = _args.key(stakeholder, "stakeholder")
        with self._uow.read() as conn:
            found = self._load_one(conn, key)
        if found is None:
            raise UnknownKeyError(f"no stakeholder {key!r}; check the key or add it", key=key)
        return found

    def get_area(self, area: str) -> Area:
        """The area with this key.

        Examples
        --------
        >>> import rbp
        >>> crm = rbp.open()
        >>> crm.directory.add(rbp.Area("d-01", name="District 1"))
        >>> crm.directory.get_area("d-01").name
        'District 1'
        """
        key = _args.key(area, "area")
        with self._uow.read() as conn:
            found = _area(conn, key)
        if found is None:
            raise UnknownKeyError(f"no area {key!r}; check the key or add it", key=key)
        return found

    def areas(self) -> AreaTree:
        """All areas, as a tree (``children``, ``descendants``, ``ancestors``, ``roots``)."""
        with self._uow.read() as conn:
            return self._tree(conn)

    def _tree(self, conn: Connection) -> AreaTree:
        rows = conn.execute(sa.select(t.areas).order_by(t.areas.c.key)).mappings().all()
        return AreaTree([t.area_from_row(r) for r in rows])

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
    ) -> tuple[AnyStakeholder, ...]:
        """Stakeholders that match every filter given, ordered by key.

        Parameters
        ----------
        kind, sector, priority : enum or its value, optional
        area : str, optional
            Stakeholders linked to this area (assigned, home or served); with
            ``within`` (the default) also to any area below it in the tree.
        tag : str, optional
        as_of : DateTime, optional
            Only stakeholders part of the picture then (``since``/``until``);
            without it, every stakeholder.
        within : bool
            Whether ``area`` includes the areas below it.

        Examples
        --------
        >>> import rbp
        >>> crm = rbp.open()
        >>> crm.directory.add_many([rbp.Officer("P1"), rbp.CommunityMember("m-17")])
        2
        >>> [s.key for s in crm.directory.find(kind="OFFICER")]
        ['P1']
        """
        the_kind = _args.optional_choice(StakeholderKind, kind, "kind")
        the_sector = _args.optional_choice(Sector, sector, "sector")
        the_priority = _args.optional_choice(Priority, priority, "priority")
        area = _args.optional_key(area, "area")
        tag = _args.optional_key(tag, "tag")
        at = None if as_of is None else self._uow.when(as_of).micros
        within = _args.flag(within, "within")
        s = t.stakeholders.c
        q = sa.select(t.stakeholders).order_by(s.key)
        if the_kind is not None:
            q = q.where(s.kind == the_kind.value)
        if the_sector is not None:
            q = q.where(s.sector == the_sector.value)
        if the_priority is not None:
            q = q.where(s.priority == the_priority.value)
        if tag is not None:
            q = q.where(
                s.key.in_(
                    sa.select(t.stakeholder_tags.c.stakeholder).where(
                        t.stakeholder_tags.c.tag == tag
                    )
                )
            )
        if at is not None:
            q = q.where(
                sa.or_(s.since.is_(None), s.since <= at), sa.or_(s.until.is_(None), s.until >= at)
            )
        with self._uow.read() as conn:
            if area is not None:
                tree = self._tree(conn)
                if area not in tree:
                    raise UnknownKeyError(f"find: no area {area!r}", key=area, field="area")
                scope = (area, *tree.descendants(area)) if within else (area,)
                sa_c = t.stakeholder_areas.c
                q = q.where(s.key.in_(sa.select(sa_c.stakeholder).where(sa_c.area.in_(scope))))
            rows = conn.execute(q).mappings().all()
            return self._hydrate(conn, rows)

    def summary(self) -> DirectorySummary:
        """Counts of areas, stakeholders by kind and sector, and relationships."""
        s = t.stakeholders.c
        with self._uow.read() as conn:
            n_areas = conn.execute(sa.select(sa.func.count()).select_from(t.areas)).scalar_one()
            n_rel = conn.execute(
                sa.select(sa.func.count()).select_from(t.relationships)
            ).scalar_one()
            by_kind: dict[str, int] = {
                k: int(n)
                for k, n in conn.execute(sa.select(s.kind, sa.func.count()).group_by(s.kind))
            }
            sectors = conn.execute(
                sa.select(s.kind, s.sector, sa.func.count())
                .where(s.sector.is_not(None))
                .group_by(s.kind, s.sector)
            ).all()
        by_sector: dict[Sector, int] = defaultdict(int)
        for _, sector, n in sectors:
            by_sector[Sector(sector)] += n
        return DirectorySummary(
            areas=n_areas,
            officers=by_kind.get("officer", 0),
            members=by_kind.get("member", 0),
            agencies=by_kind.get("agency", 0),
            relationships=n_rel,
            by_sector=dict(sorted(by_sector.items(), key=lambda kv: (-kv[1], kv[0].value))),
        )

    # ------------------------------------------------------------------ loading

    def _load_one(self, conn: Connection, key: str) -> AnyStakeholder | None:
        rows = (
            conn.execute(sa.select(t.stakeholders).where(t.stakeholders.c.key == key))
            .mappings()
            .all()
        )
        found = self._hydrate(conn, rows)
        return found[0] if found else None

    def _hydrate(self, conn: Connection, rows: Sequence[Any]) -> tuple[AnyStakeholder, ...]:
        """Domain records from stakeholder rows, with their areas, tags and trainings."""
        keys = [r["key"] for r in rows]
        areas: dict[str, list[str]] = defaultdict(list)
        tags: dict[str, list[str]] = defaultdict(list)
        trainings: dict[str, list[Training]] = defaultdict(list)
        for chunk in _chunks(keys):
            sa_c, tg, tr = t.stakeholder_areas.c, t.stakeholder_tags.c, t.officer_trainings.c
            for k, a in conn.execute(
                sa.select(sa_c.stakeholder, sa_c.area)
                .where(sa_c.stakeholder.in_(chunk))
                .order_by(sa_c.stakeholder, sa_c.area)
            ):
                areas[k].append(a)
            for k, g in conn.execute(
                sa.select(tg.stakeholder, tg.tag).where(tg.stakeholder.in_(chunk))
            ):
                tags[k].append(g)
            for k, name, done in conn.execute(
                sa.select(tr.officer, tr.name, tr.completed).where(tr.officer.in_(chunk))
            ):
                trainings[k].append(
                    Training(
                        name,
                        None if done is None else pendulum.Date(done.year, done.month, done.day),
                    )
                )
        return tuple(
            t.stakeholder_from_row(
                r,
                areas=areas[r["key"]],
                tags=tags[r["key"]],
                trainings=trainings[r["key"]],
                tz=self._uow.tz,
            )
            for r in rows
        )


def _chunks(keys: Sequence[str]) -> Iterable[Sequence[str]]:
    for i in range(0, len(keys), _CHUNK):
        yield keys[i : i + _CHUNK]


def _existing(conn: Connection, column: sa.Column[Any], keys: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(list(dict.fromkeys(keys))):
        found.update(conn.execute(sa.select(column).where(column.in_(chunk))).scalars())
    return found


def _area(conn: Connection, key: str) -> Area | None:
    row = conn.execute(sa.select(t.areas).where(t.areas.c.key == key)).mappings().first()
    return None if row is None else t.area_from_row(row)


def _dup(what: str, key: str, row: int, first: int) -> DuplicateKeyError:
    return DuplicateKeyError(
        f"item {row}: {what} key {key!r} appears twice in this call (first at item {first})",
        key=key,
        field="key",
        row=row,
    )


def _parents_first(areas: list[Area]) -> list[Area]:
    by_key = {a.key: a for a in areas}
    out: list[Area] = []
    done: set[str] = set()

    def visit(a: Area) -> None:
        if a.key in done:
            return
        done.add(a.key)
        if a.parent in by_key:
            visit(by_key[a.parent])
        out.append(a)

    for a in areas:
        visit(a)
    return out
