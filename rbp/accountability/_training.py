"""Training: required courses, training records (the directory's), and currency."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pendulum
import sqlalchemy as sa

from rbp import _args
from rbp import _schema as t
from rbp._queries.currency import standings
from rbp._render import RecordList
from rbp._schema._copy import copy_dicts
from rbp.accountability._policies import officer_exists
from rbp.accountability._records import Currency, OfficerCurrency
from rbp.errors import UnknownKeyError
from rbp.model._accountability import Course

if TYPE_CHECKING:
    from rbp._unit import UnitOfWork

__all__ = ["TrainingDesk"]


class TrainingDesk:
    """Required courses and officers' currency (a part of ``crm.accountability``)."""

    _uow: UnitOfWork

    def require(self, course: Course) -> None:
        """Require a course, or change a required course's renewal period or units.

        Parameters
        ----------
        course
            The :class:`~rbp.accountability.Course`; its key names the training records
            that satisfy it.

        Raises
        ------
        StoreError
            The store was opened read-only.
        TypeError
            ``course`` is not a Course.

        Examples
        --------
        >>> from rbp.accountability import Course
        >>> crm = rbp.open()
        >>> crm.accountability.require(Course("de-escalation", title="De-escalation",
        ...                                   every=pendulum.duration(days=365)))
        >>> [(c.key, c.days) for c in crm.accountability.courses()]
        [('de-escalation', 365)]
        """
        _args.instance(course, Course, "course")
        c, cu = t.courses.c, t.course_units.c
        with self._uow.write() as conn:
            known = conn.execute(sa.select(c.key).where(c.key == course.key)).first()
            values = {"title": course.title, "every_days": course.days}
            if known is None:
                conn.execute(sa.insert(t.courses).values(key=course.key, **values))
            else:
                conn.execute(sa.update(t.courses).where(c.key == course.key).values(**values))
                conn.execute(sa.delete(t.course_units).where(cu.course == course.key))
            if course.units:
                copy_dicts(
                    conn, t.course_units, ({"course": course.key, "unit": u} for u in course.units)
                )
            self._uow.record(conn, "require", "course", [course.key], {"every_days": course.days})

    def courses(self) -> RecordList:
        """Every required course, by key.

        Returns
        -------
        RecordList of Course
            Key, title, renewal period and units.

        Examples
        --------
        >>> crm = rbp.open()
        >>> len(crm.accountability.courses())
        0
        """
        c, cu = t.courses.c, t.course_units.c
        with self._uow.read() as conn:
            units: dict[str, list[str]] = {}
            for course, unit in conn.execute(sa.select(cu.course, cu.unit)):
                units.setdefault(course, []).append(unit)
            found = [
                Course(
                    key,
                    title=title,
                    every=pendulum.duration(days=every),
                    units=tuple(units.get(key, ())),
                )
                for key, title, every in conn.execute(
                    sa.select(c.key, c.title, c.every_days).order_by(c.key)
                )
            ]
        return RecordList(found, columns=("key", "title", "every", "units"), title="Courses")

    def record_training(
        self, officer: str, course: str, *, at: pendulum.DateTime | None = None
    ) -> None:
        """Record that an officer completed a required course.

        The record is the directory's :class:`~rbp.Training` (its ``completed`` date is
        ``at``'s date in the agency's zone), so ``crm.directory.get(officer).trainings``
        shows it too: one truth, not two.

        Parameters
        ----------
        officer
            The officer's key.
        course
            The required course's key.
        at
            When it was completed (aware); None is now by the store's clock.

        Raises
        ------
        UnknownKeyError
            No such officer, or no such required course.
        StoreError
            The store was opened read-only.

        Examples
        --------
        >>> from rbp.accountability import Course
        >>> crm = rbp.open()
        >>> crm.directory.add(rbp.Officer("P1"))
        >>> crm.accountability.require(Course("cit", title="Crisis intervention",
        ...                                   every=pendulum.duration(days=730)))
        >>> crm.accountability.record_training("P1", "cit", at=pendulum.datetime(2026, 3, 2))
        >>> crm.directory.get("P1").trainings
        (Training(name='cit', completed=Date(2026, 3, 2)),)
        """
        who = _args.key(officer, "officer")
        which = _args.key(course, "course")
        when = self._uow.when(at)
        done = pendulum.Date(when.at.year, when.at.month, when.at.day)
        tr, c = t.officer_trainings.c, t.courses.c
        with self._uow.write() as conn:
            officer_exists(conn, who)
            if conn.execute(sa.select(c.key).where(c.key == which)).first() is None:
                raise UnknownKeyError(
                    f"no required course {which!r}; require it first", key=which, field="course"
                )
            same = conn.execute(
                sa.select(tr.id).where(tr.officer == who, tr.name == which, tr.completed == done)
            ).first()
            if same is None:
                conn.execute(
                    sa.insert(t.officer_trainings).values(officer=who, name=which, completed=done)
                )
            self._uow.record(conn, "train", "officer", [who], {"course": which})

    def currency(self, *, as_of: pendulum.DateTime | None = None) -> Currency:
        """Who is current on policies and training, as of T.

        An officer is out of currency with a policy whose version in force they have
        not acknowledged more than ``settings.policy_grace`` (30 days) after it took
        force (or after they joined, if later), or a required course never taken or
        past renewal. A course whose renewal falls within ``settings.due_soon`` (60
        days) is due soon. Active officers present at T are counted.

        Parameters
        ----------
        as_of
            T; default now by the store's clock.

        Returns
        -------
        Currency
            ``ratio``, ``officers[key]`` with ``unacknowledged``, ``lapsed`` and
            ``due_soon``; a frame and a page.

        Raises
        ------
        NaiveDatetimeError
            ``as_of`` has no time zone.

        Examples
        --------
        >>> from rbp.accountability import Course, Policy
        >>> crm = rbp.open()
        >>> crm.directory.add_many([rbp.Officer("P1"), rbp.Officer("P2")])
        2
        >>> T = pendulum.datetime(2026, 1, 1)
        >>> crm.accountability.publish(Policy("uof", title="Use of force", version="1",
        ...                                   effective=T))
        >>> crm.accountability.require(Course("cit", title="CIT",
        ...                                   every=pendulum.duration(days=365)))
        >>> for p in ("P1", "P2"):
        ...     crm.accountability.record_training(p, "cit", at=T)
        >>> crm.accountability.acknowledge("P1", "uof", at=T.add(days=2))
        >>> c = crm.accountability.currency(as_of=T.add(days=320))
        >>> c.ratio, c.officers["P2"].unacknowledged, c.officers["P1"].due_soon
        (0.5, ('uof',), ('cit',))
        """
        when = self._uow.when(as_of)
        settings = self._uow.settings
        with self._uow.read() as conn:
            found = standings(conn, when, grace=settings.policy_grace, due_soon=settings.due_soon)
        return Currency(
            as_of=when.at,
            grace=settings.policy_grace,
            officers={
                s.officer: OfficerCurrency(
                    officer=s.officer,
                    unit=s.unit,
                    areas=s.areas,
                    unacknowledged=s.unacknowledged,
                    lapsed=s.lapsed,
                    due_soon=s.due_soon,
                )
                for s in found
            },
        )
