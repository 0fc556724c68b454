"""libc's ptrace() for the start-up path: PTRACE_SEIZE (with the options) and the answers to the
tracee's stops up to its execve, with errno as OSError (`ptrace_ops` has the loop's requests,
through the same libc handle).

Why not python-ptrace: importing it costs ~25 ms (ctypes.util, logging, pdb, hashlib...),
before the traced program could exec, i.e. added to every run of a program that makes no traced
call (bench/run.py, `dd`).
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
