"""The C stop loop's glue: whether it is there and wanted, and a loop set up for one trace.

`_stoploop` is built by `pip install` where a C compiler and Python's headers are (setup.py,
optional); without it, or with SYSREC_PY_LOOP=1 in the environment, the engine's loop in
Python answers every stop.
"""

from __future__ import annotations

import os

from sysrec.tracer import capture_spec

try:
    from sysrec.tracer._stoploop import Loop
except ImportError:  # not built: the Python loop
    Loop = None

FORCE_PYTHON_ENV = "SYSREC_PY_LOOP"

# Why run() handed control back (besides its batch), as _stoploop.c numbers them.
BATCH, SLOW, HELD, NO_CHILD, INTERRUPTED = 0, 1, 2, 3, 4


def available() -> bool:
    return Loop is not None and os.environ.get(FORCE_PYTHON_ENV, "") in ("", "0")


def new_loop(seccomp: bool, untraced_nrs: frozenset[int]) -> object | None:
    """A loop for one trace; None: use the Python loop."""
    if not available():
        return None
    loop = Loop(seccomp=seccomp)
    capture_spec.configure(loop, untraced_nrs)
    return loop
