"""Engagement: survey responses, concerns and tips with their history, the outbox, opt-outs.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

KEY = sa.String(200)


def upgrade() -> None:
    op.create_table(
        "survey_responses",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "interaction_id", sa.BigInteger, sa.ForeignKey("interactions.id"), nullable=False
        ),
        sa.Column("at", sa.BigInteger, nullable=False),
        sa.Column("overall", sa.SmallInteger, nullable=True),
        sa.Column("respect", sa.SmallInteger, nullable=True),
        sa.Column("voice", sa.SmallInteger, nullable=True),
        sa.Column("neutrality", sa.SmallInteger, nullable=True),
        sa.Column("trust", sa.SmallInteger, nullable=True),
        sa.Column("comment", sa.Text, nullable=True),
        sa.Column("respondent", KEY, sa.ForeignKey("stakeholders.key"), nullable=True),
    )
    op.create_index("ix_survey_responses_interaction_id", "survey_responses", ["interaction_id"])
    op.create_index("ix_survey_responses_at", "survey_responses", ["at"])
    op.create_table(
        "concerns",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", KEY, nullable=False),
        sa.Column("at", sa.BigInteger, nullable=False),
        sa.Column("area", KEY, sa.ForeignKey("areas.key"), nullable=False),
        sa.Column("category", KEY, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("reporter", KEY, sa.ForeignKey("stakeholders.key"), nullable=True),
        sa.Column("tip", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("code_salt", sa.String(64), nullable=True),
        sa.Column("code_hash", sa.String(128), nullable=True),
        sa.UniqueConstraint("key", name="uq_concerns_key"),
    )
    op.create_index("ix_concerns_at", "concerns", ["at"])
    op.create_index("ix_concerns_area", "concerns", ["area"])
    op.create_table(
        "concern_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("concern", KEY, sa.ForeignKey("concerns.key"), nullable=False),
        sa.Column("at", sa.BigInteger, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("status", sa.String(20), nullable=True),
        sa.Column("owner", KEY, sa.ForeignKey("stakeholders.key"), nullable=True),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("public", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_concern_events_concern", "concern_events", ["concern"])
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("recipient", KEY, sa.ForeignKey("stakeholders.key"), nullable=True),
        sa.Column("address", sa.String(300), nullable=True),
        sa.Column("channel", sa.String(10), nullable=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("ref", KEY, nullable=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("made", sa.BigInteger, nullable=False),
        sa.Column("not_before", sa.BigInteger, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("reason", sa.String(300), nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_try", sa.BigInteger, nullable=True),
        sa.Column("claim", sa.String(64), nullable=True),
        sa.Column("claimed_until", sa.BigInteger, nullable=True),
        sa.Column("sent", sa.BigInteger, nullable=True),
    )
    op.create_index("ix_messages_recipient", "messages", ["recipient"])
    op.create_index("ix_messages_status_not_before", "messages", ["status", "not_before"])
    op.create_index("ix_messages_kind_ref", "messages", ["kind", "ref"])
    op.create_table(
        "opt_outs",
        sa.Column("channel", sa.String(10), primary_key=True),
        sa.Column("address", sa.String(300), primary_key=True),
        sa.Column("at", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    for table in ("opt_outs", "messages", "concern_events", "concerns", "survey_responses"):
        op.drop_table(table)
