"""siginfo_t as strace prints it: in `--- SIGCHLD {...} ---` lines (from PTRACE_GETSIGINFO) and as
a syscall argument (rt_sigqueueinfo, rt_sigtimedwait, waitid...).

Which fields follow si_code depends on who sent the signal (si_code <= 0: a process, a timer, a
queue) and otherwise on the signal, the way strace's printsiginfo chooses them.
"""

from __future__ import annotations

import os
from typing import Callable

from construct import Int16ul, Int32sl, Int32ul, Int64sl, Int64ul, Padding, Struct

from sysrec.decode.common import Call, Node, fd, ptr
from sysrec.decode.lazy_compile import compiled_later
from sysrec.decode.xlat import c_hex, value, styled
from sysrec.decode.xlat.errnos import ERRNO
from sysrec.decode.xlat.signals import (AUDIT_ARCH_X86_64, AUDIT_ARCHES, BUS_MCEERR_AO,
                                        BUS_MCEERR_AR, CLD_EXITED, SEGV_BNDERR, SEGV_PKUERR,
                                        SI_CODES, SI_SIGIO, SI_TIMER, SI_TKILL, SI_USER,
                                        SIGBUS, SIGCHLD, SIGFPE, SIGILL, SIGIO, SIGNAL_CODES,
                                        SIGNALS, SIGSEGV, SIGSYS, SIGTRAP)
from sysrec.syscall_numbers_x86_64 import SYSCALL_NAMES

SIGINFO_SIZE = 128

# The x86-64 layout: a 16-byte head, then one union member chosen by si_code and si_signo.
head = compiled_later(Struct("signo" / Int32sl, "errno" / Int32sl, "code" / Int32sl))
sender = compiled_later(Struct(Padding(16), "pid" / Int32sl, "uid" / Int32ul, "value" / Int64ul))
timer = compiled_later(Struct(Padding(16), "tid" / Int32sl, "overrun" / Int32sl, "value" / Int64ul))
child = compiled_later(Struct(Padding(16), "pid" / Int32sl, "uid" / Int32ul, "status" / Int32sl, Padding(4),
                              "utime" / Int64sl, "stime" / Int64sl))
fault = compiled_later(Struct(Padding(16), "addr" / Int64ul, "addr_lsb" / Int16ul, Padding(6),
                              "lower" / Int64ul, "upper" / Int64ul))
fault_pkey = compiled_later(Struct(Padding(32), "pkey" / Int32ul))
sigpoll = compiled_later(Struct(Padding(16), "band" / Int64sl, "fd" / Int32sl))
sigsys = compiled_later(Struct(Padding(16), "call_addr" / Int64ul, "syscall" / Int32sl, "arch" / Int32ul))


def signal_node(nr: int) -> Node:
    """strace's printsignal: `SIGUSR1`, or the number when it names no signal."""
    name = SIGNALS.get(nr)
    return nr if name is None else styled(str(nr), name)  # -X: `10 /* SIGUSR1 */`


def _clock_ticks() -> int:
    try:
        return os.sysconf("SC_CLK_TCK")
    except (ValueError, OSError):
        return -1


CLK_TCK = _clock_ticks()
CLK_DIGITS = min(len(str(CLK_TCK)) - 1, 9) if CLK_TCK > 0 else 0


def clock_t_node(ticks: int) -> Node:
    """A clock_t count with its seconds in a comment: `97 /* 0.97 s */`, plain `0`."""
    ticks &= (1 << 64) - 1
    if ticks == 0 or CLK_TCK <= 0:
        return ticks
    whole, part = divmod(ticks, CLK_TCK)
    frac = f"{part / CLK_TCK:.{CLK_DIGITS}f}"[1:] if CLK_DIGITS else ""
    return f"{ticks} /* {whole}{frac} s */"


def _code_node(signo: int, code: int) -> Node:
    name = SI_CODES.get(code) or SIGNAL_CODES.get(signo, {}).get(code)
    return styled(c_hex(code & 0xFFFFFFFF), name) if name is not None else c_hex(code & 0xFFFFFFFF)


def _source(data: bytes) -> dict:
    s = sender.parse(data)
    return {"si_pid": s.pid, "si_uid": s.uid if s.uid != 0xFFFFFFFF else -1}


def _sigval(val: int) -> dict:
    low = val & 0xFFFFFFFF
    return {"si_int": low - (1 << 32) if low & 0x80000000 else low, "si_ptr": ptr(val)}


def _queued(data: bytes) -> dict:
    node = _source(data)
    val = sender.parse(data).value
    if val:
        node.update(_sigval(val))
    return node


def _timer(data: bytes) -> dict:
    s = timer.parse(data)
    return {"si_timerid": c_hex(s.tid & 0xFFFFFFFF), "si_overrun": s.overrun, **_sigval(s.value)}


def _poll(data: bytes) -> dict:
    s = sigpoll.parse(data)
    return {"si_band": s.band, "si_fd": fd(s.fd)}


# Fields after si_code of a signal a process (or a timer, a queue) sent: si_code <= 0.
BY_SENDER: dict[int, Callable[[bytes], dict]] = {
    SI_USER: _source, SI_TKILL: _source, SI_TIMER: _timer, SI_SIGIO: _poll,
}


def _child(data: bytes, code: int, signo: int) -> dict:
    s = child.parse(data)
    return {"si_pid": s.pid, "si_uid": s.uid if s.uid != 0xFFFFFFFF else -1,
            "si_status": s.status if code == CLD_EXITED else signal_node(s.status),
            "si_utime": clock_t_node(s.utime), "si_stime": clock_t_node(s.stime)}


def _fault(data: bytes, code: int, signo: int) -> dict:
    s = fault.parse(data)
    node: dict = {"si_addr": ptr(s.addr)}
    if signo == SIGBUS and code in (BUS_MCEERR_AR, BUS_MCEERR_AO):
        node["si_addr_lsb"] = c_hex(s.addr_lsb)
    elif signo == SIGSEGV and code == SEGV_BNDERR:
        node.update(si_lower=ptr(s.lower), si_upper=ptr(s.upper))
    elif signo == SIGSEGV and code == SEGV_PKUERR:
        node["si_pkey"] = fault_pkey.parse(data).pkey
    return node


def _kernel_poll(data: bytes, code: int, signo: int) -> dict:
    return _poll(data) if code in SIGNAL_CODES[SIGIO] else {}


def _seccomp(data: bytes, code: int, signo: int) -> dict:
    s = sigsys.parse(data)
    name = SYSCALL_NAMES.get(s.syscall & 0xFFFFFFFF) if s.arch == AUDIT_ARCH_X86_64 else None
    return {"si_call_addr": ptr(s.call_addr),
            "si_syscall": f"__NR_{name}" if name else s.syscall & 0xFFFFFFFF,
            "si_arch": value(s.arch, AUDIT_ARCHES, "AUDIT_ARCH_???")}


# Fields after si_code of a signal the kernel raised (si_code > 0), by signal.
BY_SIGNAL: dict[int, Callable[[bytes, int, int], dict]] = {
    SIGCHLD: _child,
    SIGILL: _fault, SIGFPE: _fault, SIGBUS: _fault, SIGSEGV: _fault, SIGTRAP: _fault,
    SIGIO: _kernel_poll, SIGSYS: _seccomp,
}


def _other(data: bytes) -> dict:
    """Any other signal raised with si_code > 0: its sender and value, when set."""
    s = sender.parse(data)
    node = _source(data) if s.pid or s.uid else {}
    if s.value:
        node.update(_sigval(s.value))
    return node


def decode_siginfo(data: bytes) -> Node:
    """The node for `--- SIG {si_signo=..., ...} ---` (a delivered signal always has a number;
    `siginfo_at` prints an argument without one as `{}`)."""
    data = bytes(data[:SIGINFO_SIZE]).ljust(SIGINFO_SIZE, b"\0")
    h = head.parse(data)
    node: dict = {"si_signo": signal_node(h.signo), "si_code": _code_node(h.signo, h.code)}
    if h.errno:
        err = h.errno & 0xFFFFFFFF
        node["si_errno"] = ERRNO[err][0] if err in ERRNO else err
    if h.code <= 0:
        by_sender = BY_SENDER.get(h.code)
        node.update(by_sender(data) if by_sender is not None else _queued(data))
    else:
        by_signal = BY_SIGNAL.get(h.signo)
        node.update(by_signal(data, h.code, h.signo) if by_signal is not None else _other(data))
    return node


def siginfo_at(call: Call, addr: int) -> Node:
    """A siginfo_t the call points to: NULL, the address when unreadable (or, at exit, when the
    call failed and the kernel wrote nothing), else its fields."""
    if addr == 0:
        return "NULL"
    if call.exiting and call.failed:
        return ptr(addr)
    data = call.read(addr, SIGINFO_SIZE)
    if data is None:
        return ptr(addr)
    return decode_siginfo(data) if head.parse(data).signo else {}


__all__ = ["decode_siginfo", "siginfo_at", "signal_node", "clock_t_node", "SIGINFO_SIZE"]
