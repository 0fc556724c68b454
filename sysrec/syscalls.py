"""Syscall names, numbers and the classes that `-e trace=` accepts."""

from __future__ import annotations

from collections.abc import Iterable

from sysrec.errors import InputError
from sysrec.syscall_numbers_x86_64 import SYSCALL_NAMES

SYSCALL_NUMBERS: dict[str, int] = {name: nr for nr, name in SYSCALL_NAMES.items()}

# strace's %network (%net) class on x86-64: the syscalls flagged TN in its syscall table.
NETWORK = (
    "accept", "accept4", "bind", "connect", "getpeername", "getsockname", "getsockopt", "listen",
    "recvfrom", "recvmmsg", "recvmsg", "sendmmsg", "sendmsg", "sendto", "setsockopt", "shutdown",
    "socket", "socketpair",
)

# What a network engineer wants to see of a client by default: the network calls plus the
# readiness and fd-state calls that decide what a non-blocking connect() ends in.
DEFAULT_SET = NETWORK + (
    "select", "pselect6", "poll", "ppoll", "epoll_create", "epoll_create1", "epoll_ctl",
    "epoll_wait", "epoll_pwait", "epoll_pwait2", "fcntl", "close",
)

CLASSES: dict[str, tuple[str, ...]] = {"%network": NETWORK, "%net": NETWORK}


def parse_trace_expressions(exprs: Iterable[str]) -> tuple[str, ...] | None:
    """Turn `-e trace=a,b,%net` options into syscall names; None means every syscall.

    With no -e at all the default set applies. Unknown names raise InputError with suggestions.
    """
    exprs = list(exprs)
    if not exprs:
        return DEFAULT_SET
    names: list[str] = []
    for expr in exprs:
        key, sep, value = expr.partition("=")
        if not sep:
            key, value = "trace", expr
        if key != "trace":
            raise InputError(f"-e {expr}: only trace=SET is supported")
        for item in value.split(","):
            item = item.strip()
            if item in ("all", "%all"):
                return None
            if item in CLASSES:
                names.extend(CLASSES[item])
            elif item in SYSCALL_NUMBERS:
                names.append(item)
            else:
                import difflib  # only for this message: kept off the start-up path

                choices = list(SYSCALL_NUMBERS) + list(CLASSES)
                close = difflib.get_close_matches(item, choices, n=3)
                hint = f"; did you mean {', '.join(close)}?" if close else ""
                raise InputError(f"-e trace={value}: invalid system call '{item}'{hint}")
    return tuple(dict.fromkeys(names))
