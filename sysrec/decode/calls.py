"""Decoding one call: `enter()` at its entry stop, `leave()` at its exit stop (see sysrec.decode)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from sysrec.decode.common import Call, DecodeOptions, Memory, Node, fd
from sysrec.decode.row import ABSENT
from sysrec.decode.signatures import (PER_CALL_ROWS, SIGNATURES, Signature, has_exit_args,
                                      raw_signature, signature_for)
from sysrec.decode.siginfo import decode_siginfo
from sysrec.decode.xlat.errnos import ERRNO, RESTART_CODES
from sysrec.decode.xlat.signals import SIGNALS, signal_name

__all__ = [
    "Memory", "DecodeOptions", "EntryState", "Decoded", "Node", "enter", "leave",
    "decode_siginfo", "errno_name", "signal_name", "SIGNALS", "returns_fd", "fds_in",
    "has_exit_args", "RESTART_CODES",
]


@dataclass(slots=True)
class EntryState:
    """What a decoder learned at entry and needs again at exit."""

    name: str
    raw: tuple[int, ...]
    args: list[Node]  # nodes printed at entry
    more: bool = False  # the entry text ends in ", " (arguments follow at exit)
    call: Call | None = None  # the decoding context, carried to leave()
    sig: Signature | None = None


@dataclass(slots=True)
class Decoded:
    """A call decoded at exit: every argument node, how many printed at entry, the return."""

    args: list[Node]
    n_entry: int
    rtext: Node | None = None
    raux: Node | None = None


def _signature(call: Call) -> Signature:
    return signature_for(call) or raw_signature(call.name)


# The row of each syscall whose row never depends on its arguments, by name, filled as the
# names come: one lookup per call (signature_for() is two and a call). Rows picked per call
# (PER_CALL_ROWS) never land here.
_FIXED_ROWS: dict[str, Signature] = {}


def enter(name: str, raw: Sequence[int], mem: Memory, opts: DecodeOptions,
          previous: str | None = None) -> EntryState:
    """Decode what strace prints at entry; remember what the kernel will overwrite. `previous`:
    the task's last traced syscall, which restart_syscall resumes."""
    call = Call(name, raw if type(raw) is tuple else tuple(raw), mem, opts, None, False, {}, previous)
    sig = _FIXED_ROWS.get(name)
    if sig is None:  # _signature(), inlined: every call comes here
        sig = signature_for(call) or raw_signature(name)
        if name not in PER_CALL_ROWS:
            _FIXED_ROWS[name] = sig
    if sig.snapshot is not None:
        sig.snapshot(call)
    try:  # the common case in one go; a decoder that raises is retried through _safe
        args = [decode(call, i) for i, decode in enumerate(sig.at_entry)]
    except Exception:
        args = [_safe(decode, call, i) for i, decode in enumerate(sig.at_entry)]
    return EntryState(name, call.raw, args, sig.more, call, sig)


def arity(name: str, raw: tuple[int, ...]) -> int:
    """How many of the call's registers its row reads; the others hold whatever the caller left
    there (close(5)'s second register), which a memo of decoded calls must not key on."""
    sig = _FIXED_ROWS.get(name)
    if sig is None:
        sig = _signature(Call(name, raw, None, None))  # type: ignore[arg-type]  # rows read registers only
    return len(sig.args)


def leave(state: EntryState, ret: int | None, mem: Memory, opts: DecodeOptions) -> Decoded:
    """Complete the decoding at exit; `ret` is the signed return value, None if it never returned."""
    call = state.call or Call(state.name, state.raw, mem, opts)
    sig = state.sig or _signature(call)
    call.mem, call.opts, call.ret, call.exiting = mem, opts, ret, True
    entry_args = state.args
    n_entry = len(entry_args)
    if ret is None:
        return Decoded(list(entry_args), n_entry)
    at_exit = sig.at_exit if n_entry == sig.n_entry else \
        tuple((i, arg.decode) for i, arg in enumerate(sig.args) if i >= n_entry)
    if not at_exit and sig.aux is None and not sig.returns_fd:  # the common case: nothing more
        return Decoded(list(entry_args), n_entry)
    try:
        rest = [decode(call, i) for i, decode in at_exit]
    except Exception:
        rest = [_safe(decode, call, i) for i, decode in at_exit]
    if ABSENT in rest:
        rest = [node for node in rest if node is not ABSENT]
    rtext = raux = None
    if not -4096 < ret < 0:  # not call.failed (ret is not None here)
        if sig.returns_fd:
            rtext = fd(ret)
        if sig.aux is not None:
            try:
                text, raux = sig.aux(call)
            except Exception:  # a decoder bug must not stop the trace
                text, raux = None, None
            rtext = text if text is not None else rtext
    return Decoded(list(entry_args) + rest, n_entry, rtext, raux)


def _safe(decode, call: Call, i: int) -> Node:
    """Decoders should not raise; if one does anyway, print the raw value, never crash."""
    try:
        return decode(call, i)
    except Exception:
        v = call.u(i)
        return v if v < 0x10000 else {"$ptr": v}


def errno_name(ret: int | None) -> str | None:
    """`ECONNREFUSED` for ret == -111; None for a success (or a call that never returned)."""
    if ret is None or not -4096 < ret < 0:
        return None
    entry = ERRNO.get(-ret)
    return entry[0] if entry else f"E{-ret}"


def returns_fd(name: str, entry_args: list[Node] | None = None) -> bool:
    """Whether a successful call returns a new fd (socket, accept, epoll_create, fcntl F_DUPFD)."""
    if name == "fcntl":
        cmd = entry_args[1] if entry_args and len(entry_args) > 1 else None
        return cmd in ("F_DUPFD", "F_DUPFD_CLOEXEC")
    sig = SIGNATURES.get(name)
    return bool(sig and sig.returns_fd)


def fds_in(*nodes: Node) -> set[int]:
    """Every fd named by `{"$fd": n}` nodes in these trees: what `-y`/`-yy` must look up."""
    found: set[int] = set()
    stack = list(nodes)
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "$fd" in node and isinstance(node["$fd"], int):
                found.add(node["$fd"])
            else:
                stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found
