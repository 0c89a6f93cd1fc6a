"""Colours and words a person reads: one colour-blind-safe palette for every diagram
and page, and numbers, shares and counts written for people ("22", "49 %",
"1 stakeholder").

The named colours are the Okabe–Ito palette, which readers with any common colour
vision deficiency can tell apart. Coverage is shown on one five-step scale (a
colour-blind-safe red–yellow–blue ramp: red is thin coverage, blue is good), with
the text colour that stays legible on each step. Good / watch / act use three of
the named colours, and every place that uses them also says the word, so colour is
never the only sign.
"""

from __future__ import annotations

import math

__all__ = [
    "COVERAGE_SCALE",
    "PALETTE",
    "STATUS_COLOURS",
    "count",
    "coverage_colours",
    "number",
    "percent",
]

PALETTE: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "grey": "#999999",
}
"""The Okabe–Ito colours by name, plus a neutral grey."""

STATUS_COLOURS: dict[str, str] = {
    "good": PALETTE["bluish_green"],
    "watch": PALETTE["orange"],
    "act": PALETTE["vermillion"],
}
"""The colour of a headline figure's judgement; always shown beside the word."""

COVERAGE_SCALE: tuple[tuple[float, str, str], ...] = (
    (0.0, "#d7191c", "#ffffff"),
    (0.2, "#fdae61", "#000000"),
    (0.4, "#ffffbf", "#000000"),
    (0.6, "#abd9e9", "#000000"),
    (0.8, "#2c7bb6", "#ffffff"),
)
"""Coverage steps, lowest first: (the least ratio of the step, fill, text colour)."""


def coverage_colours(ratio: float | None) -> tuple[str, str]:
    """The fill and text colour of a coverage ratio on :data:`COVERAGE_SCALE`.

    Parameters
    ----------
    ratio
        Covered / total, 0 to 1; None (nobody to cover) is grey.

    Returns
    -------
    tuple[str, str]
        The fill and the text colour, as ``#rrggbb``.

    Examples
    --------
    >>> coverage_colours(0.1), coverage_colours(0.95)
    (('#d7191c', '#ffffff'), ('#2c7bb6', '#ffffff'))
    >>> coverage_colours(None)
    ('#f0f0f0', '#555555')
    """
    if ratio is None or math.isnan(ratio):
        return "#f0f0f0", "#555555"
    fill, font = COVERAGE_SCALE[0][1:]
    for least, step_fill, step_font in COVERAGE_SCALE:
        if ratio >= least:
            fill, font = step_fill, step_font
    return fill, font


def number(value: float | None, *, digits: int = 1) -> str:
    """A number for people: whole numbers without decimals, others to ``digits``.

    Parameters
    ----------
    value
        The number; None is shown as an en dash.
    digits
        Decimal places for a number that is not whole.

    Returns
    -------
    str
        The number, with thousands separated by commas.

    Examples
    --------
    >>> number(22.0), number(1234567), number(2.345), number(None)
    ('22', '1,234,567', '2.3', '–')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.{digits}f}"


def percent(ratio: float | None) -> str:
    """A ratio (0 to 1) as a whole percentage: ``0.487`` is ``"49 %"``.

    Parameters
    ----------
    ratio
        The ratio; None is shown as an en dash.

    Returns
    -------
    str
        The percentage, rounded to a whole number.

    Examples
    --------
    >>> percent(0.487), percent(1.0), percent(None)
    ('49 %', '100 %', '–')
    """
    if ratio is None or math.isnan(ratio):
        return "–"
    return f"{round(ratio * 100):d} %"


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and the noun, singular or plural: ``"1 stakeholder"``, ``"3 plans"``.

    Parameters
    ----------
    n
        How many.
    noun
        The singular noun.
    plural
        The plural when it is not the noun plus "s" (or "es" after s, x, ch, sh).

    Returns
    -------
    str
        The count with thousands separated by commas, and the noun.

    Examples
    --------
    >>> count(1, "stakeholder"), count(3, "plan"), count(0, "area"), count(2, "beat")
    ('1 stakeholder', '3 plans', '0 areas', '2 beats')
    >>> count(2, "match"), count(1200, "community member"), count(2, "person", "people")
    ('2 matches', '1,200 community members', '2 people')
    """
    if n == 1:
        return f"1 {noun}"
    if plural is None:
        plural = noun + ("es" if noun.endswith(("s", "x", "ch", "sh")) else "s")
    return f"{n:,} {plural}"
