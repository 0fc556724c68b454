"""Which calls the C stop loop (`_stoploop.c`) answers by itself, and what memory it captures
for their decoders: derived from the signature rows where the row's decoders are known here,
written out for the few whose decoders read memory in their own way.

A call is answered in C only when both hold:
- it is quiet: nothing it does can show up, to whoever reads the trace, before the lines of the
  calls before it are out (the tracee is resumed before Python has decoded them);
- every decoder of its row reads either nothing from memory or one of the captures below, so
  that decoding later from the capture prints what decoding at the stop would have printed
  (`sysrec.tracer.captured.CapturedMemory` says so loudly when a read was not captured).
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from sysrec.decode.file_structs import STAT_SIZE
from sysrec.syscalls import SYSCALL_NUMBERS

# Capture kinds, as _stoploop.c numbers them.
CAP_STR = 1      # a NUL-terminated path at arg: its page first, PATH_MAX bytes if no NUL there
CAP_FIXED = 2    # `size` bytes at arg
CAP_RETBUF = 3   # at exit, min(return value, size) bytes at arg
CAP_LEN_AT = 4   # `*arg2` bytes at arg (the larger of its value at entry and at exit, <= size)

# Per-call flags, as _stoploop.c numbers them.
TRACED, FAST, QUIET = 1, 2, 4

LARGEST_BUFFER = 1 << 24


class Capture(NamedTuple):
    kind: int
    arg: int
    arg2: int = 0
    at_exit: bool = False
    size: int = 0


class CallSpec(NamedTuple):
    captures: tuple[Capture, ...] = ()
    gate_arg: int = 0  # answered in C only when this argument is one of gate_values
    gate_values: tuple[int, ...] = ()


# Calls with no effect that the reader of the trace could see before the lines of earlier
# calls: they only look, or change the process's own tables (fds, mappings, cwd). Their
# decoders read nothing but the registers and the captures (no -y, no task state such as the
# previous call): the engine decodes a repeat of the same registers, captures and result once
# (sysrec.tracer.engine.DecodeMemo).
QUIET_CALLS = frozenset({
    "newfstatat", "fstat", "stat", "lstat", "openat", "open", "close", "getdents64", "getdents",
    "fcntl", "getsockopt", "brk", "mmap", "mprotect", "munmap", "madvise", "lseek", "access",
    "faccessat", "faccessat2", "dup", "dup2", "dup3", "fchdir", "chdir", "set_tid_address",
    "set_robust_list", "rseq", "getpid", "getppid", "gettid", "getuid", "geteuid", "getgid",
    "getegid", "sched_yield", "umask", "readlink", "readlinkat",
})

# Decoders (by qualified name) that print an argument's value and read no memory.
VALUE_DECODERS = frozenset({
    "fd_arg", "int_arg", "uint_arg", "ulong_arg", "long_arg", "ptr_arg", "hex_arg", "hex_ulong_arg",
    "dirfd_arg", "open_flags_arg", "at_flags_arg", "access_mode_arg", "faccessat_flags_arg",
    "prot_arg", "map_flags_arg", "numeric_mode_arg", "const_of.<locals>.<lambda>",
    "flags_of.<locals>.<lambda>", "_xval32.<locals>.decode",
})
VALUE_AUX = frozenset({"hex_return", "octal_return"})


def _path(i: int, at_exit: bool) -> tuple[Capture, ...]:
    return (Capture(CAP_STR, i, at_exit=at_exit),)


def _stat(i: int, at_exit: bool) -> tuple[Capture, ...]:
    return (Capture(CAP_FIXED, i, at_exit=at_exit, size=STAT_SIZE),)


def _dirents(i: int, at_exit: bool) -> tuple[Capture, ...]:
    return (Capture(CAP_RETBUF, i, at_exit=True, size=LARGEST_BUFFER),)


# Decoders that read memory, and what to capture for them (argument index, printed at exit).
MEMORY_DECODERS = {
    "path_arg": _path,
    "stat_out": _stat,
    "dirents_out.<locals>.decode": _dirents,
}

# fcntl commands whose row prints values only (F_DUPFD, F_GETFD, F_SETFD, F_GETFL, F_SETFL,
# F_DUPFD_CLOEXEC); the lock and owner commands read structures.
_FCNTL_VALUE_CMDS = (0, 1, 2, 3, 4, 1030)
_INT = 4

# Rows whose decoders read memory their own way: written out.
EXPLICIT: dict[str, CallSpec] = {
    "fcntl": CallSpec(gate_arg=1, gate_values=_FCNTL_VALUE_CMDS),
    # snapshot_optlen reads *optlen at entry; at exit *optlen again and the value
    "getsockopt": CallSpec((Capture(CAP_FIXED, 4, size=_INT), Capture(CAP_LEN_AT, 3, 4),
                            Capture(CAP_FIXED, 4, at_exit=True, size=_INT),
                            Capture(CAP_LEN_AT, 3, 4, at_exit=True, size=65536))),
}


def derive(name: str) -> CallSpec | None:
    """What to capture for a quiet call, from its signature row; None: its decoders need the
    live tracee (or are not known here)."""
    if name not in QUIET_CALLS:
        return None
    if name in EXPLICIT:
        return EXPLICIT[name]
    from sysrec.decode.signatures import SIGNATURES
    sig = SIGNATURES.get(name)
    if sig is None or sig.snapshot is not None:
        return None
    if sig.aux is not None and sig.aux.__qualname__ not in VALUE_AUX:
        return None
    captures: list[Capture] = []
    for i, arg in enumerate(sig.args):
        kind = arg.decode.__qualname__
        if kind in VALUE_DECODERS:
            continue
        make = MEMORY_DECODERS.get(kind)
        if make is None:
            return None
        captures.extend(make(i, arg.at_exit))
    return CallSpec(tuple(captures))


@lru_cache(maxsize=1)
def fast_specs() -> dict[int, CallSpec]:
    """Syscall number -> spec, for every call the C loop may answer."""
    specs = {}
    for name in QUIET_CALLS:
        spec = derive(name)
        if spec is not None and name in SYSCALL_NUMBERS:
            specs[SYSCALL_NUMBERS[name]] = spec
    return specs


def configure(loop: object, untraced_nrs: frozenset[int]) -> None:
    """Hand the per-call table to a `_stoploop.Loop`."""
    quiet = {SYSCALL_NUMBERS[n] for n in QUIET_CALLS if n in SYSCALL_NUMBERS}
    specs = fast_specs()
    for nr in range(512):
        traced = nr not in untraced_nrs
        spec = specs.get(nr) if traced else None
        flags = (TRACED if traced else 0) | (FAST if spec is not None else 0) | \
            (QUIET if nr in quiet else 0)
        spec = spec or CallSpec()
        loop.set_call(nr, flags, spec.gate_arg, spec.gate_values,  # type: ignore[attr-defined]
                      [(c.kind, c.arg, c.arg2, int(c.at_exit), c.size) for c in spec.captures])
