"""Names vulture (``make lint``) takes for dead code that a framework calls by signature.

Each is a parameter the caller passes positionally or by name, so it must stay.
"""

# rbp/synth/__main__.py: SQLAlchemy's "checkout" event passes (dbapi_conn, record, proxy).
proxy  # noqa: B018

# tests/integration/test_junk_arguments.py: a pytest fixture asked for its effect
# (the test runs in a temporary directory).
in_tmp_dir  # noqa: B018

# tests/integration/test_schema.py: Alembic's compare_server_default hook signature.
inspected_column  # noqa: B018
metadata_column  # noqa: B018
metadata_default  # noqa: B018

# tests/unit/test_render.py: HTMLParser.handle_starttag(tag, attrs) and graphviz's
# pipe(format=..., encoding=...), which the stand-ins override.
attrs_  # noqa: B018
encoding  # noqa: B018
