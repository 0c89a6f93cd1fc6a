"""Every rbp error derives from RbpError and from the builtin that matches it."""

from __future__ import annotations

import pytest

import rbp
from rbp import errors

BUILTIN_OF = {
    rbp.ValidationError: ValueError,
    rbp.NaiveDatetimeError: ValueError,
    rbp.BulkValidationError: ValueError,
    rbp.RowError: ValueError,
    rbp.UnknownKeyError: KeyError,
    rbp.DuplicateKeyError: ValueError,
    rbp.IntegrityError: ValueError,
    rbp.TransitionError: ValueError,
    rbp.StoreError: RuntimeError,
}


@pytest.mark.parametrize(("cls", "builtin"), BUILTIN_OF.items(), ids=lambda c: c.__name__)
def test_error_inherits_rbp_error_and_its_builtin(cls: type, builtin: type) -> None:
    assert issubclass(cls, rbp.RbpError)
    assert issubclass(cls, builtin)
    assert cls.__doc__


def test_every_error_class_is_covered() -> None:
    exported = {getattr(rbp, n) for n in errors.__all__} - {rbp.RbpError}
    assert exported == set(BUILTIN_OF)


def test_naive_datetime_error_is_a_validation_error() -> None:
    assert issubclass(rbp.NaiveDatetimeError, rbp.ValidationError)
    assert issubclass(rbp.BulkValidationError, rbp.ValidationError)


@pytest.mark.parametrize("cls", [rbp.RbpError, *BUILTIN_OF], ids=lambda c: c.__name__)
def test_error_carries_key_field_row(cls: type[rbp.RbpError]) -> None:
    if cls is rbp.BulkValidationError:
        exc = cls("add_many", [rbp.ValidationError("bad", key="k", field="f", row=3)])
        assert exc.errors[0].row == 3
    elif cls is rbp.RowError:
        exc = cls("what went wrong", line=3, column="Beat", key="k", field="f")
        assert str(exc) == "line 3, column 'Beat': what went wrong"
        assert (exc.line, exc.column) == (3, "Beat")
    else:
        exc = cls("what went wrong", key="k", field="f", row=3)
        assert str(exc) == "what went wrong"
    assert (exc.key, exc.field, exc.row) == ("k", "f", 3)


def test_context_defaults_to_none() -> None:
    exc = rbp.RbpError("x")
    assert (exc.key, exc.field, exc.row) == (None, None, None)


def test_unknown_key_error_message_is_not_quoted() -> None:
    exc = rbp.UnknownKeyError("no stakeholder 'm-9'", key="m-9")
    assert str(exc) == "no stakeholder 'm-9'"
    with pytest.raises(KeyError):
        raise exc


def test_with_row_names_the_position() -> None:
    exc = rbp.DuplicateKeyError("key taken", key="m-1", field="key").with_row(4)
    assert isinstance(exc, rbp.DuplicateKeyError)
    assert (exc.row, exc.key, exc.field) == (4, "m-1", "key")
    assert str(exc).startswith("item 4:")


def test_bulk_error_lists_every_item_and_says_nothing_was_written() -> None:
    items = [rbp.ValidationError(f"item {i}: bad", row=i, key=f"k{i}") for i in range(25)]
    exc = rbp.BulkValidationError("add_many", items)
    assert len(exc.errors) == 25
    for part in ("25 bad item(s)", "nothing was written", "item 19: bad", "... and 5 more"):
        assert part in str(exc)
    assert (exc.row, exc.key) == (0, "k0")


def test_catching_by_builtin_works() -> None:
    with pytest.raises(ValueError, match="naive"):
        rbp.CommunityMember("m-1", since=__import__("datetime").datetime(2026, 1, 1))
