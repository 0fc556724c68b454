"""Time: clock_*, nanosleep, gettimeofday, time, times, alarm, itimers, POSIX timers
(strace's src/time.c)."""

from __future__ import annotations

from sysrec.decode.row import Signature

ROWS: dict[str, Signature] = {
}
