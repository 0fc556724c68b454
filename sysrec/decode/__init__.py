"""Decoders: raw syscall arguments + tracee memory -> JSON nodes (see docs/record-format.md).

The tracer calls `enter()` at a syscall's entry stop and `leave()` at its exit stop. Everything
the kernel writes back is read in `leave()`. Decoders never raise on bad memory or odd values:
an unreadable pointer becomes a `{"$ptr": addr}` node.

The decoders themselves are per family (sockaddr, net, sockopt, poll, fcntl, siginfo); which
argument prints how, and when, is one row per syscall in `signatures.py`. Syscalls without a
row print their name and raw arguments (pointers as addresses, integers in decimal).

Everything here loads at the first use of one of its names (`sysrec.decode.enter`, ...): the
families, their signature rows and construct cost ~90 ms to import, and what only needs a table
(`sysrec.decode.xlat.errnos` for the strace renderer, the exit line of a program that made no
traced call) must not wait for them. The names live in `calls`.
"""

from __future__ import annotations

__all__ = [
    "Memory", "DecodeOptions", "EntryState", "Decoded", "Node", "enter", "leave",
    "decode_siginfo", "errno_name", "signal_name", "SIGNALS", "returns_fd", "fds_in",
    "has_exit_args", "RESTART_CODES",
]
# `calls`' other public names, reached through this package too.
_MORE = ("Call", "fd", "ABSENT", "SIGNATURES", "Signature", "raw_signature", "signature_for", "ERRNO",
         "arity", "PER_CALL_ROWS")


def __getattr__(name: str) -> object:
    """The first use of a decoder name imports `calls` and binds all its names here (later
    lookups are plain module attributes). Other names (submodules) are left to the import system."""
    if name not in __all__ and name not in _MORE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from sysrec.deferred_imports import import_lean
    import_lean()
    from sysrec.decode import calls
    names = globals()
    for public in (*__all__, *_MORE):
        names[public] = getattr(calls, public)
    return names[name]
