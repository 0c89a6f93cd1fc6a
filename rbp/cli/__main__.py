"""``python -m rbp.cli``: the ``rbp`` command."""

from __future__ import annotations

import sys

from rbp.cli import main

if __name__ == "__main__":
    sys.exit(main())
