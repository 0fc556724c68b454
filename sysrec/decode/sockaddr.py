"""Socket addresses: one decoder per address family, chosen from a table (every family strace
6.1 decodes). A family's decoder gets exactly the bytes the length covers, at most 128; one too
short for its struct prints the raw sa_data, as strace does."""

from __future__ import annotations

import _socket as socket  # the C module: socket.py adds ~4 ms of enums to the import, not needed here
from typing import Callable

from construct import (Bytes, Int8ul, Int16ub, Int16ul, Int32sl, Int32ub, Int32ul, Int64ul, Padding,
                       Struct)

from sysrec.cstring import escape
from sysrec.decode import structs
from sysrec.decode.common import Call, Node, bytes_node, ptr, vr
from sysrec.decode.lazy_compile import compiled_later
from sysrec.decode.xlat import c_hex, flags, value, styled, style
from sysrec.decode.xlat.net import (
    ADDRESS_FAMILIES, ALG_SOCKADDR_FLAGS, ARP_HARDWARE, BDADDR_TYPES, ETHERNET_PROTOCOLS,
    HCI_CHANNELS, IEEE802154_ADDR_TYPES, IEEE802154_ADDRS, IEEE802154_PAN_IDS, L2CAP_CID_DYN_START,
    L2CAP_CIDS, L2CAP_PSM_DYN_START, L2CAP_PSM_LE_DYN_END, L2CAP_PSM_LE_DYN_START, L2CAP_PSMS,
    MCTP_ADDRS, MCTP_NETS, NFC_SAPS, NFC_SOCKADDR_PROTOCOLS, PACKET_TYPES, QRTR_NODES, QRTR_PORTS,
    RXRPC_SERVICES, SOCKET_TYPES, VSOCK_CIDS, VSOCK_FLAGS, VSOCK_PORTS, XDP_SHARED_UMEM,
    XDP_SOCKADDR_FLAGS)

SOCKADDR_STORAGE_SIZE = 128
SUN_PATH_OFFSET = 2
SOCKADDR_UN_SIZE = 110


def _family(fam: int) -> Node:
    return value(fam, ADDRESS_FAMILIES, "AF_???")


def _generic(data: bytes, strsize: int = 32) -> dict[str, Node]:
    fam = structs.sockaddr_family.parse(data).family
    node: dict[str, Node] = {"sa_family": _family(fam)}
    if len(data) > 2:  # every byte, never cut by -s
        node["sa_data"] = {"$path": data[2:].decode("latin-1")}
    return node


def _inet(data: bytes, strsize: int = 32) -> dict[str, Node]:
    if len(data) < 16:
        return _generic(data)
    sa = structs.sockaddr_in.parse(data)
    return {"sa_family": "AF_INET", "sin_port": f"htons({sa.port})",
            "sin_addr": f'inet_addr("{socket.inet_ntop(socket.AF_INET, sa.addr)}")'}


def _inet6(data: bytes, strsize: int = 32) -> dict[str, Node]:
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


def _unix(data: bytes, strsize: int = 32) -> dict[str, Node]:
    node: dict[str, Node] = {"sa_family": "AF_UNIX"}
    path = data[SUN_PATH_OFFSET:SOCKADDR_UN_SIZE]
    if not path:
        return node
    if path[0] == 0:
        node["sun_path"] = {"$path": path[1:].decode("latin-1"), "abstract": True}
    else:
        node["sun_path"] = {"$path": path.split(b"\0", 1)[0].decode("latin-1")}
    return node


def _netlink(data: bytes, strsize: int = 32) -> dict[str, Node]:
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


def _packet(data: bytes, strsize: int = 32) -> dict[str, Node]:
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


sockaddr_vm = compiled_later(Struct("family" / Int16ul, "reserved1" / Int16ul, "port" / Int32ul, "cid" / Int32ul,
                                    "flags" / Int8ul, "zero" / Bytes(3)))
sockaddr_qrtr = compiled_later(Struct("family" / Int16ul, Padding(2), "node" / Int32ul, "port" / Int32ul))
sockaddr_xdp = compiled_later(Struct("family" / Int16ul, "flags" / Int16ul, "ifindex" / Int32ul,
                                     "queue_id" / Int32ul, "shared_umem_fd" / Int32sl))
sockaddr_mctp = compiled_later(Struct("family" / Int16ul, "pad0" / Int16ul, "network" / Int32ul, "addr" / Int8ul,
                                      "type" / Int8ul, "tag" / Int8ul, "pad1" / Int8ul))


def _named_hex(v: int, table: dict[int, str]) -> Node:
    """A value strace names when it is a special one, else prints in hex."""
    return table.get(v) or c_hex(v)


def _vsock(data: bytes, strsize: int = 32) -> dict[str, Node]:
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


def _qrtr(data: bytes, strsize: int = 32) -> dict[str, Node]:
    if len(data) < 12:
        return _generic(data)
    sa = sockaddr_qrtr.parse(data)
    return {"sa_family": "AF_QIPCRTR", "sq_node": _named_hex(sa.node, QRTR_NODES),
            "sq_port": _named_hex(sa.port, QRTR_PORTS)}


def _xdp(data: bytes, strsize: int = 32) -> dict[str, Node]:
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


def _mctp(data: bytes, strsize: int = 32) -> dict[str, Node]:
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
sockaddr_hci = compiled_later(Struct("family" / Int16ul, "dev" / Int16ul, "channel" / Int16ul))
sockaddr_rc = compiled_later(Struct("family" / Int16ul, "bdaddr" / Bytes(6), "channel" / Int8ul))
sockaddr_l2 = compiled_later(Struct("family" / Int16ul, "psm" / Int16ul, "bdaddr" / Bytes(6), "cid" / Int16ul,
                                    "bdaddr_type" / Int8ul))


def _bluetooth(data: bytes, strsize: int = 32) -> dict[str, Node]:
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


sockaddr_alg = compiled_later(Struct("family" / Int16ul, "type" / Bytes(14), "feat" / Int32ul,
                                     "mask" / Int32ul))
SOCKADDR_ALG_SIZE = 24


def _alg(data: bytes, strsize: int = 32) -> dict[str, Node]:
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


sockaddr_ipx = compiled_later(Struct("family" / Int16ul, "port" / Int16ub, "network" / Int32ub, "node" / Bytes(6),
                                     "type" / Int8ul, "zero" / Int8ul))


def _ipx(data: bytes, strsize: int = 32) -> dict[str, Node]:
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


def _x25(data: bytes, strsize: int = 32) -> dict[str, Node]:
    if len(data) < SOCKADDR_X25_SIZE:
        return _generic(data)
    return {"sa_family": "AF_X25", "sx25_addr": {"x25_addr": _bounded_string(data[2:18])}}


def _verbose(v: int, table: dict[int, str], unknown: str | None) -> str:
    """strace's verbose style for one value: `0x1 /* CM_SERVICE */`; an unknown value without
    a default comment is the bare number."""
    name = table.get(v, unknown)
    return f"{c_hex(v)} /* {name} */" if name else c_hex(v)


def _quoted(raw: bytes) -> str:
    return '"' + escape(raw.decode("latin-1")) + '"'


def _struct_text(fields: list[str]) -> str:
    """A struct with an unnamed member (a raw tail, `...`), which a struct node cannot hold."""
    return "{" + ", ".join(fields) + "}"


SOCKADDR_RXRPC_SIZE, RXRPC_TRANSPORT_OFFSET = 36, 8
sockaddr_rxrpc = compiled_later(Struct("family" / Int16ul, "service" / Int16ul, "transport_type" / Int16ul,
                                       "transport_len" / Int16ul, "transport_family" / Int16ul))


# The transports RxRPC runs over: (field, its family field, the length that holds a whole
# address, how the address prints).
RXRPC_TRANSPORTS = {2: ("sin", "sin_family", 16, _inet), 10: ("sin6", "sin6_family", 24, _inet6)}


def _rxrpc(data: bytes, strsize: int = 32) -> Node:
    """AF_RXRPC: the service, and the transport address it runs over (IPv4 or IPv6)."""
    if len(data) < SOCKADDR_RXRPC_SIZE:
        return _generic(data)
    sa = sockaddr_rxrpc.parse(data)
    length = min(sa.transport_len, len(data) - RXRPC_TRANSPORT_OFFSET)
    start = RXRPC_TRANSPORT_OFFSET
    tail = data[start + 2:start + length]  # the bytes after the transport's family
    kind = RXRPC_TRANSPORTS.get(sa.transport_family)
    if kind is None:
        family = value(sa.transport_family, ADDRESS_FAMILIES, "AF_???")
        shown: Node = _struct_text([f"family={family}", _quoted(tail)]) if tail else {"family": family}
    else:
        name, family_field, full, decode = kind
        family = ADDRESS_FAMILIES[sa.transport_family]
        if sa.transport_len >= full:
            inner = decode(data[start:start + length])  # length >= full here
            shown = {name: {family_field: family,
                            **{k: v for k, v in inner.items() if k != "sa_family"}}}
        elif tail:
            shown = {name: _struct_text([f"{family_field}={family}", _quoted(tail)])}
        else:
            shown = {name: {family_field: family}}
    return {"sa_family": "AF_RXRPC", "srx_service": _verbose(sa.service, RXRPC_SERVICES, "???_SERVICE"),
            "transport_type": value(sa.transport_type, SOCKET_TYPES, "SOCK_???"),
            "transport_len": sa.transport_len, "transport": shown}


IEEE802154_ADDR_NONE, IEEE802154_ADDR_SHORT = 0, 2
SOCKADDR_IEEE802154_SIZE = 20
sockaddr_ieee802154 = compiled_later(Struct("family" / Int16ul, Padding(2), "addr_type" / Int32sl, "pan_id" / Int16ul,
                                            "hwaddr" / Bytes(8)))


def _ieee802154(data: bytes, strsize: int = 32) -> dict[str, Node]:
    if len(data) < SOCKADDR_IEEE802154_SIZE:
        return _generic(data)
    sa = sockaddr_ieee802154.parse(data)
    kind = sa.addr_type & 0xFFFFFFFF
    addr: dict[str, Node] = {
        "addr_type": _verbose(kind, IEEE802154_ADDR_TYPES, "IEEE802154_ADDR_???"),
        "pan_id": _verbose(sa.pan_id, IEEE802154_PAN_IDS, None)}
    if kind == IEEE802154_ADDR_SHORT:
        addr["short_addr"] = _verbose(int.from_bytes(sa.hwaddr[:2], "little"), IEEE802154_ADDRS, None)
    elif kind != IEEE802154_ADDR_NONE:
        addr["hwaddr"] = _mac(sa.hwaddr)
    return {"sa_family": "AF_IEEE802154", "addr": addr}


SOCKADDR_NFC_SIZE, SOCKADDR_NFC_LLCP_SIZE = 16, 96
sockaddr_nfc_llcp = compiled_later(Struct("family" / Int16ul, Padding(2), "dev_idx" / Int32ul,
                                          "target_idx" / Int32ul, "protocol" / Int32ul, "dsap" / Int8ul,
                                          "ssap" / Int8ul, "service_name" / Bytes(63), Padding(7),
                                          "service_name_len" / Int64ul))


def _nfc(data: bytes, strsize: int = 32) -> Node:
    """AF_NFC: struct sockaddr_nfc, or with the LLCP part when the address is long enough."""
    if len(data) < SOCKADDR_NFC_SIZE:
        return _generic(data)
    sa = sockaddr_nfc_llcp.parse(data[:SOCKADDR_NFC_LLCP_SIZE].ljust(SOCKADDR_NFC_LLCP_SIZE, b"\0"))
    head = {"sa_family": "AF_NFC", "dev_idx": interface(sa.dev_idx),
            "target_idx": c_hex(sa.target_idx),
            "nfc_protocol": value(sa.protocol, NFC_SOCKADDR_PROTOCOLS, "NFC_PROTO_???")}
    if len(data) < SOCKADDR_NFC_LLCP_SIZE:
        if len(data) == SOCKADDR_NFC_SIZE:
            return head
        return _struct_text([f"{k}={v}" for k, v in head.items()] + ["..."])
    name = sa.service_name[:min(63, sa.service_name_len)]
    return {**head, "dsap": _verbose(sa.dsap, NFC_SAPS, None), "ssap": _verbose(sa.ssap, NFC_SAPS, None),
            "service_name": {"$path": name.decode("latin-1")},
            "service_name_len": sa.service_name_len}


AX25_ADDRESS_SIZE, SOCKADDR_AX25_SIZE, AX25_MAX_DIGIS = 7, 16, 8
sockaddr_ax25 = compiled_later(Struct("family" / Int16ul, "call" / Bytes(AX25_ADDRESS_SIZE), Padding(3),
                                      "ndigis" / Int32sl))


def _ax25_style(call: bytes) -> str:
    """How strace shows a callsign: "abbrev" (the text), "verbose" (raw bytes, text in a
    comment) when it is odd, "raw" when its text would not print."""
    style, space_seen, char_seen = "abbrev", False, False
    for b in call[:6]:
        if b & 1:
            style = "verbose"
        c = b >> 1
        if c == 0x20:
            space_seen = True
        else:
            char_seen = True
            if space_seen:
                style = "verbose"
        if not (0x30 <= c <= 0x39 or 0x41 <= c <= 0x5A or c == 0x20):
            style = "verbose"
        if c < 0x20 or c > 0x7E or c in (0x2A, 0x2F):
            return "raw"
    if call[6] & ~0x1E or (not char_seen and call[6]):
        style = "verbose"
    return style


def _ax25_text(call: bytes) -> str:
    """`N0CALL-5`: the callsign without trailing blanks, then the SSID; `*` for an empty one."""
    end = 6
    while end and call[end - 1] >> 1 == 0x20:
        end -= 1
    text = "".join(chr(b >> 1) for b in call[:end]) + f"-{(call[6] >> 1) & 0xF}"
    return "*" if text == "-0" else text


def _ax25_address(call: bytes) -> str:
    style = _ax25_style(call)
    if style == "abbrev":
        return _ax25_text(call)
    raw = "{ax25_call=" + '"' + "".join(f"\\x{b:02x}" for b in call) + '"}'
    return raw if style == "raw" else f"{raw} /* {_ax25_text(call)} */"


def _ax25(data: bytes, strsize: int = 32) -> Node:
    """AF_AX25: a callsign, and the digipeaters of a full_sockaddr_ax25 when there are any or
    the address is longer than the short form."""
    if len(data) < SOCKADDR_AX25_SIZE:
        return _generic(data)
    sa = sockaddr_ax25.parse(data)
    call = {"sax25_call": _ax25_address(sa.call), "sax25_ndigis": sa.ndigis}
    if sa.ndigis == 0 and len(data) <= SOCKADDR_AX25_SIZE:
        return {"sa_family": "AF_AX25", **call}
    node: dict[str, Node] = {"sa_family": "AF_AX25", "fsa_ax25": call}
    has = min((len(data) - SOCKADDR_AX25_SIZE) // AX25_ADDRESS_SIZE, AX25_MAX_DIGIS)
    want = min(max(sa.ndigis, 0), AX25_MAX_DIGIS)
    if want:
        count = min(has, want)
        shown = min(count, strsize)
        digis: list[Node] = [_ax25_address(data[SOCKADDR_AX25_SIZE + k * AX25_ADDRESS_SIZE:]
                                           [:AX25_ADDRESS_SIZE]) for k in range(shown)]
        node["fsa_digipeater"] = digis + ["..."] if want > shown else digis
    if len(data) <= SOCKADDR_AX25_SIZE + has * AX25_ADDRESS_SIZE:
        return node
    # bytes past the last whole digipeater: an unnamed `...` member, beyond a struct node
    fsa = f"{{sax25_call={call['sax25_call']}, sax25_ndigis={sa.ndigis}}}"
    fields = ["sa_family=AF_AX25", f"fsa_ax25={fsa}"]
    if "fsa_digipeater" in node:
        fields.append("fsa_digipeater=[" + ", ".join(node["fsa_digipeater"]) + "]")
    return _struct_text(fields + ["..."])


FAMILY_DECODERS: dict[int, Callable[[bytes, int], Node]] = {
    3: _ax25, 4: _ipx, 33: _rxrpc, 36: _ieee802154, 39: _nfc, 9: _x25, 31: _bluetooth, 38: _alg,
    1: _unix, 2: _inet, 10: _inet6, 16: _netlink, 17: _packet, 40: _vsock, 42: _qrtr, 44: _xdp,
    45: _mctp,
}


def decode_sockaddr_bytes(data: bytes, strsize: int = 32) -> Node:
    """A sockaddr of exactly len(data) bytes (>= 2) as a struct node; arrays inside it (AX.25's
    digipeaters) end after `strsize` (-s) elements."""
    fam = structs.sockaddr_family.parse(data).family
    node = FAMILY_DECODERS.get(fam, _generic)(data, strsize)
    if style() != "abbrev" and isinstance(node, dict):
        _constant_style(node, fam, data)
    return node


def _constant_style(node: dict[str, Node], fam: int, data: bytes) -> None:
    """-X raw|verbose: the family as a number; an AF_INET port and address as their bytes
    (`sin_port="\\x1f\\x90" /* htons(8080) */`)."""
    family = node.get("sa_family")
    if isinstance(family, str) and family == ADDRESS_FAMILIES.get(fam):
        node["sa_family"] = styled(c_hex(fam), family)
    if fam == socket.AF_INET and "sin_port" in node and len(data) >= 8:
        for key, raw in (("sin_port", data[2:4]), ("sin_addr", data[4:8])):
            node[key] = styled('"' + "".join(f"\\x{b:02x}" for b in raw) + '"', str(node[key]))


def sockaddr_at(call: Call, addr: int, length: int) -> Node:
    """The sockaddr of `length` bytes at addr, or the address when it cannot be shown."""
    if addr == 0:
        return "NULL"
    if length < 2:
        return ptr(addr)
    data = call.read(addr, min(length, SOCKADDR_STORAGE_SIZE))
    if data is None:
        return ptr(addr)
    return decode_sockaddr_bytes(data, call.opts.strsize)


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
