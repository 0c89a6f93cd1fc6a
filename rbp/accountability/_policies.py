"""Policies: publish versions, keep them all, record officers' acknowledgements."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pendulum
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rbp import _args
from rbp import _schema as t
from rbp._render import RecordList
from rbp._time import from_micros, to_micros
from rbp.accountability._records import PolicyVersion
from rbp.errors import DuplicateKeyError, UnknownKeyError, ValidationError
from rbp.model._accountability import MAX_VERSION, Policy

if TYPE_CHECKING:
    from rbp._unit import UnitOfWork

__all__ = ["PolicyDesk", "officer_exists"]

_COLUMNS = ("key", "version", "title", "effective", "url")


def officer_exists(conn: Connection, officer: str) -> None:
    """Refuse a key that is no officer of the store."""
    s = t.stakeholders.c
    kind = conn.execute(sa.select(s.kind).where(s.key == officer)).scalar()
    if kind != "officer":
        what = "no stakeholder" if kind is None else f"a {kind}, not an officer"
        raise UnknownKeyError(
            f"{officer!r} is {what}; add the officer first", key=officer, field="officer"
        )


class PolicyDesk:
    """Publishing policies and acknowledging them (a part of ``crm.accountability``)."""

    _uow: UnitOfWork

    def publish(self, policy: Policy) -> None:
        """Publish a version of a policy; earlier versions are kept.

        Parameters
        ----------
        policy
            The :class:`~rbp.accountability.Policy` version. A new key starts a policy;
            a known key adds a version.

        Raises
        ------
        DuplicateKeyError
            The policy already has this version, or a version taking force at the same
            time.
        StoreError
            The store was opened read-only.
        TypeError
            ``policy`` is not a Policy.

        Examples
        --------
        >>> from rbp.accountability import Policy
        >>> crm = rbp.open()
        >>> crm.accountability.publish(Policy("use-of-force", title="Use of force",
        ...     version="2026.1", effective=pendulum.datetime(2026, 1, 1),
        ...     url="https://agency.example/uof"))
        >>> [v.version for v in crm.accountability.history("use-of-force")]
        ['2026.1']
        """
        _args.instance(policy, Policy, "policy")
        pv = t.policy_versions.c
        effective = to_micros(policy.effective)
        with self._uow.write() as conn:
            clash = conn.execute(
                sa.select(pv.version).where(
                    pv.policy == policy.key,
                    sa.or_(pv.version == policy.version, pv.effective == effective),
                )
            ).first()
            if clash is not None:
                raise DuplicateKeyError(
                    f"policy {policy.key!r} already has version {clash[0]!r} "
                    "with this version name or the same effective time; publish a new version",
                    key=policy.key,
                    field="version",
                )
            conn.execute(
                sa.insert(t.policy_versions).values(
                    policy=policy.key,
                    version=policy.version,
                    title=policy.title,
                    effective=effective,
                    url=policy.url,
                    summary=policy.summary,
                )
            )
            self._uow.record(conn, "publish", "policy", [policy.key], {"version": policy.version})

    def acknowledge(
        self,
        officer: str,
        policy: str,
        *,
        version: str | None = None,
        at: pendulum.DateTime | None = None,
    ) -> None:
        """Record that an officer acknowledged a version of a policy.

        Acknowledging the same version again keeps the earlier time.

        Parameters
        ----------
        officer
            The officer's key.
        policy
            The policy's key.
        version
            The version acknowledged; None means the version in force at ``at``.
        at
            When (aware); None is now by the store's clock.

        Raises
        ------
        UnknownKeyError
            No such officer, policy or version.
        ValidationError
            ``version`` is None and no version of the policy is in force at ``at``.
        StoreError
            The store was opened read-only.

        Examples
        --------
        >>> from rbp.accountability import Policy
        >>> crm = rbp.open()
        >>> crm.directory.add(rbp.Officer("P1"))
        >>> T = pendulum.datetime(2026, 1, 1)
        >>> crm.accountability.publish(Policy("uof", title="Use of force", version="1",
        ...                                   effective=T))
        >>> crm.accountability.acknowledge("P1", "uof", version="1", at=T.add(days=3))
        >>> crm.accountability.acknowledge("P1", "uof", version="9", at=T)
        Traceback (most recent call last):
        ...
        rbp.errors.UnknownKeyError: policy 'uof' has no version '9'; its versions are ['1']
        """
        who = _args.key(officer, "officer")
        which = _args.key(policy, "policy")
        chosen = _args.optional_text(version, "version", MAX_VERSION)
        when = self._uow.when(at)
        pv, pa = t.policy_versions.c, t.policy_acks.c
        with self._uow.write() as conn:
            officer_exists(conn, who)
            versions = dict(
                conn.execute(
                    sa.select(pv.version, pv.effective)
                    .where(pv.policy == which)
                    .order_by(pv.effective)
                ).all()
            )
            if not versions:
                raise UnknownKeyError(
                    f"no policy {which!r}; publish it first", key=which, field="policy"
                )
            if chosen is None:
                in_force = [v for v, e in versions.items() if e <= when.micros]
                if not in_force:
                    raise ValidationError(
                        f"no version of policy {which!r} is in force at {when.at}; "
                        "name the version",
                        key=which,
                        field="version",
                    )
                chosen = in_force[-1]
            elif chosen not in versions:
                raise UnknownKeyError(
                    f"policy {which!r} has no version {chosen!r}; "
                    f"its versions are {sorted(versions)}",
                    key=which,
                    field="version",
                )
            done = pa.officer == who, pa.policy == which, pa.version == chosen
            before = conn.execute(sa.select(pa.at).where(*done)).scalar()
            if before is None:
                conn.execute(
                    sa.insert(t.policy_acks).values(
                        officer=who, policy=which, version=chosen, at=when.micros
                    )
                )
            elif when.micros < before:
                conn.execute(sa.update(t.policy_acks).where(*done).values(at=when.micros))
            self._uow.record(
                conn, "acknowledge", "policy", [which], {"officer": who, "version": chosen}
            )

    def policies(self, *, as_of: pendulum.DateTime | None = None) -> RecordList:
        """The version of every policy in force at a time (all of it public).

        Parameters
        ----------
        as_of
            T; default now by the store's clock.

        Returns
        -------
        RecordList of PolicyVersion
            One per policy with a version in force at T, by key.

        Raises
        ------
        NaiveDatetimeError
            ``as_of`` has no time zone.

        Examples
        --------
        >>> from rbp.accountability import Policy
        >>> crm = rbp.open()
        >>> T = pendulum.datetime(2026, 1, 1)
        >>> for v, when in (("1", T), ("2", T.add(months=6))):
        ...     crm.accountability.publish(Policy("uof", title="Use of force", version=v,
        ...                                       effective=when))
        >>> [p.version for p in crm.accountability.policies(as_of=T.add(months=1))]
        ['1']
        """
        when = self._uow.when(as_of)
        pv = t.policy_versions.c
        newest = (
            sa.select(pv.policy, sa.func.max(pv.effective).label("effective"))
            .where(pv.effective <= when.micros)
            .group_by(pv.policy)
            .subquery()
        )
        with self._uow.read() as conn:
            rows = conn.execute(
                sa.select(t.policy_versions)
                .join(
                    newest,
                    sa.and_(newest.c.policy == pv.policy, newest.c.effective == pv.effective),
                )
                .order_by(pv.policy)
            ).mappings()
            found = [self._version(r) for r in rows]
        return RecordList(found, columns=_COLUMNS, title="Policies in force", as_of=when.at)

    def history(self, policy: str) -> RecordList:
        """Every version of a policy, oldest first.

        Parameters
        ----------
        policy
            The policy's key.

        Returns
        -------
        RecordList of PolicyVersion
            By effective time.

        Raises
        ------
        UnknownKeyError
            No such policy.
        ValidationError
            ``policy`` is not a valid key.

        Examples
        --------
        >>> from rbp.accountability import Policy
        >>> crm = rbp.open()
        >>> crm.accountability.publish(Policy("uof", title="Use of force", version="1",
        ...                                   effective=pendulum.datetime(2026, 1, 1)))
        >>> crm.accountability.history("uof")[0].effective.year
        2026
        """
        which = _args.key(policy, "policy")
        pv = t.policy_versions.c
        with self._uow.read() as conn:
            rows = conn.execute(
                sa.select(t.policy_versions).where(pv.policy == which).order_by(pv.effective)
            ).mappings()
            found = [self._version(r) for r in rows]
        if not found:
            raise UnknownKeyError(f"no policy {which!r}", key=which, field="policy")
        return RecordList(found, columns=_COLUMNS, title=f"Versions of {which}")

    def _version(self, r: Any) -> PolicyVersion:
        return PolicyVersion(
            key=r["policy"],
            version=r["version"],
            title=r["title"],
            effective=from_micros(r["effective"], self._uow.tz),
            url=r["url"],
            summary=r["summary"],
        )
