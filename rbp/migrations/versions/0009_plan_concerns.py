"""Plans link concerns: the concerns (and tips) a plan works on, each from a time.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

KEY = sa.String(200)


def upgrade() -> None:
    op.create_table(
        "plan_concerns",
        sa.Column("plan", KEY, sa.ForeignKey("plans.key"), primary_key=True),
        sa.Column("concern", KEY, sa.ForeignKey("concerns.key"), primary_key=True),
        sa.Column("at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_plan_concerns_concern", "plan_concerns", ["concern"])


def downgrade() -> None:
    op.drop_table("plan_concerns")
