"""Process-family decoding where a C program is awkward: wait statuses a program cannot easily
produce (ptrace events, core dumps), argv arrays that run into unmapped memory, and the
texts strace builds from numbers (limits, personalities)."""

from __future__ import annotations

import struct

import pytest

from sysrec.decode.process import personality_text, wait_status_text, _rlim_text
from test_decode_support import FakeMemory, call, text

SIGTRAP, SIGSEGV, SIGSTOP = 5, 11, 19
PTRACE_EVENT_CLONE = 3


@pytest.mark.parametrize("status, expected", [
    (3 << 8, "{WIFEXITED(s) && WEXITSTATUS(s) == 3}"),
    (SIGSEGV | 0x80, "{WIFSIGNALED(s) && WTERMSIG(s) == SIGSEGV && WCOREDUMP(s)}"),
    (SIGSTOP << 8 | 0x7F, "{WIFSTOPPED(s) && WSTOPSIG(s) == SIGSTOP}"),
    # PTRACE_O_TRACESYSGOOD's syscall stops: SIGTRAP | 0x80
    ((SIGTRAP | 0x80) << 8 | 0x7F, "{WIFSTOPPED(s) && WSTOPSIG(s) == SIGTRAP | 0x80}"),
    # a ptrace event stop: the event number above the stop signal
    (PTRACE_EVENT_CLONE << 16 | SIGTRAP << 8 | 0x7F,
     "{WIFSTOPPED(s) && WSTOPSIG(s) == SIGTRAP}|PTRACE_EVENT_CLONE<<16"),
    (0xFFFF, "{WIFCONTINUED(s)}"),
])
def test_wait_status_forms(status, expected):
    assert wait_status_text(status) == expected


def test_wait4_status_only_when_a_child_was_reaped():
    mem = FakeMemory()
    status = mem.put(struct.pack("<i", 0))
    ru = mem.put(bytes(144))

    def kernel(m):
        m.write(status, struct.pack("<i", 7 << 8))
        m.write(ru, struct.pack("<qqqq", 1, 2, 3, 4))
    _, done = call("wait4", (-1 & (2**64 - 1), status, 1, ru), mem, ret=42, before_exit=kernel)
    assert text(done.args) == ("-1, [{WIFEXITED(s) && WEXITSTATUS(s) == 7}], WNOHANG, "
                               "{ru_utime={tv_sec=1, tv_usec=2}, ru_stime={tv_sec=3, tv_usec=4}, ...}")
    _, none = call("wait4", (-1 & (2**64 - 1), status, 1, ru), mem, ret=0)
    assert text(none.args) == f"-1, {status:#x}, WNOHANG, {ru:#x}"


def _argv(mem, *strings, terminated=True):
    addrs = [mem.put(s + b"\0") for s in strings]
    words = b"".join(struct.pack("<Q", a) for a in addrs)
    return mem.put(words + (struct.pack("<Q", 0) if terminated else b""))


def test_execve_argv_cut_after_s_elements_and_bytes():
    mem = FakeMemory()
    path = mem.put(b"/bin/x\0" + bytes(4096))  # a path is read up to PATH_MAX at once
    argv = _argv(mem, b"a", b"bcdef", b"c", b"d")
    envp = _argv(mem, b"A=1")
    _, done = call("execve", (path, argv, envp), mem, ret=0, strsize=3)
    assert text(done.args, strsize=3) == f'"/bin/x", ["a", "bcd"..., "c", ...], {envp:#x} /* 1 var */'


def test_execve_argv_running_into_unmapped_memory():
    """No NULL before the array's memory ends: strace shows what it read, then `...` and the
    address it could not read."""
    mem = FakeMemory()
    path = mem.put(b"/bin/x\0" + bytes(4096))  # a path is read up to PATH_MAX at once
    argv = _argv(mem, b"a", b"b", terminated=False)
    envp = _argv(mem, b"A=1", b"B=2", terminated=False)
    _, done = call("execve", (path, argv, envp), mem, ret=0)
    assert text(done.args) == (f'"/bin/x", ["a", "b", ... /* {argv + 16:#x} */], '
                               f"{envp:#x} /* 2 vars */")


def test_getrandom_prints_the_bytes_in_hex_at_exit():
    mem = FakeMemory()
    buf = mem.put(bytes(4))

    def kernel(m):
        m.write(buf, b"\x00A\xff\n")
    _, done = call("getrandom", (buf, 4, 1), mem, ret=4, before_exit=kernel)
    assert text(done.args) == '"\\x00\\x41\\xff\\x0a", 4, GRND_NONBLOCK'


def test_clone3_set_tid_cut_after_s_elements():
    mem = FakeMemory()
    tids = mem.put(struct.pack("<5i", 1, 2, 3, 4, 5))
    args = mem.put(struct.pack("<11Q", 0, 0, 0, 0, 17, 0, 0, 0, tids, 5, 0))
    _, done = call("clone3", (args, 88), mem, ret=-22, strsize=2)
    assert text(done.args, strsize=2) == ("{flags=0, exit_signal=SIGCHLD, stack=NULL, stack_size=0, "
                                          "set_tid=[1, 2, ...], set_tid_size=5}, 88")


@pytest.mark.parametrize("limit, expected", [
    (1024, 1024), (1025, 1025), (2048, "2*1024"), (8 << 20, "8192*1024"),
    (2**64 - 1, "RLIM64_INFINITY"),
])
def test_rlimit_values(limit, expected):
    assert _rlim_text(limit) == expected


@pytest.mark.parametrize("pers, expected", [
    (0, "PER_LINUX"),
    (0x0400000, "PER_LINUX|READ_IMPLIES_EXEC"),
    # only the low byte is looked up: PER_SVR4's value carries flag bits
    (0x4100001, "0x1 /* PER_??? */|MMAP_PAGE_ZERO|STICKY_TIMEOUTS"),
])
def test_personality_text(pers, expected):
    assert personality_text(pers) == expected


def test_clone_names_its_arguments_as_nodes_the_record_keeps():
    """clone's `child_stack=`, `flags=`, `parent_tid=`: `$named` nodes, not pre-rendered text."""
    from sysrec.record.schema import nodes
    mem = FakeMemory()
    ptid = mem.put(b"\0" * 4)
    flags = 0x00100000 | 0x01000000 | 17  # CLONE_PARENT_SETTID|CLONE_CHILD_SETTID|SIGCHLD
    _, done = call("clone", (flags, 0, ptid, 0, 0), mem, ret=4242,
                   before_exit=lambda m: m.write(ptid, struct.pack("<i", 4242)))
    assert done.args[:2] == [{"$named": "child_stack", "v": "NULL"},
                             {"$named": "flags", "v": "CLONE_PARENT_SETTID|CLONE_CHILD_SETTID|SIGCHLD"}]
    assert {"$named": "parent_tid", "v": [4242]} in done.args
    assert nodes(done.args) is None and nodes([{"$named": "x", "v": {"$ptr": "bad"}}]) is not None
    assert text(done.args).startswith("child_stack=NULL, flags=CLONE_PARENT_SETTID|CLONE_CHILD_SETTID|"
                                      "SIGCHLD, parent_tid=[4242]")
