"""Netlink messages as strace prints them in send/sendto/sendmsg/recv/recvfrom/recvmsg on an
AF_NETLINK socket: an array of `[{nlmsg_len=…, nlmsg_type=…, …}, payload]`, the payload decoded
per netlink protocol (NETLINK_ROUTE, NETLINK_SOCK_DIAG: netlink_route.py, netlink_diag.py),
NLMSG_ERROR and NLMSG_DONE here, anything else as strace's hex string.

strace takes the protocol from the socket (`NETLINK:[ROUTE:…]`); the tracer's Memory answers
`netlink_protocol(fd)` (sysrec.tracer.netlink_fds), a Memory without it decodes nothing.
The buffer is read once and decoded from bytes; after -s messages (and -s attributes in each
attribute list) strace stops with `...`.
"""

from __future__ import annotations

import _socket as socket  # the C module: socket.py adds ~4 ms of enums to the import, not needed here
import struct
from dataclasses import dataclass, field
from typing import Callable, Mapping

from sysrec.decode.common import Call, Node, bytes_node, ptr
from sysrec.decode.xlat import c_hex, flags, value
from sysrec.decode.xlat.errnos import ERRNO
from sysrec.decode.xlat.net import ADDRESS_FAMILIES
from sysrec.decode.xlat.netlink import (
    NL_AUDIT_TYPES, NL_CRYPTO_TYPES, NL_ROUTE_TYPES, NL_SELINUX_TYPES, NL_SOCK_DIAG_TYPES,
    NL_XFRM_TYPES, NLM_F_ACK_FLAGS, NLM_F_DELETE_FLAGS, NLM_F_FLAGS, NLM_F_GET_FLAGS,
    NLM_F_NEW_FLAGS, NLMSG_TYPES, NLMSGERR_ATTRS)

NETLINK_ROUTE, NETLINK_SOCK_DIAG, NETLINK_XFRM, NETLINK_SELINUX, NETLINK_AUDIT = 0, 4, 6, 7, 9
NETLINK_CRYPTO = 21
NLMSG_HDRLEN, NLA_HDRLEN = 16, 4
NLMSG_ERROR, NLMSG_DONE, NLMSG_MIN_TYPE = 2, 3, 0x10
NLM_F_REQUEST, NLM_F_CAPPED = 0x1, 0x100
NLA_F_NESTED, NLA_F_NET_BYTEORDER, NLA_TYPE_MASK = 0x8000, 0x4000, 0x3FFF
READ_LIMIT = 1 << 22  # bytes of one buffer read from the tracee

nlmsghdr = struct.Struct("<IHHII")
nlattr = struct.Struct("<HH")


def align4(n: int) -> int:
    return (n + 3) & ~3


# --- the context a payload decoder gets ------------------------------------------------------

@dataclass(slots=True)
class Msg:
    """The message being decoded, as its payload's decoders see it: the call (for -s), the
    socket's protocol, the header's type and flags, and what the family struct told the
    attribute decoders (`extra`: its address family...)."""

    call: Call
    protocol: int  # NETLINK_* of the socket, -1 when unknown
    type: int
    flags: int
    extra: dict = field(default_factory=dict)  # family struct values attribute decoders need

    @property
    def strsize(self) -> int:
        return self.call.opts.strsize


def hex_string(msg: Msg, data: bytes) -> Node:
    """strace's printstr_ex(QUOTE_FORCE_HEX): every byte as \\xNN, cut at -s with `...`."""
    shown = data[:msg.strsize]
    return bytes_node(shown, len(data), hexa=True)


# --- attributes --------------------------------------------------------------------------------

AttrDecoder = Callable[[Msg, bytes], Node]  # returns None: print the raw hex string instead


@dataclass(frozen=True)
class AttrSet:
    """One attribute namespace: type names, strace's `X_???` for others, value decoders."""

    names: Mapping[int, str]
    unknown: str | None  # None: an unnamed type prints in hex, without a comment
    decoders: Mapping[int, AttrDecoder]


def _nla_type(t: int, attrs: AttrSet) -> Node:
    prefix = ("NLA_F_NESTED|" if t & NLA_F_NESTED else "") + \
             ("NLA_F_NET_BYTEORDER|" if t & NLA_F_NET_BYTEORDER else "")
    t &= NLA_TYPE_MASK
    name = value(t, attrs.names, attrs.unknown) if attrs.unknown is not None else \
        attrs.names.get(t) or c_hex(t)
    return f"{prefix}{name}" if prefix else name


def family_name(v: int) -> str:
    return value(v, ADDRESS_FAMILIES, "AF_???")


def family_body(msg: Msg, data: bytes, family_key: str, header: struct.Struct, fields: Callable[..., dict],
                attrs: AttrSet | None, size: int = 0) -> tuple:
    """The shape of rtnetlink and sock_diag bodies: `{X_family=AF_INET, ...}` (a fixed header
    whose first byte is the family; cut short, strace ends it with `...`), then its attributes,
    decoded for that family (`attrs` None: strace prints none). `fields` names the members
    `header` unpacks after the family; `size`, the header's length when `header` unpacks only
    its start."""
    size = size or header.size
    node: dict = {family_key: family_name(data[0])}
    if len(data) < size:
        node["$more"] = True
        return (node,)
    family, *members = header.unpack_from(data)
    node.update(fields(*members))
    if attrs is None or len(data) <= size:
        return (node,)
    msg.extra["family"] = family
    return node, attributes(msg, data[size:], attrs)


def family_and_hex(msg: Msg, data: bytes) -> tuple:
    """A body sysrec has no struct for: its family, the rest in hex."""
    node: dict = {"family": family_name(data[0])}
    if len(data) > 1:
        node["data"] = hex_string(msg, data[1:])
    return (node,)


def attributes(msg: Msg, data: bytes, attrs: AttrSet) -> Node:
    """A list of netlink attributes: `[{nla_len=8, nla_type=IFA_ADDRESS}, value]` each, one
    alone without brackets, `...` after -s of them."""
    items: list[Node] = []
    pos, end = 0, len(data)
    while True:
        if end - pos < NLA_HDRLEN:
            items.append(hex_string(msg, data[pos:]))
            break
        if len(items) == msg.strsize:
            items.append("...")
            break
        nla_len, nla_type = nlattr.unpack_from(data, pos)
        items.append(_attribute(msg, data[pos:pos + min(nla_len, end - pos)], nla_len, nla_type,
                                attrs))
        step = align4(nla_len)
        if nla_len < NLA_HDRLEN or end - pos <= step:
            break
        pos += step
    return items[0] if len(items) == 1 else items


def _attribute(msg: Msg, chunk: bytes, nla_len: int, nla_type: int, attrs: AttrSet) -> Node:
    head = {"nla_len": nla_len, "nla_type": _nla_type(nla_type, attrs)}
    if len(chunk) <= NLA_HDRLEN:
        return head
    payload = chunk[NLA_HDRLEN:]
    decode = attrs.decoders.get(nla_type & NLA_TYPE_MASK)
    node = decode(msg, payload) if decode is not None else None
    return [head, hex_string(msg, payload) if node is None else node]


def decoders_by_name(names: Mapping[int, str], decoders: Mapping[str, AttrDecoder]) -> dict:
    """An attribute decoder table keyed by the attribute names of `names`."""
    numbers = {name: number for number, name in names.items()}
    return {numbers[name]: decode for name, decode in decoders.items() if name in numbers}


# value decoders shared by the protocols (strace's decode_nla_*) ------------------------------

def _int_decoder(fmt: str) -> AttrDecoder:
    size = struct.calcsize(fmt)

    def decode(msg: Msg, data: bytes) -> Node:
        return struct.unpack_from(fmt, data)[0] if len(data) >= size else None
    return decode


nla_u8, nla_u16, nla_u32, nla_u64 = (_int_decoder(f) for f in ("<B", "<H", "<I", "<Q"))
nla_s32 = _int_decoder("<i")


def nla_str(msg: Msg, data: bytes) -> Node:
    """A string the kernel NUL-terminates: printed without the NUL, `...` after it when the NUL
    is missing or the string is longer than -s."""
    shown = data[:msg.strsize]
    if shown.endswith(b"\0"):
        return bytes_node(shown[:-1])
    return bytes_node(shown, len(shown) + 1)


def nla_flags(table: Mapping[int, str], unknown: str, size: int = 4) -> AttrDecoder:
    def decode(msg: Msg, data: bytes) -> Node:
        if len(data) < size or len(data) > 8:
            return None
        return flags(int.from_bytes(data[:size], "little"), table, unknown)
    return decode


def nla_xval(table: Mapping[int, str], unknown: str, size: int = 0) -> AttrDecoder:
    def decode(msg: Msg, data: bytes) -> Node:
        if len(data) < size or len(data) > 8:
            return None
        return value(int.from_bytes(data[:size or len(data)], "little"), table, unknown)
    return decode


def nla_indexed(fmt: str, names: Mapping[int, str], unknown: str) -> AttrDecoder:
    """An array of counters strace prints with their indices' names:
    `[[SK_MEMINFO_RMEM_ALLOC]=0, [SK_MEMINFO_RCVBUF]=212992, ...]` (-s of them, then `...`)."""
    size = struct.calcsize(fmt)

    def decode(msg: Msg, data: bytes) -> Node:
        values = [v for (v,) in struct.iter_unpack(fmt, data[:len(data) // size * size])]
        if not values:
            return None
        items: list[Node] = [f"[{names[i] if i in names else f'{i} /* {unknown} */'}]={v}"
                             for i, v in enumerate(values[:msg.strsize])]
        return items + (["..."] if len(values) > msg.strsize else [])
    return decode


def nla_ifindex(msg: Msg, data: bytes) -> Node:
    from sysrec.decode.sockaddr import interface
    return interface(int.from_bytes(data[:4], "little")) if len(data) >= 4 else None


def nla_hwaddr(msg: Msg, data: bytes) -> Node:
    """A link-layer address: `02:fc:00:00:00:01` (at most MAX_ADDR_LEN bytes)."""
    return ":".join(f"{b:02x}" for b in data) if len(data) <= 32 else None


def inet_addr_node(family: int, data: bytes, field_name: str | None = None) -> Node:
    """An address of `family` as strace prints one: `inet_addr("127.0.0.1")`, an IPv6 one as
    `inet_pton(AF_INET6, "::1")` (in a struct field: `{"$inet_pton": …}`); None when too short
    or of another family."""
    if family == socket.AF_INET and len(data) >= 4:
        return f'inet_addr("{socket.inet_ntop(socket.AF_INET, data[:4])}")'
    if family == socket.AF_INET6 and len(data) >= 16:
        text = socket.inet_ntop(socket.AF_INET6, data[:16])
        return {"$inet_pton": text} if field_name else f'inet_pton(AF_INET6, "{text}")'
    return None


# --- message types and flags per protocol ------------------------------------------------------

TYPES_BY_PROTOCOL: dict[int, tuple[Mapping[int, str], str]] = {
    NETLINK_AUDIT: (NL_AUDIT_TYPES, "AUDIT_???"),
    NETLINK_CRYPTO: (NL_CRYPTO_TYPES, "CRYPTO_MSG_???"),
    NETLINK_ROUTE: (NL_ROUTE_TYPES, "RTM_???"),
    NETLINK_SELINUX: (NL_SELINUX_TYPES, "SELNL_MSG_???"),
    NETLINK_SOCK_DIAG: (NL_SOCK_DIAG_TYPES, "SOCK_DIAG_???"),
    NETLINK_XFRM: (NL_XFRM_TYPES, "XFRM_MSG_???"),
}


# Protocols whose message types are not one table (netfilter: subsystem<<8|type), and their
# NLM_F_ bits from 0x100 on: filled by their modules.
TYPE_NAMERS: dict[int, Callable[[int], Node]] = {}
FLAG_TABLES: dict[int, Callable[[int], Mapping[int, str]]] = {}


def message_type(t: int, protocol: int) -> Node:
    if t >= NLMSG_MIN_TYPE:
        namer = TYPE_NAMERS.get(protocol)
        if namer is not None:
            return namer(t)
    table, unknown = TYPES_BY_PROTOCOL.get(protocol, (NLMSG_TYPES, "NLMSG_???")) \
        if t >= NLMSG_MIN_TYPE else (NLMSG_TYPES, "NLMSG_???")
    return value(t, table, unknown)


_NEW, _DEL, _GET = ({**NLM_F_FLAGS, **t} for t in (NLM_F_NEW_FLAGS, NLM_F_DELETE_FLAGS,
                                                   NLM_F_GET_FLAGS))
_ACK = {**NLM_F_FLAGS, **NLM_F_ACK_FLAGS}
RTM_DELACTION = 49
# The low two bits of a NETLINK_ROUTE type say new/del/get, and which NLM_F_ bits 0x100… mean.
_ROUTE_FLAGS_BY_KIND = {0: _NEW, 1: _DEL, 2: _GET}


def _by_name(types: Mapping[int, str], kinds: Mapping[str, Mapping[int, str]]) -> dict:
    """message type -> flag table, from type names: which types create, delete or get."""
    numbers = {name: number for number, name in types.items()}
    return {numbers[name]: table for name, table in kinds.items() if name in numbers}


_XFRM_FLAGS = _by_name(NL_XFRM_TYPES, {
    **dict.fromkeys(("XFRM_MSG_NEWSA", "XFRM_MSG_NEWPOLICY", "XFRM_MSG_NEWAE",
                     "XFRM_MSG_NEWSADINFO", "XFRM_MSG_NEWSPDINFO"), _NEW),
    **dict.fromkeys(("XFRM_MSG_DELSA", "XFRM_MSG_DELPOLICY"), _DEL),
    **dict.fromkeys(("XFRM_MSG_GETSA", "XFRM_MSG_GETPOLICY", "XFRM_MSG_GETAE",
                     "XFRM_MSG_GETSADINFO", "XFRM_MSG_GETSPDINFO"), _GET)})
_CRYPTO_FLAGS = _by_name(NL_CRYPTO_TYPES, {
    "CRYPTO_MSG_NEWALG": _NEW, "CRYPTO_MSG_DELALG": _DEL, "CRYPTO_MSG_DELRNG": _DEL,
    "CRYPTO_MSG_GETALG": _GET})


def _flags_table(t: int, protocol: int) -> Mapping[int, str]:
    if t < NLMSG_MIN_TYPE:
        return _ACK if t == NLMSG_ERROR else NLM_F_FLAGS
    if protocol == NETLINK_ROUTE:
        return _GET if t == RTM_DELACTION else _ROUTE_FLAGS_BY_KIND.get(t & 3, NLM_F_FLAGS)
    if protocol == NETLINK_SOCK_DIAG:
        return _GET
    if protocol == NETLINK_XFRM:
        return _XFRM_FLAGS.get(t, NLM_F_FLAGS)
    if protocol == NETLINK_CRYPTO:
        return _CRYPTO_FLAGS.get(t, NLM_F_FLAGS)
    table_of = FLAG_TABLES.get(protocol)
    return NLM_F_FLAGS if table_of is None else table_of(t)


NEW_FLAGS, DELETE_FLAGS, GET_FLAGS = _NEW, _DEL, _GET  # for the families' FLAG_TABLES


def header_node(length: int, t: int, fl: int, seq: int, pid: int, protocol: int) -> Node:
    return {"nlmsg_len": length, "nlmsg_type": message_type(t, protocol),
            "nlmsg_flags": flags(fl, _flags_table(t, protocol), "NLM_F_???"),
            "nlmsg_seq": seq, "nlmsg_pid": pid - (1 << 32) if pid & 0x80000000 else pid}


# --- payloads ----------------------------------------------------------------------------------

# A family's payload: its struct and, after it in the message's brackets, its attributes (a
# tuple of one or two nodes); None: not decoded, print it the generic way.
PayloadDecoder = Callable[[Msg, bytes], "tuple[Node, ...] | None"]
PAYLOAD_DECODERS: dict[int, PayloadDecoder] = {}  # NETLINK_* -> decoder (filled by the families)

NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS, NLMSGERR_ATTR_COOKIE = 1, 2, 3
_ERR_ATTRS = AttrSet(NLMSGERR_ATTRS, "NLMSGERR_ATTR_???", {
    NLMSGERR_ATTR_MSG: nla_str, NLMSGERR_ATTR_OFFS: nla_u32,
    NLMSGERR_ATTR_COOKIE: lambda msg, data: list(data[:msg.strsize]) + (
        ["..."] if len(data) > msg.strsize else []),
})


def _error_number(err: int) -> Node:
    """nlmsgerr.error: `-ECONNREFUSED`, 0, or the number."""
    if err < 0 and -err in ERRNO:
        return f"-{ERRNO[-err][0]}"
    return err


def _nlmsgerr(msg: Msg, data: bytes) -> Node:
    if len(data) < 4 + NLMSG_HDRLEN:
        return hex_string(msg, data)
    err = int.from_bytes(data[:4], "little", signed=True)
    inner = data[4:]
    length, t, fl, seq, pid = nlmsghdr.unpack_from(inner)
    payload_len = min(len(inner), NLMSG_HDRLEN if msg.flags & NLM_F_CAPPED
                      else max(NLMSG_HDRLEN, length))
    node = {"error": _error_number(err),
            "msg": _message(msg.call, msg.protocol, inner[:payload_len], length, t, fl, seq, pid)}
    if len(inner) > payload_len:
        return [node, attributes(msg, inner[payload_len:], _ERR_ATTRS)]
    return node


def _payload(msg: Msg, data: bytes) -> tuple[Node, ...]:
    """What follows the header in the message's brackets."""
    if msg.type == NLMSG_ERROR:
        return (_nlmsgerr(msg, data),)
    if msg.type >= NLMSG_MIN_TYPE or msg.type == NLMSG_DONE:
        decode = PAYLOAD_DECODERS.get(msg.protocol)
        nodes = decode(msg, data) if decode is not None else None
        if nodes is not None:
            return nodes
    if msg.type == NLMSG_DONE and len(data) == 4:
        return (int.from_bytes(data, "little", signed=True),)
    return (hex_string(msg, data),)


def _message(call: Call, protocol: int, data: bytes, length: int, t: int, fl: int, seq: int,
             pid: int) -> Node:
    """One message: its header, and `[header, payload]` when it has one (data: what is left of
    the buffer from this message on)."""
    head = header_node(length, t, fl, seq, pid, protocol)
    size = min(length, len(data))
    if size <= NLMSG_HDRLEN:
        return head
    return [head, *_payload(Msg(call, protocol, t, fl), data[NLMSG_HDRLEN:size])]


def decode_netlink(call: Call, protocol: int, addr: int, length: int) -> Node:
    """The netlink messages in `length` bytes at addr (strace's decode_netlink)."""
    if addr == 0:
        return "NULL"
    strsize = call.opts.strsize
    if length < NLMSG_HDRLEN:
        data = call.read(addr, min(length, strsize))
        return ptr(addr) if data is None else bytes_node(data, length, hexa=True)
    data = call.read(addr, min(length, READ_LIMIT))
    if data is None:
        return ptr(addr)
    items: list[Node] = []
    pos, end = 0, len(data)
    while True:
        if end - pos < NLMSG_HDRLEN:
            items.append(bytes_node(data[pos:pos + strsize], end - pos, hexa=True))
            break
        if len(items) == strsize:
            items.append("...")
            break
        size, t, fl, seq, pid = nlmsghdr.unpack_from(data, pos)
        items.append(_message(call, protocol, data[pos:], size, t, fl, seq, pid))
        step = align4(size)
        if size < NLMSG_HDRLEN or end - pos <= step:
            break
        pos += step
    return items[0] if len(items) == 1 else items


def netlink_protocol(call: Call, fd: int) -> int | None:
    """NETLINK_* of the socket `fd` of the traced process, None when it is no netlink socket
    (or the Memory cannot tell); -1 for a netlink socket of unknown protocol."""
    lookup = getattr(call.mem, "netlink_protocol", None)
    if lookup is None:
        return None
    try:
        return lookup(fd)
    except Exception:  # a lookup must not stop the decoding
        return None


def sockbuf(call: Call, fd: int, addr: int, length: int) -> Node | None:
    """send/recv's buffer on a netlink socket as messages; None on any other socket."""
    protocol = netlink_protocol(call, fd)
    if protocol is None:
        return None
    return decode_netlink(call, protocol, addr, length)


__all__ = ["AttrSet", "decoders_by_name", "Msg", "attributes", "decode_netlink", "sockbuf",
           "hex_string", "inet_addr_node", "nla_u8", "nla_u16", "nla_u32", "nla_u64", "nla_s32",
           "nla_str", "nla_flags", "nla_xval", "nla_ifindex", "nla_hwaddr", "nla_indexed",
           "PAYLOAD_DECODERS", "TYPE_NAMERS", "FLAG_TABLES"]
