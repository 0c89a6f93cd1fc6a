"""The directory domain: areas, stakeholders and declared relationships.

Plain attrs records; nothing here knows about databases or diagrams. Every value
is checked when a record is made, so a record that exists is a valid one.

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

import enum
import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import attrs
import pendulum

from rbp._time import optional_aware
from rbp.errors import ValidationError

__all__ = [
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
]

_E = TypeVar("_E", bound=enum.Enum)
_KEY_RE = re.compile(r"^[^\x00-\x1f\x7f\ud800-\udfff]+$")
_UNSTORABLE_RE = re.compile(r"[\x00\ud800-\udfff]")  # NUL, lone surrogates
MAX_KEY_LENGTH = 200
MAX_POPULATION = 2**31 - 1
# The longest text each field's column holds (rbp._schema must match).
TEXT_LIMITS = {"name": 300, "email": 300, "phone": 100, "address": 500, "unit": 200, "rank": 200}


class Sector(enum.Enum):
    """The part of community life a member or agency belongs to."""

    RESIDENT = "resident"
    FAITH = "faith"
    BUSINESS = "business"
    YOUTH = "youth"
    EDUCATION = "education"
    HEALTH = "health"
    MENTAL_HEALTH = "mental_health"
    HOUSING = "housing"
    HOMELESS_SERVICES = "homeless_services"
    SOCIAL_SERVICES = "social_services"
    GOVERNMENT = "government"
    ADVOCACY = "advocacy"
    MEDIA = "media"
    LAW_ENFORCEMENT = "law_enforcement"
    OTHER = "other"


class Priority(enum.Enum):
    """How much a relationship matters; sets the default contact cadence."""

    KEY = "key"
    REGULAR = "regular"
    LOW = "low"

    @property
    def cadence_days(self) -> int:
        """Default days between contacts: key 30, regular 90, low 180."""
        return _CADENCE_DAYS[self]


_CADENCE_DAYS = {Priority.KEY: 30, Priority.REGULAR: 90, Priority.LOW: 180}


class StakeholderKind(enum.Enum):
    """The three kinds of node in the relationship graph."""

    OFFICER = "officer"
    MEMBER = "member"
    AGENCY = "agency"


class OrgType(enum.Enum):
    """What sort of organisation a partner agency is."""

    AGENCY = "agency"
    NONPROFIT = "nonprofit"
    SCHOOL = "school"
    CONGREGATION = "congregation"
    BUSINESS = "business"


class RelationshipKind(enum.Enum):
    """A declared tie, with a label for each direction (``a`` → ``b`` and back)."""

    MEMBER_OF = "member_of"
    WORKS_FOR = "works_for"
    REFERS_TO = "refers_to"
    LIAISON_FOR = "liaison_for"
    KNOWS = "knows"

    @property
    def forward(self) -> str:
        """Label read from ``a`` to ``b``, e.g. "member of"."""
        return _LABELS[self][0]

    @property
    def reverse(self) -> str:
        """Label read from ``b`` to ``a``, e.g. "has member"."""
        return _LABELS[self][1]


_LABELS = {
    RelationshipKind.MEMBER_OF: ("member of", "has member"),
    RelationshipKind.WORKS_FOR: ("works for", "employs"),
    RelationshipKind.REFERS_TO: ("refers to", "receives referrals from"),
    RelationshipKind.LIAISON_FOR: ("liaison for", "has liaison"),
    RelationshipKind.KNOWS: ("knows", "knows"),
}


# --------------------------------------------------------------------------- converters


def enum_value(enum_cls: type[_E], field: str) -> Callable[[Any], _E]:
    """A converter that accepts a member or its value and names ``field`` on failure."""

    def convert(value: Any) -> _E:
        if isinstance(value, enum_cls):
            return value
        try:
            return enum_cls(value)
        except ValueError:
            allowed = ", ".join(str(m.value) for m in enum_cls)
            raise ValidationError(
                f"{field} {value!r} is not a {enum_cls.__name__}; use one of: {allowed}",
                field=field,
            ) from None

    return convert


def check_key(value: object, field: str = "key") -> str:
    """Return ``value`` if it is a usable key: a non-empty string without control characters."""
    if not isinstance(value, str):
        raise ValidationError(f"{field} must be a string, got {type(value).__name__}", field=field)
    if not value.strip():
        raise ValidationError(f"{field} is empty; give every record a key", field=field)
    if value != value.strip() or not _KEY_RE.match(value) or len(value) > MAX_KEY_LENGTH:
        raise ValidationError(
            f"{field} {value!r} is not a valid key: no surrounding spaces, no control "
            f"characters, at most {MAX_KEY_LENGTH} characters",
            key=value,
            field=field,
        )
    return value


def _key_converter(field: str) -> Callable[[Any], str]:
    return lambda v: check_key(v, field)


def _optional_key(field: str) -> Callable[[Any], str | None]:
    return lambda v: None if v is None else check_key(v, field)


def _keys(field: str) -> Callable[[Any], tuple[str, ...]]:
    # A sorted set, like tags: the store keeps no order, so a record read back
    # equals the one written.
    def convert(values: Any) -> tuple[str, ...]:
        if isinstance(values, str):
            values = (values,)
        return tuple(sorted({check_key(v, field) for v in values}))

    return convert


def _tags(values: Iterable[str] | str) -> tuple[str, ...]:
    if isinstance(values, str):
        values = (values,)
    return tuple(sorted({check_key(v, "tags") for v in values}))


def _time(field: str) -> Callable[[Any], pendulum.DateTime | None]:
    return lambda v: optional_aware(v, field=field)


def check_text(value: str, field: str) -> str:
    """Return ``value`` if every database can store it in ``field``.

    The message never repeats the value: text fields may hold personal data.
    """
    limit = TEXT_LIMITS[field]
    if len(value) > limit:
        raise ValidationError(
            f"{field} is {len(value)} characters long; at most {limit} fit", field=field
        )
    if _UNSTORABLE_RE.search(value):
        raise ValidationError(
            f"{field} contains a NUL character or a lone surrogate, which cannot be stored; "
            "remove it",
            field=field,
        )
    return value


def _optional_text(field: str) -> Callable[[Any], str | None]:
    def convert(value: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            raise ValidationError(f"{field} must be text, got {type(value).__name__}", field=field)
        return check_text(value, field)

    return convert


def _bool(field: str) -> Callable[[Any], bool]:
    def convert(value: Any) -> bool:
        if not isinstance(value, bool):
            raise ValidationError(f"{field} must be True or False, got {value!r}", field=field)
        return value

    return convert


def _population(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_POPULATION:
        raise ValidationError(
            f"population must be a whole number from 0 to {MAX_POPULATION}, got {value!r}",
            field="population",
        )
    return value


def _since_until(instance: Any, attribute: Any, value: Any) -> None:
    since, until = instance.since, instance.until
    if since is not None and until is not None and until < since:
        raise ValidationError(
            f"until ({until}) is before since ({since})", key=instance.key, field="until"
        )


def _c_bool_active(value: Any) -> bool:
    return _bool("active")(value)


def _c_bool_erased(value: Any) -> bool:
    return _bool("erased")(value)


def _c_bool_may_contact(value: Any) -> bool:
    return _bool("may_contact")(value)


def _c_bool_may_text(value: Any) -> bool:
    return _bool("may_text")(value)


def _c_bool_pseudonymous(value: Any) -> bool:
    return _bool("pseudonymous")(value)


def _c_enum_kind(value: Any) -> RelationshipKind:
    return enum_value(RelationshipKind, "kind")(value)


def _c_enum_org_type(value: Any) -> OrgType:
    return enum_value(OrgType, "org_type")(value)


def _c_enum_priority(value: Any) -> Priority:
    return enum_value(Priority, "priority")(value)


def _c_enum_sector(value: Any) -> Sector:
    return enum_value(Sector, "sector")(value)


def _c_expected_sectors(values: Iterable[Any]) -> tuple[Sector, ...]:
    return tuple(dict.fromkeys(enum_value(Sector, "expected_sectors")(v) for v in values))


def _c_key_a(value: Any) -> str:
    return _key_converter("a")(value)


def _c_key_b(value: Any) -> str:
    return _key_converter("b")(value)


def _c_key_key(value: Any) -> str:
    return _key_converter("key")(value)


def _c_key_training(value: Any) -> str:
    return _key_converter("training")(value)


def _c_keys_areas(value: Any) -> tuple[str, ...]:
    return _keys("areas")(value)


def _c_name_area(value: Any) -> str:
    return check_text(str(value or ""), "name")


def _c_opt_key_area(value: Any) -> str | None:
    return _optional_key("area")(value)


def _c_opt_key_parent(value: Any) -> str | None:
    return _optional_key("parent")(value)


def _c_opt_text_address(value: Any) -> str | None:
    return _optional_text("address")(value)


def _c_opt_text_email(value: Any) -> str | None:
    return _optional_text("email")(value)


def _c_opt_text_name(value: Any) -> str | None:
    return _optional_text("name")(value)


def _c_opt_text_phone(value: Any) -> str | None:
    return _optional_text("phone")(value)


def _c_opt_text_rank(value: Any) -> str | None:
    return _optional_text("rank")(value)


def _c_opt_text_unit(value: Any) -> str | None:
    return _optional_text("unit")(value)


def _c_time_since(value: Any) -> pendulum.DateTime | None:
    return _time("since")(value)


def _c_time_until(value: Any) -> pendulum.DateTime | None:
    return _time("until")(value)


# --------------------------------------------------------------------------- records


@attrs.frozen
class Area:
    """A place the department is responsible for: beat, sector, district, development.

    Areas form a tree through ``parent``; metrics roll up the tree.
    ``expected_sectors`` names the sectors a gap report expects to find there
    (empty: the store's default list).
    """

    key: str = attrs.field(converter=_c_key_key)
    name: str = attrs.field(kw_only=True, default="", converter=_c_name_area)
    parent: str | None = attrs.field(kw_only=True, default=None, converter=_c_opt_key_parent)
    population: int | None = attrs.field(kw_only=True, default=None, converter=_population)
    expected_sectors: tuple[Sector, ...] = attrs.field(
        kw_only=True,
        default=(),
        converter=_c_expected_sectors,
    )

    def __attrs_post_init__(self) -> None:
        if self.parent == self.key:
            raise ValidationError(
                f"area {self.key!r} cannot be its own parent", key=self.key, field="parent"
            )


@attrs.frozen
class Contact:
    """Contact details of a stakeholder. Personal data: never shown in reprs."""

    email: str | None = attrs.field(default=None, repr=False, converter=_c_opt_text_email)
    phone: str | None = attrs.field(default=None, repr=False, converter=_c_opt_text_phone)
    address: str | None = attrs.field(default=None, repr=False, converter=_c_opt_text_address)


@attrs.frozen
class Training:
    """A training record of an officer (e.g. de-escalation, crisis intervention)."""

    name: str = attrs.field(converter=_c_key_training)
    completed: pendulum.Date | None = attrs.field(default=None)

    @completed.validator
    def _check_completed(self, attribute: Any, value: Any) -> None:
        if value is not None and not isinstance(value, pendulum.Date):
            raise ValidationError("training completed must be a pendulum.Date", field="completed")


def _trainings(values: Iterable[Training | str]) -> tuple[Training, ...]:
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

    key: str = attrs.field(converter=_c_key_key)
    name: str | None = attrs.field(
        kw_only=True, default=None, repr=False, converter=_c_opt_text_name
    )
    tags: tuple[str, ...] = attrs.field(kw_only=True, default=(), converter=_tags)
    since: pendulum.DateTime | None = attrs.field(
        kw_only=True, default=None, converter=_c_time_since
    )
    until: pendulum.DateTime | None = attrs.field(
        kw_only=True, default=None, converter=_c_time_until, validator=_since_until
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
    """A sworn or civilian member of the department who builds relationships."""

    unit: str | None = attrs.field(kw_only=True, default=None, converter=_c_opt_text_unit)
    rank: str | None = attrs.field(kw_only=True, default=None, converter=_c_opt_text_rank)
    areas: tuple[str, ...] = attrs.field(kw_only=True, default=(), converter=_c_keys_areas)
    trainings: tuple[Training, ...] = attrs.field(kw_only=True, default=(), converter=_trainings)
    active: bool = attrs.field(kw_only=True, default=True, converter=_c_bool_active)
    kind: StakeholderKind = attrs.field(kw_only=True, init=False, default=StakeholderKind.OFFICER)


@attrs.frozen
class CommunityMember(Stakeholder):
    """A resident, leader or professional the department keeps a relationship with.

    ``pseudonymous`` members have no stored name. ``erased`` is set by the store
    when a member asked to be forgotten: the key stays so counts stay right.
    """

    sector: Sector = attrs.field(kw_only=True, default=Sector.RESIDENT, converter=_c_enum_sector)
    area: str | None = attrs.field(kw_only=True, default=None, converter=_c_opt_key_area)
    priority: Priority = attrs.field(
        kw_only=True, default=Priority.REGULAR, converter=_c_enum_priority
    )
    may_contact: bool = attrs.field(kw_only=True, default=False, converter=_c_bool_may_contact)
    may_text: bool = attrs.field(kw_only=True, default=False, converter=_c_bool_may_text)
    pseudonymous: bool = attrs.field(kw_only=True, default=False, converter=_c_bool_pseudonymous)
    erased: bool = attrs.field(kw_only=True, default=False, converter=_c_bool_erased)
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
    """An organisation the department works with: agency, nonprofit, school, congregation."""

    sector: Sector = attrs.field(kw_only=True, default=Sector.OTHER, converter=_c_enum_sector)
    areas: tuple[str, ...] = attrs.field(kw_only=True, default=(), converter=_c_keys_areas)
    org_type: OrgType = attrs.field(
        kw_only=True, default=OrgType.AGENCY, converter=_c_enum_org_type
    )
    priority: Priority = attrs.field(
        kw_only=True, default=Priority.REGULAR, converter=_c_enum_priority
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
    """

    a: str = attrs.field(converter=_c_key_a)
    b: str = attrs.field(converter=_c_key_b)
    kind: RelationshipKind = attrs.field(converter=_c_enum_kind)
    since: pendulum.DateTime | None = attrs.field(
        kw_only=True, default=None, converter=_c_time_since
    )
    until: pendulum.DateTime | None = attrs.field(
        kw_only=True, default=None, converter=_c_time_until
    )
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
