"""The snapshot's SQLite reads of joined lists, on stores written by hand.

On SQLite the snapshot reads its members and its officer ties as lists joined into one
string each (``group_concat`` with the unit separator, split in Python). Keys never hold
the separator (rbp refuses control characters), but a store written by hand may: then
the lists do not split into as many items as there are rows, and the snapshot reads the
rows one by one instead. These tests write such keys (and a kind rbp does not know) with
plain ``sqlite3`` into a store rbp made, and check the answers against those of the same
store before the edit, through the renamed keys.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pendulum
import pytest

import rbp
from rbp.errors import StoreError

T = pendulum.datetime(2026, 6, 30, 12, tz="UTC")
ODD = "\x1f"


def _town(path: Path) -> None:
    """Two beats, two officers, six members (key, regular and low); contacts 5 to 250
    days before T, three of them going cold (one read by the gap report's second read,
    older than the longest cadence), one with a promise now passed."""
    with rbp.open(path) as crm:
        crm.directory.add_many(
            [
                rbp.Area("b-1"),
                rbp.Area("b-2"),
                rbp.Officer("P1", areas=("b-1",)),
                rbp.Officer("P2", areas=("b-2",)),
                *(
                    rbp.CommunityMember(
                        f"m-{i}",
                        area=f"b-{1 + i % 2}",
                        priority=("key", "regular", "low")[i % 3],
                    )
                    for i in range(6)
                ),
            ]
        )
        crm.interactions.log_many(
            [
                {
                    "at": T.subtract(days=days),
                    "kind": "meeting",
                    "participants": [officer, f"m-{i}"],
                    **({"follow_up_by": T.subtract(days=1)} if i == 4 else {}),
                }
                for i, (officer, days) in enumerate(
                    [("P1", 5), ("P2", 40), ("P1", 250), ("P2", 50), ("P1", 20), ("P2", 200)]
                )
            ]
        )


def _rename(path: Path, old: str, new: str) -> None:
    """Rename a stakeholder everywhere its key is stored (foreign keys off)."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA foreign_keys=OFF")
    columns = [
        (table, column)
        for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        for (_, column, *_) in db.execute(f'PRAGMA table_info("{table}")')
        if column in ("key", "stakeholder", "officer")
    ]
    with db:
        for table, column in columns:
            db.execute(f'UPDATE "{table}" SET "{column}" = ? WHERE "{column}" = ?', (new, old))
    db.close()


def _answers(path: Path) -> dict[str, object]:
    with rbp.open(path, readonly=True) as crm:
        cov = crm.graph.coverage(as_of=T)
        gaps = crm.graph.gaps(as_of=T)
        risk = crm.graph.key_person_risk(as_of=T)
        return {  # in key order (a renamed key may sort elsewhere)
            "coverage": (cov.covered, cov.total),
            "uncovered": {p.value: sorted(keys) for p, keys in gaps.uncovered.items()},
            "cooling": sorted((c.officer, c.stakeholder, c.status) for c in gaps.cooling),
            "overdue": sorted((f.officer, f.stakeholder) for f in gaps.overdue_follow_ups),
            "single": sorted(risk.single_threaded),
        }


def _swap(value: object, old: str, new: str) -> object:
    """``value`` with the string ``old`` replaced by ``new`` wherever it is a whole item
    (lists sorted again)."""
    if isinstance(value, str):
        return new if value == old else value
    if isinstance(value, dict):
        return {k: _swap(v, old, new) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(_swap(v, old, new) for v in value)
    if isinstance(value, list):
        return sorted(_swap(v, old, new) for v in value)  # type: ignore[type-var]
    return value


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("m-4", f"m{ODD}4"),  # a member with ties and a broken promise
        ("m-0", f"m{ODD}0"),  # a member met 5 days ago
        ("m-2", f"m{ODD}2"),  # a member last met 250 days ago (going cold)
        ("P1", f"P{ODD}1"),  # an officer
    ],
)
def test_a_key_holding_the_separator_is_read_row_by_row(tmp_path: Path, old: str, new: str) -> None:
    path = tmp_path / "town.db"
    _town(path)
    before = _answers(path)
    assert before["overdue"] == [("P1", "m-4")]  # the town has what is checked
    assert before["cooling"]
    _rename(path, old, new)
    after = _answers(path)
    assert after == _swap(before, old, new)


def test_a_kind_rbp_does_not_know_is_refused_naming_the_stakeholder(tmp_path: Path) -> None:
    path = tmp_path / "town.db"
    _town(path)
    db = sqlite3.connect(path)
    with db:
        db.execute("UPDATE stakeholders SET sector = 'astrology' WHERE key = 'm-3'")
    db.close()
    with rbp.open(path, readonly=True) as crm, pytest.raises(StoreError, match="'m-3'"):
        crm.graph.coverage(as_of=T)
