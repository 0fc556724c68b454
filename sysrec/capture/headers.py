"""IP, TCP, UDP and ICMP headers as declarative construct structs, plus the name tables that print them.

Kept as data: one struct per header, one table per set of flags or option kinds. The structs are
compiled once on first use (construct is imported lazily so `sysrec --help` stays fast).
"""

from __future__ import annotations

from functools import cache
from typing import Any

IPPROTO_TCP = 6
IPPROTO_UDP = 17
IPPROTO_ICMP = 1
IPPROTO_ICMPV6 = 58
ETH_P_IP = 0x0800
ETH_P_IPV6 = 0x86DD

PROTO_NAMES = {IPPROTO_TCP: "tcp", IPPROTO_UDP: "udp", IPPROTO_ICMP: "icmp", IPPROTO_ICMPV6: "icmp6"}

# ICMP message names, (type, code) first, then the type alone (RFC 792, 1191, 4443), in the words
# `iptables --icmp-type` / `ip6tables --icmpv6-type` use, so a rule and a record read alike.
ICMP_NAMES: dict[tuple[int, int | None], str] = {
    (0, None): "echo-reply", (8, None): "echo-request",
    (3, 0): "network-unreachable", (3, 1): "host-unreachable", (3, 2): "protocol-unreachable",
    (3, 3): "port-unreachable", (3, 4): "fragmentation-needed", (3, 5): "source-route-failed",
    (3, 9): "network-prohibited", (3, 10): "host-prohibited", (3, 13): "communication-prohibited",
    (3, None): "destination-unreachable", (4, None): "source-quench", (5, None): "redirect",
    (11, 0): "ttl-zero-during-transit", (11, 1): "ttl-zero-during-reassembly", (11, None): "time-exceeded",
    (12, None): "parameter-problem",
}
ICMPV6_NAMES: dict[tuple[int, int | None], str] = {
    (1, 0): "no-route", (1, 1): "communication-prohibited", (1, 3): "address-unreachable",
    (1, 4): "port-unreachable", (1, 5): "failed-policy", (1, 6): "reject-route",
    (1, None): "destination-unreachable", (2, None): "packet-too-big", (3, None): "time-exceeded",
    (4, None): "parameter-problem", (128, None): "echo-request", (129, None): "echo-reply",
}
# Error messages carry the header of the packet they answer (its addresses and ports follow).
ICMP_ERROR_TYPES = frozenset({3, 4, 5, 11, 12})
ICMPV6_ERROR_TYPES = frozenset({1, 2, 3, 4})
# The next-hop MTU an error reports: IPv4 "fragmentation needed" (RFC 1191), IPv6 "packet too big".
ICMP_MTU_MESSAGES = frozenset({(IPPROTO_ICMP, 3, 4), (IPPROTO_ICMPV6, 2, 0)})
# ICMPv6 the link itself exchanges (multicast listener reports, router and neighbour discovery):
# housekeeping of every IPv6 interface, not traffic between client and server; not recorded.
ICMPV6_LINK_HOUSEKEEPING = frozenset({130, 131, 132, 133, 134, 135, 136, 137, 143})

# TCP header flag bits, in the order the record lists them.
TCP_FLAG_BITS: tuple[tuple[str, int], ...] = (
    ("SYN", 0x002), ("ACK", 0x010), ("RST", 0x004), ("FIN", 0x001),
    ("PSH", 0x008), ("URG", 0x020), ("ECE", 0x040), ("CWR", 0x080), ("AE", 0x100),
)

# TCP option kinds (IANA registry numbers).
TCPOPT_EOL = 0
TCPOPT_NOP = 1
TCPOPT_MSS = 2
TCPOPT_WSCALE = 3
TCPOPT_SACK_PERM = 4
TCPOPT_SACK = 5
TCPOPT_TIMESTAMP = 8
TCPOPT_MD5 = 19
TCPOPT_MPTCP = 30
TCPOPT_FASTOPEN = 34

# How each option is printed, in tcpdump's words (so the two can be compared line by line).
TCP_OPTION_NAMES = {
    TCPOPT_EOL: "eol", TCPOPT_NOP: "nop", TCPOPT_MSS: "mss", TCPOPT_WSCALE: "wscale",
    TCPOPT_SACK_PERM: "sackOK", TCPOPT_SACK: "sack", TCPOPT_TIMESTAMP: "TS",
    TCPOPT_MD5: "md5", TCPOPT_MPTCP: "mptcp", TCPOPT_FASTOPEN: "tfo",
}

# IPv6 extension headers that carry the generic (next header, length in 8-octet units) prefix.
IPV6_EXT_GENERIC = {0, 43, 60}  # hop-by-hop, routing, destination options
IPV6_EXT_FRAGMENT = 44


@cache
def structs() -> Any:
    """Builds (once) and returns a namespace of the compiled header structs."""
    from types import SimpleNamespace

    from construct import (
        Bytes, GreedyRange, Int8ub, Int16ub, Int32ub, Pass, Struct, Switch, this,
    )

    ipv4 = Struct(
        "version_ihl" / Int8ub,          # version (high nibble), header length in words (low)
        "tos" / Int8ub,
        "total_length" / Int16ub,
        "ident" / Int16ub,
        "flags_fragment" / Int16ub,
        "ttl" / Int8ub,
        "protocol" / Int8ub,
        "checksum" / Int16ub,
        "src" / Bytes(4),
        "dst" / Bytes(4),
        "options" / Bytes(((this.version_ihl & 0x0F) - 5) * 4),
    )
    ipv6 = Struct(
        "version_class_flow" / Int32ub,
        "payload_length" / Int16ub,
        "next_header" / Int8ub,
        "hop_limit" / Int8ub,
        "src" / Bytes(16),
        "dst" / Bytes(16),
    )
    ipv6_ext = Struct(
        "next_header" / Int8ub,
        "length_units" / Int8ub,         # 8-octet units, not counting the first 8 octets
        "body" / Bytes(this.length_units * 8 + 6),
    )
    tcp = Struct(
        "sport" / Int16ub,
        "dport" / Int16ub,
        "seq" / Int32ub,
        "ack" / Int32ub,
        "offset_flags" / Int16ub,        # data offset in words (top 4 bits), reserved, AE, flags
        "window" / Int16ub,
        "checksum" / Int16ub,
        "urgent" / Int16ub,
        "options" / Bytes(((this.offset_flags >> 12) - 5) * 4),
    )
    tcp_option = Struct(
        "kind" / Int8ub,
        "value" / Switch(this.kind, {TCPOPT_EOL: Pass, TCPOPT_NOP: Pass}, default=Struct(
            "length" / Int8ub,           # counts kind and length octets too
            "data" / Switch(this._.kind, {
                TCPOPT_MSS: Int16ub,
                TCPOPT_WSCALE: Int8ub,
                TCPOPT_SACK_PERM: Pass,
                TCPOPT_TIMESTAMP: Struct("val" / Int32ub, "ecr" / Int32ub),
                TCPOPT_SACK: Bytes(this.length - 2),
            }, default=Bytes(this.length - 2)),
        )),
    )
    sack_block = Struct("left" / Int32ub, "right" / Int32ub)
    icmp = Struct(
        "type" / Int8ub,
        "code" / Int8ub,
        "checksum" / Int16ub,
        "rest" / Int32ub,                # echo: id and seq; frag-needed: unused and the MTU; too big: MTU
    )
    udp = Struct(
        "sport" / Int16ub,
        "dport" / Int16ub,
        "length" / Int16ub,
        "checksum" / Int16ub,
    )
    return SimpleNamespace(
        ipv4=ipv4.compile(), ipv6=ipv6.compile(), ipv6_ext=ipv6_ext.compile(),
        tcp=tcp.compile(), tcp_option=tcp_option, sack_blocks=GreedyRange(sack_block).compile(),
        udp=udp.compile(), icmp=icmp.compile(),
    )


def tcp_flag_names(offset_flags: int) -> list[str]:
    return [name for name, bit in TCP_FLAG_BITS if offset_flags & bit]


def tcp_options_text(raw: bytes) -> list[str]:
    """The options of a TCP header as tcpdump prints them (`mss 65495`, `sackOK`, `TS val 1 ecr 0`).

    A malformed option ends the list with `bad-opt` instead of raising: a capture never fails on
    what a peer put on the wire.
    """
    s = structs()
    out: list[str] = []
    pos = 0
    while pos < len(raw):
        kind = raw[pos]
        if kind in (TCPOPT_EOL, TCPOPT_NOP):
            out.append(TCP_OPTION_NAMES[kind])
            pos += 1
            continue
        if pos + 1 >= len(raw) or raw[pos + 1] < 2 or pos + raw[pos + 1] > len(raw):
            out.append("bad-opt")
            break
        length = raw[pos + 1]
        try:
            opt = s.tcp_option.parse(raw[pos:pos + length])
        except Exception:  # construct raises many kinds; a bad option is data, not an error
            out.append("bad-opt")
            break
        out.append(_option_text(kind, length, opt.value.data))
        pos += length
    return out


def _option_text(kind: int, length: int, data: Any) -> str:
    name = TCP_OPTION_NAMES.get(kind)
    if kind == TCPOPT_MSS and length == 4:
        return f"mss {data}"
    if kind == TCPOPT_WSCALE and length == 3:
        return f"wscale {data}"
    if kind == TCPOPT_SACK_PERM and length == 2:
        return "sackOK"
    if kind == TCPOPT_TIMESTAMP and length == 10:
        return f"TS val {data.val} ecr {data.ecr}"
    if kind == TCPOPT_SACK and (length - 2) % 8 == 0:
        blocks = structs().sack_blocks.parse(data)
        return f"sack {len(blocks)} " + " ".join(f"{{{b.left}:{b.right}}}" for b in blocks)
    payload = bytes(data).hex() if isinstance(data, (bytes, bytearray)) else ""
    return f"{name or f'unknown-{kind}'}{' 0x' + payload if payload else ''}"


def icmp_name(proto: int, icmp_type: int, code: int) -> str:
    """`fragmentation-needed`, `packet-too-big`, `port-unreachable`; `type-N` for the rest."""
    table = ICMP_NAMES if proto == IPPROTO_ICMP else ICMPV6_NAMES
    return table.get((icmp_type, code)) or table.get((icmp_type, None)) or f"type-{icmp_type}"
