"""Time decoders where a C program is awkward: a sleep's remaining time (only after a signal,
never for an absolute sleep), time()'s date in a fixed zone, clock_t comments, adjtimex's state."""

from __future__ import annotations

import struct
import time

import pytest

from sysrec.decode import siginfo
from test_decode_support import FakeMemory, call, text

ERESTART_RESTARTBLOCK, ERESTARTNOHAND, EINTR, EINVAL = -516, -514, -4, -22


def _sleep(name, raw, ret, rem):
    mem = FakeMemory()
    req = mem.put(struct.pack("<qq", 5, 0))
    out = mem.put(b"\0" * 16)
    raw = [req if r == "req" else out if r == "rem" else r for r in raw]
    _, done = call(name, raw, mem, ret=ret, before_exit=lambda m: m.write(out, struct.pack("<qq", *rem)))
    return text(done.args), out


@pytest.mark.parametrize("ret", [ERESTART_RESTARTBLOCK, ERESTARTNOHAND])
def test_nanosleep_shows_the_remaining_time_after_a_signal(ret):
    line, _ = _sleep("nanosleep", ("req", "rem"), ret, (4, 7))
    assert line == "{tv_sec=5, tv_nsec=0}, {tv_sec=4, tv_nsec=7}"


@pytest.mark.parametrize("ret", [0, EINTR, EINVAL])
def test_nanosleep_shows_only_the_address_otherwise(ret):
    line, out = _sleep("nanosleep", ("req", "rem"), ret, (4, 7))
    assert line == f"{{tv_sec=5, tv_nsec=0}}, {out:#x}"


def test_clock_nanosleep_never_reads_the_remainder_of_an_absolute_sleep():
    line, out = _sleep("clock_nanosleep", (1, 1, "req", "rem"), ERESTARTNOHAND, (4, 7))
    assert line == f"CLOCK_MONOTONIC, TIMER_ABSTIME, {{tv_sec=5, tv_nsec=0}}, {out:#x}"
    line, _ = _sleep("clock_nanosleep", (7, 0, "req", "rem"), ERESTART_RESTARTBLOCK, (4, 7))
    assert line == "CLOCK_BOOTTIME, 0, {tv_sec=5, tv_nsec=0}, {tv_sec=4, tv_nsec=7}"


@pytest.fixture
def utc(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_time_adds_the_date(utc):
    mem = FakeMemory()
    out = mem.put(b"\0" * 8)
    _, done = call("time", (out,), mem, ret=86400,
                   before_exit=lambda m: m.write(out, struct.pack("<q", 86400)))
    assert text(done.args) == "[86400 /* 1970-01-02T00:00:00+0000 */]"
    assert done.raux == "1970-01-02T00:00:00+0000"
    _, zero = call("time", (out,), mem, ret=0, before_exit=lambda m: m.write(out, bytes(8)))
    assert text(zero.args) == "[0]" and zero.raux is None
    _, failed = call("time", (1,), mem, ret=-14)
    assert text(failed.args) == "0x1"


@pytest.mark.skipif(siginfo.CLK_TCK != 100, reason="the comments assume 100 ticks a second")
def test_times_shows_seconds_beside_ticks():
    mem = FakeMemory()
    out = mem.put(b"\0" * 32)
    _, done = call("times", (out,), mem, ret=123,
                   before_exit=lambda m: m.write(out, struct.pack("<QQQQ", 12345, 0, 7, 100)))
    assert text(done.args) == ("{tms_utime=12345 /* 123.45 s */, tms_stime=0, "
                               "tms_cutime=7 /* 0.07 s */, tms_cstime=100 /* 1.00 s */}")


def test_adjtimex_names_the_clock_state_only_when_its_buffer_printed():
    mem = FakeMemory()
    buf = mem.put(b"\0" * 208)
    _, done = call("adjtimex", (buf,), mem, ret=5)
    assert done.raux == "TIME_ERROR" and text(done.args).startswith("{modes=0, offset=0,")
    _, odd = call("adjtimex", (buf,), mem, ret=9)
    assert odd.raux is None
    _, failed = call("clock_adjtime", (0, buf), mem, ret=EINVAL)
    assert text(failed.args) == f"CLOCK_REALTIME, {buf:#x}"


def test_unknown_and_cpu_clock_ids_print_as_unsigned_hex():
    mem = FakeMemory()
    _, done = call("clock_getres", ((1 << 64) - 2, 0), mem, ret=0)
    assert text(done.args) == "0xfffffffe /* CLOCK_??? */, NULL"
