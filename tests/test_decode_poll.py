"""poll/select/epoll decoding: arrays at entry, what the kernel wrote back at exit."""

from __future__ import annotations

import struct

from sysrec.decode import structs
from test_decode_support import FakeMemory, call, text


def _pollfds(mem, *entries):
    return mem.put(b"".join(structs.pollfd.build({"fd": f, "events": e, "revents": 0}) for f, e in entries))


def test_poll_revents_in_return_text():
    mem = FakeMemory()
    fds = _pollfds(mem, (5, 4), (3, 1))

    def kernel(m):
        m.write(fds + 6, struct.pack("<H", 0x4 | 0x8 | 0x10))
    _, done = call("poll", (fds, 2, 199), mem, ret=1, before_exit=kernel)
    assert text(done.args) == "[{fd=5, events=POLLOUT}, {fd=3, events=POLLIN}], 2, 199"
    assert done.raux == "[{fd=5, revents=POLLOUT|POLLERR|POLLHUP}]"
    _, timeout = call("poll", (fds, 2, 0), mem, ret=0)
    assert timeout.raux == "Timeout"
    _, failed = call("poll", (fds, 2, 0), mem, ret=-516)
    assert failed.raux is None


def test_ppoll_left_and_sigmask():
    mem = FakeMemory()
    fds = _pollfds(mem, (3, 1))
    ts = mem.put(struct.pack("<qq", 1, 0))
    mask = mem.put(((1 << 1) | (1 << 14)).to_bytes(8, "little"))

    def kernel(m):
        m.write(fds + 6, struct.pack("<H", 1))
        m.write(ts, struct.pack("<qq", 0, 999999420))
    _, done = call("ppoll", (fds, 1, ts, mask, 8), mem, ret=1, before_exit=kernel)
    assert text(done.args) == "[{fd=3, events=POLLIN}], 1, {tv_sec=1, tv_nsec=0}, [INT TERM], 8"
    assert done.raux == "[{fd=3, revents=POLLIN}], left {tv_sec=0, tv_nsec=999999420}"


def test_sigset_prints_complement_when_mostly_full():
    mem = FakeMemory()
    mask = mem.put((((1 << 64) - 1) & ~((1 << 8) | (1 << 18))).to_bytes(8, "little"))
    _, done = call("epoll_pwait", (7, 0, 2, 5, mask, 8), mem, ret=0)
    assert text(done.args[4:]) == "~[KILL STOP], 8"
    # printed at exit: a failed call shows only the address, as strace does
    _, failed = call("epoll_pwait", (7, 0, 2, 5, mask, 8), mem, ret=-4)
    assert text(failed.args[4:]) == f"{mask:#x}, 8"


def test_pselect6_out_set_and_left():
    mem = FakeMemory()
    wset = mem.put((1 << 3).to_bytes(8, "little"))
    ts = mem.put(struct.pack("<qq", 2, 0))

    def kernel(m):
        m.write(ts, struct.pack("<qq", 1, 999997246))
    _, done = call("pselect6", (4, 0, wset, 0, ts, 0), mem, ret=1, before_exit=kernel)
    assert text(done.args) == "4, NULL, [3], NULL, {tv_sec=2, tv_nsec=0}, NULL"
    assert done.raux == "out [3], left {tv_sec=1, tv_nsec=999997246}"
    _, timeout = call("pselect6", (4, 0, wset, 0, ts, 0), mem, ret=0)
    assert timeout.raux == "Timeout"


def test_select_sets_are_space_separated_fds():
    mem = FakeMemory()
    rset = mem.put(((1 << 3) | (1 << 5) | (1 << 70)).to_bytes(16, "little"))
    mask_pair = mem.put(struct.pack("<QQ", mem.put((1 << 1).to_bytes(8, "little")), 8))
    _, done = call("pselect6", (6, rset, 0, 0, 0, mask_pair), mem, ret=2)
    assert text(done.args) == "6, [3 5], NULL, NULL, NULL, {sigmask=[INT], sigsetsize=8}"
    assert done.args[1] == {"$set": [{"$fd": 3}, {"$fd": 5}]}
    assert done.raux == "in [3 5]"
    tv = mem.put(struct.pack("<qq", 0, 0))
    _, sel = call("select", (0, 0, 0, 0, tv), mem, ret=0)
    assert text(sel.args) == "0, NULL, NULL, NULL, {tv_sec=0, tv_usec=0}" and sel.raux == "Timeout"


def test_epoll_ctl_and_wait():
    mem = FakeMemory()
    ev = mem.put(structs.epoll_event.build({"events": 1 | (1 << 31), "data": 5}))
    _, ctl = call("epoll_ctl", (6, 1, 5, ev), mem, ret=0)
    assert text(ctl.args) == "6, EPOLL_CTL_ADD, 5, {events=EPOLLIN|EPOLLET, data={u32=5, u64=5}}"
    _, delete = call("epoll_ctl", (6, 2, 5, ev), mem, ret=0)
    assert text(delete.args) == f"6, EPOLL_CTL_DEL, 5, {ev:#x}"
    out = mem.put(b"\0" * 24)

    def kernel(m):
        m.write(out, structs.epoll_event.build({"events": 4, "data": (1 << 32) | 4}))
    state, done = call("epoll_wait", (6, out, 1023, 100), mem, ret=1, before_exit=kernel)
    assert state.args == [{"$fd": 6}] and state.more
    assert text(done.args) == "6, [{events=EPOLLOUT, data={u32=4, u64=4294967300}}], 1023, 100"
    _, none = call("epoll_wait", (6, out, 1023, 0), mem, ret=0)
    assert text(none.args) == "6, [], 1023, 0"
    _, created = call("epoll_create1", (0o2000000,), mem, ret=3)
    assert text(created.args) == "EPOLL_CLOEXEC" and created.rtext == {"$fd": 3}
