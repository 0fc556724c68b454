"""siginfo_t (from PTRACE_GETSIGINFO) as the node strace prints in `--- SIGCHLD {...} ---`."""

from __future__ import annotations

from typing import Callable

from sysrec.decode import structs
from sysrec.decode.xlat import value
from sysrec.decode.xlat.errnos import ERRNO
from sysrec.decode.xlat.signals import SI_CODES, SIGNAL_CODES, SIGNALS, signal_name

Node = object
CLD_EXITED = 1
SI_USER, SI_KERNEL, SI_QUEUE, SI_TIMER, SI_MESGQ, SI_TKILL = 0, 0x80, -1, -2, -3, -6


def _sender(data: bytes) -> dict:
    s = structs.siginfo_kill.parse(data)
    return {"si_pid": s.pid, "si_uid": s.uid}


def _value(data: bytes) -> dict:
    s = structs.siginfo_rt.parse(data)
    return {"si_pid": s.pid, "si_uid": s.uid, "si_int": s.value & 0xFFFFFFFF,
            "si_ptr": {"$ptr": s.value} if s.value else "NULL"}


def _timer(data: bytes) -> dict:
    s = structs.siginfo_timer.parse(data)
    return {"si_timerid": s.tid, "si_overrun": s.overrun, "si_int": s.value & 0xFFFFFFFF,
            "si_ptr": {"$ptr": s.value} if s.value else "NULL"}


def _child(data: bytes, code: int) -> dict:
    s = structs.siginfo_chld.parse(data)
    status: Node = s.status if code == CLD_EXITED else signal_name(s.status)
    return {"si_pid": s.pid, "si_uid": s.uid, "si_status": status,
            "si_utime": s.utime, "si_stime": s.stime}


def _fault(data: bytes) -> dict:
    addr = structs.siginfo_fault.parse(data).addr
    return {"si_addr": {"$ptr": addr} if addr else "NULL"}


def _poll(data: bytes) -> dict:
    s = structs.siginfo_poll.parse(data)
    return {"si_band": s.band, "si_fd": s.fd}


def _sys(data: bytes) -> dict:
    s = structs.siginfo_sys.parse(data)
    return {"si_call_addr": {"$ptr": s.call_addr} if s.call_addr else "NULL",
            "si_syscall": s.syscall, "si_arch": s.arch}


# Fields after si_code, by how the signal was sent (si_code <= 0: by a process or the kernel's
# generic paths) and else by signal.
BY_GENERIC_CODE: dict[int, Callable[[bytes], dict]] = {
    SI_USER: _sender, SI_TKILL: _sender, SI_QUEUE: _value, SI_MESGQ: _value, SI_TIMER: _timer,
}
FAULT_SIGNALS = frozenset({"SIGSEGV", "SIGBUS", "SIGILL", "SIGFPE", "SIGTRAP"})


def decode_siginfo(data: bytes) -> Node:
    """The node for `--- SIG {si_signo=..., ...} ---`."""
    data = bytes(data[:structs.SIGINFO_SIZE]).ljust(structs.SIGINFO_SIZE, b"\0")
    head = structs.siginfo_head.parse(data)
    sig = signal_name(head.signo)
    node: dict = {"si_signo": sig if head.signo in SIGNALS else head.signo}
    codes = SIGNAL_CODES.get(sig, {})
    if head.code > 0 and head.code in codes and head.code != SI_KERNEL:
        node["si_code"] = codes[head.code]
    else:
        node["si_code"] = value(head.code, SI_CODES)
    if head.errno:
        node["si_errno"] = ERRNO[head.errno][0] if head.errno in ERRNO else head.errno
    if head.code <= 0:
        extra = BY_GENERIC_CODE.get(head.code)
        if extra is not None:
            node.update(extra(data))
    elif head.code != SI_KERNEL:
        if sig == "SIGCHLD":
            node.update(_child(data, head.code))
        elif sig in FAULT_SIGNALS:
            node.update(_fault(data))
        elif sig == "SIGIO" or sig == "SIGPOLL":
            node.update(_poll(data))
        elif sig == "SIGSYS":
            node.update(_sys(data))
    return node
