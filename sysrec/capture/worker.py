"""The capture process: reads the AF_PACKET sockets it was handed until told to stop.

Runs apart from the tracer so that reading packets never delays a ptrace stop. Frames are kept
raw while capturing and decoded only at the end. Protocol with the parent (`CaptureHandle`):
the parent writes to (or closes) our stdin to stop us; we print one JSON `packet` event per line,
sorted by time, then one `capture-stats` line, and exit 0.
"""

from __future__ import annotations

import argparse
import json
import selectors
import signal
import socket
import sys
from typing import Any, Sequence

from sysrec.capture import afpacket
from sysrec.capture.decode import DEFAULT_RAW_SNAPLEN, packet_event
from sysrec.capture.helper import die_with_parent

SERVER_END = "server"
HEADER_BYTES = 512  # enough for any IP + TCP header with options and IPv6 extension headers


def capture(socks: list[socket.socket], control_fd: int, bufsize: int,
            server_socks: Sequence[socket.socket] = ()) -> list[afpacket.Frame]:
    frames: list[afpacket.Frame] = []
    sel = selectors.DefaultSelector()
    for sock in socks:
        sel.register(sock, selectors.EVENT_READ, None)
    for sock in server_socks:
        sel.register(sock, selectors.EVENT_READ, SERVER_END)
    sel.register(control_fd, selectors.EVENT_READ)
    stopping = False
    while not stopping:
        for key, _ in sel.select():
            if key.fileobj == control_fd:
                stopping = True  # a line or EOF: either way, drain and finish
            else:
                afpacket.read_ready(key.fileobj, bufsize, frames, key.data)  # type: ignore[arg-type]
    for sock in socks:
        afpacket.read_ready(sock, bufsize, frames)
    for sock in server_socks:
        afpacket.read_ready(sock, bufsize, frames, SERVER_END)
    return frames


def keeps(frame: afpacket.Frame, event: dict[str, Any]) -> bool:
    """At the server's end only the ICMP that arrives there: its TCP is the client's end's too."""
    if frame.at != SERVER_END:
        return True
    return event.get("proto") in ("icmp", "icmp6") and event.get("dir") == "in"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="sysrec-capture")
    ap.add_argument("--fds", required=True, help="comma-separated AF_PACKET socket fds")
    ap.add_argument("--server-fds", default="", help="AF_PACKET fds on the server's end of a link")
    ap.add_argument("--raw-snaplen", type=int, default=DEFAULT_RAW_SNAPLEN)
    ap.add_argument("--parent", type=int, required=True)
    ns = ap.parse_args(argv)
    die_with_parent(ns.parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the parent stops us
    socks = [socket.socket(fileno=int(fd)) for fd in ns.fds.split(",")]
    bufsize = max(HEADER_BYTES, ns.raw_snaplen)
    server_socks = [socket.socket(fileno=int(fd)) for fd in ns.server_fds.split(",") if fd]
    frames = capture(socks, sys.stdin.fileno(), bufsize, server_socks)
    dropped = sum(afpacket.drops(s) for s in [*socks, *server_socks])
    frames.sort(key=lambda f: f.t_ns)
    out = sys.stdout
    undecoded = 0
    packets = 0
    for f in frames:
        ev = packet_event(f.data, f.t_ns, f.ifname, f.pkttype, f.ethertype, ns.raw_snaplen,
                          loopback=f.hatype == afpacket.ARPHRD_LOOPBACK)
        if ev is None or not keeps(f, ev):
            undecoded += 1
            continue
        if f.at is not None:
            ev["at"] = f.at
        packets += 1
        out.write(json.dumps(ev, separators=(",", ":")) + "\n")
    out.write(json.dumps({"ev": "capture-stats", "frames": len(frames), "packets": packets,
                          "other": undecoded, "drops": dropped}) + "\n")
    out.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
