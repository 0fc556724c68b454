"""Socket addresses: one decoder per address family, chosen from a table."""

from __future__ import annotations

import socket
from typing import Callable

from sysrec.decode import structs
from construct import Bytes, Int8ul, Int16ub, Int16ul, Int32sl, Int32ub, Int32ul, Padding, Struct

from sysrec.decode.common import Call, Node, bytes_node, ptr, vr
from sysrec.decode.xlat import c_hex, flags, value
from sysrec.cstring import escape
from sysrec.decode.xlat.net import (
    ADDRESS_FAMILIES, ALG_SOCKADDR_FLAGS, ARP_HARDWARE, BDADDR_TYPES, ETHERNET_PROTOCOLS,
    HCI_CHANNELS, L2CAP_CID_DYN_START, L2CAP_CIDS, L2CAP_PSM_DYN_START, L2CAP_PSM_LE_DYN_END,
    L2CAP_PSM_LE_DYN_START, L2CAP_PSMS, MCTP_ADDRS, MCTP_NETS, PACKET_TYPES, QRTR_NODES, QRTR_PORTS,
    VSOCK_CIDS, VSOCK_FLAGS, VSOCK_PORTS, XDP_SHARED_UMEM, XDP_SOCKADDR_FLAGS)

SOCKADDR_STORAGE_SIZE = 128
SUN_PATH_OFFSET = 2
SOCKADDR_UN_SIZE = 110


def _family(fam: int) -> Node:
    return value(fam, ADDRESS_FAMILIES, "AF_???")


def _generic(data: bytes) -> dict[str, Node]:
    fam = structs.sockaddr_family.parse(data).family
    node: dict[str, Node] = {"sa_family": _family(fam)}
    if len(data) > 2:  # every byte, never cut by -s
        node["sa_data"] = {"$path": data[2:].decode("latin-1")}
    return node


def _inet(data: bytes) -> dict[str, Node]:
    if len(data) < 16:
        return _generic(data)
    sa = structs.sockaddr_in.parse(data)
    return {"sa_family": "AF_INET", "sin_port": f"htons({sa.port})",
            "sin_addr": f'inet_addr("{socket.inet_ntop(socket.AF_INET, sa.addr)}")'}


def _inet6(data: bytes) -> dict[str, Node]:
    if len(data) < 24:
        return _generic(data)
    padded = data[:28].ljust(28, b"\0")
    sa = structs.sockaddr_in6.parse(padded)
    node: dict[str, Node] = {
        "sa_family": "AF_INET6", "sin6_port": f"htons({sa.port})",
        "sin6_flowinfo": f"htonl({sa.flowinfo})",
        "sin6_addr": {"$inet_pton": socket.inet_ntop(socket.AF_INET6, sa.addr)},
    }
    if len(data) > SIN6_SCOPE_ID_OFFSET:  # a partial scope id reads as zero-padded
        node["sin6_scope_id"] = interface(sa.scope_id) if _link_local(sa.addr) else sa.scope_id
    return node


SIN6_SCOPE_ID_OFFSET = 24


def _link_local(addr: bytes) -> bool:
    """fe80::/10 or a link-local multicast group (ff02::/16 and its flag variants): the scope
    id names an interface."""
    return (addr[0] == 0xFE and addr[1] & 0xC0 == 0x80) or (addr[0] == 0xFF and addr[1] & 0x0F == 2)


def _unix(data: bytes) -> dict[str, Node]:
    node: dict[str, Node] = {"sa_family": "AF_UNIX"}
    path = data[SUN_PATH_OFFSET:SOCKADDR_UN_SIZE]
    if not path:
        return node
    if path[0] == 0:
        node["sun_path"] = {"$path": path[1:].decode("latin-1"), "abstract": True}
    else:
        node["sun_path"] = {"$path": path.split(b"\0", 1)[0].decode("latin-1")}
    return node


def _netlink(data: bytes) -> dict[str, Node]:
    if len(data) < 12:
        return _generic(data)
    sa = structs.sockaddr_nl.parse(data)
    node: dict[str, Node] = {"sa_family": "AF_NETLINK"}
    if sa.pad:  # strace shows the padding only when a program left garbage in it
        node["nl_pad"] = c_hex(sa.pad)
    # C's %#08x: 0x000010, but 00000000 for zero
    node.update({"nl_pid": sa.pid, "nl_groups": f"{sa.groups:#08x}" if sa.groups else "00000000"})
    return node


def interface(index: int) -> str | int:
    """`if_nametoindex("lo")` when the index names an interface here, else the number."""
    try:
        return f'if_nametoindex("{socket.if_indextoname(index)}")'
    except (OSError, ValueError, OverflowError):
        return index


SLL_ADDR_OFFSET = 12


def _packet(data: bytes) -> dict[str, Node]:
    if len(data) < 20:
        return _generic(data)
    sa = structs.sockaddr_ll.parse(data)
    node: dict[str, Node] = {
        "sa_family": "AF_PACKET",
        "sll_protocol": f"htons({value(sa.protocol, ETHERNET_PROTOCOLS, 'ETH_P_???')})",
        "sll_ifindex": interface(sa.ifindex),
        "sll_hatype": value(sa.hatype, ARP_HARDWARE, "ARPHRD_???"),
        "sll_pkttype": value(sa.pkttype, PACKET_TYPES, "PACKET_???"),
        "sll_halen": sa.halen,
    }
    if sa.halen:
        # halen bytes from sll_addr on, as far as the address length reaches, then `...`
        present = data[SLL_ADDR_OFFSET:SLL_ADDR_OFFSET + sa.halen]
        octets: list[Node] = [_octet(b) for b in present]
        node["sll_addr"] = octets + ["..."] if len(present) < sa.halen else octets
    return node


sockaddr_vm = Struct("family" / Int16ul, "reserved1" / Int16ul, "port" / Int32ul, "cid" / Int32ul,
                     "flags" / Int8ul, "zero" / Bytes(3)).compile()
sockaddr_qrtr = Struct("family" / Int16ul, Padding(2), "node" / Int32ul, "port" / Int32ul).compile()
sockaddr_xdp = Struct("family" / Int16ul, "flags" / Int16ul, "ifindex" / Int32ul,
                      "queue_id" / Int32ul, "shared_umem_fd" / Int32sl).compile()
sockaddr_mctp = Struct("family" / Int16ul, "pad0" / Int16ul, "network" / Int32ul, "addr" / Int8ul,
                       "type" / Int8ul, "tag" / Int8ul, "pad1" / Int8ul).compile()


def _named_hex(v: int, table: dict[int, str]) -> Node:
    """A value strace names when it is a special one, else prints in hex."""
    return table.get(v) or c_hex(v)


def _vsock(data: bytes) -> dict[str, Node]:
    if len(data) < 16:
        return _generic(data)
    sa = sockaddr_vm.parse(data)
    node: dict[str, Node] = {"sa_family": "AF_VSOCK"}
    if sa.reserved1:
        node["svm_reserved1"] = c_hex(sa.reserved1)
    node.update({"svm_cid": _named_hex(sa.cid, VSOCK_CIDS),
                 "svm_port": _named_hex(sa.port, VSOCK_PORTS),
                 "svm_flags": flags(sa.flags, VSOCK_FLAGS, "VMADDR_FLAG_???")})
    if any(sa.zero):
        node["svm_zero"] = bytes_node(sa.zero, hexa=True)
    return node


def _qrtr(data: bytes) -> dict[str, Node]:
    if len(data) < 12:
        return _generic(data)
    sa = sockaddr_qrtr.parse(data)
    return {"sa_family": "AF_QIPCRTR", "sq_node": _named_hex(sa.node, QRTR_NODES),
            "sq_port": _named_hex(sa.port, QRTR_PORTS)}


def _xdp(data: bytes) -> dict[str, Node]:
    if len(data) < 16:
        return _generic(data)
    sa = sockaddr_xdp.parse(data)
    node: dict[str, Node] = {"sa_family": "AF_XDP",
                             "sxdp_flags": flags(sa.flags, XDP_SOCKADDR_FLAGS, "XDP_???"),
                             "sxdp_ifindex": interface(sa.ifindex), "sxdp_queue_id": sa.queue_id}
    if sa.flags & XDP_SHARED_UMEM:
        node["sxdp_shared_umem_fd"] = {"$fd": sa.shared_umem_fd}
    elif sa.shared_umem_fd:
        node["sxdp_shared_umem_fd"] = c_hex(sa.shared_umem_fd & 0xFFFFFFFF)
    return node


def _mctp(data: bytes) -> dict[str, Node]:
    if len(data) < 12:
        return _generic(data)
    sa = sockaddr_mctp.parse(data)
    node: dict[str, Node] = {"sa_family": "AF_MCTP"}
    if sa.pad0:
        node["__smctp_pad0"] = c_hex(sa.pad0)
    node.update({"smctp_network": _named_hex(sa.network, MCTP_NETS),
                 "smctp_addr": {"s_addr": _named_hex(sa.addr, MCTP_ADDRS)},
                 "smctp_type": c_hex(sa.type), "smctp_tag": c_hex(sa.tag)})
    if sa.pad1:
        node["__smctp_pad1"] = c_hex(sa.pad1)
    return node


def _mac(raw: bytes) -> str:
    return ":".join(f"{b:02x}" for b in raw)


def _in_range(v: int, names: dict[int, str], ranges: tuple[tuple[int, int, str], ...],
              unknown: str) -> str:
    """`htobs(L2CAP_PSM_SDP)`, `htobs(L2CAP_PSM_DYN_START+255)`, or the number with the unknown
    comment: Bluetooth's protocol and channel numbers name dynamic ranges by their start."""
    name = names.get(v)
    if name is None:
        name = next((f"{start_name}+{v - start}" for start, end, start_name in ranges
                     if start <= v <= end), None)
    return f"htobs({name})" if name else f"htobs({c_hex(v)} /* {unknown} */)"


L2_PSM_RANGES = ((L2CAP_PSM_LE_DYN_START, L2CAP_PSM_LE_DYN_END, "L2CAP_PSM_LE_DYN_START"),
                 (L2CAP_PSM_DYN_START, 0xFFFF, "L2CAP_PSM_DYN_START"))
L2_CID_RANGES = ((L2CAP_CID_DYN_START, 0xFFFF, "L2CAP_CID_DYN_START"),)
# Bluetooth addresses differ by protocol and tell themselves apart by length only:
# HCI (4 or 6 bytes), SCO (8), RFCOMM (10), L2CAP (12 or 14).
sockaddr_hci = Struct("family" / Int16ul, "dev" / Int16ul, "channel" / Int16ul).compile()
sockaddr_rc = Struct("family" / Int16ul, "bdaddr" / Bytes(6), "channel" / Int8ul).compile()
sockaddr_l2 = Struct("family" / Int16ul, "psm" / Int16ul, "bdaddr" / Bytes(6), "cid" / Int16ul,
                     "bdaddr_type" / Int8ul).compile()


def _bluetooth(data: bytes) -> dict[str, Node]:
    size = len(data)
    node: dict[str, Node] = {"sa_family": "AF_BLUETOOTH"}
    if size in (4, 6):
        hci = sockaddr_hci.parse(data.ljust(6, b"\0"))
        node["hci_dev"] = f"htobs({hci.dev})"
        if size == 6:
            node["hci_channel"] = value(hci.channel, HCI_CHANNELS, "HCI_CHANNEL_???")
    elif size == 8:
        node["sco_bdaddr"] = _mac(data[2:8])
    elif size == 10:
        rc = sockaddr_rc.parse(data)
        node.update({"rc_bdaddr": _mac(rc.bdaddr), "rc_channel": rc.channel})
    elif size in (12, 14):
        l2 = sockaddr_l2.parse(data.ljust(13, b"\0"))
        node.update({"l2_psm": _in_range(l2.psm, L2CAP_PSMS, L2_PSM_RANGES, "L2CAP_PSM_???"),
                     "l2_bdaddr": _mac(l2.bdaddr),
                     "l2_cid": _in_range(l2.cid, L2CAP_CIDS, L2_CID_RANGES, "L2CAP_CID_???")})
        if size == 14:
            node["l2_bdaddr_type"] = value(l2.bdaddr_type, BDADDR_TYPES, "BDADDR_???")
    else:
        return _generic(data)
    return node


def _bounded_string(raw: bytes) -> Node:
    """A char array meant to end in NUL: up to the NUL, else all but its last byte and `...`;
    never cut by -s."""
    end = raw.find(b"\0")
    if end >= 0:
        return {"$path": raw[:end].decode("latin-1")}
    return '"' + escape(raw[:-1].decode("latin-1")) + '"...'


def _verbose_flags(v: int, table: dict[int, str], unknown: str) -> Node:
    """strace's verbose style: `0x1000 /* CRYPTO_ALG_KERN_DRIVER_ONLY */`, plain 0."""
    if v == 0:
        return "0"
    text = flags(v, table)
    return f"{c_hex(v)} /* {text if text != c_hex(v) else unknown} */"


sockaddr_alg = Struct("family" / Int16ul, "type" / Bytes(14), "feat" / Int32ul,
                      "mask" / Int32ul).compile()
SOCKADDR_ALG_SIZE = 24


def _alg(data: bytes) -> dict[str, Node]:
    if len(data) <= SOCKADDR_ALG_SIZE:
        return _generic(data)
    sa = sockaddr_alg.parse(data)
    return {"sa_family": "AF_ALG", "salg_type": _bounded_string(sa.type),
            "salg_feat": _verbose_flags(sa.feat, ALG_SOCKADDR_FLAGS, "CRYPTO_ALG_???"),
            "salg_mask": _verbose_flags(sa.mask, ALG_SOCKADDR_FLAGS, "CRYPTO_ALG_???"),
            "salg_name": _bounded_string(data[SOCKADDR_ALG_SIZE:])}


def _octet(b: int) -> str:
    """C's %#02x, strace's way with a byte: 0x1, 0xff, but 00."""
    return f"{b:#x}" if b else "00"


sockaddr_ipx = Struct("family" / Int16ul, "port" / Int16ub, "network" / Int32ub, "node" / Bytes(6),
                      "type" / Int8ul, "zero" / Int8ul).compile()


def _ipx(data: bytes) -> dict[str, Node]:
    if len(data) < 16:
        return _generic(data)
    sa = sockaddr_ipx.parse(data)
    node: dict[str, Node] = {"sa_family": "AF_IPX", "sipx_port": f"htons({sa.port})",
                             "sipx_network": f"htonl({c_hex(sa.network)})",
                             "sipx_node": [_octet(b) for b in sa.node], "sipx_type": _octet(sa.type)}
    if sa.zero:
        node["sipx_zero"] = c_hex(sa.zero)
    return node


SOCKADDR_X25_SIZE = 18


def _x25(data: bytes) -> dict[str, Node]:
    if len(data) < SOCKADDR_X25_SIZE:
        return _generic(data)
    return {"sa_family": "AF_X25", "sx25_addr": {"x25_addr": _bounded_string(data[2:18])}}


FAMILY_DECODERS: dict[int, Callable[[bytes], dict[str, Node]]] = {
    4: _ipx, 9: _x25, 31: _bluetooth, 38: _alg,
    1: _unix, 2: _inet, 10: _inet6, 16: _netlink, 17: _packet, 40: _vsock, 42: _qrtr, 44: _xdp,
    45: _mctp,
}


def decode_sockaddr_bytes(data: bytes) -> Node:
    """A sockaddr of exactly len(data) bytes (>= 2) as a struct node."""
    fam = structs.sockaddr_family.parse(data).family
    return FAMILY_DECODERS.get(fam, _generic)(data)


def sockaddr_at(call: Call, addr: int, length: int) -> Node:
    """The sockaddr of `length` bytes at addr, or the address when it cannot be shown."""
    if addr == 0:
        return "NULL"
    if length < 2:
        return ptr(addr)
    data = call.read(addr, min(length, SOCKADDR_STORAGE_SIZE))
    if data is None:
        return ptr(addr)
    return decode_sockaddr_bytes(data)


# --- argument decoders used by the signature table -------------------------------------------

def sockaddr_in(addr_arg: int, len_arg: int):
    """An address the program passes in (connect, bind, sendto), length in another argument."""
    def decode(call: Call, i: int) -> Node:
        return sockaddr_at(call, call.u(addr_arg), call.s32(len_arg))
    return decode


def _read_int(call: Call, addr: int) -> int | None:
    data = call.read(addr, 4)
    return None if data is None else int.from_bytes(data, "little", signed=True)


def snapshot_socklen(addr_arg: int, len_ptr_arg: int):
    """Entry hook: remember the buffer size the program offered (*addrlen before the call).
    Without an address or a readable length strace prints both pointers as they are."""
    def snap(call: Call) -> None:
        readable = call.u(addr_arg) and call.u(len_ptr_arg)
        call.saved["socklen"] = _read_int(call, call.u(len_ptr_arg)) if readable else None
    return snap


def sockaddr_out(addr_arg: int, len_ptr_arg: int):
    """An address the kernel writes back (accept, getsockname, recvfrom): as long as the
    shorter of what the program offered and what the kernel returned."""
    def decode(call: Call, i: int) -> Node:
        addr = call.u(addr_arg)
        before = call.saved.get("socklen")
        if before is None or call.failed:
            return ptr(addr)
        after = _read_int(call, call.u(len_ptr_arg))
        if after is None:
            return ptr(addr)
        return sockaddr_at(call, addr, min(before, after))
    return decode


def socklen_vr(len_ptr_arg: int):
    """`[16]`, or `[128 => 16]` when the kernel changed *addrlen."""
    def decode(call: Call, i: int) -> Node:
        addr = call.u(len_ptr_arg)
        before = call.saved.get("socklen")
        if before is None:
            return ptr(addr)
        if call.failed:
            return [before]
        after = _read_int(call, addr)
        return [before] if after is None else [vr(before, after)]
    return decode
