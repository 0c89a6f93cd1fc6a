"""The store's tunable definitions: tie half-life, contact cadences, group limits.

Examples
--------
>>> import pendulum
>>> from rbp.settings import Settings
>>> from rbp import Priority
>>> s = Settings(half_life=pendulum.duration(days=60), cadence={Priority.KEY: 14})
>>> s.cadence_days(Priority.KEY), s.cadence_days(Priority.LOW)
(14, 180)
"""

# mypy: disable-error-code="misc"
# (mypy's attrs plugin does not read attrs.Converter(..., takes_field=True) yet.)
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs
import pendulum

from rbp.errors import ValidationError
from rbp.model import Priority, Sector
from rbp.model import _fields as f
from rbp.model._fields import enum_value

__all__ = ["DEFAULT_EXPECTED_SECTORS", "Settings"]

DEFAULT_EXPECTED_SECTORS: tuple[Sector, ...] = (
    Sector.RESIDENT,
    Sector.FAITH,
    Sector.BUSINESS,
    Sector.YOUTH,
    Sector.EDUCATION,
    Sector.SOCIAL_SERVICES,
)


MAX_DAYS = 36_525
"""The longest half-life or cadence, in days: a century is already the whole record."""
MAX_COUNT = 1_000_000
"""The largest group size and response threshold."""


def _half_life(value: Any) -> dt.timedelta:
    if not isinstance(value, dt.timedelta) or not (
        dt.timedelta(0) < value <= dt.timedelta(days=MAX_DAYS)
    ):
        raise ValidationError(
            f"half_life must be a positive duration of at most {MAX_DAYS} days", field="half_life"
        )
    return value


def _cadence(value: Any) -> dict[Priority, int]:
    if not isinstance(value, Mapping):
        raise ValidationError(
            f"cadence must be a mapping of Priority to days, got {type(value).__name__}",
            field="cadence",
        )
    out = {p: p.cadence_days for p in Priority}
    for key, days in value.items():
        if isinstance(days, bool) or not isinstance(days, int) or not 0 < days <= MAX_DAYS:
            raise ValidationError(
                f"cadence for {key!r:.60} must be a whole number of days from 1 to {MAX_DAYS}",
                field="cadence",
            )
        out[enum_value(Priority, "cadence")(key)] = days
    return out


@attrs.frozen(kw_only=True)
class Settings:
    """Definitions every metric uses; pass to ``rbp.open(settings=...)``.

    Attributes
    ----------
    half_life : duration
        Tie strength halves every ``half_life`` (default 90 days).
    cadence : dict of Priority to int
        Days between contacts a relationship needs: key 30, regular 90, low 180.
    max_group : int
        Interactions with more participants than this make no community-to-community
        edges in the graph (a festival does not mean everyone knows everyone).
    min_responses : int
        Survey scores with fewer responses than this are suppressed (None).
    expected_sectors : tuple of Sector
        Sectors a gap report expects in every area that does not name its own.

    Examples
    --------
    >>> from rbp.settings import Settings
    >>> s = Settings(half_life=pendulum.duration(days=60), cadence={"key": 14})
    >>> s.half_life.days, s.cadence[rbp.Priority.KEY], s.max_group
    (60, 14, 25)
    >>> rbp.open(settings=s).settings.half_life.days
    60
    """

    half_life: dt.timedelta = attrs.field(
        factory=lambda: pendulum.duration(days=90), converter=_half_life
    )
    cadence: dict[Priority, int] = attrs.field(factory=dict, converter=_cadence)
    max_group: int = attrs.field(default=25, converter=f.whole(MAX_COUNT, minimum=1))
    min_responses: int = attrs.field(default=5, converter=f.whole(MAX_COUNT, minimum=1))
    expected_sectors: tuple[Sector, ...] = attrs.field(
        default=DEFAULT_EXPECTED_SECTORS, converter=f.choices(Sector, ordered=True)
    )

    def cadence_days(self, priority: Priority) -> int:
        """Days between contacts for ``priority``."""
        return self.cadence[priority]
