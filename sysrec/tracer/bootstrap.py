"""libc's ptrace() for the start-up path only: PTRACE_SEIZE (with the options) and the answers to
the tracee's stops up to its execve.

Why not python-ptrace here: importing it costs ~10 ms (ctypes.util, logging, its own libc
lookup), all of it before the traced program could exec, i.e. added to every run of a program
that makes no traced call (bench/run.py, `dd`). These requests are all the program needs
to start; python-ptrace (`ptrace_ops`) is imported while it runs, and every later request goes
through it.
"""

from __future__ import annotations

import ctypes
import os

_libc = ctypes.CDLL(None, use_errno=True)
_ptrace = _libc.ptrace
_ptrace.argtypes = (ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p)
_ptrace.restype = ctypes.c_long


def ptrace(request: int, pid: int, addr: int = 0, data: int = 0) -> None:
    """One request; OSError (with errno) when it fails."""
    ctypes.set_errno(0)
    if _ptrace(request, pid, addr, data) == -1:
        err = ctypes.get_errno()
        if err:
            raise OSError(err, f"ptrace({request:#x}, {pid}): {os.strerror(err)}")


def prctl(option: int, arg2: int = 0, arg3: int = 0, arg4: int = 0, arg5: int = 0) -> int:
    """libc's prctl(); returns its result (-1 with errno set on failure)."""
    return _libc.prctl(option, ctypes.c_ulong(arg2), ctypes.c_ulong(arg3), ctypes.c_ulong(arg4),
                       ctypes.c_ulong(arg5))


libc = _libc
