"""Socket syscalls, socket options and msghdr, decoded from fake tracee memory."""

from __future__ import annotations

import socket
import struct

from sysrec import decode
from sysrec.decode import structs
from test_decode_support import FakeMemory, call, text


def test_socket_types_protocols_and_unknowns():
    mem = FakeMemory()
    cases = {
        (2, 1 | 0o2000000 | 0o4000, 6): "AF_INET, SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK, IPPROTO_TCP",
        (10, 2, 0): "AF_INET6, SOCK_DGRAM, IPPROTO_IP",
        (1, 1 | 0o2000000, 0): "AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0",
        (16, 3, 4): "AF_NETLINK, SOCK_RAW, NETLINK_SOCK_DIAG",
        (17, 3, 0x0300): "AF_PACKET, SOCK_RAW, htons(ETH_P_ALL)",
        (46, 1, 0): "0x2e /* AF_??? */, SOCK_STREAM, 0",
        (2, 15 | 0o4000 | 0o2000000, 0): "AF_INET, SOCK_CLOEXEC|SOCK_NONBLOCK|0xf, IPPROTO_IP",
        (2, 1, 199): "AF_INET, SOCK_STREAM, 0xc7 /* IPPROTO_??? */",
    }
    for raw, expected in cases.items():
        _, done = call("socket", raw, mem, ret=3)
        assert text(done.args) == expected
        assert done.rtext == {"$fd": 3}
    _, failed = call("socket", (46, 1, 0), mem, ret=-97)
    assert failed.rtext is None


def test_sendto_and_recvfrom_strings_and_truncation():
    mem = FakeMemory()
    payload = b"hello\n\0\1\177\3779" + b"x" * 40
    buf = mem.put(payload)
    _, done = call("sendto", (4, buf, len(payload), 0x4000, 0, 0), mem, ret=len(payload))
    assert text(done.args) == (r'4, "hello\n\0\1\177\3779xxxxxxxxxxxxxxxxxxxxx"..., 51, MSG_NOSIGNAL, NULL, 0')
    out = mem.put(b"\0" * 100)
    state, done = call("recvfrom", (4, out, 100, 0, 0, 0), mem, ret=5,
                       before_exit=lambda m: m.write(out, b"abcde"))
    assert state.args == [{"$fd": 4}] and done.n_entry == 1
    assert text(done.args) == '4, "abcde", 100, 0, NULL, NULL'
    _, failed = call("recvfrom", (4, out, 100, 0x40, 0, 0), mem, ret=-11)
    assert text(failed.args) == f"4, {out:#x}, 100, MSG_DONTWAIT, NULL, NULL"


def test_socketpair_and_shutdown():
    mem = FakeMemory()
    sv = mem.put(b"\0" * 8)
    _, done = call("socketpair", (1, 1, 0, sv), mem, ret=0,
                   before_exit=lambda m: m.write(sv, struct.pack("<ii", 3, 4)))
    assert text(done.args) == "AF_UNIX, SOCK_STREAM, 0, [3, 4]"
    assert decode.fds_in(*done.args) == {3, 4}
    _, done = call("shutdown", (3, 1), mem, ret=0)
    assert text(done.args) == "3, SHUT_WR"


def _optlen(mem, n):
    return mem.put(n.to_bytes(4, "little"))


def test_getsockopt_so_error_as_errno_name():
    mem = FakeMemory()
    val, lenp = mem.put(b"\0" * 8), _optlen(mem, 4)
    state, done = call("getsockopt", (3, 1, 4, val, lenp), mem, ret=0,
                       before_exit=lambda m: m.write(val, (111).to_bytes(4, "little")))
    assert text(state.args) == "3, SOL_SOCKET, SO_ERROR"
    assert text(done.args) == "3, SOL_SOCKET, SO_ERROR, [ECONNREFUSED], [4]"
    assert done.args[3] == ["ECONNREFUSED"]
    _, ok = call("getsockopt", (3, 1, 4, val, lenp), mem, ret=0,
                 before_exit=lambda m: m.write(val, b"\0\0\0\0"))
    assert text(ok.args[3:]) == "[0], [4]"


def test_getsockopt_lengths_and_strings():
    mem = FakeMemory()
    val = mem.put(b"\0" * 16)
    lenp = _optlen(mem, 8)

    def shrink(m):
        m.write(val, (2304).to_bytes(4, "little"))
        m.write(lenp, (4).to_bytes(4, "little"))
    _, done = call("getsockopt", (3, 1, 8, val, lenp), mem, ret=0, before_exit=shrink)
    assert text(done.args[2:]) == "SO_RCVBUF, [2304], [8 => 4]"
    lenp2 = _optlen(mem, 2)
    _, short = call("getsockopt", (3, 1, 8, val, lenp2), mem, ret=0,
                    before_exit=lambda m: m.write(val, b"\x00\x09"))
    assert text(short.args[3:]) == r'"\x00\x09", [2]'
    cong = mem.put(b"\0" * 16)
    lenp3 = _optlen(mem, 16)
    _, tcp = call("getsockopt", (3, 6, 13, cong, lenp3), mem, ret=0,
                  before_exit=lambda m: m.write(cong, b"bbr".ljust(16, b"\0")))
    assert text(tcp.args[1:]) == r'SOL_TCP, TCP_CONGESTION, "bbr\0\0\0\0\0\0\0\0\0\0\0\0\0", [16]'
    _, failed = call("getsockopt", (3, 1, 99, val, lenp3), mem, ret=-92)
    assert text(failed.args[2:]) == f"0x63 /* SO_??? */, {val:#x}, [16]"


def test_setsockopt_values():
    mem = FakeMemory()
    one = mem.put(struct.pack("<i", 1))
    linger = mem.put(structs.linger.build({"l_onoff": 1, "l_linger": 0}))
    tv = mem.put(struct.pack("<qq", 1, 500))
    cases = [
        ((3, 1, 2, one, 4), "3, SOL_SOCKET, SO_REUSEADDR, [1], 4"),
        ((3, 1, 13, linger, 8), "3, SOL_SOCKET, SO_LINGER, {l_onoff=1, l_linger=0}, 8"),
        ((3, 1, 13, linger, 4), f"3, SOL_SOCKET, SO_LINGER, {linger:#x}, 4"),
        ((3, 1, 20, tv, 16), r'3, SOL_SOCKET, SO_RCVTIMEO_OLD, "\1\0\0\0\0\0\0\0\364\1\0\0\0\0\0\0", 16'),
        ((3, 6, 1, one, 4), "3, SOL_TCP, TCP_NODELAY, [1], 4"),
        ((3, 6, 9, one, 4), "3, SOL_TCP, TCP_DEFER_ACCEPT, [1], 4"),
        ((3, 6, 1, 0, 4), "3, SOL_TCP, TCP_NODELAY, NULL, 4"),
        ((3, 2000, 5, one, 4), "3, 0x7d0 /* SOL_?? */, 5, [1], 4"),
    ]
    for raw, expected in cases:
        _, done = call("setsockopt", raw, mem, ret=0)
        assert text(done.args) == expected


def _msghdr(mem, name=0, namelen=0, iov=(), control=b"", flags=0):
    iovs = b"".join(structs.iovec.build({"base": mem.put(d), "len": n}) for d, n in iov)
    iov_addr = mem.put(iovs) if iovs else 0
    ctl = mem.put(control) if control else 0
    return mem.put(structs.msghdr.build({
        "name": name, "namelen": namelen, "iov": iov_addr, "iovlen": len(iov),
        "control": ctl, "controllen": len(control), "flags": flags}))


def test_sendmsg_with_iovecs_and_scm_rights():
    mem = FakeMemory()
    cmsg = structs.cmsghdr.build({"len": 20, "level": 1, "type": 1}) + struct.pack("<i", 0) + b"\0" * 4
    msg = _msghdr(mem, iov=[(b"ab", 2), (b"cd", 2)], control=cmsg)
    _, done = call("sendmsg", (9, msg, 0), mem, ret=4)
    assert text(done.args) == (
        '9, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="ab", iov_len=2}, {iov_base="cd", iov_len=2}], '
        'msg_iovlen=2, msg_control=[{cmsg_len=20, cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS, cmsg_data=[0]}], '
        'msg_controllen=24, msg_flags=0}, 0')
    assert decode.fds_in(*done.args) == {9, 0}


def test_recvmsg_name_length_and_data_limited_to_return_value():
    mem = FakeMemory()
    name = mem.put(b"\0" * 16)
    msg = _msghdr(mem, name=name, namelen=16, iov=[(b"\0" * 100, 100)])
    iov_base = structs.iovec.parse(mem.read(structs.msghdr.parse(mem.read(msg, 56)).iov, 16)).base
    src = socket.inet_aton("127.0.0.1")

    def kernel(m):
        m.write(name, structs.sockaddr_in.build({"family": 2, "port": 46718, "addr": src}) + b"\0" * 8)
        m.write(iov_base, b"abcd")
    state, done = call("recvmsg", (7, msg, 0), mem, ret=4, before_exit=kernel)
    assert done.n_entry == 1
    assert text(done.args) == (
        '7, {msg_name={sa_family=AF_INET, sin_port=htons(46718), sin_addr=inet_addr("127.0.0.1")}, '
        'msg_namelen=16, msg_iov=[{iov_base="abcd", iov_len=100}], msg_iovlen=1, msg_controllen=0, '
        'msg_flags=0}, 0')


def test_recvmsg_kernel_shrinks_namelen_to_zero():
    mem = FakeMemory()
    name = mem.put(b"\0" * 110)
    msg = _msghdr(mem, name=name, namelen=110, iov=[(b"\0" * 10, 10)])

    def kernel(m):
        m.write(msg + 8, (0).to_bytes(4, "little"))
    _, done = call("recvmsg", (11, msg, 0), mem, ret=0, before_exit=kernel)
    assert f"msg_name={name:#x}, msg_namelen=110 => 0" in text(done.args)


def test_recvmsg_control_messages_timestamp_pktinfo_ttl():
    mem = FakeMemory()

    def cmsg(level, kind, data):
        head = structs.cmsghdr.build({"len": 16 + len(data), "level": level, "type": kind})
        return (head + data).ljust((16 + len(data) + 7) & ~7, b"\0")
    control = (cmsg(1, 35, struct.pack("<qq", 5, 6))
               + cmsg(0, 8, structs.in_pktinfo.build({"ifindex": 99999, "spec_dst": socket.inet_aton("127.0.0.1"),
                                                       "addr": socket.inet_aton("127.0.0.2")}))
               + cmsg(0, 2, struct.pack("<i", 64)) + cmsg(1, 77, b"\1\2\3\4"))
    msg = _msghdr(mem, iov=[(b"ttl", 3)], control=control)
    _, done = call("sendmsg", (3, msg, 0), mem, ret=3)
    assert text(done.args).split("msg_control=")[1].split(", msg_controllen")[0] == (
        "[{cmsg_len=32, cmsg_level=SOL_SOCKET, cmsg_type=SO_TIMESTAMPNS_OLD, cmsg_data={tv_sec=5, tv_nsec=6}}, "
        "{cmsg_len=28, cmsg_level=SOL_IP, cmsg_type=IP_PKTINFO, cmsg_data={ipi_ifindex=99999, "
        'ipi_spec_dst=inet_addr("127.0.0.1"), ipi_addr=inet_addr("127.0.0.2")}}, '
        "{cmsg_len=20, cmsg_level=SOL_IP, cmsg_type=IP_TTL, cmsg_data=[64]}, "
        "{cmsg_len=20, cmsg_level=SOL_SOCKET, cmsg_type=0x4d /* SCM_??? */}]")


def test_sendmmsg_entries_carry_msg_len():
    mem = FakeMemory()
    first = structs.msghdr.parse(mem.read(_msghdr(mem, iov=[(b"one", 3)]), 56))
    second = structs.msghdr.parse(mem.read(_msghdr(mem, iov=[(b"second", 6)]), 56))
    vec = mem.put(b"".join(structs.msghdr.build(dict(m)) + struct.pack("<I4x", n)
                           for m, n in ((first, 3), (second, 6))))
    state, done = call("sendmmsg", (4, vec, 2, 0x4000), mem, ret=2)
    assert state.more and done.n_entry == 1
    assert text(done.args) == (
        '4, [{msg_hdr={msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="one", iov_len=3}], msg_iovlen=1, '
        'msg_controllen=0, msg_flags=0}, msg_len=3}, {msg_hdr={msg_name=NULL, msg_namelen=0, '
        'msg_iov=[{iov_base="second", iov_len=6}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, msg_len=6}], '
        '2, MSG_NOSIGNAL')
    _, failed = call("recvmmsg", (4, vec, 2, 0x40, 0), mem, ret=-11)
    assert text(failed.args) == f"4, {vec:#x}, 2, MSG_DONTWAIT, NULL"
