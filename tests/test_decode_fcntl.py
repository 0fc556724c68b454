"""fcntl: the command picks how the third argument and the return value print."""

from __future__ import annotations

import struct

from sysrec.decode import has_exit_args, returns_fd, structs
from test_decode_support import FakeMemory, call, text


def test_getfl_returns_hex_and_flags():
    mem = FakeMemory()
    _, done = call("fcntl", (3, 3), mem, ret=0x802)
    assert text(done.args) == "3, F_GETFL"
    assert (done.rtext, done.raux) == ("0x802", "flags O_RDWR|O_NONBLOCK")
    _, zero = call("fcntl", (8, 3), mem, ret=0)
    assert (zero.rtext, zero.raux) == ("0", "flags O_RDONLY")
    _, large = call("fcntl", (8, 3), mem, ret=0x8000)
    assert large.raux == "flags O_RDONLY|O_LARGEFILE"


def test_getfd_zero_is_plain():
    mem = FakeMemory()
    _, zero = call("fcntl", (0, 1), mem, ret=0)
    assert (zero.rtext, zero.raux) == (None, None)
    _, one = call("fcntl", (3, 1), mem, ret=1)
    assert (one.rtext, one.raux) == ("0x1", "flags FD_CLOEXEC")


def test_setfl_setfd_dupfd_and_unknown():
    mem = FakeMemory()
    cases = [
        ((3, 4, 0o4000), "3, F_SETFL, O_RDONLY|O_NONBLOCK"),
        ((3, 4, 0o4000 | 0o2000 | 0x10000000), "3, F_SETFL, O_RDONLY|O_APPEND|O_NONBLOCK|0x10000000"),
        ((3, 4, 2), "3, F_SETFL, O_RDWR"),
        ((3, 2, 1), "3, F_SETFD, FD_CLOEXEC"),
        ((3, 1030, 10), "3, F_DUPFD_CLOEXEC, 10"),
        ((3, 0x777, 0), "3, 0x777 /* F_??? */, 0"),
    ]
    for raw, expected in cases:
        _, done = call("fcntl", raw, mem, ret=0)
        assert text(done.args) == expected
    _, dup = call("fcntl", (3, 0, 10), mem, ret=11)
    assert dup.rtext == {"$fd": 11}
    assert returns_fd("fcntl", ["3", "F_DUPFD"]) and not returns_fd("fcntl", ["3", "F_GETFL"])


def test_getlk_prints_the_lock_at_exit():
    mem = FakeMemory()
    lock = mem.put(structs.flock.build({"l_type": 1, "l_whence": 0, "l_start": 0, "l_len": 0, "l_pid": 0}))

    def kernel(m):
        m.write(lock, structs.flock.build({"l_type": 1, "l_whence": 0, "l_start": 0, "l_len": 10,
                                           "l_pid": 77}))
    state, done = call("fcntl", (3, 5, lock), mem, ret=0, before_exit=kernel)
    assert text(state.args) == "3, F_GETLK" and state.more
    assert has_exit_args("fcntl", state.args)
    assert text(done.args) == "3, F_GETLK, {l_type=F_WRLCK, l_whence=SEEK_SET, l_start=0, l_len=10, l_pid=77}"
    assert not has_exit_args("fcntl", ["3", "F_SETFL"])
    _, setlk = call("fcntl", (3, 6, lock), mem, ret=0)
    assert text(setlk.args) == "3, F_SETLK, {l_type=F_WRLCK, l_whence=SEEK_SET, l_start=0, l_len=10}"
    assert struct.calcsize("<hhxxxxqqixxxx") == structs.FLOCK_SIZE
