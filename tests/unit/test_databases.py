"""The throwaway PostgreSQL cluster never turns a broken server into skipped tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.databases import REQUIRE_ENV, PgCluster


def test_missing_binaries_skip_with_a_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(REQUIRE_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception, match="postgresql-15"):
        PgCluster(None).admin_url()


def test_missing_binaries_fail_when_postgres_is_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(REQUIRE_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match=REQUIRE_ENV):
        PgCluster(None).admin_url()


def test_a_server_that_does_not_start_is_an_error(tmp_path: Path) -> None:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    for name in ("initdb", "pg_ctl"):
        script = bindir / name
        script.write_text("#!/bin/sh\necho 'no server today' >&2\nexit 3\n")
        script.chmod(0o755)
    cluster = PgCluster(bindir)
    try:
        with pytest.raises(RuntimeError, match="did not start"):
            cluster.admin_url()
        with pytest.raises(RuntimeError, match="did not start"):  # every later test errors too
            cluster.admin_url()
    finally:
        root = cluster.root
        cluster.stop()
    assert root is None or not os.path.exists(root)
