"""NETLINK_SOCK_DIAG payloads as strace prints them: the AF_INET/AF_INET6 request
(inet_diag_req_v2) and answer (inet_diag_msg and its INET_DIAG_* attributes), what `ss -t`/`ss -u`
exchange. Other families print as `{family=AF_…, data="\\x…"}` (strace decodes AF_UNIX,
AF_NETLINK, AF_PACKET and AF_SMC too: not here yet).
"""

from __future__ import annotations

import socket
import struct

from sysrec.decode.netlink import (NETLINK_SOCK_DIAG, PAYLOAD_DECODERS, AttrSet, Msg, attributes,
                                   decoders_by_name, hex_string, inet_addr_node, nla_str, nla_u8, nla_u32, nla_u64,
                                   nla_xval)
from sysrec.decode.sockaddr import interface
from sysrec.decode.xlat import c_hex, flags, value
from sysrec.decode.xlat.net import ADDRESS_FAMILIES, INET_PROTOCOLS
from sysrec.decode.xlat.netlink import (INET_DIAG_ATTRS, INET_DIAG_EXT_FLAGS,
                                        INET_DIAG_REQ_ATTRS, INET_DIAG_SHUTDOWN_FLAGS,
                                        TCP_STATE_FLAGS, TCP_STATES)

sockid = struct.Struct(">HH16s16s")  # sport, dport (network order), src, dst; then if, cookie
SOCKID_SIZE = 48
req_v2 = struct.Struct("<BBBxI")     # family, protocol, ext, states; then the sockid
diag_msg = struct.Struct("<BBBB")    # family, state, timer, retrans; sockid; then 5 u32
REQ_V2_SIZE, DIAG_MSG_SIZE = 56, 72
NLM_F_REQUEST, NLMSG_DONE = 0x1, 3


def _family(v: int) -> str:
    return value(v, ADDRESS_FAMILIES, "AF_???")


def _address(msg: Msg, family: int, raw: bytes, name: str) -> tuple[str, object]:
    node = inet_addr_node(family, raw, name)
    return name, hex_string(msg, raw) if node is None else node


def _sockid(msg: Msg, family: int, data: bytes) -> dict:
    sport, dport, src, dst = sockid.unpack_from(data)
    ifindex, cookie0, cookie1 = struct.unpack_from("<3I", data, 36)
    return dict((("idiag_sport", f"htons({sport})"), ("idiag_dport", f"htons({dport})"),
                 _address(msg, family, src, "idiag_src"), _address(msg, family, dst, "idiag_dst"),
                 ("idiag_if", interface(ifindex)), ("idiag_cookie", [cookie0, cookie1])))


REQ_ATTRS = AttrSet(INET_DIAG_REQ_ATTRS, "INET_DIAG_REQ_???", decoders_by_name(
    INET_DIAG_REQ_ATTRS, {"INET_DIAG_REQ_PROTOCOL": nla_xval(INET_PROTOCOLS, "IPPROTO_???")}))


def _inet_request(msg: Msg, data: bytes):
    node: dict = {"sdiag_family": _family(data[0])}
    if len(data) < REQ_V2_SIZE:
        node["$more"] = True
        return (node,)
    family, protocol, ext, states = req_v2.unpack_from(data)
    node.update(sdiag_protocol=value(protocol, INET_PROTOCOLS, "IPPROTO_???"),
                idiag_ext=flags(ext, INET_DIAG_EXT_FLAGS, "1<<INET_DIAG_\\?\\?\\?-1"),
                idiag_states=flags(states, TCP_STATE_FLAGS, "1<<TCP_???"),
                id=_sockid(msg, family, data[8:]))
    if len(data) <= REQ_V2_SIZE:
        return (node,)
    return node, attributes(msg, data[REQ_V2_SIZE:], REQ_ATTRS)


def _meminfo(msg: Msg, data: bytes):
    if len(data) < 16:
        return None
    return dict(zip(("idiag_rmem", "idiag_wmem", "idiag_fmem", "idiag_tmem"),
                    struct.unpack_from("<4I", data)))


def _shutdown(msg: Msg, data: bytes):
    """RCV_SHUTDOWN and SEND_SHUTDOWN are not uapi names: strace prints the number first."""
    if not 1 <= len(data) <= 8:
        return None
    v = data[0]
    return 0 if v == 0 else f"{c_hex(v)} /* {flags(v, INET_DIAG_SHUTDOWN_FLAGS, '???_SHUTDOWN')} */"


_SOCKOPT_BITS = ("recverr", "is_icsk", "freebind", "hdrincl", "mc_loop", "transparent", "mc_all",
                 "nodefrag", "bind_address_no_port", "recverr_rfc4884", "defer_connect")


def _sockopt(msg: Msg, data: bytes):
    """inet_diag_sockopt's bit fields: only the set ones (strace without -v)."""
    if len(data) < 2:
        return None
    bits = int.from_bytes(data[:2], "little")
    node: dict = {name: 1 for i, name in enumerate(_SOCKOPT_BITS) if bits >> i & 1}
    if bits >> 11:
        node["unused"] = f"{c_hex(bits >> 11)} /* bits 3..8 */"
    return node


MSG_ATTRS = AttrSet(INET_DIAG_ATTRS, "INET_DIAG_???", decoders_by_name(INET_DIAG_ATTRS, {
    "INET_DIAG_MEMINFO": _meminfo, "INET_DIAG_CONG": nla_str, "INET_DIAG_TOS": nla_u8,
    "INET_DIAG_TCLASS": nla_u8, "INET_DIAG_SHUTDOWN": _shutdown,
    "INET_DIAG_PROTOCOL": nla_xval(INET_PROTOCOLS, "IPPROTO_???"), "INET_DIAG_SKV6ONLY": nla_u8,
    "INET_DIAG_MARK": nla_u32, "INET_DIAG_CLASS_ID": nla_u32, "INET_DIAG_CGROUP_ID": nla_u64,
    "INET_DIAG_SOCKOPT": _sockopt,
}))


def _inet_answer(msg: Msg, data: bytes):
    node: dict = {"idiag_family": _family(data[0])}
    if len(data) < DIAG_MSG_SIZE:
        node["$more"] = True
        return (node,)
    family, state, timer, retrans = diag_msg.unpack_from(data)
    expires, rqueue, wqueue, uid, inode = struct.unpack_from("<5I", data, 4 + SOCKID_SIZE)
    node.update(idiag_state=value(state, TCP_STATES, "TCP_???"), idiag_timer=timer,
                idiag_retrans=retrans, id=_sockid(msg, family, data[4:]), idiag_expires=expires,
                idiag_rqueue=rqueue, idiag_wqueue=wqueue, idiag_uid=uid, idiag_inode=inode)
    if len(data) <= DIAG_MSG_SIZE:
        return (node,)
    return node, attributes(msg, data[DIAG_MSG_SIZE:], MSG_ATTRS)


# family -> (request decoder, answer decoder)
DIAG_DECODERS = {socket.AF_INET: (_inet_request, _inet_answer),
                 socket.AF_INET6: (_inet_request, _inet_answer)}
TCPDIAG_GETSOCK, DCCPDIAG_GETSOCK = 18, 19


def decode_sock_diag(msg: Msg, data: bytes):
    if msg.type == NLMSG_DONE:
        return None
    family = data[0]
    pair = DIAG_DECODERS.get(family)
    request = bool(msg.flags & NLM_F_REQUEST)
    compat = msg.type in (TCPDIAG_GETSOCK, DCCPDIAG_GETSOCK)  # inet_diag_req: not decoded here
    if pair is not None and len(data) > 1 and not (request and compat):
        return pair[0 if request else 1](msg, data)
    node: dict = {"family": _family(family)}
    if len(data) > 1:
        node["data"] = hex_string(msg, data[1:])
    return (node,)


PAYLOAD_DECODERS[NETLINK_SOCK_DIAG] = decode_sock_diag
