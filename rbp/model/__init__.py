"""Domain records: plain attrs classes and enums, checked when made.

The floor above errors and time: nothing here imports persistence or presentation.
``rbp.model`` re-exports the directory domain (areas, stakeholders, relationships);
the interaction and plan records live in ``rbp.model._interactions`` and
``rbp.model._plans`` and are public through ``rbp.interactions`` and ``rbp.plans``.
"""

from __future__ import annotations

# The whole domain floor loads at once, before anything that builds on it.
from rbp.model import _accountability, _engagement, _interactions, _messages, _plans  # noqa: F401
from rbp.model._directory import (
    Area,
    CommunityMember,
    Contact,
    Officer,
    OrgType,
    PartnerAgency,
    Priority,
    Relationship,
    RelationshipKind,
    Sector,
    Stakeholder,
    StakeholderKind,
    Training,
)

__all__ = [
    "Area",
    "CommunityMember",
    "Contact",
    "Officer",
    "OrgType",
    "PartnerAgency",
    "Priority",
    "Relationship",
    "RelationshipKind",
    "Sector",
    "Stakeholder",
    "StakeholderKind",
    "Training",
]
