"""Syscall names and numbers, and the `-e trace=SET` expressions, read as strace 6.1 reads them.

A set is a comma-separated list of syscall names, numbers, classes (`%file`, `%net`, ...),
regular expressions (`/^mmap`), each optionally prefixed with `?` (no error when it matches
nothing) and suffixed with a personality (`@64`, `@32`, `@x32`); `all` and `none` stand alone;
each leading `!` inverts the set. Of several `-e trace=` options the last one counts (strace
clears the set each time). Syscall numbers that strace has no name for are traced whatever the
set says (strace always shows those), so a set reduces to the named syscalls it holds.
"""

from __future__ import annotations

from collections.abc import Iterable

from sysrec.errors import InputError
from sysrec.syscall_numbers_x86_64 import SYSCALL_NAMES

SYSCALL_NUMBERS: dict[str, int] = {name: nr for nr, name in SYSCALL_NAMES.items()}

# strace's %network (%net) class on x86-64 (its syscalls flagged TN); the classes module holds
# every class, this copy keeps `sysrec trace`'s start-up from loading it.
NETWORK = (
    "sendfile", "socket", "connect", "accept", "sendto", "recvfrom", "sendmsg", "recvmsg",
    "shutdown", "bind", "listen", "getsockname", "getpeername", "socketpair", "setsockopt",
    "getsockopt", "getpmsg", "putpmsg", "accept4", "recvmmsg", "sendmmsg",
)

# What a network engineer wants to see of a client by default (`sysrec run`'s scenarios): the
# socket calls plus the readiness and fd-state calls that decide what a non-blocking connect()
# ends in.
DEFAULT_SET = (
    "accept", "accept4", "bind", "connect", "getpeername", "getsockname", "getsockopt", "listen",
    "recvfrom", "recvmmsg", "recvmsg", "sendmmsg", "sendmsg", "sendto", "setsockopt", "shutdown",
    "socket", "socketpair",
    "select", "pselect6", "poll", "ppoll", "epoll_create", "epoll_create1", "epoll_ctl",
    "epoll_wait", "epoll_pwait", "epoll_pwait2", "fcntl", "close",
)

# `-e trace=` class names and the class each selects (strace's src/basic_filters.c); None:
# every named syscall. The names without `%` are strace's legacy spellings.
CLASSES: dict[str, str | None] = {
    "%desc": "desc", "%file": "file", "%memory": "memory", "%process": "process",
    "%creds": "creds", "%signal": "signal", "%ipc": "ipc", "%net": "network",
    "%network": "network", "%stat": "stat", "%lstat": "lstat", "%fstat": "fstat",
    "%%stat": "%stat", "%statfs": "statfs", "%fstatfs": "fstatfs", "%%statfs": "%statfs",
    "%pure": "pure", "%clock": "clock",
    "all": None, "desc": "desc", "file": "file", "memory": "memory", "process": "process",
    "signal": "signal", "ipc": "ipc", "network": "network",
}

# The personalities of strace on x86-64, by the designator `NAME@DESIGNATOR` takes.
PERSONALITIES = ("64", "32", "x32")

# `-e KEY=VALUE` keys strace knows (src/filter_qualify.c); `trace` and `t` are the ones sysrec
# has. Any other text is a trace set, as in strace (`-e open` is `-e trace=open`).
TRACE_KEYS = ("trace", "t")
OTHER_KEYS = ("abbrev", "a", "verbose", "v", "raw", "x", "signal", "signals", "s", "status",
              "quiet", "silent", "silence", "q", "read", "reads", "r", "write", "writes", "w",
              "fault", "inject", "kvm", "decode-fd", "decode-fds", "decode-pid", "decode-pids",
              "secontext")

INT_MAX = 2**31 - 1


def parse_trace_expressions(exprs: Iterable[str]) -> tuple[str, ...] | None:
    """Turn `-e` options into the syscall names to trace; None means every syscall (also with
    no -e at all). Raises InputError with strace's message for a set strace refuses."""
    names: tuple[str, ...] | None = None
    for expr in exprs:
        key, sep, value = expr.partition("=")
        if sep and key in OTHER_KEYS:
            raise InputError(f"-e {expr}: only trace=SET is supported")
        names = parse_trace_set(value if sep and key in TRACE_KEYS else expr)
    return names


def parse_trace_set(spec: str) -> tuple[str, ...] | None:
    """One `trace=` value: the named syscalls it selects, in number order; None: all of them."""
    rest = spec
    inverted = False
    while rest.startswith("!"):
        inverted = not inverted
        rest = rest[1:]
    chosen: set[int] = set()
    if rest == "all":
        inverted = not inverted
    elif rest != "none":
        tokens = [token for token in rest.split(",") if token]
        if not tokens:
            raise InputError(f"invalid system call '{spec}'")
        for token in tokens:
            if not _add_token(token, chosen):
                raise InputError(f"invalid system call '{token}'{_suggestion(token)}")
    numbers = SYSCALL_NAMES.keys() - chosen if inverted else chosen
    if len(numbers) == len(SYSCALL_NAMES):
        return None
    return tuple(SYSCALL_NAMES[nr] for nr in sorted(numbers))


def _add_token(token: str, chosen: set[int]) -> bool:
    """Add what one token selects of the 64-bit syscalls; whether it selects anything in any
    personality (or starts with `?`, which never fails)."""
    found = False
    while token.startswith("?"):
        token = token[1:]
        found = True
    personalities = PERSONALITIES
    at = token.rfind("@")
    if at >= 0:
        designator = token[at + 1:]
        if designator not in PERSONALITIES:
            raise InputError(f"incorrect personality designator '{designator}' in "
                             f"qualification '{token}'")
        token, personalities = token[:at], (designator,)
    for personality in personalities:
        found |= _add_in_personality(token, personality, chosen)
    return found


def _add_in_personality(token: str, personality: str, chosen: set[int]) -> bool:
    native = personality == "64"
    if token[:1].isdigit() and token.isascii():
        nr = int(token) if token.isdigit() else -1
        if nr < 0 or nr > INT_MAX or not _number_known(nr, personality):
            return False
        if native:
            chosen.add(nr)
        return True
    if token.startswith("/"):
        matches = _regex_matches(token[1:], _names_of(personality))
        if native:
            chosen.update(SYSCALL_NUMBERS[name] for name in matches)
        return bool(matches)
    if token in CLASSES:
        if native:
            chosen.update(_class_members(CLASSES[token]))
        return True
    if native:
        nr = SYSCALL_NUMBERS.get(token)
        if nr is not None:
            chosen.add(nr)
        return nr is not None
    return token in _names_of(personality)


def _names_of(personality: str) -> Iterable[str]:
    if personality == "64":
        return SYSCALL_NUMBERS
    from sysrec import syscall_classes_x86_64 as table
    return table.I386_NAMES if personality == "32" else table.X32_NAMES


def _number_known(nr: int, personality: str) -> bool:
    if personality == "64":
        return nr in SYSCALL_NAMES
    from sysrec import syscall_classes_x86_64 as table
    ranges = table.I386_NUMBERS if personality == "32" else table.X32_NUMBERS
    return any(lo <= nr <= hi for lo, hi in ranges)


def _class_members(cls: str | None) -> list[int]:
    from sysrec.syscall_classes_x86_64 import SYSCALLS
    return [nr for nr, (_name, _nargs, classes) in SYSCALLS.items()
            if cls is None or cls in classes.split()]


def _regex_matches(pattern: str, names: Iterable[str]) -> list[str]:
    """The names a POSIX extended regular expression finds (libc's regcomp/regexec, as strace
    uses them, so that the syntax and the error messages are the same)."""
    import ctypes

    libc = ctypes.CDLL(None)
    reg_extended, reg_nosub = 1, 8
    preg = ctypes.create_string_buffer(256)  # regex_t is 64 bytes on x86-64 glibc
    rc = libc.regcomp(preg, pattern.encode("utf-8", "surrogateescape"), reg_extended | reg_nosub)
    if rc != 0:
        message = ctypes.create_string_buffer(512)
        libc.regerror(rc, preg, message, len(message))
        raise InputError(f"regcomp: {pattern}: {message.value.decode(errors='replace')}")
    try:
        return [name for name in names
                if libc.regexec(preg, name.encode(), 0, None, 0) == 0]
    finally:
        libc.regfree(preg)


def _suggestion(token: str) -> str:
    """A hint after strace's message: the known names closest to a misspelt one."""
    import difflib  # only for this message: kept off the start-up path

    close = difflib.get_close_matches(token, list(SYSCALL_NUMBERS) + list(CLASSES), n=3)
    return f" (did you mean {', '.join(close)}?)" if close else ""
