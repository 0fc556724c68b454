"""NETLINK_SOCK_DIAG payloads as strace prints them: the AF_INET/AF_INET6 request
(inet_diag_req_v2) and answer (inet_diag_msg and its INET_DIAG_* attributes), what `ss -t`/`ss -u`
exchange, and AF_UNIX's (unix_diag_req, unix_diag_msg: `ss -x`). Other families print as
`{family=AF_…, data="\\x…"}` (strace decodes AF_NETLINK, AF_PACKET and AF_SMC too: not here yet).
"""

from __future__ import annotations

import _socket as socket  # the C module: socket.py adds ~4 ms of enums to the import, not needed here
import struct

from sysrec.decode.netlink import (NETLINK_SOCK_DIAG, PAYLOAD_DECODERS, AttrSet, Msg, decoders_by_name,
                                   family_and_hex, family_body, hex_string, inet_addr_node,
                                   nla_indexed, nla_str, nla_u8, nla_u32, nla_u64, nla_xval)
from sysrec.decode.sockaddr import interface
from sysrec.decode.xlat import c_hex, flags, value
from sysrec.decode.file import makedev
from sysrec.decode.xlat.net import INET_PROTOCOLS, SOCKET_TYPES
from sysrec.decode.xlat.netlink import (INET_DIAG_ATTRS, INET_DIAG_EXT_FLAGS,
                                        INET_DIAG_REQ_ATTRS, INET_DIAG_SHUTDOWN_FLAGS,
                                        SK_MEMINFO_INDICES, TCP_STATE_FLAGS, TCP_STATES,
                                        UNIX_DIAG_ATTRS, UNIX_DIAG_SHOW_FLAGS)

sockid = struct.Struct(">HH16s16s")  # sport, dport (network order), src, dst; then if, cookie
SOCKID_SIZE = 48
req_v2 = struct.Struct("<BBBxI")     # family, protocol, ext, states; then the sockid
diag_msg = struct.Struct("<BBBB")    # family, state, timer, retrans; sockid; then 5 u32
REQ_V2_SIZE, DIAG_MSG_SIZE = 56, 72
NLM_F_REQUEST, NLMSG_DONE = 0x1, 3


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
    return family_body(msg, data, "sdiag_family", req_v2, lambda protocol, ext, states: dict(
        sdiag_protocol=value(protocol, INET_PROTOCOLS, "IPPROTO_???"),
        idiag_ext=flags(ext, INET_DIAG_EXT_FLAGS, "1<<INET_DIAG_\\?\\?\\?-1"),
        idiag_states=flags(states, TCP_STATE_FLAGS, "1<<TCP_???"),
        id=_sockid(msg, data[0], data[8:])), REQ_ATTRS, REQ_V2_SIZE)


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


meminfo_array = nla_indexed("<I", SK_MEMINFO_INDICES, "SK_MEMINFO_???")


def _rqlen(msg: Msg, data: bytes):
    if len(data) < 8:
        return None
    rqueue, wqueue = struct.unpack_from("<II", data)
    return {"udiag_rqueue": rqueue, "udiag_wqueue": wqueue}


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
    "INET_DIAG_TCLASS": nla_u8, "INET_DIAG_SKMEMINFO": meminfo_array,
    "INET_DIAG_SHUTDOWN": _shutdown,
    "INET_DIAG_PROTOCOL": nla_xval(INET_PROTOCOLS, "IPPROTO_???"), "INET_DIAG_SKV6ONLY": nla_u8,
    "INET_DIAG_MARK": nla_u32, "INET_DIAG_CLASS_ID": nla_u32, "INET_DIAG_CGROUP_ID": nla_u64,
    "INET_DIAG_SOCKOPT": _sockopt,
}))


def _inet_answer(msg: Msg, data: bytes):
    def fields(state: int, timer: int, retrans: int) -> dict:
        expires, rqueue, wqueue, uid, inode = struct.unpack_from("<5I", data, 4 + SOCKID_SIZE)
        return dict(idiag_state=value(state, TCP_STATES, "TCP_???"), idiag_timer=timer,
                    idiag_retrans=retrans, id=_sockid(msg, data[0], data[4:]), idiag_expires=expires,
                    idiag_rqueue=rqueue, idiag_wqueue=wqueue, idiag_uid=uid, idiag_inode=inode)
    return family_body(msg, data, "idiag_family", diag_msg, fields, MSG_ATTRS, DIAG_MSG_SIZE)


# --- AF_UNIX (`ss -x`) -------------------------------------------------------------------------

unix_req = struct.Struct("<BBxxIII2I")  # family, protocol, states, ino, show, cookie[2]
unix_msg = struct.Struct("<BBBxI2I")    # family, type, state, ino, cookie[2]


def _unix_request(msg: Msg, data: bytes):
    return family_body(msg, data, "sdiag_family", unix_req, lambda protocol, states, ino, show, cookie0, cookie1: dict(
        sdiag_protocol=protocol, udiag_states=flags(states, TCP_STATE_FLAGS, "1<<TCP_???"), udiag_ino=ino,
        udiag_show=flags(show, UNIX_DIAG_SHOW_FLAGS, "UDIAG_SHOW_???"), udiag_cookie=[cookie0, cookie1]), None)


def _unix_vfs(msg: Msg, data: bytes):
    if len(data) < 8:
        return None
    dev, ino = struct.unpack_from("<II", data)
    return {"udiag_vfs_dev": makedev(dev), "udiag_vfs_ino": ino}


def _u32_array(msg: Msg, data: bytes):
    values = [v for (v,) in struct.iter_unpack("<I", data[:len(data) // 4 * 4])]
    if not values:
        return None
    return values[:msg.strsize] + (["..."] if len(values) > msg.strsize else [])


def _uid(msg: Msg, data: bytes):
    if len(data) < 4:
        return None
    uid = int.from_bytes(data[:4], "little")
    return -1 if uid == 0xFFFFFFFF else uid


UNIX_ATTRS = AttrSet(UNIX_DIAG_ATTRS, "UNIX_DIAG_???", decoders_by_name(UNIX_DIAG_ATTRS, {
    "UNIX_DIAG_NAME": nla_str, "UNIX_DIAG_VFS": _unix_vfs, "UNIX_DIAG_PEER": nla_u32,
    "UNIX_DIAG_ICONS": _u32_array, "UNIX_DIAG_RQLEN": _rqlen, "UNIX_DIAG_MEMINFO": meminfo_array,
    "UNIX_DIAG_SHUTDOWN": nla_u8, "UNIX_DIAG_UID": _uid,
}))


def _unix_answer(msg: Msg, data: bytes):
    return family_body(msg, data, "udiag_family", unix_msg, lambda kind, state, ino, cookie0, cookie1: dict(
        udiag_type=value(kind, SOCKET_TYPES, "SOCK_???"), udiag_state=value(state, TCP_STATES, "TCP_???"),
        udiag_ino=ino, udiag_cookie=[cookie0, cookie1]), UNIX_ATTRS)


# family -> (request decoder, answer decoder)
DIAG_DECODERS = {socket.AF_UNIX: (_unix_request, _unix_answer),
                 socket.AF_INET: (_inet_request, _inet_answer),
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
    return family_and_hex(msg, data)


PAYLOAD_DECODERS[NETLINK_SOCK_DIAG] = decode_sock_diag
