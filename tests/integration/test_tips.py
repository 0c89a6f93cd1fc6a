"""Anonymous tips: nothing about the tipster and no plain receipt code anywhere in the store.

Every table is read back with plain SQL and every cell searched for the code and its
secret; the stored hash is recomputed here with hashlib.scrypt from the stored salt.
"""

from __future__ import annotations

import hashlib

import pendulum
import pytest

import rbp
from rbp.engagement import Tip
from tests.databases import TZ, PlainSQL

T0 = pendulum.datetime(2026, 3, 2, 22, tz=TZ)


def _world(crm: rbp.Store) -> None:
    crm.directory.add_many([rbp.Area("d-1"), rbp.Area("b-1", parent="d-1"), rbp.Officer("P1")])


def test_a_tip_stores_no_reporter_and_no_plain_code(crm: rbp.Store, sql: PlainSQL) -> None:
    _world(crm)
    people = sql.count("stakeholders")
    receipt = crm.concerns.tip(
        Tip(at=T0, area="b-1", category="drugs", text="Blue car at the corner every night")
    )
    crm.concerns.tip_reply(receipt.code, "It is a Ford", at=T0.add(hours=1))
    crm.concerns.set_status(receipt.key, "acknowledged", at=T0.add(days=1))
    secret = receipt.code.removeprefix(receipt.key + "-")
    assert len(secret.replace("-", "")) == 16
    for table, rows in sql.snapshot().items():
        for row in rows:
            for cell in row:
                text = str(cell)
                assert receipt.code not in text, table
                assert secret not in text, table
                assert secret.replace("-", "") not in text, table
    assert sql.rows("SELECT reporter, tip FROM concerns") == [(None, True)]
    assert sql.count("stakeholders") == people
    assert sql.count("messages") == 0  # nobody to tell
    salt, stored = sql.rows("SELECT code_salt, code_hash FROM concerns")[0]
    again = hashlib.scrypt(secret.encode(), salt=bytes.fromhex(salt), n=2**14, r=8, p=1, dklen=32)
    assert again.hex() == stored
    assert receipt.code not in repr(receipt)


def test_the_code_reads_the_status_and_public_notes_only(crm: rbp.Store) -> None:
    _world(crm)
    receipt = crm.concerns.tip(Tip(at=T0, area="b-1", category="drugs", text="..."))
    crm.concerns.set_status(
        receipt.key, "acknowledged", note="internal: ask P1", at=T0.add(hours=1)
    )
    crm.concerns.set_status(
        receipt.key, "in_progress", note="The beat team is on it", public=True, at=T0.add(hours=2)
    )
    seen = crm.concerns.tip_status(receipt.code.lower())  # read out over the phone
    assert seen.status is rbp.engagement.ConcernStatus.IN_PROGRESS
    assert [n.text for n in seen.notes] == ["The beat team is on it"]
    wrong = receipt.code[:-1] + ("2" if receipt.code[-1] != "2" else "3")
    for bad in (wrong, receipt.key, "nonsense", "T-000001-AAAA-AAAA-AAAA-AAA\x00"):
        with pytest.raises(rbp.UnknownKeyError) as info:
            crm.concerns.tip_status(bad)
        assert receipt.code not in str(info.value)
        assert bad not in str(info.value)
    with pytest.raises(TypeError, match="code"):
        crm.concerns.tip_status(12345)  # type: ignore[arg-type]


def test_a_tip_is_a_concern_in_every_count(crm: rbp.Store) -> None:
    _world(crm)
    receipt = crm.concerns.tip(Tip(at=T0, area="b-1", category="drugs", text="..."))
    found = crm.concerns.find(area="d-1", as_of=T0.add(days=1))
    assert [(c.key, c.tip, c.reporter) for c in found] == [(receipt.key, True, None)]
    late = crm.concerns.overdue(as_of=T0.add(days=3))
    assert [(o.key, o.stage, o.level) for o in late] == [(receipt.key, "acknowledge", 1)]
    crm.concerns.assign(receipt.key, "P1", at=T0.add(days=3))
    assert crm.concerns.get(receipt.key).owner == "P1"


def test_a_tip_whose_key_was_taken_still_answers_to_its_code(crm: rbp.Store) -> None:
    _world(crm)
    crm.concerns.report(
        rbp.engagement.Concern(at=T0, area="b-1", category="noise", text=".", key="T-000002")
    )
    receipt = crm.concerns.tip(Tip(at=T0, area="b-1", category="drugs", text="..."))
    assert receipt.key.startswith("T-000002-")
    assert crm.concerns.tip_status(receipt.code).key == receipt.key
    assert crm.concerns.tip_status(receipt.code.lower()).key == receipt.key
