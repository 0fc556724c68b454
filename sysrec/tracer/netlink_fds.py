"""Which netlink protocol a tracee's fd speaks, for decoding the messages it sends and receives
(strace asks the socket's `system.sockprotoname` xattr, then the protocol of its inode).

The protocol is the `Eth` column of /proc/PID/net/netlink (the tracee's network namespace),
found by the socket's inode; answers are remembered per inode, as strace does.
"""

from __future__ import annotations

import os

_SOCKET_PREFIX = "socket:["
_cache: dict[int, int | None] = {}  # inode -> NETLINK_*, None: not netlink
_CACHE_LIMIT = 4096


def _inode(pid: int, fd: int) -> int | None:
    try:
        link = os.readlink(f"/proc/{pid}/fd/{fd}")
    except OSError:
        return None
    if not link.startswith(_SOCKET_PREFIX) or not link.endswith("]"):
        return None
    try:
        return int(link[len(_SOCKET_PREFIX):-1])
    except ValueError:
        return None


def _protocol_of(pid: int, inode: int) -> int:
    """NETLINK_* of the netlink socket with this inode, -1 when not listed."""
    try:
        with open(f"/proc/{pid}/net/netlink", encoding="ascii") as table:
            next(table, None)  # the header
            for line in table:
                cols = line.split()
                if len(cols) >= 10 and cols[9] == str(inode):
                    return int(cols[1])
    except (OSError, ValueError):
        pass
    return -1


def netlink_protocol(pid: int, fd: int) -> int | None:
    """NETLINK_* of `fd` in process `pid`, -1 for a netlink socket of unknown protocol, None
    when the fd is no netlink socket (or is gone)."""
    if fd < 0:
        return None
    inode = _inode(pid, fd)
    if inode is None:
        return None
    if inode in _cache:
        return _cache[inode]
    try:
        name = os.getxattr(f"/proc/{pid}/fd/{fd}", "system.sockprotoname")
    except OSError:
        return None
    protocol = _protocol_of(pid, inode) if name.rstrip(b"\0") == b"NETLINK" else None
    if protocol == -1:  # not bound yet, so not listed: ask again next time (strace does too)
        return protocol
    if len(_cache) >= _CACHE_LIMIT:
        _cache.clear()
    _cache[inode] = protocol
    return protocol
