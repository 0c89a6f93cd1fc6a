"""The shared field rules (rbp.model._fields) and the boundary checks (rbp._args).

One factory serves any field and names the field from the attribute itself.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

import rbp
from rbp import _args
from rbp.model import _fields as f

T0 = pendulum.datetime(2026, 3, 2, 9, tz="America/Chicago")


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


@attrs.frozen
class Sample:
    where: str = attrs.field(converter=f.key())
    other: str | None = attrs.field(default=None, converter=f.key(optional=True))
    places: tuple[str, ...] = attrs.field(default=(), converter=f.keys())
    label: str = attrs.field(default="", converter=f.text(10, none_is_empty=True))
    memo: str | None = attrs.field(default=None, converter=f.text(10, optional=True))
    lines: tuple[str, ...] = attrs.field(default=(), converter=f.texts(10))
    when: pendulum.DateTime | None = attrs.field(default=None, converter=f.time())
    colour: Colour = attrs.field(default=Colour.RED, converter=f.choice(Colour))
    colours: tuple[Colour, ...] = attrs.field(default=(), converter=f.choices(Colour))
    shown: bool = attrs.field(default=True, converter=f.flag())
    score: float = attrs.field(default=0.0, converter=f.number())
    count: int | None = attrs.field(default=None, converter=f.whole(99, optional=True))
    renamed: str = attrs.field(default="k", converter=f.key(name="called"))


BAD: list[tuple[str, Any]] = [
    ("where", ""),
    ("where", 17),
    ("other", " padded"),
    ("places", ("ok", "bad\n")),
    ("places", 5),
    ("label", "x" * 11),
    ("label", 3),
    ("memo", "a\x00b"),
    ("lines", ("fine", "\ud800")),
    ("when", dt.datetime(2026, 1, 1)),
    ("when", "2026-01-01"),
    ("colour", "green"),
    ("colour", []),
    ("colours", ("red", "green")),
    ("shown", 1),
    ("score", float("nan")),
    ("score", True),
    ("count", 100),
    ("count", -1),
    ("count", 1.0),
]


@pytest.mark.parametrize(("field", "value"), BAD)
def test_each_rule_names_the_attribute_it_checks(field: str, value: Any) -> None:
    with pytest.raises(rbp.ValidationError) as info:
        Sample(**{"where": "k", field: value})
    assert info.value.field == field


def test_a_rule_may_name_its_field_itself() -> None:
    with pytest.raises(rbp.ValidationError) as info:
        Sample("k", renamed="")
    assert info.value.field == "called"


def test_text_errors_never_repeat_the_text() -> None:
    with pytest.raises(rbp.ValidationError) as info:
        Sample("k", memo="secret\x00")
    assert "secret" not in str(info.value)


def test_normal_forms() -> None:
    s = Sample(
        "k",
        places=("b", "a", "b"),
        label=None,
        lines="one",
        colour="blue",
        colours=("blue", Colour.RED, "blue"),
        score=3,
        when=T0,
    )
    assert s.places == ("a", "b")
    assert s.label == ""
    assert s.lines == ("one",)
    assert s.colour is Colour.BLUE
    assert s.colours == (Colour.BLUE, Colour.RED)  # sorted by value, no repeats
    assert s.score == 3.0
    assert isinstance(s.score, float)
    assert s.when == T0


@given(st.lists(st.sampled_from(["x", "y", "z"]), max_size=6))
def test_keys_are_a_sorted_set(values: list[str]) -> None:
    assert Sample("k", places=values).places == tuple(sorted(set(values)))


# ----------------------------------------------------------------------------- _args


@pytest.mark.parametrize("value", ["red", "RED", "Red", Colour.RED])
def test_choice_takes_members_and_values_in_any_case(value: Any) -> None:
    assert _args.choice(Colour, value, "colour") is Colour.RED


@pytest.mark.parametrize("value", ["green", "", None, 1, []])
def test_choice_refuses_anything_else_naming_the_argument(value: Any) -> None:
    with pytest.raises(rbp.ValidationError) as info:
        _args.choice(Colour, value, "colour")
    assert info.value.field == "colour"


@pytest.mark.parametrize(
    ("check", "value", "error"),
    [
        (lambda v: _args.number(v, "value"), "3", TypeError),
        (lambda v: _args.number(v, "value"), float("inf"), rbp.ValidationError),
        (
            lambda v: _args.record_id(v, "relationship", maximum=2**31 - 1),
            2**40,
            rbp.ValidationError,
        ),
        (lambda v: _args.record_id(v, "relationship"), 0, rbp.ValidationError),
        (lambda v: _args.zone(v), "Mars/Olympus", rbp.ValidationError),
        (lambda v: _args.zone(v), 5, TypeError),
        (lambda v: _args.path(v), "a\x00b", rbp.ValidationError),
        (lambda v: _args.path(v), 5, TypeError),
        (lambda v: _args.text(v, "note", 5), "toolong", rbp.ValidationError),
        (lambda v: _args.instance(v, dict, "labels"), [], TypeError),
        (lambda v: _args.limit(v), 2**70, rbp.ValidationError),
    ],
)
def test_boundary_refusals(check: Any, value: Any, error: type[Exception]) -> None:
    with pytest.raises(error) as info:
        check(value)
    if error is TypeError:
        assert any(n in str(info.value) for n in ("value", "tz", "path", "labels"))


def test_zone_returns_the_canonical_name() -> None:
    assert _args.zone("America/Chicago") == "America/Chicago"


def _key_by_hand(value: str) -> bool:
    """A key is good when it is 1-200 characters, none a control character (C0 or DEL)
    or a lone surrogate, with no white space (as ``str.isspace`` says) at either end."""
    return (
        0 < len(value) <= f.MAX_KEY_LENGTH
        and not value[0].isspace()
        and not value[-1].isspace()
        and all(not (c < " " or c == "\x7f" or "\ud800" <= c <= "\udfff") for c in value)
    )


_KEY_CHARS = st.sampled_from(
    ["a", "Z", "-", "0", " ", "\t", "\n", "\x1c", "\x1f", "\x7f", "\x85", "\xa0", "\u2003",
     "\u3000", "\ufeff", "\ud800", "\udfff", "é", "漢", "\U0001f600", "\x00"]
)  # fmt: skip


@given(
    st.one_of(
        st.text(_KEY_CHARS, max_size=8),
        st.text(max_size=12),
        st.integers(195, 205).flatmap(lambda n: st.just("k" * n)),
        st.tuples(_KEY_CHARS, st.text(_KEY_CHARS, max_size=3), _KEY_CHARS).map("".join),
    )
)
def test_check_key_accepts_exactly_the_good_keys(value: str) -> None:
    """The one-match fast path and the named refusals agree with the rule by hand."""
    if _key_by_hand(value):
        assert f.check_key(value, "where") == value
        assert Sample(value).where == value
    else:
        with pytest.raises(rbp.ValidationError) as info:
            f.check_key(value, "where")
        assert info.value.field == "where"


@given(st.lists(st.one_of(st.text(_KEY_CHARS, max_size=5), st.integers()), max_size=4))
def test_good_keys_is_every_key_good(values: list[Any]) -> None:
    """The one-match check of many keys agrees with the rule by hand on each."""
    expected = bool(values) and all(isinstance(v, str) and _key_by_hand(v) for v in values)
    assert f.good_keys(tuple(values)) is expected
    if expected:
        assert Sample("w", places=tuple(values)).places == tuple(sorted(set(values)))
