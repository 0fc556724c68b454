"""The `ctx` attached to each traced syscall of a scenario client (docs/record-format.md).

Read while the tracee is stopped at the syscall's exit: counter deltas since the previous stop,
the scenario listener's accept queue and SYN-RECV count, and the TCP state of the call's fd.
With a link the listener lives in the server's namespace: the sock_diag socket and the counter
files are opened there once and keep answering for it; counters are summed over both namespaces
(sysrec.sandbox.counters.RunCounters).
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

from sysrec.sandbox.counters import RunCounters
from sysrec.sandbox.netns import entered
from sysrec.sandbox.sockets import FdPeeker, listener_info, open_diag_socket

# syscalls whose first argument is a socket fd worth a state lookup
FD_FIRST = frozenset({
    "connect", "accept", "accept4", "bind", "listen", "getsockopt", "setsockopt", "getsockname",
    "getpeername", "sendto", "recvfrom", "sendmsg", "recvmsg", "sendmmsg", "recvmmsg", "shutdown",
    "read", "write", "readv", "writev", "fcntl",
})


class StopContext:
    """Callable handed to the tracer as context_hook; keeps the previous counters between stops."""

    def __init__(self, listener: tuple[str, int] | None, counters: RunCounters | None = None) -> None:
        self.listener = listener
        self.counters = counters or RunCounters()
        self.peeker = FdPeeker()
        server_ns = self.counters.server_netns_fd
        with entered(server_ns) if server_ns is not None else nullcontext():
            self.diag = open_diag_socket()  # stays the server namespace's wherever we are

    def __call__(self, event: dict[str, Any]) -> dict[str, Any]:
        ctx: dict[str, Any] = {}
        try:
            self._fill(ctx, event)
        except OSError as err:  # a lookup that failed must not end the trace
            ctx["error"] = f"context lookup failed: {err}"
        return ctx

    def _fill(self, ctx: dict[str, Any], event: dict[str, Any]) -> None:
        changed = self.counters.changes()
        if changed:
            ctx["counters"] = changed
        if self.listener is not None:
            info = listener_info(*self.listener, nl=self.diag)
            if info is not None:
                ctx["listener"] = info
        fd = self._fd_of(event)
        if fd is not None:
            state = self.peeker.tcp_state(int(event.get("pid", 0)), fd)
            if state is not None:
                ctx["tcp_state"] = state

    @staticmethod
    def _fd_of(event: dict[str, Any]) -> int | None:
        name = event.get("name")
        raw = event.get("raw") or []
        if name in FD_FIRST and raw:
            fd = raw[0] & 0xFFFFFFFF
            return fd if fd < 1 << 20 else None
        if name == "socket" and isinstance(event.get("ret"), int) and event["ret"] >= 0:
            return int(event["ret"])
        return None

    def close(self) -> None:
        self.peeker.close()
        self.diag.close()
