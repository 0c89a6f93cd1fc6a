"""``rbp feedback`` and ``rbp outbox deliver`` as a user runs them: a SQLite file, the
command in its own process, a real aiosmtpd server. What the command says is checked
against plain SQL over the file and against what the server received."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import pendulum
import pytest

import rbp
from rbp.engagement import Response
from rbp.interactions import Interaction
from tests.e2e.conftest import run
from tests.local_servers import SmtpServer

TZ = "America/Chicago"
T0 = pendulum.datetime(2026, 3, 2, 10, tz=TZ)
OVERALL = {"P1": (5, 5, 4, 4, 2, 1), "P2": (5, 3, 3)}  # P2 has too few to show


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "voice.db"
    with rbp.open(path, tz=TZ) as crm:
        crm.directory.add_many(
            [
                rbp.Area("d-1", name="District 1"),
                rbp.Area("b-1", name="Beat 1", parent="d-1"),
                rbp.Officer("P1"),
                rbp.Officer("P2"),
                *(
                    rbp.CommunityMember(
                        f"m-{i}",
                        may_contact=True,
                        contact=rbp.Contact(email=f"m{i}@example.org"),
                    )
                    for i in range(3)
                ),
            ]
        )
        for officer, answers in OVERALL.items():
            iid = crm.interactions.log(
                Interaction(
                    at=T0,
                    kind="meeting",
                    participants=(officer, "m-0", "m-1", "m-2"),
                    areas=("b-1",),
                )
            )
            crm.feedback.invite(iid, at=T0)
            crm.feedback.record_many(
                Response(at=T0.add(days=1), interaction=iid, overall=o) for o in answers
            )
    return path


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


def _rbp(*args: str | Path) -> tuple[int, str, str]:
    proc = run(sys.executable, "-m", "rbp.cli", *args)
    return proc.returncode, proc.stdout, proc.stderr


def test_feedback_prints_cpss_by_officer_and_writes_a_page(store: Path, tmp_path: Path) -> None:
    page = tmp_path / "cpss.html"
    code, out, err = _rbp("feedback", store, "--by", "officer", "--as-of", "2026-03-10", "-o", page)
    assert code == 0, err
    # CPSS of P1 by hand from the file: 4 of its 6 answers are 4 or 5
    with sqlite3.connect(store) as conn:
        rows = conn.execute(
            "SELECT p.stakeholder, r.overall FROM survey_responses r "
            "JOIN interaction_participants p ON p.interaction_id = r.interaction_id "
            "WHERE p.stakeholder LIKE 'P%'"
        ).fetchall()
    p1 = [o for s, o in rows if s == "P1"]
    expected = 100 * sum(o >= 4 for o in p1) / len(p1)
    line = next(x for x in out.splitlines() if x.split()[:1] == ["P1"]).split()
    assert line[1] == str(len(p1))
    assert float(line[2]) == pytest.approx(expected, abs=1e-3)
    p2 = next(x for x in out.splitlines() if x.split()[:1] == ["P2"]).split()
    assert p2[1:3] == ["3", "—"]  # under min_n: no score
    text = page.read_text(encoding="utf-8")
    assert "By officer" in text
    assert "By area" in text


def test_outbox_deliver_sends_the_due_email_once(store: Path, smtp: SmtpServer) -> None:
    due = "2026-03-03 10:30"
    args = ("outbox", "deliver", store, "--smtp", f"127.0.0.1:{smtp.port}", "--as-of", due)
    code, out, err = _rbp(*args, "--sender", "noreply@agency.example")
    assert code == 0, err
    with sqlite3.connect(store) as conn:
        sent = conn.execute(
            "SELECT COUNT(*) FROM messages WHERE status = 'sent' AND channel = 'email'"
        ).fetchone()[0]
    assert sent == 6  # three members, two interactions
    assert out.startswith(f"sent {sent}, ")
    assert sorted(r for _, rcpts, _ in smtp.received for r in rcpts) == sorted(
        f"m{i}@example.org" for i in range(3) for _ in range(2)
    )
    assert {frm for frm, _, _ in smtp.received} == {"noreply@agency.example"}
    code, out, _ = _rbp(*args)
    assert code == 0
    assert out.startswith("sent 0, ")
    assert len(smtp.received) == sent


def test_outbox_deliver_refuses_a_bad_server_address(store: Path) -> None:
    code, _, err = _rbp("outbox", "deliver", store, "--smtp", "localhost")
    assert code == 2
    assert err.startswith("rbp: --smtp 'localhost' is not HOST:PORT")
