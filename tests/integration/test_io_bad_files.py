"""Bad files and frames, generated: always a BulkValidationError naming lines, never a
traceback from csv or pandas, never a partial load (checked by counting rows in plain SQL).

* Lines of random bytes (quotes, NUL, CR, bytes that are not UTF-8, separators) among
  good rows of an interactions file.
* Text written in one encoding and read in another (UTF-8, Latin-1, cp1252, UTF-16,
  UTF-8 with a byte-order mark): it loads when the encodings agree and the text fits,
  and otherwise fails naming a line, writing nothing.
* Frames with cells of any Python type (bytes, dicts, lists, NaN, infinities, huge
  numbers, naive timestamps) in rows whose time can never be read: exactly those rows
  are named.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rbp
import rbp.io
from rbp.errors import BulkValidationError, RowError, ValidationError
from tests.integration.conftest import ReusedDatabase
from tests.pair_summaries import check_summaries, stored_summaries

TABLES = (
    "interactions",
    "interaction_participants",
    "tie_pairs",
    "tie_months",
    "stakeholders",
    "audit_log",
)
GOOD = b"2026-01-05 10:00,P1;m-1,meeting\n"
SETTINGS = settings(
    derandomize=True,
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _store(db: ReusedDatabase) -> rbp.Store:
    crm = db.store()
    crm.directory.add_many([rbp.Officer("P1"), rbp.CommunityMember("m-1")])
    return crm


def _counts(db: ReusedDatabase) -> dict[str, Any]:
    """Row counts, and the pair summaries themselves (a write may change a summary
    without adding a row)."""
    return {**{t: db.sql.count(t) for t in TABLES}, "summaries": stored_summaries(db.sql)}


_junk_line = st.binary(max_size=40).map(lambda b: b.replace(b"\n", b" ") + b"\n")


@SETTINGS
@given(
    lines=st.lists(st.one_of(st.just(GOOD), _junk_line), min_size=1, max_size=8),
    bad_at=st.integers(0, 8),
)
def test_random_bytes_never_escape_as_anything_but_named_lines(
    reused_db: ReusedDatabase,
    tmp_path_factory: pytest.TempPathFactory,
    lines: list[bytes],
    bad_at: int,
) -> None:
    crm = _store(reused_db)
    before = _counts(reused_db)
    # One line that can never load (its time is "x"), so every file here is bad.
    lines.insert(min(bad_at, len(lines)), b"x,P1;m-1,meeting\n")
    data = b"at,participants,kind\n" + b"".join(lines)
    path = tmp_path_factory.mktemp("junk") / "junk.csv"
    path.write_bytes(data)
    with pytest.raises(BulkValidationError) as caught:
        rbp.io.import_csv(crm, path, "interactions")
    assert caught.value.errors
    physical = data.count(b"\n")
    for error in caught.value.errors:
        assert isinstance(error, RowError)
        assert error.line is not None
        assert 2 <= error.line <= physical + 1
        assert f"line {error.line}" in str(caught.value)
    assert _counts(reused_db) == before


ENCODINGS = ("utf-8", "latin-1", "cp1252", "utf-16", "utf-8-sig")
_names = (
    st.text(
        alphabet=st.sampled_from(["a", "Z", "é", "ß", "€", "漢", "\u2019", " ", "-"]),
        min_size=1,
        max_size=6,
    )
    .map(str.strip)
    .filter(bool)
)


@SETTINGS
@given(
    names=st.lists(_names, min_size=1, max_size=5, unique=True),
    written=st.sampled_from(ENCODINGS),
    read=st.sampled_from(ENCODINGS),
)
def test_a_file_in_another_encoding_loads_whole_or_names_a_line(
    reused_db: ReusedDatabase,
    tmp_path_factory: pytest.TempPathFactory,
    names: list[str],
    written: str,
    read: str,
) -> None:
    crm = reused_db.store()
    text = "key,name\n" + "".join(f"b-{i},{n}\n" for i, n in enumerate(names))
    try:
        data = text.encode(written)
    except UnicodeEncodeError:
        return  # this text does not fit the encoding: no such file
    path = tmp_path_factory.mktemp("enc") / "areas.csv"
    path.write_bytes(data)
    failure: Exception | None = None
    try:
        report = rbp.io.import_csv(crm, path, "areas", encoding=read)
    except ValidationError as exc:  # bad rows, or a header that cannot be read: named
        failure = exc
    if failure is not None:
        if isinstance(failure, BulkValidationError):
            assert all(isinstance(e, RowError) and e.line for e in failure.errors)
        assert reused_db.sql.count("areas") == 0
        return
    # It loaded: then it loaded whole, and what plain SQL reads back is what was meant
    # when the encodings agree (a BOM is dropped whatever the spelling).
    assert report.added == len(names) == reused_db.sql.count("areas")
    same = written == read or {written, read} == {"utf-8", "utf-8-sig"}
    if same:
        stored = dict(reused_db.sql.rows("SELECT key, name FROM areas"))
        assert stored == {f"b-{i}": n for i, n in enumerate(names)}


_junk_value = st.one_of(
    st.binary(max_size=5),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
    st.lists(st.integers(), max_size=3),
    st.floats(),  # NaN, infinities, any number: never a time
    st.integers(min_value=-(2**70), max_value=2**70),
    st.booleans(),
    st.text(max_size=6).map(lambda s: "x" + s),
    st.just(pd.NaT),
    st.none(),
)
_any_cell = st.one_of(
    _junk_value,
    st.just("P1;m-1"),
    st.just("meeting"),
    st.just(pd.Timestamp("2026-01-05 10:00")),
)


@SETTINGS
@given(
    rows=st.lists(
        st.tuples(st.booleans(), _junk_value, _any_cell, _any_cell), min_size=1, max_size=8
    )
)
def test_junk_frames_name_exactly_the_junk_rows(
    reused_db: ReusedDatabase, rows: list[tuple[bool, Any, Any, Any]]
) -> None:
    crm = _store(reused_db)
    before = _counts(reused_db)
    records = []
    junk_lines = set()
    for pos, (good, at, who, kind) in enumerate(rows):
        if good:
            records.append(
                {"When": pd.Timestamp("2026-01-05 10:00"), "Who": "P1;m-1", "Kind": "call"}
            )
        else:
            records.append({"When": at, "Who": who, "Kind": kind})
            junk_lines.add(pos + 2)
    df = pd.DataFrame(records, columns=["When", "Who", "Kind"], dtype=object)
    columns = {"at": "When", "participants": "Who", "kind": "Kind"}
    if not junk_lines:
        report = rbp.io.import_frame(crm, df, "interactions", columns=columns)
        assert report.added == len(rows) == reused_db.sql.count("interactions")
        check_summaries(reused_db.sql)
        return
    with pytest.raises(BulkValidationError) as caught:
        rbp.io.import_frame(crm, df, "interactions", columns=columns)
    assert {e.line for e in caught.value.errors} == junk_lines
    assert all(isinstance(e, RowError) for e in caught.value.errors)
    assert _counts(reused_db) == before
