"""Booting a kernel with virtme-ng: the host's root shared read-only, one --rwdir for results."""

from __future__ import annotations

import os
import shutil
import sys


def find_vng() -> str | None:
    """virtme-ng's `vng`: beside this Python (sysrec's venv), else on PATH."""
    beside = os.path.join(os.path.dirname(sys.executable), "vng")
    if os.access(beside, os.X_OK):
        return beside
    return shutil.which("vng")
