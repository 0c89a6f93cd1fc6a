"""The directory's choices: sectors, priorities, stakeholder kinds, org types, tie kinds.

Examples
--------
>>> from rbp import Priority, RelationshipKind
>>> Priority.KEY.cadence_days
30
>>> RelationshipKind.MEMBER_OF.reverse
'has member'
"""

from __future__ import annotations

import enum

__all__ = ["OrgType", "Priority", "RelationshipKind", "Sector", "StakeholderKind"]


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


# Users import these from ``rbp``: reprs and docs show that path.
for _cls in (OrgType, Priority, RelationshipKind, Sector, StakeholderKind):
    _cls.__module__ = "rbp"
