"""Follow-up index for stores made before migration 0002 gained it.

Migration 0002 was edited after release to add ``ix_interactions_follow_up_by``; a
database made by the first release ran the older 0002 and never got the index. This
migration creates it where it is missing and does nothing where it exists.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

INDEX = "ix_interactions_follow_up_by"


def upgrade() -> None:
    existing = {ix["name"] for ix in sa.inspect(op.get_bind()).get_indexes("interactions")}
    if INDEX not in existing:
        op.create_index(INDEX, "interactions", ["follow_up_by"])


def downgrade() -> None:
    # The index belongs to 0002 where 0002 made it; dropping it would take it from those.
    pass
