"""Data in and out: CSV files and pandas frames in, CSV, GraphML and GEXF out.

- :func:`import_csv`, :func:`import_frame`: one kind of record per file, all or
  nothing, every bad row named by its line and column.
- :func:`export_csv`, :func:`import_dir`: the whole store as documented CSV files and
  back (a round trip).
- :func:`write_graphml`, :func:`write_gexf`: the relationship graph for Gephi.
"""

from __future__ import annotations

from rbp.io._export import export_csv
from rbp.io._fields import ImportKind
from rbp.io._graphs import write_gexf, write_graphml
from rbp.io._import import import_csv, import_frame
from rbp.io._report import ImportReport
from rbp.io._restore import import_dir

__all__ = [
    "ImportKind",
    "ImportReport",
    "export_csv",
    "import_csv",
    "import_dir",
    "import_frame",
    "write_gexf",
    "write_graphml",
]

ImportKind.__module__ = "rbp.io"
