"""Errors raised by rbp.

Every error derives from :class:`RbpError` and also from the builtin that matches
it, so ``except KeyError`` keeps working for code that does not know rbp. Each
carries the context that explains it (``.key``, ``.field``, ``.row``) and a
message that says what to do.

::

    RbpError
    ├── ValidationError (ValueError)          a value is not acceptable
    │   ├── NaiveDatetimeError                a datetime without a time zone
    │   ├── BulkValidationError               one or more items of a bulk call; .errors lists them
    │   └── RowError                          a bad row of an imported file (.line, .column)
    ├── UnknownKeyError (KeyError)            no stakeholder, area, plan, ... with that key
    ├── DuplicateKeyError (ValueError)        the key is taken already
    ├── IntegrityError (ValueError)           a cycle, a dangling link
    ├── TransitionError (ValueError)          a phase or status change that is not allowed
    └── StoreError (RuntimeError)             the database cannot be opened or migrated
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "BulkValidationError",
    "DuplicateKeyError",
    "IntegrityError",
    "NaiveDatetimeError",
    "RbpError",
    "RowError",
    "StoreError",
    "TransitionError",
    "UnknownKeyError",
    "ValidationError",
]


class RbpError(Exception):
    """Root of every error rbp raises.

    Parameters
    ----------
    message
        What was wrong and what to do about it.
    key
        The key (stakeholder, area, plan, ...) the error is about.
    field
        The field that holds the bad value.
    row
        The zero-based position of the item in a bulk call.
    """

    def __init__(
        self,
        message: str,
        *,
        key: str | None = None,
        field: str | None = None,
        row: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.key = key
        self.field = field
        self.row = row

    def __str__(self) -> str:
        return self.message

    def with_row(self, row: int) -> RbpError:
        """Return a copy of this error that names the position ``row`` of a bulk call."""
        clone = type(self).__new__(type(self))
        RbpError.__init__(
            clone, f"item {row}: {self.message}", key=self.key, field=self.field, row=row
        )
        return clone


class ValidationError(RbpError, ValueError):
    """A value is not acceptable: empty key, unknown enum value, bad number, ..."""


class NaiveDatetimeError(ValidationError):
    """A datetime has no time zone. Pass an aware ``pendulum.DateTime`` instead."""


class UnknownKeyError(RbpError, KeyError):
    """No record has that key. Add it first, or check the spelling."""

    def __str__(self) -> str:  # KeyError would quote the message
        return self.message


class DuplicateKeyError(RbpError, ValueError):
    """The key is already used by another record. Keys are unique across stakeholders."""


class IntegrityError(RbpError, ValueError):
    """The change would break the data: a cycle in the area tree, a link to nothing."""


class TransitionError(RbpError, ValueError):
    """A phase or status change that the transition table does not allow."""


class StoreError(RbpError, RuntimeError):
    """The database cannot be opened, migrated or written."""


class BulkValidationError(ValidationError):
    """A bulk call had bad items; nothing was written.

    ``errors`` holds one :class:`RbpError` per bad item, each with its ``row``.
    """

    def __init__(self, what: str, errors: Sequence[RbpError], *, shown: int = 20) -> None:
        self.errors: tuple[RbpError, ...] = tuple(errors)
        lines = [str(e) for e in self.errors[:shown]]
        more = len(self.errors) - len(lines)
        if more > 0:
            lines.append(f"... and {more} more")
        message = (
            f"{what}: {len(self.errors)} bad item(s), nothing was written; "
            "fix them and run the whole call again:\n  " + "\n  ".join(lines)
        )
        first = self.errors[0] if self.errors else None
        super().__init__(
            message,
            key=first.key if first else None,
            field=first.field if first else None,
            row=first.row if first else None,
        )


class RowError(ValidationError):
    """A bad row of an imported file: ``line`` (the header is line 1) and ``column``
    (the file's header, or None when the whole row is bad) say where.

    ``row`` holds the line too, so code that reads ``row`` of any bulk error works.
    """

    def __init__(
        self,
        message: str,
        *,
        line: int,
        column: str | None = None,
        key: str | None = None,
        field: str | None = None,
    ) -> None:
        where = f"line {line}" + ("" if column is None else f", column {column!r}")
        super().__init__(f"{where}: {message}", key=key, field=field, row=line)
        self.line = line
        self.column = column
