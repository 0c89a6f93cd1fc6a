"""Store facts: a small name/value table; the agency's time zone is recorded in it.

The opener writes the ``tz`` row in the same transaction (see ``rbp.store.open``), so
a store is never left without its zone.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rbp_meta",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("value", sa.String(400), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("rbp_meta")
