"""Alembic migrations of the rbp schema. :func:`rbp.store.open` runs them to head."""
