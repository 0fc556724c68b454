"""Helper processes (the capture reader, the link's delay process): how they are started and how
they make sure they never outlive the process that started them."""

from __future__ import annotations

import os
import sys

_PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def helper_argv(module: str, *args: str) -> list[str]:
    """`python -m module args --parent PID`, with this interpreter."""
    return [sys.executable, "-m", module, *args, "--parent", str(os.getpid())]


def helper_env() -> dict[str, str]:
    """Our environment, with sysrec importable whatever the working directory."""
    env = dict(os.environ)
    env["PYTHONPATH"] = _PACKAGE_ROOT + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def die_with_parent(parent: int) -> None:
    """In the helper: SIGKILL when the parent goes; exit now if it already went before we asked."""
    from sysrec.sandbox.procs import die_with_parent as set_pdeathsig

    set_pdeathsig()
    if os.getppid() != parent:
        os._exit(1)
