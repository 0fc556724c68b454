"""AF_PACKET sockets with kernel receive timestamps (SO_TIMESTAMPNS, CLOCK_REALTIME).

SOCK_DGRAM sockets: the kernel strips the link-layer header, so every interface (loopback,
veth) hands over the IP packet itself, and the sockaddr_ll says which interface, which
ethertype and whether the packet was outgoing.
"""

from __future__ import annotations

import socket
import struct
import time
from dataclasses import dataclass

ETH_P_ALL = 0x0003
SOL_PACKET = 263
PACKET_STATISTICS = 6
SO_TIMESTAMPNS = 35          # SO_TIMESTAMPNS_OLD on x86-64: struct timespec with 64-bit fields
SCM_TIMESTAMPNS = SO_TIMESTAMPNS
TIMESPEC = struct.Struct("=qq")
TPACKET_STATS = struct.Struct("=II")
RCVBUF_BYTES = 8 << 20
PACKET_OUTGOING = 4
ARPHRD_LOOPBACK = 772


class CaptureError(Exception):
    """Packet capture could not be started or did not finish; the run goes on without packets."""


@dataclass(slots=True)
class Frame:
    t_ns: int
    ifname: str
    ethertype: int
    pkttype: int
    hatype: int
    data: bytes
    at: str | None = None      # "server": read on the server's end of a link


def open_sockets(interfaces: list[str] | None = None) -> list[socket.socket]:
    """Opens one socket for every interface of the current network namespace (None) or one per
    named interface. Raises CaptureError with the reason (no permission, no such interface)."""
    socks: list[socket.socket] = []
    try:
        if interfaces is None:
            socks.append(_open(None))
        else:
            for name in interfaces:
                socks.append(_open(name))
    except CaptureError:
        for s in socks:
            s.close()
        raise
    return socks


def _open(ifname: str | None) -> socket.socket:
    where = f"interface {ifname!r}" if ifname else "all interfaces"
    try:
        # Protocol 0 until bound: a socket created with ETH_P_ALL would see every interface at once.
        sock = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM,
                             socket.htons(ETH_P_ALL) if ifname is None else 0)
    except OSError as err:
        raise CaptureError(f"cannot open an AF_PACKET socket on {where}: {err.strerror}") from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RCVBUF_BYTES)
        except OSError:
            pass  # capped by net.core.rmem_max; the default still holds a scenario's packets
        if ifname is not None:
            sock.bind((ifname, ETH_P_ALL))
        sock.setblocking(False)
    except OSError as err:
        sock.close()
        raise CaptureError(f"cannot capture on {where}: {err.strerror}") from None
    return sock


def read_ready(sock: socket.socket, bufsize: int, out: list[Frame], at: str | None = None) -> None:
    """Appends every frame queued on a non-blocking socket; loopback's outgoing copies are
    skipped (each loopback packet is also seen incoming, as tcpdump shows it once). `at` marks
    the frames of a socket on the server's end of a link."""
    ancsize = socket.CMSG_SPACE(TIMESPEC.size)
    while True:
        try:
            data, anc, _flags, addr = sock.recvmsg(bufsize, ancsize)
        except (BlockingIOError, InterruptedError):
            return
        ifname, ethertype, pkttype, hatype = addr[0], addr[1], addr[2], addr[3]
        if hatype == ARPHRD_LOOPBACK and pkttype == PACKET_OUTGOING:
            continue
        t_ns = 0
        for level, ctype, cdata in anc:
            if level == socket.SOL_SOCKET and ctype == SCM_TIMESTAMPNS and len(cdata) >= TIMESPEC.size:
                sec, nsec = TIMESPEC.unpack_from(cdata)
                t_ns = sec * 1_000_000_000 + nsec
        out.append(Frame(t_ns or time.time_ns(), ifname, ethertype, pkttype, hatype, data, at))


def drops(sock: socket.socket) -> int:
    """Packets the kernel dropped on this socket since the last call (full receive buffer)."""
    try:
        _packets, dropped = TPACKET_STATS.unpack(sock.getsockopt(SOL_PACKET, PACKET_STATISTICS, TPACKET_STATS.size))
    except OSError:
        return 0
    return dropped
