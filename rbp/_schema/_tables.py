"""The tables of the directory, the audit trail and the interaction log (SQLAlchemy Core).

Instants are integer microseconds since the Unix epoch (UTC), so time arithmetic is
plain integer SQL on every dialect.
"""

from __future__ import annotations

import sqlalchemy as sa

__all__ = [
    "ID",
    "KEY",
    "NAMING",
    "Micros",
    "areas",
    "audit_log",
    "community_pairs",
    "interaction_areas",
    "interaction_topics",
    "interactions",
    "metadata",
    "officer_trainings",
    "participants",
    "relationships",
    "stakeholder_areas",
    "stakeholder_tags",
    "stakeholders",
    "tie_months",
    "tie_pairs",
]

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING)

KEY = sa.String(200)
Micros = sa.BigInteger

areas = sa.Table(
    "areas",
    metadata,
    sa.Column("key", KEY, primary_key=True),
    sa.Column("name", sa.String(300), nullable=False, server_default=""),
    sa.Column("parent", KEY, sa.ForeignKey("areas.key"), nullable=True, index=True),
    sa.Column("population", sa.Integer, nullable=True),
    sa.Column("expected_sectors", sa.String(500), nullable=False, server_default=""),
)

stakeholders = sa.Table(
    "stakeholders",
    metadata,
    sa.Column("key", KEY, primary_key=True),
    sa.Column("kind", sa.String(10), nullable=False, index=True),
    sa.Column("name", sa.String(300), nullable=True),
    sa.Column("since", Micros, nullable=True),
    sa.Column("until", Micros, nullable=True),
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

stakeholder_areas = sa.Table(
    "stakeholder_areas",
    metadata,
    sa.Column("stakeholder", KEY, sa.ForeignKey("stakeholders.key"), primary_key=True),
    sa.Column("area", KEY, sa.ForeignKey("areas.key"), primary_key=True, index=True),
)

stakeholder_tags = sa.Table(
    "stakeholder_tags",
    metadata,
    sa.Column("stakeholder", KEY, sa.ForeignKey("stakeholders.key"), primary_key=True),
    sa.Column("tag", KEY, primary_key=True, index=True),
)

officer_trainings = sa.Table(
    "officer_trainings",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("officer", KEY, sa.ForeignKey("stakeholders.key"), nullable=False, index=True),
    sa.Column("name", KEY, nullable=False),
    sa.Column("completed", sa.Date, nullable=True),
)

relationships = sa.Table(
    "relationships",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("a", KEY, sa.ForeignKey("stakeholders.key"), nullable=False, index=True),
    sa.Column("b", KEY, sa.ForeignKey("stakeholders.key"), nullable=False, index=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("since", Micros, nullable=True),
    sa.Column("until", Micros, nullable=True),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", Micros, nullable=False, index=True),
    sa.Column("actor", sa.String(200), nullable=True),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("entity", sa.String(40), nullable=False),
    sa.Column("key", sa.String(400), nullable=True, index=True),
    sa.Column("detail", sa.Text, nullable=True),
)

# ----------------------------------------------------------------------------- interactions

# The interaction key: on SQLite an INTEGER PRIMARY KEY is the table's rowid (no second
# B-tree for the key); PostgreSQL keeps 64 bits.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

interactions = sa.Table(
    "interactions",
    metadata,
    sa.Column("id", ID, primary_key=True, autoincrement=False),
    sa.Column("at", Micros, nullable=False, index=True),
    sa.Column("kind", sa.String(30), nullable=False),
    sa.Column("attendees", sa.Integer, nullable=False, server_default="0"),
    sa.Column("duration_s", sa.Integer, nullable=True),
    sa.Column("follow_up_by", Micros, nullable=True),
    sa.Column("plan", KEY, nullable=True),
    sa.Column("concern", KEY, nullable=True),
    sa.Column("notes", sa.Text, nullable=True),
    # Partial: most interactions name no plan and no concern, and the log writes no
    # index entry for them (``plan = ?`` and ``concern IN (...)`` imply NOT NULL).
    # Migration 0011 makes them partial on PostgreSQL too; saying so here would load
    # SQLAlchemy's PostgreSQL dialect with the schema, for every SQLite user.
    *(
        sa.Index(
            f"ix_interactions_{column}", column, sqlite_where=sa.text(f'"{column}" IS NOT NULL')
        )
        for column in ("plan", "concern")
    ),
)

# The child tables are clustered by their primary key (no rowid on SQLite): rows of one
# interaction sit together and a batch of new interactions appends.
participants = sa.Table(
    "interaction_participants",
    metadata,
    sa.Column("interaction_id", sa.BigInteger, sa.ForeignKey("interactions.id"), primary_key=True),
    sa.Column("stakeholder", KEY, sa.ForeignKey("stakeholders.key"), primary_key=True),
    sa.Column("at", Micros, nullable=False),
    sa.Index("ix_interaction_participants_stakeholder_at", "stakeholder", "at"),
    sqlite_with_rowid=False,
)

interaction_areas = sa.Table(
    "interaction_areas",
    metadata,
    sa.Column("interaction_id", sa.BigInteger, sa.ForeignKey("interactions.id"), primary_key=True),
    sa.Column("area", KEY, sa.ForeignKey("areas.key"), primary_key=True),
    sa.Column("at", Micros, nullable=False),
    sa.Index("ix_interaction_areas_area_at", "area", "at"),
    sqlite_with_rowid=False,
)

interaction_topics = sa.Table(
    "interaction_topics",
    metadata,
    sa.Column("interaction_id", sa.BigInteger, sa.ForeignKey("interactions.id"), primary_key=True),
    sa.Column("topic", sa.String(200), primary_key=True, index=True),
    sqlite_with_rowid=False,
)

# ----------------------------------------------------------------------------- pair summaries
# Officer ties are summed up when an interaction is logged, per officer x non-officer pair:
# ``n`` contacts, the ``first`` and ``last``, ``promise`` (the earliest follow_up_by among
# the contacts at ``last``; NULL when none promised one) and ``weight``, the decay sum
# anchored at ``last`` (sum of 0.5 ** ((last - t) / 90 days), each term at most 1, so it
# never overflows). See rbp._queries.pairs.

# The monthly checkpoints: the same figures over the pair's contacts in one 30-day bucket
# (``bucket = at // BUCKET``). Clustered by pair, so the checkpoints of a pair up to a
# time (or within a window) are one range of the key.
tie_months = sa.Table(
    "tie_months",
    metadata,
    sa.Column("officer", KEY, primary_key=True),
    sa.Column("stakeholder", KEY, primary_key=True),
    sa.Column("bucket", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("n", sa.Integer, nullable=False),
    sa.Column("first", Micros, nullable=False),
    sa.Column("last", Micros, nullable=False),
    sa.Column("promise", Micros, nullable=True),
    sa.Column("weight", sa.Float, nullable=False),
    sqlite_with_rowid=False,
)

# Every contact of the pair: the answer as of any time at or after the newest contact.
tie_pairs = sa.Table(
    "tie_pairs",
    metadata,
    sa.Column("officer", KEY, primary_key=True),
    sa.Column("stakeholder", KEY, primary_key=True, index=True),
    sa.Column("n", sa.Integer, nullable=False),
    sa.Column("first", Micros, nullable=False),
    sa.Column("last", Micros, nullable=False),
    sa.Column("promise", Micros, nullable=True),
    sa.Column("weight", sa.Float, nullable=False),
    sqlite_with_rowid=False,
)

# Community ties are summed up the same way, per pair of non-officers (``a < b``, both
# members or agencies) and group size (``size``: the interaction's participants plus its
# unnamed attendees, what ``Settings.max_group`` limits), for the interactions of at
# most ``rbp._queries.community.CAP`` people: ``n``, ``first``, ``last`` and ``weight``
# as above (no promise). Clustered by pair, so a graph build groups its rows in key
# order. See rbp._queries.community.
community_pairs = sa.Table(
    "community_pairs",
    metadata,
    sa.Column("a", KEY, primary_key=True),
    sa.Column("b", KEY, primary_key=True),
    sa.Column("size", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("n", sa.Integer, nullable=False),
    sa.Column("first", Micros, nullable=False),
    sa.Column("last", Micros, nullable=False),
    sa.Column("weight", sa.Float, nullable=False),
    sqlite_with_rowid=False,
)
