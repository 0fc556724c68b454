"""Captured bytes -> `packet` events (see docs/record-format.md, `packet`)."""

from __future__ import annotations

import ipaddress
from typing import Any

from sysrec.capture.headers import (
    ETH_P_IP, ETH_P_IPV6, ICMP_ERROR_TYPES, ICMP_MTU_MESSAGES, ICMPV6_ERROR_TYPES, ICMPV6_LINK_HOUSEKEEPING,
    IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_TCP, IPPROTO_UDP, IPV6_EXT_FRAGMENT, IPV6_EXT_GENERIC, PROTO_NAMES,
    icmp_name, structs, tcp_flag_names, tcp_options_text,
)

# sockaddr_ll.sll_pkttype (host, broadcast, multicast, otherhost, outgoing) as the record names it.
PKTTYPE_DIR = {0: "in", 1: "in", 2: "in", 3: "other", 4: "out"}

DEFAULT_RAW_SNAPLEN = 256


class NotDecodable(ValueError):
    """Bytes that are not an IPv4/IPv6 TCP, UDP or ICMP packet (ARP, IGMP, a truncated header)."""


def _ip_header(data: bytes) -> tuple[dict[str, Any], int, int, int]:
    """(address fields, transport protocol, transport offset, IP length) of an IP header."""
    if not data:
        raise NotDecodable("empty packet")
    version = data[0] >> 4
    s = structs()
    if version == 4:
        ip = s.ipv4.parse(data)
        ihl = (ip.version_ihl & 0x0F) * 4
        if ihl < 20:
            raise NotDecodable(f"IPv4 header length {ihl}")
        if ip.flags_fragment & 0x1FFF:
            raise NotDecodable("IPv4 fragment (not the first)")
        fields: dict[str, Any] = {
            "family": "inet",
            "src": str(ipaddress.IPv4Address(ip.src)),
            "dst": str(ipaddress.IPv4Address(ip.dst)),
            "ttl": ip.ttl,
            "ip_id": ip.ident,
        }
        return fields, ip.protocol, ihl, ip.total_length
    if version == 6:
        ip = s.ipv6.parse(data)
        fields = {
            "family": "inet6",
            "src": str(ipaddress.IPv6Address(ip.src)),
            "dst": str(ipaddress.IPv6Address(ip.dst)),
            "ttl": ip.hop_limit,
        }
        proto, offset = ip.next_header, 40
        while proto in IPV6_EXT_GENERIC or proto == IPV6_EXT_FRAGMENT:
            if proto == IPV6_EXT_FRAGMENT:
                frag_off = int.from_bytes(data[offset + 2:offset + 4], "big") >> 3
                if frag_off:
                    raise NotDecodable("IPv6 fragment (not the first)")
                proto, offset = data[offset], offset + 8
            else:
                ext = s.ipv6_ext.parse(data[offset:])
                proto, offset = ext.next_header, offset + 8 + ext.length_units * 8
        return fields, proto, offset, 40 + ip.payload_length
    raise NotDecodable(f"IP version {version}")


def decode_ip_packet(data: bytes) -> dict[str, Any]:
    """Decodes the network and transport headers of one IP packet (no link-layer header).

    Returns the `packet` event fields that depend on the bytes only; raises NotDecodable.
    """
    s = structs()
    try:
        fields, proto, offset, ip_length = _ip_header(data)
        if proto not in PROTO_NAMES:
            raise NotDecodable(f"IP protocol {proto}")
        fields["proto"] = PROTO_NAMES[proto]
        fields["ip_len"] = ip_length
        transport = data[offset:]
        if proto == IPPROTO_TCP:
            tcp = s.tcp.parse(transport)
            doff = (tcp.offset_flags >> 12) * 4
            if doff < 20:
                raise NotDecodable(f"TCP data offset {doff}")
            fields.update(
                sport=tcp.sport, dport=tcp.dport, flags=tcp_flag_names(tcp.offset_flags),
                seq_no=tcp.seq, ack_no=tcp.ack, win=tcp.window,
                len=max(ip_length - offset - doff, 0), opts=tcp_options_text(tcp.options),
            )
            if tcp.offset_flags & 0x020:
                fields["urg_ptr"] = tcp.urgent
        elif proto == IPPROTO_UDP:
            udp = s.udp.parse(transport)
            fields.update(sport=udp.sport, dport=udp.dport, len=max(udp.length - 8, 0))
        else:
            fields.update(_icmp_fields(proto, transport, max(ip_length - offset - ICMP_HEADER_BYTES, 0)))
    except NotDecodable:
        raise
    except Exception as err:  # construct's StreamError & co: a header cut short
        raise NotDecodable(f"truncated header ({type(err).__name__})") from None
    return fields


ICMP_HEADER_BYTES = 8


def _icmp_fields(proto: int, transport: bytes, length: int) -> dict[str, Any]:
    """`icmp_type`, `icmp_code`, `icmp` (its name), `mtu` when it reports one, and for an error the
    packet it answers (`inner`). Link housekeeping (ICMPv6 neighbour discovery, MLD) is no packet of ours."""
    icmp = structs().icmp.parse(transport)
    if proto == IPPROTO_ICMPV6 and icmp.type in ICMPV6_LINK_HOUSEKEEPING:
        raise NotDecodable(f"ICMPv6 type {icmp.type} (link housekeeping)")
    fields: dict[str, Any] = {"icmp_type": icmp.type, "icmp_code": icmp.code,
                              "icmp": icmp_name(proto, icmp.type, icmp.code), "len": length}
    if (proto, icmp.type, icmp.code) in ICMP_MTU_MESSAGES:
        fields["mtu"] = icmp.rest & (0xFFFF if proto == IPPROTO_ICMP else 0xFFFFFFFF)
    errors = ICMP_ERROR_TYPES if proto == IPPROTO_ICMP else ICMPV6_ERROR_TYPES
    if icmp.type in errors:
        inner = _inner_header(transport[ICMP_HEADER_BYTES:])
        if inner is not None:
            fields["inner"] = inner
    return fields


def _inner_header(data: bytes) -> dict[str, Any] | None:
    """The header an ICMP error quotes: protocol, addresses, and the ports (the first 8 bytes of
    its transport header are always quoted). None when too little was quoted to tell."""
    try:
        fields, proto, offset, _length = _ip_header(data)
    except Exception:
        return None
    inner: dict[str, Any] = {"proto": PROTO_NAMES.get(proto, str(proto)), "src": fields["src"], "dst": fields["dst"]}
    if proto in (IPPROTO_TCP, IPPROTO_UDP) and len(data) >= offset + 4:
        inner["sport"] = int.from_bytes(data[offset:offset + 2], "big")
        inner["dport"] = int.from_bytes(data[offset + 2:offset + 4], "big")
        if proto == IPPROTO_TCP and len(data) >= offset + 8:
            inner["seq_no"] = int.from_bytes(data[offset + 4:offset + 8], "big")
    return inner


def packet_event(data: bytes, t_ns: int, ifname: str, pkttype: int, ethertype: int,
                 raw_snaplen: int = DEFAULT_RAW_SNAPLEN, loopback: bool = False) -> dict[str, Any] | None:
    """One captured frame as a `packet` event, or None when it is not TCP, UDP or ICMP over IP."""
    if ethertype not in (ETH_P_IP, ETH_P_IPV6):
        return None
    try:
        fields = decode_ip_packet(data)
    except NotDecodable:
        return None
    event: dict[str, Any] = {
        "ev": "packet", "t": t_ns, "ifname": ifname,
        "dir": "host" if loopback else PKTTYPE_DIR.get(pkttype, "other"),
    }
    event.update(fields)
    if raw_snaplen:
        event["raw"] = data[:raw_snaplen].hex()
    return event

