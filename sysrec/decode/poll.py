"""poll, ppoll, select, pselect6 and epoll: fd sets, pollfd and epoll_event arrays, timeouts,
signal masks, and the return-value texts (`1 (out [3], left {...})`, `0 (Timeout)`)."""

from __future__ import annotations

from sysrec.decode import structs
from sysrec.decode.common import Call, Node, fd, limited, ptr, struct_at
from sysrec.decode.xlat import flags, value
from sysrec.decode.xlat.poll import (EPOLL_CREATE_FLAGS, EPOLL_CTL_DEL, EPOLL_CTL_OPS,
                                     EPOLL_EVENTS, POLL_EVENTS)
from sysrec.decode.signal import sigset_arg, sigset_node

FD_SETSIZE = 1024
TIMEOUT = "Timeout"


# --- time --------------------------------------------------------------------------------------

def _timespec(data: bytes) -> Node:
    ts = structs.timespec.parse(data)
    return {"tv_sec": ts.tv_sec, "tv_nsec": ts.tv_nsec}


def _timeval(data: bytes) -> Node:
    tv = structs.timeval.parse(data)
    return {"tv_sec": tv.tv_sec, "tv_usec": tv.tv_usec}


def _timespec_node(call: Call, addr: int) -> Node:
    return struct_at(call, addr, 16, _timespec)


def _timeval_node(call: Call, addr: int) -> Node:
    return struct_at(call, addr, 16, _timeval)


def timespec_arg(call: Call, i: int) -> Node:
    return _timespec_node(call, call.u(i))


def timeval_arg(call: Call, i: int) -> Node:
    return _timeval_node(call, call.u(i))


def _render_time(node: Node) -> str:
    if isinstance(node, dict) and "tv_sec" in node:
        return "{" + ", ".join(f"{k}={v}" for k, v in node.items()) + "}"
    return "?"


# --- signal masks ------------------------------------------------------------------------------

# The signal family's (strace's print_sigset_addr_len): a word up to 8 bytes, inverted at 2/3.
__all__ = ["sigset_arg", "sigset_node"]


def pselect6_sigmask_arg(call: Call, i: int) -> Node:
    addr = call.u(i)
    if addr == 0:
        return "NULL"
    data = call.read(addr, 16)
    if data is None:
        return ptr(addr)
    pair = structs.pselect6_sigmask.parse(data)
    return {"sigmask": sigset_node(call, pair.ss, pair.ss_len), "sigsetsize": pair.ss_len}


# --- select ------------------------------------------------------------------------------------

def _fdset_fds(call: Call, addr: int, nfds: int) -> list[int] | None:
    """The fds in an fd_set, read as one little-endian integer (bit n = fd n)."""
    nfds = min(nfds, FD_SETSIZE)
    data = call.read(addr, ((nfds + 63) // 64) * 8)
    if data is None:
        return None
    bits = int.from_bytes(data, "little") & ((1 << nfds) - 1)
    fds = []
    while bits:
        low = bits & -bits
        fds.append(low.bit_length() - 1)
        bits ^= low
    return fds


def fdset_arg(call: Call, i: int) -> Node:
    addr, nfds = call.u(i), call.s32(0)
    if addr == 0:
        return "NULL"
    if nfds < 0:
        return ptr(addr)
    fds = _fdset_fds(call, addr, nfds)
    return ptr(addr) if fds is None else {"$set": [fd(n) for n in fds]}


def _select_aux(call: Call, left) -> Node:
    if call.failed:
        return None
    if call.ret == 0:
        return TIMEOUT
    parts = []
    nfds = call.s32(0)
    for label, i in (("in", 1), ("out", 2), ("except", 3)):
        addr = call.u(i)
        if addr == 0:
            continue
        fds = _fdset_fds(call, addr, nfds)
        if fds:
            parts.append(f"{label} [{' '.join(map(str, fds))}]")
    if call.u(4):
        parts.append("left " + _render_time(left(call, call.u(4))))
    return ", ".join(parts)


def select_aux(call: Call) -> tuple[Node, Node]:
    return None, _select_aux(call, _timeval_node)


def pselect6_aux(call: Call) -> tuple[Node, Node]:
    return None, _select_aux(call, _timespec_node)


# --- poll --------------------------------------------------------------------------------------

def _pollfds(call: Call, addr: int, count: int) -> list | None:
    data = call.read(addr, count * structs.POLLFD_SIZE)
    return None if data is None else structs.pollfd_array.parse(data)


def pollfds_arg(call: Call, i: int) -> Node:
    addr, count = call.u(i), call.u32(1)
    if addr == 0:
        return "NULL"
    shown, more = limited(count, call)
    entries = _pollfds(call, addr, shown)
    if entries is None:
        return ptr(addr)
    # A negative fd is ignored by the kernel, and strace shows only the fd.
    nodes: list[Node] = [{"fd": fd(p.fd), "events": flags(p.events, POLL_EVENTS, "POLL???")}
                         if p.fd >= 0 else {"fd": p.fd} for p in entries]
    if more:
        nodes.append("...")
    return nodes


def _poll_aux(call: Call, with_left: bool) -> Node:
    if call.failed:
        return None
    if call.ret == 0:
        return TIMEOUT
    entries = _pollfds(call, call.u(0), min(call.u32(1), FD_SETSIZE * 64)) or []
    ready = [p for p in entries if p.revents]
    count, more = limited(len(ready), call)
    shown = [f"{{fd={p.fd}, revents={flags(p.revents, POLL_EVENTS, 'POLL???')}}}"
             for p in ready[:count]]
    text = "[" + ", ".join(shown + (["..."] if more else [])) + "]"
    if with_left and call.u(2):
        text += ", left " + _render_time(_timespec_node(call, call.u(2)))
    return text


def poll_aux(call: Call) -> tuple[Node, Node]:
    return None, _poll_aux(call, with_left=False)


def ppoll_aux(call: Call) -> tuple[Node, Node]:
    return None, _poll_aux(call, with_left=True)


# --- epoll -------------------------------------------------------------------------------------

def epoll_create1_flags_arg(call: Call, i: int) -> Node:
    return flags(call.u32(i), EPOLL_CREATE_FLAGS, "EPOLL_???")


def epoll_op_arg(call: Call, i: int) -> Node:
    return value(call.s32(i), EPOLL_CTL_OPS, "EPOLL_CTL_???")


def _epoll_event_node(ev) -> Node:
    return {"events": flags(ev.events, EPOLL_EVENTS, "EPOLL???"),
            "data": {"u32": ev.data & 0xFFFFFFFF, "u64": ev.data}}


def epoll_ctl_event_arg(call: Call, i: int) -> Node:
    addr = call.u(i)
    if call.s32(1) == EPOLL_CTL_DEL or addr == 0:
        return ptr(addr)
    data = call.read(addr, structs.EPOLL_EVENT_SIZE)
    if data is None:
        return ptr(addr)
    return _epoll_event_node(structs.epoll_event_array.parse(data)[0])


def epoll_events_out(call: Call, i: int) -> Node:
    addr = call.u(i)
    if call.failed or addr == 0:
        return ptr(addr)
    shown, more = limited(call.ret or 0, call)
    data = call.read(addr, shown * structs.EPOLL_EVENT_SIZE)
    if data is None:
        return ptr(addr)
    nodes: list[Node] = [_epoll_event_node(ev) for ev in structs.epoll_event_array.parse(data)]
    if more:
        nodes.append("...")
    return nodes
