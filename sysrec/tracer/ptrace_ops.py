"""The ptrace layer for the loop: libc's ptrace() through ctypes, the requests as numbers (`abi`).

python-ptrace's binding is the same ctypes function (four unsigned longs in, one out), but
importing it costs ~25 ms (logging, ctypes.util, pdb, hashlib, platform...) on the way to a
traced program's first answered stop, and 0.9.9 lacks PTRACE_O_TRACESECCOMP, PTRACE_O_EXITKILL
and PTRACE_GET_SYSCALL_INFO anyway (FIELD-NOTES §3). python-ptrace stays where sysrec uses more
of it (`inject`'s PTRACE_POKEUSER).
"""

from __future__ import annotations

import ctypes
import os
import struct

from sysrec.tracer.abi import (AUDIT_ARCH_X86_64, EVENT_CLONE, EVENT_EXEC, EVENT_EXIT,  # noqa: F401
                               EVENT_FORK, EVENT_SECCOMP, EVENT_STOP, EVENT_VFORK, EVENT_VFORK_DONE,
                               INFO_ENTRY, INFO_EXIT, INFO_NONE, INFO_SECCOMP, O_EXITKILL,
                               O_TRACECLONE, O_TRACEEXEC, O_TRACEFORK, O_TRACESECCOMP, O_TRACESYSGOOD,
                               O_TRACEVFORK, PTRACE_CONT, PTRACE_DETACH, PTRACE_GET_SYSCALL_INFO,
                               PTRACE_GETEVENTMSG, PTRACE_GETSIGINFO, PTRACE_KILL, PTRACE_LISTEN,
                               PTRACE_SEIZE, PTRACE_SETOPTIONS, PTRACE_SYSCALL, SYSCALL_TRAP, WALL)
from sysrec.tracer.bootstrap import libc


class PtraceError(OSError):
    """A ptrace request failed (errno set); `pid` is the tracee it was for."""

    def __init__(self, message: str, errno: int = 0, pid: int | None = None) -> None:
        super().__init__(errno, message)
        self.pid = pid


# The hot path (two requests per stop) calls libc's ptrace() with no Python wrapper: failure is
# (unsigned long)-1, the errno is not read (ctypes' errno round trip costs more than the request).
# A function object of its own (`libc["ptrace"]`): bootstrap's takes signed arguments.
_fast = libc["ptrace"]
_fast.argtypes = (ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong)
_fast.restype = ctypes.c_ulong
_FAILED = (1 << 64) - 1  # (unsigned long)-1


def ptrace(request: int, pid: int, addr: int = 0, data: int = 0) -> int:
    """One request (none of them peeks: -1 is always a failure); PtraceError with errno then."""
    ctypes.set_errno(0)
    result = _fast(request, pid, addr, data)
    if result == _FAILED:
        err = ctypes.get_errno()
        raise PtraceError(f"ptrace({request:#x}, {pid}): {os.strerror(err)}", err, pid)
    return result


# op u8, pad[3], arch u32, instruction_pointer u64, stack_pointer u64, then the union.
_INFO_HEAD = struct.Struct("<B3xIQQ")
_INFO_CALL = struct.Struct("<7Q")       # entry / seccomp: nr, args[6]
_INFO_EXIT = struct.Struct("<qB")       # exit: rval, is_error
_INFO_SIZE = 88


class SyscallInfoReader:
    """One reusable buffer for PTRACE_GET_SYSCALL_INFO: one request per stop, no allocation."""

    def __init__(self) -> None:
        self._buf = ctypes.create_string_buffer(_INFO_SIZE)
        self._addr = ctypes.addressof(self._buf)
        self.ip = 0  # the instruction pointer at the last stop read (strace -i)
        self.sp = 0  # the stack pointer there (rt_sigreturn's signal frame; the C loop sets ip and sp from its records)

    def read(self, pid: int) -> tuple[int, int, tuple[int, ...] | tuple[int, int]]:
        """Return (op, arch, payload): payload is (nr, a0..a5) at entry/seccomp, (rval, is_error) at exit."""
        if _fast(PTRACE_GET_SYSCALL_INFO, pid, _INFO_SIZE, self._addr) == _FAILED:
            raise PtraceError(f"PTRACE_GET_SYSCALL_INFO failed for pid {pid}", pid=pid)
        buf = self._buf
        op, arch, self.ip, self.sp = _INFO_HEAD.unpack_from(buf, 0)
        if op == INFO_EXIT:
            return op, arch, _INFO_EXIT.unpack_from(buf, 24)
        if op == INFO_ENTRY or op == INFO_SECCOMP:
            return op, arch, _INFO_CALL.unpack_from(buf, 24)
        return op, arch, ()


def get_event_msg(pid: int) -> int:
    """PTRACE_GETEVENTMSG: the new pid at fork/clone events, the former tid at exec."""
    box = ctypes.c_ulong(0)
    ptrace(PTRACE_GETEVENTMSG, pid, 0, ctypes.addressof(box))
    return box.value


SIGINFO_SIZE = 128


def get_siginfo(pid: int) -> bytes | None:
    """PTRACE_GETSIGINFO as raw bytes; None in a group-stop (the kernel answers EINVAL)."""
    buf = ctypes.create_string_buffer(SIGINFO_SIZE)
    try:
        ptrace(PTRACE_GETSIGINFO, pid, 0, ctypes.addressof(buf))
    except PtraceError:
        return None
    return buf.raw


def resume(request: int, pid: int, sig: int = 0) -> bool:
    """Restart a stopped tracee; False when it vanished meanwhile (killed, ESRCH)."""
    return _fast(request, pid, 0, sig) != _FAILED


__all__ = ["PtraceError", "ptrace", "SyscallInfoReader", "get_event_msg", "get_siginfo", "resume"]
