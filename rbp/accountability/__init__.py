"""Accountability (``crm.accountability``): policies, training currency, accreditation
evidence and a public transparency report.

Policies are published with their versions kept; officers acknowledge each version.
Required courses are satisfied by the directory's training records. ``currency``
says who is current, due soon or lapsed.
"""

from __future__ import annotations

from rbp.accountability._pack import CHAPTER_45, AccreditationPack, Section, Standard
from rbp.accountability._records import Currency, OfficerCurrency, PolicyVersion
from rbp.accountability._service import Accountability
from rbp.accountability._transparency import SCHEMA, TransparencyReport
from rbp.model._accountability import Course, Policy

__all__ = [
    "CHAPTER_45",
    "SCHEMA",
    "AccreditationPack",
    "Accountability",
    "Course",
    "Currency",
    "OfficerCurrency",
    "Policy",
    "PolicyVersion",
    "Section",
    "Standard",
    "TransparencyReport",
]

# Users import these from ``rbp.accountability``: reprs and docs show that path.
for _cls in (
    Accountability,
    AccreditationPack,
    Currency,
    OfficerCurrency,
    PolicyVersion,
    Section,
    Standard,
    TransparencyReport,
):
    _cls.__module__ = __name__
