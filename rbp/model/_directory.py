# mypy: disable-error-code="misc"
# mypy's attrs plugin does not read attrs.Converter(..., takes_field=True) yet ("Unsupported
# converter"); it types such a field's __init__ parameter as Any, as the per-field
# wrapper functions did before. Every field rule lives in rbp.model._fields.
"""The directory domain: areas, stakeholders and declared relationships.

Plain attrs records; nothing here knows about databases or diagrams. Every value
is checked when a record is made (by the field rules of :mod:`rbp.model._fields`),
so a record that exists is a valid one.

Examples
--------
>>> from rbp import Area, CommunityMember, Priority, Sector
>>> beat = Area("b-0111", name="Beat 111", parent="d-01", population=8200)
>>> beat.parent
'd-01'
>>> m = CommunityMember("m-17", name="J. Lee", sector="faith", area="b-0111",
...                     priority=Priority.KEY)
>>> m.sector is Sector.FAITH, m.cadence_days
(True, 30)
>>> "J. Lee" in repr(m)   # personal data stays out of reprs
False
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs
import pendulum

from rbp.errors import ValidationError
from rbp.model import _fields as f
from rbp.model._fields import MAX_KEY_LENGTH, check_key, enum_value
from rbp.model._kinds import OrgType, Priority, RelationshipKind, Sector, StakeholderKind

__all__ = [
    "MAX_KEY_LENGTH",
    "AnyStakeholder",
    "Area",
    "CommunityMember",
    "Contact",
    "OrgType",
    "Officer",
    "PartnerAgency",
    "Priority",
    "Relationship",
    "RelationshipKind",
    "Sector",
    "Stakeholder",
    "StakeholderKind",
    "Training",
    "check_key",
    "enum_value",
]

MAX_POPULATION = 2**31 - 1
# The longest text each field's column holds (rbp._schema must match).
TEXT_LIMITS = {"name": 300, "email": 300, "phone": 100, "address": 500, "unit": 200, "rank": 200}


def _text(field: str) -> attrs.Converter[Any, Any]:
    return f.text(TEXT_LIMITS[field], optional=True)


def _since_until(instance: Any, attribute: Any, value: Any) -> None:
    since, until = instance.since, instance.until
    if since is not None and until is not None and until < since:
        raise ValidationError(
            f"until ({until}) is before since ({since})", key=instance.key, field="until"
        )


# --------------------------------------------------------------------------- records


@attrs.frozen
class Area:
    """A place the department is responsible for: beat, sector, district, development.

    Areas form a tree through ``parent``; metrics roll up the tree.
    ``expected_sectors`` names the sectors a gap report expects to find there
    (empty: the store's default list).

    Examples
    --------
    >>> beat = rbp.Area("b-0111", name="Beat 111", parent="d-01", population=8200,
    ...                 expected_sectors=("faith", "youth"))
    >>> beat.parent, beat.population, [s.value for s in beat.expected_sectors]
    ('d-01', 8200, ['faith', 'youth'])
    """

    key: str = attrs.field(converter=f.key())
    name: str = attrs.field(
        kw_only=True, default="", converter=f.text(TEXT_LIMITS["name"], none_is_empty=True)
    )
    parent: str | None = attrs.field(kw_only=True, default=None, converter=f.key(optional=True))
    population: int | None = attrs.field(
        kw_only=True, default=None, converter=f.whole(MAX_POPULATION, optional=True)
    )
    expected_sectors: tuple[Sector, ...] = attrs.field(
        kw_only=True,
        default=(),
        converter=f.choices(Sector, ordered=True),
    )

    def __attrs_post_init__(self) -> None:
        if self.parent == self.key:
            raise ValidationError(
                f"area {self.key!r} cannot be its own parent", key=self.key, field="parent"
            )


@attrs.frozen
class Contact:
    """Contact details of a stakeholder. Personal data: never shown in reprs.

    Examples
    --------
    >>> c = rbp.Contact(email="j.lee@example.org", phone="555-0100")
    >>> c.email
    'j.lee@example.org'
    >>> c
    Contact()
    """

    email: str | None = attrs.field(default=None, repr=False, converter=_text("email"))
    phone: str | None = attrs.field(default=None, repr=False, converter=_text("phone"))
    address: str | None = attrs.field(default=None, repr=False, converter=_text("address"))


@attrs.frozen
class Training:
    """A training record of an officer (e.g. de-escalation, crisis intervention).

    Examples
    --------
    >>> t = rbp.Training("de-escalation", pendulum.Date(2025, 5, 1))
    >>> t.name, t.completed.year
    ('de-escalation', 2025)
    """

    name: str = attrs.field(converter=f.key(name="training"))
    completed: pendulum.Date | None = attrs.field(default=None)

    @completed.validator
    def _check_completed(self, attribute: Any, value: Any) -> None:
        if value is not None and not isinstance(value, pendulum.Date):
            raise ValidationError("training completed must be a pendulum.Date", field="completed")


def _trainings(values: Iterable[Training | str] | Training | str) -> tuple[Training, ...]:
    if isinstance(values, str | Training):
        values = (values,)
    if not isinstance(values, Iterable):
        raise ValidationError(
            f"trainings must be Training records or names, got {type(values).__name__}",
            field="trainings",
        )
    out = tuple(v if isinstance(v, Training) else Training(v) for v in values)
    return tuple(sorted(out, key=lambda t: (t.name, t.completed or pendulum.Date(1, 1, 1))))


def _contact(value: Any) -> Contact:
    if value is None:
        return Contact()
    if not isinstance(value, Contact):
        raise ValidationError("contact must be an rbp.Contact", field="contact")
    return value


@attrs.frozen
class Stakeholder:
    """Fields every stakeholder has. Use :class:`Officer`, :class:`CommunityMember` or
    :class:`PartnerAgency`."""

    key: str = attrs.field(converter=f.key())
    name: str | None = attrs.field(kw_only=True, default=None, repr=False, converter=_text("name"))
    tags: tuple[str, ...] = attrs.field(kw_only=True, default=(), converter=f.keys())
    since: pendulum.DateTime | None = attrs.field(kw_only=True, default=None, converter=f.time())
    until: pendulum.DateTime | None = attrs.field(
        kw_only=True, default=None, converter=f.time(), validator=_since_until
    )
    contact: Contact = attrs.field(kw_only=True, factory=Contact, repr=False, converter=_contact)

    kind: StakeholderKind = attrs.field(kw_only=True, init=False, default=StakeholderKind.MEMBER)

    def present_at(self, when: pendulum.DateTime) -> bool:
        """Whether the stakeholder is part of the picture at ``when`` (``since``/``until``)."""
        return not (
            (self.since is not None and self.since > when)
            or (self.until is not None and self.until < when)
        )


@attrs.frozen
class Officer(Stakeholder):
    """A sworn or civilian member of the department who builds relationships.

    Examples
    --------
    >>> p = rbp.Officer("P1234", name="A. Ruiz", unit="CSP", areas=("b-0111",),
    ...                 trainings=("CIT",))
    >>> p.kind.value, p.areas, [t.name for t in p.trainings]
    ('officer', ('b-0111',), ['CIT'])
    >>> "Ruiz" in repr(p)    # names stay out of reprs
    False
    """

    unit: str | None = attrs.field(kw_only=True, default=None, converter=_text("unit"))
    rank: str | None = attrs.field(kw_only=True, default=None, converter=_text("rank"))
    areas: tuple[str, ...] = attrs.field(kw_only=True, default=(), converter=f.keys())
    trainings: tuple[Training, ...] = attrs.field(kw_only=True, default=(), converter=_trainings)
    active: bool = attrs.field(kw_only=True, default=True, converter=f.flag())
    kind: StakeholderKind = attrs.field(kw_only=True, init=False, default=StakeholderKind.OFFICER)


@attrs.frozen
class CommunityMember(Stakeholder):
    """A resident, leader or professional the department keeps a relationship with.

    ``pseudonymous`` members have no stored name. ``erased`` is set by the store
    when a member asked to be forgotten: the key stays so counts stay right.

    Examples
    --------
    >>> m = rbp.CommunityMember("m-17", sector="faith", area="b-0111", priority="key")
    >>> m.sector.value, m.areas, m.cadence_days
    ('faith', ('b-0111',), 30)
    """

    sector: Sector = attrs.field(kw_only=True, default=Sector.RESIDENT, converter=f.choice(Sector))
    area: str | None = attrs.field(kw_only=True, default=None, converter=f.key(optional=True))
    priority: Priority = attrs.field(
        kw_only=True, default=Priority.REGULAR, converter=f.choice(Priority)
    )
    may_contact: bool = attrs.field(kw_only=True, default=False, converter=f.flag())
    may_text: bool = attrs.field(kw_only=True, default=False, converter=f.flag())
    pseudonymous: bool = attrs.field(kw_only=True, default=False, converter=f.flag())
    erased: bool = attrs.field(kw_only=True, default=False, converter=f.flag())
    kind: StakeholderKind = attrs.field(kw_only=True, init=False, default=StakeholderKind.MEMBER)

    def __attrs_post_init__(self) -> None:
        if self.pseudonymous and self.name is not None:
            raise ValidationError(
                "a pseudonymous member stores no name; leave name=None",
                key=self.key,
                field="name",
            )

    @property
    def areas(self) -> tuple[str, ...]:
        """The member's home area as a tuple (empty when unknown)."""
        return () if self.area is None else (self.area,)

    @property
    def cadence_days(self) -> int:
        """The default contact cadence of the member's priority, in days."""
        return self.priority.cadence_days


@attrs.frozen
class PartnerAgency(Stakeholder):
    """An organisation the department works with: agency, nonprofit, school, congregation.

    Examples
    --------
    >>> dmh = rbp.PartnerAgency("org-dmh", sector="mental_health", areas=("d-01",))
    >>> dmh.kind.value, dmh.org_type.value, dmh.sector.value
    ('agency', 'agency', 'mental_health')
    """

    sector: Sector = attrs.field(kw_only=True, default=Sector.OTHER, converter=f.choice(Sector))
    areas: tuple[str, ...] = attrs.field(kw_only=True, default=(), converter=f.keys())
    org_type: OrgType = attrs.field(
        kw_only=True, default=OrgType.AGENCY, converter=f.choice(OrgType)
    )
    priority: Priority = attrs.field(
        kw_only=True, default=Priority.REGULAR, converter=f.choice(Priority)
    )
    kind: StakeholderKind = attrs.field(kw_only=True, init=False, default=StakeholderKind.AGENCY)

    @property
    def cadence_days(self) -> int:
        """The default contact cadence of the agency's priority, in days."""
        return self.priority.cadence_days


AnyStakeholder = Officer | CommunityMember | PartnerAgency


@attrs.frozen
class Relationship:
    """A declared, typed tie: ``a`` <kind.forward> ``b``; ``b`` <kind.reverse> ``a``.

    ``id`` is given by the store. A relationship is active at T when ``since`` is
    not after T and ``until`` is not before T.

    Examples
    --------
    >>> rel = rbp.Relationship("m-17", "org-dmh", "member_of",
    ...                        since=pendulum.datetime(2024, 1, 1))
    >>> rel.label, rel.active_at(pendulum.datetime(2025, 1, 1))
    ('m-17 member of org-dmh', True)
    """

    a: str = attrs.field(converter=f.key())
    b: str = attrs.field(converter=f.key())
    kind: RelationshipKind = attrs.field(converter=f.choice(RelationshipKind))
    since: pendulum.DateTime | None = attrs.field(kw_only=True, default=None, converter=f.time())
    until: pendulum.DateTime | None = attrs.field(kw_only=True, default=None, converter=f.time())
    id: int | None = attrs.field(kw_only=True, default=None)

    def __attrs_post_init__(self) -> None:
        if self.a == self.b:
            raise ValidationError(
                f"a relationship needs two stakeholders; {self.a!r} cannot relate to itself",
                key=self.a,
                field="b",
            )
        if self.since is not None and self.until is not None and self.until < self.since:
            raise ValidationError(
                f"until ({self.until}) is before since ({self.since})", key=self.a, field="until"
            )

    def active_at(self, when: pendulum.DateTime) -> bool:
        """Whether the relationship holds at ``when``."""
        return not (
            (self.since is not None and self.since > when)
            or (self.until is not None and self.until < when)
        )

    @property
    def label(self) -> str:
        """A readable sentence with keys only, e.g. ``"m-17 member of org-dmh"``."""
        return f"{self.a} {self.kind.forward} {self.b}"


# Users import these from ``rbp`` (the base class from ``rbp.model``): reprs and docs
# show that path.
for _cls in (Area, CommunityMember, Contact, Officer, PartnerAgency, Relationship, Training):
    _cls.__module__ = "rbp"
Stakeholder.__module__ = "rbp.model"

# They show their public path, so doctest would look for their examples there;
# point it at them here.
__test__ = {
    c.__name__: c
    for c in (Area, CommunityMember, Contact, Officer, PartnerAgency, Relationship, Training)
}
