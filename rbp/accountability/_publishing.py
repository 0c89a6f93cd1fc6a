"""What accountability publishes: the transparency report."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pendulum

from rbp import _args
from rbp.accountability import _evidence as evidence
from rbp.accountability._pack import SECTIONS, AccreditationPack, Section, standards_of
from rbp.accountability._public_data import gather
from rbp.accountability._transparency import TransparencyReport, build
from rbp.errors import ValidationError

if TYPE_CHECKING:
    from rbp._unit import UnitOfWork

__all__ = ["PublishingDesk"]


class PublishingDesk:
    """Reports for the public and for assessors (a part of ``crm.accountability``)."""

    _uow: UnitOfWork

    def transparency_report(
        self,
        *,
        start: pendulum.DateTime,
        end: pendulum.DateTime | None = None,
        min_n: int = 5,
    ) -> TransparencyReport:
        """A public report of aggregates for the period from ``start`` to ``end``.

        Interactions by district and month; community members and partners in regular
        contact by district (as of ``end``, each within their cadence); concerns and
        tips by district and category, with median days to acknowledge and resolve;
        CPSS and PJ index by district; the policies in force with their versions and
        links; officers current on policies and training by district; action plans by
        district and phase. Every count from 1 to ``min_n - 1`` is suppressed, and
        enough other counts that none can be worked out from the totals (see
        :mod:`rbp.accountability._suppress`); a score or median from fewer than
        ``min_n`` is suppressed too. No personal data.

        Parameters
        ----------
        start
            The first instant of the period (aware).
        end
            The last instant of the period; default now by the store's clock.
        min_n
            The smallest count shown, 1 to 1,000 (default 5).

        Returns
        -------
        TransparencyReport
            ``tables`` (DataFrames by name), ``to_html``, ``to_csv``, ``to_json``.

        Raises
        ------
        ValidationError
            ``end`` is before ``start``, or ``min_n`` is out of range.
        NaiveDatetimeError
            A time without a time zone.
        TypeError
            ``min_n`` is not an int.

        Examples
        --------
        >>> r = crm.accountability.transparency_report(start=T.subtract(years=1), end=T)
        >>> r.tables["concerns"].columns[-1], r.tables["concerns"].index[-1]
        ('total', 'total')
        >>> shown = r.tables["engagement"].stack().dropna()
        >>> bool(((shown == 0) | (shown >= 5)).all())
        True
        """
        first = self._uow.when(_args.time(start, "start"))
        last = self._uow.when(end)
        n = _args.positive(min_n, "min_n", maximum=1000)
        if last.micros < first.micros:
            raise ValidationError(f"end ({last.at}) is before start ({first.at})", field="end")
        with self._uow.read() as conn:
            gathered = gather(
                conn, first, last, tz=self._uow.tz, settings=self._uow.settings, min_n=n
            )
        return build(
            gathered, start=first.at, end=last.at, min_n=n, agency=self._uow.settings.agency
        )

    def accreditation_pack(
        self,
        *,
        start: pendulum.DateTime,
        end: pendulum.DateTime | None = None,
        standards: Mapping[str, Any] | None = None,
    ) -> AccreditationPack:
        """The evidence of community involvement for an assessor, for a period.

        Sections, each naming the standard it supports: community-involvement activity
        by area and kind; declared liaison relationships in force in the period;
        community meetings and events; concerns and tips raised, by category, with where
        they stood at the end; survey results (CPSS, PJ index); action plans with their
        phase, goals and latest measures; the officers who did the work, with their
        training and currency. Keys, kinds, counts and dates only.

        Parameters
        ----------
        start
            The first instant of the period (aware).
        end
            The last instant; default now by the store's clock.
        standards
            Section key -> :class:`~rbp.accountability.Standard` (or ``(id, title)``),
            laid over the default CALEA chapter 45 set.

        Returns
        -------
        AccreditationPack
            ``sections`` (key, title, standard, frame) and ``to_html(path)``.

        Raises
        ------
        ValidationError
            ``end`` is before ``start``, or ``standards`` names no section.
        NaiveDatetimeError
            A time without a time zone.
        TypeError
            ``standards`` is not a mapping.

        Examples
        --------
        >>> pack = crm.accountability.accreditation_pack(
        ...     start=T.subtract(months=6), end=T,
        ...     standards={"surveys": ("45.2.4", "Citizen survey")})
        >>> s = pack.section("surveys")
        >>> s.standard.id, list(s.frame.columns)[:2]
        ('45.2.4', ['responses', 'with an overall answer'])
        """
        import pandas as pd

        first = self._uow.when(_args.time(start, "start"))
        last = self._uow.when(end)
        named = standards_of(standards)
        if last.micros < first.micros:
            raise ValidationError(f"end ({last.at}) is before start ({first.at})", field="end")
        tz, settings = self._uow.tz, self._uow.settings
        with self._uow.read() as conn:
            found = {
                "activity": evidence.activity(conn, first, last),
                "liaisons": evidence.liaisons(conn, first, last, tz),
                "meetings": evidence.meetings(conn, first, last, tz),
                "concerns": evidence.concerns(conn, first, last),
                "surveys": evidence.surveys(conn, first, last, settings.min_responses),
                "plans": evidence.plans(conn, last, tz),
                "training": evidence.training(conn, first, last, settings),
            }
        return AccreditationPack(
            start=first.at,
            end=last.at,
            agency=settings.agency,
            sections=tuple(
                Section(
                    key=key,
                    title=title,
                    standard=named[key],
                    frame=pd.DataFrame(found[key]),
                )
                for key, title in SECTIONS.items()
            ),
        )
