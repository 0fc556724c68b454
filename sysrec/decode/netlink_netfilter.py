"""NETLINK_NETFILTER messages as strace prints them (nft, iptables-nft, conntrack): the type as
`NFNL_SUBSYS_NFTABLES<<8|NFT_MSG_GETTABLE`, the NLM_F_ bits each subsystem's new/get/delete
messages take, and the payload: `{nfgen_family=AF_INET, version=NFNETLINK_V0, res_id=htons(0)}`
and its attributes (numbered, values in hex: strace names no netfilter attribute either).
"""

from __future__ import annotations

import struct
from typing import Mapping

from sysrec.decode.netlink import (DELETE_FLAGS, FLAG_TABLES, GET_FLAGS, NEW_FLAGS,
                                   PAYLOAD_DECODERS, TYPE_NAMERS, AttrSet, Msg, attributes,
                                   hex_string)
from sysrec.decode.xlat import c_hex, value
from sysrec.decode.xlat.net import ADDRESS_FAMILIES
from sysrec.decode.xlat.netfilter import (
    NETFILTER_VERSIONS, NF_ACCT_MSG_TYPES, NF_CTHELPER_MSG_TYPES, NF_CTNETLINK_EXP_MSG_TYPES,
    NF_CTNETLINK_MSG_TYPES, NF_CTTIMEOUT_MSG_TYPES, NF_HOOK_MSG_TYPES, NF_IPSET_MSG_TYPES,
    NF_NFT_COMPAT_MSG_TYPES, NF_NFTABLES_MSG_TYPES, NF_OSF_MSG_TYPES, NF_QUEUE_MSG_TYPES,
    NF_ULOG_MSG_TYPES, NFNL_MSG_TYPES, NFNL_SUBSYS_IDS)

NETLINK_NETFILTER = 12
NLMSG_DONE, NLMSG_MIN_TYPE = 3, 0x10
NFNL_SUBSYS_NFTABLES = 10

# subsystem -> (its message types, strace's name for an unknown one)
SUBSYSTEM_TYPES: dict[int, tuple[Mapping[int, str], str]] = {
    1: (NF_CTNETLINK_MSG_TYPES, "IPCTNL_MSG_CT_???"),
    2: (NF_CTNETLINK_EXP_MSG_TYPES, "IPCTNL_MSG_EXP_???"),
    3: (NF_QUEUE_MSG_TYPES, "NFQNL_MSG_???"),
    4: (NF_ULOG_MSG_TYPES, "NFULNL_MSG_???"),
    5: (NF_OSF_MSG_TYPES, "OSF_MSG_???"),
    6: (NF_IPSET_MSG_TYPES, "IPSET_CMD_???"),
    7: (NF_ACCT_MSG_TYPES, "NFNL_MSG_ACCT_???"),
    8: (NF_CTTIMEOUT_MSG_TYPES, "IPCTNL_MSG_TIMEOUT_???"),
    9: (NF_CTHELPER_MSG_TYPES, "NFNL_MSG_CTHELPER_???"),
    NFNL_SUBSYS_NFTABLES: (NF_NFTABLES_MSG_TYPES, "NFT_MSG_???"),
    11: (NF_NFT_COMPAT_MSG_TYPES, "NFNL_MSG_COMPAT_???"),
    12: (NF_HOOK_MSG_TYPES, "NFT_MSG_HOOK_???"),
}


def message_type(t: int) -> str:
    """`NFNL_SUBSYS_NFTABLES<<8|NFT_MSG_GETTABLE`; the batch messages by their own names."""
    if t in NFNL_MSG_TYPES:
        return NFNL_MSG_TYPES[t]
    subsys, kind = t >> 8, t & 0xFF
    types = SUBSYSTEM_TYPES.get(subsys)
    text = value(kind, types[0], types[1]) if types is not None else c_hex(kind)
    return f"{value(subsys, NFNL_SUBSYS_IDS, 'NFNL_SUBSYS_???')}<<8|{text}"


# Which NLM_F_ table each subsystem's messages take, by message name (strace's choice).
_FLAGS_BY_NAME: dict[str, Mapping[int, str]] = {
    **dict.fromkeys(("IPCTNL_MSG_CT_NEW", "IPCTNL_MSG_EXP_NEW", "NFNL_MSG_ACCT_NEW",
                     "IPCTNL_MSG_TIMEOUT_NEW", "NFNL_MSG_CTHELPER_NEW", "NFT_MSG_NEWTABLE",
                     "NFT_MSG_NEWCHAIN", "NFT_MSG_NEWRULE", "NFT_MSG_NEWSET", "NFT_MSG_NEWSETELEM",
                     "NFT_MSG_NEWGEN", "NFT_MSG_NEWOBJ", "NFT_MSG_NEWFLOWTABLE"), NEW_FLAGS),
    **dict.fromkeys(("IPCTNL_MSG_CT_GET", "IPCTNL_MSG_CT_GET_CTRZERO", "IPCTNL_MSG_CT_GET_STATS_CPU",
                     "IPCTNL_MSG_CT_GET_STATS", "IPCTNL_MSG_CT_GET_DYING",
                     "IPCTNL_MSG_CT_GET_UNCONFIRMED", "IPCTNL_MSG_EXP_GET",
                     "IPCTNL_MSG_EXP_GET_STATS_CPU", "NFNL_MSG_ACCT_GET", "NFNL_MSG_ACCT_GET_CTRZERO",
                     "IPCTNL_MSG_TIMEOUT_GET", "NFNL_MSG_CTHELPER_GET", "NFT_MSG_GETTABLE",
                     "NFT_MSG_GETCHAIN", "NFT_MSG_GETRULE", "NFT_MSG_GETSET", "NFT_MSG_GETSETELEM",
                     "NFT_MSG_GETGEN", "NFT_MSG_GETOBJ", "NFT_MSG_GETOBJ_RESET",
                     "NFT_MSG_GETFLOWTABLE", "NFNL_MSG_COMPAT_GET", "NFNL_MSG_HOOK_GET"), GET_FLAGS),
    **dict.fromkeys(("IPCTNL_MSG_CT_DELETE", "IPCTNL_MSG_EXP_DELETE", "NFNL_MSG_ACCT_DEL",
                     "IPCTNL_MSG_TIMEOUT_DELETE", "NFNL_MSG_CTHELPER_DEL", "NFT_MSG_DELTABLE",
                     "NFT_MSG_DELCHAIN", "NFT_MSG_DELRULE", "NFT_MSG_DELSET", "NFT_MSG_DELSETELEM",
                     "NFT_MSG_DELOBJ", "NFT_MSG_DELFLOWTABLE"), DELETE_FLAGS),
}
# subsystems whose messages strace gives these tables (others: the common flags only)
_SUBSYSTEMS_WITH_FLAGS = frozenset({1, 2, 7, 8, 9, NFNL_SUBSYS_NFTABLES, 11, 12})


def flag_table(t: int) -> Mapping[int, str]:
    from sysrec.decode.xlat.netlink import NLM_F_FLAGS
    subsys = t >> 8
    types = SUBSYSTEM_TYPES.get(subsys)
    if types is None or subsys not in _SUBSYSTEMS_WITH_FLAGS:
        return NLM_F_FLAGS
    return _FLAGS_BY_NAME.get(types[0].get(t & 0xFF, ""), NLM_F_FLAGS)


nfgenmsg = struct.Struct("<BBH")  # family, version, res_id (network order)
NFGENMSG_SIZE = 4
NFNL_MSG_BATCH_BEGIN, NFNL_MSG_BATCH_END = 0x10, 0x11
# attributes: no names, no value decoders (strace prints the type number and the bytes)
UNNAMED = AttrSet({}, None, {})


def _res_id(subsys: int, raw: int) -> str:
    """res_id is big-endian, but nftables once sent NFNL_SUBSYS_NFTABLES in host order."""
    host = int.from_bytes(raw.to_bytes(2, "little"), "big")
    if subsys == NFNL_SUBSYS_NFTABLES and host == NFNL_SUBSYS_NFTABLES:
        return "htons(NFNL_SUBSYS_NFTABLES)"
    if subsys == NFNL_SUBSYS_NFTABLES and raw == NFNL_SUBSYS_NFTABLES:
        return "NFNL_SUBSYS_NFTABLES"
    return f"htons({host})"


def decode_netfilter(msg: Msg, data: bytes):
    if msg.type == NLMSG_DONE:
        return None
    if len(data) < NFGENMSG_SIZE:
        return (hex_string(msg, data),)
    family, version, res_id = nfgenmsg.unpack_from(data)
    node = {"nfgen_family": value(family, ADDRESS_FAMILIES, "AF_???"),
            "version": value(version, NETFILTER_VERSIONS, "NFNETLINK_???"),
            "res_id": _res_id(msg.type >> 8, res_id)}
    if len(data) <= NFGENMSG_SIZE:
        return (node,)
    rest = data[NFGENMSG_SIZE:]
    if NFNL_MSG_BATCH_BEGIN <= msg.type <= NFNL_MSG_BATCH_END or msg.type < NLMSG_MIN_TYPE:
        return node, hex_string(msg, rest)
    return node, attributes(msg, rest, UNNAMED)


TYPE_NAMERS[NETLINK_NETFILTER] = message_type
FLAG_TABLES[NETLINK_NETFILTER] = flag_table
PAYLOAD_DECODERS[NETLINK_NETFILTER] = decode_netfilter
