"""The tests' throwaway PostgreSQL server does not outlive a test run that is killed.

A run stopped with SIGKILL (a CI timeout, an impatient Ctrl-\\) never reaches
:meth:`tests.databases.PgCluster.stop`; the cluster's watchdog must then stop the
server and delete its folder. Checked from outside: the port stops answering and the
folder is gone.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.databases import PgCluster, find_pg_bindir

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(find_pg_bindir() is None, reason="no PostgreSQL binaries"),
]

ROOT = Path(__file__).resolve().parents[2]

OWNER = """
import sys, time
from tests.databases import PgCluster, find_pg_bindir
cluster = PgCluster(find_pg_bindir())
cluster.admin_url()
print(cluster.root, cluster.port, flush=True)
time.sleep(600)
"""


def _answers(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def _owner() -> tuple[subprocess.Popen[str], Path, int]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    owner = subprocess.Popen(
        [sys.executable, "-c", OWNER],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert owner.stdout is not None
    root, port = owner.stdout.readline().split()
    return owner, Path(root), int(port)


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_a_killed_owner_takes_its_server_with_it(how: signal.Signals) -> None:
    owner, root, port = _owner()
    try:
        assert _answers(port), "the server should be up while its owner runs"
        assert (root / "data" / "postmaster.pid").exists()
        owner.send_signal(how)
        owner.wait(timeout=30)
        assert _wait_for(lambda: not _answers(port), 60), "server still answers"
        assert _wait_for(lambda: not root.exists(), 30), f"{root} left behind"
    finally:
        if owner.poll() is None:
            owner.kill()
            owner.wait()
        assert owner.stdout is not None
        owner.stdout.close()


def test_a_stopped_cluster_leaves_no_watchdog() -> None:
    cluster = PgCluster(find_pg_bindir())
    cluster.admin_url()
    watchdog = cluster._watchdog
    assert watchdog is not None
    assert watchdog.poll() is None
    root, port = cluster.root, cluster.port
    assert root is not None
    assert port is not None
    cluster.stop()
    assert watchdog.poll() is not None, "the watchdog should end with stop()"
    assert not _answers(port)
    assert not root.exists()
