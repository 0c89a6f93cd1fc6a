"""The one record-list type every collection result is, and lazy rows of records."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, overload

import attrs
import pendulum

from rbp._render._report import Renderable, Report, Table

__all__ = ["RecordList", "Rows"]


class Rows(Sequence[Mapping[str, Any]]):
    """Attrs records seen as rows (field name to value), each made when it is read, so a
    notebook that shows ten rows of a long list converts ten; ``order`` lists the
    records' positions in the order to show them.

    Parameters
    ----------
    records
        The attrs records.
    order
        Positions of ``records`` in the order to show them; default their own order.

    Examples
    --------
    >>> Row = attrs.make_class("Row", ["key", "count"], frozen=True)
    >>> rows = Rows([Row("a", 1), Row("b", 2)])
    >>> len(rows), rows[1], rows[:1]
    (2, {'key': 'b', 'count': 2}, [{'key': 'a', 'count': 1}])
    """

    def __init__(self, records: Sequence[Any], *, order: Sequence[int] | None = None) -> None:
        self._records = records
        self._order = order

    def __len__(self) -> int:
        return len(self._records if self._order is None else self._order)

    @overload
    def __getitem__(self, i: int) -> Mapping[str, Any]: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Mapping[str, Any]]: ...
    def __getitem__(self, i: int | slice) -> Mapping[str, Any] | Sequence[Mapping[str, Any]]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        at = i if self._order is None else self._order[i]
        return attrs.asdict(self._records[at], recurse=False)


class RecordList(Renderable, tuple):  # type: ignore[type-arg]
    """A tuple of attrs records that shows as a table and makes a frame.

    ``columns`` names the fields shown, in order (fields not named, such as notes,
    are never shown); ``title`` names the list; ``as_of`` is the time it answers for.

    Examples
    --------
    >>> Row = attrs.make_class("Row", ["key", "count"], frozen=True)
    >>> rows = RecordList([Row("a<b", 2)], columns=("key", "count"), title="Rows")
    >>> rows[0].count, len(rows)
    (2, 1)
    >>> rows
    RecordList: Rows
    Rows (1 row)
      key  count
      a<b      2
    >>> "<td>a&lt;b</td>" in rows.to_html()
    True
    """

    columns: tuple[str, ...]
    title: str
    as_of: pendulum.DateTime | None

    def __new__(
        cls,
        items: Iterable[Any] = (),
        *,
        columns: Sequence[str] = (),
        title: str = "",
        as_of: pendulum.DateTime | None = None,
    ) -> RecordList:
        self = super().__new__(cls, items)
        self.columns = tuple(columns)
        self.title = title
        self.as_of = as_of
        return self

    def _report(self) -> Report:
        title = self.title or "Records"
        return Report(
            title,
            as_of=self.as_of,
            tables=(Table(title, self.columns, Rows(self)),),
        )
