"""IP, TCP and UDP headers as declarative construct structs, plus the name tables that print them.

Kept as data: one struct per header, one table per set of flags or option kinds. The structs are
compiled once on first use (construct is imported lazily so `sysrec --help` stays fast).
"""

from __future__ import annotations

from functools import cache
from typing import Any

IPPROTO_TCP = 6
IPPROTO_UDP = 17
ETH_P_IP = 0x0800
ETH_P_IPV6 = 0x86DD

PROTO_NAMES = {IPPROTO_TCP: "tcp", IPPROTO_UDP: "udp"}

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
    udp = Struct(
        "sport" / Int16ub,
        "dport" / Int16ub,
        "length" / Int16ub,
        "checksum" / Int16ub,
    )
    return SimpleNamespace(
        ipv4=ipv4.compile(), ipv6=ipv6.compile(), ipv6_ext=ipv6_ext.compile(),
        tcp=tcp.compile(), tcp_option=tcp_option, sack_blocks=GreedyRange(sack_block).compile(),
        udp=udp.compile(),
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
