"""Alembic environment: runs on the connection rbp hands over (see ``rbp._migrate``)."""

from __future__ import annotations

from alembic import context

from rbp._meta import metadata  # rbp._schema's metadata, with rbp_meta in it

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
