"""Socket syscalls: argument decoders for socket, socketpair, accept4, sendmsg, recvmsg...

The rows that use them are in `signatures.py`.
"""

from __future__ import annotations

import socket

from sysrec.decode import structs
from sysrec.decode.common import Call, Node, fd, limited, ptr, read_string, vr
from sysrec.decode.sockaddr import interface, sockaddr_at
from sysrec.decode.xlat import flags, value
from sysrec.decode.xlat.net import (ADDRESS_FAMILIES, ETHERNET_PROTOCOLS, INET_PROTOCOLS,
                                    IP_OPTIONS, IP_PKTINFO, IP_TTL, MSG_FLAGS, NETLINK_PROTOCOLS,
                                    SCM_CREDENTIALS, SCM_RIGHTS, SCM_TYPES, SOCKET_FLAGS,
                                    SOCKET_LEVELS, SOCKET_TYPE_MASK, SOCKET_TYPES, SOL_IP,
                                    SOL_SOCKET, SOL_UNKNOWN)

AF_INET, AF_INET6, AF_NETLINK, AF_PACKET = 2, 10, 16, 17


def family_arg(call: Call, i: int) -> Node:
    return value(call.s32(i), ADDRESS_FAMILIES, "AF_???")


def socket_type(v: int) -> str:
    """`SOCK_STREAM|SOCK_CLOEXEC`; an unknown type keeps its bits as hex after the flags."""
    kind = SOCKET_TYPES.get(v & SOCKET_TYPE_MASK)
    if kind is None:
        return flags(v, SOCKET_FLAGS, "SOCK_???")
    rest = v & ~SOCKET_TYPE_MASK
    return kind if rest == 0 else f"{kind}|{flags(rest, SOCKET_FLAGS)}"


def socket_type_arg(call: Call, i: int) -> Node:
    return socket_type(call.u32(i))


def protocol_arg(call: Call, i: int) -> Node:
    """The protocol means something different in every family (argument 0 is the family)."""
    family, proto = call.s32(0), call.s32(i)
    if family in (AF_INET, AF_INET6):
        return value(proto, INET_PROTOCOLS, "IPPROTO_???")
    if family == AF_NETLINK:
        return value(proto, NETLINK_PROTOCOLS, "NETLINK_???")
    if family == AF_PACKET:
        host = ((proto & 0xFF) << 8) | ((proto >> 8) & 0xFF)
        return f"htons({value(host, ETHERNET_PROTOCOLS, 'ETH_P_???')})"
    return proto


def msg_flags_arg(call: Call, i: int) -> Node:
    return flags(call.u32(i), MSG_FLAGS, "MSG_???")


def accept_flags_arg(call: Call, i: int) -> Node:
    return flags(call.u32(i), SOCKET_FLAGS, "SOCK_???")


def fd_pair_out(call: Call, i: int) -> Node:
    """socketpair's sv[2], written by the kernel."""
    addr = call.u(i)
    if call.failed:
        return ptr(addr)
    data = call.read(addr, 8)
    if data is None:
        return ptr(addr)
    return [fd(int.from_bytes(data[:4], "little", signed=True)),
            fd(int.from_bytes(data[4:], "little", signed=True))]


# --- msghdr ------------------------------------------------------------------------------------

def _iovecs(call: Call, addr: int, count: int, data_size: int | None) -> Node:
    """msg_iov: each iov_base shown up to its iov_len, the whole limited to data_size."""
    if addr == 0:
        return "NULL"
    shown, more = limited(count, call)
    raw = call.read(addr, shown * structs.IOVEC_SIZE)
    if raw is None:
        return ptr(addr)
    nodes: list[Node] = []
    remaining = data_size
    for iov in structs.iovec_array.parse(raw):
        length = iov.len if remaining is None else min(iov.len, remaining)
        if remaining is not None:
            remaining -= length
        nodes.append({"iov_base": read_string(call, iov.base, length), "iov_len": iov.len})
    if more:
        nodes.append("...")
    return nodes


def _cmsg_timestamp(data: bytes, unit: str) -> Node | None:
    if len(data) < 16:
        return None
    t = structs.timespec.parse(data[:16])
    return {"tv_sec": t.tv_sec, unit: t.tv_nsec}


def _cmsg_pktinfo(data: bytes) -> Node | None:
    if len(data) < 12:
        return None
    info = structs.in_pktinfo.parse(data[:12])
    return {"ipi_ifindex": interface(info.ifindex),
            "ipi_spec_dst": f'inet_addr("{socket.inet_ntop(socket.AF_INET, info.spec_dst)}")',
            "ipi_addr": f'inet_addr("{socket.inet_ntop(socket.AF_INET, info.addr)}")'}


# (level, type) -> how the data of a control message prints; others print no cmsg_data.
CMSG_DATA = {
    (SOL_SOCKET, 29): lambda d: _cmsg_timestamp(d, "tv_usec"),
    (SOL_SOCKET, 35): lambda d: _cmsg_timestamp(d, "tv_nsec"),
    (SOL_SOCKET, 63): lambda d: _cmsg_timestamp(d, "tv_usec"),
    (SOL_SOCKET, 64): lambda d: _cmsg_timestamp(d, "tv_nsec"),
    (SOL_IP, IP_PKTINFO): _cmsg_pktinfo,
    (SOL_IP, IP_TTL): lambda d: [int.from_bytes(d[:4], "little", signed=True)] if len(d) >= 4 else None,
}


def _cmsg_data(level: int, kind: int, data: bytes) -> Node | None:
    special = CMSG_DATA.get((level, kind))
    if special is not None:
        return special(data)
    if level == SOL_SOCKET and kind == SCM_RIGHTS:
        return [fd(int.from_bytes(data[j:j + 4], "little", signed=True))
                for j in range(0, len(data) - len(data) % 4, 4)]
    if level == SOL_SOCKET and kind == SCM_CREDENTIALS and len(data) >= 12:
        cred = structs.ucred.parse(data)
        return {"pid": cred.pid, "uid": cred.uid, "gid": cred.gid}
    return None


def _cmsg_type(level: int, kind: int) -> Node:
    if level == SOL_SOCKET:
        return value(kind, SCM_TYPES, "SCM_???")
    if level == SOL_IP:
        return value(kind, IP_OPTIONS, "IP_???")
    return kind


def _cmsgs(call: Call, addr: int, length: int) -> Node:
    """msg_control: the control messages in the first `length` bytes."""
    raw = call.read(addr, min(length, 65536))
    if raw is None:
        return ptr(addr)
    nodes: list[Node] = []
    offset = 0
    while offset + structs.CMSGHDR_SIZE <= len(raw):
        head = structs.cmsghdr.parse(raw[offset:offset + structs.CMSGHDR_SIZE])
        node: dict[str, Node] = {
            "cmsg_len": head.len,
            "cmsg_level": value(head.level, SOCKET_LEVELS, SOL_UNKNOWN),
            "cmsg_type": _cmsg_type(head.level, head.type),
        }
        if head.len < structs.CMSGHDR_SIZE:
            nodes.append(node)
            break
        end = min(offset + head.len, len(raw))
        data = _cmsg_data(head.level, head.type, raw[offset + structs.CMSGHDR_SIZE:end])
        if data is not None:
            node["cmsg_data"] = data
        nodes.append(node)
        offset += (head.len + 7) & ~7
    return nodes


def msghdr_at(call: Call, addr: int, data_size: int | None, namelen_before: int | None) -> Node:
    """struct msghdr; at recvmsg's exit `namelen_before` is what the program offered."""
    raw = call.read(addr, structs.MSGHDR_SIZE)
    if raw is None:
        return ptr(addr)
    m = structs.msghdr.parse(raw)
    node: dict[str, Node] = {}
    if m.name == 0:
        node["msg_name"] = "NULL"
    elif m.namelen == 0 or (namelen_before is not None and namelen_before == 0):
        node["msg_name"] = ptr(m.name)
    else:
        length = m.namelen if namelen_before is None else min(m.namelen, namelen_before)
        node["msg_name"] = sockaddr_at(call, m.name, length)
    node["msg_namelen"] = m.namelen if namelen_before is None else vr(namelen_before, m.namelen)
    node["msg_iov"] = _iovecs(call, m.iov, m.iovlen, data_size)
    node["msg_iovlen"] = m.iovlen
    if m.controllen:
        node["msg_control"] = _cmsgs(call, m.control, m.controllen) if m.control else "NULL"
    node["msg_controllen"] = m.controllen
    node["msg_flags"] = flags(m.flags & 0xFFFFFFFF, MSG_FLAGS, "MSG_???")
    return node


def mmsghdrs_out(call: Call, i: int) -> Node:
    """sendmmsg/recvmmsg: the first `ret` entries, each with the msg_len the kernel wrote."""
    addr = call.u(i)
    if call.failed:
        return ptr(addr)
    count, more = limited(call.ret or 0, call)
    nodes: list[Node] = []
    for k in range(count):
        entry = addr + k * structs.MMSGHDR_SIZE
        raw_len = call.read(entry + structs.MSGHDR_SIZE, 4)
        if raw_len is None:
            return ptr(addr)
        msg_len = int.from_bytes(raw_len, "little")
        nodes.append({"msg_hdr": msghdr_at(call, entry, msg_len, None), "msg_len": msg_len})
    if more:
        nodes.append("...")
    return nodes


def msghdr_in(call: Call, i: int) -> Node:
    return msghdr_at(call, call.u(i), None, None)


def snapshot_msghdr(call: Call) -> None:
    """recvmsg entry: remember msg_namelen, which the kernel overwrites."""
    raw = call.read(call.u(1), structs.MSGHDR_SIZE)
    call.saved["namelen"] = None if raw is None else structs.msghdr.parse(raw).namelen


def msghdr_out(call: Call, i: int) -> Node:
    addr = call.u(i)
    if call.failed:
        return ptr(addr)
    before = call.saved.get("namelen")
    return msghdr_at(call, addr, call.ret, before if before is not None else None)

