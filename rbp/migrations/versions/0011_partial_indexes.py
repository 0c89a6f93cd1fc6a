"""Partial indexes on the interactions' plan and concern.

Most interactions belong to no plan and no concern, so an index on either holds
mostly NULLs, and the log writes one entry per interaction into it. Both become
partial indexes (``WHERE ... IS NOT NULL``): the plan index keeps only the
interactions of a plan (``find(plan=)`` reads it as before), and the concern gets the
index it lacked (a concern's linked interactions were found by reading the whole log).
A query ``plan = ?`` or ``concern IN (...)`` implies the column is not NULL, so
SQLite's and PostgreSQL's planners use them.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _partial(name: str, column: str) -> None:
    where = sa.text(f'"{column}" IS NOT NULL')
    op.create_index(name, "interactions", [column], sqlite_where=where, postgresql_where=where)


def upgrade() -> None:
    op.drop_index("ix_interactions_plan", table_name="interactions")
    _partial("ix_interactions_plan", "plan")
    _partial("ix_interactions_concern", "concern")


def downgrade() -> None:
    op.drop_index("ix_interactions_concern", table_name="interactions")
    op.drop_index("ix_interactions_plan", table_name="interactions")
    op.create_index("ix_interactions_plan", "interactions", ["plan"])
