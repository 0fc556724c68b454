"""Socket syscalls: argument decoders for socket, socketpair, accept4, shutdown, sendmsg,
recvmsg, sendmmsg, recvmmsg, and the msghdr, iovec and control messages they carry.

The rows that use them are in `signatures.py`.
"""

from __future__ import annotations

import _socket as socket  # the C module: socket.py adds ~4 ms of enums to the import, not needed here
from functools import lru_cache
from typing import Callable

from construct import Bytes, Int8ul, Int32ul, Int64sl, Int64ul, Padding, Struct

from sysrec.decode import structs
from sysrec.decode.common import Call, Node, fd, limited, ptr, read_string, struct_at, vr
from sysrec.decode.lazy_compile import compiled_later
from sysrec.decode.netlink import decode_netlink, netlink_protocol, sockbuf
from sysrec.decode import netlink_diag, netlink_netfilter, netlink_route  # noqa: F401  (they register)
from sysrec.decode.poll import timespec_arg
from sysrec.decode.sockaddr import (SOCKADDR_STORAGE_SIZE, decode_sockaddr_bytes, interface,
                                    sockaddr_at)
from sysrec.decode.xlat import c_hex, flags, value, styled
from sysrec.decode.xlat.net import (
    ADDRESS_FAMILIES, AX25_PROTOCOLS, BLUETOOTH_PROTOCOLS, CAIF_PROTOCOLS, CAN_PROTOCOLS,
    ETHERNET_PROTOCOLS, INET_PROTOCOLS, IP_CHECKSUM, IP_CMSG_TYPES, IP_ORIGDSTADDR, IP_PKTINFO,
    IP_RECVERR, IP_RECVOPTS, IP_RETOPTS, IP_TOS, IP_TTL, ISDN_PROTOCOLS, KCM_PROTOCOLS, MSG_FLAGS,
    NETLINK_PROTOCOLS, NFC_PROTOCOLS, PHONET_PROTOCOLS, SCM_CREDENTIALS, SCM_RIGHTS, SCM_SECURITY,
    SCM_TYPES, SHUTDOWN_HOW, SMC_PROTOCOLS, SO_TIMESTAMP_NEW, SO_TIMESTAMP_OLD,
    SO_TIMESTAMPING_NEW, SO_TIMESTAMPING_OLD, SO_TIMESTAMPNS_NEW, SO_TIMESTAMPNS_OLD,
    SOCKET_FLAGS, SOCKET_LEVELS, SOCKET_TYPE_MASK, SOCKET_TYPES, SOL_IP, SOL_SOCKET)

AF_AX25, AF_INET, AF_INET6, AF_NETLINK, AF_PACKET, AF_IRDA = 3, 2, 10, 16, 17, 23
AF_CAN, AF_BLUETOOTH, AF_RXRPC, AF_ISDN, AF_PHONET, AF_CAIF = 29, 31, 33, 34, 35, 37
AF_NFC, AF_KCM, AF_SMC = 39, 41, 43


def family_arg(call: Call, i: int) -> Node:
    return value(call.u(i), ADDRESS_FAMILIES, "AF_???")


def socket_type(v: int) -> str:
    """`SOCK_STREAM|SOCK_CLOEXEC`; an unknown type keeps its bits as hex after the flags."""
    kind = SOCKET_TYPES.get(v & SOCKET_TYPE_MASK)
    if kind is None:
        return flags(v, SOCKET_FLAGS, "SOCK_???")
    kind = styled(c_hex(v & SOCKET_TYPE_MASK), kind)  # -X: the type and the flags apart
    rest = v & ~SOCKET_TYPE_MASK
    return kind if rest == 0 else f"{kind}|{flags(rest, SOCKET_FLAGS, 'SOCK_???')}"


def socket_type_arg(call: Call, i: int) -> Node:
    return socket_type(call.u32(i))


def _packet_protocol(proto: int) -> Node:
    """AF_PACKET's protocol is in network byte order: `htons(ETH_P_ALL)`."""
    host = ((proto & 0xFF) << 8) | ((proto >> 8) & 0xFF)
    return f"htons({value(host, ETHERNET_PROTOCOLS, 'ETH_P_???')})"


def _verbose_value(table: dict[int, str], unknown: str):
    """strace's verbose style for AX.25: the number, its name in a comment."""
    def show(proto: int) -> Node:
        return f"{c_hex(proto)} /* {table.get(proto, unknown)} */"
    return show


def _named(table: dict[int, str], unknown: str):
    def show(proto: int) -> Node:
        return value(proto, table, unknown)
    return show


# family -> how socket()'s protocol prints; other families print it as a number.
PROTOCOLS_BY_FAMILY: dict[int, Callable[[int], Node]] = {
    AF_INET: _named(INET_PROTOCOLS, "IPPROTO_???"),
    AF_INET6: _named(INET_PROTOCOLS, "IPPROTO_???"),
    AF_AX25: _verbose_value(AX25_PROTOCOLS, "AX25_P_???"),
    AF_NETLINK: _named(NETLINK_PROTOCOLS, "NETLINK_???"),
    AF_PACKET: _packet_protocol,
    AF_IRDA: _named(CAN_PROTOCOLS, "IRDAPROTO_???"),  # sic: strace reuses the CAN table
    AF_CAN: _named(CAN_PROTOCOLS, "CAN_???"),
    AF_BLUETOOTH: _named(BLUETOOTH_PROTOCOLS, "BTPROTO_???"),
    AF_RXRPC: _named(ADDRESS_FAMILIES, "AF_???"),
    AF_ISDN: _named(ISDN_PROTOCOLS, "ISDN_P_???"),
    AF_PHONET: _named(PHONET_PROTOCOLS, "PN_PROTO_???"),
    AF_CAIF: _named(CAIF_PROTOCOLS, "CAIFPROTO_???"),
    AF_NFC: _named(NFC_PROTOCOLS, "NFC_SOCKPROTO_???"),
    AF_KCM: _named(KCM_PROTOCOLS, "KCMPROTO_???"),
    AF_SMC: _named(SMC_PROTOCOLS, "SMCPROTO_???"),
}


def protocol_arg(call: Call, i: int) -> Node:
    """socket()'s protocol means something different in every family (argument 0)."""
    show = PROTOCOLS_BY_FAMILY.get(call.u(0))
    return show(call.u(i)) if show is not None else call.u(i)


def shutdown_how_arg(call: Call, i: int) -> Node:
    return value(call.u(i), SHUTDOWN_HOW, "SHUT_???")


def msg_flags_arg(call: Call, i: int) -> Node:
    return flags(call.u32(i), MSG_FLAGS, "MSG_???")


def accept_flags_arg(call: Call, i: int) -> Node:
    return flags(call.u32(i), SOCKET_FLAGS, "SOCK_???")


def fd_pair_out(call: Call, i: int) -> Node:
    """socketpair's sv[2], written by the kernel."""
    return struct_at(call, call.u(i), 8, _fd_pair, written=True)


def _fd_pair(data: bytes) -> Node:
    return [fd(int.from_bytes(data[:4], "little", signed=True)),
            fd(int.from_bytes(data[4:], "little", signed=True))]


# --- msghdr ------------------------------------------------------------------------------------

def _iovecs(call: Call, addr: int, count: int, data_size: int | None,
            netlink: int | None = None) -> Node:
    """msg_iov: each iov_base shown up to its iov_len, the whole limited to data_size; an
    entry that cannot be read ends the list with `... /* its address */`. With `netlink` (the
    socket's NETLINK_* protocol, -1 unknown) each iov_base holds netlink messages."""
    if addr == 0:
        return "NULL"
    shown, more = limited(count, call)
    raw = call.read(addr, shown * structs.IOVEC_SIZE)
    readable = shown
    if raw is None:  # find how many entries can be read
        readable = 0
        while readable < shown and call.read(addr + readable * structs.IOVEC_SIZE,
                                             structs.IOVEC_SIZE) is not None:
            readable += 1
        if readable == 0:
            return ptr(addr)
        raw = call.read(addr, readable * structs.IOVEC_SIZE) or b""
    nodes: list[Node] = []
    remaining = data_size
    for iov in structs.iovec_array.parse(raw):
        length = iov.len if remaining is None else min(iov.len, remaining)
        if remaining is not None:
            remaining -= length
        base = read_string(call, iov.base, length) if netlink is None else \
            decode_netlink(call, netlink, iov.base, length)
        nodes.append({"iov_base": base, "iov_len": iov.len})
    if readable < shown:
        nodes.append(f"... /* {addr + readable * structs.IOVEC_SIZE:#x} */")
    elif more:
        nodes.append("...")
    return nodes


# --- control messages (msg_control) ------------------------------------------------------------

# What a control message carries, as the kernel lays it out (x86-64). Nanoseconds and
# microseconds print unsigned, seconds signed, as strace prints them.
cmsg_timeval = compiled_later(Struct("tv_sec" / Int64sl, "tv_usec" / Int64ul))
cmsg_timespec = compiled_later(Struct("tv_sec" / Int64sl, "tv_nsec" / Int64ul))
TIMESPEC_SIZE = 16
sock_extended_err = compiled_later(Struct(
    "ee_errno" / Int32ul, "ee_origin" / Int8ul, "ee_type" / Int8ul, "ee_code" / Int8ul,
    Padding(1), "ee_info" / Int32ul, "ee_data" / Int32ul, "offender" / Bytes(16),
))
SOCK_EXTENDED_ERR_SIZE = 32
UCRED_SIZE, IN_PKTINFO_SIZE, SOCKADDR_IN_SIZE = 12, 12, 16
UNAVAILABLE = "???"  # a timestamp too short for its type


def _id(v: int) -> int:
    """A uid/gid: unsigned, except (uid_t) -1, which strace prints as -1."""
    v &= 0xFFFFFFFF
    return -1 if v == 0xFFFFFFFF else v


def _inet_addr(raw: bytes) -> str:
    return f'inet_addr("{socket.inet_ntop(socket.AF_INET, raw)}")'


def _array(call: Call, items: list[Node]) -> Node:
    """An array as strace prints one: at most -s elements, then `...`."""
    shown, more = limited(len(items), call)
    return items[:shown] + ["..."] if more else items


def _cmsg_rights(call: Call, data: bytes) -> Node:
    return _array(call, [fd(int.from_bytes(data[j:j + 4], "little", signed=True))
                         for j in range(0, len(data) - len(data) % 4, 4)])


def _cmsg_creds(call: Call, data: bytes) -> Node:
    cred = structs.ucred.parse(data[:UCRED_SIZE])
    return {"pid": cred.pid, "uid": _id(cred.uid), "gid": _id(cred.gid)}


def _cmsg_security(call: Call, data: bytes) -> Node:
    """A security label: every byte quoted, never cut by -s (a `$path` node prints so)."""
    return {"$path": data.decode("latin-1")}


def _cmsg_timeval(call: Call, data: bytes) -> Node:
    if len(data) < TIMESPEC_SIZE:
        return UNAVAILABLE
    t = cmsg_timeval.parse(data[:TIMESPEC_SIZE])
    return {"tv_sec": t.tv_sec, "tv_usec": t.tv_usec}


def _timespec(data: bytes) -> Node:
    t = cmsg_timespec.parse(data[:TIMESPEC_SIZE])
    return {"tv_sec": t.tv_sec, "tv_nsec": t.tv_nsec}


def _cmsg_timespec(call: Call, data: bytes) -> Node:
    return UNAVAILABLE if len(data) < TIMESPEC_SIZE else _timespec(data)


def _cmsg_timestamping(call: Call, data: bytes) -> Node:
    """SO_TIMESTAMPING: three timespecs (software, deprecated, hardware)."""
    if len(data) < 3 * TIMESPEC_SIZE:
        return UNAVAILABLE
    return [_timespec(data[k:k + TIMESPEC_SIZE]) for k in range(0, 3 * TIMESPEC_SIZE, TIMESPEC_SIZE)]


def _cmsg_pktinfo(call: Call, data: bytes) -> Node:
    info = structs.in_pktinfo.parse(data[:IN_PKTINFO_SIZE])
    return {"ipi_ifindex": interface(info.ifindex), "ipi_spec_dst": _inet_addr(info.spec_dst),
            "ipi_addr": _inet_addr(info.addr)}


def _cmsg_uints(call: Call, data: bytes) -> Node:
    return _array(call, [int.from_bytes(data[j:j + 4], "little")
                         for j in range(0, len(data) - len(data) % 4, 4)])


def _cmsg_bytes(call: Call, data: bytes) -> Node:
    return _array(call, [c_hex(b) for b in data])


def _cmsg_recverr(call: Call, data: bytes) -> Node:
    err = sock_extended_err.parse(data[:SOCK_EXTENDED_ERR_SIZE])
    return {"ee_errno": err.ee_errno, "ee_origin": err.ee_origin, "ee_type": err.ee_type,
            "ee_code": err.ee_code, "ee_info": err.ee_info, "ee_data": err.ee_data,
            "offender": decode_sockaddr_bytes(err.offender, call.opts.strsize)}


def _cmsg_sockaddr(call: Call, data: bytes) -> Node:
    return decode_sockaddr_bytes(data[:SOCKADDR_STORAGE_SIZE], call.opts.strsize)


CmsgPrinter = Callable[[Call, bytes], Node]
# (level, type) -> (the least data length strace decodes, how the data prints). strace decodes
# SOL_SOCKET and SOL_IP messages only; IPv6 ones print their type in hex and no data.
CMSG_PRINTERS: dict[tuple[int, int], tuple[int, CmsgPrinter]] = {
    (SOL_SOCKET, SCM_RIGHTS): (4, _cmsg_rights),
    (SOL_SOCKET, SCM_CREDENTIALS): (UCRED_SIZE, _cmsg_creds),
    (SOL_SOCKET, SCM_SECURITY): (1, _cmsg_security),
    (SOL_SOCKET, SO_TIMESTAMP_OLD): (1, _cmsg_timeval),
    (SOL_SOCKET, SO_TIMESTAMPNS_OLD): (1, _cmsg_timespec),
    (SOL_SOCKET, SO_TIMESTAMPING_OLD): (1, _cmsg_timestamping),
    (SOL_SOCKET, SO_TIMESTAMP_NEW): (1, _cmsg_timeval),
    (SOL_SOCKET, SO_TIMESTAMPNS_NEW): (1, _cmsg_timespec),
    (SOL_SOCKET, SO_TIMESTAMPING_NEW): (1, _cmsg_timestamping),
    (SOL_IP, IP_PKTINFO): (IN_PKTINFO_SIZE, _cmsg_pktinfo),
    (SOL_IP, IP_TTL): (4, _cmsg_uints),
    (SOL_IP, IP_TOS): (1, _cmsg_bytes),
    (SOL_IP, IP_RECVOPTS): (1, _cmsg_bytes),
    (SOL_IP, IP_RETOPTS): (1, _cmsg_bytes),
    (SOL_IP, IP_RECVERR): (SOCK_EXTENDED_ERR_SIZE, _cmsg_recverr),
    (SOL_IP, IP_ORIGDSTADDR): (SOCKADDR_IN_SIZE, _cmsg_sockaddr),
    (SOL_IP, IP_CHECKSUM): (4, _cmsg_uints),
    (SOL_IP, SCM_SECURITY): (1, _cmsg_security),
}

# The message types strace names, per level, and its comment for an unknown one.
CMSG_TYPES: dict[int, tuple[dict[int, str], str]] = {
    SOL_SOCKET: (SCM_TYPES, "SCM_???"),
    SOL_IP: (IP_CMSG_TYPES, "IP_???"),
}


def _cmsg_type(level: int, kind: int) -> Node:
    names = CMSG_TYPES.get(level)
    return value(kind, *names) if names else c_hex(kind & 0xFFFFFFFF)


@lru_cache(maxsize=1)
def optmem_max() -> int:
    """The most control data strace reads: net.core.optmem_max rounded up to 8 bytes."""
    try:
        with open("/proc/sys/net/core/optmem_max") as f:
            limit = int(f.read())
    except (OSError, ValueError):
        limit = 0
    return (limit + 7) & ~7 if limit > 0 else 8 * (2 * 1024 + 512)


def _cmsgs(call: Call, addr: int, length: int) -> Node:
    """msg_control: the control messages in the first `length` bytes. A message that runs past
    the buffer is cut; bytes too few for a header end the list with `... /* address */`."""
    size = min(length, optmem_max())
    raw = call.read(addr, size) if size >= structs.CMSGHDR_SIZE else None
    if raw is None:
        return ptr(addr)
    nodes: list[Node] = []
    offset, left = 0, size
    while left >= structs.CMSGHDR_SIZE:
        head = structs.cmsghdr.parse(raw[offset:offset + structs.CMSGHDR_SIZE])
        node: dict[str, Node] = {
            "cmsg_len": head.len,
            "cmsg_level": value(head.level, SOCKET_LEVELS, "SOL_???"),
            "cmsg_type": _cmsg_type(head.level, head.type),
        }
        nodes.append(node)
        end = min(head.len, left)
        data = raw[offset + structs.CMSGHDR_SIZE:offset + end] if end > structs.CMSGHDR_SIZE else b""
        printer = CMSG_PRINTERS.get((head.level, head.type))
        if printer is not None and len(data) >= printer[0]:
            node["cmsg_data"] = printer[1](call, data)
        if end < structs.CMSGHDR_SIZE:
            left -= structs.CMSGHDR_SIZE
            break
        step = (head.len + 7) & ~7
        if step >= left:
            left = 0
            break
        offset += step
        left -= step
    if left:
        nodes.append(f"... /* {addr + size - left:#x} */")
    elif size < length:
        nodes.append("...")
    return nodes


def _signed32(v: int) -> int:
    return v - (1 << 32) if v & 0x80000000 else v


def msghdr_at(call: Call, addr: int, data_size: int | None, namelen_before: int | None) -> Node:
    """struct msghdr; at recvmsg's exit `namelen_before` is what the program offered."""
    raw = call.read(addr, structs.MSGHDR_SIZE)
    if raw is None:
        return ptr(addr)
    m = structs.msghdr.parse(raw)
    # msg_namelen is a C int to strace; at recvmsg's exit the name is as long as the shorter of
    # what the program offered and what the kernel wrote
    namelen = _signed32(m.namelen)
    shown = namelen_before if namelen_before is not None and namelen > namelen_before else namelen
    name = sockaddr_at(call, m.name, shown)
    node: dict[str, Node] = {"msg_name": name}
    node["msg_namelen"] = namelen if namelen_before is None else vr(namelen_before, namelen)
    node["msg_iov"] = _iovecs(call, m.iov, m.iovlen, data_size, _netlink_name(call, name))
    node["msg_iovlen"] = m.iovlen
    if m.controllen:
        node["msg_control"] = _cmsgs(call, m.control, m.controllen) if m.control else "NULL"
    node["msg_controllen"] = m.controllen
    node["msg_flags"] = flags(m.flags & 0xFFFFFFFF, MSG_FLAGS, "MSG_???")
    return node


def _netlink_name(call: Call, name: Node) -> int | None:
    """strace decodes the data of a message whose msg_name is AF_NETLINK as netlink messages of
    the socket's protocol (-1: unknown); None for any other message."""
    if not (isinstance(name, dict) and name.get("sa_family") == "AF_NETLINK"):
        return None
    protocol = netlink_protocol(call, call.s32(0))
    return -1 if protocol is None else protocol


def sockbuf_in(len_arg: int):
    """send/sendto's data: netlink messages on a netlink socket, else a string."""
    def decode(call: Call, i: int) -> Node:
        addr, length = call.u(i), call.u(len_arg)
        node = sockbuf(call, call.s32(0), addr, length)
        return read_string(call, addr, length) if node is None else node
    return decode


def sockbuf_out(call: Call, i: int) -> Node:
    """recv/recvfrom's data (`ret` bytes, the length is the next argument): netlink messages on
    a netlink socket, else a string; the address on failure."""
    if call.failed:
        return ptr(call.u(i))
    addr, length = call.u(i), min(call.ret or 0, call.u(i + 1))
    node = sockbuf(call, call.s32(0), addr, length)
    return read_string(call, addr, length) if node is None else node


IOV_MAX = 1024  # strace prints at most this many entries of an mmsghdr vector


def _mmsghdrs(call: Call, addr: int, count: int, with_len: int, data_sizes: bool,
              namelens: list[int] | None) -> Node:
    """`count` struct mmsghdr at addr: the first `with_len` with their msg_len, each message's
    data cut to its msg_len when `data_sizes`; an entry that cannot be read ends the list."""
    if addr == 0:
        return "NULL"
    shown, more = limited(count, call)
    nodes: list[Node] = []
    for k in range(shown):
        entry = addr + k * structs.MMSGHDR_SIZE
        if k >= IOV_MAX:
            more = True
            break
        raw_len = call.read(entry + structs.MSGHDR_SIZE, 4)
        if raw_len is None:
            if k == 0:
                return ptr(addr)
            nodes.append(f"... /* {entry:#x} */")
            return nodes
        msg_len = int.from_bytes(raw_len, "little")
        before = namelens[k] if namelens is not None and k < len(namelens) else None
        node = {"msg_hdr": msghdr_at(call, entry, msg_len if data_sizes else None, before)}
        if k < with_len:
            node["msg_len"] = msg_len
        nodes.append(node)
    if more:
        nodes.append("...")
    return nodes


def sendmmsg_vec(call: Call, i: int) -> Node:
    """sendmmsg, printed at exit: all vlen entries, msg_len on those the kernel sent."""
    sent = 0 if call.failed else call.ret or 0
    return _mmsghdrs(call, call.u(i), call.u32(2), sent, False, None)


def snapshot_recvmmsg(call: Call) -> None:
    """recvmmsg entry: every entry's msg_namelen (the kernel overwrites them) and the timeout
    as the program passed it."""
    addr, namelens = call.u(1), []
    for k in range(min(call.u32(2), IOV_MAX)):
        raw = call.read(addr + k * structs.MMSGHDR_SIZE, structs.MSGHDR_SIZE)
        if raw is None:
            break
        namelens.append(_signed32(structs.msghdr.parse(raw).namelen))
    call.saved["namelens"] = namelens
    call.saved["timeout"] = timespec_arg(call, 4)


def recvmmsg_vec(call: Call, i: int) -> Node:
    addr = call.u(i)
    if call.failed:
        return ptr(addr)
    got = call.ret or 0
    return _mmsghdrs(call, addr, got, got, True, call.saved.get("namelens"))


def recvmmsg_timeout(call: Call, i: int) -> Node:
    """The timeout as it was at entry (the kernel rewrites it)."""
    return call.saved.get("timeout", ptr(call.u(i)))


def recvmmsg_aux(call: Call) -> tuple[Node, Node]:
    """`= 0 (Timeout)`, or the time left: `= 2 (left {tv_sec=0, tv_nsec=99})`."""
    if call.ret == 0:
        return None, "Timeout"
    if call.u(4) == 0:
        return None, None
    left = timespec_arg(call, 4)
    if isinstance(left, dict) and "tv_sec" in left:
        text = "{" + ", ".join(f"{k}={v}" for k, v in left.items()) + "}"
    else:  # unreadable now: the address
        text = f"{call.u(4):#x}"
    return None, f"left {text}"


def msghdr_in(call: Call, i: int) -> Node:
    return msghdr_at(call, call.u(i), None, None)


def snapshot_msghdr(call: Call) -> None:
    """recvmsg entry: remember msg_namelen, which the kernel overwrites."""
    raw = call.read(call.u(1), structs.MSGHDR_SIZE)
    call.saved["namelen"] = None if raw is None else _signed32(structs.msghdr.parse(raw).namelen)


def msghdr_out(call: Call, i: int) -> Node:
    addr = call.u(i)
    before = call.saved.get("namelen")
    if call.failed:  # strace shows what it read at entry
        return ptr(addr) if before is None else {"msg_namelen": before}
    return msghdr_at(call, addr, call.ret, before if before is not None else None)

