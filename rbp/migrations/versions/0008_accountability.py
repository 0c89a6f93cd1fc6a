"""Accountability: policy versions, acknowledgements, required courses and their units.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

KEY = sa.String(200)
VERSION = sa.String(100)


def upgrade() -> None:
    op.create_table(
        "policy_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("policy", KEY, nullable=False),
        sa.Column("version", VERSION, nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("effective", sa.BigInteger, nullable=False),
        sa.Column("url", sa.String(2000), nullable=True),
        sa.Column("summary", sa.Text, nullable=True),
        sa.UniqueConstraint("policy", "version", name="uq_policy_versions_version"),
        sa.UniqueConstraint("policy", "effective", name="uq_policy_versions_effective"),
    )
    op.create_table(
        "policy_acks",
        sa.Column("officer", KEY, sa.ForeignKey("stakeholders.key"), primary_key=True),
        sa.Column("policy", KEY, primary_key=True),
        sa.Column("version", VERSION, primary_key=True),
        sa.Column("at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_policy_acks_policy_version", "policy_acks", ["policy", "version"])
    op.create_table(
        "courses",
        sa.Column("key", KEY, primary_key=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("every_days", sa.Integer, nullable=False),
    )
    op.create_table(
        "course_units",
        sa.Column("course", KEY, sa.ForeignKey("courses.key"), primary_key=True),
        sa.Column("unit", KEY, primary_key=True),
    )


def downgrade() -> None:
    for table in ("course_units", "courses", "policy_acks", "policy_versions"):
        op.drop_table(table)
