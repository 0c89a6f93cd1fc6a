"""Pair summaries replace tie events; the interaction key becomes SQLite's rowid.

``tie_events`` (one row per officer x non-officer x interaction) gives way to
``tie_pairs`` (one row per pair) and ``tie_months`` (one row per pair and 30-day
bucket), filled here from the events. On SQLite the interaction tables are rebuilt:
``interactions.id`` becomes an INTEGER PRIMARY KEY (the rowid) and the child tables are
clustered by their primary key (WITHOUT ROWID). The index on ``follow_up_by``, which
only the events' promises used, is dropped.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

KEY = sa.String(200)
DAY = 86_400_000_000
BUCKET = 30 * DAY
HALF_LIFE = 90 * DAY
UNDERFLOW = 1075


def _summary_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("n", sa.Integer, nullable=False),
        sa.Column("first", sa.BigInteger, nullable=False),
        sa.Column("last", sa.BigInteger, nullable=False),
        sa.Column("promise", sa.BigInteger, nullable=True),
        sa.Column("weight", sa.Float, nullable=False),
    ]


def _fill(table: str, keys: str) -> None:
    """Summaries of the tie events grouped by ``keys``."""
    fade = f"CAST(top - at AS DOUBLE PRECISION) / {HALF_LIFE}"
    bucket = f"(at - ((at % {BUCKET}) + {BUCKET}) % {BUCKET}) / {BUCKET}"
    op.execute(
        f"INSERT INTO {table} ({keys}, n, first, last, promise, weight) "
        f"SELECT {keys}, count(*), min(at), max(at), "
        "min(CASE WHEN at = top THEN follow_up_by END), "
        f"sum(CASE WHEN {fade} >= {UNDERFLOW} THEN 0.0 ELSE power(0.5, {fade}) END) "
        f"FROM (SELECT b.*, max(at) OVER (PARTITION BY {keys}) AS top "
        f"FROM (SELECT officer, stakeholder, at, follow_up_by, {bucket} AS bucket "
        "FROM tie_events) AS b) AS e "
        f"GROUP BY {keys}"
    )


def _rebuild_sqlite() -> None:
    """Rebuild the interaction tables with the rowid key and clustered children.

    SQLite's way to change a table: make the new one, copy, drop the old, rename. It
    needs foreign keys off (``rbp._migrate`` turns them off around every upgrade and
    checks them all before committing).
    """
    if op.get_bind().exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError("migration 0010 rebuilds tables: run it with foreign keys off")
    op.create_table(
        "interactions_new",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("at", sa.BigInteger, nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("attendees", sa.Integer, nullable=False, server_default="0"),
        sa.Column("duration_s", sa.Integer, nullable=True),
        sa.Column("follow_up_by", sa.BigInteger, nullable=True),
        sa.Column("plan", KEY, nullable=True),
        sa.Column("concern", KEY, nullable=True),
        sa.Column("notes", sa.Text, nullable=True),
    )
    op.execute("INSERT INTO interactions_new SELECT * FROM interactions ORDER BY id")
    op.execute("DROP TABLE interactions")
    op.execute("ALTER TABLE interactions_new RENAME TO interactions")

    def child(name: str, *columns: sa.Column[object]) -> None:
        op.create_table(
            f"{name}_new",
            sa.Column(
                "interaction_id", sa.BigInteger, sa.ForeignKey("interactions.id"), primary_key=True
            ),
            *columns,
            sqlite_with_rowid=False,
        )
        names = ", ".join(["interaction_id", *(c.name for c in columns)])
        op.execute(f"INSERT INTO {name}_new ({names}) SELECT {names} FROM {name}")
        op.execute(f"DROP TABLE {name}")
        op.execute(f"ALTER TABLE {name}_new RENAME TO {name}")

    child(
        "interaction_participants",
        sa.Column("stakeholder", KEY, sa.ForeignKey("stakeholders.key"), primary_key=True),
        sa.Column("at", sa.BigInteger, nullable=False),
    )
    child(
        "interaction_areas",
        sa.Column("area", KEY, sa.ForeignKey("areas.key"), primary_key=True),
        sa.Column("at", sa.BigInteger, nullable=False),
    )
    child("interaction_topics", sa.Column("topic", sa.String(200), primary_key=True))
    op.create_index("ix_interactions_at", "interactions", ["at"])
    op.create_index("ix_interactions_plan", "interactions", ["plan"])
    op.create_index(
        "ix_interaction_participants_stakeholder_at",
        "interaction_participants",
        ["stakeholder", "at"],
    )
    op.create_index("ix_interaction_areas_area_at", "interaction_areas", ["area", "at"])
    op.create_index("ix_interaction_topics_topic", "interaction_topics", ["topic"])


def upgrade() -> None:
    op.create_table(
        "tie_months",
        sa.Column("officer", KEY, primary_key=True),
        sa.Column("stakeholder", KEY, primary_key=True),
        sa.Column("bucket", sa.Integer, primary_key=True, autoincrement=False),
        *_summary_columns(),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "tie_pairs",
        sa.Column("officer", KEY, primary_key=True),
        sa.Column("stakeholder", KEY, primary_key=True),
        *_summary_columns(),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_tie_pairs_stakeholder", "tie_pairs", ["stakeholder"])
    _fill("tie_pairs", "officer, stakeholder")
    _fill("tie_months", "officer, stakeholder, bucket")
    op.drop_table("tie_events")
    op.execute("DROP INDEX IF EXISTS ix_interactions_follow_up_by")
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_sqlite()


def downgrade() -> None:
    op.create_table(
        "tie_events",
        sa.Column("officer", KEY, primary_key=True),
        sa.Column("stakeholder", KEY, primary_key=True),
        sa.Column("at", sa.BigInteger, primary_key=True),
        sa.Column("interaction_id", sa.BigInteger, primary_key=True),
        sa.Column("follow_up_by", sa.BigInteger, nullable=True),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_tie_events_stakeholder_at", "tie_events", ["stakeholder", "at"])
    op.execute(
        "INSERT INTO tie_events (officer, stakeholder, at, interaction_id, follow_up_by) "
        "SELECT po.stakeholder, pk.stakeholder, i.at, i.id, i.follow_up_by "
        "FROM interactions AS i "
        "JOIN interaction_participants AS po ON po.interaction_id = i.id "
        "JOIN stakeholders AS so ON so.key = po.stakeholder AND so.kind = 'officer' "
        "JOIN interaction_participants AS pk ON pk.interaction_id = i.id "
        "JOIN stakeholders AS sk ON sk.key = pk.stakeholder AND sk.kind <> 'officer'"
    )
    op.create_index("ix_interactions_follow_up_by", "interactions", ["follow_up_by"])
    op.drop_table("tie_months")
    op.drop_table("tie_pairs")
