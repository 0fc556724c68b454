"""getsockopt/setsockopt: option names per level and how each option's value prints.

strace picks a printer by (level, name), then by level, then falls back to `[N]` for a length of
exactly 4 and a string otherwise. A setsockopt printer sees the length the program passed; a
getsockopt printer sees the length offered (`ulen`) and the one the kernel returned (`rlen`).
"""

from __future__ import annotations

import _socket as socket  # the C module: socket.py adds ~4 ms of enums to the import, not needed here
from typing import Callable

from construct import Bytes, Int16ul, Int32sl, Int32ul, Padding, Struct

from sysrec.decode.common import MASK64, Call, Node, bytes_node, limited, ptr, read_string, vr
from sysrec.decode.lazy_compile import compiled_later
from sysrec.decode.sockaddr import decode_sockaddr_bytes, interface
from sysrec.decode.xlat import value
from sysrec.decode.xlat.errnos import ERRNO
from sysrec.decode.xlat.net import (
    ICMP_FILTER, ICMP_TYPES, IP_ADD_MEMBERSHIP, IP_DROP_MEMBERSHIP, IPV6_ADD_MEMBERSHIP,
    IPV6_DROP_MEMBERSHIP, IPV6_JOIN_ANYCAST, IPV6_LEAVE_ANYCAST, MCAST_JOIN_GROUP,
    MCAST_LEAVE_GROUP, NETLINK_LIST_MEMBERSHIPS, OPTIONS_BY_LEVEL, PACKET_ADD_MEMBERSHIP,
    PACKET_DROP_MEMBERSHIP, PACKET_MREQ_TYPES, PACKET_RX_RING, PACKET_STATISTICS, PACKET_TX_RING,
    SO_ATTACH_REUSEPORT_CBPF,
    SO_ERROR, SO_FILTER, SO_LINGER, SO_PEERCRED, SO_TXREHASH, SOCKET_INT_OPTIONS, SOCKET_LEVELS,
    SOL_IP, SOL_IPV6, SOL_NETLINK, SOL_PACKET, SOL_RAW, SOL_SOCKET, SOL_UNKNOWN, TXREHASH_VALUES)

INT_SIZE = 4

# What some options carry (x86-64 layouts).
sock_fprog = compiled_later(Struct("len" / Int16ul, Padding(6), "filter" / Bytes(8)))
SOCK_FPROG_SIZE = 16
ip_mreq = compiled_later(Struct("multiaddr" / Bytes(4), "interface" / Bytes(4)))
IP_MREQ_SIZE = 8
ipv6_mreq = compiled_later(Struct("multiaddr" / Bytes(16), "interface" / Int32ul))
IPV6_MREQ_SIZE = 20
group_req = compiled_later(Struct("interface" / Int32ul, Padding(4), "group" / Bytes(128)))
GROUP_REQ_SIZE = 136
tpacket_req = compiled_later(Struct("tp_block_size" / Int32ul, "tp_block_nr" / Int32ul, "tp_frame_size" / Int32ul,
                                    "tp_frame_nr" / Int32ul))
TPACKET_REQ_SIZE = 16
packet_mreq = compiled_later(Struct("ifindex" / Int32sl, "type" / Int16ul, "alen" / Int16ul,
                                    "address" / Bytes(8)))
PACKET_MREQ_SIZE = 16

# Structs strace prints field by field up to the returned length: (name, size, signed) each;
# a field cut by the length prints its bytes in hex.
Field = tuple[str, int, Callable[[bytes], Node]]


def _signed(raw: bytes) -> Node:
    return int.from_bytes(raw, "little", signed=True)


def _unsigned(raw: bytes) -> Node:
    return int.from_bytes(raw, "little")


def _id(raw: bytes) -> Node:
    """A uid/gid: unsigned, but (uid_t) -1 prints as -1."""
    v = int.from_bytes(raw, "little")
    return -1 if v == 0xFFFFFFFF else v


LINGER_FIELDS: tuple[Field, ...] = (("l_onoff", 4, _signed), ("l_linger", 4, _signed))
UCRED_FIELDS: tuple[Field, ...] = (("pid", 4, _signed), ("uid", 4, _id), ("gid", 4, _id))
TPACKET_STATS_FIELDS: tuple[Field, ...] = (("tp_packets", 4, _unsigned), ("tp_drops", 4, _unsigned),
                                            ("tp_freeze_q_cnt", 4, _unsigned))


def level_arg(call: Call, i: int) -> Node:
    return value(call.u32(i), SOCKET_LEVELS, SOL_UNKNOWN)


def _optname(call: Call, i: int, getting: bool) -> Node:
    level, name = call.u32(1), call.u32(i)
    names = OPTIONS_BY_LEVEL.get(level)
    if names is None:
        return name
    get_names, set_names, unknown = names
    return value(name, get_names if getting else set_names, unknown)


def getsockopt_name_arg(call: Call, i: int) -> Node:
    return _optname(call, i, getting=True)


def setsockopt_name_arg(call: Call, i: int) -> Node:
    return _optname(call, i, getting=False)


# --- value printers -------------------------------------------------------------------------------

def _c_int(data: bytes) -> int:
    """A C int; plain int.from_bytes is several times cheaper than a construct parse here."""
    return int.from_bytes(data[:INT_SIZE], "little", signed=True)


def _int_at(call: Call, addr: int) -> Node:
    """`[N]`: the int at addr (strace's printnum_int)."""
    data = call.read(addr, INT_SIZE)
    return ptr(addr) if data is None else [_c_int(data)]


def _hex_string(call: Call, addr: int, length: int) -> Node:
    """`length` bytes in \\x hex, cut at -s (a value shorter than its type)."""
    data = call.read_bytes(addr, min(length, call.opts.strsize))
    return ptr(addr) if data is None else bytes_node(data, length, hexa=True)


def _fields(call: Call, addr: int, length: int, fields: tuple[Field, ...]) -> Node:
    """A struct printed up to `length` bytes: whole fields by value, a cut one in hex."""
    size = sum(f[1] for f in fields)
    length = min(length, size)
    data = call.read(addr, length)
    if data is None:
        return ptr(addr)
    node: dict[str, Node] = {}
    start = 0
    for name, width, show in fields:
        if length <= start:
            break
        raw = data[start:start + width]
        node[name] = show(raw) if len(raw) == width else bytes_node(raw, hexa=True)
        start += width
    return node


def _inet_addr(raw: bytes) -> str:
    return f'inet_addr("{socket.inet_ntop(socket.AF_INET, raw)}")'


def _icmp_filter(call: Call, addr: int, length: int) -> Node:
    """struct icmp_filter as a set of ICMP types; `~[...]` names the types NOT set when more
    than half of the bits are. Bytes past `length` count as set."""
    if length <= 0:
        return ptr(addr)
    n = min(length, INT_SIZE)
    data = call.read(addr, n)
    if data is None:
        return ptr(addr)
    word = int.from_bytes(data + b"\xff" * (INT_SIZE - n), "little")
    negated = bin(word).count("1") > 16
    if negated:
        word ^= 0xFFFFFFFF
    node: dict[str, Node] = {"$set": [value(bit, ICMP_TYPES, "ICMP_???")
                                      for bit in range(32) if word >> bit & 1]}
    if negated:
        node["neg"] = True
    return node


def _txrehash(call: Call, addr: int) -> Node:
    data = call.read(addr, INT_SIZE)
    if data is None:
        return ptr(addr)
    v = _c_int(data)
    name = TXREHASH_VALUES.get(v)
    return [name if name is not None else f"{v} /* SOCK_TXREHASH_??? */"]


def _so_error(call: Call, addr: int) -> Node:
    data = call.read(addr, INT_SIZE)
    if data is None:
        return ptr(addr)
    err = int.from_bytes(data, "little")
    return [ERRNO[err][0] if err in ERRNO else err]


# setsockopt: (call, addr, optlen) -> node

def _set_int(call: Call, addr: int, length: int) -> Node:
    return ptr(addr) if length < INT_SIZE else _int_at(call, addr)


def _set_linger(call: Call, addr: int, length: int) -> Node:
    return ptr(addr) if length < 8 else _fields(call, addr, 8, LINGER_FIELDS)


def sock_fprog_node(call: Call, addr: int) -> Node:
    """struct sock_fprog (socket filters, seccomp): `{len=N, filter=0x...}`; strace lists the
    instructions only with -v, else their address."""
    data = call.read(addr, SOCK_FPROG_SIZE)
    if data is None:
        return ptr(addr)
    prog = sock_fprog.parse(data)
    return {"len": prog.len, "filter": ptr(int.from_bytes(prog.filter, "little"))}


def _set_fprog(call: Call, addr: int, length: int) -> Node:
    return ptr(addr) if length != SOCK_FPROG_SIZE else sock_fprog_node(call, addr)


def _set_txrehash(call: Call, addr: int, length: int) -> Node:
    return ptr(addr) if length < INT_SIZE else _txrehash(call, addr)


def _set_mreq(call: Call, addr: int, length: int) -> Node:
    data = call.read(addr, IP_MREQ_SIZE) if length >= IP_MREQ_SIZE else None
    if data is None:
        return ptr(addr)
    mreq = ip_mreq.parse(data)
    return {"imr_multiaddr": _inet_addr(mreq.multiaddr),
            "imr_interface": _inet_addr(mreq.interface)}


def _set_mreq6(call: Call, addr: int, length: int) -> Node:
    data = call.read(addr, IPV6_MREQ_SIZE) if length >= IPV6_MREQ_SIZE else None
    if data is None:
        return ptr(addr)
    mreq = ipv6_mreq.parse(data)
    return {"ipv6mr_multiaddr": {"$inet_pton": socket.inet_ntop(socket.AF_INET6, mreq.multiaddr)},
            "ipv6mr_interface": interface(mreq.interface)}


def _set_group_req(call: Call, addr: int, length: int) -> Node:
    data = call.read(addr, GROUP_REQ_SIZE) if length >= GROUP_REQ_SIZE else None
    if data is None:
        return ptr(addr)
    req = group_req.parse(data)
    return {"gr_interface": interface(req.interface),
            "gr_group": decode_sockaddr_bytes(req.group, call.opts.strsize)}


def _set_tpacket_req(call: Call, addr: int, length: int) -> Node:
    """PACKET_RX_RING/TX_RING: struct tpacket_req, only at exactly its size."""
    data = call.read(addr, TPACKET_REQ_SIZE) if length == TPACKET_REQ_SIZE else None
    if data is None:
        return ptr(addr)
    req = tpacket_req.parse(data)
    return {k: req[k] for k in ("tp_block_size", "tp_block_nr", "tp_frame_size", "tp_frame_nr")}


def _set_packet_mreq(call: Call, addr: int, length: int) -> Node:
    """PACKET_ADD/DROP_MEMBERSHIP: struct packet_mreq, the address as a MAC of mr_alen bytes."""
    data = call.read(addr, PACKET_MREQ_SIZE) if length == PACKET_MREQ_SIZE else None
    if data is None:
        return ptr(addr)
    mreq = packet_mreq.parse(data)
    return {"mr_ifindex": interface(mreq.ifindex),
            "mr_type": value(mreq.type, PACKET_MREQ_TYPES, "PACKET_MR_???"),
            "mr_alen": mreq.alen,
            "mr_address": ":".join(f"{b:02x}" for b in mreq.address[:min(mreq.alen, 8)])}


def _set_default(call: Call, addr: int, length: int) -> Node:
    if length == INT_SIZE:
        return _int_at(call, addr)
    # a negative length is a huge unsigned one to strace: the first -s bytes and `...`
    return read_string(call, addr, length & MASK64)


SetPrinter = Callable[[Call, int, int], Node]
SET_PRINTERS: dict[tuple[int, int], SetPrinter] = {
    (SOL_SOCKET, SO_LINGER): _set_linger,
    (SOL_SOCKET, SO_FILTER): _set_fprog,
    (SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF): _set_fprog,
    (SOL_SOCKET, SO_TXREHASH): _set_txrehash,
    **{(SOL_SOCKET, opt): _set_int for opt in SOCKET_INT_OPTIONS},
    (SOL_IP, IP_ADD_MEMBERSHIP): _set_mreq,
    (SOL_IP, IP_DROP_MEMBERSHIP): _set_mreq,
    (SOL_IP, MCAST_JOIN_GROUP): _set_group_req,
    (SOL_IP, MCAST_LEAVE_GROUP): _set_group_req,
    (SOL_IPV6, IPV6_ADD_MEMBERSHIP): _set_mreq6,
    (SOL_IPV6, IPV6_DROP_MEMBERSHIP): _set_mreq6,
    (SOL_IPV6, IPV6_JOIN_ANYCAST): _set_mreq6,
    (SOL_IPV6, IPV6_LEAVE_ANYCAST): _set_mreq6,
    (SOL_IPV6, MCAST_JOIN_GROUP): _set_group_req,
    (SOL_IPV6, MCAST_LEAVE_GROUP): _set_group_req,
    (SOL_PACKET, PACKET_RX_RING): _set_tpacket_req,
    (SOL_PACKET, PACKET_TX_RING): _set_tpacket_req,
    (SOL_PACKET, PACKET_ADD_MEMBERSHIP): _set_packet_mreq,
    (SOL_PACKET, PACKET_DROP_MEMBERSHIP): _set_packet_mreq,
    (SOL_RAW, ICMP_FILTER): _icmp_filter,
}
# Every option of these levels prints one way.
SET_LEVEL_PRINTERS: dict[int, SetPrinter] = {SOL_NETLINK: _set_int}


def setsockopt_value(call: Call, i: int) -> Node:
    addr, length = call.u(i), call.s32(4)
    level, name = call.u32(1), call.u32(2)
    if addr:
        printer = SET_PRINTERS.get((level, name)) or SET_LEVEL_PRINTERS.get(level)
        if printer is not None:
            return printer(call, addr, length)
    return _set_default(call, addr, length)


# getsockopt: (call, addr, ulen, rlen) -> node

def _get_int(call: Call, addr: int, ulen: int, rlen: int) -> Node:
    return _int_at(call, addr) if rlen >= INT_SIZE else _hex_string(call, addr, rlen)


def _get_error(call: Call, addr: int, ulen: int, rlen: int) -> Node:
    return _so_error(call, addr) if rlen >= INT_SIZE else _hex_string(call, addr, rlen)


def _get_txrehash(call: Call, addr: int, ulen: int, rlen: int) -> Node:
    return _txrehash(call, addr) if rlen >= INT_SIZE else _hex_string(call, addr, rlen)


def _get_filter(call: Call, addr: int, ulen: int, rlen: int) -> Node:
    """The instructions, which strace lists only with -v: their address."""
    return ptr(addr)


def _get_fields(fields: tuple[Field, ...]):
    def show(call: Call, addr: int, ulen: int, rlen: int) -> Node:
        return _fields(call, addr, rlen, fields)
    return show


def _get_icmp_filter(call: Call, addr: int, ulen: int, rlen: int) -> Node:
    return _icmp_filter(call, addr, rlen)


def _get_netlink(call: Call, addr: int, ulen: int, rlen: int) -> Node:
    return _int_at(call, addr)


def _get_memberships(call: Call, addr: int, ulen: int, rlen: int) -> Node:
    """NETLINK_LIST_MEMBERSHIPS: the group bitmap as an array of u32."""
    count = min(ulen, rlen) // INT_SIZE
    if count == 0:
        return []
    shown, more = limited(count, call)
    data = call.read(addr, shown * INT_SIZE)
    if data is None:
        return ptr(addr)
    words: list[Node] = [int.from_bytes(data[k:k + INT_SIZE], "little")
                         for k in range(0, len(data), INT_SIZE)]
    return words + ["..."] if more else words


def _get_default(call: Call, addr: int, ulen: int, rlen: int) -> Node:
    return _int_at(call, addr) if rlen == INT_SIZE else read_string(call, addr, rlen)


GetPrinter = Callable[[Call, int, int, int], Node]
GET_PRINTERS: dict[tuple[int, int], GetPrinter] = {
    (SOL_SOCKET, SO_LINGER): _get_fields(LINGER_FIELDS),
    (SOL_SOCKET, SO_PEERCRED): _get_fields(UCRED_FIELDS),
    (SOL_SOCKET, SO_FILTER): _get_filter,
    (SOL_SOCKET, SO_ERROR): _get_error,
    (SOL_SOCKET, SO_TXREHASH): _get_txrehash,
    **{(SOL_SOCKET, opt): _get_int for opt in SOCKET_INT_OPTIONS},
    (SOL_PACKET, PACKET_STATISTICS): _get_fields(TPACKET_STATS_FIELDS),
    (SOL_RAW, ICMP_FILTER): _get_icmp_filter,
    (SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS): _get_memberships,
}
GET_LEVEL_PRINTERS: dict[int, GetPrinter] = {SOL_NETLINK: _get_netlink}


def snapshot_optlen(call: Call) -> None:
    data = call.read(call.u(4), INT_SIZE)
    call.saved["optlen"] = None if data is None else _c_int(data)


def _optlen_after(call: Call) -> int | None:
    """*optlen as the kernel left it (read once, used by both exit-time arguments)."""
    if "optlen_after" not in call.saved:
        data = call.read(call.u(4), INT_SIZE)
        call.saved["optlen_after"] = None if data is None else _c_int(data)
    return call.saved["optlen_after"]


def getsockopt_value(call: Call, i: int) -> Node:
    addr = call.u(i)
    ulen = call.saved.get("optlen")
    if ulen is None or call.failed:
        return ptr(addr)
    rlen = _optlen_after(call)
    if rlen is None or ulen <= 0 or rlen <= 0:
        return ptr(addr)
    level, name = call.u32(1), call.u32(2)
    if addr:
        printer = GET_PRINTERS.get((level, name)) or GET_LEVEL_PRINTERS.get(level)
        if printer is not None:
            return printer(call, addr, ulen, rlen)
    return _get_default(call, addr, ulen, rlen)


def getsockopt_len(call: Call, i: int) -> Node:
    addr = call.u(i)
    before = call.saved.get("optlen")
    if before is None:
        return ptr(addr)
    if call.failed:
        return [before]
    after = _optlen_after(call)
    return [before] if after is None else [vr(before, after)]
