"""Accountability (``crm.accountability``): policies, training currency, accreditation
evidence and a public transparency report.

Policies are published with their versions kept; officers acknowledge each version.
Required courses are satisfied by the directory's training records. ``currency``
says who is current, due soon or lapsed.
"""

from __future__ import annotations

from rbp.accountability._records import Currency, OfficerCurrency, PolicyVersion
from rbp.accountability._service import Accountability
from rbp.accountability._transparency import SCHEMA, TransparencyReport
from rbp.model._accountability import Course, Policy

__all__ = [
    "SCHEMA",
    "Accountability",
    "Course",
    "Currency",
    "OfficerCurrency",
    "Policy",
    "PolicyVersion",
    "TransparencyReport",
]

# Users import these from ``rbp.accountability``: reprs and docs show that path.
for _cls in (Accountability, Currency, OfficerCurrency, PolicyVersion, TransparencyReport):
    _cls.__module__ = __name__
