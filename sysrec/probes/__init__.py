"""Small probe programs that scenarios run inside their namespace.

They use only the standard library, so any Python 3 interpreter can run them, and each one does
exactly the socket calls its options ask for, so a scenario can put the kernel in a precise state
(a listener that never accepts; handshakes whose final ACK is delayed) and record what a client
sees. Run them as `python -m sysrec.probes.listener` / `python -m sysrec.probes.connector`.
"""

from __future__ import annotations

import os
import shutil
import sys

PROBES = ("listener", "connector", "server", "talker")


def probe_interpreter() -> str:
    """The interpreter that runs probes: ours, or any python3 when ours is not executable here.

    The probes import nothing outside the standard library, so a system python3 will do when
    sysrec's own interpreter sits in a directory the current (unprivileged) user cannot enter.
    """
    if sys.executable and os.access(sys.executable, os.X_OK):
        return sys.executable
    return shutil.which("python3") or sys.executable


def probe_argv(name: str, args: list[str]) -> list[str]:
    """argv that runs probe `name` with `args`, importable whatever the working directory."""
    if name not in PROBES:
        raise ValueError(f"unknown probe {name!r}")
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), f"{name}.py")
    return [probe_interpreter(), path, *args]
