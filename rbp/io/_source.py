"""Rows of a CSV file or a pandas frame, each with the line it came from.

A file is read lazily, one row at a time, through :mod:`csv` (so a quoted newline
counts as a line, as a spreadsheet shows it). What makes a whole file unreadable
(a wrong encoding, a NUL byte, a cell over the size limit) raises :class:`UnreadableError`
naming the line; what makes one row bad (too many or too few cells, a formula)
comes with the row as a :class:`~rbp.errors.RowError`.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rbp.errors import RowError, ValidationError

__all__ = ["FileRows", "FrameRows", "Row", "UnreadableError", "escape", "unescape"]

Row = tuple[int, dict[str, Any], list[RowError]]
"""(line, cells by header with None for an empty cell, what is wrong with the row)."""

# A cell a spreadsheet would run: =, @, or +/- before a function name or a reference.
_FORMULA = re.compile(r"^[\t\r]*(?:[=@]|[+-]\s*[A-Za-z_(])")
_RISKY = ("=", "+", "-", "@", "\t", "\r", "'")
_STARTS = frozenset("=+-@\t\r")
_RISKY_START = re.compile("\x00[=+\\-@\t\r]")  # some cell of a NUL-joined row starts so
# A byte-order mark names the encoding whatever ``encoding=`` says (UTF-32 before UTF-16:
# its little-endian mark starts with UTF-16's).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def escape(cell: str) -> str:
    """A cell made safe for a spreadsheet: one starting with ``= + - @``, a tab, a
    carriage return or a quote gets a ``'`` in front (:func:`unescape` undoes it)."""
    return "'" + cell if cell.startswith(_RISKY) else cell


def unescape(cell: str) -> str:
    """Undo :func:`escape`."""
    return cell[1:] if cell.startswith("'") else cell


class UnreadableError(Exception):
    """The file cannot be read past ``line``; carries the RowError that says why."""

    def __init__(self, error: RowError) -> None:
        super().__init__(str(error))
        self.error = error


class FileRows:
    """The rows of a CSV file; the header is read when made (line 1).

    Parameters
    ----------
    path
        The CSV file.
    encoding
        The file's text encoding. A byte-order mark (UTF-8, UTF-16 or UTF-32, little- or
        big-endian) overrides it and is dropped, so a spreadsheet's "Unicode text"
        export reads as it is.
    own
        The file is one rbp wrote: cells escaped by :func:`escape` are restored;
        otherwise a formula cell is a bad row.
    """

    def __init__(self, path: str | Path, *, encoding: str, own: bool = False) -> None:
        self.path = Path(path)
        self.own = own
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise ValidationError(f"encoding {encoding!r} is not known", field="encoding") from None
        self.encoding = codecs.lookup(encoding).name
        try:
            "\n".encode(self.encoding)
        except LookupError:  # a bytes-to-bytes or text-to-text codec
            raise ValidationError(
                f"encoding {encoding!r} is not a text encoding", field="encoding"
            ) from None
        self._physical = 0
        try:
            self._file = open(self.path, "rb")  # noqa: SIM115
        except OSError as exc:
            raise ValidationError(
                f"cannot read {self.path}: {exc.strerror}", field="path"
            ) from None
        head = self._file.peek(4)[:4]
        for bom, name in _BOMS:
            if head.startswith(bom):
                self.encoding = name
                self._file.read(len(bom))
                break
        else:
            if self.encoding in ("utf-16", "utf-32"):  # no mark: little-endian, as Windows
                self.encoding += "-le"
        lines = self._lines() if "\n".encode(self.encoding) == b"\n" else self._wide_lines()
        try:
            # The header line decides the delimiter: tabs and no comma is tab-separated.
            first = next(lines, None)
            delimiter = "\t" if first and "\t" in first and "," not in first else ","
            rest = lines if first is None else itertools.chain((first,), lines)
            self._reader = csv.reader(rest, delimiter=delimiter, strict=True)
            header = self._next()
        except UnreadableError as exc:
            self.close()
            raise ValidationError(str(exc.error), field="path") from None
        if header is None:
            self.close()
            raise ValidationError(f"{self.path.name} is empty: no header line", field="path")
        self.header = tuple(h.strip() for h in header)
        _check_header(self.header, self.path.name)

    def _lines(self) -> Iterator[str]:
        # Decoding line by line names the line of a bad byte exactly. Every encoding a
        # CSV file is found in (UTF-8, Latin-1, cp1252, ...) keeps b"\n" as the newline.
        encoding = self.encoding
        for raw in self._file:
            self._physical += 1
            try:
                yield raw.decode(encoding)
            except UnicodeDecodeError as exc:
                raise self._undecodable(exc) from None

    def _wide_lines(self) -> Iterator[str]:
        # UTF-16 and UTF-32 spell the newline in two or four bytes: the file's b"\n"
        # bytes only cut it into pieces, which an incremental decoder joins into text.
        decoder = codecs.getincrementaldecoder(self.encoding)()
        pending = ""
        for raw in itertools.chain(self._file, (None,)):
            failure = None
            try:
                pending += decoder.decode(b"", final=True) if raw is None else decoder.decode(raw)
            except UnicodeDecodeError as exc:
                # The lines before the bad bytes are whole: give them, then fail.
                pending += codecs.decode(bytes(exc.object[: exc.start]), self.encoding)
                failure = exc
            *lines, pending = pending.split("\n")
            for line in lines:
                self._physical += 1
                yield line + "\n"
            if failure is not None:
                self._physical += 1
                raise self._undecodable(failure, at_byte=False)
        if pending:
            self._physical += 1
            yield pending

    def _undecodable(self, exc: UnicodeDecodeError, *, at_byte: bool = True) -> UnreadableError:
        where = f" at byte {exc.start}" if at_byte else ""
        return UnreadableError(
            RowError(
                f"the line is not {self.encoding} text ({exc.reason}{where}); "
                "pass the file's encoding=",
                line=self._physical,
            )
        )

    def _next(self) -> list[str] | None:
        try:
            return next(self._reader)
        except StopIteration:
            return None
        except csv.Error as exc:
            raise UnreadableError(
                RowError(f"the file cannot be read as CSV: {exc}", line=self._physical)
            ) from None

    def close(self) -> None:
        """Close the file (the rows end)."""
        self._file.close()

    def __iter__(self) -> Iterator[Row]:
        header, own = self.header, self.own
        try:
            width = len(header)
            end = self._reader.line_num
            while (cells := self._next()) is not None:
                line, end = end + 1, self._reader.line_num  # a row's first line
                if not cells or (len(cells) == 1 and not cells[0].strip() and width > 1):
                    continue  # a blank line
                problems: list[RowError] = []
                if len(cells) != width:
                    problems.append(
                        RowError(f"the row has {len(cells)} cells, the header {width}", line=line)
                    )
                if own:
                    cells = [unescape(c) for c in cells]
                elif _RISKY_START.search("\x00" + "\x00".join(cells)):
                    yield line, self._formulas(line, cells, problems), problems
                    continue
                # One comprehension per row: an empty or blank cell is a missing value.
                row = {n: c if c.strip() else None for n, c in zip(header, cells, strict=False)}
                yield line, row, problems
        finally:
            self.close()

    def _formulas(self, line: int, cells: list[str], problems: list[RowError]) -> dict[str, Any]:
        """The cells of a row where some cell starts like a formula; formulas are problems."""
        row: dict[str, Any] = {}
        for name, cell in zip(self.header, cells, strict=False):
            if cell[:1] in _STARTS and _FORMULA.match(cell):
                problems.append(
                    RowError(
                        "the cell holds a spreadsheet formula; give the value itself",
                        line=line,
                        column=name,
                    )
                )
                continue
            row[name] = cell if cell.strip() else None
        return row


class FrameRows:
    """The rows of a pandas frame; a row's line is its position + 2 (as if the frame
    were written to CSV with a header and no index)."""

    def __init__(self, df: Any) -> None:
        import pandas as pd

        if not isinstance(df, pd.DataFrame):
            raise TypeError(f"df must be a pandas DataFrame, got {type(df).__name__}")
        for c in df.columns:
            if not isinstance(c, str):
                raise ValidationError(f"column {c!r} is not a name; name every column", field="df")
        self.header = tuple(str(c).strip() for c in df.columns)
        _check_header(self.header, "the frame")
        self._df = df

    def __iter__(self) -> Iterator[Row]:
        for pos, values in enumerate(self._df.itertuples(index=False, name=None)):
            row = {name: _native(v) for name, v in zip(self.header, values, strict=True)}
            yield pos + 2, row, []


def _native(value: Any) -> Any:
    """A frame cell as a plain Python value; missing values (NaN, NA, NaT, "") as None."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, str):
        return value if value.strip() else None
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return None
        if isinstance(value, pd.Timestamp):
            return value.to_pydatetime()
    except ImportError:  # pragma: no cover - a frame implies pandas
        pass
    if hasattr(value, "item") and not isinstance(value, list | tuple):
        value = value.item()  # numpy scalars
        if isinstance(value, float) and math.isnan(value):
            return None
    return value


def _check_header(header: tuple[str, ...], where: str) -> None:
    seen: set[str] = set()
    for name in header:
        if not name:
            raise ValidationError(f"{where} has a column with no header on line 1", field="path")
        if name in seen:
            raise ValidationError(f"{where} has two columns named {name!r}", field="path")
        seen.add(name)
