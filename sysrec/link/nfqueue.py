"""The nfnetlink_queue protocol over a raw NETLINK_NETFILTER socket: bind a queue, read the ids
of queued packets, send verdicts.

Messages are netlink headers (host byte order) + an nfgenmsg (queue number big-endian) + netlink
attributes; the queue's own payloads (config command, copy parameters, packet and verdict
headers) are big-endian. All of it is declared below as construct structs.
"""

from __future__ import annotations

import errno
import os
import socket
from functools import cache
from typing import Any, Iterable

NETLINK_NETFILTER = 12
SOL_NETLINK = 270
NETLINK_NO_ENOBUFS = 5

NLMSG_ERROR = 2
NLMSG_DONE = 3
NLM_F_REQUEST = 0x1
NLM_F_ACK = 0x4

NFNL_SUBSYS_QUEUE = 3
NFQNL_MSG_PACKET = 0
NFQNL_MSG_VERDICT = 1
NFQNL_MSG_CONFIG = 2

# attributes of a config message
NFQA_CFG_CMD = 1
NFQA_CFG_PARAMS = 2
NFQA_CFG_QUEUE_MAXLEN = 3
NFQA_CFG_MASK = 4
NFQA_CFG_FLAGS = 5
NFQNL_CFG_CMD_BIND = 1
NFQNL_CFG_CMD_UNBIND = 2
NFQNL_COPY_META = 1            # metadata only: the delay never needs the packet's bytes
NFQA_CFG_F_GSO = 1 << 2        # hand over GSO packets whole instead of segmenting them first

# attributes of packet and verdict messages
NFQA_PACKET_HDR = 1
NFQA_VERDICT_HDR = 2

NF_DROP = 0
NF_ACCEPT = 1

RCVBUF_BYTES = 4 << 20


class QueueError(OSError):
    """The kernel refused a queue request (the errno of its NLMSG_ERROR reply)."""


@cache
def structs() -> Any:
    from types import SimpleNamespace

    from construct import (
        Bytes, GreedyBytes, Int8ub, Int16ub, Int16ul, Int32sl, Int32ub, Int32ul, Padding, Struct, this,
    )

    nlmsghdr = Struct("length" / Int32ul, "type" / Int16ul, "flags" / Int16ul, "seq" / Int32ul, "pid" / Int32ul)
    nfgenmsg = Struct("family" / Int8ub, "version" / Int8ub, "res_id" / Int16ub)
    nlattr = Struct(
        "length" / Int16ul,     # header included, padding excluded
        "type" / Int16ul,
        "data" / Bytes(this.length - 4),
    )                           # followed by padding to 4 octets
    return SimpleNamespace(
        nlmsghdr=nlmsghdr.compile(), nfgenmsg=nfgenmsg.compile(), nlattr=nlattr.compile(),
        nlmsgerr=Struct("error" / Int32sl, "rest" / GreedyBytes).compile(),
        cfg_cmd=Struct("command" / Int8ub, Padding(1), "pf" / Int16ub).compile(),
        cfg_params=Struct("copy_range" / Int32ub, "copy_mode" / Int8ub).compile(),
        be32=Int32ub,
        packet_hdr=Struct("packet_id" / Int32ub, "hw_protocol" / Int16ub, "hook" / Int8ub).compile(),
        verdict_hdr=Struct("verdict" / Int32ub, "id" / Int32ub).compile(),
    )


def _attr(kind: int, data: bytes) -> bytes:
    return structs().nlattr.build(dict(length=4 + len(data), type=kind, data=data)) + bytes(-len(data) % 4)


def _message(msg_type: int, queue: int, attrs: Iterable[bytes], seq: int, flags: int = NLM_F_REQUEST) -> bytes:
    s = structs()
    body = s.nfgenmsg.build(dict(family=socket.AF_UNSPEC, version=0, res_id=queue)) + b"".join(attrs)
    return s.nlmsghdr.build(dict(length=16 + len(body), type=(NFNL_SUBSYS_QUEUE << 8) | msg_type,
                                 flags=flags, seq=seq, pid=0)) + body


def _split(buf: bytes) -> list[tuple[Any, bytes]]:
    """The netlink messages in one datagram: (header, payload after the header)."""
    s = structs()
    out = []
    pos = 0
    while pos + 16 <= len(buf):
        hdr = s.nlmsghdr.parse(buf[pos:pos + 16])
        if hdr.length < 16:
            break
        out.append((hdr, buf[pos + 16:pos + hdr.length]))
        pos += (hdr.length + 3) & ~3
    return out


def _attrs(payload: bytes) -> dict[int, bytes]:
    s = structs()
    found: dict[int, bytes] = {}
    pos = 4  # after the nfgenmsg
    while pos + 4 <= len(payload):
        length = int.from_bytes(payload[pos:pos + 2], "little")
        if length < 4:
            break
        a = s.nlattr.parse(payload[pos:pos + length])
        found[a.type & 0x3FFF] = a.data  # without the NESTED / NET_BYTEORDER flag bits
        pos += (length + 3) & ~3
    return found


class NfQueue:
    """One bound queue of the current network namespace."""

    def __init__(self, queue: int, maxlen: int = 8192) -> None:
        self.queue = queue
        self._seq = 0
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
        try:
            self.sock.bind((0, 0))
            try:
                self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RCVBUF_BYTES)
                self.sock.setsockopt(SOL_NETLINK, NETLINK_NO_ENOBUFS, 1)
            except OSError:
                pass
            s = structs()
            self._request(NFQNL_MSG_CONFIG, [_attr(NFQA_CFG_CMD, s.cfg_cmd.build(dict(command=NFQNL_CFG_CMD_BIND, pf=0)))])
            self._request(NFQNL_MSG_CONFIG, [
                _attr(NFQA_CFG_PARAMS, s.cfg_params.build(dict(copy_range=0, copy_mode=NFQNL_COPY_META))),
                _attr(NFQA_CFG_QUEUE_MAXLEN, s.be32.build(maxlen)),
                _attr(NFQA_CFG_FLAGS, s.be32.build(NFQA_CFG_F_GSO)),
                _attr(NFQA_CFG_MASK, s.be32.build(NFQA_CFG_F_GSO)),
            ])
        except BaseException:
            self.sock.close()
            raise

    def _request(self, msg_type: int, attrs: list[bytes]) -> None:
        """Sends a config request and waits for its acknowledgement."""
        self._seq += 1
        self.sock.send(_message(msg_type, self.queue, attrs, self._seq, NLM_F_REQUEST | NLM_F_ACK))
        while True:
            for hdr, payload in _split(self.sock.recv(65536)):
                if hdr.type == NLMSG_ERROR and hdr.seq == self._seq:
                    err = -structs().nlmsgerr.parse(payload).error
                    if err:
                        raise QueueError(err, f"nfnetlink_queue request refused: {os.strerror(err)}")
                    return

    def fileno(self) -> int:
        return self.sock.fileno()

    def receive(self) -> list[int]:
        """Ids of the packets queued since the last call (empty when none is ready)."""
        ids: list[int] = []
        packet_type = (NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET
        hdr_struct = structs().packet_hdr
        while True:
            try:
                buf = self.sock.recv(65536, socket.MSG_DONTWAIT)
            except (BlockingIOError, InterruptedError):
                return ids
            except OSError as err:
                if err.errno == errno.ENOBUFS:  # messages lost; their packets stay queued until unbind
                    continue
                raise
            for hdr, payload in _split(buf):
                if hdr.type == packet_type:
                    packet_hdr = _attrs(payload).get(NFQA_PACKET_HDR)
                    if packet_hdr is not None:
                        ids.append(hdr_struct.parse(packet_hdr).packet_id)

    def verdicts(self, decisions: list[tuple[int, int]]) -> None:
        """Sends (packet id, NF_ACCEPT or NF_DROP) decisions, many per datagram."""
        vh = structs().verdict_hdr
        batch: list[bytes] = []
        for packet_id, verdict in decisions:
            self._seq += 1
            batch.append(_message(NFQNL_MSG_VERDICT, self.queue,
                                  [_attr(NFQA_VERDICT_HDR, vh.build(dict(verdict=verdict, id=packet_id)))], self._seq))
            if len(batch) == 64:
                self.sock.send(b"".join(batch))
                batch = []
        if batch:
            self.sock.send(b"".join(batch))

    def close(self) -> None:
        self.sock.close()
