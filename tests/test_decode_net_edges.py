"""Network corners a C program cannot easily provoke: kernel answers that depend on timing
(partial sendmmsg, recvmmsg timeouts), memory that vanishes between entry and exit, control
buffers the kernel would never write. Expected texts follow strace 6.1's rules (checked against
strace itself by the tests/c/net programs where a program can reach the case)."""

from __future__ import annotations

import struct

from sysrec.decode import structs
from test_decode_support import FakeMemory, call, text

MSGHDR = struct.Struct("<QI4xQQQQi4x")  # name, namelen, iov, iovlen, control, controllen, flags


def msghdr(mem: FakeMemory, *, iov: int = 0, iovlen: int = 0, control: int = 0,
           controllen: int = 0, name: int = 0, namelen: int = 0) -> bytes:
    return MSGHDR.pack(name, namelen, iov, iovlen, control, controllen, 0)


def cmsg(level: int, kind: int, data: bytes, length: int | None = None) -> bytes:
    """One control message, padded to 8 bytes; `length` overrides cmsg_len."""
    head = struct.pack("<Qii", 16 + len(data) if length is None else length, level, kind)
    raw = head + data
    return raw + b"\0" * (-len(raw) % 8)


def sendmsg_control(mem: FakeMemory, control: bytes, controllen: int | None = None) -> str:
    ctl = mem.put(control)
    hdr = mem.put(msghdr(mem, control=ctl, controllen=len(control) if controllen is None
                         else controllen))
    _, done = call("sendmsg", (3, hdr, 0), mem, ret=1)
    return text(done.args)


def test_sendmmsg_shows_msg_len_only_on_the_messages_sent():
    mem = FakeMemory()
    data = mem.put(b"ab")
    iov = mem.put(struct.pack("<QQ", data, 2))
    entry = msghdr(mem, iov=iov, iovlen=1) + struct.pack("<I4x", 0)
    vec = mem.put(entry * 2)
    mem.write(vec + structs.MSGHDR_SIZE, struct.pack("<I", 2))  # the kernel sent the first
    _, done = call("sendmmsg", (3, vec, 2, 0), mem, ret=1)
    first, second = done.args[1]
    assert first["msg_len"] == 2 and "msg_len" not in second
    _, failed = call("sendmmsg", (3, vec, 2, 0), mem, ret=-9)
    assert [("msg_len" in e) for e in failed.args[1]] == [False, False]


def test_recvmmsg_prints_the_timeout_it_was_given_and_what_is_left():
    mem = FakeMemory()
    timeout = mem.put(struct.pack("<qq", 5, 0))
    vec = mem.put(b"\0" * 64)

    def kernel(m):
        m.write(timeout, struct.pack("<qq", 4, 250))
    _, nothing = call("recvmmsg", (3, vec, 1, 0, timeout), mem, ret=0, before_exit=kernel)
    assert text(nothing.args[4:]) == "{tv_sec=5, tv_nsec=0}"
    assert nothing.raux == "Timeout"
    mem.write(timeout, struct.pack("<qq", 5, 0))
    _, got = call("recvmmsg", (3, vec, 1, 0, timeout), mem, ret=1, before_exit=kernel)
    assert got.raux == "left {tv_sec=4, tv_nsec=250}"
    _, untimed = call("recvmmsg", (3, vec, 1, 0, 0), mem, ret=1)
    assert untimed.raux is None and text(untimed.args[4:]) == "NULL"


def test_control_message_longer_than_the_buffer_is_cut_to_it():
    mem = FakeMemory()
    rights = cmsg(1, 1, struct.pack("<iii", 0, 1, 2), length=1000)  # 32 bytes with padding
    line = sendmsg_control(mem, rights)
    # the data runs to the buffer's end: three fds and the padding's zero
    assert ("cmsg_len=1000, cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS, cmsg_data=[0, 1, 2, 0]}]"
            in line)


def test_a_header_too_short_ends_the_list_and_the_rest_is_an_address():
    mem = FakeMemory()
    control = cmsg(1, 1, struct.pack("<i", 7)) + cmsg(0, 2, b"", length=4) + b"\0" * 8
    line = sendmsg_control(mem, control)
    assert "cmsg_data=[7]}, {cmsg_len=4, cmsg_level=SOL_IP, cmsg_type=IP_TTL}" in line
    tail = sendmsg_control(mem, cmsg(1, 1, struct.pack("<i", 7)) + b"\0" * 8, controllen=28)
    assert "cmsg_data=[7]}, ... /* 0x" in tail


def test_unreadable_or_short_control_buffer_prints_its_address():
    mem = FakeMemory()
    hdr = mem.put(msghdr(mem, control=0xDEAD0000, controllen=64))
    _, done = call("sendmsg", (3, hdr, 0), mem, ret=1)
    assert "msg_control=0xdead0000, msg_controllen=64" in text(done.args)
    short = sendmsg_control(mem, b"\0" * 24, controllen=15)
    assert "msg_control=0x" in short and "cmsg_len" not in short


def test_icmp_filter_bytes_past_the_length_count_as_set():
    mem = FakeMemory()
    three = mem.put(struct.pack("<I", 1 << 8)[:3])  # only ICMP_ECHO set in the first 3 bytes
    _, done = call("setsockopt", (3, 255, 1, three, 3), mem, ret=0)
    # the missing top byte reads as 0xff: 9 bits set of 32, so the set prints as is
    assert text(done.args[3:4]) == ("[ICMP_ECHO 0x18 /* ICMP_??? */ 0x19 /* ICMP_??? */ "
                                    "0x1a /* ICMP_??? */ 0x1b /* ICMP_??? */ 0x1c /* ICMP_??? */ "
                                    "0x1d /* ICMP_??? */ 0x1e /* ICMP_??? */ 0x1f /* ICMP_??? */]")


def test_getsockopt_lengths_the_kernel_never_returns_print_the_address():
    mem = FakeMemory()
    val = mem.put(struct.pack("<i", 5))
    optlen = mem.put(struct.pack("<i", 4))

    def negative(m):
        m.write(optlen, struct.pack("<i", -3))
    _, done = call("getsockopt", (3, 1, 7, val, optlen), mem, ret=0, before_exit=negative)
    assert text(done.args[3:]) == f"{val:#x}, [4 => -3]"


def test_so_error_unknown_errno_prints_its_number():
    mem = FakeMemory()
    val = mem.put(struct.pack("<I", 4000))
    optlen = mem.put(struct.pack("<i", 4))
    _, done = call("getsockopt", (3, 1, 4, val, optlen), mem, ret=0)
    assert text(done.args[3:]) == "[4000], [4]"


def test_socket_option_struct_gone_at_entry_prints_the_address():
    mem = FakeMemory()
    _, done = call("setsockopt", (3, 1, 13, 0xBAD000, 8), mem, ret=-14)
    assert text(done.args[3:]) == "0xbad000, 8"


def test_getlease_of_an_unknown_type_prints_hex_alone():
    mem = FakeMemory()
    _, done = call("fcntl", (3, 1025), mem, ret=5)
    assert (done.rtext, done.raux) == ("0x5", None)


def test_getsig_names_the_signal():
    mem = FakeMemory()
    _, done = call("fcntl", (3, 11), mem, ret=34)
    assert done.raux == "SIGRT_2"
