"""Tables for notebooks: pandas frames (optional extra), escaped HTML, standalone pages."""

from __future__ import annotations

import enum
import html
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import pendulum

from rbp.errors import RbpError

if TYPE_CHECKING:
    import pandas as pd

    from rbp._html import Diagrams

__all__ = ["RecordList", "frame", "html_table", "plain"]


def plain(value: Any) -> Any:
    """A cell value fit for a frame or a table: enums by value, keys as they are."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple | frozenset | set):
        return ", ".join(str(plain(v)) for v in value)
    return value


def frame(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    """A pandas DataFrame of ``rows`` with ``columns`` (in that order)."""
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is installed with rbp[pandas]
        raise RbpError("to_frame() needs pandas: pip install 'rbp[pandas]'") from None
    data = {c: [plain(r.get(c)) for r in rows] for c in columns}
    out = pd.DataFrame(data, columns=list(columns))
    for c in columns:
        if rows and isinstance(rows[0].get(c), pendulum.DateTime):
            out[c] = pd.to_datetime(out[c], utc=True)
    return out


def html_table(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    *,
    title: str | None = None,
    limit: int = 50,
) -> str:
    """An HTML table with every cell escaped; at most ``limit`` rows, saying how many more."""
    esc = html.escape
    head = "".join(f"<th>{esc(str(c))}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{esc(_cell(r.get(c)))}</td>" for c in columns) + "</tr>"
        for r in rows[:limit]
    )
    more = len(rows) - limit
    foot = f"<p><i>{more} more rows; use to_frame() for all</i></p>" if more > 0 else ""
    caption = f"<h4>{esc(title)}</h4>" if title else ""
    return (
        f'<div class="rbp-table">{caption}<table><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>{foot}</div>"
    )


def _cell(value: Any) -> str:
    value = plain(value)
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, pendulum.DateTime):
        return value.format("YYYY-MM-DD HH:mm")
    return str(value)


class RecordList(tuple):  # type: ignore[type-arg]
    """A tuple of attrs records that shows as a table in notebooks and makes a frame.

    ``columns`` names the fields shown, in order.
    """

    columns: tuple[str, ...] = ()
    title: str = ""

    def __new__(
        cls, items: Iterable[Any] = (), *, columns: Sequence[str] = (), title: str = ""
    ) -> RecordList:
        self = super().__new__(cls, items)
        self.columns = tuple(columns)
        self.title = title
        return self

    def _rows(self) -> list[dict[str, Any]]:
        return [attrs.asdict(x, recurse=False) for x in self]

    def to_frame(self) -> pd.DataFrame:
        """The records as a pandas frame, one row each."""
        return frame(self._rows(), self.columns)

    def _repr_html_(self) -> str:
        return html_table(self._rows(), self.columns, title=f"{self.title} ({len(self)})")

    def to_html(
        self,
        path: str | Path,
        *,
        diagrams: Diagrams = None,
        as_of: pendulum.DateTime | None = None,
    ) -> Path:
        """Write the records as a standalone HTML page and return its path.

        Parameters
        ----------
        path : str or Path
            The file to write (parent folders are made).
        diagrams : mapping or iterable of graphviz objects, optional
            Inlined as SVG when Graphviz's ``dot`` is installed.
        as_of : DateTime, optional
            The time the records answer for, printed under the title.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> Row = attrs.make_class("Row", ["key", "count"], frozen=True)
        >>> rows = RecordList([Row("a<b", 2)], columns=("key", "count"), title="Rows")
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     text = rows.to_html(pathlib.Path(tmp) / "r.html").read_text(encoding="utf-8")
        >>> "<td>a&lt;b</td>" in text
        True
        """
        from rbp._html import write_page

        title = self.title or "Records"
        return write_page(
            path, title, [(title, self._repr_html_())], as_of=as_of, diagrams=diagrams
        )
