"""Import from CSV files and pandas frames: :func:`import_csv`, :func:`import_frame`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rbp import _args
from rbp.errors import ValidationError
from rbp.io._fields import ImportKind, Parse, kind_of
from rbp.io._load import Plan, load
from rbp.io._report import ImportReport
from rbp.io._source import FileRows, FrameRows

if TYPE_CHECKING:
    from rbp.store import Store

__all__ = ["import_csv", "import_frame"]


def _parse(crm: Store, tz: str | None, date_format: str | None, separator: str) -> Parse:
    if tz is None:
        tz = crm.tz
    if not isinstance(tz, str):
        raise TypeError(f"tz must be a time zone name, got {type(tz).__name__}")
    import pendulum

    try:
        pendulum.timezone(tz)
    except Exception:
        raise ValidationError(f"tz {tz!r} is not a known time zone", field="tz") from None
    if date_format is not None and not isinstance(date_format, str):
        raise TypeError(f"date_format must be a strptime format, got {type(date_format).__name__}")
    if not isinstance(separator, str) or not separator:
        raise ValidationError("separator must be a non-empty string", field="separator")
    return Parse(tz=tz, date_format=date_format, separator=separator)


def _mapping(value: Any, name: str) -> Mapping[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a mapping of field names, got {type(value).__name__}")
    for k in value:
        if not isinstance(k, str):
            raise TypeError(f"{name} keys must be field names (str), got {k!r}")
    return value


def import_csv(
    crm: Store,
    path: str | Path,
    kind: ImportKind | str,
    *,
    columns: Mapping[str, str] | None = None,
    defaults: Mapping[str, Any] | None = None,
    tz: str | None = None,
    date_format: str | None = None,
    separator: str = ";",
    encoding: str = "utf-8",
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Load a CSV file of one kind of record into the store: all of it, or nothing.

    Parameters
    ----------
    crm
    path
        The file; its first line names the columns. A UTF-8 byte-order mark is dropped.
    kind
        ``"areas"``, ``"officers"``, ``"members"``, ``"agencies"``, ``"relationships"``
        or ``"interactions"`` (any case).
    columns
        rbp's field name -> the file's header (one header may feed two fields). A
        field whose name is a header needs no entry.
    defaults
        Values for fields the file lacks (or leaves empty).
    tz
        The zone of naive times in the file (default: the store's); times with an
        offset keep it.
    date_format
        A :func:`~datetime.datetime.strptime` format for times (default: ISO 8601).
    separator
        Splits list cells (participants, areas, tags, topics, trainings).
    encoding
        The file's text encoding. A byte-order mark overrides it (UTF-8, UTF-16,
        UTF-32), and a header line with tabs and no comma makes the file
        tab-separated, so a spreadsheet's "Unicode text" export (UTF-16, tabs)
        imports as it is.
    dry_run
        Check everything (unknown keys too) and write nothing.
    progress
        Called with the number of rows read so far, every 10,000 rows and at the end
        (the ``rbp import`` command draws its progress bar with it).

    Returns
    -------
    ImportReport
        ``rows`` read, records ``added`` (0 in a dry run), ``records`` made.

    Raises
    ------
    ValidationError
        Before any work: an unknown kind or field, a mapping to a missing column, a
        required field with neither column nor default, an unreadable header.
    BulkValidationError
        Bad rows; ``errors`` holds a :class:`~rbp.errors.RowError` per problem, with
        its ``line`` (the header is line 1) and ``column``. Nothing was written.

    Notes
    -----
    Interactions come one row each (a ``participants`` column split by
    ``separator``) or one row per participant (long form: map ``id`` and
    ``participant``; consecutive rows with one id make one interaction, whose other
    fields come from its first row). An empty cell is a missing value; enum values
    are read by name or value in any case; yes/no, true/false and 1/0 are flags; a
    training is ``name`` or ``name (YYYY-MM-DD)``; ``duration`` is seconds. A cell
    that a spreadsheet would run as a formula is a bad row.

    Examples
    --------
    >>> import pathlib, tempfile, rbp, rbp.io
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "beats.csv").write_text("Beat,Parent\\nb-1,d-1\\nd-1,\\n")
    >>> _ = (folder / "people.csv").write_text(
    ...     "ID,Group,Beat\\nm-1,Faith,b-1\\nm-2,youth,b-1\\n")
    >>> _ = (folder / "sheet.csv").write_text(
    ...     "event,date,person\\ne1,2026-03-02 18:00,m-1\\ne1,2026-03-02 18:00,m-2\\n")
    >>> new = rbp.open(tz="America/Chicago")
    >>> rbp.io.import_csv(new, folder / "beats.csv", "areas",
    ...                   columns={"key": "Beat", "parent": "Parent"}).added
    2
    >>> rbp.io.import_csv(new, folder / "people.csv", "members",
    ...                   columns={"key": "ID", "sector": "Group", "area": "Beat"}).added
    2
    >>> r = rbp.io.import_csv(new, folder / "sheet.csv", "interactions",
    ...                       columns={"id": "event", "at": "date", "participant": "person"},
    ...                       defaults={"kind": "community_event"})
    >>> r.rows, r.added
    (2, 1)
    >>> _ = (folder / "bad.csv").write_text("ID,Group\\nm-3,faith\\nm-4,astronaut\\n")
    >>> try:
    ...     rbp.io.import_csv(new, folder / "bad.csv", "members",
    ...                       columns={"key": "ID", "sector": "Group"})
    ... except rbp.errors.BulkValidationError as exc:
    ...     print(exc.errors[0].line, exc.errors[0].column)
    3 Group
    """
    the_kind = kind_of(kind)
    parse = _parse(crm, tz, date_format, separator)
    columns = _mapping(columns, "columns")
    defaults = _mapping(defaults, "defaults")
    dry = _args.flag(dry_run, "dry_run")
    if not isinstance(encoding, str):
        raise TypeError(f"encoding must be a str, got {type(encoding).__name__}")
    if not isinstance(path, str | Path):
        raise TypeError(f"path must be a str or Path, got {type(path).__name__}")
    rows = FileRows(path, encoding=encoding)
    try:
        plan = Plan(the_kind, rows.header, columns, defaults, parse)
    except BaseException:
        rows.close()
        raise
    if progress is not None and not callable(progress):
        raise TypeError(f"progress must be callable, got {type(progress).__name__}")
    return load(crm, plan, rows, dry_run=dry, source=Path(path).name, progress=progress)


def import_frame(
    crm: Store,
    df: Any,
    kind: ImportKind | str,
    *,
    columns: Mapping[str, str] | None = None,
    defaults: Mapping[str, Any] | None = None,
    tz: str | None = None,
    date_format: str | None = None,
    separator: str = ";",
    dry_run: bool = False,
) -> ImportReport:
    """Load a pandas DataFrame of one kind of record; as :func:`import_csv` for a file.

    Cells may be text (read as in a CSV file) or values (numbers, booleans,
    timestamps; lists for list fields); NaN, None, NA and NaT are missing. An error's
    ``line`` is the row's position + 2, its line if the frame were written with
    ``df.to_csv(index=False)``.

    Parameters
    ----------
    crm
        The store to load into.
    df
        The frame (a pandas.DataFrame), one record per row.
    kind
        As for :func:`import_csv`.
    columns
        As for :func:`import_csv`.
    defaults
        As for :func:`import_csv`.
    tz
        As for :func:`import_csv`.
    date_format
        As for :func:`import_csv`.
    separator
        As for :func:`import_csv`.
    dry_run
        As for :func:`import_csv`.

    Returns
    -------
    ImportReport

    Raises
    ------
    ValidationError
        An unknown kind or field, a mapping to a missing column.
    BulkValidationError
        Bad rows, each a :class:`~rbp.errors.RowError`; nothing was written.

    Examples
    --------
    >>> import pandas as pd, rbp, rbp.io
    >>> new = rbp.open()
    >>> df = pd.DataFrame({"Badge": ["P1", "P2"], "Unit": ["CSP", None]})
    >>> rbp.io.import_frame(new, df, "officers", columns={"key": "Badge", "unit": "Unit"})
    ImportReport(kind='officers', rows=2, added=2, dry_run=False)
    >>> new.directory.get("P2").unit is None
    True
    """
    the_kind = kind_of(kind)
    parse = _parse(crm, tz, date_format, separator)
    rows = FrameRows(df)
    plan = Plan(
        the_kind, rows.header, _mapping(columns, "columns"), _mapping(defaults, "defaults"), parse
    )
    return load(crm, plan, rows, dry_run=_args.flag(dry_run, "dry_run"), source="frame")
