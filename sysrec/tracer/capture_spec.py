"""Which calls the C stop loop (`_stoploop.c`) answers by itself, and what memory it captures
for their decoders: a table kept as data (`SPECS`, read without importing a decoder, so that the
loop can run while the decoders import), checked against what the signature rows say
(`derive`: tests/test_stoploop.py holds the two equal).

A call is answered in C only when both hold:
- it is quiet: nothing it does can show up, to whoever reads the trace, before the lines of the
  calls before it are out (the tracee is resumed before Python has decoded them);
- every decoder of its row reads either nothing from memory or one of the captures below, so
  that decoding later from the capture prints what decoding at the stop would have printed
  (`sysrec.tracer.captured.CapturedMemory` says so loudly when a read was not captured).
"""

from __future__ import annotations

from collections import namedtuple

from sysrec.syscalls import SYSCALL_NUMBERS

TYPE_CHECKING = False  # typing is not imported at run time: the tracer reads this table at the first stop
if TYPE_CHECKING:
    from typing import Callable

# Capture kinds, as _stoploop.c numbers them.
CAP_STR = 1      # a NUL-terminated path at arg: its page first, PATH_MAX bytes if no NUL there
CAP_FIXED = 2    # `size` bytes at arg
CAP_RETBUF = 3   # at exit, min(return value, size) bytes at arg
CAP_LEN_AT = 4   # `*arg2` bytes at arg (the larger of its value at entry and at exit, <= size)
CAP_ARG_LEN = 5  # min(arg2's value, size) bytes at arg (a buffer the program hands the kernel)

# A size that is -s's: the bytes a string shows plus the one more strace fetches (configure()).
STRSIZE = -1

# Per-call flags, as _stoploop.c numbers them.
TRACED, FAST, QUIET = 1, 2, 4

LARGEST_BUFFER = 1 << 24


# What to read (a CAP_ kind), where (the argument `arg`, its length in `arg2` for the kinds
# that take one), when (at entry, or `at_exit`), and at most how many bytes (`size`).
Capture = namedtuple("Capture", "kind arg arg2 at_exit size", defaults=(0, False, 0))
# A call's captures; with a gate, answered in C only when argument `gate_arg` is one of `gate_values`.
CallSpec = namedtuple("CallSpec", "captures gate_arg gate_values", defaults=((), 0, ()))


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
    # what a program asks while it starts (ld.so, libc): read the data the kernel hands back,
    # describe the system, set the process's own limits and thread pointer
    "read", "pread64", "statfs", "fstatfs", "uname", "sysinfo", "getrandom", "prlimit64", "arch_prctl",
})
# Calls whose effect leaves the process (bytes written): quiet only when the lines do not go
# where the program writes as they come (-o FILE, --record: sysrec writes those through a
# buffer, so their lines were never in step with the program's writes anyway).
QUIET_UNLESS_LIVE = frozenset({"write", "pwrite64"})
# Calls quiet for the values their spec's gate lets through, and only those (a futex wake; the
# terminal's settings read, not set): never let run untraced ahead of the lines.
QUIET_WHEN_GATED = frozenset({"futex", "ioctl"})

# Decoders (by qualified name) that print an argument's value and read no memory.
VALUE_DECODERS = frozenset({
    "fd_arg", "int_arg", "uint_arg", "ulong_arg", "long_arg", "ptr_arg", "hex_arg", "hex_ulong_arg",
    "dirfd_arg", "open_flags_arg", "at_flags_arg", "access_mode_arg", "faccessat_flags_arg",
    "prot_arg", "map_flags_arg", "numeric_mode_arg", "const_of.<locals>.<lambda>",
    "flags_of.<locals>.<lambda>", "_xval32.<locals>.decode", "resource_arg", "flags_arg.<locals>.decode",
})
VALUE_AUX = frozenset({"hex_return", "octal_return"})


def _path(i: int, at_exit: bool) -> tuple[Capture, ...]:
    return (Capture(CAP_STR, i, at_exit=at_exit),)


def _fixed(size_of: Callable[[], int]) -> Callable[[int, bool], tuple[Capture, ...]]:
    """A struct of a decoder family's size, where the row's argument points."""
    return lambda i, at_exit: (Capture(CAP_FIXED, i, at_exit=at_exit, size=size_of()),)


def _returned(size: int) -> Callable[[int, bool], tuple[Capture, ...]]:
    """What the kernel wrote, as many bytes as the call returned (at most `size`)."""
    return lambda i, at_exit: (Capture(CAP_RETBUF, i, at_exit=True, size=size),)


def _stat_size() -> int:
    from sysrec.decode.file_structs import STAT_SIZE
    return STAT_SIZE


def _statfs_size() -> int:
    from sysrec.decode.file_structs import STATFS_SIZE
    return STATFS_SIZE


def _utsname_size() -> int:  # all six members: -v prints them (abbreviated, two)
    from sysrec.decode.process import UTS_FIELD, UTS_MEMBERS
    return UTS_FIELD * len(UTS_MEMBERS)


def _sysinfo_size() -> int:
    from sysrec.decode.process import SYSINFO_SIZE
    return SYSINFO_SIZE


# Decoders that read memory, and what to capture for them (argument index, printed at exit).
MEMORY_DECODERS: dict[str, Callable[[int, bool], tuple[Capture, ...]]] = {
    "path_arg": _path,
    "stat_out": _fixed(_stat_size),
    "statfs_out": _fixed(_statfs_size),
    "uname_arg": _fixed(_utsname_size),
    "sysinfo_arg": _fixed(_sysinfo_size),
    "rlimit_arg": _fixed(lambda: 16),
    "dirents_out.<locals>.decode": _returned(LARGEST_BUFFER),
    "data_out": _returned(STRSIZE),
    "random_bytes_arg": _returned(STRSIZE),
    "link_target_out": _returned(STRSIZE),
}

# fcntl commands whose row prints values only (F_DUPFD, F_GETFD, F_SETFD, F_GETFL, F_SETFL,
# F_DUPFD_CLOEXEC); the lock and owner commands read structures.
_FCNTL_VALUE_CMDS = (0, 1, 2, 3, 4, 1030)
ARCH_SET_GS, ARCH_SET_FS = 0x1001, 0x1002
FUTEX_WAKE, FUTEX_PRIVATE_FLAG = 1, 128
TCGETS, TIOCGWINSZ = 0x5401, 0x5413
TERMIOS_SIZE = 36  # struct termios, the larger of the two
_INT = 4

# Rows whose decoders read memory their own way: written out.
EXPLICIT: dict[str, CallSpec] = {
    "fcntl": CallSpec(gate_arg=1, gate_values=_FCNTL_VALUE_CMDS),
    # snapshot_optlen reads *optlen at entry; at exit *optlen again and the value
    "getsockopt": CallSpec((Capture(CAP_FIXED, 4, size=_INT), Capture(CAP_LEN_AT, 3, 4),
                            Capture(CAP_FIXED, 4, at_exit=True, size=_INT),
                            Capture(CAP_LEN_AT, 3, 4, at_exit=True, size=65536))),
    # the thread pointer set (the rest read or write memory: their own rows)
    "arch_prctl": CallSpec(gate_arg=0, gate_values=(ARCH_SET_GS, ARCH_SET_FS)),
    # a wake: the address, the op, how many (the other ops read a timeout, a second address)
    "futex": CallSpec(gate_arg=1, gate_values=(FUTEX_WAKE, FUTEX_WAKE | FUTEX_PRIVATE_FLAG)),
    # is it a terminal, and how large (a struct termios, a struct winsize, written at exit)
    "ioctl": CallSpec((Capture(CAP_FIXED, 2, at_exit=True, size=TERMIOS_SIZE),), gate_arg=1,
                      gate_values=(TCGETS, TIOCGWINSZ)),
    # data_in(2): the bytes handed over, as many as the count argument says (-s bounds them)
    "write": CallSpec((Capture(CAP_ARG_LEN, 1, 2, size=STRSIZE),)),
    "pwrite64": CallSpec((Capture(CAP_ARG_LEN, 1, 2, size=STRSIZE),)),
}


def derive(name: str) -> CallSpec | None:
    """What to capture for a quiet call, from its signature row; None: its decoders need the
    live tracee (or are not known here)."""
    if name not in QUIET_CALLS and name not in QUIET_UNLESS_LIVE and name not in QUIET_WHEN_GATED:
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


# Every call the C loop may answer, and what it captures: what derive() makes of the rows (a
# test holds them equal), written out so that the loop needs no decoder to start; then the
# rows written out above.
SPECS: dict[str, CallSpec] = {
    "access": CallSpec((Capture(CAP_STR, 0),)),
    "brk": CallSpec(),
    "chdir": CallSpec((Capture(CAP_STR, 0),)),
    "close": CallSpec(),
    "dup": CallSpec(),
    "dup2": CallSpec(),
    "dup3": CallSpec(),
    "faccessat": CallSpec((Capture(CAP_STR, 1),)),
    "faccessat2": CallSpec((Capture(CAP_STR, 1),)),
    "fchdir": CallSpec(),
    "fstat": CallSpec((Capture(CAP_FIXED, 1, at_exit=True, size=144),)),
    "fstatfs": CallSpec((Capture(CAP_FIXED, 1, at_exit=True, size=120),)),
    "getdents": CallSpec((Capture(CAP_RETBUF, 1, at_exit=True, size=LARGEST_BUFFER),)),
    "getdents64": CallSpec((Capture(CAP_RETBUF, 1, at_exit=True, size=LARGEST_BUFFER),)),
    "getegid": CallSpec(),
    "geteuid": CallSpec(),
    "getgid": CallSpec(),
    "getpid": CallSpec(),
    "getppid": CallSpec(),
    "getrandom": CallSpec((Capture(CAP_RETBUF, 0, at_exit=True, size=STRSIZE),)),
    "gettid": CallSpec(),
    "getuid": CallSpec(),
    "lseek": CallSpec(),
    "lstat": CallSpec((Capture(CAP_STR, 0), Capture(CAP_FIXED, 1, at_exit=True, size=144))),
    "madvise": CallSpec(),
    "mmap": CallSpec(),
    "mprotect": CallSpec(),
    "munmap": CallSpec(),
    "newfstatat": CallSpec((Capture(CAP_STR, 1), Capture(CAP_FIXED, 2, at_exit=True, size=144))),
    "open": CallSpec((Capture(CAP_STR, 0),)),
    "openat": CallSpec((Capture(CAP_STR, 1),)),
    "pread64": CallSpec((Capture(CAP_RETBUF, 1, at_exit=True, size=STRSIZE),)),
    "prlimit64": CallSpec((Capture(CAP_FIXED, 2, size=16), Capture(CAP_FIXED, 3, at_exit=True, size=16))),
    "read": CallSpec((Capture(CAP_RETBUF, 1, at_exit=True, size=STRSIZE),)),
    "readlink": CallSpec((Capture(CAP_STR, 0), Capture(CAP_RETBUF, 1, at_exit=True, size=STRSIZE))),
    "readlinkat": CallSpec((Capture(CAP_STR, 1), Capture(CAP_RETBUF, 2, at_exit=True, size=STRSIZE))),
    "rseq": CallSpec(),
    "sched_yield": CallSpec(),
    "set_robust_list": CallSpec(),
    "set_tid_address": CallSpec(),
    "stat": CallSpec((Capture(CAP_STR, 0), Capture(CAP_FIXED, 1, at_exit=True, size=144))),
    "statfs": CallSpec((Capture(CAP_STR, 0), Capture(CAP_FIXED, 1, at_exit=True, size=120))),
    "sysinfo": CallSpec((Capture(CAP_FIXED, 0, at_exit=True, size=112),)),
    "umask": CallSpec(),
    "uname": CallSpec((Capture(CAP_FIXED, 0, at_exit=True, size=390),)),
    **EXPLICIT,
}


def configure(loop: object, untraced_nrs: frozenset[int], strsize: int, live_output: bool) -> None:
    """Hand the per-call table to a `_stoploop.Loop`: SPECS, sizes of -s made bytes (a call
    whose capture -s would make larger than LARGEST_BUFFER stays with Python); the calls of
    QUIET_UNLESS_LIVE only when the lines are not `live_output`."""
    quiet_names = QUIET_CALLS if live_output else QUIET_CALLS | QUIET_UNLESS_LIVE
    quiet = {SYSCALL_NUMBERS[n] for n in quiet_names if n in SYSCALL_NUMBERS}
    fast = quiet_names | QUIET_WHEN_GATED
    specs = {SYSCALL_NUMBERS[n]: spec for n, spec in SPECS.items() if n in fast and n in SYSCALL_NUMBERS
             and (strsize < LARGEST_BUFFER or all(c.size != STRSIZE for c in spec.captures))}
    for nr in range(512):
        traced = nr not in untraced_nrs
        spec = specs.get(nr) if traced else None
        flags = (TRACED if traced else 0) | (FAST if spec is not None else 0) | \
            (QUIET if nr in quiet else 0)
        spec = spec or CallSpec()
        loop.set_call(nr, flags, spec.gate_arg, spec.gate_values,  # type: ignore[attr-defined]
                      [(c.kind, c.arg, c.arg2, int(c.at_exit), strsize + 1 if c.size == STRSIZE else c.size)
                       for c in spec.captures])
