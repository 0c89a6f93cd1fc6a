# mypy: disable-error-code="misc"
# mypy's attrs plugin does not read attrs.Converter(..., takes_field=True) yet; every field
# rule lives in rbp.model._fields.
"""Accountability domain: published policies with their versions, required courses.

A :class:`Policy` is one version of a directive (its key names the directive, its
``version`` the edition); a :class:`Course` is a training requirement, whose key is the
name of the officers' :class:`~rbp.Training` records that satisfy it.

Examples
--------
>>> import pendulum
>>> from rbp.accountability import Course, Policy
>>> p = Policy("use-of-force", title="Use of force", version="2026.1",
...            effective=pendulum.datetime(2026, 1, 1, tz="UTC"))
>>> p.key, p.version, p.url
('use-of-force', '2026.1', None)
>>> Course("de-escalation", title="De-escalation", every=pendulum.duration(days=365)).days
365
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pendulum

from rbp._time import MICROS_PER_DAY, duration_micros
from rbp.errors import ValidationError
from rbp.model import _fields as f

__all__ = ["MAX_COURSE_DAYS", "MAX_SUMMARY", "MAX_URL", "MAX_VERSION", "Course", "Policy"]

MAX_VERSION = 100
"""Characters of a policy version ("2026.1", "rev. 4")."""

MAX_URL = 2000
"""Characters of a policy's public address."""

MAX_SUMMARY = 4000
"""Characters of a policy's public summary."""

MAX_COURSE_DAYS = 36_525
"""The longest renewal period: a century."""


def _url(value: Any) -> str | None:
    if value is None:
        return None
    text = f.check_text(value, "url", MAX_URL)
    if not text.startswith(("https://", "http://")):
        raise ValidationError(
            f"url must be a public http(s) address, got {text[:60]!r}", field="url"
        )
    return text


@attrs.frozen
class Policy:
    """One published version of a directive (use of force, duty to intervene, ...).

    Everything in a policy is public: the policy list with its versions goes into the
    transparency report as it is.

    Parameters
    ----------
    key : str
        The directive ("use-of-force"); every version of it shares the key.
    title : str
        Its title as the public sees it.
    version : str
        The edition ("2026.1"); unique within the directive.
    effective : DateTime
        When this version takes force (aware); the version in force at T is the one with
        the latest ``effective`` at or before T.
    url : str, optional
        Where the public can read it (http or https).
    summary : str, optional
        A public summary of what it says.

    Examples
    --------
    >>> p = Policy("duty-to-intervene", title="Duty to intervene", version="1",
    ...            effective=pendulum.datetime(2026, 2, 1, tz="UTC"),
    ...            url="https://agency.example/dti")
    >>> p.title, p.effective.month
    ('Duty to intervene', 2)
    """

    key: str = attrs.field(converter=f.key())
    title: str = attrs.field(kw_only=True, converter=f.text(300))
    version: str = attrs.field(kw_only=True, converter=f.text(MAX_VERSION))
    effective: pendulum.DateTime = attrs.field(kw_only=True, converter=f.time(optional=False))
    url: str | None = attrs.field(kw_only=True, default=None, converter=_url)
    summary: str | None = attrs.field(
        kw_only=True, default=None, converter=f.text(MAX_SUMMARY, optional=True)
    )


def _days(value: Any) -> dt.timedelta:
    if not isinstance(value, dt.timedelta):
        raise ValidationError(
            f"every must be a duration (pendulum.duration(days=365)), got {type(value).__name__}",
            field="every",
        )
    days, rest = divmod(duration_micros(value), MICROS_PER_DAY)
    if rest or not 1 <= days <= MAX_COURSE_DAYS:
        raise ValidationError(
            f"every must be a whole number of days from 1 to {MAX_COURSE_DAYS}", field="every"
        )
    return pendulum.duration(days=days)


@attrs.frozen
class Course:
    """A training requirement: a course officers must take, and take again every period.

    The course's key is the name of the :class:`~rbp.Training` records that satisfy
    it (``crm.accountability.record_training`` writes one; so does
    ``crm.directory.add(Officer(..., trainings=...))``).

    Parameters
    ----------
    key : str
        The course ("de-escalation"), the name its training records carry.
    title : str
        Its title.
    every : duration
        How often it must be renewed: a whole number of days, 1 to 36,525.
    units : tuple of str
        The units it applies to; empty (the default) means every officer.

    Examples
    --------
    >>> c = Course("cit", title="Crisis intervention", every=pendulum.duration(years=2),
    ...            units=("CSP", "Patrol"))
    >>> c.days, c.units
    (730, ('CSP', 'Patrol'))
    """

    key: str = attrs.field(converter=f.key())
    title: str = attrs.field(kw_only=True, converter=f.text(300))
    every: dt.timedelta = attrs.field(kw_only=True, converter=_days)
    units: tuple[str, ...] = attrs.field(kw_only=True, default=(), converter=f.keys())

    @property
    def days(self) -> int:
        """The renewal period in days."""
        return duration_micros(self.every) // MICROS_PER_DAY

    def applies_to(self, unit: str | None) -> bool:
        """Whether an officer of ``unit`` must take it.

        Parameters
        ----------
        unit
            The officer's unit (None: no unit).

        Returns
        -------
        bool
            True when the course names no units or names this one.

        Examples
        --------
        >>> c = Course("cit", title="CIT", every=pendulum.duration(days=365), units=("CSP",))
        >>> c.applies_to("CSP"), c.applies_to("Patrol"), c.applies_to(None)
        (True, False, False)
        """
        return not self.units or (unit is not None and unit in self.units)


for _cls in (Course, Policy):
    _cls.__module__ = "rbp.accountability"

__test__ = {c.__name__: c for c in (Course, Policy)}
