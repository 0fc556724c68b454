"""Entering a private network namespace (and a user namespace when not root), loopback up;
a second namespace beside it for the client when the scenario has a link.

Python 3.11 has neither os.unshare nor os.setns, so libc's are called through ctypes. Must run in
a single-threaded process (the forked per-run worker): the kernel refuses CLONE_NEWUSER otherwise.
"""

from __future__ import annotations

import ctypes
import fcntl
import os
import socket
import struct
from contextlib import contextmanager
from typing import Iterator

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
    namespace, so its sysctls are writable without touching the host's. The namespace is unshared
    twice: the first one only sets tcp_child_ehash_entries for the second (see below).
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
    _own_established_hash()
    _unshare(CLONE_NEWNET)
    _own_established_hash()
    loopback_up()
    return user_ns


# A namespace's sockets normally live in the host's TCP hash table (262,144 buckets here), and
# every sock_diag dump of SYN-RECV requests walks all of it: ~0.2 ms per stop. Since Linux 6.1 a
# namespace can give the namespaces created from it a table of their own; the run's namespaces get
# one of this size, so a listener reading costs ~20 µs. Silently skipped on older kernels.
CHILD_EHASH_ENTRIES = 1024
_CHILD_EHASH = "/proc/sys/net/ipv4/tcp_child_ehash_entries"


def _own_established_hash() -> None:
    """Makes the namespaces created from the current one get a small TCP hash table of their own."""
    try:
        _write(_CHILD_EHASH, str(CHILD_EHASH_ENTRIES))
    except OSError:
        pass


def loopback_up() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        req = struct.pack("16sH14x", b"lo", 0)
        flags = struct.unpack("16sH14x", fcntl.ioctl(sock.fileno(), SIOCGIFFLAGS, req))[1]
        fcntl.ioctl(sock.fileno(), SIOCSIFFLAGS, struct.pack("16sH14x", b"lo", flags | IFF_UP))


def open_netns(path: str = "/proc/thread-self/ns/net") -> int:
    """An fd that names a network namespace (and keeps it alive while open)."""
    return os.open(path, os.O_RDONLY | os.O_CLOEXEC)


def setns(fd: int) -> None:
    """Moves the calling thread into the network namespace `fd` names."""
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise SysrecError(f"cannot enter a network namespace: {os.strerror(err)}")


def new_netns_beside() -> int:
    """Creates another network namespace owned by the current user namespace, with loopback up,
    and returns its fd; the caller stays where it was. Root in the sandbox's user namespace (or
    real root) may do this without touching the host."""
    home = open_netns()
    try:
        _unshare(CLONE_NEWNET)
        try:
            loopback_up()
            return open_netns()
        finally:
            setns(home)
    finally:
        os.close(home)


@contextmanager
def entered(fd: int) -> Iterator[None]:
    """Runs a block in the namespace `fd` names, then returns to the current one. Subprocesses
    started inside the block live in that namespace; files under /proc/thread-self/net and
    sockets opened there belong to it."""
    home = open_netns()
    try:
        setns(fd)
        try:
            yield
        finally:
            setns(home)
    finally:
        os.close(home)


def netns_id() -> str:
    """`net:[4026532…]`: which namespace the calling thread is in."""
    return os.readlink("/proc/thread-self/ns/net")
