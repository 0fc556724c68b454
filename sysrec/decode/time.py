"""Time: clock_*, nanosleep, gettimeofday, settimeofday, time, times, alarm, itimers, POSIX
timers and adjtimex (strace's src/time.c, times.c, print_time.c, print_timex.c,
print_sigevent.c).

What the kernel writes (the time read, an old timer value) prints at exit, and as the bare
address when the call failed. A sleep's remaining time is only shown when a signal cut it short.
"""

from __future__ import annotations

import time as _clock

from construct import Int32sl, Int32ul, Int64sl, Int64ul, Padding, Struct

from sysrec.decode.args import uint_arg
from sysrec.decode.common import MASK64, Call, Node, ptr, struct_at
from sysrec.decode.lazy_compile import compiled_later
from sysrec.decode.row import INT, E, Signature, X
from sysrec.decode.siginfo import clock_t_node, signal_node
from sysrec.decode.xlat import flags, value
from sysrec.decode.xlat.signals import SIGEV_NOTIFY, SIGEV_SIGNAL, SIGEV_THREAD, SIGEV_THREAD_ID
from sysrec.decode.xlat.time import (ADJTIMEX_MODES, ADJTIMEX_STATES, ADJTIMEX_STATUS, CLOCKS,
                                     ERESTART_CODES, ITIMERS, TIMER_FLAGS)

timespec = compiled_later(Struct("tv_sec" / Int64sl, "tv_nsec" / Int64ul))
timeval = compiled_later(Struct("tv_sec" / Int64sl, "tv_usec" / Int64ul))
TIMESPEC_SIZE = TIMEVAL_SIZE = 16
timezone = compiled_later(Struct("tz_minuteswest" / Int32sl, "tz_dsttime" / Int32sl))
tms = compiled_later(Struct("tms_utime" / Int64ul, "tms_stime" / Int64ul, "tms_cutime" / Int64ul,
                            "tms_cstime" / Int64ul))
sigevent = compiled_later(Struct("value" / Int64ul, "signo" / Int32sl, "notify" / Int32sl,
                                 "function" / Int64ul, "attributes" / Int64ul))
SIGEVENT_SIZE = 32  # strace reads its own sigevent: the union's two pointers, no padding
# The kernel's struct __kernel_timex (x86-64: 208 bytes).
timex = compiled_later(Struct(
    "modes" / Int32ul, Padding(4), "offset" / Int64sl, "freq" / Int64sl, "maxerror" / Int64sl,
    "esterror" / Int64sl, "status" / Int32ul, Padding(4), "constant" / Int64sl,
    "precision" / Int64sl, "tolerance" / Int64sl, "tv_sec" / Int64sl, "tv_usec" / Int64ul,
    "tick" / Int64sl, "ppsfreq" / Int64sl, "jitter" / Int64sl, "shift" / Int32sl, Padding(4),
    "stabil" / Int64sl, "jitcnt" / Int64sl, "calcnt" / Int64sl, "errcnt" / Int64sl,
    "stbcnt" / Int64sl, "tai" / Int32sl, Padding(44),
))
TIMEX_SIZE = 208
TIMEX_FIELDS = ("offset", "freq", "maxerror", "esterror", "status", "constant", "precision",
                "tolerance", "time", "tick", "ppsfreq", "jitter", "shift", "stabil", "jitcnt",
                "calcnt", "errcnt", "stbcnt", "tai")


# --- timespec, timeval, itimers ----------------------------------------------------------------

def _timespec(data: bytes) -> Node:
    ts = timespec.parse(data)
    return {"tv_sec": ts.tv_sec, "tv_nsec": ts.tv_nsec}


def _timeval(data: bytes) -> Node:
    tv = timeval.parse(data)
    return {"tv_sec": tv.tv_sec, "tv_usec": tv.tv_usec}


def _pair(one, size: int):
    def parse(data: bytes) -> Node:
        return {"it_interval": one(data[:size]), "it_value": one(data[size:])}
    return parse


_itimerval = _pair(_timeval, TIMEVAL_SIZE)
_itimerspec = _pair(_timespec, TIMESPEC_SIZE)


def timespec_at(call: Call, addr: int) -> Node:
    """`{tv_sec=1, tv_nsec=5}` (shared with the signal family's rt_sigtimedwait)."""
    return struct_at(call, addr, TIMESPEC_SIZE, _timespec)


def timespec_in(call: Call, i: int) -> Node:
    return struct_at(call, call.u(i), TIMESPEC_SIZE, _timespec)


def timespec_out(call: Call, i: int) -> Node:
    return struct_at(call, call.u(i), TIMESPEC_SIZE, _timespec, written=True)


def timeval_in(call: Call, i: int) -> Node:
    return struct_at(call, call.u(i), TIMEVAL_SIZE, _timeval)


def timeval_out(call: Call, i: int) -> Node:
    return struct_at(call, call.u(i), TIMEVAL_SIZE, _timeval, written=True)


def itimerval_in(call: Call, i: int) -> Node:
    return struct_at(call, call.u(i), 2 * TIMEVAL_SIZE, _itimerval)


def itimerval_out(call: Call, i: int) -> Node:
    return struct_at(call, call.u(i), 2 * TIMEVAL_SIZE, _itimerval, written=True)


def itimerspec_in(call: Call, i: int) -> Node:
    return struct_at(call, call.u(i), 2 * TIMESPEC_SIZE, _itimerspec)


def itimerspec_out(call: Call, i: int) -> Node:
    return struct_at(call, call.u(i), 2 * TIMESPEC_SIZE, _itimerspec, written=True)


def _interrupted(call: Call) -> bool:
    return call.ret is not None and -call.ret in ERESTART_CODES


def remaining_out(call: Call, i: int) -> Node:
    """nanosleep's `rem`: meaningful only when a signal interrupted the sleep (the kernel leaves
    it alone otherwise), so only then read."""
    if _interrupted(call):
        return struct_at(call, call.u(i), TIMESPEC_SIZE, _timespec)
    return ptr(call.u(i))


def clock_remaining_out(call: Call, i: int) -> Node:
    """clock_nanosleep's `remain`: as nanosleep's, and never for an absolute (flagged) sleep."""
    if call.u(1) == 0 and _interrupted(call):
        return struct_at(call, call.u(i), TIMESPEC_SIZE, _timespec)
    return ptr(call.u(i))


# --- clocks, flags, small structs --------------------------------------------------------------

def clockid_arg(call: Call, i: int) -> Node:
    """`CLOCK_MONOTONIC`; strace 6.1 as Debian builds it names no CPU or fd clocks:
    `0xfffffffe /* CLOCK_??? */`."""
    return value(call.u32(i), CLOCKS, "CLOCK_???")


def timer_flags_arg(call: Call, i: int) -> Node:
    return flags(call.u32(i), TIMER_FLAGS, "TIMER_???")


def itimer_which_arg(call: Call, i: int) -> Node:
    return value(call.u32(i), ITIMERS, "ITIMER_???")


def _timezone(data: bytes) -> Node:
    tz = timezone.parse(data)
    return {"tz_minuteswest": tz.tz_minuteswest, "tz_dsttime": tz.tz_dsttime}


def timezone_in(call: Call, i: int) -> Node:
    return struct_at(call, call.u(i), 8, _timezone)


def timezone_out(call: Call, i: int) -> Node:
    return struct_at(call, call.u(i), 8, _timezone, written=True)


def _tms(data: bytes) -> Node:
    t = tms.parse(data)
    return {k: clock_t_node(t[k]) for k in ("tms_utime", "tms_stime", "tms_cutime", "tms_cstime")}


def tms_out(call: Call, i: int) -> Node:
    return struct_at(call, call.u(i), 32, _tms, written=True)


def timer_id_out(call: Call, i: int) -> Node:
    """timer_create's new timer id: `[3]`."""
    return struct_at(call, call.u(i), 4,
                     lambda data: [int.from_bytes(data, "little", signed=True)], written=True)


# --- time() ------------------------------------------------------------------------------------

def date_text(sec: int) -> str | None:
    """strace's sprinttime: local time as `2026-11-27T10:49:43+0000`; None for 0 or a time
    localtime cannot take."""
    if sec == 0:
        return None
    try:
        return _clock.strftime("%Y-%m-%dT%H:%M:%S%z", _clock.localtime(sec))
    except (OverflowError, OSError, ValueError):
        return None


def _time_value(data: bytes) -> Node:
    sec = int.from_bytes(data, "little", signed=True)
    date = date_text(sec)
    return [f"{sec} /* {date} */" if date else sec]


def time_out(call: Call, i: int) -> Node:
    return struct_at(call, call.u(i), 8, _time_value, written=True)


def time_returned(call: Call) -> tuple[Node, Node]:
    """time()'s success: `1795776583 (2026-11-27T10:49:43+0000)`."""
    return None, date_text(call.ret or 0)


# --- sigevent, timex ---------------------------------------------------------------------------

def _sigevent(data: bytes) -> Node:
    ev = sigevent.parse(data)
    node: dict = {}
    if ev.value:
        low = ev.value & 0xFFFFFFFF
        node["sigev_value"] = {"sival_int": low - (1 << 32) if low & 0x80000000 else low,
                               "sival_ptr": ptr(ev.value)}
    node["sigev_signo"] = signal_node(ev.signo) \
        if ev.notify in (SIGEV_SIGNAL, SIGEV_THREAD, SIGEV_THREAD_ID) else ev.signo & 0xFFFFFFFF
    node["sigev_notify"] = value(ev.notify & 0xFFFFFFFF, SIGEV_NOTIFY, "SIGEV_???")
    if ev.notify == SIGEV_THREAD_ID:
        tid = ev.function & 0xFFFFFFFF
        node["sigev_notify_thread_id"] = tid - (1 << 32) if tid & 0x80000000 else tid
    elif ev.notify == SIGEV_THREAD:
        node["sigev_notify_function"] = ptr(ev.function)
        node["sigev_notify_attributes"] = ptr(ev.attributes)
    return node


def sigevent_in(call: Call, i: int) -> Node:
    return struct_at(call, call.u(i), SIGEVENT_SIZE, _sigevent)


def _timex(data: bytes) -> Node:
    tx = timex.parse(data)
    node: dict = {"modes": flags(tx.modes, ADJTIMEX_MODES, "ADJ_???")}
    for name in TIMEX_FIELDS:
        if name == "status":
            node[name] = flags(tx.status, ADJTIMEX_STATUS, "STA_???")
        elif name == "time":
            node[name] = {"tv_sec": tx.tv_sec, "tv_usec": tx.tv_usec}
        else:
            node[name] = tx[name]
    return node


def timex_out(call: Call, i: int) -> Node:
    """adjtimex's buffer, printed at exit (the kernel fills it in)."""
    return struct_at(call, call.u(i), TIMEX_SIZE, _timex, written=True)


def clock_state_returned(timex_arg: int):
    """adjtimex's success: `5 (TIME_ERROR)`, when its buffer (argument `timex_arg`) could be
    shown; strace names no state after an address."""
    def aux(call: Call) -> tuple[Node, Node]:
        addr = call.u(timex_arg)
        if addr == 0 or call.read(addr, TIMEX_SIZE) is None:
            return None, None
        return None, ADJTIMEX_STATES.get((call.ret or 0) & MASK64)
    return aux


CLOCK = E(clockid_arg)

ROWS: dict[str, Signature] = {
    "clock_gettime": Signature((CLOCK, X(timespec_out))),
    "clock_getres": Signature((CLOCK, X(timespec_out))),
    "clock_settime": Signature((CLOCK, E(timespec_in))),
    "clock_nanosleep": Signature((CLOCK, E(timer_flags_arg), E(timespec_in),
                                  X(clock_remaining_out))),
    "clock_adjtime": Signature((CLOCK, X(timex_out)), aux=clock_state_returned(1)),
    "adjtimex": Signature((X(timex_out),), aux=clock_state_returned(0)),
    "nanosleep": Signature((E(timespec_in), X(remaining_out))),
    "gettimeofday": Signature((X(timeval_out), X(timezone_out))),
    "settimeofday": Signature((E(timeval_in), E(timezone_in))),
    "time": Signature((X(time_out),), aux=time_returned),
    "times": Signature((X(tms_out),)),
    "alarm": Signature((E(uint_arg),)),
    "getitimer": Signature((E(itimer_which_arg), X(itimerval_out))),
    "setitimer": Signature((E(itimer_which_arg), E(itimerval_in), X(itimerval_out))),
    "timer_create": Signature((CLOCK, E(sigevent_in), X(timer_id_out))),
    "timer_settime": Signature((INT, E(timer_flags_arg), E(itimerspec_in), X(itimerspec_out))),
    "timer_gettime": Signature((INT, X(itimerspec_out))),
    "timer_getoverrun": Signature((INT,)),
    "timer_delete": Signature((INT,)),
}
