"""Cell values: what a frame holds and what a table or a line of text shows."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pendulum

from rbp.errors import RbpError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["cell_text", "frame", "is_number", "plain", "rows_text", "window_text"]


def plain(value: Any) -> Any:
    """A cell value fit for a frame or a table: enums by value, collections joined.

    Parameters
    ----------
    value
        Any field value of a record.

    Returns
    -------
    Any
        The value as a frame or table shows it.

    Examples
    --------
    >>> from rbp.model import Sector
    >>> plain(Sector.FAITH), plain(("a", "b")), plain(3)
    ('faith', 'a, b', 3)
    """
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple | frozenset | set | list):
        return ", ".join(str(plain(v)) for v in value)
    return value


def is_number(value: Any) -> bool:
    """True for ints and floats (not bools), which tables align right."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def cell_text(value: Any, *, width: int | None = None) -> str:
    """The text a table shows for ``value``, cut to ``width`` characters when given.

    Parameters
    ----------
    value
        A cell value.
    width
        At most this many characters (the last one an ellipsis when cut).

    Returns
    -------
    str
        The text of the cell.

    Examples
    --------
    >>> import pendulum
    >>> cell_text(None), cell_text(0.12345), cell_text(42.0)
    ('—', '0.123', '42')
    >>> cell_text(pendulum.datetime(2026, 1, 2, 3, 4))
    '2026-01-02 03:04'
    >>> cell_text("abcdefghij", width=6)
    'abcde…'
    """
    value = plain(value)
    if value is None:
        text = "—"
    elif isinstance(value, float):
        text = f"{value:.0f}" if value.is_integer() and abs(value) < 1e15 else f"{value:.3f}"
    elif isinstance(value, pendulum.DateTime):
        text = value.format("YYYY-MM-DD HH:mm")
    else:
        text = str(value)
    if width is not None and len(text) > width:
        return text[: width - 1] + "…"
    return text


def rows_text(n: int) -> str:
    """``"1 row"``, ``"2 rows"``.

    Parameters
    ----------
    n
        How many rows.

    Returns
    -------
    str
        The count with its noun.

    Examples
    --------
    >>> rows_text(1), rows_text(1298)
    ('1 row', '1,298 rows')
    """
    return f"{n:,} row" if n == 1 else f"{n:,} rows"


def window_text(window: Any) -> str | None:
    """How a report's window reads: ``"90 days"``; None when the report has none.

    A number is taken as days.

    Parameters
    ----------
    window
        A duration, a number of days, or None.

    Returns
    -------
    str or None
        The window as text.

    Examples
    --------
    >>> import pendulum
    >>> window_text(pendulum.duration(days=90)), window_text(30.0), window_text(None)
    ('90 days', '30 days', None)
    >>> window_text(pendulum.duration(hours=36))
    '1.5 days'
    """
    if window is None:
        return None
    if isinstance(window, dt.timedelta):
        days = window.total_seconds() / 86_400
    elif is_number(window):
        days = float(window)
    else:
        return str(window)
    return f"{days:g} day" if days == 1 else f"{days:g} days"


def frame(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    """A pandas DataFrame of ``rows`` with ``columns`` (in that order); times as UTC.

    Parameters
    ----------
    rows
        The rows, as mappings of column to value.
    columns
        The columns, in order.

    Returns
    -------
    pandas.DataFrame
        One row per item of ``rows``.

    Examples
    --------
    >>> frame([{"key": "a", "n": 1}], ["key", "n"]).to_dict("records")
    [{'key': 'a', 'n': 1}]
    """
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is installed with rbp[pandas]
        raise RbpError("to_frame() needs pandas: pip install 'rbp[pandas]'") from None
    data = {c: [plain(r.get(c)) for r in rows] for c in columns}
    out = pd.DataFrame(data, columns=list(columns))
    for c in columns:
        if len(rows) and isinstance(rows[0].get(c), dt.datetime):
            out[c] = pd.to_datetime(out[c], utc=True)
    return out
