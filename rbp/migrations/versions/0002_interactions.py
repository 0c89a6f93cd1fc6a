"""Interactions: the contact log, its participants, areas and topics, and tie events.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

KEY = sa.String(200)


def upgrade() -> None:
    op.create_table(
        "interactions",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("at", sa.BigInteger, nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("attendees", sa.Integer, nullable=False, server_default="0"),
        sa.Column("duration_s", sa.Integer, nullable=True),
        sa.Column("follow_up_by", sa.BigInteger, nullable=True),
        sa.Column("plan", KEY, nullable=True),
        sa.Column("concern", KEY, nullable=True),
        sa.Column("notes", sa.Text, nullable=True),
    )
    op.create_index("ix_interactions_at", "interactions", ["at"])
    op.create_index("ix_interactions_plan", "interactions", ["plan"])
    op.create_index("ix_interactions_follow_up_by", "interactions", ["follow_up_by"])
    op.create_table(
        "interaction_participants",
        sa.Column(
            "interaction_id", sa.BigInteger, sa.ForeignKey("interactions.id"), primary_key=True
        ),
        sa.Column("stakeholder", KEY, sa.ForeignKey("stakeholders.key"), primary_key=True),
        sa.Column("at", sa.BigInteger, nullable=False),
    )
    op.create_index(
        "ix_interaction_participants_stakeholder_at",
        "interaction_participants",
        ["stakeholder", "at"],
    )
    op.create_table(
        "interaction_areas",
        sa.Column(
            "interaction_id", sa.BigInteger, sa.ForeignKey("interactions.id"), primary_key=True
        ),
        sa.Column("area", KEY, sa.ForeignKey("areas.key"), primary_key=True),
        sa.Column("at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_interaction_areas_area_at", "interaction_areas", ["area", "at"])
    op.create_table(
        "interaction_topics",
        sa.Column(
            "interaction_id", sa.BigInteger, sa.ForeignKey("interactions.id"), primary_key=True
        ),
        sa.Column("topic", sa.String(200), primary_key=True),
    )
    op.create_index("ix_interaction_topics_topic", "interaction_topics", ["topic"])
    op.create_table(
        "tie_events",
        sa.Column("officer", KEY, primary_key=True),
        sa.Column("stakeholder", KEY, primary_key=True),
        sa.Column("at", sa.BigInteger, primary_key=True),
        sa.Column("interaction_id", sa.BigInteger, primary_key=True),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_tie_events_stakeholder_at", "tie_events", ["stakeholder", "at"])


def downgrade() -> None:
    for table in (
        "tie_events",
        "interaction_topics",
        "interaction_areas",
        "interaction_participants",
        "interactions",
    ):
        op.drop_table(table)
