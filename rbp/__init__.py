"""rbp: relationship-based policing, a stakeholder CRM whose data is a relationship graph.

Officers, community members and partner agencies are the nodes; logged interactions
make the ties; collaborative action plans organise the work; coverage and gap metrics
show where relationships with the community are thin, going cold, or held by one officer.

Examples
--------
>>> import rbp
>>> crm = rbp.open()
>>> crm.directory.add(rbp.Area("d-01", name="District 1"))
>>> crm.directory.summary().areas
1
"""

from __future__ import annotations

from rbp._render import Report
from rbp.areas import AreaTree
from rbp.audit import AuditEntry
from rbp.errors import (
    BulkValidationError,
    DuplicateKeyError,
    IntegrityError,
    NaiveDatetimeError,
    RbpError,
    RowError,
    StoreError,
    TransitionError,
    UnknownKeyError,
    ValidationError,
)
from rbp.model import (
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
    StakeholderKind,
    Training,
)
from rbp.store import Store, open

__version__ = "0.1.0"

__all__ = [
    "Area",
    "AreaTree",
    "AuditEntry",
    "BulkValidationError",
    "CommunityMember",
    "Contact",
    "DuplicateKeyError",
    "IntegrityError",
    "NaiveDatetimeError",
    "Officer",
    "OrgType",
    "PartnerAgency",
    "Priority",
    "RbpError",
    "Relationship",
    "RelationshipKind",
    "Report",
    "RowError",
    "Sector",
    "StakeholderKind",
    "Store",
    "StoreError",
    "Training",
    "TransitionError",
    "UnknownKeyError",
    "ValidationError",
    "__version__",
    "open",
]
