"""Descriptor I/O decoding where a C program is awkward: what the kernel changes between entry
and exit (sendfile's offset, readv's buffers), memory that ends midway, and never raising."""

from __future__ import annotations

import itertools
import struct

import pytest

from sysrec import decode
from sysrec.decode import desc
from sysrec.decode.common import Call
from test_decode_support import FakeMemory, call, text


def _iovecs(mem, *pairs):
    return mem.put(b"".join(struct.pack("<QQ", base, length) for base, length in pairs))


def test_sendfile_shows_the_offset_the_kernel_advanced():
    mem = FakeMemory()
    off = mem.put(struct.pack("<q", 2))

    def kernel(m):
        m.write(off, struct.pack("<q", 5))
    _, done = call("sendfile", (4, 3, off, 3), mem, ret=3, before_exit=kernel)
    assert text(done.args) == "4, 3, [2] => [5], 3"
    assert done.n_entry == 3  # `sendfile(4, 3, [2] <unfinished ...>` then `<... sendfile resumed> => [5], 3)`


def test_sendfile_offset_unchanged_when_nothing_was_copied_or_it_failed():
    mem = FakeMemory()
    off = mem.put(struct.pack("<q", 7))
    _, eof = call("sendfile", (4, 3, off, 3), mem, ret=0)
    assert text(eof.args) == "4, 3, [7], 3"
    _, failed = call("sendfile", (4, 3, off, 3), mem, ret=-9)
    assert text(failed.args) == "4, 3, [7], 3"
    _, null = call("sendfile", (4, 3, 0, 3), mem, ret=3)
    assert text(null.args) == "4, 3, NULL, 3"


def test_short_readv_fills_the_buffers_in_order():
    mem = FakeMemory()
    a, b, c = mem.put(b"\0" * 3), mem.put(b"\0" * 8), mem.put(b"\0" * 8)
    iov = _iovecs(mem, (a, 3), (b, 8), (c, 8))

    def kernel(m):
        m.write(a, b"abc")
        m.write(b, b"defgh")
    _, done = call("readv", (5, iov, 3), mem, ret=8, before_exit=kernel)
    assert text(done.args) == ('5, [{iov_base="abc", iov_len=3}, {iov_base="defgh", iov_len=8}, '
                               '{iov_base="", iov_len=8}], 3')
    _, failed = call("readv", (5, iov, 2), mem, ret=-11)
    assert text(failed.args) == f"5, [{{iov_base={a:#x}, iov_len=3}}, {{iov_base={b:#x}, iov_len=8}}], 2"


def test_iovec_array_that_ends_midway_and_one_longer_than_s():
    mem = FakeMemory()
    data = mem.put(b"xy")
    iov = _iovecs(mem, (data, 2))  # one element mapped; the next 16 bytes are not
    _, done = call("writev", (1, iov, 2), mem, ret=-14)
    assert text(done.args) == f'1, [{{iov_base="xy", iov_len=2}}, ... /* {iov + 16:#x} */], 2'
    many = _iovecs(mem, *[(data, 1)] * 4)
    _, cut = call("writev", (1, many, 4), mem, ret=4, strsize=3)
    assert text(cut.args, strsize=3) == '1, [{iov_base="x", iov_len=1}, {iov_base="x", iov_len=1}, ' \
                                        '{iov_base="x", iov_len=1}, ...], 4'


def test_write_buffer_unreadable_one_byte_past_what_s_shows_is_an_address():
    mem = FakeMemory()
    buf = mem.put(b"ABCDEFGH")
    _, whole = call("write", (1, buf, 8), mem, ret=8, strsize=8)
    assert text(whole.args, strsize=8) == '1, "ABCDEFGH", 8'
    _, longer = call("write", (1, buf, 9), mem, ret=-14, strsize=8)
    assert text(longer.args, strsize=8) == f"1, {buf:#x}, 9"


@pytest.mark.parametrize("value, shown", [
    (0, "0"),
    (0x3, "MFD_CLOEXEC|MFD_ALLOW_SEALING"),
    (0x88, "0x88 /* MFD_??? */"),
    (21 << 26, "21<<MFD_HUGE_SHIFT"),
    ((21 << 26) | 4 | 0x10, "MFD_HUGETLB|0x10|21<<MFD_HUGE_SHIFT"),
])
def test_memfd_create_flags(value, shown):
    mem = FakeMemory()
    name = mem.put(b"n\0")
    _, done = call("memfd_create", (name, value), mem, ret=3)
    assert text(done.args) == f'"n", {shown}'


def test_pipe_pair_prints_at_exit():
    mem = FakeMemory()
    pair = mem.put(b"\0" * 8)

    def kernel(m):
        m.write(pair, struct.pack("<ii", 3, 4))
    state, done = call("pipe2", (pair, 0o2000000), mem, ret=0, before_exit=kernel)
    assert state.args == [] and state.more
    assert text(done.args) == "[3, 4], O_CLOEXEC"


RAW_VALUES = (0, 1, 8, 0xFFFFFFFF, (1 << 64) - 1, 0x7F0000001000, 0x7F0000000FF8)


@pytest.mark.parametrize("name", sorted(desc.ROWS))
def test_decoders_never_raise_on_odd_arguments(name):
    """Every decoder of every row, on unmapped or edge-of-memory pointers and wild values."""
    mem = FakeMemory()
    mem.put(b"\1" * 16, addr=0x7F0000001000)
    sig = desc.ROWS[name]
    opts = decode.DecodeOptions(strsize=4)
    for raw in itertools.product(RAW_VALUES, repeat=2):
        args = raw * 3
        for ret in (None, 0, 3, -14, (1 << 63) - 1):
            c = Call(name, args, mem, opts, ret=ret, exiting=ret is not None)
            if sig.snapshot is not None:
                sig.snapshot(c)
            for i, arg in enumerate(sig.args):
                arg.decode(c, i)
