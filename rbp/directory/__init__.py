"""The directory namespace (``crm.directory``): areas, stakeholders, relationships."""

from __future__ import annotations

from rbp.directory._service import Directory
from rbp.directory._summary import DirectorySummary

__all__ = ["Directory", "DirectorySummary"]

# Users import these from ``rbp.directory``: reprs and docs show that path.
for _cls in (Directory, DirectorySummary):
    _cls.__module__ = __name__
