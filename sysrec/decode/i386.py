"""Syscalls a 64-bit program makes through the i386 ABI (`int $0x80`): named by the i386 table,
as strace names them.

strace decodes them with its i386 personality (32-bit longs and pointers, the i386 structs).
sysrec decodes those whose arguments read the same in both ABIs (ints, fds, flags, strings,
file names) with the x86-64 rows, and prints any other one as strace prints a syscall it has no
decoder for: its arguments in hex.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Sequence

from sysrec.decode.args import hex_arg
from sysrec.decode.common import Call, DecodeOptions, Memory
from sysrec.decode.row import E, Signature
from sysrec.syscall_numbers_i386 import SYSCALLS_I386

# i386 syscalls whose every argument is an int, an fd, a flag set, a byte buffer or a file
# name (no long that may be negative, no pointer inside a struct): the x86-64 row prints them
# as strace's i386 decoder does.
SAME_LAYOUT = frozenset("""
    exit exit_group read write open openat creat close link linkat unlink unlinkat chdir fchdir
    chmod fchmod fchmodat access faccessat faccessat2 rename renameat renameat2 mkdir mkdirat
    rmdir symlink symlinkat readlink readlinkat dup dup2 dup3 pipe pipe2 umask sync syncfs fsync
    fdatasync flock chroot getcwd getpid getppid gettid getpgrp getpgid getsid setsid setpgid
    kill tkill tgkill pause alarm sched_yield close_range memfd_create eventfd eventfd2
    inotify_init inotify_init1 inotify_add_watch inotify_rm_watch
""".split())


def syscall_name(nr: int) -> str:
    entry = SYSCALLS_I386.get(nr)
    return entry[0] if entry is not None else f"syscall_{nr:#x}"


@lru_cache(maxsize=None)
def _printargs(nargs: int) -> Signature:
    return Signature(tuple(E(hex_arg) for _ in range(nargs)))


def enter(nr: int, raw: Sequence[int], mem: Memory, opts: DecodeOptions):
    """The decoders' EntryState for i386 syscall `nr` (see sysrec.decode.enter)."""
    from sysrec.decode import EntryState, enter as enter_x86_64
    name = syscall_name(nr)
    if name in SAME_LAYOUT:
        return enter_x86_64(name, raw, mem, opts)
    nargs = SYSCALLS_I386.get(nr, (name, 6))[1]
    call = Call(name, tuple(raw), mem, opts)
    sig = _printargs(nargs)
    return EntryState(name, call.raw, [decode(call, i) for i, decode in enumerate(sig.at_entry)],
                      False, call, sig)
