"""Delivering the outbox to real local servers (SMTP, an HTTP webhook) on every backend:
quiet hours, consent checked again, STOP/START/HELP, retries with backoff, and at most
once per message with two deliverers at once (threads with stores of their own on one
SQLite file and on one PostgreSQL database). What the store says is read back with
plain SQL; what was sent, from the servers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pendulum
import pytest

import rbp
from rbp.engagement import DeliveryReport, SmtpSender, WebhookSender
from rbp.interactions import Interaction
from rbp.model._messages import gsm7_length
from rbp.settings import Settings
from tests.databases import TZ, PlainSQL, fixed_clock
from tests.local_servers import SmtpServer, WebhookServer

ONCE = Path(__file__).with_name("deliver_once.py")
T0 = pendulum.datetime(2026, 3, 2, 10, tz=TZ)
DUE = T0.add(hours=24)  # 10:00 the next day: outside the quiet hours


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


@pytest.fixture
def hook() -> Iterator[WebhookServer]:
    with WebhookServer() as server:
        yield server


def _members(crm: rbp.Store, n: int = 2) -> int:
    crm.directory.add_many(
        [rbp.Officer("P1")]
        + [
            rbp.CommunityMember(
                f"m-{i}",
                name=f"Person {i}",
                may_text=True,
                may_contact=True,
                contact=rbp.Contact(phone=f"+1555010{i:02d}", email=f"p{i}@example.org"),
            )
            for i in range(n)
        ]
        + [
            rbp.CommunityMember(
                "m-mail", may_contact=True, contact=rbp.Contact(email="mail@example.org")
            )
        ]
    )
    iid = crm.interactions.log(
        Interaction(
            at=T0,
            kind="meeting",
            participants=("P1", "m-mail", *(f"m-{i}" for i in range(n))),
        )
    )
    crm.feedback.invite(iid, at=T0)
    return iid


def test_email_goes_to_a_real_smtp_server_once(
    crm: rbp.Store, sql: PlainSQL, smtp: SmtpServer
) -> None:
    _members(crm)
    sender = SmtpSender("127.0.0.1", smtp.port, sender="noreply@agency.example", timeout=5)
    report = crm.outbox.deliver(sender, as_of=DUE)
    (mid,) = report.sent
    assert sql.rows("SELECT recipient, status, attempts FROM messages WHERE id = :i", i=mid) == [
        ("m-mail", "sent", 1)
    ]
    (got,) = smtp.received
    frm, rcpts, mail = got
    assert frm == "noreply@agency.example"
    assert rcpts == ["mail@example.org"]
    assert mail["X-Rbp-Message"] == str(mid)
    assert "Reply 1 (poor) to 5 (excellent)" in mail.get_content()
    assert crm.outbox.deliver(sender, as_of=DUE.add(hours=1)) == DeliveryReport(
        sent=(), deferred=(), suppressed=(), failed=()
    )
    assert len(smtp.received) == 1


def test_sms_go_to_a_real_webhook_within_160_gsm7(
    crm: rbp.Store, sql: PlainSQL, hook: WebhookServer
) -> None:
    _members(crm, n=3)
    sender = WebhookSender(hook.url, token="t0k", timeout=5)
    report = crm.outbox.deliver(sender, as_of=DUE)
    assert len(report.sent) == 3
    got = sorted(hook.received, key=lambda b: b["to"])
    assert [b["to"] for b in got] == ["+155501000", "+155501001", "+155501002"]
    for body in got:
        assert body["auth"] == "Bearer t0k"
        assert body["kind"] == "survey"
        length = gsm7_length(body["text"])
        assert length is not None
        assert length <= 160
        assert "Person" not in body["text"]
    assert sql.count("messages", "status = 'sent' AND channel = 'sms'") == 3
    assert "t0k" not in repr(sender)


def test_nothing_goes_in_the_quiet_hours(crm: rbp.Store, hook: WebhookServer) -> None:
    _members(crm)
    sender = WebhookSender(hook.url, timeout=5)
    night = DUE.set(hour=22)
    report = crm.outbox.deliver(sender, as_of=night)
    assert (report.sent, len(report.deferred)) == ((), 2)
    assert crm.outbox.pending(as_of=night) == ()
    early = night.add(hours=9)  # 07:00
    assert crm.outbox.deliver(sender, as_of=early).sent == ()
    assert hook.received == []
    assert len(crm.outbox.deliver(sender, as_of=early.add(hours=1)).sent) == 2  # 08:00


def test_consent_is_checked_again_when_sending(
    crm: rbp.Store, sql: PlainSQL, hook: WebhookServer
) -> None:
    _members(crm, n=3)
    crm.directory.update("m-0", may_text=False, may_contact=False)  # withdrew consent
    crm.outbox.receive("sms", "+1 555 0100 1", "STOP", at=T0.add(hours=2))
    report = crm.outbox.deliver(WebhookSender(hook.url, timeout=5), as_of=DUE)
    assert [b["to"] for b in hook.received if b["kind"] == "survey"] == ["+155501002"]
    rows = sql.rows(
        "SELECT recipient, status, reason FROM messages WHERE kind = 'survey' "
        "AND channel = 'sms' ORDER BY recipient"
    )
    assert rows == [
        ("m-0", "suppressed", "at delivery: no consent to be contacted"),
        # m-1 said STOP on sms; it may still be e-mailed, but this message was an sms
        ("m-1", "suppressed", "at delivery: the channel changed"),
        ("m-2", "sent", None),
    ]
    assert len(report.suppressed) == 2


def test_stop_start_and_help(crm: rbp.Store, sql: PlainSQL, hook: WebhookServer) -> None:
    _members(crm)
    at = T0.add(hours=1)
    assert crm.outbox.receive("sms", "+1 (555) 010-00", "stop", at=at).value == "stop"
    assert sql.rows("SELECT channel, address FROM opt_outs") == [("sms", "+155501000")]
    iid = crm.interactions.log(Interaction(at=at, kind="call", participants=("P1", "m-0")))
    crm.feedback.invite(iid, at=at)
    assert sql.rows(
        "SELECT channel, status FROM messages WHERE kind = 'survey' AND ref = :r",
        r=str(iid),
    ) == [("email", "queued")]  # m-0 may still be e-mailed
    assert crm.outbox.receive("sms", "+155501000", "START", at=at.add(hours=1)).value == "start"
    assert sql.count("opt_outs") == 0
    assert crm.outbox.receive("sms", "+155509999", "help", at=at.add(hours=1)).value == "help"
    assert crm.outbox.receive("sms", "+155509999", "thanks!", at=at.add(hours=1)) is None
    crm.outbox.deliver(WebhookSender(hook.url, timeout=5), as_of=at.add(hours=2))
    replies = [b for b in hook.received if b["kind"] == "reply"]
    assert [b["to"] for b in replies] == ["+1 (555) 010-00", "+155501000", "+155509999"]
    assert "Call 311" in replies[2]["text"]
    assert "START" in replies[0]["text"]


def test_a_failed_send_is_retried_with_backoff_then_failed(
    db_url: str | None, hook: WebhookServer
) -> None:
    settings = Settings(max_attempts=3, retry_after=pendulum.duration(minutes=5))
    crm = rbp.open(db_url, tz=TZ, actor="test", clock=fixed_clock, settings=settings)
    try:
        _members(crm, n=1)
        sender = WebhookSender(hook.url, timeout=5)
        hook.fail_next(10)
        now = DUE
        (mid,) = crm.outbox.deliver(sender, as_of=now).deferred
        waits = []
        for _ in range(2):
            m = crm.outbox.find(status="queued")[0]
            assert m.id == mid
            nxt = crm.outbox.pending(as_of=now.add(hours=1))[0]
            assert nxt.id == mid
            # not due a microsecond before the backoff ends
            step = pendulum.duration(minutes=5 * 2 ** len(waits))
            assert crm.outbox.deliver(sender, as_of=(now + step).subtract(microseconds=1)) == (
                DeliveryReport(sent=(), deferred=(), suppressed=(), failed=())
            )
            now = now + step
            waits.append(step)
            report = crm.outbox.deliver(sender, as_of=now)
        assert report.failed == (mid,)
        (failed,) = crm.outbox.find(status="failed")
        assert (failed.attempts, failed.reason) == (3, "3 attempts failed, the last with HTTPError")
        assert hook.received == []
    finally:
        crm.close()


def test_a_send_retried_once_goes_through(crm: rbp.Store, hook: WebhookServer) -> None:
    _members(crm, n=1)
    sender = WebhookSender(hook.url, timeout=5)
    hook.fail_next(1)
    (mid,) = crm.outbox.deliver(sender, as_of=DUE).deferred
    assert crm.outbox.deliver(sender, as_of=DUE.add(minutes=5)).sent == (mid,)
    assert [b["id"] for b in hook.received] == [mid]
    assert crm.outbox.find(status="sent")[0].attempts == 2


@pytest.mark.parametrize(
    "db_url",
    [
        pytest.param("sqlite-file", id="sqlite-file"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ],
    indirect=True,
)
def test_two_deliverers_at_once_send_each_message_once(db_url: str | None) -> None:
    first = rbp.open(db_url, tz=TZ, actor="test", clock=fixed_clock)
    second = rbp.open(db_url, tz=TZ, actor="test", clock=fixed_clock)
    with WebhookServer(pause=0.002) as hook:
        try:
            _members(first, n=60)
            wanted = {m.id for m in first.outbox.find(status="queued", kind="survey")}
            wanted = {m.id for m in first.outbox.pending(as_of=DUE) if m.id in wanted}
            assert len(wanted) == 61  # 60 sms and one e-mail
            start = threading.Barrier(2)
            reports: list[DeliveryReport] = []

            def run(crm: rbp.Store) -> None:
                start.wait()
                reports.append(crm.outbox.deliver(WebhookSender(hook.url, timeout=10), as_of=DUE))

            threads = [threading.Thread(target=run, args=(s,)) for s in (first, second)]
            for th in threads:
                th.start()
            for th in threads:
                th.join(120)
            assert len(reports) == 2
            got = [b["id"] for b in hook.received]
            assert len(got) == len(set(got)) == 60
            sent = [set(r.sent) for r in reports]
            assert sent[0].isdisjoint(sent[1])
            assert sent[0] | sent[1] == set(got)
        finally:
            first.close()
            second.close()


@pytest.mark.parametrize(
    "db_url",
    [
        pytest.param("sqlite-file", id="sqlite-file"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ],
    indirect=True,
)
def test_two_deliverer_processes_send_each_message_once(db_url: str | None) -> None:
    assert db_url is not None
    with rbp.open(db_url, tz=TZ, actor="test", clock=fixed_clock) as crm:
        _members(crm, n=60)
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    env.pop("PYTHONWARNINGS", None)
    with WebhookServer(pause=0.002) as hook:
        start = time.time() + 3  # both processes are up and have opened the store by then
        procs = [
            subprocess.Popen(
                [sys.executable, str(ONCE), db_url, hook.url, DUE.isoformat(), str(start)],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        outs = [p.communicate(timeout=180) for p in procs]
        assert [p.returncode for p in procs] == [0, 0], [e for _, e in outs]
        sent = [set(json.loads(o)) for o, _ in outs]
        got = [b["id"] for b in hook.received]
    assert len(got) == len(set(got)) == 60
    assert sent[0].isdisjoint(sent[1])
    assert sent[0] | sent[1] == set(got)
