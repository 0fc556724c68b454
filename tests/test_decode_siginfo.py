"""siginfo decoding and the plain read/write/close rows, plus raw fallback for other syscalls."""

from __future__ import annotations

from sysrec.decode import decode_siginfo, errno_name, signal_name, structs
from test_decode_support import FakeMemory, call, text


def _siginfo(signo, code, body: bytes) -> bytes:
    return (structs.siginfo_head.build({"signo": signo, "errno": 0, "code": code}) + body).ljust(128, b"\0")


def _chld(code, status):
    return _siginfo(17, code, structs.siginfo_chld.build(
        {"pid": 5978, "uid": 0, "status": status, "utime": 1, "stime": 2})[16:])


def test_sigchld_exited_and_killed():
    assert text([decode_siginfo(_chld(1, 3))]) == (
        "{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=5978, si_uid=0, si_status=3, si_utime=1 /* 0.01 s */, si_stime=2 /* 0.02 s */}")
    assert text([decode_siginfo(_chld(2, 9))]) == (
        "{si_signo=SIGCHLD, si_code=CLD_KILLED, si_pid=5978, si_uid=0, si_status=SIGKILL, si_utime=1 /* 0.01 s */, si_stime=2 /* 0.02 s */}")


def test_kill_tkill_kernel_and_fault():
    user = _siginfo(2, 0, structs.siginfo_kill.build({"pid": 12, "uid": 1000})[16:])
    assert text([decode_siginfo(user)]) == "{si_signo=SIGINT, si_code=SI_USER, si_pid=12, si_uid=1000}"
    tkill = _siginfo(10, -6, structs.siginfo_kill.build({"pid": 12, "uid": 0})[16:])
    assert text([decode_siginfo(tkill)]) == "{si_signo=SIGUSR1, si_code=SI_TKILL, si_pid=12, si_uid=0}"
    assert text([decode_siginfo(_siginfo(14, 0x80, b""))]) == "{si_signo=SIGALRM, si_code=SI_KERNEL}"
    segv = _siginfo(11, 1, structs.siginfo_fault.build({"addr": 0})[16:])
    assert text([decode_siginfo(segv)]) == "{si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=NULL}"


def test_names():
    assert signal_name(9) == "SIGKILL" and signal_name(34) == "SIGRT_2" and signal_name(32) == "SIGRTMIN"
    assert errno_name(-111) == "ECONNREFUSED" and errno_name(-514) == "ERESTARTNOHAND"
    assert errno_name(0) is None and errno_name(None) is None


def test_read_write_close():
    mem = FakeMemory()
    buf = mem.put(b"\0" * 64)
    state, done = call("read", (3, buf, 4096), mem, ret=3, before_exit=lambda m: m.write(buf, b"a\tb"))
    assert (text(state.args), state.more) == ("3", True)
    assert text(done.args) == r'3, "a\tb", 4096'
    _, w = call("write", (1, buf, 64), mem, ret=64, strsize=4)
    assert text(w.args, strsize=4) == r'1, "a\tb\0"..., 64'
    _, c = call("close", (3,), mem, ret=0)
    assert text(c.args) == "3" and c.n_entry == 1


def test_syscall_without_decoder_prints_raw_arguments():
    mem = FakeMemory()
    _, done = call("getpid", (), mem, ret=42)
    assert done.args == []
    _, unknown = call("syscall_0x3e7", (1, 0x7F0000001000), mem, ret=0)
    assert text(unknown.args[:2]) == "0x1, 0x7f0000001000"  # strace's printargs: hex
