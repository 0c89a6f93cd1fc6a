"""rbp.io.import_csv / import_frame: each kind checked against plain SQL; wide and long
interactions; bad files name their lines and write nothing; a dry run writes nothing."""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rbp
import rbp.io
from rbp.errors import BulkValidationError, RowError, ValidationError
from tests.databases import PlainSQL
from tests.pair_summaries import check_summaries, stored_summaries

TABLES = (
    "areas",
    "stakeholders",
    "stakeholder_areas",
    "stakeholder_tags",
    "officer_trainings",
    "relationships",
    "interactions",
    "interaction_participants",
    "tie_pairs",
    "tie_months",
)


def counts(sql: PlainSQL) -> dict[str, Any]:
    """Row counts, and the pair summaries themselves (a write may change a summary
    without adding a row)."""
    return {**{t: sql.count(t) for t in TABLES}, "summaries": stored_summaries(sql)}


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def seed(crm: rbp.Store, folder: Path) -> None:
    """Areas in child-before-parent order, an officer, members and an agency."""
    rbp.io.import_csv(
        crm,
        write(folder, "a.csv", "Beat,Up,Pop\nb-1,d-1,8200\nd-1,,\n"),
        "areas",
        columns={"key": "Beat", "parent": "Up", "population": "Pop"},
    )
    rbp.io.import_csv(
        crm,
        write(folder, "o.csv", "Badge,Unit,Beats,Training\nP1,CSP,b-1;d-1,cit (2025-01-02);de\n"),
        "officers",
        columns={"key": "Badge", "unit": "Unit", "areas": "Beats", "trainings": "Training"},
    )
    rbp.io.import_csv(
        crm,
        write(
            folder,
            "m.csv",
            "ID,Group,Beat,Rank,OK\nm-1,Mental Health,b-1,KEY,yes\nm-2,faith,b-1,,no\n",
        ),
        "MEMBERS",
        columns={
            "key": "ID",
            "sector": "Group",
            "area": "Beat",
            "priority": "Rank",
            "may_contact": "OK",
        },
    )
    rbp.io.import_csv(
        crm,
        write(folder, "g.csv", "key,sector,areas\norg-1,housing,d-1\n"),
        rbp.io.ImportKind.AGENCIES,
    )


def test_each_directory_kind_lands_as_plain_sql_shows(
    crm: rbp.Store, sql: PlainSQL, tmp_path: Path
) -> None:
    seed(crm, tmp_path)
    assert sql.rows("SELECT key, parent, population FROM areas ORDER BY key") == [
        ("b-1", "d-1", 8200),
        ("d-1", None, None),
    ]
    assert sql.rows("SELECT key, kind, unit FROM stakeholders WHERE kind = 'officer'") == [
        ("P1", "officer", "CSP")
    ]
    assert sql.rows("SELECT name, completed FROM officer_trainings ORDER BY name")[0][0] == "cit"
    assert (
        str(sql.rows("SELECT completed FROM officer_trainings WHERE name = 'cit'")[0][0])
        == "2025-01-02"
    )
    assert sql.rows(
        "SELECT key, sector, priority, may_contact FROM stakeholders WHERE kind = 'member' "
        "ORDER BY key"
    ) == [("m-1", "mental_health", "key", True), ("m-2", "faith", "regular", False)]
    assert sql.rows("SELECT stakeholder, area FROM stakeholder_areas ORDER BY 1, 2") == [
        ("P1", "b-1"),
        ("P1", "d-1"),
        ("m-1", "b-1"),
        ("m-2", "b-1"),
        ("org-1", "d-1"),
    ]
    rbp.io.import_csv(
        crm,
        write(tmp_path, "r.csv", "from,to,how,since\nm-1,org-1,Member Of,2025-01-01\n"),
        "relationships",
        columns={"a": "from", "b": "to", "kind": "how", "since": "since"},
    )
    assert sql.rows("SELECT a, b, kind FROM relationships") == [("m-1", "org-1", "member_of")]


def test_wide_interactions_read_zones_and_split_participants(
    crm: rbp.Store, sql: PlainSQL, tmp_path: Path
) -> None:
    seed(crm, tmp_path)
    path = write(
        tmp_path,
        "i.csv",
        "When,Who,What,Where\n"
        "2026-03-02 18:00,P1;m-1,meeting,b-1\n"
        "2026-03-03T10:00+00:00,P1 ; m-2;org-1,Call,\n"
        '"03/04/2026 09:30",m-1,call,\n',
    )
    with pytest.raises(BulkValidationError) as caught:  # line 4 is not ISO 8601
        rbp.io.import_csv(
            crm,
            path,
            "interactions",
            columns={"at": "When", "participants": "Who", "kind": "What", "areas": "Where"},
            tz="America/Chicago",
        )
    assert [(e.line, e.column) for e in caught.value.errors] == [(4, "When")]
    path = write(
        tmp_path, "i.csv", path.read_text().replace("03/04/2026 09:30", "2026-03-04 09:30")
    )
    with pytest.raises(BulkValidationError):
        rbp.io.import_csv(
            crm,
            path,
            "interactions",
            date_format="%Y-%m-%d %H:%M",
            columns={"at": "When", "participants": "Who", "kind": "What"},
        )
    report = rbp.io.import_csv(
        crm,
        path,
        "interactions",
        tz="America/Chicago",
        columns={"at": "When", "participants": "Who", "kind": "What", "areas": "Where"},
    )
    assert (report.rows, report.added) == (3, 3)
    # 18:00 in Chicago (CST, -6) is 00:00 UTC the next day; the aware time keeps its offset.
    rows = sql.rows("SELECT id, at, kind FROM interactions ORDER BY id")
    assert [r[2] for r in rows] == ["meeting", "call", "call"]
    assert rows[0][1] == 1772496000 * 10**6  # 2026-03-03 00:00 UTC
    assert rows[1][1] == 1772532000 * 10**6  # 2026-03-03 10:00 UTC
    assert sql.rows(
        "SELECT interaction_id, stakeholder FROM interaction_participants ORDER BY 1, 2"
    ) == [(1, "P1"), (1, "m-1"), (2, "P1"), (2, "m-2"), (2, "org-1"), (3, "m-1")]
    assert sql.count("interaction_areas") == 1
    assert sql.rows("SELECT officer, stakeholder, n FROM tie_pairs ORDER BY 1, 2") == [
        ("P1", "m-1", 1),
        ("P1", "m-2", 1),
        ("P1", "org-1", 1),
    ]
    check_summaries(sql)


def test_long_form_groups_rows_by_id(crm: rbp.Store, sql: PlainSQL, tmp_path: Path) -> None:
    seed(crm, tmp_path)
    path = write(
        tmp_path,
        "sheet.csv",
        "event,date,person\ne1,2026-03-02,P1\ne1,2026-03-02,m-1\ne1,,m-2\ne2,2026-03-05,m-2\n",
    )
    report = rbp.io.import_csv(
        crm,
        path,
        "interactions",
        columns={"id": "event", "at": "date", "participant": "person"},
        defaults={"kind": "community_event", "areas": "d-1"},
    )
    assert (report.rows, report.added) == (4, 2)
    assert sql.rows(
        "SELECT interaction_id, stakeholder FROM interaction_participants ORDER BY 1, 2"
    ) == [(1, "P1"), (1, "m-1"), (1, "m-2"), (2, "m-2")]
    assert sql.rows("SELECT DISTINCT kind FROM interactions") == [("community_event",)]
    assert sql.count("interaction_areas", "area = 'd-1'") == 2
    check_summaries(sql)
    bad = write(
        tmp_path,
        "bad.csv",
        "event,date,person\n"
        "e1,2026-03-02,P1\ne2,2026-03-02,m-1\ne1,2026-03-02,m-2\ne3,2026-03-09,nobody\n"
        "e4,2026-03-02,m-1\ne4,2026-03-03,m-2\n",
    )
    before = counts(sql)
    with pytest.raises(BulkValidationError) as caught:
        rbp.io.import_csv(
            crm,
            bad,
            "interactions",
            defaults={"kind": "meeting"},
            columns={"id": "event", "at": "date", "participant": "person"},
        )
    assert [(e.line, e.column) for e in caught.value.errors] == [
        (4, "event"),
        (5, "person"),
        (7, "date"),
    ]
    assert counts(sql) == before


def test_bad_files_name_lines_and_write_nothing(
    crm: rbp.Store, sql: PlainSQL, tmp_path: Path
) -> None:
    seed(crm, tmp_path)
    before = counts(sql)
    cases: list[tuple[bytes, list[tuple[int, str | None]]]] = [
        (b"key,sector\nm-5,faith\nm-6,faith,extra\nm-7\n", [(3, None), (4, None)]),
        ("key,name\nm-5,Jos\xe9\n".encode("latin-1"), [(2, None)]),
        (b"key,name\nm-5,a\nm-6,b\x00c\n", [(3, "name")]),
        (
            b'key,name\nm-5,"=HYPERLINK(""http://x"")"\nm-6,@SUM(A1)\nm-7,-2+3\n',
            [(2, "name"), (3, "name")],
        ),
        (b'key,sector\nm-5,"fa\nith"\nm-6,nope\n', [(2, "sector"), (4, "sector")]),
        (b"key,area\nm-1,b-1\nm-5,b-404\n", [(2, "key"), (3, "area")]),
    ]
    for data, where in cases:
        path = tmp_path / "bad.csv"
        path.write_bytes(data)
        with pytest.raises(BulkValidationError) as caught:
            rbp.io.import_csv(crm, path, "members")
        assert all(isinstance(e, RowError) for e in caught.value.errors)
        got = [(e.line, e.column) for e in caught.value.errors]
        assert got == where
        assert counts(sql) == before


def test_a_bom_is_dropped(crm: rbp.Store, sql: PlainSQL, tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbfkey,name\nb-9,Nine\n")
    rbp.io.import_csv(crm, path, "areas")
    assert sql.rows("SELECT key, name FROM areas") == [("b-9", "Nine")]


def test_mistakes_in_the_call_fail_before_any_work(
    crm: rbp.Store, sql: PlainSQL, tmp_path: Path
) -> None:
    path = write(tmp_path, "m.csv", "ID,Name\nm-1,A\n")
    for kwargs in (
        {"columns": {"key": "Id"}},
        {"columns": {"colour": "ID"}},
        {"defaults": {"sector": "astronaut"}},
        {},
    ):
        with pytest.raises(ValidationError) as caught:
            rbp.io.import_csv(crm, path, "members", **kwargs)
        assert not isinstance(caught.value, BulkValidationError)
    with pytest.raises(ValidationError, match="import kind"):
        rbp.io.import_csv(crm, path, "people", columns={"key": "ID"})
    assert sql.count("stakeholders") == 0


def test_dry_run_checks_unknown_keys_and_writes_nothing(
    crm: rbp.Store, sql: PlainSQL, tmp_path: Path
) -> None:
    seed(crm, tmp_path)
    before = counts(sql)
    good = write(tmp_path, "i.csv", "at,participants,kind\n2026-03-02,P1;m-1,meeting\n")
    report = rbp.io.import_csv(crm, good, "interactions", dry_run=True)
    assert (report.dry_run, report.added, report.records) == (True, 0, 1)
    assert counts(sql) == before
    bad = write(tmp_path, "j.csv", "at,participants,kind\n2026-03-02,P1;m-404,meeting\n")
    with pytest.raises(BulkValidationError) as caught:
        rbp.io.import_csv(crm, bad, "interactions", dry_run=True)
    assert [(e.line, e.column) for e in caught.value.errors] == [(2, "participants")]
    assert counts(sql) == before


def test_frames_import_like_files(crm: rbp.Store, sql: PlainSQL) -> None:
    df = pd.DataFrame(
        {
            "Badge": ["P1", "P2", "P3"],
            "Since": [pd.Timestamp("2025-01-01"), pd.NaT, None],
            "Active": [True, False, True],
        }
    )
    report = rbp.io.import_frame(
        crm, df, "officers", columns={"key": "Badge", "since": "Since", "active": "Active"}
    )
    assert report.added == 3
    assert sql.rows("SELECT key, active FROM stakeholders ORDER BY key") == [
        ("P1", True),
        ("P2", False),
        ("P3", True),
    ]
    assert sql.count("stakeholders", "since IS NOT NULL") == 1
    frame = report.to_frame()
    assert list(frame.columns) == ["what", "value"]
    assert "<table" in report._repr_html_()


_cell = st.text(alphabet=string.ascii_letters + string.digits + "-;=@ ", max_size=8)


@settings(
    derandomize=True,
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    junk=st.lists(st.tuples(_cell, _cell, _cell), min_size=1, max_size=6),
    where=st.lists(st.integers(0, 6), max_size=6),
)
def test_junk_rows_are_named_by_line(
    crm: rbp.Store,
    sql: PlainSQL,
    tmp_path: Path,
    junk: list[tuple[str, str, str]],
    where: list[int],
) -> None:
    """Junk rows mixed among good ones: the error names every junk row's line (a row is
    junk when its at is not a time) and nothing is written."""
    if sql.count("stakeholders") == 0:
        crm.directory.add_many([rbp.Officer("P1"), rbp.CommunityMember("m-1")])
    before = counts(sql)
    lines = ["at,participants,kind"]
    junk_lines: list[int] = []
    good = iter(range(1, 100))
    for i, (a, b, c) in enumerate(junk):
        for _ in range(where[i] if i < len(where) else 0):
            lines.append(f"2026-01-{next(good) % 28 + 1:02d},P1;m-1,meeting")
        lines.append(f'"x{a}","{b}","{c}"')
        junk_lines.append(len(lines))
    path = write(tmp_path, "junk.csv", "\n".join(lines) + "\n")
    with pytest.raises(BulkValidationError) as caught:
        rbp.io.import_csv(crm, path, "interactions")
    named = {e.line for e in caught.value.errors}
    assert named == set(junk_lines)
    assert all(e.column in ("at", "participants", "kind") for e in caught.value.errors)
    assert counts(sql) == before
