"""Entering a private network namespace (and a user namespace when not root), loopback up.

Python 3.11 has no os.unshare, so libc's unshare() is called through ctypes. Must run in a
single-threaded process (the forked per-run worker): the kernel refuses CLONE_NEWUSER otherwise.
"""

from __future__ import annotations

import ctypes
import fcntl
import os
import socket
import struct

from sysrec.errors import SysrecError

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
SIOCGIFFLAGS = 0x8913
SIOCSIFFLAGS = 0x8914
IFF_UP = 0x1

_libc = ctypes.CDLL(None, use_errno=True)


def _unshare(flags: int) -> None:
    if _libc.unshare(flags) != 0:
        err = ctypes.get_errno()
        what = "user+network" if flags & CLONE_NEWUSER else "network"
        hint = ""
        if flags & CLONE_NEWUSER:
            hint = " (are unprivileged user namespaces enabled? see /proc/sys/user/max_user_namespaces)"
        raise SysrecError(f"cannot create a {what} namespace: {os.strerror(err)}{hint}")


def _write(path: str, text: str) -> None:
    with open(path, "w") as fh:
        fh.write(text)


def enter_private_netns() -> bool:
    """Unshare the network namespace; returns True when a user namespace was made too.

    Not root: a user namespace where the caller's uid and gid map to 0, which owns the new network
    namespace, so its sysctls are writable without touching the host's.
    """
    if os.geteuid() == 0:
        _unshare(CLONE_NEWNET)
        user_ns = False
    else:
        uid, gid = os.geteuid(), os.getegid()
        _unshare(CLONE_NEWUSER | CLONE_NEWNET)
        _write("/proc/self/setgroups", "deny")
        _write("/proc/self/uid_map", f"0 {uid} 1\n")
        _write("/proc/self/gid_map", f"0 {gid} 1\n")
        user_ns = True
    loopback_up()
    return user_ns


def loopback_up() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        req = struct.pack("16sH14x", b"lo", 0)
        flags = struct.unpack("16sH14x", fcntl.ioctl(sock.fileno(), SIOCGIFFLAGS, req))[1]
        fcntl.ioctl(sock.fileno(), SIOCSIFFLAGS, struct.pack("16sH14x", b"lo", flags | IFF_UP))


def netns_id() -> str:
    """`net:[4026532…]`: which namespace the counters were read in."""
    return os.readlink("/proc/self/ns/net")
