"""The seccomp-BPF filter that makes only the traced syscalls stop (like `strace --seccomp-bpf`);
the engine lists what may run untraced (`skip`): the named syscalls outside the set.

The program is built in the parent (plain bytes) and installed in the child between its SIGSTOP
and execve, so the child does nothing after fork but two prctl() calls.
"""

from __future__ import annotations

import ctypes
import struct
from collections.abc import Iterable

from sysrec.tracer.abi import AUDIT_ARCH_X86_64

# classic BPF opcodes
_LD_W_ABS = 0x20
_JEQ_K = 0x15
_JGE_K = 0x35
_JGT_K = 0x25
_JA = 0x05
_RET_K = 0x06

SECCOMP_RET_TRACE = 0x7FF00000
SECCOMP_RET_ALLOW = 0x7FFF0000
X32_SYSCALL_BIT = 0x40000000

PR_SET_SECCOMP = 22
PR_SET_NO_NEW_PRIVS = 38
SECCOMP_MODE_FILTER = 2

_OFF_NR = 0
_OFF_ARCH = 4
_MAX_JUMP = 255


def _insn(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("<HBBI", code, jt, jf, k)


def _runs(numbers: list[int]) -> list[tuple[int, int]]:
    """Sorted syscall numbers as contiguous ranges: 41..55 is one range check, not 15 compares."""
    runs: list[tuple[int, int]] = []
    for nr in numbers:
        if runs and runs[-1][1] == nr - 1:
            runs[-1] = (runs[-1][0], nr)
        else:
            runs.append((nr, nr))
    return runs


class _Assembler:
    """Classic BPF with symbolic forward jumps; labels are resolved when the program is done."""

    def __init__(self) -> None:
        self.code: list[tuple[int, object, object, int]] = []
        self.labels: dict[str, int] = {}
        self._n = 0

    def label(self) -> str:
        self._n += 1
        return f"L{self._n}"

    def place(self, label: str) -> None:
        self.labels[label] = len(self.code)

    def emit(self, code: int, k: int, jt: object = 0, jf: object = 0) -> None:
        self.code.append((code, jt, jf, k))

    def assemble(self) -> bytes:
        out = []
        for index, (code, jt, jf, k) in enumerate(self.code):
            if code == _JA:
                out.append(_insn(code, 0, 0, self.labels[jt] - index - 1))  # type: ignore[index]
                continue
            offsets = []
            for target in (jt, jf):
                if isinstance(target, str):
                    delta = self.labels[target] - index - 1
                    if not 0 <= delta <= _MAX_JUMP:
                        raise ValueError("seccomp filter too large for BPF jumps")
                    offsets.append(delta)
                else:
                    offsets.append(int(target))  # type: ignore[call-overload]
            out.append(_insn(code, offsets[0], offsets[1], k))
        return b"".join(out)


def build_filter(numbers: Iterable[int], *, skip: bool = False) -> bytes:
    """BPF program: TRACE for the given x86-64 numbers, for x32 and for any other arch; ALLOW otherwise.
    With `skip`, the other way round for x86-64: ALLOW the given numbers, TRACE every other one.

    The numbers are searched as a binary tree of ranges, so an untraced syscall (the common case:
    every read/write of a busy program) runs a handful of instructions.
    """
    listed, other = (SECCOMP_RET_ALLOW, SECCOMP_RET_TRACE) if skip else (SECCOMP_RET_TRACE, SECCOMP_RET_ALLOW)
    asm = _Assembler()
    asm.emit(_LD_W_ABS, _OFF_ARCH)
    asm.emit(_JEQ_K, AUDIT_ARCH_X86_64, jt=1, jf=0)
    asm.emit(_RET_K, SECCOMP_RET_TRACE)              # foreign arch: let the tracer see it
    asm.emit(_LD_W_ABS, _OFF_NR)
    asm.emit(_JGE_K, X32_SYSCALL_BIT, jt=0, jf=1)
    asm.emit(_RET_K, SECCOMP_RET_TRACE)              # x32 ABI

    def search(runs: list[tuple[int, int]]) -> None:
        if len(runs) > 2:
            mid = len(runs) // 2
            right = asm.label()
            # JGE's offsets are 8-bit; JA's is 32-bit, so any tree size assembles.
            asm.emit(_JGE_K, runs[mid][0], jt=0, jf=1)
            asm.emit(_JA, 0, jt=right)
            search(runs[:mid])
            asm.place(right)
            search(runs[mid:])
            return
        hit = asm.label()  # each leaf has its own return for a listed number: jumps stay short
        for lo, hi in runs:
            if lo == hi:
                asm.emit(_JEQ_K, lo, jt=hit, jf=0)
            else:
                after = asm.label()
                asm.emit(_JGE_K, lo, jt=0, jf=after)
                asm.emit(_JGT_K, hi, jt=after, jf=hit)
                asm.place(after)
        asm.emit(_RET_K, other)
        asm.place(hit)
        asm.emit(_RET_K, listed)

    search(_runs(sorted(set(numbers))))
    return asm.assemble()


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


class PreparedFilter:
    """A filter whose memory is allocated before fork, so the child only calls prctl()."""

    def __init__(self, program: bytes) -> None:
        self._insns = ctypes.create_string_buffer(program, len(program))
        self._fprog = _SockFprog(len(program) // 8, ctypes.addressof(self._insns))
        self._libc = ctypes.CDLL(None, use_errno=True)
        self._prctl = self._libc.prctl
        self._prctl.argtypes = (ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong)
        self._prctl.restype = ctypes.c_int

    def install(self) -> None:
        """In the child: no-new-privs, then the filter. Raises OSError on failure."""
        if self._prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            err = ctypes.get_errno()
            raise OSError(err, "prctl(PR_SET_NO_NEW_PRIVS)")
        if self._prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(self._fprog), 0, 0) != 0:
            err = ctypes.get_errno()
            raise OSError(err, "prctl(PR_SET_SECCOMP)")
