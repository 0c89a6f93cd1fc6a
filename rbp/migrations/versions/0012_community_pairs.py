"""Community-tie summaries: ``community_pairs``, filled from the log.

One row per pair of non-officers (``a < b``, code-point order) and group size (the
interaction's participants plus unnamed attendees), over the interactions of at most
50 people: ``n``, ``first``, ``last`` and ``weight``, the decay sum (90-day half-life)
anchored at ``last``. Filled here in one statement from the interactions, their
participants and the stakeholders' kinds; the log keeps it from now on (see
``rbp._queries.community``). Clustered by its key (WITHOUT ROWID on SQLite).

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

KEY = sa.String(200)
DAY = 86_400_000_000
HALF_LIFE = 90 * DAY
UNDERFLOW = 1075
CAP = 50


def _fill() -> None:
    """Every community contact of the log, summed up by pair and group size."""
    fade = f"CAST(top - at AS DOUBLE PRECISION) / {HALF_LIFE}"
    officers = "(SELECT key FROM stakeholders WHERE kind = 'officer')"
    # Keys compare by code point on both dialects (PostgreSQL's collation may not).
    before = ' COLLATE "C"' if op.get_bind().dialect.name == "postgresql" else ""
    op.execute(
        "INSERT INTO community_pairs (a, b, size, n, first, last, weight) "
        "SELECT a, b, size, count(*), min(at), max(at), "
        f"sum(CASE WHEN {fade} >= {UNDERFLOW} THEN 0.0 ELSE power(0.5, {fade}) END) "
        "FROM (SELECT c.*, max(at) OVER (PARTITION BY a, b, size) AS top FROM ("
        "SELECT pa.stakeholder AS a, pb.stakeholder AS b, g.size AS size, g.at AS at "
        "FROM (SELECT i.id AS id, i.at AS at, i.attendees + count(*) AS size "
        "FROM interactions AS i "
        "JOIN interaction_participants AS p ON p.interaction_id = i.id "
        "GROUP BY i.id, i.at, i.attendees "
        f"HAVING i.attendees + count(*) <= {CAP}) AS g "
        "JOIN interaction_participants AS pa ON pa.interaction_id = g.id "
        "JOIN interaction_participants AS pb ON pb.interaction_id = g.id "
        f"AND pa.stakeholder < pb.stakeholder{before} "
        f"WHERE pa.stakeholder NOT IN {officers} AND pb.stakeholder NOT IN {officers}"
        ") AS c) AS f "
        "GROUP BY a, b, size"
    )


def upgrade() -> None:
    op.create_table(
        "community_pairs",
        sa.Column("a", KEY, primary_key=True),
        sa.Column("b", KEY, primary_key=True),
        sa.Column("size", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("n", sa.Integer, nullable=False),
        sa.Column("first", sa.BigInteger, nullable=False),
        sa.Column("last", sa.BigInteger, nullable=False),
        sa.Column("weight", sa.Float, nullable=False),
        sqlite_with_rowid=False,
    )
    _fill()


def downgrade() -> None:
    op.drop_table("community_pairs")
