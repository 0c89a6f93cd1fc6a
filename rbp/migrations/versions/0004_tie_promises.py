"""Tie events carry the interaction's follow_up_by, so broken promises come from one scan.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("tie_events", sa.Column("follow_up_by", sa.BigInteger, nullable=True))
    op.execute(
        "UPDATE tie_events SET follow_up_by = (SELECT i.follow_up_by FROM interactions AS i "
        "WHERE i.id = tie_events.interaction_id) "
        "WHERE interaction_id IN (SELECT id FROM interactions WHERE follow_up_by IS NOT NULL)"
    )


def downgrade() -> None:
    with op.batch_alter_table("tie_events") as batch:
        batch.drop_column("follow_up_by")
