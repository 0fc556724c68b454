"""Socket endpoints for `-yy`, as strace prints them, seen from the tracee's network namespace.

The protocol comes from the `system.sockprotoname` xattr of /proc/TID/fd/N (TCP, TCPv6, UDP,
UNIX-STREAM, NETLINK…). The endpoints come from NETLINK_SOCK_DIAG, through a netlink socket created
inside the tracee's netns (a short-lived thread setns()es there, creates it, and ends), or, when
that is not allowed, from /proc/TID/net/* (which follow the tracee's netns). A socket that the
kernel does not list (not yet bound or connected) prints as `TCP:[inode]`. Like strace, a found
description is remembered per inode. SO_ERROR is never read: it would clear the tracee's error.
"""

from __future__ import annotations

import ctypes
import os
import socket
import struct
import threading

from sysrec.cstring import quote_bytes
from sysrec.sockdiag import INET_DIAG_MSG as _INET_MSG
from sysrec.sockdiag import INET_DIAG_REQ_V2 as _INET_REQ
from sysrec.sockdiag import NETLINK_SOCK_DIAG, NLM_F_DUMP, NLM_F_REQUEST, query

CLONE_NEWNET = 0x40000000
UDIAG_SHOW_NAME = 0x1
UDIAG_SHOW_PEER = 0x4
UNIX_DIAG_NAME = 0
UNIX_DIAG_PEER = 2
NDIAG_PROTO_ALL = 255

_UNIX_REQ = struct.Struct("=BBxxIIIII")         # unix_diag_req
_UNIX_MSG = struct.Struct("=BBBxI8s")
_NL_REQ = struct.Struct("=BBxxIIII")            # netlink_diag_req
_NL_MSG = struct.Struct("=BBBBIIII8s")

# protocol name -> (family, IPPROTO)
_INET_PROTOCOLS = {
    "TCP": (socket.AF_INET, socket.IPPROTO_TCP), "TCPv6": (socket.AF_INET6, socket.IPPROTO_TCP),
    "UDP": (socket.AF_INET, socket.IPPROTO_UDP), "UDPv6": (socket.AF_INET6, socket.IPPROTO_UDP),
    "UDPLITE": (socket.AF_INET, 136), "UDPLITEv6": (socket.AF_INET6, 136),
}
_PROC_NET_FILES = {"TCP": "tcp", "TCPv6": "tcp6", "UDP": "udp", "UDPv6": "udp6",
                   "UDPLITE": "udplite", "UDPLITEv6": "udplite6"}
_UNIX_PROTOCOLS = frozenset({"UNIX", "UNIX-STREAM", "UNIX-DGRAM", "UNIX-SEQPACKET"})
NETLINK_PROTOCOL_NAMES = {
    0: "ROUTE", 1: "UNUSED", 2: "USERSOCK", 3: "FIREWALL", 4: "SOCK_DIAG", 5: "NFLOG", 6: "XFRM",
    7: "SELINUX", 8: "ISCSI", 9: "AUDIT", 10: "FIB_LOOKUP", 11: "CONNECTOR", 12: "NETFILTER",
    13: "IP6_FW", 14: "DNRTMSG", 15: "KOBJECT_UEVENT", 16: "GENERIC", 18: "SCSITRANSPORT",
    19: "ECRYPTFS", 20: "RDMA", 21: "CRYPTO", 22: "SMC",
}
# strace gives these a `PROTO:[inode]` form when the kernel does not list them; others print as -y.
_KNOWN_PROTOCOLS = frozenset(_INET_PROTOCOLS) | _UNIX_PROTOCOLS | {"NETLINK"}


def _inet_endpoint(family: int, addr: bytes, port: int) -> str:
    if family == socket.AF_INET:
        return f"{socket.inet_ntop(socket.AF_INET, addr[:4])}:{port}"
    return f"[{socket.inet_ntop(socket.AF_INET6, addr)}]:{port}"


def _inet_details(family: int, src: bytes, sport: int, dst: bytes, dport: int) -> str:
    local = _inet_endpoint(family, src, sport)
    size = 4 if family == socket.AF_INET else 16
    if dport == 0 and not any(dst[:size]):
        return local
    return f"{local}->{_inet_endpoint(family, dst, dport)}"


class _DiagSocket:
    """A NETLINK_SOCK_DIAG socket living in one network namespace."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.seq = 0

    def _query(self, payload: bytes, flags: int) -> list[tuple[int, bytes]]:
        self.seq += 1
        replies, _errno = query(self.sock, payload, flags, self.seq)
        return replies

    def inet(self, family: int, protocol: int, inode: int) -> str | None:
        found = None
        for _type, body in self._query(_INET_REQ.pack(family, protocol, 0, 0xFFFFFFFF), NLM_F_REQUEST | NLM_F_DUMP):
            if len(body) < _INET_MSG.size:
                continue
            fam, _state, _t, _r, sport, dport, src, dst, _if, _cookie, _exp, _rq, _wq, _uid, ino = \
                _INET_MSG.unpack_from(body)
            if ino == inode and found is None:
                found = _inet_details(fam, src, socket.ntohs(sport), dst, socket.ntohs(dport))
        return found

    def unix(self, inode: int) -> str | None:
        req = _UNIX_REQ.pack(socket.AF_UNIX, 0, 0xFFFFFFFF, inode, UDIAG_SHOW_NAME | UDIAG_SHOW_PEER,
                             0xFFFFFFFF, 0xFFFFFFFF)
        for _type, body in self._query(req, NLM_F_REQUEST):
            if len(body) < _UNIX_MSG.size:
                continue
            _fam, _stype, _state, ino, _cookie = _UNIX_MSG.unpack_from(body)
            if ino != inode:
                continue
            peer = 0
            name: bytes | None = None
            offset = _UNIX_MSG.size
            while offset + 4 <= len(body):
                alen, atype = struct.unpack_from("=HH", body, offset)
                if alen < 4:
                    break
                value = body[offset + 4: offset + alen]
                if atype == UNIX_DIAG_PEER and len(value) >= 4:
                    peer = struct.unpack_from("=I", value)[0]
                elif atype == UNIX_DIAG_NAME:
                    name = value
                offset += (alen + 3) & ~3
            if not peer and not name:
                return None  # nothing to add to the inode: not remembered, asked again next time
            text = str(ino)
            if peer:
                text += f"->{peer}"
            if name:
                # strace shows an abstract name up to its first NUL after the leading one
                abstract = name[:1] == b"\0"
                shown = name[1:].split(b"\0", 1)[0] if abstract else name.rstrip(b"\0")
                text += "," + ("@" if abstract else "") + quote_bytes(shown)
            return text
        return None

    def netlink(self, inode: int) -> str | None:
        req = _NL_REQ.pack(socket.AF_NETLINK, NDIAG_PROTO_ALL, inode, 0, 0xFFFFFFFF, 0xFFFFFFFF)
        found = None
        for _type, body in self._query(req, NLM_F_REQUEST | NLM_F_DUMP):
            if len(body) < _NL_MSG.size:
                continue
            _fam, _type2, proto, _state, portid, _dport, _dgroup, ino, _cookie = _NL_MSG.unpack_from(body)
            if ino == inode and found is None:
                found = f"{NETLINK_PROTOCOL_NAMES.get(proto, str(proto))}:{portid}"
        return found

    def close(self) -> None:
        self.sock.close()


def _open_diag_in(netns_path: str) -> socket.socket | None:
    """A sock_diag socket created in another netns by a thread that setns()es there first."""
    result: list[socket.socket | None] = [None]

    def work() -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        try:
            fd = os.open(netns_path, os.O_RDONLY | os.O_CLOEXEC)
        except OSError:
            return
        try:
            if libc.setns(fd, CLONE_NEWNET) != 0:
                return
            result[0] = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_SOCK_DIAG)
        except OSError:
            return
        finally:
            os.close(fd)
        # This thread now lives in the tracee's netns; it ends here, so nothing else runs there.

    helper = threading.Thread(target=work, name="sysrec-netns", daemon=True)
    helper.start()
    helper.join()
    return result[0]


def _proc_net_inet(tid: int, proto: str, inode: int) -> str | None:
    family = _INET_PROTOCOLS[proto][0]
    try:
        with open(f"/proc/{tid}/net/{_PROC_NET_FILES[proto]}", encoding="ascii") as fh:
            next(fh, None)
            for line in fh:
                fields = line.split()
                if len(fields) < 10 or fields[9] != str(inode):
                    continue
                (src, sport), (dst, dport) = (f.split(":") for f in fields[1:3])
                return _inet_details(family, _proc_addr(src), int(sport, 16), _proc_addr(dst), int(dport, 16))
    except (OSError, ValueError):
        return None
    return None


def _proc_addr(hexaddr: str) -> bytes:
    """/proc/net/tcp prints addresses as 32-bit words in host (little-endian) order."""
    raw = bytes.fromhex(hexaddr)
    return b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4)).ljust(16, b"\0")


def _proc_net_unix(tid: int, inode: int) -> str | None:
    try:
        with open(f"/proc/{tid}/net/unix", encoding="utf-8", errors="surrogateescape") as fh:
            next(fh, None)
            for line in fh:
                fields = line.split(None, 7)
                if len(fields) >= 7 and fields[6] == str(inode):
                    if len(fields) == 8:
                        path = fields[7].rstrip("\n")
                        if path.startswith("@"):
                            return f"{inode},@{quote_bytes(path[1:].encode(errors='surrogateescape'))}"
                        return f"{inode},{quote_bytes(path.encode(errors='surrogateescape'))}"
                    return None
    except OSError:
        return None
    return None


class SocketDescriber:
    """`-yy` text of one socket fd; one diag socket per network namespace seen."""

    def __init__(self) -> None:
        self._cache: dict[int, str] = {}
        self._diag: dict[int, _DiagSocket | None] = {}
        self._own_netns = _netns_inode("/proc/thread-self/ns/net")

    def describe(self, tid: int, fd: int, inode: int) -> str | None:
        cached = self._cache.get(inode)
        if cached is not None:
            return cached
        try:
            proto = os.getxattr(f"/proc/{tid}/fd/{fd}", "system.sockprotoname").rstrip(b"\0").decode()
        except OSError:
            return None
        if proto not in _KNOWN_PROTOCOLS:
            return None
        details = self._lookup(tid, proto, inode)
        if details is None:
            return f"{proto}:[{inode}]"
        text = f"{proto}:[{details}]"
        self._cache[inode] = text
        return text

    def _lookup(self, tid: int, proto: str, inode: int) -> str | None:
        diag = self._diag_for(tid)
        try:
            if proto in _INET_PROTOCOLS:
                if diag is not None:
                    return diag.inet(*_INET_PROTOCOLS[proto], inode)
                return _proc_net_inet(tid, proto, inode)
            if proto in _UNIX_PROTOCOLS:
                return diag.unix(inode) if diag is not None else _proc_net_unix(tid, inode)
            if proto == "NETLINK" and diag is not None:
                return diag.netlink(inode)
        except OSError:
            return None
        return None

    def _diag_for(self, tid: int) -> _DiagSocket | None:
        path = f"/proc/{tid}/ns/net"
        netns = _netns_inode(path)
        if netns in self._diag:
            return self._diag[netns]
        sock: socket.socket | None
        try:
            if netns == self._own_netns:
                sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_SOCK_DIAG)
            else:
                sock = _open_diag_in(path)
        except OSError:
            sock = None
        if sock is not None:
            sock.settimeout(2.0)
        diag = _DiagSocket(sock) if sock is not None else None
        if netns:
            self._diag[netns] = diag
        return diag

    def close(self) -> None:
        for diag in self._diag.values():
            if diag is not None:
                diag.close()
        self._diag.clear()


def _netns_inode(path: str) -> int:
    try:
        return os.stat(path).st_ino
    except OSError:
        return 0

