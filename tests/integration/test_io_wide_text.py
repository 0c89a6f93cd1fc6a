"""Text in UTF-16 and UTF-32 (a spreadsheet's "Unicode text" export: UTF-16 with a
byte-order mark, tab-separated, CRLF lines) imports like UTF-8; a bad byte in it names
its line and writes nothing. Checked against plain SQL."""

from __future__ import annotations

from pathlib import Path

import pytest

import rbp
import rbp.io
from rbp.errors import BulkValidationError, ValidationError
from tests.databases import PlainSQL
from tests.integration.test_io_import import counts, seed
from tests.pair_summaries import check_summaries

NAMES = {"b-7": "Beat é", "b-8": "漢字 ’north’", "b-9": "Nine, with a comma"}
BOMS = {
    "utf-16-le": b"\xff\xfe",
    "utf-16-be": b"\xfe\xff",
    "utf-32-le": b"\xff\xfe\x00\x00",
    "utf-32-be": b"\x00\x00\xfe\xff",
}


def seed_areas(folder: Path) -> Path:
    path = folder / "seed.csv"
    path.write_bytes(b"key,name\nb-1,One\n")
    return path


def unicode_text(names: dict[str, str], encoding: str, *, bom: bool = True) -> bytes:
    """Areas as a spreadsheet writes "Unicode text": tabs, CRLF, quoted where needed."""
    lines = ["key\tname"] + [f'{k}\t"{v}"' if "," in v else f"{k}\t{v}" for k, v in names.items()]
    body = "\r\n".join(lines) + "\r\n"
    return (BOMS[encoding] if bom else b"") + body.encode(encoding)


@pytest.mark.parametrize("encoding", sorted(BOMS))
def test_the_byte_order_mark_decides_the_encoding(
    crm: rbp.Store, sql: PlainSQL, tmp_path: Path, encoding: str
) -> None:
    path = tmp_path / "areas.txt"
    path.write_bytes(unicode_text(NAMES, encoding))
    report = rbp.io.import_csv(crm, path, "areas")  # encoding= left at utf-8
    assert (report.rows, report.added) == (3, 3)
    assert dict(sql.rows("SELECT key, name FROM areas")) == NAMES


def test_utf16_without_a_mark_needs_the_encoding_named(
    crm: rbp.Store, sql: PlainSQL, tmp_path: Path
) -> None:
    path = tmp_path / "areas.txt"
    path.write_bytes(unicode_text(NAMES, "utf-16-le", bom=False))
    with pytest.raises(ValidationError):  # NUL bytes everywhere: not UTF-8 text
        rbp.io.import_csv(crm, path, "areas")
    assert sql.count("areas") == 0
    rbp.io.import_csv(crm, path, "areas", encoding="utf-16-le")
    assert dict(sql.rows("SELECT key, name FROM areas")) == NAMES


def test_an_interaction_sheet_in_unicode_text(
    crm: rbp.Store, sql: PlainSQL, tmp_path: Path
) -> None:
    seed(crm, tmp_path)
    text = (
        "When\tWho\tWhat\r\n"
        "2026-03-02 18:00\tP1;m-1\tmeeting\r\n"
        "2026-03-05 09:30\tP1;m-2;org-1\tcall\r\n"
    )
    path = tmp_path / "sheet.txt"
    path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    report = rbp.io.import_csv(
        crm, path, "interactions", columns={"at": "When", "participants": "Who", "kind": "What"}
    )
    assert (report.rows, report.added) == (2, 2)
    assert sql.rows(
        "SELECT interaction_id, stakeholder FROM interaction_participants ORDER BY 1, 2"
    ) == [(1, "P1"), (1, "m-1"), (2, "P1"), (2, "m-2"), (2, "org-1")]
    assert sql.rows("SELECT kind FROM interactions ORDER BY id") == [("meeting",), ("call",)]
    check_summaries(sql)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le"])
@pytest.mark.parametrize("bad_line", [2, 3, 4])
def test_a_bad_code_unit_names_its_line_and_nothing_is_written(
    crm: rbp.Store, sql: PlainSQL, tmp_path: Path, encoding: str, bad_line: int
) -> None:
    rbp.io.import_csv(crm, seed_areas(tmp_path), "areas")
    before = counts(sql)
    rows = ["key,name", "b-7,Seven", "b-8,Eight", "b-9,Nine"]
    data = BOMS[encoding]
    lone_surrogate = {"utf-16-le": b"\x00\xd8", "utf-16-be": b"\xd8\x00"}
    for number, row in enumerate(rows, start=1):
        data += row.encode(encoding)
        if number == bad_line:  # a lone surrogate (UTF-16), a code point past U+10FFFF (32)
            data += lone_surrogate.get(encoding, b"\x00\x00\x11\x00")
        data += "\n".encode(encoding)
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(BulkValidationError) as caught:
        rbp.io.import_csv(crm, path, "areas")
    assert [e.line for e in caught.value.errors] == [bad_line]
    assert counts(sql) == before


def test_a_cut_off_file_names_its_last_line(crm: rbp.Store, sql: PlainSQL, tmp_path: Path) -> None:
    path = tmp_path / "cut.txt"
    path.write_bytes(b"\xff\xfe" + "key,name\nb-7,Seven\n".encode("utf-16-le") + b"b")
    with pytest.raises(BulkValidationError) as caught:
        rbp.io.import_csv(crm, path, "areas")
    assert [e.line for e in caught.value.errors] == [3]
    assert sql.count("areas") == 0


def test_tabs_split_only_a_header_without_commas(
    crm: rbp.Store, sql: PlainSQL, tmp_path: Path
) -> None:
    path = tmp_path / "areas.csv"
    path.write_bytes(b"key,name\nb-7,Tab\there\n")
    rbp.io.import_csv(crm, path, "areas")
    assert sql.rows("SELECT key, name FROM areas") == [("b-7", "Tab\there")]


def test_a_codec_that_is_not_text_is_refused(crm: rbp.Store, tmp_path: Path) -> None:
    path = tmp_path / "areas.csv"
    path.write_bytes(b"key,name\nb-7,Seven\n")
    with pytest.raises(ValidationError) as caught:
        rbp.io.import_csv(crm, path, "areas", encoding="rot13")
    assert caught.value.field == "encoding"
