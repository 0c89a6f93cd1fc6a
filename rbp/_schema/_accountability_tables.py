"""The tables of accountability: policy versions, acknowledgements, required courses.

Training records are not here: a course is satisfied by the officers' rows of
``officer_trainings`` (the directory's :class:`~rbp.Training`), so there is one truth.
"""

from __future__ import annotations

import sqlalchemy as sa

from rbp._schema._tables import KEY, Micros, metadata

__all__ = ["course_units", "courses", "policy_acks", "policy_versions"]

VERSION = sa.String(100)

policy_versions = sa.Table(
    "policy_versions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("policy", KEY, nullable=False),
    sa.Column("version", VERSION, nullable=False),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("effective", Micros, nullable=False),
    sa.Column("url", sa.String(2000), nullable=True),
    sa.Column("summary", sa.Text, nullable=True),
    sa.UniqueConstraint("policy", "version", name="uq_policy_versions_version"),
    sa.UniqueConstraint("policy", "effective", name="uq_policy_versions_effective"),
)

# An officer's acknowledgement of one version; the earliest time is kept.
policy_acks = sa.Table(
    "policy_acks",
    metadata,
    sa.Column("officer", KEY, sa.ForeignKey("stakeholders.key"), primary_key=True),
    sa.Column("policy", KEY, primary_key=True),
    sa.Column("version", VERSION, primary_key=True),
    sa.Column("at", Micros, nullable=False),
    sa.Index("ix_policy_acks_policy_version", "policy", "version"),
)

courses = sa.Table(
    "courses",
    metadata,
    sa.Column("key", KEY, primary_key=True),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("every_days", sa.Integer, nullable=False),
)

# The units a course applies to; none means every officer.
course_units = sa.Table(
    "course_units",
    metadata,
    sa.Column("course", KEY, sa.ForeignKey("courses.key"), primary_key=True),
    sa.Column("unit", KEY, primary_key=True),
)
