"""NETLINK_SOCK_DIAG requests: one request/reply loop and one inet_diag layout, shared by the
tracer's `-yy` lookups and the sandbox's listener-queue readings.

The caller owns the netlink socket, so each can open it in the namespace it needs.
"""

from __future__ import annotations

import socket
import struct

NETLINK_SOCK_DIAG = 4
SOCK_DIAG_BY_FAMILY = 20
NLM_F_REQUEST = 0x1
NLM_F_DUMP = 0x300
NLMSG_ERROR = 2
NLMSG_DONE = 3

NLMSGHDR = struct.Struct("=IHHII")
INET_DIAG_REQ_V2 = struct.Struct("=BBBxI48x")               # family, protocol, ext, states; zero sockid
INET_DIAG_MSG = struct.Struct("=BBBB HH 16s16s I8s IIIII")  # ports in network byte order


def query(sock: socket.socket, payload: bytes, flags: int, seq: int) -> tuple[list[tuple[int, bytes]], int]:
    """Send one request; return the replies (message type, body) and the errno of an NLMSG_ERROR
    that ended them (0 when none did). Replies to other sequence numbers are skipped."""
    sock.send(NLMSGHDR.pack(NLMSGHDR.size + len(payload), SOCK_DIAG_BY_FAMILY, flags, seq, 0) + payload)
    replies: list[tuple[int, bytes]] = []
    while True:
        data = sock.recv(65536)
        if not data:
            return replies, 0
        offset = 0
        while offset + NLMSGHDR.size <= len(data):
            length, mtype, _flags, reply_seq, _pid = NLMSGHDR.unpack_from(data, offset)
            if length < NLMSGHDR.size:
                return replies, 0
            body = data[offset + NLMSGHDR.size: offset + length]
            offset += (length + 3) & ~3
            if reply_seq != seq:
                continue
            if mtype == NLMSG_DONE:
                return replies, 0
            if mtype == NLMSG_ERROR:
                code = struct.unpack_from("=i", body)[0] if len(body) >= 4 else 0
                return replies, -code
            replies.append((mtype, body))
        if not flags & NLM_F_DUMP:
            return replies, 0
