"""Socket state seen from inside the namespace: listener queues and a tracee fd's TCP state.

The listener comes from NETLINK_SOCK_DIAG in the namespace (for a LISTEN socket the kernel
reports the accept-queue depth as idiag_rqueue and the backlog limit as idiag_wqueue; request
sockets of the SYN queue are dumped as SYN_RECV/NEW_SYN_RECV on the listener's port).
/proc/net/tcp shows the depth and the requests too, but not the backlog. A tracee's fd is looked at through
pidfd_getfd() and getsockopt(TCP_INFO), which never clears the tracee's pending SO_ERROR.
"""

from __future__ import annotations

import ctypes
import os
import socket
import stat
import struct
from dataclasses import dataclass

from sysrec import sockdiag

# include/net/tcp_states.h, in order from 1
TCP_STATE_NAMES = ("ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT",
                   "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING", "NEW_SYN_RECV")
_LISTEN, _SYN_RECV = 0x0A, 0x03
SYS_PIDFD_GETFD = 438


@dataclass(frozen=True)
class TcpLine:
    local: tuple[str, int]
    remote: tuple[str, int]
    state: int
    tx_queue: int
    rx_queue: int
    inode: int


def _addr(hexpair: str) -> tuple[str, int]:
    host, port = hexpair.split(":")
    return socket.inet_ntop(socket.AF_INET, struct.pack("<I", int(host, 16))), int(port, 16)


def parse_proc_net_tcp(text: str) -> list[TcpLine]:
    lines = []
    for row in text.splitlines()[1:]:
        parts = row.split()
        if len(parts) < 10:
            continue
        tx, rx = parts[4].split(":")
        lines.append(TcpLine(local=_addr(parts[1]), remote=_addr(parts[2]), state=int(parts[3], 16),
                             tx_queue=int(tx, 16), rx_queue=int(rx, 16), inode=int(parts[9])))
    return lines


def read_tcp(proc_net: str = "/proc/net") -> list[TcpLine]:
    with open(f"{proc_net}/tcp", encoding="ascii") as fh:
        return parse_proc_net_tcp(fh.read())


def _matches(local: tuple[str, int], host: str, port: int) -> bool:
    return local[1] == port and local[0] in (host, "0.0.0.0")


_STATES = (1 << _LISTEN) | (1 << _SYN_RECV) | (1 << 12)  # LISTEN, SYN_RECV, NEW_SYN_RECV


def open_diag_socket() -> socket.socket:
    """A NETLINK_SOCK_DIAG socket; it answers for the namespace it was opened in, wherever it is used."""
    return socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, sockdiag.NETLINK_SOCK_DIAG)


def diag_dump(states: int = _STATES, nl: socket.socket | None = None) -> list[TcpLine]:
    """IPv4 TCP sockets in `states` (a TCPF_* mask), from `nl`'s namespace (a socket from
    open_diag_socket) or the caller's."""
    if nl is None:
        with open_diag_socket() as own:
            return diag_dump(states, own)
    request = sockdiag.INET_DIAG_REQ_V2.pack(socket.AF_INET, socket.IPPROTO_TCP, 0, states)
    replies, errno = sockdiag.query(nl, request, sockdiag.NLM_F_REQUEST | sockdiag.NLM_F_DUMP, 1)
    if errno:
        raise OSError(errno, f"sock_diag: {os.strerror(errno)}")
    out: list[TcpLine] = []
    for _type, body in replies:
        _family, state, _t, _r, sport, dport, src, dst, _if, _c, _exp, rq, wq, _uid, inode = \
            sockdiag.INET_DIAG_MSG.unpack_from(body)
        out.append(TcpLine(local=(socket.inet_ntop(socket.AF_INET, src[:4]), socket.ntohs(sport)),
                           remote=(socket.inet_ntop(socket.AF_INET, dst[:4]), socket.ntohs(dport)),
                           state=state, tx_queue=wq, rx_queue=rq, inode=inode))
    return out


def listener_info(host: str, port: int, lines: list[TcpLine] | None = None,
                  nl: socket.socket | None = None) -> dict[str, object] | None:
    """`{"addr", "queue", "backlog", "synrecv"}` for the listener on host:port, None when absent.
    Looked up through `nl` (see diag_dump), else in the caller's namespace."""
    if lines is None:
        try:
            lines = diag_dump(nl=nl)
        except OSError:
            if nl is not None:  # /proc/net/tcp would be the caller's namespace, not nl's
                raise
            lines = read_tcp()
    listener = next((ln for ln in lines if ln.state == _LISTEN and _matches(ln.local, host, port)), None)
    if listener is None:
        return None
    synrecv = sum(1 for ln in lines if ln.state in (_SYN_RECV, 12) and ln.local[1] == port)
    return {"addr": f"{host}:{port}", "queue": listener.rx_queue, "backlog": listener.tx_queue,
            "synrecv": synrecv}


def is_listening(host: str, port: int) -> bool:
    return any(ln.state == _LISTEN and _matches(ln.local, host, port) for ln in read_tcp())


_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long


class FdPeeker:
    """Looks at a tracee's TCP sockets through duplicated fds; one pidfd per traced process."""

    def __init__(self) -> None:
        self._pidfds: dict[int, int] = {}

    def tcp_state(self, pid: int, fd: int) -> str | None:
        dup = self._getfd(pid, fd)
        if dup is None:
            return None
        try:
            if not stat.S_ISSOCK(os.fstat(dup).st_mode):
                return None
            with socket.socket(fileno=dup) as sock:
                try:
                    if sock.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL) != socket.IPPROTO_TCP:
                        return None
                    info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)
                except OSError:
                    return None
                finally:
                    sock.detach()
        finally:
            os.close(dup)
        state = info[0]
        return TCP_STATE_NAMES[state - 1] if 1 <= state <= len(TCP_STATE_NAMES) else str(state)

    def _getfd(self, pid: int, fd: int) -> int | None:
        pidfd = self._pidfds.get(pid)
        if pidfd is None:
            try:
                pidfd = os.pidfd_open(pid)
            except OSError:
                return None
            self._pidfds[pid] = pidfd
        dup = _libc.syscall(SYS_PIDFD_GETFD, pidfd, fd, 0)
        return None if dup < 0 else int(dup)

    def forget(self, pid: int) -> None:
        pidfd = self._pidfds.pop(pid, None)
        if pidfd is not None:
            os.close(pidfd)

    def close(self) -> None:
        for pid in list(self._pidfds):
            self.forget(pid)
