"""Directory: areas, stakeholders, their areas, tags and trainings, relationships, audit.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

KEY = sa.String(200)


def upgrade() -> None:
    op.create_table(
        "areas",
        sa.Column("key", KEY, primary_key=True),
        sa.Column("name", sa.String(300), nullable=False, server_default=""),
        sa.Column("parent", KEY, sa.ForeignKey("areas.key"), nullable=True),
        sa.Column("population", sa.Integer, nullable=True),
        sa.Column("expected_sectors", sa.String(500), nullable=False, server_default=""),
    )
    op.create_index("ix_areas_parent", "areas", ["parent"])
    op.create_table(
        "stakeholders",
        sa.Column("key", KEY, primary_key=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("name", sa.String(300), nullable=True),
        sa.Column("since", sa.BigInteger, nullable=True),
        sa.Column("until", sa.BigInteger, nullable=True),
        sa.Column("sector", sa.String(40), nullable=True),
        sa.Column("priority", sa.String(10), nullable=True),
        sa.Column("unit", sa.String(200), nullable=True),
        sa.Column("rank", sa.String(200), nullable=True),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("org_type", sa.String(20), nullable=True),
        sa.Column("may_contact", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("may_text", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("pseudonymous", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("erased", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("email", sa.String(300), nullable=True),
        sa.Column("phone", sa.String(100), nullable=True),
        sa.Column("address", sa.String(500), nullable=True),
    )
    op.create_index("ix_stakeholders_kind", "stakeholders", ["kind"])
    op.create_table(
        "stakeholder_areas",
        sa.Column("stakeholder", KEY, sa.ForeignKey("stakeholders.key"), primary_key=True),
        sa.Column("area", KEY, sa.ForeignKey("areas.key"), primary_key=True),
    )
    op.create_index("ix_stakeholder_areas_area", "stakeholder_areas", ["area"])
    op.create_table(
        "stakeholder_tags",
        sa.Column("stakeholder", KEY, sa.ForeignKey("stakeholders.key"), primary_key=True),
        sa.Column("tag", KEY, primary_key=True),
    )
    op.create_index("ix_stakeholder_tags_tag", "stakeholder_tags", ["tag"])
    op.create_table(
        "officer_trainings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("officer", KEY, sa.ForeignKey("stakeholders.key"), nullable=False),
        sa.Column("name", KEY, nullable=False),
        sa.Column("completed", sa.Date, nullable=True),
    )
    op.create_index("ix_officer_trainings_officer", "officer_trainings", ["officer"])
    op.create_table(
        "relationships",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("a", KEY, sa.ForeignKey("stakeholders.key"), nullable=False),
        sa.Column("b", KEY, sa.ForeignKey("stakeholders.key"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("since", sa.BigInteger, nullable=True),
        sa.Column("until", sa.BigInteger, nullable=True),
    )
    op.create_index("ix_relationships_a", "relationships", ["a"])
    op.create_index("ix_relationships_b", "relationships", ["b"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.BigInteger, nullable=False),
        sa.Column("actor", sa.String(200), nullable=True),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("entity", sa.String(40), nullable=False),
        sa.Column("key", sa.String(400), nullable=True),
        sa.Column("detail", sa.Text, nullable=True),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_key", "audit_log", ["key"])


def downgrade() -> None:
    for table in (
        "audit_log",
        "relationships",
        "officer_trainings",
        "stakeholder_tags",
        "stakeholder_areas",
        "stakeholders",
        "areas",
    ):
        op.drop_table(table)
