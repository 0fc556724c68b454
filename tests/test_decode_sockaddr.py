"""sockaddr decoding: bytes built with the same construct structs, decoded, printed like strace."""

from __future__ import annotations

import socket

import pytest

from sysrec.decode import structs
from sysrec.decode.sockaddr import decode_sockaddr_bytes
from test_decode_support import FakeMemory, call, text


def inet(port: int, addr: str) -> bytes:
    return structs.sockaddr_in.build(
        {"family": 2, "port": port, "addr": socket.inet_aton(addr)}) + b"\0" * 8


def inet6(port: int, addr: str, flow: int = 0, scope: int = 0) -> bytes:
    return structs.sockaddr_in6.build({"family": 10, "port": port, "flowinfo": flow,
                                       "addr": socket.inet_pton(socket.AF_INET6, addr),
                                       "scope_id": scope})


def test_inet_round_trip():
    data = inet(10009, "127.0.0.1")
    assert structs.sockaddr_in.parse(data).port == 10009
    assert text([decode_sockaddr_bytes(data)]) == \
        '{sa_family=AF_INET, sin_port=htons(10009), sin_addr=inet_addr("127.0.0.1")}'


@pytest.mark.parametrize("addr", ["::1", "fe80::1", "::ffff:10.0.0.1", "2001:db8::8:800:200c:417a"])
def test_inet6_round_trip(addr):
    # 4242 names no interface here, so even the link-local fe80::1 shows the plain number
    node = decode_sockaddr_bytes(inet6(443, addr, flow=7, scope=4242))
    assert text([node]) == (f'{{sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(7), '
                            f'inet_pton(AF_INET6, "{addr}", &sin6_addr), sin6_scope_id=4242}}')


def test_inet6_without_scope_id():
    node = decode_sockaddr_bytes(inet6(1, "::1")[:24])
    assert "sin6_scope_id" not in node


def test_unix_path_abstract_unnamed():
    path = b"\x01\x00/tmp/x.sock\x00garbage"
    assert text([decode_sockaddr_bytes(path)]) == '{sa_family=AF_UNIX, sun_path="/tmp/x.sock"}'
    abstract = b"\x01\x00\x00abs\x00tract"
    assert text([decode_sockaddr_bytes(abstract)]) == '{sa_family=AF_UNIX, sun_path=@"abs\\0tract"}'
    assert text([decode_sockaddr_bytes(b"\x01\x00")]) == "{sa_family=AF_UNIX}"


def test_netlink_and_unknown_family():
    nl = structs.sockaddr_nl.build({"family": 16, "pad": 0, "pid": 4242, "groups": 0x11})
    assert text([decode_sockaddr_bytes(nl)]) == "{sa_family=AF_NETLINK, nl_pid=4242, nl_groups=0x000011}"
    assert text([decode_sockaddr_bytes(b"\x2e\x00ab")]) == '{sa_family=0x2e /* AF_??? */, sa_data="ab"}'


def test_connect_reads_length_from_argument():
    mem = FakeMemory()
    addr = mem.put(inet(80, "10.1.2.3"))
    state, done = call("connect", [3, addr, 16], mem, ret=-111)
    assert done.n_entry == 3
    assert text(done.args) == '3, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("10.1.2.3")}, 16'


def test_unreadable_or_short_sockaddr_prints_the_address():
    mem = FakeMemory()
    _, done = call("connect", [3, 0xdead0000, 16], mem, ret=-14)
    assert text(done.args) == "3, 0xdead0000, 16"
    addr = mem.put(inet(80, "10.1.2.3"))
    _, done = call("bind", [3, addr, 1], mem, ret=-22)
    assert text(done.args) == f"3, {addr:#x}, 1"
    _, done = call("bind", [3, 0, 16], mem, ret=-14)
    assert text(done.args) == "3, NULL, 16"


def test_accept_value_result_length():
    mem = FakeMemory()
    buf = mem.put(b"\0" * 128)
    lenp = mem.put((128).to_bytes(4, "little"))

    def kernel(m):
        m.write(buf, inet(43650, "127.0.0.1"))
        m.write(lenp, (16).to_bytes(4, "little"))

    state, done = call("accept4", [3, buf, lenp, 0o2000000], mem, ret=5, before_exit=kernel)
    assert state.args == [{"$fd": 3}] and state.more
    assert done.n_entry == 1
    assert text(done.args) == ('3, {sa_family=AF_INET, sin_port=htons(43650), sin_addr=inet_addr("127.0.0.1")}, '
                               '[128 => 16], SOCK_CLOEXEC')
    assert done.rtext == {"$fd": 5}


def test_getpeername_failure_keeps_length_and_hides_address():
    mem = FakeMemory()
    buf = mem.put(b"\0" * 16)
    lenp = mem.put((16).to_bytes(4, "little"))
    _, done = call("getpeername", [3, buf, lenp], mem, ret=-107)
    assert text(done.args) == f"3, {buf:#x}, [16]"
    _, done = call("accept", [3, 0, 0], mem, ret=-22)
    assert text(done.args) == "3, NULL, NULL"


def test_packet_and_netlink_padding():
    ll = structs.sockaddr_ll.build({"family": 17, "protocol": 0x86DD, "ifindex": 1, "hatype": 772,
                                    "pkttype": 4, "halen": 2, "addr": b"\x01\x00" + b"\0" * 6})
    node = decode_sockaddr_bytes(ll)
    assert node["sll_ifindex"] in ('if_nametoindex("lo")', 1)
    node["sll_ifindex"] = 1
    assert text([node]) == ("{sa_family=AF_PACKET, sll_protocol=htons(ETH_P_IPV6), sll_ifindex=1, "
                            "sll_hatype=ARPHRD_LOOPBACK, sll_pkttype=PACKET_OUTGOING, sll_halen=2, "
                            "sll_addr=[0x1, 00]}")
    unknown = structs.sockaddr_ll.build({"family": 17, "protocol": 0, "ifindex": 99999, "hatype": 9,
                                         "pkttype": 0, "halen": 0, "addr": b"\0" * 8})
    assert text([decode_sockaddr_bytes(unknown)]) == (
        "{sa_family=AF_PACKET, sll_protocol=htons(0 /* ETH_P_??? */), sll_ifindex=99999, "
        "sll_hatype=0x9 /* ARPHRD_??? */, sll_pkttype=PACKET_HOST, sll_halen=0}")
    assert "sa_data" in decode_sockaddr_bytes(unknown[:18])
    nl = structs.sockaddr_nl.build({"family": 16, "pad": 0xDD86, "pid": 0, "groups": 0})
    assert text([decode_sockaddr_bytes(nl)]) == "{sa_family=AF_NETLINK, nl_pad=0xdd86, nl_pid=0, nl_groups=00000000}"
