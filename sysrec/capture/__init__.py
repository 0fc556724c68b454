"""Packet capture beside the syscalls: AF_PACKET in the run's network namespace.

Usage, inside the namespace (the sockets are opened by the caller, so the capture is live when
`start_capture` returns, and only the reading happens in a separate process):

    handle = start_capture()          # raises CaptureError: write a `warning` event, go on
    ... run the client ...
    packets = handle.stop()           # `packet` events sorted by `t`; raises CaptureError

Packet times are the kernel's receive timestamps (CLOCK_REALTIME ns), the clock of syscall events.
"""

from __future__ import annotations

import json
import socket
import subprocess
import time
from typing import Any, Sequence

from sysrec.capture.afpacket import CaptureError, open_sockets
from sysrec.capture.helper import helper_argv, helper_env

__all__ = ["CaptureError", "CaptureHandle", "start_capture"]


class CaptureHandle:
    """A running capture process. `stop()` once; `close()` (or the context manager) always."""

    def __init__(self, proc: subprocess.Popen[bytes], interfaces: list[str] | None) -> None:
        self._proc = proc
        self.interfaces = interfaces
        self.stats: dict[str, int] = {}
        self.warnings: list[str] = []

    @property
    def pid(self) -> int:
        return self._proc.pid

    def stop(self, settle_s: float = 0.0, timeout_s: float = 30.0) -> list[dict[str, Any]]:
        """Ends the capture and returns its `packet` events, oldest first.

        `settle_s` waits before stopping, for packets still in flight (e.g. held by a delay link).
        Packets the kernel dropped for lack of buffer are counted in `warnings`.
        """
        if settle_s > 0:
            time.sleep(settle_s)
        try:
            out, err = self._proc.communicate(b"stop\n", timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.close()
            raise CaptureError(f"the capture process did not finish within {timeout_s:g} s") from None
        except BrokenPipeError:
            out, err = self._proc.communicate(timeout=timeout_s)
        if self._proc.returncode != 0:
            tail = err.decode(errors="replace").strip().splitlines()[-3:]
            raise CaptureError(f"the capture process failed (exit {self._proc.returncode})"
                               + (": " + " | ".join(tail) if tail else ""))
        packets: list[dict[str, Any]] = []
        for line in out.splitlines():
            obj = json.loads(line)
            if obj.get("ev") == "packet":
                packets.append(obj)
            elif obj.get("ev") == "capture-stats":
                self.stats = {k: v for k, v in obj.items() if k != "ev"}
        if self.stats.get("drops"):
            self.warnings.append(f"packet capture: the kernel dropped {self.stats['drops']} packets "
                                 "(capture buffer full); the packet trace has gaps")
        return packets

    def close(self) -> None:
        """Kills the capture process if it still runs, and reaps it."""
        if self._proc.returncode is None:
            try:
                self._proc.kill()
            except ProcessLookupError:
                pass
            self._proc.wait()
        for stream in (self._proc.stdin, self._proc.stdout, self._proc.stderr):
            if stream is not None and not stream.closed:
                stream.close()

    def __enter__(self) -> "CaptureHandle":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def start_capture(interfaces: list[str] | None = None, raw_snaplen: int = 256,
                  server_end: Sequence[socket.socket] = ()) -> CaptureHandle:
    """Starts capturing TCP, UDP and ICMP packets on the current network namespace's interfaces
    (all of them when `interfaces` is None). `raw_snaplen` bytes of each IP packet are kept as
    `raw` (0: none), for `sysrec export --pcap`. `server_end`: AF_PACKET sockets the caller opened
    on the server's end of a link (`open_sockets` in the server's namespace): only the ICMP that
    arrives there is kept, marked `at = "server"` (what the server's host was told, which the
    client's end never sees). The sockets are handed over (closed here). Raises CaptureError when
    the capture cannot start."""
    socks = open_sockets(interfaces)
    try:
        fds = [s.fileno() for s in socks]
        server_fds = [s.fileno() for s in server_end]
        extra = ["--server-fds", ",".join(map(str, server_fds))] if server_fds else []
        try:
            proc = subprocess.Popen(
                helper_argv("sysrec.capture.worker", "--fds", ",".join(map(str, fds)),
                            "--raw-snaplen", str(raw_snaplen), *extra),
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                pass_fds=fds + server_fds, env=helper_env(), close_fds=True,
            )
        except OSError as err:
            raise CaptureError(f"cannot start the capture process: {err.strerror}") from None
    finally:
        for s in [*socks, *server_end]:
            s.close()
    return CaptureHandle(proc, interfaces)
