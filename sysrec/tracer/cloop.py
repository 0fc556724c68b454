"""The C stop loop's glue: whether it is there and wanted, and a loop set up for one trace.

`_stoploop` is built by `pip install` where a C compiler and Python's headers are (setup.py,
optional). SYSREC_LOOP in the environment picks the loop: `python` (the engine's own loop, for
every stop; also what runs where the extension is not built), `c` (the C loop, its batches
decoded between its runs), `threaded` (the C loop runs on while a second thread decodes its
batches; the default where the process may use more than one CPU, except when every traced
call's exit waits for its line: then a second thread only adds a hand-over per call).
"""

from __future__ import annotations

import os

from sysrec.errors import InputError

try:
    from sysrec.tracer._stoploop import Loop
except ImportError:  # not built: the Python loop
    Loop = None

LOOP_ENV = "SYSREC_LOOP"
LOOPS = ("python", "c", "threaded")

# Why run() handed control back (besides its batch), as _stoploop.c numbers them.
BATCH, SLOW, HELD, NO_CHILD, INTERRUPTED, ABORTED = 0, 1, 2, 3, 4, 5


def chosen() -> str:
    """The loop to run: SYSREC_LOOP, else the fastest one available here."""
    wanted = os.environ.get(LOOP_ENV, "")
    if wanted and wanted not in LOOPS:
        raise InputError(f"{LOOP_ENV}={wanted}: expected one of {', '.join(LOOPS)}")
    if Loop is None:
        return "python"
    if wanted:
        return wanted
    return "threaded" if len(os.sched_getaffinity(0)) > 1 else "c"



def new_loop(seccomp: bool, untraced_nrs: frozenset[int], strsize: int, live_output: bool = True) -> object | None:
    """A loop for one trace (`strsize`: -s, what the captures of strings take); None: use the
    Python loop. With `live_output` (lines written as they come, to where the program may write
    too) the calls that write stay with Python. Under seccomp the tracee runs freely between
    traced calls: with `live_output` a call's exit waits for its line, as in the Python loop;
    otherwise the tracee runs on while the line is made."""
    kind = chosen()
    if kind == "python":
        return None
    hold = seccomp and live_output
    loop = Loop(seccomp=seccomp, threaded=kind == "threaded" and not hold, hold=hold)
    from sysrec.tracer import capture_spec
    capture_spec.configure(loop, untraced_nrs, strsize, live_output)
    return loop
