"""Tracee memory through pread() on /proc/PID/mem: one syscall per read, any size (FIELD-NOTES §5)."""

from __future__ import annotations

import os

from sysrec.tracer.netlink_fds import netlink_protocol

_ADDR_LIMIT = 1 << 64


class ProcMemory:
    """The decoders' `Memory`: read(addr, size) -> bytes | None, never raising.

    One file per process (threads share the address space); `reopen()` after an execve, when the
    old file still points at the address space that was replaced.
    """

    __slots__ = ("pid", "_fd", "stack_pointer")

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self._fd = -1
        # the calling thread's stack pointer at the current syscall-entry stop, set by the
        # tracer (threads share this object: it is read while that thread is stopped)
        self.stack_pointer: int | None = None

    def _ensure_open(self) -> bool:
        if self._fd < 0:
            try:
                self._fd = os.open(f"/proc/{self.pid}/mem", os.O_RDONLY | os.O_CLOEXEC)
            except OSError:
                return False
        return True

    def read(self, addr: int, size: int) -> bytes | None:
        """Exactly `size` bytes at `addr`, or None when any of it is unreadable."""
        if size == 0:
            return b""
        if size < 0 or addr <= 0 or addr + size > _ADDR_LIMIT:
            return None
        fd = self._fd
        if fd < 0:
            if not self._ensure_open():
                return None
            fd = self._fd
        try:
            data = os.pread(fd, size, addr)
        except (OSError, OverflowError, ValueError):
            return None
        return data if len(data) == size else None

    def read_upto(self, addr: int, size: int) -> bytes | None:
        """The readable prefix of the range (for NUL-terminated strings near a page end)."""
        if size <= 0 or addr <= 0 or addr >= _ADDR_LIMIT or not self._ensure_open():
            return None
        size = min(size, _ADDR_LIMIT - addr)
        try:
            return os.pread(self._fd, size, addr) or None
        except (OSError, OverflowError, ValueError):
            # pread stops at the first unreadable page only when something was read before it
            return None

    def netlink_protocol(self, fd: int) -> int | None:
        """NETLINK_* of this process's fd `fd` (None: no netlink socket), for the decoders."""
        return netlink_protocol(self.pid, fd)

    def fileno(self) -> int:
        """The open /proc/PID/mem fd (-1: cannot be opened), for the C stop loop's reads."""
        return self._fd if self._ensure_open() else -1

    def reopen(self, pid: int | None = None) -> None:
        """Forget the open file (after execve, or when the process now has another pid)."""
        self.close()
        if pid is not None:
            self.pid = pid

    def close(self) -> None:
        if self._fd >= 0:
            try:
                os.close(self._fd)
            except OSError:
                pass
            self._fd = -1
