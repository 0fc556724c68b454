"""Header decoding, property-based: packets built field by field with struct (not construct), decoded
back; and arbitrary bytes never make the decoder fail with anything but NotDecodable."""

from __future__ import annotations

import struct
from typing import Any

from hypothesis import given, settings, strategies as st

from sysrec.capture.decode import NotDecodable, decode_ip_packet

u16 = st.integers(0, 0xFFFF)
u32 = st.integers(0, 0xFFFFFFFF)

# (wire bytes, tcpdump's text) for each option kind the decoder names
option = st.one_of(
    st.just((b"\x01", "nop")),
    u16.map(lambda v: (struct.pack("!BBH", 2, 4, v), f"mss {v}")),
    st.integers(0, 14).map(lambda v: (struct.pack("!BBB", 3, 3, v), f"wscale {v}")),
    st.just((b"\x04\x02", "sackOK")),
    st.tuples(u32, u32).map(lambda t: (struct.pack("!BBII", 8, 10, *t), f"TS val {t[0]} ecr {t[1]}")),
    st.lists(st.tuples(u32, u32), min_size=1, max_size=4).map(lambda blocks: (
        struct.pack("!BB", 5, 2 + 8 * len(blocks)) + b"".join(struct.pack("!II", *b) for b in blocks),
        f"sack {len(blocks)} " + " ".join(f"{{{a}:{b}}}" for a, b in blocks))),
)


@st.composite
def tcp_packet(draw: st.DrawFn) -> tuple[bytes, dict[str, Any]]:
    opts = draw(st.lists(option, max_size=6))
    raw_opts = b"".join(o for o, _ in opts)
    texts = [t for _, t in opts]
    if len(raw_opts) > 40:
        raw_opts, texts = b"", []
    pad = -len(raw_opts) % 4
    raw_opts += b"\x00" * pad
    texts += ["eol"] * pad
    sport, dport, seq, ack, window = draw(u16), draw(u16), draw(u32), draw(u32), draw(u16)
    flags = draw(st.integers(0, 0x1FF))
    payload = draw(st.binary(max_size=64))
    doff = (20 + len(raw_opts)) // 4
    tcp = struct.pack("!HHIIHHHH", sport, dport, seq, ack, (doff << 12) | flags, window, 0, 0) + raw_opts + payload
    six = draw(st.booleans())
    if six:
        src, dst = b"\xfe\x80" + bytes(13) + b"\x01", bytes(15) + b"\x01"
        ip = struct.pack("!IHBB", 6 << 28, len(tcp), 6, 64) + src + dst
        addrs = {"family": "inet6", "src": "fe80::1", "dst": "::1", "ip_len": 40 + len(tcp)}
    else:
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 7, 0x4000, 64, 6, 0,
                         bytes([192, 0, 2, 1]), bytes([198, 51, 100, 2]))
        addrs = {"family": "inet", "src": "192.0.2.1", "dst": "198.51.100.2", "ip_len": 20 + len(tcp), "ip_id": 7}
    names = [n for n, bit in (("SYN", 2), ("ACK", 16), ("RST", 4), ("FIN", 1), ("PSH", 8), ("URG", 32),
                              ("ECE", 64), ("CWR", 128), ("AE", 256)) if flags & bit]
    expected = dict(addrs, proto="tcp", ttl=64, sport=sport, dport=dport, flags=names, seq_no=seq, ack_no=ack,
                    win=window, len=len(payload), opts=texts)
    if flags & 32:
        expected["urg_ptr"] = 0
    return ip + tcp, expected


@settings(max_examples=300, deadline=None, database=None)
@given(tcp_packet())
def test_tcp_headers_decode_to_the_fields_they_were_built_from(case: tuple[bytes, dict[str, Any]]) -> None:
    data, expected = case
    assert decode_ip_packet(data) == expected


@settings(max_examples=300, deadline=None, database=None)
@given(st.binary(max_size=120), st.sampled_from([0x45, 0x46, 0x60, 0x4F]), st.sampled_from([6, 17]))
def test_arbitrary_bytes_decode_or_raise_not_decodable(tail: bytes, first: int, proto: int) -> None:
    data = bytes([first]) + tail
    if len(data) > 9:
        data = data[:9] + bytes([proto]) + data[10:]  # IPv4 protocol field: reach the TCP/UDP decoders
    try:
        fields = decode_ip_packet(data)
    except NotDecodable:
        return
    assert fields["proto"] in ("tcp", "udp")
    assert 0 <= fields["sport"] <= 0xFFFF and fields["len"] >= 0
