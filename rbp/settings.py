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
from collections.abc import Callable, Mapping
from typing import Any

import attrs
import pendulum

from rbp.errors import ValidationError
from rbp.model import Priority, Sector
from rbp.model import _fields as f
from rbp.model._engagement import ServiceLevel
from rbp.model._fields import check_key, enum_value

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


def _levels(value: Any) -> dict[str, ServiceLevel]:
    if not isinstance(value, Mapping) or not all(
        isinstance(v, ServiceLevel) for v in value.values()
    ):
        raise ValidationError(
            "service_levels must be a mapping of category to ServiceLevel",
            field="service_levels",
        )
    return {check_key(k, "service_levels"): v for k, v in value.items()}


def _level(value: Any) -> ServiceLevel:
    if not isinstance(value, ServiceLevel):
        raise ValidationError("service_level must be a ServiceLevel", field="service_level")
    return value


def _span(field: str) -> Callable[[Any], dt.timedelta]:
    """A duration from 0 to a century, named ``field`` in the error."""

    def check(value: Any) -> dt.timedelta:
        if not (
            isinstance(value, dt.timedelta)
            and dt.timedelta(0) <= value <= dt.timedelta(days=MAX_DAYS)
        ):
            raise ValidationError(
                f"{field} must be a duration from 0 to {MAX_DAYS} days", field=field
            )
        return value

    return check


def _retry(value: Any) -> dt.timedelta:
    if not isinstance(value, dt.timedelta) or not (
        dt.timedelta(0) < value <= dt.timedelta(days=MAX_DAYS)
    ):
        raise ValidationError(
            f"retry_after must be a positive duration of at most {MAX_DAYS} days",
            field="retry_after",
        )
    return value


def _delay(value: Any) -> dt.timedelta:
    if not isinstance(value, dt.timedelta) or not (
        dt.timedelta(0) <= value <= dt.timedelta(days=MAX_DAYS)
    ):
        raise ValidationError(
            f"the duration must be from 0 to {MAX_DAYS} days", field="survey_delay"
        )
    return value


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
    agency : str
        The agency's name as messages sign it.
    agency_contact : str
        What a HELP answer says (how to reach the agency).
    survey_delay : duration
        A survey invitation goes no earlier than this after the contact (default 24 h).
    quiet_start, quiet_end : int
        Hours of the agency's clock between which nothing is delivered (21 and 8).
    max_attempts : int
        Sends of a message before it is marked failed (default 5).
    retry_after : duration
        The wait before the first retry; each later wait doubles (default 5 minutes).
    service_level : ServiceLevel
        Acknowledge and resolve targets of a concern (2 and 30 days by default).
    service_levels : dict of str to ServiceLevel
        Targets of particular categories, in place of ``service_level``.
    policy_grace : duration
        How long an officer has to acknowledge a policy version once it is in force
        (or once they joined, if later) before they are out of currency (default 30 days).
    due_soon : duration
        A required course whose renewal falls within this is due soon (default 60 days).

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
    agency: str = attrs.field(default="Police Department", converter=f.text(80))
    agency_contact: str = attrs.field(
        default="Call 311 or visit the front desk of your district station.",
        converter=f.text(120),
    )
    survey_delay: dt.timedelta = attrs.field(
        factory=lambda: pendulum.duration(hours=24), converter=_delay
    )
    quiet_start: int = attrs.field(default=21, converter=f.whole(23))
    quiet_end: int = attrs.field(default=8, converter=f.whole(23))
    max_attempts: int = attrs.field(default=5, converter=f.whole(100, minimum=1))
    retry_after: dt.timedelta = attrs.field(
        factory=lambda: pendulum.duration(minutes=5), converter=_retry
    )
    service_level: ServiceLevel = attrs.field(factory=ServiceLevel, converter=_level)
    service_levels: dict[str, ServiceLevel] = attrs.field(factory=dict, converter=_levels)
    policy_grace: dt.timedelta = attrs.field(
        factory=lambda: pendulum.duration(days=30), converter=_span("policy_grace")
    )
    due_soon: dt.timedelta = attrs.field(
        factory=lambda: pendulum.duration(days=60), converter=_span("due_soon")
    )

    def cadence_days(self, priority: Priority) -> int:
        """Days between contacts for ``priority``."""
        return self.cadence[priority]

    def target(self, category: str) -> ServiceLevel:
        """The service level of concerns of ``category``."""
        return self.service_levels.get(category, self.service_level)

    def quiet(self, hour: int) -> bool:
        """Whether ``hour`` of the agency's clock is in the quiet hours."""
        start, end = self.quiet_start, self.quiet_end
        if start == end:
            return False
        return start <= hour or hour < end if start > end else start <= hour < end
