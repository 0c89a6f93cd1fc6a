"""The accountability namespace (``crm.accountability``), made of its desks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rbp.accountability._policies import PolicyDesk
from rbp.accountability._publishing import PublishingDesk
from rbp.accountability._training import TrainingDesk

if TYPE_CHECKING:
    from rbp._unit import UnitOfWork

__all__ = ["Accountability"]


class Accountability(PolicyDesk, TrainingDesk, PublishingDesk):
    """Policies, training currency, accreditation evidence and the transparency report.

    Parameters
    ----------
    uow
        The store's unit of work. Not built by hand: ``crm.accountability`` is this
        namespace.

    Examples
    --------
    >>> from rbp.accountability import Policy
    >>> crm = rbp.open()
    >>> crm.accountability.publish(Policy("uof", title="Use of force", version="2026.1",
    ...                                   effective=pendulum.datetime(2026, 1, 1)))
    >>> [p.key for p in crm.accountability.policies(as_of=pendulum.datetime(2026, 2, 1))]
    ['uof']
    """

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
