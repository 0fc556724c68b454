"""Netlink messages decoded from fake tracee memory: the cases a real kernel rarely hands a
program (tests/c/net/netlink_msgs.c checks the ordinary ones against strace itself)."""

from __future__ import annotations

import json
import struct

from test_decode_support import FakeMemory, call, text

NETLINK_ROUTE, NETLINK_SOCK_DIAG = 0, 4


class NetlinkMemory(FakeMemory):
    """Fake memory whose fds are netlink sockets of one protocol (None: not netlink)."""

    def __init__(self, protocol: int | None) -> None:
        super().__init__()
        self.protocol = protocol

    def netlink_protocol(self, fd: int) -> int | None:
        return self.protocol


def nlmsg(kind: int, flags: int, payload: bytes, seq: int = 7) -> bytes:
    msg = struct.pack("<IHHII", 16 + len(payload), kind, flags, seq, 0) + payload
    return msg + b"\0" * (-len(msg) % 4)


def nla(kind: int, data: bytes) -> bytes:
    attr = struct.pack("<HH", 4 + len(data), kind) + data
    return attr + b"\0" * (-len(attr) % 4)


def sendto_text(mem: NetlinkMemory, data: bytes, strsize: int = 32) -> str:
    buf = mem.put(data)
    _, done = call("sendto", (3, buf, len(data), 0, 0, 0), mem, ret=len(data), strsize=strsize)
    json.dumps(done.args)  # every node is plain JSON (the record holds it as is)
    return text(done.args, strsize=strsize)


def test_only_netlink_sockets_decode_and_an_unknown_protocol_keeps_generic_names():
    data = nlmsg(0x16, 0x301, b"\0\0\0\0")
    assert sendto_text(NetlinkMemory(None), data).startswith('3, "\\24\\0\\0\\0\\26\\0\\1\\3')
    assert sendto_text(NetlinkMemory(-1), data) == (
        '3, [{nlmsg_len=20, nlmsg_type=0x16 /* NLMSG_??? */, nlmsg_flags=NLM_F_REQUEST|0x300, '
        'nlmsg_seq=7, nlmsg_pid=0}, "\\x00\\x00\\x00\\x00"], 20, 0, NULL, 0')


def test_more_messages_than_s_end_in_dots_and_a_short_tail_prints_in_hex():
    mem = NetlinkMemory(NETLINK_ROUTE)
    done = nlmsg(3, 2, struct.pack("<i", 0))
    out = sendto_text(mem, done * 3 + b"\1\2", strsize=2)
    assert out == ("3, [[{nlmsg_len=20, nlmsg_type=NLMSG_DONE, nlmsg_flags=NLM_F_MULTI, nlmsg_seq=7, "
                   "nlmsg_pid=0}, 0], [{nlmsg_len=20, nlmsg_type=NLMSG_DONE, nlmsg_flags=NLM_F_MULTI, "
                   "nlmsg_seq=7, nlmsg_pid=0}, 0], ...], 62, 0, NULL, 0")
    assert sendto_text(mem, done + b"\1\2").endswith(', 0], "\\x01\\x02"], 22, 0, NULL, 0')
    assert sendto_text(mem, b"\1\2\3") == '3, "\\x01\\x02\\x03", 3, 0, NULL, 0'


def test_attribute_strings_without_nul_and_more_attributes_than_s():
    mem = NetlinkMemory(NETLINK_ROUTE)
    ifaddr = struct.pack("<BBBBI", 2, 32, 0, 0, 0)
    attrs = nla(3, b"abc") + nla(3, b"ab\0") + nla(8, struct.pack("<I", 0x80 | 0x10000)) + nla(40, b"\xff")
    out = sendto_text(mem, nlmsg(20, 0x401, ifaddr + attrs))
    assert ('[[{nla_len=7, nla_type=IFA_LABEL}, "abc"...], [{nla_len=7, nla_type=IFA_LABEL}, "ab"], '
            '[{nla_len=8, nla_type=IFA_FLAGS}, IFA_F_PERMANENT|0x10000], '
            '[{nla_len=5, nla_type=0x28 /* IFA_??? */}, "\\xff"]]') in out
    assert "nlmsg_flags=NLM_F_REQUEST|NLM_F_CREATE" in out
    many = sendto_text(mem, nlmsg(20, 1, ifaddr + nla(6, b"") * 4), strsize=3)
    assert many.count("IFA_CACHEINFO") == 3 and "IFA_CACHEINFO}, ...]" in many


def test_nlmsgerr_capped_and_with_extended_ack_attributes():
    mem = NetlinkMemory(NETLINK_ROUTE)
    request = struct.pack("<IHHII", 32, 18, 0x5, 9, 0)
    capped = nlmsg(2, 0x100, struct.pack("<i", -19) + request)
    assert "{error=-ENODEV, msg={nlmsg_len=32, nlmsg_type=RTM_GETLINK, nlmsg_flags=NLM_F_REQUEST|" \
           "NLM_F_ACK, nlmsg_seq=9, nlmsg_pid=0}}" in sendto_text(mem, capped)
    acked = nlmsg(2, 0x300, struct.pack("<i", -22) + request + nla(1, b"bad\0") + nla(2, b"\4\0\0\0"))
    assert 'nlmsg_flags=NLM_F_CAPPED|NLM_F_ACK_TLVS' in sendto_text(mem, acked)
    assert ('{error=-EINVAL, msg={nlmsg_len=32, nlmsg_type=RTM_GETLINK, nlmsg_flags=NLM_F_REQUEST|'
            'NLM_F_ACK, nlmsg_seq=9, nlmsg_pid=0}}, [[{nla_len=8, nla_type=NLMSGERR_ATTR_MSG}, "bad"], '
            '[{nla_len=8, nla_type=NLMSGERR_ATTR_OFFS}, 4]]]') in sendto_text(mem, acked)


def test_inet_diag_answer_with_attributes():
    mem = NetlinkMemory(NETLINK_SOCK_DIAG)
    sockid = struct.pack(">HH16s16s", 8080, 40000, bytes(15) + b"\1", bytes(16)) + struct.pack("<3I", 1, 5, 0)
    body = struct.pack("<BBBB", 10, 10, 0, 0) + sockid + struct.pack("<5I", 0, 1, 2, 0, 4242)
    attrs = nla(8, b"\3") + nla(22, b"\x12\x00") + nla(4, b"cubic\0")
    out = sendto_text(mem, nlmsg(20, 2, body + attrs))
    assert ('{idiag_family=AF_INET6, idiag_state=TCP_LISTEN, idiag_timer=0, idiag_retrans=0, '
            'id={idiag_sport=htons(8080), idiag_dport=htons(40000), inet_pton(AF_INET6, "::1", '
            '&idiag_src), inet_pton(AF_INET6, "::", &idiag_dst), idiag_if=if_nametoindex("lo"), '
            'idiag_cookie=[5, 0]}, idiag_expires=0, idiag_rqueue=1, idiag_wqueue=2, idiag_uid=0, '
            'idiag_inode=4242}, [[{nla_len=5, nla_type=INET_DIAG_SHUTDOWN}, 0x3 /* RCV_SHUTDOWN|'
            'SEND_SHUTDOWN */], [{nla_len=6, nla_type=INET_DIAG_SOCKOPT}, {is_icsk=1, mc_loop=1}], '
            '[{nla_len=10, nla_type=INET_DIAG_CONG}, "cubic"]]') in out


def test_recvmsg_decodes_netlink_when_msg_name_is_af_netlink():
    mem = NetlinkMemory(NETLINK_ROUTE)
    reply = nlmsg(3, 2, struct.pack("<i", 0))
    data = mem.put(b"\0" * 64)
    iov = mem.put(struct.pack("<QQ", data, 64))
    name = mem.put(struct.pack("<HHII", 16, 0, 0, 0))
    msg = mem.put(struct.pack("<QI4xQQQQi4x", name, 12, iov, 1, 0, 0, 0))
    _, done = call("recvmsg", (3, msg, 0), mem, ret=len(reply),
                   before_exit=lambda m: m.write(data, reply))
    assert "msg_iov=[{iov_base=[{nlmsg_len=20, nlmsg_type=NLMSG_DONE, nlmsg_flags=NLM_F_MULTI, " \
           "nlmsg_seq=7, nlmsg_pid=0}, 0], iov_len=64}]" in text(done.args)
    mem.write(name, struct.pack("<H", 1))  # AF_UNIX name: plain bytes, even on this socket
    _, done = call("recvmsg", (3, msg, 0), mem, ret=len(reply))
    assert 'iov_base="\\24\\0\\0\\0' in text(done.args)


def test_unix_diag_request_and_answer_with_attributes():
    mem = NetlinkMemory(NETLINK_SOCK_DIAG)
    req = struct.pack("<BBxxIII2I", 1, 0, 1 << 10, 0, 0x15, 7, 0)
    assert ("{sdiag_family=AF_UNIX, sdiag_protocol=0, udiag_states=1<<TCP_LISTEN, udiag_ino=0, "
            "udiag_show=UDIAG_SHOW_NAME|UDIAG_SHOW_PEER|UDIAG_SHOW_RQLEN, udiag_cookie=[7, 0]}]"
            ) in sendto_text(mem, nlmsg(20, 0x301, req))
    answer = struct.pack("<BBBxI2I", 1, 1, 10, 4242, 9, 0)
    attrs = (nla(0, b"@x\0") + nla(1, struct.pack("<II", (8 << 8) | 1, 77)) + nla(2, struct.pack("<I", 43))
             + nla(3, struct.pack("<2I", 5, 6)) + nla(5, struct.pack("<3I", 0, 212992, 9))
             + nla(7, b"\xff\xff\xff\xff"))
    out = sendto_text(mem, nlmsg(20, 2, answer + attrs))
    assert ('{udiag_family=AF_UNIX, udiag_type=SOCK_STREAM, udiag_state=TCP_LISTEN, udiag_ino=4242, '
            'udiag_cookie=[9, 0]}, [[{nla_len=7, nla_type=UNIX_DIAG_NAME}, "@x"], '
            '[{nla_len=12, nla_type=UNIX_DIAG_VFS}, {udiag_vfs_dev=makedev(0x8, 0x1), udiag_vfs_ino=77}], '
            '[{nla_len=8, nla_type=UNIX_DIAG_PEER}, 43], [{nla_len=12, nla_type=UNIX_DIAG_ICONS}, [5, 6]], '
            '[{nla_len=16, nla_type=UNIX_DIAG_MEMINFO}, [[SK_MEMINFO_RMEM_ALLOC]=0, '
            '[SK_MEMINFO_RCVBUF]=212992, [SK_MEMINFO_WMEM_ALLOC]=9]], '
            '[{nla_len=8, nla_type=UNIX_DIAG_UID}, -1]]') in out


def test_fib_rules_and_netconf():
    mem = NetlinkMemory(NETLINK_ROUTE)
    rule = struct.pack("<BBBBBxxBI", 2, 0, 0, 0, 255, 1, 0)
    attrs = nla(15, struct.pack("<I", 255)) + nla(6, struct.pack("<I", 32766)) + nla(21, b"\2") \
        + nla(20, struct.pack("<II", 0, 4294967295))
    out = sendto_text(mem, nlmsg(32, 2, rule + attrs))
    assert ("{family=AF_INET, dst_len=0, src_len=0, tos=0, table=RT_TABLE_LOCAL, action=FR_ACT_TO_TBL, "
            "flags=0}, [[{nla_len=8, nla_type=FRA_TABLE}, RT_TABLE_LOCAL], [{nla_len=8, "
            "nla_type=FRA_PRIORITY}, 32766], [{nla_len=5, nla_type=FRA_PROTOCOL}, RTPROT_KERNEL], "
            "[{nla_len=12, nla_type=FRA_UID_RANGE}, {start=0, end=4294967295}]]") in out
    assert "nlmsg_type=RTM_NEWRULE, nlmsg_flags=NLM_F_MULTI" in out
    netconf = b"\x0a\0\0\0" + nla(1, struct.pack("<i", 1)) + nla(2, struct.pack("<i", -1))
    assert ("{ncm_family=AF_INET6}, [[{nla_len=8, nla_type=NETCONFA_IFINDEX}, if_nametoindex(\"lo\")], "
            "[{nla_len=8, nla_type=NETCONFA_FORWARDING}, -1]]") in sendto_text(mem, nlmsg(80, 2, netconf))


def test_link_attributes_nested_per_family():
    """IFLA_AF_SPEC (an attribute per address family), IFLA_XDP, IFLA_MAP, IFLA_PROTINFO."""
    mem = NetlinkMemory(NETLINK_ROUTE)
    ifinfo = struct.pack("<BxHiII", 10, 772, 1, 0x49, 0)  # AF_INET6, ARPHRD_LOOPBACK, lo
    af_spec = nla(2, nla(1, struct.pack("<3i", 1, 0, -1))) + nla(10, nla(8, b"\1"))
    attrs = (nla(26, af_spec) + nla(43, nla(2, b"\0")) + nla(14, struct.pack("<3QHBB4x", 0x1000, 0, 0, 5, 0, 0))
             + nla(12, nla(1, struct.pack("<I", 0x80000000))))
    out = sendto_text(mem, nlmsg(16, 2, ifinfo + attrs), strsize=64)
    assert ("[{nla_len=36, nla_type=IFLA_AF_SPEC}, [[{nla_len=20, nla_type=AF_INET}, [{nla_len=16, "
            "nla_type=IFLA_INET_CONF}, [[IPV4_DEVCONF_FORWARDING-1]=1, [IPV4_DEVCONF_MC_FORWARDING-1]=0, "
            "[IPV4_DEVCONF_PROXY_ARP-1]=-1]]], [{nla_len=12, nla_type=AF_INET6}, [{nla_len=5, "
            "nla_type=IFLA_INET6_ADDR_GEN_MODE}, IN6_ADDR_GEN_MODE_NONE]]]], "
            "[{nla_len=12, nla_type=IFLA_XDP}, [{nla_len=5, nla_type=IFLA_XDP_ATTACHED}, XDP_ATTACHED_NONE]], "
            "[{nla_len=36, nla_type=IFLA_MAP}, {mem_start=0x1000, mem_end=0, base_addr=0, irq=5, dma=0, port=0}], "
            "[{nla_len=12, nla_type=IFLA_PROTINFO}, [{nla_len=8, nla_type=IFLA_INET6_FLAGS}, IF_READY]]") in out


def test_random_and_truncated_messages_never_break_the_decoder():
    """Any bytes: every family's decoder returns nodes (a raise would turn the argument raw)."""
    import random

    from sysrec.decode.common import Call, DecodeOptions
    from sysrec.decode.netlink import decode_netlink
    rng = random.Random(10)
    kinds = [2, 3, 16, 18, 20, 22, 24, 28, 30, 32, 80, 138, 0xa00, 0xa01, 0x110, 0x6301]
    for protocol in (0, 4, -1, 9, 12):
        for _ in range(300):
            payload = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 120)))
            if rng.random() < 0.5:  # attributes with plausible lengths
                payload = payload[:rng.randrange(0, 20)] + b"".join(
                    nla(rng.randrange(0, 70) | rng.choice((0, 0x8000, 0x4000)),
                        bytes(rng.randrange(256) for _ in range(rng.randrange(0, 40))))
                    for _ in range(rng.randrange(0, 6)))
            data = nlmsg(rng.choice(kinds), rng.randrange(0, 0x400), payload)
            data = data[:rng.randrange(0, len(data) + 1)] if rng.random() < 0.3 else data
            mem = NetlinkMemory(protocol)
            addr = mem.put(data or b"\0")
            node = decode_netlink(Call("sendto", (3, addr, len(data)), mem, DecodeOptions()),
                                  protocol, addr, len(data))
            json.dumps(node)
            text([node])


def test_netfilter_types_flags_and_the_nfgenmsg():
    mem = NetlinkMemory(12)  # NETLINK_NETFILTER
    get = nlmsg(10 << 8 | 1, 0x301, struct.pack("<BBH", 2, 0, 0))
    assert sendto_text(mem, get).startswith(
        "3, [{nlmsg_len=20, nlmsg_type=NFNL_SUBSYS_NFTABLES<<8|NFT_MSG_GETTABLE, "
        "nlmsg_flags=NLM_F_REQUEST|NLM_F_DUMP, nlmsg_seq=7, nlmsg_pid=0}, {nfgen_family=AF_INET, "
        "version=NFNETLINK_V0, res_id=htons(0)}]")
    new = nlmsg(10 << 8 | 0, 0x401, struct.pack("<BBH", 0, 0, 10) + nla(1, b"filter\0") + nla(0x8002, b""))
    assert ("NFNL_SUBSYS_NFTABLES<<8|NFT_MSG_NEWTABLE, nlmsg_flags=NLM_F_REQUEST|NLM_F_CREATE, "
            "nlmsg_seq=7, nlmsg_pid=0}, {nfgen_family=AF_UNSPEC, version=NFNETLINK_V0, "
            'res_id=NFNL_SUBSYS_NFTABLES}, [[{nla_len=11, nla_type=0x1}, "\\x66\\x69\\x6c\\x74\\x65\\x72\\x00"], '
            "{nla_len=4, nla_type=NLA_F_NESTED|0x2}]]") in sendto_text(mem, new)
    batch = nlmsg(0x10, 1, struct.pack("<BBH", 0, 0, 0x0a00) + b"\1\2\3\4")
    assert ("nlmsg_type=NFNL_MSG_BATCH_BEGIN, nlmsg_flags=NLM_F_REQUEST, nlmsg_seq=7, nlmsg_pid=0}, "
            '{nfgen_family=AF_UNSPEC, version=NFNETLINK_V0, res_id=htons(10)}, '
            '"\\x01\\x02\\x03\\x04"]') in sendto_text(mem, batch)
    assert "nlmsg_type=0x63<<8|0x1" not in sendto_text(mem, nlmsg(99 << 8 | 1, 1, b""))
    assert "nlmsg_type=0x63 /* NFNL_SUBSYS_??? */<<8|0x1" in sendto_text(mem, nlmsg(99 << 8 | 1, 1, b""))
