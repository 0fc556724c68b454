"""NETLINK_ROUTE payloads as strace prints them: ifinfomsg (RTM_*LINK), ifaddrmsg (RTM_*ADDR),
rtmsg (RTM_*ROUTE), ndmsg (RTM_*NEIGH), fib_rule_hdr (RTM_*RULE), netconfmsg (RTM_*NETCONF), each
followed by its attributes; other message types as `{family=AF_…, data="\\x…"}`.

What `ip addr`, `ip route`, `ip neigh`, `ip rule`, `ip netconf` and glibc's
getaddrinfo(AI_ADDRCONFIG) send and receive.
Attributes without a decoder here print as strace's hex string (rare ones: IFLA_AF_SPEC, the
kinds' IFLA_INFO_DATA, RTA_METRICS, RTA_MULTIPATH...).
"""

from __future__ import annotations

import struct

from sysrec.decode.netlink import (NETLINK_ROUTE, PAYLOAD_DECODERS, AttrSet, Msg, attributes,
                                   decoders_by_name, family_and_hex, family_body, family_name,
                                   inet_addr_node, nla_flags, nla_hwaddr, nla_ifindex, nla_indexed,
                                   nla_str, nla_s32, nla_u8, nla_u16, nla_u32, nla_u64, nla_xval)
from sysrec.decode.sockaddr import interface
from sysrec.decode.xlat import c_hex, flags, value
from sysrec.decode.xlat.ioctl import HWADDR_SIZES, IFF_FLAGS
from sysrec.decode.xlat.net import ADDRESS_FAMILIES, ARP_HARDWARE, INET_PROTOCOLS
from sysrec.decode.xlat.netlink import (
    FIB_RULE_ACTIONS, FIB_RULE_FLAGS, IFA_FLAGS, IFLA_EXT_FILTER_FLAGS, IFLA_INET6_ATTRS,
    IFLA_INET_ATTRS, IFLA_INFO_ATTRS, IFLA_MCTP_ATTRS, IFLA_XDP_ATTRS, IN6_ADDR_GEN_MODES,
    INET6_DEVCONF_INDICES, INET6_IF_FLAGS, INET_DEVCONF_INDICES, IP_TOS_FLAGS, NEIGH_FLAGS,
    NEIGH_STATE_FLAGS, NL_ROUTE_TYPES, ROUTING_FLAGS, ROUTING_PROTOCOLS, ROUTING_SCOPES,
    ROUTING_TABLE_IDS, ROUTING_TYPES, RTNL_ADDR_ATTRS, RTNL_LINK_ATTRS, RTNL_NEIGH_ATTRS,
    RTNL_NETCONF_ATTRS, RTNL_ROUTE_ATTRS, RTNL_RULE_ATTRS, SNMP_ICMP6_STATS, SNMP_IP_STATS,
    XDP_ATTACHED_MODES, XDP_FLAGS)

ifinfomsg = struct.Struct("<BxHiII")     # family, type, index, flags, change
ifaddrmsg = struct.Struct("<BBBBI")      # family, prefixlen, flags, scope, index
rtmsg = struct.Struct("<BBBBBBBBI")      # family, dst_len, src_len, tos, table, protocol, scope,
#                                          type, flags
ndmsg = struct.Struct("<BxxxiHBB")       # family, ifindex, state, flags, type


def _xval_or_hex(v: int, table: dict[int, str]) -> str:
    """strace's printxval with no `X_???` default: the name, else the number in hex."""
    return table.get(v) or c_hex(v)


def _names(table: dict[int, str]) -> dict[str, int]:
    return {name: number for number, name in table.items()}


# --- link ------------------------------------------------------------------------------------

_STATS_FIELDS = (
    "rx_packets", "tx_packets", "rx_bytes", "tx_bytes", "rx_errors", "tx_errors", "rx_dropped",
    "tx_dropped", "multicast", "collisions", "rx_length_errors", "rx_over_errors",
    "rx_crc_errors", "rx_frame_errors", "rx_fifo_errors", "rx_missed_errors",
    "tx_aborted_errors", "tx_carrier_errors", "tx_fifo_errors", "tx_heartbeat_errors",
    "tx_window_errors", "rx_compressed", "tx_compressed", "rx_nohandler", "rx_otherhost_dropped",
)
def _link_stats(word: str, counts: tuple[int, ...]):
    """rtnl_link_stats (u32 words) / rtnl_link_stats64 (u64): the kernel's struct grew, strace
    knows the lengths in `counts` (fields; the first is the current struct, taken from any
    longer payload too)."""
    size = struct.calcsize("<" + word)

    def decode(msg: Msg, data: bytes):
        count = counts[0] if len(data) >= size * counts[0] else \
            next((n for n in counts if len(data) == size * n), None)
        if count is None:
            return None
        return dict(zip(_STATS_FIELDS, struct.unpack_from("<" + word * count, data)))
    return decode


def _link_hwaddr(msg: Msg, data: bytes):
    """strace sizes a link address by ifi_family taken as an ARPHRD_* type (sic)."""
    if len(data) > 32:
        return None
    size = min(len(data), HWADDR_SIZES.get(msg.extra.get("family", 0), 255))
    return nla_hwaddr(msg, data[:size])


def _inet6_cacheinfo(msg: Msg, data: bytes):
    if len(data) < 16:
        return None
    return dict(zip(("max_reasm_len", "tstamp", "reachable_time", "retrans_time"),
                    struct.unpack_from("<4I", data)))


def _in6_addr(msg: Msg, data: bytes):
    return inet_addr_node(AF_INET6, data)


INET6_ATTRS = AttrSet(IFLA_INET6_ATTRS, "IFLA_INET6_???", decoders_by_name(IFLA_INET6_ATTRS, {
    "IFLA_INET6_FLAGS": nla_flags(INET6_IF_FLAGS, "IF_???"),
    "IFLA_INET6_CONF": nla_indexed("<i", INET6_DEVCONF_INDICES, "DEVCONF_???"),
    "IFLA_INET6_STATS": nla_indexed("<Q", SNMP_IP_STATS, "IPSTATS_MIB_???"),
    "IFLA_INET6_CACHEINFO": _inet6_cacheinfo,
    "IFLA_INET6_ICMP6STATS": nla_indexed("<Q", SNMP_ICMP6_STATS, "ICMP6_MIB_???"),
    "IFLA_INET6_TOKEN": _in6_addr,
    "IFLA_INET6_ADDR_GEN_MODE": nla_xval(IN6_ADDR_GEN_MODES, "IN6_ADDR_GEN_MODE_???", 1),
    "IFLA_INET6_RA_MTU": nla_u32,
}))
AF_INET6, AF_BRIDGE = 10, 7
# IFLA_PROTINFO's attributes per ifi_family (strace also decodes AF_BRIDGE's: not here yet)
PROTINFO_BY_FAMILY = {AF_INET6: INET6_ATTRS}


def _protinfo(msg: Msg, data: bytes):
    attrs = PROTINFO_BY_FAMILY.get(msg.extra.get("family", -1))
    return None if attrs is None else attributes(msg, data, attrs)


# IFLA_LINKINFO: the kind and, per kind, its data (strace decodes some kinds' data: printed in
# hex here)
LINKINFO_ATTRS = AttrSet(IFLA_INFO_ATTRS, "IFLA_INFO_???", decoders_by_name(IFLA_INFO_ATTRS, {
    "IFLA_INFO_KIND": nla_str, "IFLA_INFO_SLAVE_KIND": nla_str,
}))


IFMAP_SIZE = 28  # offsetofend(struct rtnl_link_ifmap, port): strace reads no padding


def _ifmap(msg: Msg, data: bytes):
    if len(data) < IFMAP_SIZE:
        return None
    mem_start, mem_end, base_addr, irq, dma, port = struct.unpack_from("<3QHBB", data)
    return {"mem_start": c_hex(mem_start), "mem_end": c_hex(mem_end),
            "base_addr": c_hex(base_addr), "irq": irq, "dma": dma, "port": port}


def _nla_fd(msg: Msg, data: bytes):
    return {"$fd": int.from_bytes(data[:4], "little", signed=True)} if len(data) >= 4 else None


XDP_ATTRS = AttrSet(IFLA_XDP_ATTRS, "IFLA_XDP_???", decoders_by_name(IFLA_XDP_ATTRS, {
    "IFLA_XDP_FD": _nla_fd, "IFLA_XDP_EXPECTED_FD": _nla_fd,
    "IFLA_XDP_ATTACHED": nla_xval(XDP_ATTACHED_MODES, "XDP_ATTACHED_???", 1),
    "IFLA_XDP_FLAGS": nla_flags(XDP_FLAGS, "XDP_FLAGS_???"),
    **dict.fromkeys(("IFLA_XDP_PROG_ID", "IFLA_XDP_DRV_PROG_ID", "IFLA_XDP_SKB_PROG_ID",
                     "IFLA_XDP_HW_PROG_ID"), nla_u32),
}))
INET_ATTRS = AttrSet(IFLA_INET_ATTRS, "IFLA_INET_???", decoders_by_name(IFLA_INET_ATTRS, {
    "IFLA_INET_CONF": nla_indexed("<i", INET_DEVCONF_INDICES, "IPV4_DEVCONF_???"),
}))
MCTP_ATTRS = AttrSet(IFLA_MCTP_ATTRS, "IFLA_MCTP_???",
                     decoders_by_name(IFLA_MCTP_ATTRS, {"IFLA_MCTP_NET": nla_u32}))
AF_INET, AF_MCTP = 2, 45


def _nested(attrs: AttrSet):
    def decode(msg: Msg, data: bytes):
        return attributes(msg, data, attrs)
    return decode


# IFLA_AF_SPEC: one attribute per address family, its type the family (AF_BRIDGE's differ:
# printed in hex here)
AF_SPEC_ATTRS = AttrSet(ADDRESS_FAMILIES, "AF_???", {
    AF_INET: _nested(INET_ATTRS), AF_INET6: _nested(INET6_ATTRS), AF_MCTP: _nested(MCTP_ATTRS)})


def _af_spec(msg: Msg, data: bytes):
    return None if msg.extra.get("family") == AF_BRIDGE else attributes(msg, data, AF_SPEC_ATTRS)


LINK_ATTRS = AttrSet(RTNL_LINK_ATTRS, "IFLA_???", decoders_by_name(RTNL_LINK_ATTRS, {
    "IFLA_PROTINFO": _protinfo, "IFLA_LINKINFO": _nested(LINKINFO_ATTRS), "IFLA_XDP": _nested(XDP_ATTRS),
    "IFLA_AF_SPEC": _af_spec, "IFLA_MAP": _ifmap,
    "IFLA_ADDRESS": _link_hwaddr, "IFLA_BROADCAST": _link_hwaddr, "IFLA_PERM_ADDRESS": _link_hwaddr,
    "IFLA_IFNAME": nla_str, "IFLA_QDISC": nla_str, "IFLA_IFALIAS": nla_str,
    "IFLA_PHYS_PORT_NAME": nla_str, "IFLA_ALT_IFNAME": nla_str, "IFLA_PARENT_DEV_NAME": nla_str,
    "IFLA_PARENT_DEV_BUS_NAME": nla_str,
    **dict.fromkeys(("IFLA_MTU", "IFLA_LINK", "IFLA_MASTER", "IFLA_TXQLEN", "IFLA_WEIGHT",
                     "IFLA_NET_NS_PID", "IFLA_NUM_VF", "IFLA_GROUP", "IFLA_PROMISCUITY",
                     "IFLA_NUM_TX_QUEUES", "IFLA_NUM_RX_QUEUES", "IFLA_CARRIER_CHANGES",
                     "IFLA_GSO_MAX_SEGS", "IFLA_GSO_MAX_SIZE", "IFLA_CARRIER_UP_COUNT",
                     "IFLA_CARRIER_DOWN_COUNT", "IFLA_MIN_MTU", "IFLA_MAX_MTU",
                     "IFLA_GRO_MAX_SIZE", "IFLA_TSO_MAX_SIZE", "IFLA_TSO_MAX_SEGS",
                     "IFLA_ALLMULTI"), nla_u32),
    **dict.fromkeys(("IFLA_OPERSTATE", "IFLA_LINKMODE", "IFLA_CARRIER", "IFLA_PROTO_DOWN"),
                    nla_u8),
    **dict.fromkeys(("IFLA_LINK_NETNSID", "IFLA_NEW_NETNSID", "IFLA_IF_NETNSID"), nla_s32),
    "IFLA_NEW_IFINDEX": nla_ifindex,
    "IFLA_STATS": _link_stats("I", (24, 23)), "IFLA_STATS64": _link_stats("Q", (25, 24, 23)),
    "IFLA_EXT_MASK": nla_flags(IFLA_EXT_FILTER_FLAGS, "RTEXT_FILTER_???"),
}))


def _ifinfomsg(msg: Msg, data: bytes):
    return family_body(msg, data, "ifi_family", ifinfomsg, lambda kind, index, iff, change: dict(
        ifi_type=value(kind, ARP_HARDWARE, "ARPHRD_???"), ifi_index=interface(index),
        ifi_flags=flags(iff, IFF_FLAGS, "IFF_???"), ifi_change=c_hex(change)), LINK_ATTRS)


# --- addresses -------------------------------------------------------------------------------

def _address(key: str):
    def decode(msg: Msg, data: bytes):
        return inet_addr_node(msg.extra.get(key, -1), data)
    return decode


def _ifa_cacheinfo(msg: Msg, data: bytes):
    if len(data) < 16:
        return None
    return dict(zip(("ifa_prefered", "ifa_valid", "cstamp", "tstamp"),
                    struct.unpack_from("<4I", data)))


ADDR_ATTRS = AttrSet(RTNL_ADDR_ATTRS, "IFA_???", decoders_by_name(RTNL_ADDR_ATTRS, {
    **dict.fromkeys(("IFA_ADDRESS", "IFA_LOCAL", "IFA_BROADCAST", "IFA_ANYCAST",
                     "IFA_MULTICAST"), _address("family")),
    "IFA_LABEL": nla_str, "IFA_CACHEINFO": _ifa_cacheinfo,
    "IFA_FLAGS": nla_flags(IFA_FLAGS, "IFA_F_???"), "IFA_RT_PRIORITY": nla_u32,
    "IFA_TARGET_NETNSID": nla_s32,
}))


def _ifaddrmsg(msg: Msg, data: bytes):
    return family_body(msg, data, "ifa_family", ifaddrmsg, lambda prefixlen, ifa_flags, scope, index: dict(
        ifa_prefixlen=prefixlen, ifa_flags=flags(ifa_flags, IFA_FLAGS, "IFA_F_???"),
        ifa_scope=_xval_or_hex(scope, ROUTING_SCOPES), ifa_index=interface(index)), ADDR_ATTRS)


# --- routes ----------------------------------------------------------------------------------

def _rta_cacheinfo(msg: Msg, data: bytes):
    if len(data) < 32:
        return None
    ci = dict(zip(("rta_clntref", "rta_lastuse", "rta_expires", "rta_error", "rta_used",
                   "rta_id", "rta_ts", "rta_tsage"), struct.unpack_from("<Ii6I", data)))
    ci["rta_lastuse"] &= 0xFFFFFFFF
    ci["rta_id"] = c_hex(ci["rta_id"])
    return ci


def _rt_class(msg: Msg, data: bytes):
    return _xval_or_hex(int.from_bytes(data[:4], "little"), ROUTING_TABLE_IDS) \
        if len(data) >= 4 else None


ROUTE_ATTRS = AttrSet(RTNL_ROUTE_ATTRS, "RTA_???", decoders_by_name(RTNL_ROUTE_ATTRS, {
    **dict.fromkeys(("RTA_DST", "RTA_SRC", "RTA_GATEWAY", "RTA_PREFSRC", "RTA_NEWDST"),
                    _address("family")),
    "RTA_IIF": nla_ifindex, "RTA_OIF": nla_ifindex,
    **dict.fromkeys(("RTA_PRIORITY", "RTA_PROTOINFO", "RTA_FLOW", "RTA_MP_ALGO", "RTA_MARK",
                     "RTA_UID"), nla_u32),
    "RTA_CACHEINFO": _rta_cacheinfo, "RTA_TABLE": _rt_class,
    **dict.fromkeys(("RTA_PREF", "RTA_TTL_PROPAGATE", "RTA_IP_PROTO"), nla_u8),
    "RTA_SPORT": nla_u16, "RTA_DPORT": nla_u16, "RTA_EXPIRES": nla_u64,
}))


def _rtmsg(msg: Msg, data: bytes):
    return family_body(msg, data, "rtm_family", rtmsg, _rtmsg_fields, ROUTE_ATTRS)


def _rtmsg_fields(dst_len: int, src_len: int, tos: int, table: int, protocol: int, scope: int,
                  kind: int, rt_flags: int) -> dict:
    return dict(rtm_dst_len=dst_len, rtm_src_len=src_len,
                rtm_tos=flags(tos, IP_TOS_FLAGS, "IPTOS_TOS_???"),
                rtm_table=_xval_or_hex(table, ROUTING_TABLE_IDS),
                rtm_protocol=value(protocol, ROUTING_PROTOCOLS, "RTPROT_???"),
                rtm_scope=_xval_or_hex(scope, ROUTING_SCOPES),
                rtm_type=value(kind, ROUTING_TYPES, "RTN_???"),
                rtm_flags=flags(rt_flags, ROUTING_FLAGS, "RTM_F_???"))


# --- neighbours ------------------------------------------------------------------------------

def _nda_cacheinfo(msg: Msg, data: bytes):
    if len(data) < 16:
        return None
    return dict(zip(("ndm_confirmed", "ndm_used", "ndm_updated", "ndm_refcnt"),
                    struct.unpack_from("<4I", data)))


def _nla_be16(msg: Msg, data: bytes):
    return f"htons({int.from_bytes(data[:2], 'big')})" if len(data) >= 2 else None


NEIGH_ATTRS = AttrSet(RTNL_NEIGH_ATTRS, "NDA_???", decoders_by_name(RTNL_NEIGH_ATTRS, {
    "NDA_DST": _address("family"), "NDA_LLADDR": nla_hwaddr, "NDA_CACHEINFO": _nda_cacheinfo,
    **dict.fromkeys(("NDA_PROBES", "NDA_VNI", "NDA_LINK_NETNSID", "NDA_SRC_VNI", "NDA_NH_ID"),
                    nla_u32),
    "NDA_VLAN": nla_u16, "NDA_PORT": _nla_be16,
    "NDA_IFINDEX": nla_ifindex, "NDA_MASTER": nla_ifindex,
    "NDA_PROTOCOL": nla_xval(INET_PROTOCOLS, "IPPROTO_???"),
}))


def _state_flags(v: int) -> str:
    return flags(v, NEIGH_STATE_FLAGS, "NUD_???", zero=NEIGH_STATE_FLAGS.get(0, "0"))


def _ndmsg(msg: Msg, data: bytes):
    return family_body(msg, data, "ndm_family", ndmsg, lambda index, state, nd_flags, kind: dict(
        ndm_ifindex=interface(index & 0xFFFFFFFF), ndm_state=_state_flags(state),
        ndm_flags=flags(nd_flags, NEIGH_FLAGS, "NTF_???"),
        ndm_type=value(kind, ROUTING_TYPES, "RTN_???")), NEIGH_ATTRS)


# --- policy routing rules (`ip rule`) and per-interface settings (`ip netconf`) ------------------

fib_rule_hdr = struct.Struct("<BBBBBxxBI")  # family, dst_len, src_len, tos, table, action, flags


def _range(fmt: str):
    size = struct.calcsize(fmt)

    def decode(msg: Msg, data: bytes):
        if len(data) < size:
            return None
        start, end = struct.unpack_from(fmt, data)
        return {"start": start, "end": end}
    return decode


def _nla_be64(msg: Msg, data: bytes):
    return f"htobe64({int.from_bytes(data[:8], 'big')})" if len(data) >= 8 else None


RULE_ATTRS = AttrSet(RTNL_RULE_ATTRS, "FRA_???", decoders_by_name(RTNL_RULE_ATTRS, {
    "FRA_DST": _address("family"), "FRA_SRC": _address("family"),
    "FRA_IIFNAME": nla_str, "FRA_OIFNAME": nla_str,
    **dict.fromkeys(("FRA_GOTO", "FRA_PRIORITY", "FRA_FWMARK", "FRA_FLOW", "FRA_SUPPRESS_IFGROUP",
                     "FRA_SUPPRESS_PREFIXLEN", "FRA_FWMASK"), nla_u32),
    "FRA_TUN_ID": _nla_be64, "FRA_TABLE": _rt_class, "FRA_L3MDEV": nla_u8,
    "FRA_UID_RANGE": _range("<II"), "FRA_PROTOCOL": nla_xval(ROUTING_PROTOCOLS, "RTPROT_???", 1),
    "FRA_IP_PROTO": nla_xval(INET_PROTOCOLS, "IPPROTO_???"),
    "FRA_SPORT_RANGE": _range("<HH"), "FRA_DPORT_RANGE": _range("<HH"),
}))


def _fib_rule(msg: Msg, data: bytes):
    return family_body(msg, data, "family", fib_rule_hdr,
                          lambda dst_len, src_len, tos, table, action, rule_flags: dict(
        dst_len=dst_len, src_len=src_len, tos=flags(tos, IP_TOS_FLAGS, "IPTOS_TOS_???"),
        table=value(table, ROUTING_TABLE_IDS, "RT_TABLE_???"),
        action=value(action, FIB_RULE_ACTIONS, "FR_ACT_???"),
        flags=flags(rule_flags, FIB_RULE_FLAGS, "FIB_RULE_???")), RULE_ATTRS)


NETCONF_ATTRS = AttrSet(RTNL_NETCONF_ATTRS, "NETCONFA_???", decoders_by_name(RTNL_NETCONF_ATTRS, {
    "NETCONFA_IFINDEX": nla_ifindex,
    **dict.fromkeys(("NETCONFA_FORWARDING", "NETCONFA_RP_FILTER", "NETCONFA_MC_FORWARDING",
                     "NETCONFA_PROXY_NEIGH", "NETCONFA_IGNORE_ROUTES_WITH_LINKDOWN",
                     "NETCONFA_INPUT", "NETCONFA_BC_FORWARDING"), nla_s32),
}))
NETCONFMSG_SIZE = 4  # ncm_family, aligned


def _netconf(msg: Msg, data: bytes):
    node = {"ncm_family": family_name(data[0])}
    if len(data) <= NETCONFMSG_SIZE:
        return (node,)
    return node, attributes(msg, data[NETCONFMSG_SIZE:], NETCONF_ATTRS)


def _getneigh(msg: Msg, data: bytes):
    return (_ifinfomsg if data[0] == AF_BRIDGE else _ndmsg)(msg, data)


_KIND_DECODERS = {"LINK": _ifinfomsg, "ADDR": _ifaddrmsg, "ROUTE": _rtmsg, "NEIGH": _ndmsg,
                  "RULE": _fib_rule, "NETCONF": _netconf}
STRUCT_BY_TYPE = {number: _KIND_DECODERS[name.split("_", 1)[1][3:]]
                  for number, name in NL_ROUTE_TYPES.items()
                  if name.split("_", 1)[1][3:] in _KIND_DECODERS}
STRUCT_BY_TYPE[_names(NL_ROUTE_TYPES)["RTM_GETNEIGH"]] = _getneigh
STRUCT_BY_TYPE.update(dict.fromkeys(
    (_names(NL_ROUTE_TYPES)[n] for n in ("RTM_GETMULTICAST", "RTM_GETANYCAST")), _ifaddrmsg))

NLMSG_DONE = 3


def decode_route(msg: Msg, data: bytes):
    if msg.type == NLMSG_DONE:
        return None
    return STRUCT_BY_TYPE.get(msg.type, family_and_hex)(msg, data)


PAYLOAD_DECODERS[NETLINK_ROUTE] = decode_route
