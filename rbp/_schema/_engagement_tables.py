"""The tables of engagement: survey responses, concerns and tips, the outbox.

A tip is a row of ``concerns`` with ``tip`` true, no reporter, and only the salt and
the slow hash of its receipt code; nothing about the tipster is stored anywhere.
"""

from __future__ import annotations

import sqlalchemy as sa

from rbp._schema._tables import KEY, Micros, metadata

__all__ = ["concern_events", "concerns", "messages", "opt_outs", "survey_responses"]

_ANSWER = sa.SmallInteger

survey_responses = sa.Table(
    "survey_responses",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "interaction_id",
        sa.BigInteger,
        sa.ForeignKey("interactions.id"),
        nullable=False,
        index=True,
    ),
    sa.Column("at", Micros, nullable=False, index=True),
    sa.Column("overall", _ANSWER, nullable=True),
    sa.Column("respect", _ANSWER, nullable=True),
    sa.Column("voice", _ANSWER, nullable=True),
    sa.Column("neutrality", _ANSWER, nullable=True),
    sa.Column("trust", _ANSWER, nullable=True),
    sa.Column("comment", sa.Text, nullable=True),
    sa.Column("respondent", KEY, sa.ForeignKey("stakeholders.key"), nullable=True),
)

concerns = sa.Table(
    "concerns",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key", KEY, nullable=False, unique=True),
    sa.Column("at", Micros, nullable=False, index=True),
    sa.Column("area", KEY, sa.ForeignKey("areas.key"), nullable=False, index=True),
    sa.Column("category", KEY, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("reporter", KEY, sa.ForeignKey("stakeholders.key"), nullable=True),
    sa.Column("tip", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("code_salt", sa.String(64), nullable=True),
    sa.Column("code_hash", sa.String(128), nullable=True),
)

# Every change of a concern: a status, an owner, a tipster's reply; the first row is
# its status when reported.
concern_events = sa.Table(
    "concern_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("concern", KEY, sa.ForeignKey("concerns.key"), nullable=False, index=True),
    sa.Column("at", Micros, nullable=False),
    sa.Column("kind", sa.String(10), nullable=False),
    sa.Column("status", sa.String(20), nullable=True),
    sa.Column("owner", KEY, sa.ForeignKey("stakeholders.key"), nullable=True),
    sa.Column("note", sa.Text, nullable=True),
    sa.Column("public", sa.Boolean, nullable=False, server_default=sa.false()),
)

messages = sa.Table(
    "messages",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("recipient", KEY, sa.ForeignKey("stakeholders.key"), nullable=True, index=True),
    # Only for an answer to an inbound keyword from an address that is nobody's.
    sa.Column("address", sa.String(300), nullable=True),
    sa.Column("channel", sa.String(10), nullable=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("ref", KEY, nullable=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("made", Micros, nullable=False),
    sa.Column("not_before", Micros, nullable=False),
    sa.Column("status", sa.String(12), nullable=False),
    sa.Column("reason", sa.String(300), nullable=True),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_try", Micros, nullable=True),
    sa.Column("claim", sa.String(64), nullable=True),
    sa.Column("claimed_until", Micros, nullable=True),
    sa.Column("sent", Micros, nullable=True),
    sa.Index("ix_messages_status_not_before", "status", "not_before"),
    sa.Index("ix_messages_kind_ref", "kind", "ref"),
)

# An address that said STOP on a channel; START deletes the row.
opt_outs = sa.Table(
    "opt_outs",
    metadata,
    sa.Column("channel", sa.String(10), primary_key=True),
    sa.Column("address", sa.String(300), primary_key=True),
    sa.Column("at", Micros, nullable=False),
)
